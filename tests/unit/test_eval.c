/* Unit tests for runtime/eval.c over runtime/store_mem.c, with programs built by hand as typed ASTs. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "prog/builtins.h"
#include "lang/elab.h"
#include "lang/parse.h"
#include "runtime/eval.h"
#include "prog/strbuf.h"
#include "tests/unit/harness.h"

/* ---- building typed ASTs by hand (what pass 1 + pass 2 would produce) ---- */

static struct arena *A;
static struct src_file SRC = { .path = "t.stp" };
static struct program P;
static struct sym_list LOCALS;	/* locals of the probe being built */
static uint32_t LINE = 1;	/* line given to the nodes built next */

static struct node *mk(enum node_kind k, uint32_t col)
{
	struct node *n = arena_alloc(A, sizeof(*n));
	n->kind = k;
	n->loc.file = &SRC;
	n->loc.line = LINE;
	n->loc.col = col;
	n->loc.len = 1;
	return n;
}

static void push(struct node_list *l, struct node *n)
{
	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 4;
		l->v = arena_realloc(A, l->v, l->cap * sizeof(*l->v), cap * sizeof(*l->v));
		l->cap = cap;
	}
	l->v[l->n++] = n;
}

static void spush(struct sym_list *l, struct sym *s)
{
	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 4;
		l->v = arena_realloc(A, l->v, l->cap * sizeof(*l->v), cap * sizeof(*l->v));
		l->cap = cap;
	}
	l->v[l->n++] = s;
}

static struct sym *newsym(const char *name, enum sym_kind k, enum type t, uint32_t nkeys, va_list ap)
{
	struct sym *s = arena_alloc(A, sizeof(*s));
	s->name = name;
	s->kind = k;
	s->type = t;
	s->nkeys = nkeys;
	s->is_array = nkeys > 0;
	s->key_types = arena_alloc(A, (nkeys + 1) * sizeof(enum type));
	for (uint32_t i = 0; i < nkeys; i++)
		s->key_types[i] = va_arg(ap, enum type);
	return s;
}

/* A global: value type, number of keys, then the key types. */
static struct sym *G(const char *name, enum type t, uint32_t nkeys, ...)
{
	va_list ap;
	va_start(ap, nkeys);
	struct sym *s = newsym(name, S_GLOBAL, t, nkeys, ap);
	va_end(ap);
	s->index = P.globals.n;
	spush(&P.globals, s);
	return s;
}

/* A local of the probe being built. */
static struct sym *Lc(const char *name, enum type t)
{
	struct sym *s = arena_alloc(A, sizeof(*s));
	s->name = name;
	s->kind = S_LOCAL;
	s->type = t;
	s->index = LOCALS.n;
	spush(&LOCALS, s);
	return s;
}

static struct node *num(int64_t v)
{
	struct node *n = mk(N_NUM, 1);
	n->type = T_LONG;
	n->u.num = v;
	return n;
}

static struct node *str(const char *s)
{
	struct node *n = mk(N_STR, 1);
	n->type = T_STRING;
	n->u.str.s = s;
	n->u.str.len = (uint32_t)strlen(s);
	return n;
}

static struct node *var(struct sym *s)
{
	struct node *n = mk(N_VAR, 1);
	n->type = s->type;
	n->u.var.name = s->name;
	n->u.var.sym = s;
	return n;
}

/* arr[k1, ..., kn] */
static struct node *idx(struct sym *s, int nk, ...)
{
	struct node *n = mk(N_INDEX, 1);
	n->type = s->type;
	n->u.index.base = var(s);
	va_list ap;
	va_start(ap, nk);
	for (int i = 0; i < nk; i++)
		push(&n->u.index.keys, va_arg(ap, struct node *));
	va_end(ap);
	return n;
}

static struct node *binc(enum op op, struct node *l, struct node *r, uint32_t col)
{
	struct node *n = mk(N_BINOP, col);
	n->u.bin.op = op;
	n->u.bin.l = l;
	n->u.bin.r = r;
	n->type = op == OP_CONCAT ? T_STRING : T_LONG;
	return n;
}

static struct node *bin(enum op op, struct node *l, struct node *r)
{
	return binc(op, l, r, 1);
}

static struct node *un(enum op op, struct node *x)
{
	struct node *n = mk(N_UNOP, 1);
	n->u.un.op = op;
	n->u.un.e = x;
	n->type = T_LONG;
	return n;
}

static struct node *asgc(enum op op, struct node *lhs, struct node *rhs, uint32_t col)
{
	struct node *n = mk(N_ASSIGN, col);
	n->u.assign.op = op;
	n->u.assign.lhs = lhs;
	n->u.assign.rhs = rhs;
	n->type = lhs->type;
	return n;
}

static struct node *asg(enum op op, struct node *lhs, struct node *rhs)
{
	return asgc(op, lhs, rhs, 1);
}

