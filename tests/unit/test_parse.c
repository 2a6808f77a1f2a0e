/* Parser tests: AST shapes, precedence, every statement form, the preprocessor, -p1 round trips, errors. */
#include "harness.h"
#include "lang/lex.h"
#include "lang/parse.h"

#include <glob.h>
#include <stdint.h>

static struct arena *A;
static char *errs;	/* diagnostics of the last parse */
static size_t errs_len;
static int nerrs;

static const char *const test_argv[] = { "5", "str", "-3" };
static const struct parse_env test_env = { .kernel_vr = "6.18.44-fc-v782", .kernel_v = "6.18.44",
					   .arch = "x86_64", .runtime = "bpf", .argv = test_argv,
					   .argc = 3 };

static struct stp_file *parse_named(const char *path, const char *text)
{
	arena_free(A);
	A = arena_new();
	free(errs);
	errs = NULL;
	FILE *fp = open_memstream(&errs, &errs_len);
	struct diag *d = diag_new(A, fp);
	struct src_file *src = src_file_new(A, path, text, strlen(text));
	struct stp_file *f = parse_file(A, d, src, &test_env);
	fclose(fp);
	nerrs = diag_error_count(d);
	return f;
}

static struct stp_file *parse(const char *text)
{
	return parse_named("<input>", text);
}

/* The diagnostics a snippet produces. */
static const char *errors_of(const char *text)
{
	parse(text);
	return errs;
}

/* ---- a fully parenthesised dump, to check tree shapes independently of the printer ---- */

static void dump(FILE *o, const struct node *n);

static void dump_list(FILE *o, const struct node_list *l)
{
	for (uint32_t i = 0; i < l->n; i++) {
		fputc(' ', o);
		dump(o, l->v[i]);
	}
}

static void dump(FILE *o, const struct node *n)
{
	if (!n) {
		fputs("nil", o);
		return;
	}
	switch (n->kind) {
	case N_NUM: fprintf(o, "%lld", (long long)n->u.num); break;
	case N_STR: fprintf(o, "\"%.*s\"", (int)n->u.str.len, n->u.str.s); break;
	case N_VAR: fputs(n->u.var.name, o); break;
	case N_TARGET: fprintf(o, "(target %s)", n->u.var.name); break;
	case N_INDEX:
		fputs("(index ", o);
		dump(o, n->u.index.base);
		dump_list(o, &n->u.index.keys);
		fputc(')', o);
		break;
	case N_CALL:
		fprintf(o, "(call %s", n->u.call.name);
		dump_list(o, &n->u.call.args);
		fputc(')', o);
		break;
	case N_STATOP:
		fprintf(o, "(%s ", op_str(n->u.statop.op));
		dump(o, n->u.statop.arg);
		fputc(')', o);
		break;
	case N_BINOP:
		fprintf(o, "(%s ", op_str(n->u.bin.op));
		dump(o, n->u.bin.l);
		fputc(' ', o);
		dump(o, n->u.bin.r);
		fputc(')', o);
		break;
	case N_UNOP:
		fprintf(o, "(u%s ", op_str(n->u.un.op));
		dump(o, n->u.un.e);
		fputc(')', o);
		break;
	case N_ASSIGN:
		if (n->u.assign.op == OP_NONE || n->u.assign.op == OP_AGG)
			fprintf(o, "(%s ", op_str(n->u.assign.op));
		else
			fprintf(o, "(%s= ", op_str(n->u.assign.op));
		dump(o, n->u.assign.lhs);
		fputc(' ', o);
		dump(o, n->u.assign.rhs);
		fputc(')', o);
		break;
	case N_INCDEC:
		fprintf(o, "(%s%s ", n->u.incdec.post ? "post" : "pre", n->u.incdec.inc ? "++" : "--");
		dump(o, n->u.incdec.lv);
		fputc(')', o);
		break;
	case N_TERNARY:
		fputs("(? ", o);
		dump(o, n->u.tern.cond);
		fputc(' ', o);
		dump(o, n->u.tern.t);
		fputc(' ', o);
		dump(o, n->u.tern.f);
		fputc(')', o);
		break;
	case N_IN:
		fputs("(in", o);
		dump_list(o, &n->u.in.keys);
		fputc(' ', o);
		dump(o, n->u.in.arr);
		fputc(')', o);
		break;
	default:
		fprintf(o, "(stmt %d)", n->kind);
	}
}

static char dumpbuf[4096];

static const char *dump_str(const struct node *n)
{
	FILE *o = fmemopen(dumpbuf, sizeof(dumpbuf), "w");
	dump(o, n);
	fclose(o);
	return dumpbuf;
}

/* The tree of the first expression statement of 'probe begin { TEXT }'. */
static const char *expr_tree(const char *text)
{
	char src[2048];
	snprintf(src, sizeof(src), "probe begin { %s }", text);
	struct stp_file *f = parse(src);
	if (nerrs || f->probes.n != 1 || !f->probes.v[0]->body->u.block.n)
		return errs && *errs ? errs : "(no statement)";
	const struct node *s = f->probes.v[0]->body->u.block.v[0];
	if (s->kind != N_EXPR)
		return "(not an expression statement)";
	return dump_str(s->u.expr);
}

static char *print_file_str(const struct stp_file *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	ast_print_file(o, f);
	fclose(o);
	return buf;
}

/* -p1 text of a snippet: what the printer makes of it. */
static char printed[8192];

static const char *p1(const char *text)
{
	struct stp_file *f = parse(text);
	if (nerrs)
		return errs;
	char *s = print_file_str(f);
	snprintf(printed, sizeof(printed), "%s", s);
	free(s);
	return printed;
}

/* Print, re-parse, print again: the two texts must match and neither parse may fail. */
static int round_trip(const char *path, const char *text, char **first)
{
	struct stp_file *f = parse_named(path, text);
	if (nerrs) {
		fprintf(stderr, "  %s: %s", path, errs);
		return 0;
	}
	char *one = print_file_str(f);
	f = parse_named("<printed>", one);
	if (nerrs) {
		fprintf(stderr, "  re-parse of %s failed:\n%s\n%s", path, one, errs);
		free(one);
		return 0;
	}
	char *two = print_file_str(f);
	int ok = strcmp(one, two) == 0;
	if (!ok)
		fprintf(stderr, "  %s: round trip differs:\n%s\n---\n%s", path, one, two);
	if (first)
		*first = one;
	else
		free(one);
	free(two);
	return ok;
}

/* ---- top level ---- */

TEST(probe_defs)
{
	struct stp_file *f = parse("probe begin { }\nprobe timer.ms(100), end(-1) { x = 1 }\n"
				   "probe begin { } probe end {}");
	ASSERT_EQ(nerrs, 0);
	ASSERT_EQ(f->probes.n, 4);
	const struct probe_def *p = f->probes.v[1];
	ASSERT_EQ(p->kind, PD_PROBE);
	ASSERT_EQ(p->order, 1);
	ASSERT_EQ(p->loc.line, 2);
	ASSERT_EQ(p->loc.col, 1);
	ASSERT_EQ(p->loc.len, 5);
	ASSERT_EQ(p->points.n, 2);
	const struct probe_point *pp = p->points.v[0];
	ASSERT_EQ(pp->ncomps, 2);
	ASSERT_STREQ(pp->comps[0].functor, "timer");
	ASSERT_STREQ(pp->comps[1].functor, "ms");
	ASSERT_EQ(pp->comps[1].arg->kind, N_NUM);
	ASSERT_EQ(pp->comps[1].arg->u.num, 100);
	ASSERT_EQ(pp->comps[1].loc.col, 13);
	ASSERT_EQ(pp->comps[1].loc.len, 7);
	ASSERT_EQ(pp->loc.col, 7);
	ASSERT_EQ(pp->loc.len, 13);
	ASSERT_EQ(p->points.v[1]->comps[0].arg->u.num, -1);
	ASSERT_EQ(p->body->kind, N_BLOCK);
	ASSERT_EQ(p->body->u.block.n, 1);
}

