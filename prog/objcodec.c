/*
 * The ".bstap" section codec. Every record is described once, by a function that walks its
 * fields through a cursor: encoding, the cursor writes each field; decoding, it reads the
 * field back, allocating what the record points to and checking every count, index and enum
 * against its range, so a damaged section is refused instead of crashing the runner.
 */
#include "prog/objcodec.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prog/arena.h"
#include "prog/builtins.h"
#include "prog/objfmt.h"

#define MAX_NODE_DEPTH 2000	/* deeper trees are refused: the decoder recurses */
#define NULL_STR UINT32_MAX	/* string length that stands for a NULL pointer */

struct objprog {
	struct arena *a;	/* everything decoded lives here */
	struct program prog;
	struct meta meta;
};

/* The cursor. Encoding never changes the program: the casts to non-const are for decoding. */
struct cx {
	bool wr;
	/* encoding */
	FILE *f;
	const char **paths;	/* source paths seen, indexed from 1 in locs */
	uint32_t npaths, cap;
	/* decoding */
	const unsigned char *p, *end;
	bool bad;
	const char *why;	/* the first thing found wrong */
	struct arena *a;
	struct src_file **files;
	uint32_t nfiles;
	/* both */
	struct program *prog;
	struct sym_list *locals, *params;	/* of the probe or function being coded */
	int depth;
};

/* The section is damaged: remember the first reason (the decoder stops at the first anyway). */
static void fail(struct cx *c, const char *why)
{
	if (!c->bad)
		c->why = why;
	c->bad = true;
}

static void raw(struct cx *c, void *v, size_t n)
{
	if (c->wr) {
		fwrite(v, 1, n, c->f);
		return;
	}
	if (c->bad || (size_t)(c->end - c->p) < n) {
		fail(c, "truncated");
		memset(v, 0, n);
		return;
	}
	memcpy(v, c->p, n);
	c->p += n;
}

static void u32(struct cx *c, uint32_t *v) { raw(c, v, 4); }
static void u64(struct cx *c, uint64_t *v) { raw(c, v, 8); }
static void s64(struct cx *c, int64_t *v) { raw(c, v, 8); }

static void flag(struct cx *c, bool *b)
{
	uint8_t v = *b;
	raw(c, &v, 1);
	if (!c->wr) {
		if (v > 1)
			fail(c, "flag neither 0 nor 1");
		*b = v == 1;
	}
}

static void s32(struct cx *c, int *v, int lo, int hi)
{
	int64_t x = *v;
	s64(c, &x);
	if (!c->wr) {
		if (x < lo || x > hi)
			fail(c, "number out of range");
		*v = c->bad ? 0 : (int)x;
	}
}