static struct node *incdec(bool inc, bool post, struct node *lv)
{
	struct node *n = mk(N_INCDEC, 1);
	n->u.incdec.inc = inc;
	n->u.incdec.post = post;
	n->u.incdec.lv = lv;
	n->type = T_LONG;
	return n;
}

static struct node *statop(enum op op, struct node *arg)
{
	struct node *n = mk(N_STATOP, 1);
	n->u.statop.op = op;
	n->u.statop.arg = arg;
	n->type = T_LONG;
	return n;
}

static struct node *in(struct sym *arr, int nk, ...)
{
	struct node *n = mk(N_IN, 1);
	n->u.in.arr = var(arr);
	n->type = T_LONG;
	va_list ap;
	va_start(ap, nk);
	for (int i = 0; i < nk; i++)
		push(&n->u.in.keys, va_arg(ap, struct node *));
	va_end(ap);
	return n;
}

static struct node *vcall(int builtin, struct func *fn, int na, va_list ap)
{
	struct node *n = mk(N_CALL, 1);
	n->u.call.name = fn ? fn->name : builtin_table[builtin].name;
	n->u.call.builtin = fn ? -1 : builtin;
	n->u.call.fn = fn;
	n->type = fn ? fn->ret : builtin_table[builtin].ret;
	for (int i = 0; i < na; i++)
		push(&n->u.call.args, va_arg(ap, struct node *));
	return n;
}

static struct node *B(int builtin, int na, ...)
{
	va_list ap;
	va_start(ap, na);
	struct node *n = vcall(builtin, NULL, na, ap);
	va_end(ap);
	return n;
}

static struct node *FN(struct func *fn, int na, ...)
{
	va_list ap;
	va_start(ap, na);
	struct node *n = vcall(0, fn, na, ap);	/* the builtin id is ignored when fn is set */
	va_end(ap);
	return n;
}

/* Statements. */
static struct node *ES(struct node *x)
{
	struct node *n = mk(N_EXPR, x->loc.col);
	n->u.expr = x;
	return n;
}

static struct node *BLK(int ns, ...)
{
	struct node *n = mk(N_BLOCK, 1);
	va_list ap;
	va_start(ap, ns);
	for (int i = 0; i < ns; i++)
		push(&n->u.block, va_arg(ap, struct node *));
	va_end(ap);
	return n;
}

static struct node *IF(struct node *c, struct node *t, struct node *f)
{
	struct node *n = mk(N_IF, 1);
	n->u.ifs.cond = c;
	n->u.ifs.then = t;
	n->u.ifs.els = f;
	return n;
}

static struct node *WHILE(struct node *c, struct node *body, uint32_t col)
{
	struct node *n = mk(N_WHILE, col);
	n->u.loop.cond = c;
	n->u.loop.body = body;
	return n;
}

static struct node *FOR(struct node *init, struct node *c, struct node *step, struct node *body)
{
	struct node *n = mk(N_FOR, 1);
	n->u.loop.init = init;
	n->u.loop.cond = c;
	n->u.loop.step = step;
	n->u.loop.body = body;
	return n;
}

static struct node *FOREACH(struct sym *arr, struct sym *val, int sort_col, int sort_dir, struct node *limit,
			    struct node *body, int nv, ...)
{
	struct node *n = mk(N_FOREACH, 1);
	n->u.foreach.arr = var(arr);
	n->u.foreach.value = val ? var(val) : NULL;
	n->u.foreach.sort_col = sort_col;
	n->u.foreach.sort_dir = sort_dir;
	n->u.foreach.limit = limit;
	n->u.foreach.body = body;
	va_list ap;
	va_start(ap, nv);
	for (int i = 0; i < nv; i++)
		push(&n->u.foreach.vars, var(va_arg(ap, struct sym *)));
	va_end(ap);
	return n;
}

static struct node *SIMPLE(enum node_kind k)
{
	return mk(k, 1);
}

static struct node *RET(struct node *x)
{
	struct node *n = mk(N_RETURN, 1);
	n->u.ret = x;
	return n;
}

static struct node *DEL(struct node *x)
{
	struct node *n = mk(N_DELETE, 1);
	n->u.del = x;
	return n;
}

/* printf(fmt, args...) as a statement. */
static struct node *PF(const char *fmt, int na, ...)
{
	struct node *n = mk(N_CALL, 1);
	n->u.call.name = "printf";
	n->u.call.builtin = B_PRINTF;
	n->type = T_VOID;
	push(&n->u.call.args, str(fmt));
	va_list ap;
	va_start(ap, na);
	for (int i = 0; i < na; i++)
		push(&n->u.call.args, va_arg(ap, struct node *));
	va_end(ap);
	return ES(n);
}