TEST(alias_defs)
{
	struct stp_file *f = parse("probe a = timer.ms(1) { x = 1 }\n"
				   "probe a += timer.ms(1) { }\n"
				   "probe syscall.open, syscall.openat = kernel.function(\"do_sys_open\").call { }");
	ASSERT_EQ(nerrs, 0);
	ASSERT_EQ(f->probes.n, 3);
	ASSERT_EQ(f->probes.v[0]->kind, PD_ALIAS);
	ASSERT_EQ(f->probes.v[1]->kind, PD_ALIAS_EPI);
	ASSERT_EQ(f->probes.v[0]->names.n, 1);
	ASSERT_STREQ(f->probes.v[0]->names.v[0]->comps[0].functor, "a");
	ASSERT_EQ(f->probes.v[0]->points.n, 1);
	const struct probe_def *p = f->probes.v[2];
	ASSERT_EQ(p->names.n, 2);
	ASSERT_STREQ(pp_to_string(A, p->names.v[1]), "syscall.openat");
	ASSERT_STREQ(pp_to_string(A, p->points.v[0]), "kernel.function(\"do_sys_open\").call");
	ASSERT_EQ(p->points.v[0]->comps[1].arg->kind, N_STR);
	ASSERT_STREQ(p->points.v[0]->comps[1].arg->u.str.s, "do_sys_open");
}

TEST(probe_point_forms)
{
	struct stp_file *f = parse("probe syscall.open*, syscall.*.return, kernel.function(\"vfs_*\").return?,"
				   " timer.ms(100).randomize(10)!, begin(-1)?!, sys_*_64 if (x > 1), foo.bar!? {}");
	ASSERT_EQ(nerrs, 0);
	const struct pp_list *l = &f->probes.v[0]->points;
	ASSERT_EQ(l->n, 7);
	ASSERT_STREQ(l->v[0]->comps[1].functor, "open*");
	ASSERT_STREQ(l->v[1]->comps[1].functor, "*");
	ASSERT_STREQ(l->v[1]->comps[2].functor, "return");
	ASSERT_TRUE(l->v[2]->optional);
	ASSERT_TRUE(!l->v[2]->sufficient);
	ASSERT_STREQ(pp_to_string(A, l->v[2]), "kernel.function(\"vfs_*\").return?");
	ASSERT_TRUE(l->v[3]->sufficient);
	ASSERT_EQ(l->v[3]->comps[2].arg->u.num, 10);
	ASSERT_TRUE(l->v[4]->optional && l->v[4]->sufficient);
	ASSERT_STREQ(pp_to_string(A, l->v[4]), "begin(-1)?!");
	ASSERT_STREQ(l->v[5]->comps[0].functor, "sys_*_64");
	ASSERT_TRUE(l->v[5]->cond != NULL);
	ASSERT_STREQ(dump_str(l->v[5]->cond), "(> x 1)");
	ASSERT_TRUE(l->v[6]->optional && l->v[6]->sufficient);
	/* a space ends a functor: "open *" is not one component */
	parse("probe syscall.open * {}");
	ASSERT_TRUE(nerrs > 0);
}

TEST(probe_point_braces)
{
	/* product order; every expansion located at the whole written point; marks after the
	 * closing brace go to each, marks inside to their alternative (outer condition first) */
	struct stp_file *f = parse("probe {a,b}.{c,d(1)}?, x.{y if (p),z.{u,v}}! if (q) {}");
	ASSERT_EQ(nerrs, 0);
	const struct pp_list *l = &f->probes.v[0]->points;
	ASSERT_EQ(l->n, 7);
	static const char *const want[] = { "a.c?", "a.d(1)?", "b.c?", "b.d(1)?", "x.y!",
					    "x.z.u!", "x.z.v!" };
	for (uint32_t i = 0; i < 7; i++)
		ASSERT_STREQ(pp_to_string(A, l->v[i]), want[i]);
	for (uint32_t i = 0; i < 4; i++) {
		ASSERT_EQ(l->v[i]->loc.col, 7);
		ASSERT_EQ(l->v[i]->loc.len, 15);	/* {a,b}.{c,d(1)}? */
		ASSERT_TRUE(l->v[i]->cond == NULL);
	}
	ASSERT_EQ(l->v[2]->comps[0].loc.col, 10);	/* a component keeps its own place */
	ASSERT_EQ(l->v[4]->loc.col, 24);
	ASSERT_STREQ(dump_str(l->v[4]->cond), "(&& q p)");
	ASSERT_STREQ(dump_str(l->v[5]->cond), "q");
	ASSERT_TRUE(l->v[5]->cond != l->v[6]->cond);	/* each expansion has its own copy */
	/* alias names expand too */
	f = parse("probe t.{a,b} = timer.ms(1) {}");
	ASSERT_EQ(nerrs, 0);
	ASSERT_EQ(f->probes.v[0]->names.n, 2);
	ASSERT_STREQ(pp_to_string(A, f->probes.v[0]->names.v[1]), "t.b");
	/* marks only after the last component */
	parse("probe a.{b?,c}.d {}");
	ASSERT_TRUE(nerrs > 0);
	parse("probe a!.b {}");
	ASSERT_TRUE(nerrs > 0);
	parse("probe {a,} {}");
	ASSERT_TRUE(nerrs > 0);
}

TEST(globals)
{
	struct stp_file *f = parse("global a, b = 5, c[1000], s = \"x\", d = -3\nglobal e; global m = -9223372036854775808\n"
				   "private global p");
	ASSERT_EQ(nerrs, 0);
	ASSERT_EQ(f->globals.n, 8);
	const struct sym *const *g = (const struct sym *const *)f->globals.v;
	ASSERT_STREQ(g[0]->name, "a");
	ASSERT_EQ(g[0]->kind, S_GLOBAL);
	ASSERT_TRUE(!g[0]->is_array && !g[0]->init);
	ASSERT_EQ(g[1]->init->kind, N_NUM);
	ASSERT_EQ(g[1]->init->u.num, 5);
	ASSERT_TRUE(g[2]->is_array);
	ASSERT_EQ(g[2]->max_entries, 1000);
	ASSERT_EQ(g[3]->init->kind, N_STR);
	ASSERT_EQ(g[4]->init->u.num, -3);
	ASSERT_EQ(g[4]->loc.line, 1);
	ASSERT_EQ(g[4]->loc.col, 36);
	ASSERT_EQ(g[5]->loc.line, 2);
	ASSERT_TRUE(g[6]->init->u.num == INT64_MIN);
	ASSERT_STREQ(g[7]->name, "p");
	ASSERT_EQ(g[7]->index, 7);
}

TEST(functions)
{
	struct stp_file *f = parse("function f(a, b:string):long { return 1 }\n"
				   "function g:string (x:long) { return \"s\" }\n"
				   "function h() { }\nprivate function k(a:long) {}");
	ASSERT_EQ(nerrs, 0);
	ASSERT_EQ(f->funcs.n, 4);
	const struct func *fn = f->funcs.v[0];
	ASSERT_STREQ(fn->name, "f");
	ASSERT_EQ(fn->params.n, 2);
	ASSERT_EQ(fn->params.v[0]->type, T_UNKNOWN);
	ASSERT_EQ(fn->params.v[0]->kind, S_PARAM);
	ASSERT_EQ(fn->params.v[1]->type, T_STRING);
	ASSERT_EQ(fn->params.v[1]->index, 1);
	ASSERT_EQ(fn->ret, T_LONG);
	ASSERT_EQ(fn->ret_loc.col, 25);
	ASSERT_EQ(fn->loc.col, 10);
	fn = f->funcs.v[1];
	ASSERT_EQ(fn->ret, T_STRING);
	ASSERT_EQ(fn->params.v[0]->type, T_LONG);
	ASSERT_EQ(f->funcs.v[2]->ret, T_UNKNOWN);
	ASSERT_EQ(f->funcs.v[2]->params.n, 0);
	ASSERT_EQ(f->funcs.v[2]->body->kind, N_BLOCK);
	ASSERT_STREQ(f->funcs.v[3]->name, "k");
}

/* ---- expressions ---- */