/* An enum field: a u32 on disk, below 'limit' when read back. */
#define ENUM(c, field, limit)                                          \
	do {                                                           \
		uint32_t v_ = (uint32_t)(field);                       \
		u32((c), &v_);                                         \
		if (!(c)->wr) {                                        \
			if (v_ >= (uint32_t)(limit))                   \
				fail((c), #field " out of range");     \
			else                                           \
				(field) = v_;                          \
		}                                                      \
	} while (0)

/* A count of elements that each take at least 'min' bytes: bounded by what is left. */
static void count(struct cx *c, uint32_t *n, size_t min)
{
	u32(c, n);
	if (!c->wr && (c->bad || (size_t)(c->end - c->p) / (min ? min : 1) < *n)) {
		fail(c, "count larger than the section");
		*n = 0;
	}
}

/* The array behind a counted field: decoding allocates it (zeroed, one spare element). */
static void *array(struct cx *c, void *v, uint32_t n, size_t elem)
{
	return c->wr ? v : arena_alloc(c->a, ((size_t)n + 1) * elem);
}

static void bytes(struct cx *c, const char **s, uint32_t *len)
{
	if (c->wr) {
		uint32_t n = *s ? *len : NULL_STR;
		u32(c, &n);
		if (*s && n)
			fwrite(*s, 1, n, c->f);
		return;
	}
	uint32_t n = 0;
	u32(c, &n);
	if (n == NULL_STR && !c->bad) {
		*s = NULL;
		*len = 0;
		return;
	}
	if (c->bad || (size_t)(c->end - c->p) < n) {
		fail(c, "string longer than the section");
		*s = "";
		*len = 0;
		return;
	}
	char *d = arena_alloc(c->a, (size_t)n + 1);
	raw(c, d, n);
	*s = d;
	*len = n;
}

static void str(struct cx *c, const char **s)
{
	uint32_t n = c->wr && *s ? (uint32_t)strlen(*s) : 0;
	bytes(c, s, &n);
}

static uint32_t path_index(struct cx *c, const struct src_file *f)
{
	if (!f)
		return 0;
	for (uint32_t i = 0; i < c->npaths; i++)
		if (!strcmp(c->paths[i], f->path))
			return i + 1;
	if (c->npaths == c->cap) {
		uint32_t cap = c->cap ? c->cap * 2 : 8;
		const char **np = realloc(c->paths, cap * sizeof(*np));
		if (!np)
			return 0;
		c->paths = np;
		c->cap = cap;
	}
	c->paths[c->npaths++] = f->path;
	return c->npaths;
}

static void loc(struct cx *c, struct loc *l)
{
	uint32_t fi = c->wr ? path_index(c, l->file) : 0;
	u32(c, &fi);
	if (!c->wr) {
		if (fi > c->nfiles)
			fail(c, "source file index out of range");
		l->file = fi && fi <= c->nfiles ? c->files[fi - 1] : NULL;
		l->via = NULL;
	}
	u32(c, &l->line);
	u32(c, &l->col);
	u32(c, &l->len);
}

static int index_in(const struct sym_list *l, const struct sym *s)
{
	for (uint32_t i = 0; l && i < l->n; i++)
		if (l->v[i] == s)
			return (int)i;
	return -1;
}

/* A variable reference: which list (globals, the current params or locals) and where in it. */
static void symref(struct cx *c, struct sym **sp)
{
	uint32_t scope = OSR_NONE, i = 0;
	if (c->wr && *sp) {
		const struct sym *s = *sp;
		int k;
		if (s->kind == S_GLOBAL && (k = index_in(&c->prog->globals, s)) >= 0)
			scope = OSR_GLOBAL, i = (uint32_t)k;
		else if (s->kind == S_PARAM && (k = index_in(c->params, s)) >= 0)
			scope = OSR_PARAM, i = (uint32_t)k;
		else if ((k = index_in(c->locals, s)) >= 0)
			scope = OSR_LOCAL, i = (uint32_t)k;
	}
	uint8_t sc = (uint8_t)scope;
	raw(c, &sc, 1);
	u32(c, &i);
	if (c->wr)
		return;
	const struct sym_list *l = sc == OSR_GLOBAL ? &c->prog->globals
				   : sc == OSR_LOCAL ? c->locals
				   : sc == OSR_PARAM ? c->params : NULL;
	if (sc > OSR_PARAM || (sc != OSR_NONE && (!l || i >= l->n))) {
		fail(c, "variable reference out of range");
		*sp = NULL;
		return;
	}
	*sp = l ? l->v[i] : NULL;
}

static void node(struct cx *c, struct node **np);

static void list(struct cx *c, struct node_list *l)
{
	count(c, &l->n, 1);
	l->v = array(c, l->v, l->n, sizeof(*l->v));
	if (!c->wr)
		l->cap = l->n;
	for (uint32_t i = 0; i < l->n && !c->bad; i++) {
		node(c, &l->v[i]);
		if (!c->wr && !l->v[i])
			fail(c, "empty node in a list");
	}
}

static void node_fields(struct cx *c, struct node *n)
{
	switch (n->kind) {
	case N_NUM: s64(c, &n->u.num); break;
	case N_STR: bytes(c, &n->u.str.s, &n->u.str.len); break;
	case N_VAR:
		str(c, &n->u.var.name);
		symref(c, &n->u.var.sym);
		break;
	case N_TARGET:	/* only in kernel probes, which the runtime never evaluates */
		str(c, &n->u.var.name);
		s32(c, &n->u.var.tvar, -1, INT32_MAX);
		break;
	case N_INDEX: node(c, &n->u.index.base); list(c, &n->u.index.keys); break;
	case N_CALL: {
		str(c, &n->u.call.name);
		list(c, &n->u.call.args);
		uint32_t fn = n->u.call.fn ? n->u.call.fn->id + 1 : 0;
		u32(c, &fn);
		if (!c->wr) {
			if (fn > c->prog->funcs.n)
				fail(c, "function index out of range");
			n->u.call.fn = fn && !c->bad ? c->prog->funcs.v[fn - 1] : NULL;
		}
		s32(c, &n->u.call.builtin, -1, B__COUNT - 1);
		break;
	}
	case N_STATOP:
		ENUM(c, n->u.statop.op, OP_HIST_LINEAR + 1);
		node(c, &n->u.statop.arg);
		u32(c, &n->u.statop.np);
		for (int i = 0; i < 3; i++)
			s64(c, &n->u.statop.p[i]);
		node(c, &n->u.statop.bucket);
		break;
	case N_BINOP:
		ENUM(c, n->u.bin.op, OP_AVG + 1);
		node(c, &n->u.bin.l);
		node(c, &n->u.bin.r);
		break;
	case N_UNOP: ENUM(c, n->u.un.op, OP_AVG + 1); node(c, &n->u.un.e); break;
	case N_ASSIGN:
		ENUM(c, n->u.assign.op, OP_AVG + 1);
		node(c, &n->u.assign.lhs);
		node(c, &n->u.assign.rhs);
		break;
	case N_INCDEC:
		flag(c, &n->u.incdec.inc);
		flag(c, &n->u.incdec.post);
		node(c, &n->u.incdec.lv);
		break;
	case N_TERNARY:
		node(c, &n->u.tern.cond);
		node(c, &n->u.tern.t);
		node(c, &n->u.tern.f);
		break;
	case N_IN: list(c, &n->u.in.keys); node(c, &n->u.in.arr); break;
	case N_BLOCK: list(c, &n->u.block); break;
	case N_EXPR: node(c, &n->u.expr); break;
	case N_IF:
	case N_TRY:
		node(c, &n->u.ifs.cond);
		node(c, &n->u.ifs.then);
		node(c, &n->u.ifs.els);
		break;
	case N_WHILE:
	case N_FOR:
		node(c, &n->u.loop.init);
		node(c, &n->u.loop.cond);
		node(c, &n->u.loop.step);
		node(c, &n->u.loop.body);
		break;
	case N_FOREACH:
		list(c, &n->u.foreach.vars);
		node(c, &n->u.foreach.value);
		node(c, &n->u.foreach.arr);
		s32(c, &n->u.foreach.sort_col, 0, FOREACH_SORT_VALUE);
		s32(c, &n->u.foreach.sort_dir, -1, 1);
		ENUM(c, n->u.foreach.sort_agg, OP_AVG + 1);
		node(c, &n->u.foreach.limit);
		node(c, &n->u.foreach.body);
		break;
	case N_RETURN: node(c, &n->u.ret); break;
	case N_DELETE: node(c, &n->u.del); break;
	case N_BREAK:
	case N_CONTINUE:
	case N_NEXT:
	case N_EMPTY:
		break;
	}
}

static bool is_lvalue(const struct node *n)
{
	return n && (n->kind == N_VAR || (n->kind == N_INDEX && n->u.index.base->kind == N_VAR));
}

/*
 * What a decoded node must hold for the evaluator (and the messages that name it) to run it:
 * the children its kind cannot do without, operators of its kind, names. NULL if it is sound.
 * Children were checked when they were decoded, so this looks one level down only.
 */
static const char *node_problem(const struct node *n)
{
	switch (n->kind) {
	case N_NUM:
	case N_BREAK:
	case N_CONTINUE:
	case N_NEXT:
	case N_EMPTY:
	case N_RETURN:
	case N_BLOCK:
		return NULL;
	case N_STR:
		return n->u.str.s ? NULL : "string constant without its text";
	case N_VAR:
		if (!n->u.var.name || !n->u.var.sym)
			return "variable without a name or symbol";
		return NULL;
	case N_TARGET:
		return n->u.var.name ? NULL : "target variable without a name";
	case N_INDEX:
		if (!n->u.index.base || n->u.index.base->kind != N_VAR)
			return "index of something other than a variable";
		if (n->u.index.keys.n < 1 || n->u.index.keys.n > META_MAXKEYS)
			return "index with no keys or more than 9";
		return NULL;
	case N_CALL: {
		if (!n->u.call.name)
			return "call without a name";
		int b = n->u.call.builtin;
		if (n->u.call.fn)
			return n->u.call.args.n == n->u.call.fn->params.n ? NULL
			       : "call with the wrong number of arguments";
		if (b < 0)
			return "call of no function";
		const struct builtin_info *bi = &builtin_table[b];
		if ((int64_t)n->u.call.args.n < bi->min_args ||
		    (bi->max_args >= 0 && (int64_t)n->u.call.args.n > bi->max_args))
			return "builtin call with the wrong number of arguments";
		return NULL;
	}
	case N_STATOP:
		if (n->u.statop.op < OP_COUNT || n->u.statop.op > OP_HIST_LINEAR || n->u.statop.np > 3 ||
		    (n->u.statop.bucket && n->u.statop.op < OP_HIST_LOG))
			return "bad statistics operator";
		return is_lvalue(n->u.statop.arg) ? NULL : "statistics operator on no variable";
	case N_BINOP:
		if (n->u.bin.op < OP_ADD || n->u.bin.op > OP_CONCAT)
			return "bad binary operator";
		return n->u.bin.l && n->u.bin.r ? NULL : "binary operator without an operand";
	case N_UNOP:
		if (n->u.un.op < OP_NEG || n->u.un.op > OP_BNOT)
			return "bad unary operator";
		return n->u.un.e ? NULL : "unary operator without an operand";
	case N_ASSIGN: {
		enum op op = n->u.assign.op;
		if (op != OP_NONE && op != OP_AGG && op != OP_CONCAT && (op < OP_ADD || op > OP_BXOR))
			return "bad assignment operator";
		if (!is_lvalue(n->u.assign.lhs) || !n->u.assign.rhs)
			return "assignment without a variable or a value";
		return NULL;
	}
	case N_INCDEC:
		return is_lvalue(n->u.incdec.lv) ? NULL : "increment of no variable";
	case N_TERNARY:
		return n->u.tern.cond && n->u.tern.t && n->u.tern.f ? NULL
		       : "conditional expression without an operand";
	case N_IN:
		if (!n->u.in.arr || n->u.in.arr->kind != N_VAR)
			return "membership test ('in') of something other than an array";
		if (n->u.in.keys.n < 1 || n->u.in.keys.n > META_MAXKEYS)
			return "membership test ('in') with no keys or more than 9";
		return NULL;
	case N_EXPR:
		return n->u.expr ? NULL : "expression statement without its expression";
	case N_IF:
		return n->u.ifs.cond ? NULL : "if without a condition";
	case N_TRY:
		if (n->u.ifs.cond && n->u.ifs.cond->kind != N_VAR)
			return "catch into something other than a variable";
		return NULL;
	case N_WHILE:
	case N_FOR:
		return NULL;
	case N_FOREACH:
		if (!n->u.foreach.arr ||
		    (n->u.foreach.arr->kind != N_VAR &&
		     !(n->u.foreach.arr->kind == N_STATOP && n->u.foreach.arr->type == T_STATS &&
		       n->u.foreach.vars.n == 1)))
			return "foreach over something other than an array";
		if (n->u.foreach.sort_agg != OP_NONE &&
		    (n->u.foreach.sort_agg < OP_COUNT || n->u.foreach.sort_agg > OP_AVG))
			return "foreach sorted by something other than an aggregate";
		if (n->u.foreach.vars.n > META_MAXKEYS)
			return "foreach with more than 9 keys";
		for (uint32_t i = 0; i < n->u.foreach.vars.n; i++)
			if (!is_lvalue(n->u.foreach.vars.v[i]))
				return "foreach into something other than a variable";
		if (n->u.foreach.value && !is_lvalue(n->u.foreach.value))
			return "foreach into something other than a variable";
		return NULL;
	case N_DELETE:
		return is_lvalue(n->u.del) ? NULL : "delete of no variable";
	}
	return "unknown node kind";
}

/* A node: a presence byte, then kind, type, place and the kind's own fields. */
static void node(struct cx *c, struct node **np)
{
	uint8_t present = c->wr && *np;
	raw(c, &present, 1);
	if (!c->wr) {
		*np = NULL;
		if (present > 1)
			fail(c, "node presence neither 0 nor 1");
		if (c->depth >= MAX_NODE_DEPTH)
			fail(c, "nodes nested too deep");
		if (c->bad || !present)
			return;
		c->depth++;
		*np = arena_alloc(c->a, sizeof(**np));
	} else if (!present) {
		return;
	}
	struct node *n = *np;
	ENUM(c, n->kind, N_TRY + 1);
	ENUM(c, n->type, T_VOID + 1);
	loc(c, &n->loc);
	if (!c->bad)
		node_fields(c, n);
	if (!c->wr) {
		const char *why;
		if (!c->bad && (why = node_problem(n)))
			fail(c, why);
		c->depth--;
	}
}

/* A statistic's histogram and variance; a reader checks what the stores index with it. */
static void stat_spec(struct cx *c, struct stat_spec *sp)
{
	u32(c, &sp->hist);
	u32(c, &sp->nbuckets);
	s64(c, &sp->start);
	s64(c, &sp->stop);
	s64(c, &sp->interval);
	u32(c, &sp->variance);
	u32(c, &sp->shift);
	if (c->wr || c->bad)
		return;
	bool ok = sp->hist == STAT_HIST_NONE ? sp->nbuckets == 0
		  : sp->hist == STAT_HIST_LOG ? sp->nbuckets == STAT_LOG_BUCKETS
		  : sp->hist == STAT_HIST_LINEAR &&
			    sp->nbuckets == stat_linear_buckets(sp->start, sp->stop, sp->interval) &&
			    sp->nbuckets;
	if (!ok || sp->variance > 1 || sp->shift > STAT_MAX_SHIFT)
		fail(c, "statistic with a bad histogram or variance");
}

static void sym_decl(struct cx *c, struct sym **sp, enum sym_kind kind)
{
	if (!c->wr)
		*sp = arena_alloc(c->a, sizeof(**sp));
	struct sym *s = *sp;
	str(c, &s->name);
	ENUM(c, s->kind, S_PARAM + 1);
	ENUM(c, s->type, T_VOID + 1);
	count(c, &s->nkeys, 4);
	s->key_types = array(c, s->key_types, s->nkeys, sizeof(*s->key_types));
	for (uint32_t k = 0; k < s->nkeys; k++)
		ENUM(c, s->key_types[k], T_VOID + 1);
	u32(c, &s->max_entries);
	flag(c, &s->is_array);
	loc(c, &s->loc);
	stat_spec(c, &s->stat);
	flag(c, &s->wrap);
	if (c->wr || c->bad)
		return;
	if (!s->name || !*s->name)
		fail(c, "variable without a name");
	else if (s->kind != kind)
		fail(c, "variable of the wrong kind for its list");
	else if (s->nkeys > META_MAXKEYS || (s->nkeys && kind != S_GLOBAL))
		fail(c, "variable with too many keys");
}

static void sym_list(struct cx *c, struct sym_list *l, enum sym_kind kind)
{
	count(c, &l->n, 8);
	l->v = array(c, l->v, l->n, sizeof(*l->v));
	if (!c->wr)
		l->cap = l->n;
	for (uint32_t i = 0; i < l->n && !c->bad; i++) {
		sym_decl(c, &l->v[i], kind);
		if (!c->wr)
			l->v[i]->index = i;
	}
}

static void attach_spec(struct cx *c, struct attach_spec *at)
{
	ENUM(c, at->kind, PK__COUNT);
	str(c, &at->target);
	str(c, &at->path);
	u64(c, &at->period_ns);
	u64(c, &at->randomize_ns);
	u64(c, &at->arg);
	u32(c, &at->perf_type);
	u32(c, &at->flags);
}

/* What the stores copy in and out of their fixed buffers; NULL if the global is sound. */
static const char *global_problem(const struct meta_global *g)
{
	if (!g->name || !*g->name || !g->map || !*g->map)
		return "global without a name or map";
	if (g->type != MT_LONG && g->type != MT_STRING && g->type != MT_STATS)
		return "global of no value type";
	if (g->percpu != (g->type == MT_STATS))
		return "per-CPU flag does not match the global's type";
	if (g->type == MT_STRING ? g->value_size < BSTAP_MINSTRINGLEN || g->value_size > BSTAP_MAXSTRINGLEN
	    : g->value_size != (g->type == MT_STATS ? 8 * stat_words(&g->stat) : 8u))
		return "global's value size does not match its type";
	if (!g->nkeys)
		return g->key_size == 4 ? NULL : "scalar global's key size is not 4";
	uint64_t total = 0;
	for (uint32_t k = 0; k < g->nkeys; k++) {
		if (g->keys[k] == MT_LONG ? g->key_len[k] != 8
		    : g->keys[k] != MT_STRING || g->key_len[k] < 1 || g->key_len[k] > BSTAP_MAXSTRINGLEN)
			return "global's key of a bad type or length";
		if ((uint64_t)g->key_off[k] + g->key_len[k] > g->key_size)
			return "global's key field past the key's end";
		total += g->key_len[k];
	}
	if (total != g->key_size || g->key_size > BSTAP_MAXKEYSIZE)
		return "global's key size does not match its fields";
	return NULL;
}

static void meta_global(struct cx *c, struct meta_global *g)
{
	str(c, &g->name);
	str(c, &g->map);
	ENUM(c, g->type, MT_STATS + 1);
	u32(c, &g->nkeys);
	if (!c->wr && g->nkeys > META_MAXKEYS) {
		fail(c, "global with more than 9 keys");
		g->nkeys = 0;
		return;
	}
	for (uint32_t k = 0; k < g->nkeys && !c->bad; k++) {
		ENUM(c, g->keys[k], MT_STATS + 1);
		u32(c, &g->key_off[k]);
		u32(c, &g->key_len[k]);
	}
	u32(c, &g->key_size);
	u32(c, &g->key_cut);
	u32(c, &g->value_size);
	flag(c, &g->autoprint);
	flag(c, &g->percpu);
	flag(c, &g->has_init);
	s64(c, &g->init_num);
	str(c, &g->init_str);
	stat_spec(c, &g->stat);
	flag(c, &g->wrap);
	const char *why;
	if (!c->wr && !c->bad && (why = global_problem(g)))
		fail(c, why);
}

static void meta(struct cx *c, struct meta *m)
{
	count(c, &m->nfmts, 8);
	m->fmts = array(c, m->fmts, m->nfmts, sizeof(*m->fmts));
	for (uint32_t i = 0; i < m->nfmts && !c->bad; i++) {
		struct meta_fmt *f = &m->fmts[i];
		str(c, &f->fmt);
		count(c, &f->nargs, 4);
		f->args = array(c, f->args, f->nargs, sizeof(*f->args));
		for (uint32_t k = 0; k < f->nargs; k++)
			ENUM(c, f->args[k], MT_STATS + 1);
		if (!c->wr && !c->bad && (!f->fmt || f->nargs > BUILTIN_MAXVALUES))
			fail(c, "format without its text or with too many arguments");
	}
	count(c, &m->nerrs, 20);
	m->errs = array(c, m->errs, m->nerrs, sizeof(*m->errs));
	for (uint32_t i = 0; i < m->nerrs && !c->bad; i++) {
		struct meta_err *e = &m->errs[i];
		ENUM(c, e->kind, ERR_FAULT + 1);
		str(c, &e->near);
		str(c, &e->file);
		u32(c, &e->line);
		u32(c, &e->col);
		if (!c->wr && !c->bad && (!e->near || !e->file))
			fail(c, "error site without its token or file");
	}
	count(c, &m->nglobals, 30);
	m->globals = array(c, m->globals, m->nglobals, sizeof(*m->globals));
	for (uint32_t i = 0; i < m->nglobals && !c->bad; i++)
		meta_global(c, &m->globals[i]);
	count(c, &m->ngroups, 16);
	m->groups = array(c, m->groups, m->ngroups, sizeof(*m->groups));
	for (uint32_t i = 0; i < m->ngroups && !c->bad; i++) {
		struct meta_group *g = &m->groups[i];
		attach_spec(c, &g->at);
		str(c, &g->prog);
		str(c, &g->pp);
		flag(c, &g->optional);
		loc(c, &g->loc);
		if (!c->wr && !c->bad && (!g->prog || !*g->prog || !g->pp))
			fail(c, "probe group without a program name or probe point");
		if (!c->wr && !c->bad && (g->at.kind == PK_TRACEPOINT || g->at.kind == PK_RAW_TRACEPOINT) &&
		    !g->at.target)
			fail(c, "tracepoint probe group without its tracepoint");
	}
	count(c, &m->nuser_timers, 20);
	m->user_timers = array(c, m->user_timers, m->nuser_timers, sizeof(*m->user_timers));
	for (uint32_t i = 0; i < m->nuser_timers && !c->bad; i++) {
		struct meta_user_timer *t = &m->user_timers[i];
		u32(c, &t->probe_id);
		u64(c, &t->period_ns);
		u64(c, &t->randomize_ns);
	}
}

static void func_decl(struct cx *c, struct func **fp, uint32_t id)
{
	if (!c->wr)
		*fp = arena_alloc(c->a, sizeof(**fp));
	struct func *fn = *fp;
	str(c, &fn->name);
	if (!c->wr && !c->bad && (!fn->name || !*fn->name))
		fail(c, "function without a name");
	ENUM(c, fn->ret, T_VOID + 1);
	loc(c, &fn->loc);
	sym_list(c, &fn->params, S_PARAM);
	sym_list(c, &fn->locals, S_LOCAL);
	flag(c, &fn->in_kernel);
	flag(c, &fn->recursive);
	if (!c->wr) {
		fn->id = id;
		fn->used = true;
	}
}

static void eprobe(struct cx *c, struct eprobe **pp)
{
	if (!c->wr)
		*pp = arena_alloc(c->a, sizeof(**pp));
	struct eprobe *ep = *pp;
	attach_spec(c, &ep->at);
	ENUM(c, ep->place, PLACE_NOWHERE + 1);
	s64(c, &ep->seq);
	str(c, &ep->pp);
	str(c, &ep->chain);
	loc(c, &ep->loc);
	u32(c, &ep->id);
	u32(c, &ep->group);
	flag(c, &ep->optional);
	sym_list(c, &ep->locals, S_LOCAL);
	c->locals = &ep->locals;
	c->params = NULL;
	node(c, &ep->cond);
	node(c, &ep->body);
}

static void program(struct cx *c, struct program *p)
{
	str(c, &p->script_path);
	u32(c, &p->maxaction);
	u32(c, &p->maxmapentries);
	u32(c, &p->maxstringlen);
	if (!c->wr && p->maxstringlen && (p->maxstringlen < BSTAP_MINSTRINGLEN ||
					  p->maxstringlen > BSTAP_MAXSTRINGLEN))
		fail(c, "string size (MAXSTRINGLEN) out of range");
	u32(c, &p->ngroups);
	sym_list(c, &p->globals, S_GLOBAL);
	c->locals = c->params = NULL;
	for (uint32_t i = 0; i < p->globals.n && !c->bad; i++)
		node(c, &p->globals.v[i]->init);
	/* function signatures first: calls in any body refer to them by index */
	count(c, &p->funcs.n, 16);
	p->funcs.v = array(c, p->funcs.v, p->funcs.n, sizeof(*p->funcs.v));
	if (!c->wr)
		p->funcs.cap = p->funcs.n;
	for (uint32_t i = 0; i < p->funcs.n && !c->bad; i++)
		func_decl(c, &p->funcs.v[i], i);
	for (uint32_t i = 0; i < p->funcs.n && !c->bad; i++) {
		struct func *fn = p->funcs.v[i];
		c->locals = &fn->locals;
		c->params = &fn->params;
		node(c, &fn->body);
	}
	count(c, &p->probes.n, 40);
	p->probes.v = array(c, p->probes.v, p->probes.n, sizeof(*p->probes.v));
	if (!c->wr)
		p->probes.cap = p->probes.n;
	for (uint32_t i = 0; i < p->probes.n && !c->bad; i++) {
		eprobe(c, &p->probes.v[i]);
		if (!c->wr && p->probes.v[i]->id != i)
			fail(c, "probe id out of order");
	}
}

/* What the program and the metadata say of each other. */
static const char *program_problem(const struct program *p, const struct meta *m)
{
	if (m->nglobals != p->globals.n)
		return "globals of the program and the metadata differ";
	for (uint32_t i = 0; i < m->nglobals; i++) {
		const struct sym *s = p->globals.v[i];
		const struct meta_global *g = &m->globals[i];
		enum meta_type t = s->type == T_STRING ? MT_STRING : s->type == T_STATS ? MT_STATS : MT_LONG;
		if (s->nkeys != g->nkeys || t != g->type || strcmp(s->name, g->name))
			return "globals of the program and the metadata differ";
		if (t == MT_STRING && g->value_size != program_strbuf(p))
			return "string global's value size is not the program's MAXSTRINGLEN";
		if (s->init && s->init->kind != N_NUM && s->init->kind != N_STR &&
		    !(s->init->kind == N_UNOP && s->init->u.un.e->kind == N_NUM))
			return "global initialized with something other than a constant";
	}
	for (uint32_t i = 0; i < m->nuser_timers; i++) {
		const struct meta_user_timer *t = &m->user_timers[i];
		if (t->probe_id >= p->probes.n)
			return "user timer of no probe";
		/* as pass 2 checks them: at least 10us, randomized by less than the period */
		if (t->period_ns < 10000 || t->period_ns > INT64_MAX / 2 || t->randomize_ns >= t->period_ns)
			return "user timer's period out of range";
	}
	/* one per event group, and one entry program per .return probe at most */
	if (m->ngroups > p->ngroups + p->probes.n)
		return "more probe groups than the program has";
	return NULL;
}

int objcodec_encode(const struct program *p, const struct meta *m, char **buf, size_t *len)
{
	/* the file table is only known after the records are written: it goes first, written last */
	char *body = NULL;
	size_t body_len = 0;
	struct cx c = { .wr = true, .prog = (struct program *)p };
	c.f = open_memstream(&body, &body_len);
	if (!c.f)
		return -ENOMEM;
	meta(&c, (struct meta *)m);
	program(&c, (struct program *)p);
	fclose(c.f);

	c.f = open_memstream(buf, len);
	if (!c.f) {
		free(body);
		free(c.paths);
		return -ENOMEM;
	}
	fwrite(BSTAP_OBJ_MAGIC, 1, 8, c.f);
	uint32_t version = BSTAP_OBJ_VERSION;
	u32(&c, &version);
	u32(&c, &c.npaths);
	for (uint32_t i = 0; i < c.npaths; i++)
		str(&c, &c.paths[i]);
	fwrite(body, 1, body_len, c.f);
	fclose(c.f);
	free(body);
	free(c.paths);
	return 0;
}

int objcodec_decode(const void *buf, size_t len, struct objprog **out, uint32_t *version_out,
		    const char **why_out)
{
	struct objprog *o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->a = arena_new();
	struct cx c = { .p = buf, .end = (const unsigned char *)buf + len, .a = o->a,
			.prog = &o->prog };
	char magic[8];
	raw(&c, magic, 8);
	uint32_t version = 0;
	u32(&c, &version);
	if (version_out)
		*version_out = version;
	if (c.bad || memcmp(magic, BSTAP_OBJ_MAGIC, 8)) {
		if (why_out)
			*why_out = c.bad ? "truncated header" : "bad magic";
		objprog_free(o);
		return -EPROTO;
	}
	if (version != BSTAP_OBJ_VERSION) {
		objprog_free(o);
		return -EPROTONOSUPPORT;
	}
	count(&c, &c.nfiles, 4);
	c.files = arena_alloc(o->a, ((size_t)c.nfiles + 1) * sizeof(*c.files));
	for (uint32_t i = 0; i < c.nfiles && !c.bad; i++) {
		c.files[i] = arena_alloc(o->a, sizeof(*c.files[i]));
		str(&c, &c.files[i]->path);
		if (!c.files[i]->path)
			fail(&c, "source file without a path");
	}
	meta(&c, &o->meta);
	program(&c, &o->prog);
	if (!c.bad && c.p != c.end)
		fail(&c, "bytes after its end");
	const char *why;
	if (!c.bad && (why = program_problem(&o->prog, &o->meta)))
		fail(&c, why);
	if (c.bad) {
		if (why_out)
			*why_out = c.why;
		objprog_free(o);
		return -EPROTO;
	}
	*out = o;
	return 0;
}

int objcodec_load(const char *obj_path, struct objprog **out, uint32_t *version_out,
		  const char **why_out)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	int fd = open(obj_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int err = -ENODATA;	/* until the section is found */
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	size_t shstrndx;
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &shstrndx)) {
		err = -ENOEXEC;
		goto done;
	}
	for (Elf_Scn *scn = elf_nextscn(e, NULL); scn; scn = elf_nextscn(e, scn)) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name || strcmp(name, BSTAP_OBJ_SECTION))
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		if (!data || !data->d_buf) {
			if (why_out)
				*why_out = "no data";
			err = -EPROTO;
		} else {
			err = objcodec_decode(data->d_buf, data->d_size, out, version_out, why_out);
		}
		break;
	}
done:
	if (e)
		elf_end(e);
	close(fd);
	return err;
}

const struct program *objprog_program(const struct objprog *o)
{
	return &o->prog;
}

const struct meta *objprog_meta(const struct objprog *o)
{
	return &o->meta;
}

void objprog_free(struct objprog *o)
{
	if (!o)
		return;
	arena_free(o->a);
	free(o);
}