static struct func *FUNC(const char *name, enum type ret, int np, ...)
{
	struct func *f = arena_alloc(A, sizeof(*f));
	f->name = name;
	f->ret = ret;
	va_list ap;
	va_start(ap, np);
	for (int i = 0; i < np; i++) {
		struct sym *s = arena_alloc(A, sizeof(*s));
		s->name = va_arg(ap, const char *);
		s->type = va_arg(ap, enum type);
		s->kind = S_PARAM;
		s->index = (uint32_t)i;
		spush(&f->params, s);
	}
	va_end(ap);
	return f;
}

static struct sym *flocal(struct func *f, const char *name, enum type t)
{
	struct sym *s = arena_alloc(A, sizeof(*s));
	s->name = name;
	s->type = t;
	s->kind = S_LOCAL;
	s->index = f->locals.n;
	spush(&f->locals, s);
	return s;
}

/* ---- running ---- */

static struct strbuf OUT;
static struct store_mem *ST;
static struct eval *E;

static void out_cb(void *octx, const char *buf, size_t len)
{
	strbuf_append(octx, buf, len);
}

static void reset(void)
{
	eval_free(E);
	store_mem_free(ST);
	arena_free(A);
	strbuf_free(&OUT);
	memset(&P, 0, sizeof(P));
	memset(&LOCALS, 0, sizeof(LOCALS));
	LINE = 1;
	A = arena_new();
	ST = store_mem_new();
	E = eval_new(&P, &store_mem_ops, ST, out_cb, &OUT);
}

/* Run body as a begin probe with the locals made so far; the output is in OUT. */
static int run(struct node *body)
{
	struct eprobe *ep = arena_alloc(A, sizeof(*ep));
	ep->at.kind = PK_BEGIN;
	ep->pp = "begin";
	ep->body = body;
	ep->locals = LOCALS;
	strbuf_reset(&OUT);
	return eval_run_probe(E, ep);
}

/* ---- tests ---- */

TEST(arithmetic_and_wraparound)
{
	reset();
	ASSERT_EQ(run(BLK(3,
		PF("%d %d %d %d %d\n", 5, bin(OP_ADD, num(1), num(2)), bin(OP_SUB, num(2), num(5)),
		   bin(OP_MUL, num(-3), num(7)), bin(OP_DIV, num(-7), num(2)), bin(OP_MOD, num(-7), num(2))),
		PF("%d %d %d %d\n", 4, bin(OP_ADD, num(INT64_MAX), num(1)), bin(OP_DIV, num(INT64_MIN), num(-1)),
		   bin(OP_MOD, num(INT64_MIN), num(-1)), bin(OP_MUL, num(INT64_MAX), num(2))),
		PF("%d %d %d %d %d %d %d %d %d\n", 9, bin(OP_SHL, num(1), num(65)), bin(OP_SHR, num(-16), num(2)),
		   bin(OP_SHL, num(1), num(63)), un(OP_BNOT, num(0)), un(OP_NOT, num(5)), un(OP_NEG, num(INT64_MIN)),
		   bin(OP_BAND, num(12), num(10)), bin(OP_BOR, num(12), num(10)), bin(OP_BXOR, num(12), num(10))))), 0);
	ASSERT_STREQ(strbuf_str(&OUT),
		     "3 -3 -21 -3 -1\n"
		     "-9223372036854775808 -9223372036854775808 0 -2\n"
		     "2 -4 -9223372036854775808 -1 0 -9223372036854775808 8 14 6\n");
}

TEST(comparisons_and_logic)
{
	reset();
	struct node *boom = B(B_ERROR, 1, str("must not run"));
	ASSERT_EQ(run(BLK(2,
		PF("%d%d%d%d%d%d %d%d%d\n", 9, bin(OP_LT, num(-1), num(0)), bin(OP_LE, num(2), num(2)),
		   bin(OP_GT, num(INT64_MIN), num(0)), bin(OP_GE, num(3), num(4)), bin(OP_EQ, num(7), num(7)),
		   bin(OP_NE, num(7), num(7)), bin(OP_LT, str("abc"), str("abd")), bin(OP_EQ, str("x"), str("x")),
		   bin(OP_GT, str("b"), str("abc"))),
		PF("%d %d %d %d\n", 4, bin(OP_LAND, num(0), boom), bin(OP_LOR, num(5), boom),
		   bin(OP_LAND, num(2), num(3)), bin(OP_LOR, num(0), num(0))))), 0);
	ASSERT_STREQ(strbuf_str(&OUT), "110010 111\n0 1 1 0\n");
}