TEST(precedence)
{
	ASSERT_STREQ(expr_tree("a = b + c * d . e"), "(= a (. (+ b (* c d)) e))");
	ASSERT_STREQ(expr_tree("a . b + c"), "(. a (+ b c))");
	ASSERT_STREQ(expr_tree("x <<< 1"), "(<<< x 1)");
	ASSERT_STREQ(expr_tree("x <<< y + 1"), "(<<< x (+ y 1))");
	ASSERT_STREQ(expr_tree("x = [a,b] in c"), "(= x (in a b c))");
	ASSERT_STREQ(expr_tree("x = !a in b"), "(= x (in (u! a) b))");
	ASSERT_STREQ(expr_tree("x = a < b in c"), "(= x (in (< a b) c))");
	ASSERT_STREQ(expr_tree("x = a in b && c in d"), "(= x (&& (in a b) (in c d)))");
	ASSERT_STREQ(expr_tree("x = a ? b : c ? d : e"), "(= x (? a b (? c d e)))");
	ASSERT_STREQ(expr_tree("x = a && b || c"), "(= x (|| (&& a b) c))");
	ASSERT_STREQ(expr_tree("x = a || b && c"), "(= x (|| a (&& b c)))");
	ASSERT_STREQ(expr_tree("x = a | b ^ c & d"), "(= x (| a (^ b (& c d))))");
	ASSERT_STREQ(expr_tree("x = a == b < c"), "(= x (< (== a b) c))");
	ASSERT_STREQ(expr_tree("x = a << 1 + 2"), "(= x (<< a (+ 1 2)))");
	ASSERT_STREQ(expr_tree("x = a - b - c"), "(= x (- (- a b) c))");
	ASSERT_STREQ(expr_tree("x = a / b % c"), "(= x (% (/ a b) c))");
	ASSERT_STREQ(expr_tree("a = b = c"), "(= a (= b c))");
	ASSERT_STREQ(expr_tree("a += b -= 1"), "(+= a (-= b 1))");
	ASSERT_STREQ(expr_tree("x = -a * ~b"), "(= x (* (u- a) (u~ b)))");
	ASSERT_STREQ(expr_tree("x = !!a"), "(= x (u! (u! a)))");
	ASSERT_STREQ(expr_tree("x = - - a"), "(= x (u- (u- a)))");
	ASSERT_STREQ(expr_tree("x = +a"), "(= x (u+ a))");
	ASSERT_STREQ(expr_tree("x = (a + b) * c"), "(= x (* (+ a b) c))");
	ASSERT_STREQ(expr_tree("x = c ? a = 1 : b"), "(= x (? c (= a 1) b))");
	ASSERT_STREQ(expr_tree("x = a++ + ++b"), "(= x (+ (post++ a) (pre++ b)))");
	ASSERT_STREQ(expr_tree("x = a-- - --b[1]"), "(= x (- (post-- a) (pre-- (index b 1))))");
}

TEST(assignment_operators)
{
	const char *ops[] = { "=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "|=", "^=", ".=" };
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		char src[64], want[64];
		snprintf(src, sizeof(src), "a[1, \"k\"] %s 2", ops[i]);
		snprintf(want, sizeof(want), "(%s (index a 1 \"k\") 2)", ops[i]);
		ASSERT_STREQ(expr_tree(src), want);
	}
}

TEST(primaries)
{
	ASSERT_STREQ(expr_tree("x = 0x1f + 017 + 10"), "(= x (+ (+ 31 15) 10))");
	ASSERT_STREQ(expr_tree("x = -9223372036854775808"), "(= x -9223372036854775808)");
	ASSERT_STREQ(expr_tree("x = 18446744073709551615"), "(= x -1)");
	ASSERT_STREQ(expr_tree("x = 1 - -2"), "(= x (- 1 -2))");
	ASSERT_STREQ(expr_tree("f()"), "(call f)");
	ASSERT_STREQ(expr_tree("printf(\"%d %s\\n\", a[1], g(2, 3))"),
		     "(call printf \"%d %s\n\" (index a 1) (call g 2 3))");
	ASSERT_STREQ(expr_tree("x = @count(s) + @sum(s) + @min(s) + @max(s) + @avg(a[1, 2])"),
		     "(= x (+ (+ (+ (+ (@count s) (@sum s)) (@min s)) (@max s)) (@avg (index a 1 2))))");
	ASSERT_STREQ(expr_tree("x = $fd + $$parms"), "(= x (+ (target $fd) (target $$parms)))");
	ASSERT_STREQ(expr_tree("x = $file->f_path->dentry"), "(= x (target $file->f_path->dentry))");
	/* as in stap, a one-key "[k]" without 'in' is just k (at the array_in level) */
	ASSERT_STREQ(expr_tree("x = [a] & 1"), "(= x (& a 1))");
	/* "x = 1 ++y": a literal takes no postfix ++, so this is two statements */
	struct stp_file *f = parse("probe begin { x = 1 ++y }");
	ASSERT_EQ(nerrs, 0);
	ASSERT_EQ(f->probes.v[0]->body->u.block.n, 2);
}

TEST(locations)
{
	struct stp_file *f = parse("probe begin {\n  x = a + foo(1)\n}");
	const struct node *s = f->probes.v[0]->body->u.block.v[0];
	ASSERT_EQ(s->kind, N_EXPR);
	ASSERT_EQ(s->loc.line, 2);
	ASSERT_EQ(s->loc.col, 3);
	const struct node *as = s->u.expr;
	ASSERT_EQ(as->loc.col, 5);	/* the operator */
	const struct node *plus = as->u.assign.rhs;
	ASSERT_EQ(plus->loc.col, 9);
	ASSERT_EQ(plus->u.bin.r->kind, N_CALL);
	ASSERT_EQ(plus->u.bin.r->loc.col, 11);
	ASSERT_EQ(plus->u.bin.r->loc.len, 3);
	ASSERT_EQ(plus->u.bin.r->u.call.builtin, -1);
}

/* ---- statements ---- */

TEST(statements)
{
	struct stp_file *f = parse("probe begin {\n"
				   "  if (a) b = 1; else { c = 2 }\n"
				   "  while (i < 3) i++\n"
				   "  for (i = 0; i < 3; i++) { break; continue }\n"
				   "  for (;;) ;\n"
				   "  return\n"
				   "  return 5;\n"
				   "  next\n"
				   "  delete a; delete a[1, 2]; delete x;\n"
				   "  ;\n"
				   "  { }\n"
				   "  a = 1 b = 2\n"
				   "}");
	ASSERT_EQ(nerrs, 0);
	const struct node_list *b = &f->probes.v[0]->body->u.block;
	ASSERT_EQ(b->n, 14);
	ASSERT_EQ(b->v[0]->kind, N_IF);
	ASSERT_EQ(b->v[0]->u.ifs.then->kind, N_EXPR);
	ASSERT_EQ(b->v[0]->u.ifs.els->kind, N_BLOCK);
	ASSERT_EQ(b->v[1]->kind, N_WHILE);
	ASSERT_TRUE(!b->v[1]->u.loop.init && !b->v[1]->u.loop.step);
	ASSERT_EQ(b->v[2]->kind, N_FOR);
	ASSERT_STREQ(dump_str(b->v[2]->u.loop.init), "(= i 0)");
	ASSERT_STREQ(dump_str(b->v[2]->u.loop.step), "(post++ i)");
	ASSERT_EQ(b->v[2]->u.loop.body->u.block.v[0]->kind, N_BREAK);
	ASSERT_EQ(b->v[2]->u.loop.body->u.block.v[1]->kind, N_CONTINUE);
	ASSERT_TRUE(!b->v[3]->u.loop.init && !b->v[3]->u.loop.cond && !b->v[3]->u.loop.step);
	ASSERT_EQ(b->v[3]->u.loop.body->kind, N_EMPTY);
	ASSERT_EQ(b->v[4]->kind, N_RETURN);
	ASSERT_TRUE(b->v[4]->u.ret == NULL);
	ASSERT_EQ(b->v[5]->u.ret->u.num, 5);
	ASSERT_EQ(b->v[6]->kind, N_NEXT);
	ASSERT_EQ(b->v[7]->kind, N_DELETE);
	ASSERT_EQ(b->v[7]->u.del->kind, N_VAR);
	ASSERT_STREQ(dump_str(b->v[8]->u.del), "(index a 1 2)");
	ASSERT_EQ(b->v[9]->u.del->kind, N_VAR);
	ASSERT_EQ(b->v[10]->kind, N_EMPTY);
	ASSERT_EQ(b->v[11]->kind, N_BLOCK);
	ASSERT_EQ(b->v[12]->kind, N_EXPR);
	ASSERT_EQ(b->v[13]->kind, N_EXPR);
	/* dangling else binds to the nearest if */
	f = parse("probe begin { if (a) if (b) x = 1; else y = 2 }");
	const struct node *s = f->probes.v[0]->body->u.block.v[0];
	ASSERT_TRUE(s->u.ifs.els == NULL);
	ASSERT_TRUE(s->u.ifs.then->u.ifs.els != NULL);
	/* "probe begin { }" with no statements at all */
	f = parse("probe begin {}");
	ASSERT_EQ(f->probes.v[0]->body->u.block.n, 0);
}

