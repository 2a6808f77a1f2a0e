/* The -p1 printer: an AST back to canonical, re-parseable SystemTap source. */
#include "lex.h"
#include "parse.h"

#include <inttypes.h>
#include <string.h>

static void print_expr(FILE *out, const struct node *n, int minprec);
static void print_stmt(FILE *out, const struct node *n, int indent);

static void print_indent(FILE *out, int indent)
{
	for (int i = 0; i < indent; i++)
		fputs("  ", out);
}

static void print_string(FILE *out, const char *s, uint32_t len)
{
	fputc('"', out);
	for (uint32_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		case '\r': fputs("\\r", out); break;
		default:
			/* always three octal digits, so a following digit cannot join the escape */
			if (c < 0x20 || c == 0x7f)
				fprintf(out, "\\%03o", c);
			else
				fputc(c, out);
		}
	}
	fputc('"', out);
}

/* s =~ "re" and s !~ "re": the parser makes them calls named by their operators */
static bool is_regex_op(const struct node *n)
{
	return n->kind == N_CALL && n->u.call.args.n == 2 &&
	       (!strcmp(n->u.call.name, "=~") || !strcmp(n->u.call.name, "!~"));
}

/* How tightly an expression binds: decides where the printer needs parentheses. */
static int prec_of(const struct node *n)
{
	switch (n->kind) {
	case N_ASSIGN: return PREC_ASSIGN;
	case N_TERNARY: return PREC_TERNARY;
	case N_BINOP: return binop_prec(n->u.bin.op);
	case N_CALL: return is_regex_op(n) ? PREC_CMP : PREC_PRIMARY;
	case N_IN: return PREC_IN;
	case N_UNOP: return PREC_UNARY;
	case N_NUM: return n->u.num < 0 ? PREC_UNARY : PREC_PRIMARY;
	case N_INCDEC: return PREC_CREMENT;
	default: return PREC_PRIMARY;
	}
}

static void print_list(FILE *out, const struct node_list *l, int minprec)
{
	for (uint32_t i = 0; i < l->n; i++) {
		if (i)
			fputs(", ", out);
		print_expr(out, l->v[i], minprec);
	}
}