TEST(division_by_zero_error)
{
	reset();
	struct sym *x = Lc("x", T_LONG);
	LINE = 3;
	struct node *div = binc(OP_DIV, num(1), var(x), 14);
	LINE = 4;
	ASSERT_TRUE(run(BLK(3, PF("before\n", 0), ES(asg(OP_NONE, var(x), div)), PF("after\n", 0))) < 0);
	ASSERT_STREQ(eval_error_message(E), "division by 0 near operator '/' at t.stp:3:14");
	ASSERT_STREQ(strbuf_str(&OUT), "before\n");	/* what ran before the error is printed */

	LINE = 5;
	ASSERT_TRUE(run(ES(binc(OP_MOD, num(1), num(0), 7))) < 0);
	ASSERT_STREQ(eval_error_message(E), "division by 0 near operator '%' at t.stp:5:7");
	ASSERT_TRUE(run(ES(asgc(OP_DIV, var(x), num(0), 9))) < 0);
	ASSERT_STREQ(eval_error_message(E), "division by 0 near operator '/=' at t.stp:5:9");
	ASSERT_EQ(run(PF("ok\n", 0)), 0);
	ASSERT_STREQ(eval_error_message(E), "");
}

TEST(strings)
{
	reset();
	struct sym *s = Lc("s", T_STRING);
	struct sym *g = G("g", T_STRING, 0);
	char big[BSTAP_MAXSTRINGLEN + 100];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	ASSERT_EQ(run(BLK(6,
		ES(asg(OP_NONE, var(s), bin(OP_CONCAT, str("foo"), str("bar")))),
		ES(asg(OP_CONCAT, var(s), str("!"))),
		ES(asg(OP_NONE, var(g), B(B_SPRINTF, 3, str("<%5s|%d>"), str("ab"), num(42)))),
		PF("%s %s %d [%s]\n", 4, var(s), var(g), B(B_STRLEN, 1, var(s)), var(Lc("unset", T_STRING))),
		ES(asg(OP_NONE, var(s), bin(OP_CONCAT, str(big), str("tail")))),
		PF("%d %d\n", 2, B(B_STRLEN, 1, var(s)), B(B_STRLEN, 1, bin(OP_CONCAT, var(s), var(s)))))), 0);
	ASSERT_STREQ(strbuf_str(&OUT), "foobar! <   ab|42> 7 []\n511 511\n");
}

TEST(long_literal_format)
{
	reset();
	static char fmt[700];
	memset(fmt, 'f', 600);
	strcpy(fmt + 600, "%d\n");
	ASSERT_EQ(run(PF(fmt, 1, num(7))), 0);
	ASSERT_EQ(OUT.len, 602);
	ASSERT_STREQ(strbuf_str(&OUT) + 600, "7\n");
	/* sprintf's result is a value, so it is bounded */
	ASSERT_EQ(run(PF("%d\n", 1, B(B_STRLEN, 1, B(B_SPRINTF, 2, str(fmt), num(7))))), 0);
	ASSERT_STREQ(strbuf_str(&OUT), "511\n");
}

TEST(print_family)
{
	reset();
	ASSERT_EQ(run(BLK(4,
		ES(B(B_PRINT, 3, num(1), str("a"), num(-2))),
		ES(B(B_PRINTLN, 2, str("x"), num(3))),
		ES(B(B_PRINTD, 3, str(", "), num(1), str("b"))),
		ES(B(B_PRINTDLN, 4, str("-"), num(1), num(2), str("c"))))), 0);
	ASSERT_STREQ(strbuf_str(&OUT), "1a-2x3\n1, b1-2-c\n");
}

TEST(globals_and_initializers)
{
	reset();
	struct sym *x = G("x", T_LONG, 0), *y = G("y", T_LONG, 0), *s = G("s", T_STRING, 0);
	x->init = num(5);
	y->init = un(OP_NEG, num(3));
	s->init = str("hi");
	ASSERT_EQ(eval_init_globals(E), 0);
	ASSERT_EQ(run(BLK(4,
		ES(asg(OP_ADD, var(x), num(10))),
		ES(incdec(true, true, var(y))),
		PF("%d %d %s %d %d\n", 5, var(x), var(y), var(s), incdec(false, true, var(x)), incdec(true, false, var(x))),
		DEL(var(s)))), 0);
	ASSERT_STREQ(strbuf_str(&OUT), "15 -2 hi 15 15\n");
	/* Globals persist across runs; delete of a scalar resets it. */
	ASSERT_EQ(run(PF("%d [%s]\n", 2, var(x), var(s))), 0);
	ASSERT_STREQ(strbuf_str(&OUT), "15 []\n");
}

TEST(arrays_multi_key)
{
	reset();
	struct sym *a = G("a", T_LONG, 2, T_LONG, T_STRING);
	struct sym *b = G("b", T_STRING, 1, T_STRING);
	ASSERT_EQ(run(BLK(7,
		ES(asg(OP_NONE, idx(a, 2, num(1), str("x")), num(10))),
		ES(asg(OP_ADD, idx(a, 2, num(1), str("x")), num(5))),
		ES(incdec(true, true, idx(a, 2, num(2), str("y")))),
		ES(asg(OP_NONE, idx(b, 1, str("k")), str("v"))),
		PF("%d %d %d %d %d [%s] [%s]\n", 7, idx(a, 2, num(1), str("x")), idx(a, 2, num(2), str("y")),
		   idx(a, 2, num(3), str("z")), in(a, 2, num(1), str("x")), in(a, 2, num(3), str("z")),
		   idx(b, 1, str("k")), idx(b, 1, str("none"))),
		DEL(idx(a, 2, num(1), str("x"))),
		PF("%d %d %d\n", 3, in(a, 2, num(1), str("x")), in(a, 2, num(2), str("y")), in(a, 2, num(3), str("z"))))), 0);
	ASSERT_STREQ(strbuf_str(&OUT), "15 1 0 1 0 [v] []\n0 1 0\n");
	ASSERT_EQ(run(BLK(2, DEL(var(a)), PF("%d\n", 1, in(a, 2, num(2), str("y"))))), 0);
	ASSERT_STREQ(strbuf_str(&OUT), "0\n");
}