static const struct node *first_stmt(const char *text)
{
	struct stp_file *f = parse(text);
	if (nerrs || !f->probes.n || !f->probes.v[0]->body->u.block.n)
		return NULL;
	return f->probes.v[0]->body->u.block.v[0];
}

TEST(foreach_forms)
{
	const struct node *s = first_stmt("probe begin { foreach (k in a) x = k }");
	ASSERT_TRUE(s && s->kind == N_FOREACH);
	ASSERT_EQ(s->u.foreach.vars.n, 1);
	ASSERT_STREQ(s->u.foreach.vars.v[0]->u.var.name, "k");
	ASSERT_STREQ(s->u.foreach.arr->u.var.name, "a");
	ASSERT_EQ(s->u.foreach.sort_dir, 0);
	ASSERT_EQ(s->u.foreach.sort_col, 0);
	ASSERT_TRUE(!s->u.foreach.value && !s->u.foreach.limit);
	ASSERT_EQ(s->u.foreach.body->kind, N_EXPR);

	s = first_stmt("probe begin { foreach ([k1, k2] in a) {} }");
	ASSERT_TRUE(s);
	ASSERT_EQ(s->u.foreach.vars.n, 2);

	s = first_stmt("probe begin { foreach (v = [k1, k2] in a) {} }");
	ASSERT_TRUE(s);
	ASSERT_STREQ(s->u.foreach.value->u.var.name, "v");
	ASSERT_EQ(s->u.foreach.vars.n, 2);

	s = first_stmt("probe begin { foreach (k in a-) {} }");
	ASSERT_TRUE(s);
	ASSERT_EQ(s->u.foreach.sort_col, FOREACH_SORT_VALUE);
	ASSERT_EQ(s->u.foreach.sort_dir, -1);

	s = first_stmt("probe begin { foreach (k in a+ limit 10) {} }");
	ASSERT_TRUE(s);
	ASSERT_EQ(s->u.foreach.sort_dir, 1);
	ASSERT_EQ(s->u.foreach.limit->u.num, 10);

	s = first_stmt("probe begin { foreach (k- in a) {} }");
	ASSERT_TRUE(s);
	ASSERT_EQ(s->u.foreach.sort_col, 1);
	ASSERT_EQ(s->u.foreach.sort_dir, -1);

	s = first_stmt("probe begin { foreach ([k1, k2+] in a limit n * 2) {} }");
	ASSERT_TRUE(s);
	ASSERT_EQ(s->u.foreach.sort_col, 2);
	ASSERT_EQ(s->u.foreach.sort_dir, 1);
	ASSERT_STREQ(dump_str(s->u.foreach.limit), "(* n 2)");

	s = first_stmt("probe begin { foreach (v- = [k] in a) {} }");
	ASSERT_TRUE(s);
	ASSERT_EQ(s->u.foreach.sort_col, FOREACH_SORT_VALUE);
	ASSERT_EQ(s->u.foreach.sort_dir, -1);
	ASSERT_EQ(s->u.foreach.vars.n, 1);

	s = first_stmt("probe begin { foreach (v = k in a) {} }");
	ASSERT_TRUE(s);
	ASSERT_TRUE(s->u.foreach.value != NULL);
}

/* ---- preprocessor ---- */

TEST(preprocessor_conditions)
{
	ASSERT_STREQ(expr_tree("%( kernel_v >= \"2.6.30\" %? x = 1 %: x = 2 %)"), "(= x 1)");
	ASSERT_STREQ(expr_tree("%( kernel_v < \"2.6.30\" %? x = 1 %: x = 2 %)"), "(= x 2)");
	ASSERT_STREQ(expr_tree("%( kernel_v == \"6.18.*\" %? x = 1 %: x = 2 %)"), "(= x 1)");
	ASSERT_STREQ(expr_tree("%( kernel_vr != \"6.18.44-fc*\" %? x = 1 %: x = 2 %)"), "(= x 2)");
	ASSERT_STREQ(expr_tree("%( kernel_v > \"6.9\" %? x = 1 %: x = 2 %)"), "(= x 1)");
	ASSERT_STREQ(expr_tree("%( arch == \"x86_64\" && runtime == \"bpf\" %? x = 1 %: x = 2 %)"), "(= x 1)");
	ASSERT_STREQ(expr_tree("%( arch == \"arm64\" || systemtap_v >= \"4.0\" %? x = 1 %: x = 2 %)"), "(= x 1)");
	ASSERT_STREQ(expr_tree("%( systemtap_v > \"4.8\" %? x = 1 %: x = 2 %)"), "(= x 2)");
	ASSERT_STREQ(expr_tree("%( CONFIG_FOO == \"y\" %? x = 1 %: x = 2 %)"), "(= x 2)");
	ASSERT_STREQ(expr_tree("%( $# == 3 && @# > 2 %? x = 1 %: x = 2 %)"), "(= x 1)");
	ASSERT_STREQ(expr_tree("%( 1 < 2 %? x = 1 %)"), "(= x 1)");
	/* no else part, false: nothing at all */
	struct stp_file *f = parse("probe begin { %( arch == \"s390\" %? x = 1 %) }");
	ASSERT_EQ(nerrs, 0);
	ASSERT_EQ(f->probes.v[0]->body->u.block.n, 0);
	/* nested, and around whole definitions */
	ASSERT_STREQ(expr_tree("%( arch == \"x86_64\" %? %( $# > 5 %? x = 1 %: x = 3 %) %: x = 2 %)"), "(= x 3)");
	f = parse("%( runtime == \"bpf\" %? probe begin {} %: probe end {} probe end {} %)");
	ASSERT_EQ(nerrs, 0);
	ASSERT_EQ(f->probes.n, 1);
	/* an untaken branch may hold anything lexable, even embedded C */
	f = parse("%( runtime == \"kernel\" %? function f() %{ c code %} %) probe begin {}");
	ASSERT_EQ(nerrs, 0);
	ASSERT_EQ(f->probes.n, 1);
}

TEST(preprocessor_macros_and_args)
{
	ASSERT_STREQ(expr_tree("x = $1 + $3"), "(= x (+ 5 -3))");
	ASSERT_STREQ(expr_tree("x = $1 - $3"), "(= x (- 5 -3))");
	ASSERT_STREQ(expr_tree("x = @2 . @1"), "(= x (. \"str\" \"5\"))");
	ASSERT_STREQ(expr_tree("x = $# . @#"), "(= x (. 3 \"3\"))");	/* @#: a quoted number */
	struct stp_file *f = parse("probe timer.ms($1) {}");
	ASSERT_EQ(nerrs, 0);
	ASSERT_EQ(f->probes.v[0]->points.v[0]->comps[1].arg->u.num, 5);
	f = parse("@define max(a, b) %( ((@a) > (@b) ? (@a) : (@b)) %)\n"
		  "@define ONE %( 1 %)\n"
		  "@define twice(e) %( @e + @e %)\n"
		  "probe begin { x = @max(@ONE, y) + @twice(z[1, 2]) }");
	ASSERT_EQ(nerrs, 0);
	ASSERT_STREQ(dump_str(f->probes.v[0]->body->u.block.v[0]->u.expr),
		     "(= x (+ (+ (? (> 1 y) 1 y) (index z 1 2)) (index z 1 2)))");	/* textual, like cpp */
	/* a macro body may hold conditionals and whole definitions */
	f = parse("@define P %( %( arch == \"x86_64\" %? probe begin { } %) %)\n@P @P");
	ASSERT_EQ(nerrs, 0);
	ASSERT_EQ(f->probes.n, 2);
}