static void print_expr_inner(FILE *out, const struct node *n)
{
	switch (n->kind) {
	case N_EMPTY:	/* a '*' key */
		fputc('*', out);
		break;
	case N_NUM:
		fprintf(out, "%" PRId64, n->u.num);
		break;
	case N_STR:
		print_string(out, n->u.str.s, n->u.str.len);
		break;
	case N_VAR:
	case N_TARGET:
		fputs(n->u.var.name, out);
		break;
	case N_INDEX:
		print_expr(out, n->u.index.base, PREC_PRIMARY);
		fputc('[', out);
		print_list(out, &n->u.index.keys, PREC_ASSIGN);
		fputc(']', out);
		break;
	case N_CALL:
		if (is_regex_op(n)) {	/* s =~ "re": a call named by its operator */
			print_expr(out, n->u.call.args.v[0], PREC_CMP);
			fprintf(out, " %s ", n->u.call.name);
			print_expr(out, n->u.call.args.v[1], PREC_CMP + 1);
			break;
		}
		fprintf(out, "%s(", n->u.call.name);
		print_list(out, &n->u.call.args, PREC_ASSIGN);
		fputc(')', out);
		break;
	case N_STATOP:
		fprintf(out, "%s(", op_str(n->u.statop.op));
		print_expr(out, n->u.statop.arg, PREC_PRIMARY);
		for (uint32_t i = 0; i < n->u.statop.np && i < 3; i++)
			fprintf(out, ", %" PRId64, n->u.statop.p[i]);
		fputc(')', out);
		if (n->u.statop.bucket) {
			fputc('[', out);
			print_expr(out, n->u.statop.bucket, PREC_ASSIGN);
			fputc(']', out);
		}
		break;
	case N_BINOP: {
		int p = binop_prec(n->u.bin.op);
		print_expr(out, n->u.bin.l, p);
		fprintf(out, " %s ", op_str(n->u.bin.op));
		print_expr(out, n->u.bin.r, p + 1);
		break;
	}
	case N_UNOP: {
		fputs(op_str(n->u.un.op), out);
		const struct node *e = n->u.un.e;
		/* "- -x" must not print as "--x", nor "-(-5)" as "--5" */
		bool wrap = e->kind == N_UNOP || (e->kind == N_NUM && e->u.num < 0) ||
			    (e->kind == N_INCDEC && !e->u.incdec.post);
		if (wrap) {
			fputc('(', out);
			print_expr(out, e, PREC_ASSIGN);
			fputc(')', out);
		} else {
			print_expr(out, e, PREC_UNARY);
		}
		break;
	}
	case N_ASSIGN:
		print_expr(out, n->u.assign.lhs, PREC_CREMENT);
		if (n->u.assign.op == OP_NONE || n->u.assign.op == OP_AGG)
			fprintf(out, " %s ", op_str(n->u.assign.op));
		else
			fprintf(out, " %s= ", op_str(n->u.assign.op));
		print_expr(out, n->u.assign.rhs, PREC_ASSIGN);
		break;
	case N_INCDEC:
		if (!n->u.incdec.post)
			fputs(n->u.incdec.inc ? "++" : "--", out);
		print_expr(out, n->u.incdec.lv, PREC_PRIMARY);
		if (n->u.incdec.post)
			fputs(n->u.incdec.inc ? "++" : "--", out);
		break;
	case N_TERNARY:
		print_expr(out, n->u.tern.cond, PREC_LOR);
		fputs(" ? ", out);
		print_expr(out, n->u.tern.t, PREC_ASSIGN);
		fputs(" : ", out);
		print_expr(out, n->u.tern.f, PREC_ASSIGN);
		break;
	case N_IN:
		if (n->u.in.keys.n == 1 && n->u.in.keys.v[0]->kind != N_EMPTY) {
			print_expr(out, n->u.in.keys.v[0], PREC_CMP);
		} else {
			fputc('[', out);
			print_list(out, &n->u.in.keys, PREC_CMP);
			fputc(']', out);
		}
		fputs(" in ", out);
		print_expr(out, n->u.in.arr, PREC_PRIMARY);
		break;
	default:
		fputs("/* statement */", out);
		break;
	}
}

static void print_expr(FILE *out, const struct node *n, int minprec)
{
	if (!n)
		return;
	bool paren = prec_of(n) < minprec;
	if (paren)
		fputc('(', out);
	print_expr_inner(out, n);
	if (paren)
		fputc(')', out);
}

static bool is_expr(const struct node *n)
{
	return n->kind <= N_IN;
}

/*
 * A controlled statement: a block stays on the header's line and leaves the line open
 * (so "} else" can follow); anything else goes on its own, deeper line. Returns true
 * if the line is left open.
 */
static bool print_body(FILE *out, const struct node *body, int indent, bool force_block)
{
	if (body->kind == N_BLOCK || force_block) {
		fputs(" {\n", out);
		if (body->kind == N_BLOCK) {
			for (uint32_t i = 0; i < body->u.block.n; i++)
				print_stmt(out, body->u.block.v[i], indent + 1);
		} else {
			print_stmt(out, body, indent + 1);
		}
		print_indent(out, indent);
		fputc('}', out);
		return true;
	}
	fputc('\n', out);
	print_stmt(out, body, indent + 1);
	return false;
}

/* An if whose then-branch is an unbraced compound statement would steal our else. */
static bool needs_braces(const struct node *then)
{
	return then->kind == N_IF || then->kind == N_WHILE || then->kind == N_FOR ||
	       then->kind == N_FOREACH;
}