TEST(locals_reset_per_run)
{
	reset();
	struct sym *n = Lc("n", T_LONG), *t = Lc("t", T_STRING);
	ASSERT_EQ(run(BLK(2, ES(asg(OP_NONE, var(n), num(3))), ES(asg(OP_NONE, var(t), str("x"))))), 0);
	ASSERT_EQ(run(PF("%d [%s]\n", 2, var(n), var(t))), 0);
	ASSERT_STREQ(strbuf_str(&OUT), "0 []\n");
}

TEST(foreach_output)
{
	reset();
	struct sym *a = G("a", T_LONG, 1, T_STRING);
	struct sym *k = Lc("k", T_STRING), *v = Lc("v", T_LONG), *n = Lc("n", T_LONG);
	const char *names[] = { "d", "b", "e", "a", "c" };
	int64_t vals[] = { 3, 1, 3, 5, 2 };
	struct node *fill = BLK(0);
	for (int i = 0; i < 5; i++)
		push(&fill->u.block, ES(asg(OP_NONE, idx(a, 1, str(names[i])), num(vals[i]))));
	struct node *pr = PF("%s=%d ", 2, var(k), idx(a, 1, var(k)));
	ASSERT_EQ(run(BLK(10,
		fill,
		FOREACH(a, NULL, 1, 1, NULL, pr, 1, k), PF("\n", 0),
		FOREACH(a, NULL, 1, -1, NULL, pr, 1, k), PF("\n", 0),
		FOREACH(a, v, FOREACH_SORT_VALUE, -1, num(3), PF("%s:%d ", 2, var(k), var(v)), 1, k), PF("\n", 0),
		FOREACH(a, v, FOREACH_SORT_VALUE, 1, NULL, PF("%s:%d ", 2, var(k), var(v)), 1, k), PF("\n", 0),
		BLK(2, FOREACH(a, NULL, 0, 0, NULL, ES(incdec(true, true, var(n))), 1, k), PF("%d\n", 1, var(n))))), 0);
	ASSERT_STREQ(strbuf_str(&OUT),
		     "a=5 b=1 c=2 d=3 e=3 \n"
		     "e=3 d=3 c=2 b=1 a=5 \n"
		     "a:5 d:3 e:3 \n"
		     "b:1 c:2 d:3 e:3 a:5 \n"
		     "5\n");
}

TEST(foreach_multi_key_break_continue)
{
	reset();
	struct sym *a = G("a", T_LONG, 2, T_LONG, T_STRING);
	struct sym *i = Lc("i", T_LONG), *s = Lc("s", T_STRING);
	ASSERT_EQ(run(BLK(6,
		ES(asg(OP_NONE, idx(a, 2, num(2), str("x")), num(1))),
		ES(asg(OP_NONE, idx(a, 2, num(1), str("y")), num(2))),
		ES(asg(OP_NONE, idx(a, 2, num(1), str("x")), num(3))),
		ES(asg(OP_NONE, idx(a, 2, num(3), str("a")), num(4))),
		/* sorted by the second key ascending; ties by the first */
		FOREACH(a, NULL, 2, 1, NULL, BLK(3,
			IF(bin(OP_EQ, var(i), num(2)), SIMPLE(N_CONTINUE), NULL),
			IF(bin(OP_EQ, var(s), str("y")), SIMPLE(N_BREAK), NULL),
			PF("[%d,%s]", 2, var(i), var(s))), 2, i, s),
		PF("\n", 0))), 0);
	ASSERT_STREQ(strbuf_str(&OUT), "[3,a][1,x]\n");
}