/* ---- -p1 output ---- */

TEST(print_canonical)
{
	ASSERT_STREQ(p1("global a,b=5,c[10],s=\"x\\n\\\"\",d=-3\n"
			"function f(a,b:string):long{return a}\n"
			"function g:string(x:long){return \"s\"}\n"
			"probe t=timer.ms(10){x=1}\nprobe t+=timer.ms(10){}\n"
			"probe begin,end?{if(a)b=1;else if(c)d=2;else{e=3}\n"
			"foreach([k1,k2-]in arr limit 5)printf(\"%d\\n\",k1)while(1){break}}\n"),
		     "global a\n"
		     "global b = 5\n"
		     "global c[10]\n"
		     "global s = \"x\\n\\\"\"\n"
		     "global d = -3\n"
		     "function f(a, b:string):long {\n"
		     "  return a;\n"
		     "}\n"
		     "function g(x:long):string {\n"
		     "  return \"s\";\n"
		     "}\n"
		     "probe t = timer.ms(10) {\n"
		     "  x = 1;\n"
		     "}\n"
		     "probe t += timer.ms(10) {\n"
		     "}\n"
		     "probe begin, end? {\n"
		     "  if (a)\n"
		     "    b = 1;\n"
		     "  else if (c)\n"
		     "    d = 2;\n"
		     "  else {\n"
		     "    e = 3;\n"
		     "  }\n"
		     "  foreach ([k1, k2-] in arr limit 5)\n"
		     "    printf(\"%d\\n\", k1);\n"
		     "  while (1) {\n"
		     "    break;\n"
		     "  }\n"
		     "}\n");
}

TEST(print_parentheses)
{
	const char *cases[][2] = {
		{ "x = (a + b) * c", "x = (a + b) * c;" },
		{ "x = a + (b * c)", "x = a + b * c;" },
		{ "x = a - (b - c)", "x = a - (b - c);" },
		{ "x = (a . b) + c", "x = (a . b) + c;" },
		{ "x = a . (b + c)", "x = a . b + c;" },
		{ "x = (a ? b : c) + 1", "x = (a ? b : c) + 1;" },
		{ "x = (a in b) == 1", "x = (a in b) == 1;" },
		{ "x = (a && b) in c", "x = (a && b) in c;" },
		{ "x = - -a", "x = -(-a);" },
		{ "x = -(-5)", "x = -(-5);" },
		{ "x = -(++a)", "x = -(++a);" },
		{ "x = !(a = b)", "x = !(a = b);" },
		{ "x = (a = 1) ? 2 : 3", "x = (a = 1) ? 2 : 3;" },
		{ "x = \"a\\001b\\tc\\\\\"", "x = \"a\\001b\\tc\\\\\";" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char src[256], want[256];
		snprintf(src, sizeof(src), "probe begin { %s }", cases[i][0]);
		snprintf(want, sizeof(want), "probe begin {\n  %s\n}\n", cases[i][1]);
		ASSERT_STREQ(p1(src), want);
		ASSERT_TRUE(round_trip("<case>", src, NULL));
	}
}

TEST(print_dangling_else)
{
	/* the else belongs to the outer if: the printer must brace the inner one */
	struct stp_file *f = parse("probe begin { if (a) { if (b) x = 1 } else y = 2 }");
	ASSERT_EQ(nerrs, 0);
	/* drop the braces in the tree, as a rewriting pass might */
	struct node *outer = f->probes.v[0]->body->u.block.v[0];
	outer->u.ifs.then = outer->u.ifs.then->u.block.v[0];
	char *s = print_file_str(f);
	ASSERT_STREQ(s, "probe begin {\n  if (a) {\n    if (b)\n      x = 1;\n  } else\n    y = 2;\n}\n");
	free(s);
}

TEST(print_node)
{
	struct stp_file *f = parse("probe begin { x = a[1] + 2 }");
	char buf[256];
	FILE *o = fmemopen(buf, sizeof(buf), "w");
	const struct node *s = f->probes.v[0]->body->u.block.v[0];
	ast_print_node(o, s->u.expr, 0);
	fputc('|', o);
	ast_print_node(o, s, 2);
	fclose(o);
	ASSERT_STREQ(buf, "x = a[1] + 2|    x = a[1] + 2;\n");
}

static const char rich[] =
	"#!/usr/bin/env bstap\n"
	"global counts[100], total = 0, name = \"n\", lat\n"
	"function fmt:string (v:long) { return sprintf(\"%d\", v) }\n"
	"function add(a, b) { return a + b }\n"
	"probe syscall.open = kernel.function(\"do_sys_open\") { filename = \"f\" }\n"
	"probe syscall.open += kernel.function(\"do_sys_open\").return? { done = 1 }\n"
	"probe timer.ms(100).randomize(5), begin(-1) if (total > 0) {\n"
	"  counts[execname(), pid()] <<< 1; total++\n"
	"  foreach ([e, p-] in counts limit 3) printf(\"%s %d\\n\", e, @count(counts[e, p]))\n"
	"  foreach (v = [e, p] in counts) { if (v > 2) continue; else if (!v) break; else { next } }\n"
	"  for (i = 0; i < 10; i += 2) { if ([\"a\", i] in counts) delete counts[\"a\", i] }\n"
	"  while (total-- > 100) total >>= 1\n"
	"  x = total ? total * 2 % 3 : -total; y = ~x & 0xff | 1 ^ 2 << 3 >> 1\n"
	"  s = name . fmt(x) . \"\\x41\\101\"; s .= \"!\"; lat <<< x - -1\n"
	"  if (x && y || !s) delete counts; else { ; }\n"
	"  return\n"
	"}\n"
	"probe end { printf(\"%d %d %d\\n\", @sum(lat), @min(lat), @avg(lat)) }\n";

TEST(round_trip_rich)
{
	char *out = NULL;
	ASSERT_TRUE(round_trip("rich", rich, &out));
	ASSERT_CONTAINS(out, "probe syscall.open += kernel.function(\"do_sys_open\").return? {");
	ASSERT_CONTAINS(out, "probe timer.ms(100).randomize(5), begin(-1) if (total > 0) {");
	ASSERT_CONTAINS(out, "  foreach ([e, p-] in counts limit 3)\n");
	ASSERT_CONTAINS(out, "  y = ~x & 255 | 1 ^ 2 << 3 >> 1;\n");
	ASSERT_CONTAINS(out, "  s = name . fmt(x) . \"AA\";\n");
	free(out);
}

TEST(round_trip_examples)
{
	glob_t g;
	/* tests run from the repo root; before examples/ lands there, use the shared copy */
	if (glob("examples/*.stp", 0, NULL, &g) != 0)
		ASSERT_EQ(glob("/work/shared/examples/*.stp", 0, NULL, &g), 0);
	ASSERT_TRUE(g.gl_pathc >= 5);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		FILE *fp = fopen(g.gl_pathv[i], "r");
		ASSERT_TRUE(fp != NULL);
		char buf[65536];
		size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
		fclose(fp);
		buf[n] = 0;
		if (!round_trip(g.gl_pathv[i], buf, NULL)) {
			globfree(&g);
			ASSERT_TRUE(0);
		}
	}
	globfree(&g);
}

/* ---- node_clone and helpers ---- */