/* 'if (c) ...' from the current column; returns whether the line is left open. */
static bool print_if(FILE *out, const struct node *n, int indent)
{
	fputs("if (", out);
	print_expr(out, n->u.ifs.cond, PREC_ASSIGN);
	fputc(')', out);
	const struct node *els = n->u.ifs.els;
	bool open = print_body(out, n->u.ifs.then, indent, els && needs_braces(n->u.ifs.then));
	if (!els)
		return open;
	if (open) {
		fputs(" else", out);
	} else {
		print_indent(out, indent);
		fputs("else", out);
	}
	if (els->kind == N_IF) {
		fputc(' ', out);
		return print_if(out, els, indent);
	}
	return print_body(out, els, indent, false);
}

static void print_foreach_head(FILE *out, const struct node *n)
{
	int col = n->u.foreach.sort_col, dir = n->u.foreach.sort_dir;
	const char *mark = dir > 0 ? "+" : dir < 0 ? "-" : "";
	fputs("foreach (", out);
	if (n->u.foreach.value) {
		fprintf(out, "%s = ", n->u.foreach.value->u.var.name);
	}
	const struct node_list *v = &n->u.foreach.vars;
	bool bracket = v->n != 1;
	if (bracket)
		fputc('[', out);
	for (uint32_t i = 0; i < v->n; i++) {
		if (i)
			fputs(", ", out);
		fputs(v->v[i]->u.var.name, out);
		if (dir && col == (int)i + 1)
			fputs(mark, out);
	}
	if (bracket)
		fputc(']', out);
	fputs(" in ", out);
	print_expr(out, n->u.foreach.arr, PREC_ASSIGN);
	if (n->u.foreach.sort_agg != OP_NONE)
		fprintf(out, " %s", op_str(n->u.foreach.sort_agg));
	if (dir && col == FOREACH_SORT_VALUE)
		fputs(mark, out);
	if (n->u.foreach.limit) {
		fputs(" limit ", out);
		print_expr(out, n->u.foreach.limit, PREC_ASSIGN);
	}
	fputc(')', out);
}

static void print_stmt(FILE *out, const struct node *n, int indent)
{
	print_indent(out, indent);
	bool open = false;
	switch (n->kind) {
	case N_BLOCK:
		fputs("{\n", out);
		for (uint32_t i = 0; i < n->u.block.n; i++)
			print_stmt(out, n->u.block.v[i], indent + 1);
		print_indent(out, indent);
		fputs("}\n", out);
		return;
	case N_EXPR:
		print_expr(out, n->u.expr, PREC_ASSIGN);
		fputs(";\n", out);
		return;
	case N_EMPTY:
		fputs(";\n", out);
		return;
	case N_IF:
		open = print_if(out, n, indent);
		break;
	case N_WHILE:
		fputs("while (", out);
		print_expr(out, n->u.loop.cond, PREC_ASSIGN);
		fputc(')', out);
		open = print_body(out, n->u.loop.body, indent, false);
		break;
	case N_FOR:
		fputs("for (", out);
		print_expr(out, n->u.loop.init, PREC_ASSIGN);
		fputs(n->u.loop.cond ? "; " : ";", out);
		print_expr(out, n->u.loop.cond, PREC_ASSIGN);
		fputs(n->u.loop.step ? "; " : ";", out);
		print_expr(out, n->u.loop.step, PREC_ASSIGN);
		fputc(')', out);
		open = print_body(out, n->u.loop.body, indent, false);
		break;
	case N_FOREACH:
		print_foreach_head(out, n);
		open = print_body(out, n->u.foreach.body, indent, false);
		break;
	case N_BREAK:
		fputs("break;\n", out);
		return;
	case N_CONTINUE:
		fputs("continue;\n", out);
		return;
	case N_NEXT:
		fputs("next;\n", out);
		return;
	case N_RETURN:
		fputs("return", out);
		if (n->u.ret) {
			fputc(' ', out);
			print_expr(out, n->u.ret, PREC_ASSIGN);
		}
		fputs(";\n", out);
		return;
	case N_TRY:
		fputs("try", out);
		print_body(out, n->u.ifs.then, indent, true);
		fputs(" catch", out);
		if (n->u.ifs.cond)
			fprintf(out, "(%s)", n->u.ifs.cond->u.var.name);
		open = print_body(out, n->u.ifs.els, indent, true);
		break;
	case N_DELETE:
		fputs("delete ", out);
		print_expr(out, n->u.del, PREC_ASSIGN);
		fputs(";\n", out);
		return;
	default:
		/* an expression where a statement belongs: print it as one */
		print_expr(out, n, PREC_ASSIGN);
		fputs(";\n", out);
		return;
	}
	if (open)
		fputc('\n', out);
}