TEST(statistics)
{
	reset();
	struct sym *st = G("st", T_STATS, 0);
	struct sym *sa = G("sa", T_STATS, 1, T_LONG);
	struct sym *k = Lc("k", T_LONG), *c = Lc("c", T_LONG);
	ASSERT_EQ(run(BLK(8,
		ES(asg(OP_AGG, var(st), num(5))),
		ES(asg(OP_AGG, var(st), num(-3))),
		ES(asg(OP_AGG, var(st), num(10))),
		PF("%d %d %d %d %d\n", 5, statop(OP_COUNT, var(st)), statop(OP_SUM, var(st)), statop(OP_MIN, var(st)),
		   statop(OP_MAX, var(st)), statop(OP_AVG, var(st))),
		ES(asg(OP_AGG, idx(sa, 1, num(1)), num(7))),
		ES(asg(OP_AGG, idx(sa, 1, num(2)), num(1))),
		ES(asg(OP_AGG, idx(sa, 1, num(2)), num(2))),
		FOREACH(sa, c, FOREACH_SORT_VALUE, -1, NULL,
			PF("%d:%d:%d ", 3, var(k), var(c), statop(OP_SUM, idx(sa, 1, var(k)))), 1, k))), 0);
	ASSERT_STREQ(strbuf_str(&OUT), "3 12 -3 10 4\n2:2:3 1:1:7 ");

	ASSERT_EQ(run(PF("%d %d\n", 2, statop(OP_COUNT, idx(sa, 1, num(9))), statop(OP_SUM, idx(sa, 1, num(9))))), 0);
	ASSERT_STREQ(strbuf_str(&OUT), "0 0\n");
	LINE = 8;
	struct node *mn = statop(OP_MIN, idx(sa, 1, num(9)));
	mn->loc.col = 4;
	ASSERT_TRUE(run(PF("%d\n", 1, mn)) < 0);
	ASSERT_STREQ(eval_error_message(E), "empty aggregate near operator '@min' at t.stp:8:4");
	ASSERT_EQ(run(BLK(2, DEL(var(st)), PF("%d\n", 1, statop(OP_COUNT, var(st))))), 0);
	ASSERT_STREQ(strbuf_str(&OUT), "0\n");
	ASSERT_TRUE(run(PF("%d\n", 1, statop(OP_AVG, var(st)))) < 0);
	ASSERT_CONTAINS(eval_error_message(E), "empty aggregate");
}

TEST(exit_does_not_abort_handler)
{
	reset();
	ASSERT_TRUE(!eval_exit_requested(E));
	ASSERT_EQ(run(BLK(3, PF("a\n", 0), ES(B(B_EXIT, 0)), PF("b\n", 0))), 0);
	ASSERT_STREQ(strbuf_str(&OUT), "a\nb\n");
	ASSERT_TRUE(eval_exit_requested(E));
}

TEST(error_builtin)
{
	reset();
	ASSERT_TRUE(run(BLK(3, PF("a\n", 0), ES(B(B_ERROR, 1, str("something bad"))), PF("b\n", 0))) < 0);
	ASSERT_STREQ(eval_error_message(E), "something bad");
	ASSERT_STREQ(strbuf_str(&OUT), "a\n");
}

TEST(maxaction)
{
	reset();
	LINE = 2;
	ASSERT_TRUE(run(WHILE(num(1), BLK(0), 5)) < 0);
	ASSERT_STREQ(eval_error_message(E), "MAXACTION exceeded near keyword at t.stp:2:5");

	/* Exactly BSTAP_MAXACTION actions are allowed. */
	struct sym *i = Lc("i", T_LONG);
	/* while (i < N) i++: 1 (while) + N (body) + N (later tests, the last one failing) = 2N + 1 */
	int N = (BSTAP_MAXACTION - 1) / 2;
	ASSERT_EQ(run(WHILE(bin(OP_LT, var(i), num(N)), ES(incdec(true, true, var(i))), 1)), 0);
	ASSERT_TRUE(run(WHILE(bin(OP_LT, var(i), num(N + 1)), ES(incdec(true, true, var(i))), 1)) < 0);
	ASSERT_STREQ(eval_error_message(E), "MAXACTION exceeded near keyword at t.stp:2:1");

	/* The check is at the loop, not at the statement in its body. */
	LINE = 7;
	ASSERT_TRUE(run(WHILE(num(1), BLK(1, ES(incdec(true, true, var(i)))), 3)) < 0);
	ASSERT_STREQ(eval_error_message(E), "MAXACTION exceeded near keyword at t.stp:7:3");

	/* ... and at function calls: fib(15) runs about 2000 statements. */
	struct func *fib = FUNC("fib", T_LONG, 1, "n", T_LONG);
	struct sym *n = fib->params.v[0];
	LINE = 9;
	struct node *c1 = FN(fib, 1, bin(OP_SUB, var(n), num(1)));
	c1->loc.col = 12;
	struct node *c2 = FN(fib, 1, bin(OP_SUB, var(n), num(2)));
	c2->loc.col = 24;
	fib->body = BLK(2, IF(bin(OP_LT, var(n), num(2)), RET(var(n)), NULL), RET(bin(OP_ADD, c1, c2)));
	ASSERT_TRUE(run(ES(FN(fib, 1, num(15)))) < 0);
	ASSERT_CONTAINS(eval_error_message(E), "MAXACTION exceeded near identifier 'fib' at t.stp:9:");
}