TEST(clone)
{
	struct stp_file *f = parse("probe begin { foreach (v = [k] in a- limit 2) { x[k] = v ? @sum(s) : f(1, \"s\") } }");
	ASSERT_EQ(nerrs, 0);
	const struct node *body = f->probes.v[0]->body;
	struct expansion via = { "alias", body->loc, NULL };
	struct node *c = node_clone(A, body, &via);
	ASSERT_TRUE(c != body);
	ASSERT_TRUE(c->loc.via == &via);
	const struct node *fe = c->u.block.v[0];
	ASSERT_TRUE(fe != body->u.block.v[0]);
	ASSERT_TRUE(fe->u.foreach.limit->loc.via == &via);
	ASSERT_TRUE(fe->u.foreach.value->loc.via == &via);
	const struct node *as = fe->u.foreach.body->u.block.v[0]->u.expr;
	ASSERT_TRUE(as->u.assign.rhs->u.tern.f->u.call.args.v[1]->loc.via == &via);
	ASSERT_STREQ(dump_str(as), "(= (index x k) (? v (@sum s) (call f 1 \"s\")))");
	/* the copy is independent */
	struct node *orig_as = body->u.block.v[0]->u.foreach.body->u.block.v[0]->u.expr;
	ASSERT_TRUE(orig_as != as);
	ASSERT_TRUE(orig_as->loc.via == NULL);
	ASSERT_TRUE(node_clone(A, NULL, NULL) == NULL);
}

TEST(op_and_type_names)
{
	ASSERT_STREQ(op_str(OP_SHL), "<<");
	ASSERT_STREQ(op_str(OP_CONCAT), ".");
	ASSERT_STREQ(op_str(OP_AGG), "<<<");
	ASSERT_STREQ(op_str(OP_COUNT), "@count");
	ASSERT_STREQ(op_str(OP_NONE), "=");
	ASSERT_STREQ(type_str(T_LONG), "long");
	ASSERT_STREQ(type_str(T_STRING), "string");
	ASSERT_STREQ(type_str(T_STATS), "stats");
	ASSERT_STREQ(type_str(T_UNKNOWN), "unknown");
}

/* ---- errors: exact text, one per snippet ---- */

struct err_case {
	const char *src, *want;
};