/* Statements print as whole lines at 'indent' levels; expressions print inline, no newline. */
void ast_print_node(FILE *out, const struct node *n, int indent)
{
	if (!n)
		return;
	if (is_expr(n))
		print_expr(out, n, PREC_ASSIGN);
	else
		print_stmt(out, n, indent);
}

static void print_pp(FILE *out, const struct probe_point *pp)
{
	for (uint32_t i = 0; i < pp->ncomps; i++) {
		const struct pp_comp *c = &pp->comps[i];
		if (i)
			fputc('.', out);
		fputs(c->functor, out);
		if (c->arg) {
			fputc('(', out);
			print_expr(out, c->arg, PREC_ASSIGN);
			fputc(')', out);
		}
	}
	if (pp->optional)
		fputc('?', out);
	if (pp->sufficient)
		fputc('!', out);
	if (pp->cond) {
		fputs(" if (", out);
		print_expr(out, pp->cond, PREC_ASSIGN);
		fputc(')', out);
	}
}

static void print_pp_list(FILE *out, const struct pp_list *l)
{
	for (uint32_t i = 0; i < l->n; i++) {
		if (i)
			fputs(", ", out);
		print_pp(out, l->v[i]);
	}
}

static void print_block_body(FILE *out, const struct node *body)
{
	fputs(" {\n", out);
	if (body && body->kind == N_BLOCK)
		for (uint32_t i = 0; i < body->u.block.n; i++)
			print_stmt(out, body->u.block.v[i], 1);
	else if (body)
		print_stmt(out, body, 1);
	fputs("}\n", out);
}

static void print_type(FILE *out, enum type t)
{
	if (t == T_LONG || t == T_STRING)
		fprintf(out, ":%s", type_str(t));
}

/* Globals first, then functions, then probes and aliases in their order in the file. */
void ast_print_file(FILE *out, const struct stp_file *f)
{
	for (uint32_t i = 0; i < f->globals.n; i++) {
		const struct sym *s = f->globals.v[i];
		fprintf(out, "global %s%s", s->name, s->wrap ? "%" : "");
		if (s->is_array && s->max_entries)
			fprintf(out, "[%u]", s->max_entries);
		if (s->init) {
			fputs(" = ", out);
			print_expr(out, s->init, PREC_ASSIGN);
		}
		fputc('\n', out);
	}
	for (uint32_t i = 0; i < f->funcs.n; i++) {
		const struct func *fn = f->funcs.v[i];
		fprintf(out, "function %s(", fn->name);
		for (uint32_t j = 0; j < fn->params.n; j++) {
			if (j)
				fputs(", ", out);
			fputs(fn->params.v[j]->name, out);
			print_type(out, fn->params.v[j]->type);
		}
		fputc(')', out);
		print_type(out, fn->ret);
		print_block_body(out, fn->body);
	}
	for (uint32_t i = 0; i < f->probes.n; i++) {
		const struct probe_def *pd = f->probes.v[i];
		fputs("probe ", out);
		if (pd->kind != PD_PROBE) {
			print_pp_list(out, &pd->names);
			fputs(pd->kind == PD_ALIAS ? " = " : " += ", out);
		}
		print_pp_list(out, &pd->points);
		print_block_body(out, pd->body);
	}
}