TEST(loops_and_next)
{
	reset();
	struct sym *i = Lc("i", T_LONG), *sum = Lc("sum", T_LONG);
	ASSERT_EQ(run(BLK(4,
		FOR(asg(OP_NONE, var(i), num(0)), bin(OP_LT, var(i), num(10)), incdec(true, true, var(i)),
		    BLK(3, IF(bin(OP_EQ, bin(OP_MOD, var(i), num(2)), num(1)), SIMPLE(N_CONTINUE), NULL),
			IF(bin(OP_GT, var(i), num(6)), SIMPLE(N_BREAK), NULL),
			ES(asg(OP_ADD, var(sum), var(i))))),
		PF("%d %d\n", 2, var(i), var(sum)),
		SIMPLE(N_NEXT),
		PF("not reached\n", 0))), 0);
	ASSERT_STREQ(strbuf_str(&OUT), "8 12\n");
}

TEST(functions_and_recursion)
{
	reset();
	/* function fib(n) { if (n < 2) return n; return fib(n-1) + fib(n-2) } */
	struct func *fib = FUNC("fib", T_LONG, 1, "n", T_LONG);
	struct sym *n = fib->params.v[0];
	fib->body = BLK(2, IF(bin(OP_LT, var(n), num(2)), RET(var(n)), NULL),
			RET(bin(OP_ADD, FN(fib, 1, bin(OP_SUB, var(n), num(1))), FN(fib, 1, bin(OP_SUB, var(n), num(2))))));
	/* function greet(who:string) { tmp = "hi " . who; return tmp } — a local of its own */
	struct func *greet = FUNC("greet", T_STRING, 1, "who", T_STRING);
	struct sym *tmp = flocal(greet, "tmp", T_STRING);
	greet->body = BLK(2, ES(asg(OP_NONE, var(tmp), bin(OP_CONCAT, str("hi "), var(greet->params.v[0])))),
			  RET(var(tmp)));
	/* function noret() { } returns 0 */
	struct func *noret = FUNC("noret", T_LONG, 0);
	noret->body = BLK(0);
	struct sym *x = Lc("x", T_LONG);
	ASSERT_EQ(run(BLK(2, ES(asg(OP_NONE, var(x), num(7))),
			  PF("%d %s %d %d\n", 4, FN(fib, 1, num(10)), FN(greet, 1, str("bob")), FN(noret, 0), var(x)))), 0);
	ASSERT_STREQ(strbuf_str(&OUT), "55 hi bob 0 7\n");

	/* function down(n) { return down(n + 1) } */
	struct func *down = FUNC("down", T_LONG, 1, "n", T_LONG);
	LINE = 6;
	struct node *rec = FN(down, 1, bin(OP_ADD, var(down->params.v[0]), num(1)));
	rec->loc.col = 30;
	down->body = RET(rec);
	ASSERT_TRUE(run(ES(FN(down, 1, num(0)))) < 0);
	ASSERT_STREQ(eval_error_message(E), "MAXNESTING exceeded near identifier 'down' at t.stp:6:30");

	/* next inside a function ends the handler without an error */
	struct func *stop = FUNC("stop", T_LONG, 0);
	stop->body = BLK(2, SIMPLE(N_NEXT), RET(num(1)));
	ASSERT_EQ(run(BLK(3, PF("a\n", 0), ES(FN(stop, 0)), PF("b\n", 0))), 0);
	ASSERT_STREQ(strbuf_str(&OUT), "a\n");
}

TEST(array_overflow)
{
	reset();
	struct sym *a = G("a", T_LONG, 1, T_LONG);
	struct sym *i = Lc("i", T_LONG);
	store_mem_set_max(ST, a->index, 3);
	LINE = 4;
	struct node *el = idx(a, 1, var(i));
	el->u.index.base->loc.col = 20;
	ASSERT_TRUE(run(FOR(asg(OP_NONE, var(i), num(0)), bin(OP_LT, var(i), num(5)), incdec(true, true, var(i)),
			    ES(asg(OP_NONE, el, num(1))))) < 0);
	ASSERT_STREQ(eval_error_message(E), "Array overflow, check MAXMAPENTRIES near identifier 'a' at t.stp:4:20");
	/* overwriting an existing element of a full array is fine */
	ASSERT_EQ(run(ES(asg(OP_NONE, idx(a, 1, num(2)), num(9)))), 0);
}

TEST(context_builtins)
{
	reset();
	ASSERT_EQ(run(PF("%d %d %d %d %s %s\n", 6, B(B_PID, 0), B(B_TID, 0), B(B_PPID, 0), B(B_UID, 0),
			 B(B_PP, 0), B(B_EXECNAME, 0))), 0);
	char want[512], comm[64] = "";
	FILE *f = fopen("/proc/self/comm", "r");
	ASSERT_TRUE(f && fgets(comm, sizeof(comm), f));
	fclose(f);
	comm[strcspn(comm, "\n")] = 0;
	snprintf(want, sizeof(want), "%d %d %d %d begin %s\n", getpid(), gettid(), getppid(), getuid(), comm);
	ASSERT_STREQ(strbuf_str(&OUT), want);

	ASSERT_EQ(run(PF("%d %d %d\n", 3, bin(OP_GT, B(B_GETTIMEOFDAY_S, 0), num(1600000000)),
			 bin(OP_GE, B(B_CPU, 0), num(0)), bin(OP_GT, B(B_KTIME_GET_NS, 0), num(0)))), 0);
	ASSERT_STREQ(strbuf_str(&OUT), "1 1 1\n");
}