static const struct err_case err_cases[] = {
	{ "probe begin { foo(a b) }",
	  "<input>:1:21: error: expected ')' after function arguments, got 'b'\n"
	  "    1 | probe begin { foo(a b) }\n"
	  "      |                     ^\n" },
	{ "probe { }",
	  "<input>:1:7: error: expected probe point component, got '{'\n"
	  "    1 | probe { }\n"
	  "      |       ^\n" },
	{ "probe begin { x = 1",
	  "<input>:1:20: error: unexpected end of file, expected '}'\n"
	  "    1 | probe begin { x = 1\n"
	  "      |                    ^\n"
	  "<input>:1:13: note: to match this '{'\n"
	  "    1 | probe begin { x = 1\n"
	  "      |             ^\n" },
	{ "probe begin { if (x { } }",
	  "<input>:1:21: error: expected ')' after if condition, got '{'\n"
	  "    1 | probe begin { if (x { } }\n"
	  "      |                     ^\n" },
	{ "probe begin { while x {} }",
	  "<input>:1:21: error: expected '(' after 'while', got 'x'\n"
	  "    1 | probe begin { while x {} }\n"
	  "      |                     ^\n" },
	{ "probe begin { x = (1 + 2 }",
	  "<input>:1:26: error: expected ')' after parenthesized expression, got '}'\n"
	  "    1 | probe begin { x = (1 + 2 }\n"
	  "      |                          ^\n" },
	{ "probe begin { a[1 = 2 }",
	  "<input>:1:19: error: left side of '=' must be a variable or array element\n"
	  "    1 | probe begin { a[1 = 2 }\n"
	  "      |                   ^\n" },
	{ "probe begin { x = a ? b }",
	  "<input>:1:25: error: expected ':' in conditional expression, got '}'\n"
	  "    1 | probe begin { x = a ? b }\n"
	  "      |                         ^\n" },
	{ "probe begin { f() <<< 2 }",
	  "<input>:1:19: error: left side of '<<<' must be a variable or array element\n"
	  "    1 | probe begin { f() <<< 2 }\n"
	  "      |                   ^~~\n" },
	{ "probe begin { ++5 }",
	  "<input>:1:15: error: operand of '++' must be a variable or array element\n"
	  "    1 | probe begin { ++5 }\n"
	  "      |               ^~\n" },
	{ "probe begin { x = }",
	  "<input>:1:19: error: expected expression, got '}'\n"
	  "    1 | probe begin { x = }\n"
	  "      |                   ^\n" },
	{ "probe begin { x = \"a\" \"b\" + }",
	  "<input>:1:29: error: expected expression, got '}'\n"
	  "    1 | probe begin { x = \"a\" \"b\" + }\n"
	  "      |                             ^\n" },
	{ "probe begin { x = a[] }",
	  "<input>:1:21: error: expected expression, got ']'\n"
	  "    1 | probe begin { x = a[] }\n"
	  "      |                     ^\n" },
	{ "probe begin { x = a[1 }",
	  "<input>:1:23: error: expected ']' after array index, got '}'\n"
	  "    1 | probe begin { x = a[1 }\n"
	  "      |                       ^\n" },
	{ "probe begin { else }",
	  "<input>:1:15: error: expected statement, got keyword 'else'\n"
	  "    1 | probe begin { else }\n"
	  "      |               ^~~~\n" },
	{ "probe begin { x = in }",
	  "<input>:1:19: error: expected expression, got 'in'\n"
	  "    1 | probe begin { x = in }\n"
	  "      |                   ^~\n" },
	{ "probe begin { foreach (k a) {} }",
	  "<input>:1:26: error: expected 'in' in foreach, got 'a'\n"
	  "    1 | probe begin { foreach (k a) {} }\n"
	  "      |                          ^\n" },
	{ "probe begin { foreach ([a, b+] in c-) {} }",
	  "<input>:1:36: error: only one sort marker ('+' or '-') is allowed in foreach\n"
	  "    1 | probe begin { foreach ([a, b+] in c-) {} }\n"
	  "      |                                    ^\n" },
	{ "probe begin { foreach (k in ) {} }",
	  "<input>:1:29: error: expected array name after 'in', got ')'\n"
	  "    1 | probe begin { foreach (k in ) {} }\n"
	  "      |                             ^\n" },
	{ "probe begin { foreach ([a b] in c) {} }",
	  "<input>:1:27: error: expected ',' or ']' in foreach key list, got 'b'\n"
	  "    1 | probe begin { foreach ([a b] in c) {} }\n"
	  "      |                           ^\n" },
	{ "probe begin { foreach (k in a limit) {} }",
	  "<input>:1:36: error: expected expression, got ')'\n"
	  "    1 | probe begin { foreach (k in a limit) {} }\n"
	  "      |                                    ^\n" },
	{ "probe begin { foreach (k in a b) {} }",
	  "<input>:1:31: error: expected ')' after foreach header, got 'b'\n"
	  "    1 | probe begin { foreach (k in a b) {} }\n"
	  "      |                               ^\n" },
	{ "probe begin { for (i = 0 i < 3; i++) {} }",
	  "<input>:1:26: error: expected ';' after for-loop initializer, got 'i'\n"
	  "    1 | probe begin { for (i = 0 i < 3; i++) {} }\n"
	  "      |                          ^\n" },
	{ "probe begin { for (;; i++ {} }",
	  "<input>:1:27: error: expected ')' after for-loop increment, got '{'\n"
	  "    1 | probe begin { for (;; i++ {} }\n"
	  "      |                           ^\n" },
	{ "probe begin { delete 5 }",
	  "<input>:1:22: error: expected array or variable name after 'delete', got '5'\n"
	  "    1 | probe begin { delete 5 }\n"
	  "      |                      ^\n" },
	{ "probe begin { x = 1 in 5 }",
	  "<input>:1:24: error: expected array name after 'in', got '5'\n"
	  "    1 | probe begin { x = 1 in 5 }\n"
	  "      |                        ^\n" },
	{ "probe begin { x = [a, b] }",
	  "<input>:1:26: error: expected 'in' after '[...]' key list, got '}'\n"
	  "    1 | probe begin { x = [a, b] }\n"
	  "      |                          ^\n" },
	{ "probe begin { x = [a b] in c }",
	  "<input>:1:22: error: expected ',' or ']' in key list, got 'b'\n"
	  "    1 | probe begin { x = [a b] in c }\n"
	  "      |                      ^\n" },
	{ "probe begin { x = @count(5) }",
	  "<input>:1:26: error: expected statistics variable in '@count', got '5'\n"
	  "    1 | probe begin { x = @count(5) }\n"
	  "      |                          ^\n" },
	{ "probe begin { x = @sum x }",
	  "<input>:1:24: error: expected '(' after '@sum', got 'x'\n"
	  "    1 | probe begin { x = @sum x }\n"
	  "      |                        ^\n" },
	{ "probe begin { x = @foo(a) }",
	  "<input>:1:19: error: unknown operator or undefined macro '@foo'\n"
	  "    1 | probe begin { x = @foo(a) }\n"
	  "      |                   ^~~~\n" },
	{ "probe foo.bar(x) {}",
	  "<input>:1:15: error: expected number or string literal as probe point argument, got 'x'\n"
	  "    1 | probe foo.bar(x) {}\n"
	  "      |               ^\n" },
	{ "probe timer.ms(100 {}",
	  "<input>:1:20: error: expected ')' after probe point argument, got '{'\n"
	  "    1 | probe timer.ms(100 {}\n"
	  "      |                    ^\n" },
	{ "probe begin foo",
	  "<input>:1:13: error: expected '{' or ',' after probe point, got 'foo'\n"
	  "    1 | probe begin foo\n"
	  "      |             ^~~\n" },
	{ "probe begin.",
	  "<input>:1:13: error: unexpected end of file, expected probe point component\n"
	  "    1 | probe begin.\n"
	  "      |             ^\n" },
	{ "probe begin if x {}",
	  "<input>:1:16: error: expected '(' after 'if', got 'x'\n"
	  "    1 | probe begin if x {}\n"
	  "      |                ^\n" },
	{ "probe a? = b {}",
	  "<input>:1:7: error: probe alias name 'a?' cannot be optional, sufficient or conditional\n"
	  "    1 | probe a? = b {}\n"
	  "      |       ^~\n" },
	{ "probe a = {}",
	  "<input>:1:11: error: expected probe point component, got '{'\n"
	  "    1 | probe a = {}\n"
	  "      |           ^\n" },
	{ "global",
	  "<input>:1:7: error: unexpected end of file, expected variable name after 'global'\n"
	  "    1 | global\n"
	  "      |       ^\n" },
	{ "global if",
	  "<input>:1:8: error: expected variable name after 'global', got 'if'\n"
	  "    1 | global if\n"
	  "      |        ^~\n" },
	{ "global a, 5",
	  "<input>:1:11: error: expected variable name, got '5'\n"
	  "    1 | global a, 5\n"
	  "      |           ^\n" },
	{ "global x[y]",
	  "<input>:1:10: error: expected array size (a number), got 'y'\n"
	  "    1 | global x[y]\n"
	  "      |          ^\n" },
	{ "global x[0]",
	  "<input>:1:10: error: invalid array size 0 (expected 1 to 4294967295)\n"
	  "    1 | global x[0]\n"
	  "      |          ^\n" },
	{ "global x[10 x",
	  "<input>:1:13: error: expected ']' after array size, got 'x'\n"
	  "    1 | global x[10 x\n"
	  "      |             ^\n" },
	{ "global x[10] = 5",
	  "<input>:1:14: error: array 'x' cannot have an initializer\n"
	  "    1 | global x[10] = 5\n"
	  "      |              ^\n" },
	{ "global x = y",
	  "<input>:1:12: error: expected number or string literal to initialize 'x', got 'y'\n"
	  "    1 | global x = y\n"
	  "      |            ^\n" },
	{ "function (x) {}",
	  "<input>:1:10: error: expected function name after 'function', got '('\n"
	  "    1 | function (x) {}\n"
	  "      |          ^\n" },
	{ "function f x {}",
	  "<input>:1:12: error: expected '(' after function name, got 'x'\n"
	  "    1 | function f x {}\n"
	  "      |            ^\n" },
	{ "function f(1) {}",
	  "<input>:1:12: error: expected parameter name, got '1'\n"
	  "    1 | function f(1) {}\n"
	  "      |            ^\n" },
	{ "function f(a { }",
	  "<input>:1:14: error: expected ')' after function parameters, got '{'\n"
	  "    1 | function f(a { }\n"
	  "      |              ^\n" },
	{ "function f(x:int) {}",
	  "<input>:1:14: error: expected 'long' or 'string' after ':', got 'int'\n"
	  "    1 | function f(x:int) {}\n"
	  "      |              ^~~\n" },
	{ "function f:long(x):long {}",
	  "<input>:1:19: error: return type of function 'f' given twice\n"
	  "    1 | function f:long(x):long {}\n"
	  "      |                   ^\n" },
	{ "function f() return 1",
	  "<input>:1:14: error: expected '{' to begin function body, got 'return'\n"
	  "    1 | function f() return 1\n"
	  "      |              ^~~~~~\n" },
	{ "x = 1",
	  "<input>:1:1: error: expected 'probe', 'global' or 'function', got 'x'\n"
	  "    1 | x = 1\n"
	  "      | ^\n" },
	{ "private probe begin {}",
	  "<input>:1:9: error: expected 'global' or 'function' after 'private', got 'probe'\n"
	  "    1 | private probe begin {}\n"
	  "      |         ^~~~~\n" },
	/* lexical errors reach the user through the parser, once */
	{ "probe begin { x = \"abc }",
	  "<input>:1:19: error: unterminated string literal\n"
	  "    1 | probe begin { x = \"abc }\n"
	  "      |                   ^\n" },
	{ "probe begin { x = 1 ` }",
	  "<input>:1:21: error: invalid character '`'\n"
	  "    1 | probe begin { x = 1 ` }\n"
	  "      |                     ^\n" },
	{ "probe begin { x = 99999999999999999999 }",
	  "<input>:1:19: error: integer literal out of range\n"
	  "    1 | probe begin { x = 99999999999999999999 }\n"
	  "      |                   ^~~~~~~~~~~~~~~~~~~~\n" },
	{ "probe begin { /* x = 1 }",
	  "<input>:1:15: error: unterminated /* comment\n"
	  "    1 | probe begin { /* x = 1 }\n"
	  "      |               ^~\n" },
	/* preprocessor and arguments */
	{ "probe begin { x = $4 }",
	  "<input>:1:19: error: command line argument index 4 out of range [1-3]\n"
	  "    1 | probe begin { x = $4 }\n"
	  "      |                   ^~\n" },
	{ "probe begin { x = @0 }",
	  "<input>:1:19: error: command line argument index 0 out of range [1-3]\n"
	  "    1 | probe begin { x = @0 }\n"
	  "      |                   ^~\n" },
	{ "probe begin { x = $2 }",
	  "<input>:1:19: error: command line argument index 2 is not a number: 'str'\n"
	  "    1 | probe begin { x = $2 }\n"
	  "      |                   ^~\n" },
	{ "probe begin { %( arch == \"x86_64\" %? x = 1 }",
	  "<input>:1:15: error: unterminated preprocessor conditional: no '%)' for this '%('\n"
	  "    1 | probe begin { %( arch == \"x86_64\" %? x = 1 }\n"
	  "      |               ^~\n" },
	{ "probe begin { %( arch == 5 %? x %) }",
	  "<input>:1:26: error: expected string literal in preprocessor condition, got '5'\n"
	  "    1 | probe begin { %( arch == 5 %? x %) }\n"
	  "      |                          ^\n" },
	{ "probe begin { %( $# == \"a\" %? x %) }",
	  "<input>:1:24: error: expected number in preprocessor condition, got string literal\n"
	  "    1 | probe begin { %( $# == \"a\" %? x %) }\n"
	  "      |                        ^~~\n" },
	{ "probe begin { %( arch %? x %) }",
	  "<input>:1:18: error: expected comparison operator in preprocessor condition, got '%?'\n"
	  "    1 | probe begin { %( arch %? x %) }\n"
	  "      |                  ^~~~\n" },
	{ "probe begin { %( arch == \"x\" y %? x %) }",
	  "<input>:1:30: error: unexpected 'y' in preprocessor condition\n"
	  "    1 | probe begin { %( arch == \"x\" y %? x %) }\n"
	  "      |                              ^\n" },
	{ "probe begin { %( foo == 1 %? x %) }",
	  "<input>:1:18: error: unknown preprocessor condition 'foo' (expected kernel_v, kernel_vr, arch, runtime, systemtap_v, CONFIG_..., $# or @#)\n"
	  "    1 | probe begin { %( foo == 1 %? x %) }\n"
	  "      |                  ^~~\n" },
	{ "probe begin { %( arch == \"a\" %: x %) }",
	  "<input>:1:30: error: expected '%?' after preprocessor condition, got '%:'\n"
	  "    1 | probe begin { %( arch == \"a\" %: x %) }\n"
	  "      |                              ^~\n" },
	{ "probe begin { x %) }",
	  "<input>:1:17: error: '%)' without a matching '%('\n"
	  "    1 | probe begin { x %) }\n"
	  "      |                 ^~\n" },
	{ "@define m(a) %( @a %) probe begin { x = @m(1, 2) }",
	  "<input>:1:41: error: macro '@m' takes 1 argument, got 2\n"
	  "    1 | @define m(a) %( @a %) probe begin { x = @m(1, 2) }\n"
	  "      |                                         ^~\n" },
	{ "@define m(a) %( @a %) probe begin { x = @m }",
	  "<input>:1:41: error: macro '@m' takes 1 argument\n"
	  "    1 | @define m(a) %( @a %) probe begin { x = @m }\n"
	  "      |                                         ^~\n" },
	{ "@define r %( @r %)  probe begin { x = @r }",
	  "<input>:1:14: error: macro expansion too deep (does '@r' use itself?)\n"
	  "    1 | @define r %( @r %)  probe begin { x = @r }\n"
	  "      |              ^~\n" },
	{ "@define %( x %)",
	  "<input>:1:9: error: expected macro name after '@define'\n"
	  "    1 | @define %( x %)\n"
	  "      |         ^~\n" },
	{ "@define m x",
	  "<input>:1:11: error: expected '%(' to begin the body of macro '@m'\n"
	  "    1 | @define m x\n"
	  "      |           ^\n" },
	{ "@define m %( 1 %) @define m %( 2 %)",
	  "<input>:1:27: error: macro '@m' is already defined\n"
	  "    1 | @define m %( 1 %) @define m %( 2 %)\n"
	  "      |                           ^\n" },
	{ "@define m(a %( 1 %)",
	  "<input>:1:13: error: expected ',' or ')' in macro parameter list\n"
	  "    1 | @define m(a %( 1 %)\n"
	  "      |             ^~\n" },
};

