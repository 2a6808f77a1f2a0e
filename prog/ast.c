/* AST helpers: arena-backed lists, node construction, deep copies, operator/type names. */
#include "prog/ast.h"

#include <stdio.h>
#include <string.h>

void node_list_push(struct arena *a, struct node_list *l, struct node *n)
{
	ARENA_LIST_PUSH(a, l, n);
}


void sym_list_push(struct arena *a, struct sym_list *l, struct sym *s)
{
	ARENA_LIST_PUSH(a, l, s);
}

void func_list_push(struct arena *a, struct func_list *l, struct func *f)
{
	ARENA_LIST_PUSH(a, l, f);
}


struct node *node_new(struct arena *a, enum node_kind kind, struct loc loc)
{
	struct node *n = arena_alloc(a, sizeof(*n));
	n->kind = kind;
	n->loc = loc;
	if (kind == N_CALL)
		n->u.call.builtin = -1;
	return n;
}

static void clone_list(struct arena *a, struct node_list *dst, const struct node_list *src,
		       const struct expansion *via)
{
	struct node_list l = { 0 };
	for (uint32_t i = 0; i < src->n; i++)
		node_list_push(a, &l, node_clone(a, src->v[i], via));
	*dst = l;
}

struct node *node_clone(struct arena *a, const struct node *n, const struct expansion *via)
{
	if (!n)
		return NULL;
	struct node *c = arena_alloc(a, sizeof(*c));
	*c = *n;
	if (via)
		c->loc.via = via;
	switch (n->kind) {
	case N_NUM:
	case N_STR:	/* the string bytes are immutable and shared */
	case N_VAR:
	case N_TARGET:
	case N_BREAK:
	case N_CONTINUE:
	case N_NEXT:
	case N_EMPTY:
		break;
	case N_INDEX:
		c->u.index.base = node_clone(a, n->u.index.base, via);
		clone_list(a, &c->u.index.keys, &n->u.index.keys, via);
		break;
	case N_CALL:
		clone_list(a, &c->u.call.args, &n->u.call.args, via);
		break;
	case N_STATOP:
		c->u.statop.arg = node_clone(a, n->u.statop.arg, via);
		break;
	case N_BINOP:
		c->u.bin.l = node_clone(a, n->u.bin.l, via);
		c->u.bin.r = node_clone(a, n->u.bin.r, via);
		break;
	case N_UNOP:
		c->u.un.e = node_clone(a, n->u.un.e, via);
		break;
	case N_ASSIGN:
		c->u.assign.lhs = node_clone(a, n->u.assign.lhs, via);
		c->u.assign.rhs = node_clone(a, n->u.assign.rhs, via);
		break;
	case N_INCDEC:
		c->u.incdec.lv = node_clone(a, n->u.incdec.lv, via);
		break;
	case N_TERNARY:
		c->u.tern.cond = node_clone(a, n->u.tern.cond, via);
		c->u.tern.t = node_clone(a, n->u.tern.t, via);
		c->u.tern.f = node_clone(a, n->u.tern.f, via);
		break;
	case N_IN:
		clone_list(a, &c->u.in.keys, &n->u.in.keys, via);
		c->u.in.arr = node_clone(a, n->u.in.arr, via);
		break;
	case N_BLOCK:
		clone_list(a, &c->u.block, &n->u.block, via);
		break;
	case N_EXPR:
		c->u.expr = node_clone(a, n->u.expr, via);
		break;
	case N_IF:
	case N_TRY:
		c->u.ifs.cond = node_clone(a, n->u.ifs.cond, via);
		c->u.ifs.then = node_clone(a, n->u.ifs.then, via);
		c->u.ifs.els = node_clone(a, n->u.ifs.els, via);
		break;
	case N_WHILE:
	case N_FOR:
		c->u.loop.init = node_clone(a, n->u.loop.init, via);
		c->u.loop.cond = node_clone(a, n->u.loop.cond, via);
		c->u.loop.step = node_clone(a, n->u.loop.step, via);
		c->u.loop.body = node_clone(a, n->u.loop.body, via);
		break;
	case N_FOREACH:
		clone_list(a, &c->u.foreach.vars, &n->u.foreach.vars, via);
		c->u.foreach.value = node_clone(a, n->u.foreach.value, via);
		c->u.foreach.arr = node_clone(a, n->u.foreach.arr, via);
		c->u.foreach.limit = node_clone(a, n->u.foreach.limit, via);
		c->u.foreach.body = node_clone(a, n->u.foreach.body, via);
		break;
	case N_RETURN:
		c->u.ret = node_clone(a, n->u.ret, via);
		break;
	case N_DELETE:
		c->u.del = node_clone(a, n->u.del, via);
		break;
	}
	return c;
}

const char *op_str(enum op op)
{
	switch (op) {
	case OP_NONE: return "=";
	case OP_ADD: return "+";
	case OP_SUB: return "-";
	case OP_MUL: return "*";
	case OP_DIV: return "/";
	case OP_MOD: return "%";
	case OP_SHL: return "<<";
	case OP_SHR: return ">>";
	case OP_BAND: return "&";
	case OP_BOR: return "|";
	case OP_BXOR: return "^";
	case OP_LAND: return "&&";
	case OP_LOR: return "||";
	case OP_LT: return "<";
	case OP_LE: return "<=";
	case OP_GT: return ">";
	case OP_GE: return ">=";
	case OP_EQ: return "==";
	case OP_NE: return "!=";
	case OP_CONCAT: return ".";
	case OP_NEG: return "-";
	case OP_PLUS: return "+";
	case OP_NOT: return "!";
	case OP_BNOT: return "~";
	case OP_AGG: return "<<<";
	case OP_COUNT: return "@count";
	case OP_SUM: return "@sum";
	case OP_MIN: return "@min";
	case OP_MAX: return "@max";
	case OP_AVG: return "@avg";
	}
	return "?";
}

const char *type_str(enum type t)
{
	switch (t) {
	case T_UNKNOWN: return "unknown";
	case T_LONG: return "long";
	case T_STRING: return "string";
	case T_STATS: return "stats";
	case T_VOID: return "void";
	}
	return "unknown";
}