/* ---- from source, through the real pass 1 and pass 2 ---- */

/* Parse and elaborate text as t.stp, then run every probe in order (begin, ..., end);
 * returns the first run's failure or 0. NULL program (pass 1/2 errors) gives -100. */
static int run_src(const char *text)
{
	reset();
	struct diag *d = diag_new(A, stderr);
	struct src_file *src = src_file_new(A, "t.stp", text, strlen(text));
	struct parse_env env = { .kernel_vr = "6.18.0", .kernel_v = "6.18.0", .arch = "x86_64", .runtime = "bpf" };
	struct stp_file *f = parse_file(A, d, src, &env);
	struct program *p = diag_error_count(d) ? NULL : elaborate(A, d, &f, 1, NULL, 0, NULL);
	if (!p)
		return -100;
	eval_free(E);
	E = eval_new(p, &store_mem_ops, ST, out_cb, &OUT);
	strbuf_reset(&OUT);
	if (eval_init_globals(E) < 0)
		return -1;
	for (uint32_t i = 0; i < p->probes.n; i++)
		if (eval_run_probe(E, p->probes.v[i]) < 0)
			return -1;
	return 0;
}

TEST(src_error_location)
{
	ASSERT_EQ(run_src("probe begin {\n  x = 1\n  y = x / 0\n  println(y)\n}\n"), -1);
	ASSERT_STREQ(eval_error_message(E), "division by 0 near operator '/' at t.stp:3:9");
	ASSERT_EQ(run_src("probe begin { while (1) { i++ } }"), -1);
	ASSERT_STREQ(eval_error_message(E), "MAXACTION exceeded near keyword at t.stp:1:15");
	ASSERT_EQ(run_src("probe begin { printf(\"a\\n\"); error(\"oops\"); println(\"b\") }"), -1);
	ASSERT_STREQ(eval_error_message(E), "oops");
	ASSERT_STREQ(strbuf_str(&OUT), "a\n");
}

TEST(src_script)
{
	ASSERT_EQ(run_src(
		"global count[100], total = 10, name = \"n\"\n"
		"function label:string (k:string, v) { return sprintf(\"%s=%d\", k, v) }\n"
		"probe begin {\n"
		"  count[\"a\"] = 3; count[\"b\"] = 7; count[\"c\"] = 5; count[\"d\"] = 7\n"
		"  foreach (k in count- limit 3) { total += count[k]; print(label(k, count[k]), \" \") }\n"
		"  println(\"\")\n"
		"  for (i = 0; i < 3; i++) name .= sprintf(\"%d\", i)\n"
		"  printf(\"%s %d %d %x %5.2s|\\n\", name, total, \"c\" in count, -1, \"xyz\")\n"
		"  exit()\n"
		"  printdln(\",\", 1, \"two\", 3)\n"
		"}\n"
		"probe end { delete count[\"a\"]; foreach ([k] in count+) print(k); println() }\n"), 0);
	ASSERT_STREQ(strbuf_str(&OUT),
		     "b=7 d=7 c=5 \n"
		     "n012 29 1 ffffffffffffffff    xy|\n"
		     "1,two,3\n"
		     "cbd\n");
	ASSERT_TRUE(eval_exit_requested(E));
}

static void cleanup(void)
{
	eval_free(E);
	store_mem_free(ST);
	arena_free(A);
	strbuf_free(&OUT);
	E = NULL;
	ST = NULL;
	A = NULL;
}

TEST(zz_cleanup)
{
	cleanup();
}

TH_MAIN(TH_CASE(arithmetic_and_wraparound), TH_CASE(comparisons_and_logic), TH_CASE(division_by_zero_error),
	TH_CASE(strings), TH_CASE(long_literal_format), TH_CASE(print_family), TH_CASE(globals_and_initializers), TH_CASE(arrays_multi_key),
	TH_CASE(locals_reset_per_run), TH_CASE(foreach_output), TH_CASE(foreach_multi_key_break_continue),
	TH_CASE(statistics), TH_CASE(exit_does_not_abort_handler), TH_CASE(error_builtin), TH_CASE(maxaction),
	TH_CASE(loops_and_next), TH_CASE(functions_and_recursion), TH_CASE(array_overflow),
	TH_CASE(context_builtins), TH_CASE(src_error_location), TH_CASE(src_script), TH_CASE(zz_cleanup))