TEST(error_messages)
{
	for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
		const char *got = errors_of(err_cases[i].src);
		if (strcmp(got ? got : "", err_cases[i].want))
			fprintf(stderr, "  case %zu: %s\n", i, err_cases[i].src);
		ASSERT_STREQ(got, err_cases[i].want);
		ASSERT_TRUE(nerrs >= 1);
	}
}

TEST(error_recovery)
{
	/* independent mistakes in separate definitions are each reported, once */
	const char *src = "probe begin {\n  x = (1 +\n}\n"
			  "probe end {\n  foo(\n}\n"
			  "function f() { return }\n"
			  "global a = b\n"
			  "probe timer.s(1) { ok = 1 }\n"
			  "probe begin { if (x { } }\n";
	struct stp_file *f = parse(src);
	ASSERT_EQ(nerrs, 4);
	ASSERT_STREQ(errs,
		     "<input>:3:1: error: expected expression, got '}'\n"
		     "    3 | }\n"
		     "      | ^\n"
		     "<input>:6:1: error: expected expression, got '}'\n"
		     "    6 | }\n"
		     "      | ^\n"
		     "<input>:8:12: error: expected number or string literal to initialize 'a', got 'b'\n"
		     "    8 | global a = b\n"
		     "      |            ^\n"
		     "<input>:10:21: error: expected ')' after if condition, got '{'\n"
		     "   10 | probe begin { if (x { } }\n"
		     "      |                     ^\n");
	/* the good definitions survive */
	ASSERT_EQ(f->funcs.n, 1);
	ASSERT_EQ(f->probes.n, 1);
	ASSERT_STREQ(pp_to_string(A, f->probes.v[0]->points.v[0]), "timer.s(1)");
	/* a junk line is one error, not one per token */
	parse("probe begin { } ) ) ) ] ] } } x y z probe end { }");
	ASSERT_EQ(nerrs, 1);
	/* missing '}' before the next probe: the next probe still parses */
	f = parse("probe begin { if (x) {\n}\nprobe end { y = 1 }\n");
	ASSERT_EQ(nerrs, 1);
	ASSERT_EQ(f->probes.n, 1);
	ASSERT_STREQ(errs, "<input>:3:1: error: expected statement, got keyword 'probe'\n"
			   "    3 | probe end { y = 1 }\n"
			   "      | ^~~~~\n");
}

TEST(nesting_limits)
{
	size_t n = 5000;
	char *src = malloc(n * 2 + 64);
	/* (((((...))))) */
	strcpy(src, "probe begin { x = ");
	size_t k = strlen(src);
	for (size_t i = 0; i < n; i++)
		src[k++] = '(';
	src[k++] = '1';
	for (size_t i = 0; i < n; i++)
		src[k++] = ')';
	strcpy(src + k, " }");
	parse(src);
	ASSERT_EQ(nerrs, 1);
	ASSERT_CONTAINS(errs, "error: nesting too deep (more than 1000 levels)");
	/* {{{{ ... }}}} */
	strcpy(src, "probe begin ");
	k = strlen(src);
	for (size_t i = 0; i < n; i++)
		src[k++] = '{';
	for (size_t i = 0; i < n; i++)
		src[k++] = '}';
	src[k] = 0;
	parse(src);
	ASSERT_EQ(nerrs, 1);
	ASSERT_CONTAINS(errs, "nesting too deep");
	/* - - - - 1 and ! ! ! ! x */
	strcpy(src, "probe begin { x = ");
	k = strlen(src);
	for (size_t i = 0; i < n; i++)
		src[k++] = i % 2 ? ' ' : '!';
	strcpy(src + k, "1 }");
	parse(src);
	ASSERT_EQ(nerrs, 1);
	ASSERT_CONTAINS(errs, "nesting too deep");
	free(src);
	/* if (1) if (1) ... */
	size_t m = 3000, len = 0;
	char *s2 = malloc(m * 8 + 64);
	len += (size_t)sprintf(s2, "probe begin { ");
	for (size_t i = 0; i < m; i++)
		len += (size_t)sprintf(s2 + len, "if (1) ");
	sprintf(s2 + len, "x = 1 }");
	parse(s2);
	ASSERT_EQ(nerrs, 1);
	ASSERT_CONTAINS(errs, "nesting too deep");
	/* a deep but legal script still parses */
	len = (size_t)sprintf(s2, "probe begin { x = ");
	for (size_t i = 0; i < 200; i++)
		s2[len++] = '(';
	s2[len++] = '1';
	for (size_t i = 0; i < 200; i++)
		s2[len++] = ')';
	strcpy(s2 + len, " }");
	parse(s2);
	ASSERT_EQ(nerrs, 0);
	free(s2);
}

TEST(zz_cleanup)
{
	arena_free(A);
	A = NULL;
	free(errs);
	errs = NULL;
}

TH_MAIN(TH_CASE(probe_defs), TH_CASE(alias_defs), TH_CASE(probe_point_forms),
	TH_CASE(probe_point_braces), TH_CASE(globals), TH_CASE(functions),
	TH_CASE(precedence), TH_CASE(assignment_operators), TH_CASE(primaries),
	TH_CASE(locations), TH_CASE(statements), TH_CASE(foreach_forms),
	TH_CASE(preprocessor_conditions), TH_CASE(preprocessor_macros_and_args),
	TH_CASE(print_canonical), TH_CASE(print_parentheses), TH_CASE(print_dangling_else),
	TH_CASE(print_node), TH_CASE(round_trip_rich), TH_CASE(round_trip_examples), TH_CASE(clone),
	TH_CASE(op_and_type_names), TH_CASE(error_messages), TH_CASE(error_recovery),
	TH_CASE(nesting_limits), TH_CASE(zz_cleanup))
