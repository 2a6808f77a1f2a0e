/* Pass 3: emit BPF C for kernel-context probes; every statement carries its script location. */
#include "gen.h"
#include "gen_ctx.h"
#include "gen_funcs.h"
#include "gen_sys.h"
#include "gen_kinds.h"
#include "gen_tvars.h"
#include "gen_uprobe.h"
#include "prog/visit.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "prog/builtins.h"
#include "prog/format.h"	/* the printf format grammar is shared with the runtime */

/*
 * This translation's string size (-D MAXSTRINGLEN), and the size of a string buffer: that
 * rounded up to a power of two, so that the BPF code's index masks stay inside it (bstap.bpf.h's
 * BSTAP_M). gen_bpf_c sets both before anything else.
 */
static uint32_t maxstr = BSTAP_MAXSTRINGLEN, strbuf = BSTAP_MAXSTRINGLEN;
#define MAXSTR maxstr
#define STRBUF strbuf
#define SCRATCH_LIMIT (256 * 1024)

struct gen {
	struct arena *a;
	struct diag *d;
	const struct program *p;
	FILE *out;		/* the body being written */
	struct meta *meta;
	uint32_t fmts_cap, errs_cap;
	uint32_t *frame_off;	/* per function: scratch offset of its frame */
	uint32_t off;		/* next free scratch byte for temporaries */
	uint32_t hi;		/* high-water mark of scratch use */
	const struct eprobe *ep;	/* probe being generated, or NULL in a function */
	const struct func *fn;		/* function being generated, or NULL */
	const char *abort;	/* statement that unwinds after a runtime error */
	int in_cb;		/* inside a loop callback: break/continue/next become returns */
	const char *cb_continue;	/* 'continue' in the innermost callback */
	FILE *cbs;		/* foreach callbacks, emitted before the probe functions */
	uint32_t uniq;
	const char *tag;	/* in names of callbacks: "fnN" in function N, \001 in a probe
				 * (replaced when the probe's code is placed: see place_probes) */
	bool uses_pp;		/* a kernel handler calls pp(): emit the table of names */
	bool uses_pf;		/* ... probefunc(): the table of kernel functions */
	uint32_t probe_base;	/* scratch offset of the probe locals */
	const struct src_file *last_src;	/* last script line quoted as a comment */
	uint32_t last_line;
	int indent;
	int errors;
	bool uses_try;		/* a kernel handler has try/catch: emit the site-kind table */
	uint32_t **key_width;	/* per global, per key: widest string stored (string_key_width) */
	bool key_wild;		/* key_expr: '*' keys allowed (left zero) */
	uint32_t key_tmp;	/* key_expr: scratch offset of the key it built last */
};

static void bad(struct gen *g, const struct loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void bad(struct gen *g, const struct loc *loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = arena_vprintf(g->a, fmt, ap);
	va_end(ap);
	diag_error(g->d, loc, "%s", msg);
	g->errors++;
}

static const char *S(struct gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *S(struct gen *g, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = arena_vprintf(g->a, fmt, ap);
	va_end(ap);
	return s;
}

static uint32_t tmp(struct gen *g, uint32_t size)
{
	uint32_t o = g->off;
	g->off += (size + 7) & ~7u;
	if (g->off > g->hi)
		g->hi = g->off;
	return o;
}

static const char *loc_comment(struct gen *g, const struct loc *l)
{
	return S(g, "/* %s:%u:%u */", l->file ? l->file->path : "?", l->line, l->col);
}

static void line(struct gen *g, const struct loc *l, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The script line a statement came from, as a comment above it, so -p3 reads like the script. */
static void source_comment(struct gen *g, const struct loc *l)
{
	const struct src_file *f = l->file;
	if (!f || l->line < 1 || l->line > f->nlines)
		return;
	if (g->last_src == f && g->last_line == l->line)
		return;
	g->last_src = f;
	g->last_line = l->line;
	const char *p = f->text + f->line_off[l->line - 1];
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = strcspn(p, "\r\n");
	while (n && (p[n - 1] == '\\' || p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;	/* a trailing backslash would splice the next C line into the comment */
	for (int i = 0; i < g->indent; i++)
		fputc('\t', g->out);
	fprintf(g->out, "// %.*s\n", (int)n, p);
}

static void line(struct gen *g, const struct loc *l, const char *fmt, ...)
{
	if (l)
		source_comment(g, l);
	for (int i = 0; i < g->indent; i++)
		fputc('\t', g->out);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(g->out, fmt, ap);
	va_end(ap);
	if (l)
		fprintf(g->out, " %s", loc_comment(g, l));
	fputc('\n', g->out);
}

static uint32_t add_err(struct gen *g, enum bstap_err_kind kind, const char *near,
			const struct loc *l)
{
	struct meta *m = g->meta;
	const char *file = l->file ? l->file->path : "?";
	/* one site per place: the probes of a wildcard share it, and so their code */
	for (uint32_t i = 0; i < m->nerrs; i++)
		if (m->errs[i].kind == kind && m->errs[i].line == l->line && m->errs[i].col == l->col &&
		    !strcmp(m->errs[i].near, near) && !strcmp(m->errs[i].file, file))
			return i;
	if (m->nerrs == g->errs_cap) {
		uint32_t cap = g->errs_cap ? g->errs_cap * 2 : 16;
		m->errs = arena_realloc(g->a, m->errs, g->errs_cap * sizeof(*m->errs),
					cap * sizeof(*m->errs));
		g->errs_cap = cap;
	}
	struct meta_err *e = &m->errs[m->nerrs];
	e->kind = kind;
	e->near = near;
	e->file = file;
	e->line = l->line;
	e->col = l->col;
	return m->nerrs++;
}

static uint32_t add_fmt(struct gen *g, const char *fmt, uint32_t nargs, const enum meta_type *args)
{
	struct meta *m = g->meta;
	for (uint32_t i = 0; i < m->nfmts; i++)
		if (m->fmts[i].nargs == nargs && !strcmp(m->fmts[i].fmt, fmt) &&
		    !memcmp(m->fmts[i].args, args, nargs * sizeof(*args)))
			return i;
	if (m->nfmts == g->fmts_cap) {
		uint32_t cap = g->fmts_cap ? g->fmts_cap * 2 : 16;
		m->fmts = arena_realloc(g->a, m->fmts, g->fmts_cap * sizeof(*m->fmts),
					cap * sizeof(*m->fmts));
		g->fmts_cap = cap;
	}
	struct meta_fmt *f = &m->fmts[m->nfmts];
	f->fmt = fmt;
	f->nargs = nargs;
	f->args = arena_alloc(g->a, (nargs ? nargs : 1) * sizeof(*args));
	memcpy(f->args, args, nargs * sizeof(*args));
	return m->nfmts++;
}

/* A C string literal for s (escaped), e.g. "a\"b\n". */
static const char *c_string(struct gen *g, const char *s, size_t len)
{
	char *buf = arena_alloc(g->a, len * 4 + 3);
	char *o = buf;
	*o++ = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n') {
			*o++ = '\\';
			*o++ = 'n';
		} else if (c < 32 || c >= 127 || c == '?') {
			o += sprintf(o, "\\%03o", c);
		} else {
			*o++ = (char)c;
		}
	}
	*o++ = '"';
	*o = 0;
	return buf;
}

static enum meta_type mtype(enum type t)
{
	return t == T_STRING ? MT_STRING : t == T_STATS ? MT_STATS : MT_LONG;
}

static const char *ctype(enum type t)
{
	return t == T_STRING ? "struct bstap_str" : t == T_STATS ? "struct bstap_stat" : "s64";
}

/* ---- names of things in the generated C ---- */

static const char *gmap(struct gen *g, const struct sym *s)
{
	return S(g, BSTAP_MAP_GLOBAL_PREFIX "%s", s->name);
}

static const char *local_ref(struct gen *g, const struct sym *s)
{
	if (s->kind == S_PARAM)
		return S(g, "F->p_%s", s->name);
	return S(g, "%s->l_%s", g->fn ? "F" : "L", s->name);
}

/* ---- expressions ---- */

static const char *ex(struct gen *g, struct node *n);

/* Fill a key struct for array s in scratch and yield a pointer to it. */
static const char *key_expr(struct gen *g, const struct sym *s, struct node_list *keys)
{
	uint32_t k = g->uniq++;
	const struct meta_global *mg = &g->meta->globals[s->index];
	g->key_tmp = tmp(g, mg->key_size);
	const char *out = S(g, "({ struct g_%s_key *_k%u = BSTAP_T(%u);", s->name, k, g->key_tmp);
	/* zero all padding and string tails: hash keys compare every byte */
	out = S(g, "%s __builtin_memset(_k%u, 0, sizeof(*_k%u));", out, k, k);
	for (uint32_t i = 0; i < keys->n; i++) {
		const struct node *kn = keys->v[i];
		if (s->key_types[i] == T_STRING && kn->kind == N_CALL && !kn->u.call.fn &&
		    kn->u.call.builtin == B_EXECNAME && mg->key_len[i] >= 16) {
			/* the common c[execname()]: the task's name straight into the key */
			out = S(g, "%s bstap_execname(_k%u->k%u);", out, k, i);
			continue;
		}
		if (keys->v[i]->kind == N_EMPTY) {
			if (!g->key_wild)
				bad(g, &keys->v[i]->loc, "a '*' key cannot be used here");
			continue;
		}
		const char *v = ex(g, keys->v[i]);
		if (s->key_types[i] != T_STRING)
			out = S(g, "%s _k%u->k%u = %s;", out, k, i, v);
		else if (mg->key_cut & (1u << i))
			out = S(g, "%s bpf_probe_read_kernel_str(_k%u->k%u, %u, %s);", out, k, i,
				mg->key_len[i], v);
		else if (mg->key_len[i] < STRBUF)
			out = S(g, "%s bstap_key_str(_k%u->k%u, %u, %s);", out, k, i, mg->key_len[i], v);
		else
			out = S(g, "%s bstap_strcpy(_k%u->k%u, %s);", out, k, i, v);
	}
	return S(g, "%s _k%u; })", out, k);
}

static bool has_wildcard(const struct node_list *l)
{
	for (uint32_t i = 0; i < l->n; i++)
		if (l->v[i]->kind == N_EMPTY)
			return true;
	return false;
}

/*
 * '[k, *] in a' (del false: 1 if some element matches) and 'delete a[k, *]' (del true): the
 * keys without '*' go into a pattern key in scratch; a bpf_for_each_map_elem callback compares
 * each element's key with it field by field (strings as the zero-filled words of their field)
 * and deletes the element or stops at the first match.
 */
static const char *wildcard(struct gen *g, const struct sym *s, struct node_list *keys, bool del)
{
	g->key_wild = true;
	const char *pat = key_expr(g, s, keys);
	g->key_wild = false;
	uint32_t poff = g->key_tmp, flag = tmp(g, 8), k = g->uniq++;
	const struct meta_global *mg = &g->meta->globals[s->index];
	fprintf(g->cbs, "static long wild_%s_%u(void *map, void *key, void *val, void *cbctx)\n{\n"
		"\tstruct bstap_scratch *S = *(struct bstap_scratch **)cbctx;\n"
		"\tstruct g_%s_key *K = key, *P = BSTAP_T(%u);\n", g->tag, k, s->name, poff);
	for (uint32_t i = 0; i < keys->n && i < s->nkeys; i++) {
		if (keys->v[i]->kind == N_EMPTY)
			continue;
		if (s->key_types[i] != T_STRING)
			fprintf(g->cbs, "\tif (K->k%u != P->k%u)\n\t\treturn 0;\n", i, i);
		else
			fprintf(g->cbs, "\tfor (u32 i = 0; i < %u; i++)\n\t\tif (((u64 *)K->k%u)[i] != "
				"((u64 *)P->k%u)[i])\n\t\t\treturn 0;\n", mg->key_len[i] / 8, i, i);
	}
	if (del)
		fprintf(g->cbs, "\tbpf_map_delete_elem(map, key);\n\treturn 0;\n}\n\n");
	else
		fprintf(g->cbs, "\t*(s64 *)BSTAP_T(%u) = 1;\n\treturn 1;\n}\n\n", flag);
	return S(g, "({ (void)%s; *(s64 *)BSTAP_T(%u) = 0; struct { struct bstap_scratch *S; } _c%u = "
		 "{ S }; bpf_for_each_map_elem(&%s, wild_%s_%u, &_c%u, 0); *(s64 *)BSTAP_T(%u); })",
		 pat, flag, k, gmap(g, s), g->tag, k, k, flag);
}

/* A string value that must be a full MAXSTR buffer (map values): copy literals and such. */
static const char *str_buf(struct gen *g, struct node *n)
{
	return S(g, "({ char *_b = BSTAP_T(%u); bstap_strcpy(_b, %s); _b; })", tmp(g, STRBUF),
		 ex(g, n));
}

/* Pointer to the storage of an lvalue (created zeroed if it is a missing array element). */
static const char *lvalue_ptr(struct gen *g, struct node *n, enum type *t)
{
	if (n->kind == N_VAR) {
		const struct sym *s = n->u.var.sym;
		*t = s->type;
		if (s->kind != S_GLOBAL)
			return S(g, s->type == T_STRING ? "(%s)" : "(&%s)", local_ref(g, s));
		uint32_t k = g->uniq++;
		uint32_t site = add_err(g, ERR_ARRAY_FULL, S(g, "identifier '%s'", s->name), &n->loc);
		return S(g, "({ u32 _z%u = 0; %s *_p%u = bpf_map_lookup_elem(&%s, &_z%u); "
			 "if (!_p%u) { bstap_error(S, %u, 0); %s; } (void *)_p%u; })",
			 k, ctype(s->type), k, gmap(g, s), k, k, site, g->abort, k);
	}
	const struct sym *s = n->u.index.base->u.var.sym;
	*t = s->type;
	uint32_t k = g->uniq++;
	uint32_t zero = tmp(g, s->type == T_STRING ? STRBUF : 32);
	uint32_t site = add_err(g, ERR_ARRAY_FULL, S(g, "identifier '%s'", s->name), &n->loc);
	return S(g, "({ void *_z%u = BSTAP_T(%u); __builtin_memset(_z%u, 0, sizeof(%s)); "
		 "%s *_p%u = bstap_elem(&%s, %s, _z%u); "
		 "if (!_p%u) { bstap_error(S, %u, 0); %s; } (void *)_p%u; })",
		 k, zero, k, ctype(s->type), ctype(s->type), k, gmap(g, s),
		 key_expr(g, s, &n->u.index.keys), k, k, site, g->abort, k);
}

static const char *read_var(struct gen *g, struct node *n)
{
	const struct sym *s = n->u.var.sym;
	if (s->kind != S_GLOBAL)
		return local_ref(g, s);
	uint32_t k = g->uniq++;
	if (s->type == T_STRING)
		return S(g, "({ u32 _z%u = 0; struct bstap_str *_v%u = bpf_map_lookup_elem(&%s, &_z%u); "
			 "_v%u ? _v%u->s : \"\"; })", k, k, gmap(g, s), k, k, k);
	return S(g, "({ u32 _z%u = 0; s64 *_v%u = bpf_map_lookup_elem(&%s, &_z%u); _v%u ? *_v%u : 0; })",
		 k, k, gmap(g, s), k, k, k);
}

static const char *read_index(struct gen *g, struct node *n)
{
	const struct sym *s = n->u.index.base->u.var.sym;
	uint32_t k = g->uniq++;
	const char *key = key_expr(g, s, &n->u.index.keys);
	if (s->type == T_STRING)
		return S(g, "({ struct bstap_str *_v%u = bpf_map_lookup_elem(&%s, %s); _v%u ? _v%u->s : \"\"; })",
			 k, gmap(g, s), key, k, k);
	return S(g, "({ s64 *_v%u = bpf_map_lookup_elem(&%s, %s); _v%u ? *_v%u : 0; })", k,
		 gmap(g, s), key, k, k);
}

static const char *str_buf(struct gen *g, struct node *n);

/*
 * A string operand as a full MAXSTR buffer, which bpf_strncmp and bstap_strcmp read: locals,
 * execname(), sprintf, concatenations and function results already are one; literals, pp(),
 * probefunc() and globals or array elements (which may read as "") are copied into one.
 */
static const char *full_buf(struct gen *g, struct node *n)
{
	bool full = (n->kind == N_VAR && n->u.var.sym->kind != S_GLOBAL) ||
		    (n->kind == N_CALL && (n->u.call.fn || (n->u.call.builtin != B_PP &&
							   n->u.call.builtin != B_PROBEFUNC))) ||
		    n->kind == N_BINOP;
	return full ? ex(g, n) : str_buf(g, n);
}

/*
 * String comparison without a loop for the verifier to walk: against a literal, the kernel's
 * bpf_strncmp; otherwise both strings in full buffers, compared by a bpf_loop() callback that
 * the verifier checks once. Two literals compare here and now.
 */
static const char *str_compare(struct gen *g, struct node *n)
{
	/* the script's comparison operators are C's: op_str() spells them */
	static const enum op mirror[] = { [OP_LT] = OP_GT, [OP_LE] = OP_GE, [OP_GT] = OP_LT,
					  [OP_GE] = OP_LE, [OP_EQ] = OP_EQ, [OP_NE] = OP_NE };
	struct node *a = n->u.bin.l, *b = n->u.bin.r;
	enum op op = n->u.bin.op;
	if (a->kind == N_STR && b->kind == N_STR) {
		int c = strncmp(a->u.str.s, b->u.str.s, MAXSTR - 1);
		bool r = op == OP_LT ? c < 0 : op == OP_LE ? c <= 0 : op == OP_GT ? c > 0 :
			 op == OP_GE ? c >= 0 : op == OP_EQ ? c == 0 : c != 0;
		return r ? "1LL" : "0LL";
	}
	if (a->kind == N_STR) {
		struct node *t = a;
		a = b;
		b = t;
		op = mirror[op];
	}
	if (b->kind == N_STR)
		return S(g, "(s64)(bpf_strncmp(%s, BSTAP_MAXSTR, %s) %s 0)", full_buf(g, a),
			 c_string(g, b->u.str.s, b->u.str.len), op_str(op));
	return S(g, "(s64)(bstap_strcmp(%s, %s) %s 0)", full_buf(g, a), full_buf(g, b), op_str(op));
}

static const char *binop_long(struct gen *g, struct node *n)
{
	if (n->u.bin.l->type == T_STRING && n->u.bin.op >= OP_LT && n->u.bin.op <= OP_NE)
		return str_compare(g, n);
	const char *l = ex(g, n->u.bin.l), *r = ex(g, n->u.bin.r);
	switch (n->u.bin.op) {
	case OP_ADD: return S(g, "bstap_add(%s, %s)", l, r);
	case OP_SUB: return S(g, "bstap_sub(%s, %s)", l, r);
	case OP_MUL: return S(g, "bstap_mul(%s, %s)", l, r);
	case OP_DIV:
	case OP_MOD: {
		bool div = n->u.bin.op == OP_DIV;
		uint32_t site = add_err(g, ERR_DIV0, div ? "operator '/'" : "operator '%'", &n->loc);
		uint32_t k = g->uniq++;
		return S(g, "({ s64 _l%u = %s; s64 _d%u = %s; if (!_d%u) { bstap_error(S, %u, 0); %s; } "
			 "%s(_l%u, _d%u); })", k, l, k, r, k, site, g->abort,
			 div ? "bstap_div" : "bstap_mod", k, k);
	}
	case OP_SHL: return S(g, "bstap_shl(%s, %s)", l, r);
	case OP_SHR: return S(g, "bstap_shr(%s, %s)", l, r);
	case OP_BAND: return S(g, "((%s) & (%s))", l, r);
	case OP_BOR: return S(g, "((%s) | (%s))", l, r);
	case OP_BXOR: return S(g, "((%s) ^ (%s))", l, r);
	case OP_LAND: return S(g, "(s64)((%s) && (%s))", l, r);
	case OP_LOR: return S(g, "(s64)((%s) || (%s))", l, r);
	default: break;
	}
	return S(g, "(s64)((%s) %s (%s))", l, op_str(n->u.bin.op), r);
}

/* Apply compound operator op to old value (C expr) and rhs, as a long. */
static const char *apply_op(struct gen *g, enum op op, const char *old, const char *rhs,
			    const struct loc *l)
{
	switch (op) {
	case OP_ADD: return S(g, "bstap_add(%s, %s)", old, rhs);
	case OP_SUB: return S(g, "bstap_sub(%s, %s)", old, rhs);
	case OP_MUL: return S(g, "bstap_mul(%s, %s)", old, rhs);
	case OP_DIV:
	case OP_MOD: {
		uint32_t site = add_err(g, ERR_DIV0, op == OP_DIV ? "operator '/='" : "operator '%='", l);
		uint32_t k = g->uniq++;
		return S(g, "({ s64 _d%u = %s; if (!_d%u) { bstap_error(S, %u, 0); %s; } %s(%s, _d%u); })",
			 k, rhs, k, site, g->abort, op == OP_DIV ? "bstap_div" : "bstap_mod", old, k);
	}
	case OP_SHL: return S(g, "bstap_shl(%s, %s)", old, rhs);
	case OP_SHR: return S(g, "bstap_shr(%s, %s)", old, rhs);
	case OP_BAND: return S(g, "((%s) & (%s))", old, rhs);
	case OP_BOR: return S(g, "((%s) | (%s))", old, rhs);
	case OP_BXOR: return S(g, "((%s) ^ (%s))", old, rhs);
	default: return rhs;
	}
}

static const char *assign(struct gen *g, struct node *n)
{
	struct node *lhs = n->u.assign.lhs, *rhs = n->u.assign.rhs;
	enum op op = n->u.assign.op;
	uint32_t k = g->uniq++;
	if (op == OP_AGG) {
		const struct sym *s = lhs->kind == N_VAR ? lhs->u.var.sym : lhs->u.index.base->u.var.sym;
		const char *key = lhs->kind == N_VAR ? S(g, "({ u32 *_k%u = BSTAP_T(%u); *_k%u = 0; _k%u; })",
						     k, tmp(g, 8), k, k)
						   : key_expr(g, s, &lhs->u.index.keys);
		uint32_t site = add_err(g, ERR_ARRAY_FULL, S(g, "identifier '%s'", s->name), &lhs->loc);
		uint32_t vsize = 8 * stat_words(&s->stat);
		const struct stat_spec *sp = &s->stat;
		const char *hist = sp->hist == STAT_HIST_LOG
					   ? S(g, " bstap_hist_log((s64 *)(_st%u + 1), _v%u);", k, k)
				   : sp->hist == STAT_HIST_LINEAR
					   ? S(g, " bstap_hist_linear((s64 *)(_st%u + 1), _v%u, (s64)%" PRIu64 "ULL, %"
						  PRId64 "ULL, %u);", k, k, (uint64_t)sp->start, sp->interval,
						  sp->nbuckets)
					   : "";
		/* a new element starts from the zeroed words of bstap_stat_zero (too big for the stack) */
		const char *zero = sp->nbuckets ? "bstap_stat_zero"
					       : S(g, "({ void *_z%u = BSTAP_T(%u); __builtin_memset(_z%u, 0, %u); _z%u; })",
						   k, tmp(g, vsize), k, vsize, k);
		return S(g, "({ s64 _v%u = %s; "
			 "struct bstap_stat *_st%u = bstap_elem(&%s, %s, %s); "
			 "if (!_st%u) { bstap_error(S, %u, 0); %s; } bstap_stat_addv(_st%u, _v%u, %u, %u);%s 0; })",
			 k, ex(g, rhs), k, gmap(g, s), key, zero, k, site, g->abort,
			 k, k, sp->shift, sp->variance, hist);
	}
	enum type t;
	if (lhs->type == T_STRING) {
		/* evaluate the value into its own buffer first: x = x . y must read the old x */
		const char *v;
		if (op == OP_CONCAT)
			v = S(g, "bstap_concat(BSTAP_T(%u), %s, %s)", tmp(g, STRBUF), ex(g, lhs), ex(g, rhs));
		else
			v = str_buf(g, rhs);
		const char *p = lvalue_ptr(g, lhs, &t);
		return S(g, "({ char *_s%u = %s; char *_p%u = %s; bstap_strcpy(_p%u, _s%u); _p%u; })", k, v,
			 k, p, k, k, k);
	}
	const char *rv = ex(g, rhs);
	const char *p = lvalue_ptr(g, lhs, &t);
	if (op == OP_NONE)
		return S(g, "({ s64 _v%u = %s; s64 *_p%u = %s; *_p%u = _v%u; })", k, rv, k, p, k, k);
	return S(g, "({ s64 _r%u = %s; s64 *_p%u = %s; *_p%u = %s; })", k, rv, k, p, k,
		 apply_op(g, op, S(g, "*_p%u", k), S(g, "_r%u", k), &n->loc));
}

/* @count(x) and friends: merge every CPU's slot; @min/@max/@avg of nothing is an error. */
static const char *statop(struct gen *g, struct node *n)
{
	struct node *arg = n->u.statop.arg;
	const struct sym *s = arg->kind == N_VAR ? arg->u.var.sym : arg->u.index.base->u.var.sym;
	uint32_t k = g->uniq++;
	const char *key = arg->kind == N_VAR
				  ? S(g, "({ u32 *_k%u = BSTAP_T(%u); *_k%u = 0; _k%u; })", k, tmp(g, 8), k, k)
				  : key_expr(g, s, &arg->u.index.keys);
	enum op op = n->u.statop.op;
	if (op == OP_HIST_LOG || op == OP_HIST_LINEAR) {
		bad(g, &n->loc, "printing or reading a histogram cannot run in a kernel probe: "
		    "print it in an 'end' probe, or in a timer probe that uses no task context (pid(), "
		    "execname(), ...) so that it runs in userspace");
		return "0";
	}
	uint32_t st = tmp(g, sizeof(int64_t) * STAT_HDR_WORDS);
	const char *pre = S(g, "struct bstap_stat *_st%u = BSTAP_T(%u); bstap_stat_read(&%s, %s, _st%u);",
			    k, st, gmap(g, s), key, k);
	if (op == OP_COUNT)
		return S(g, "({ %s _st%u->count; })", pre, k);
	if (op == OP_SUM)
		return S(g, "({ %s _st%u->sum; })", pre, k);
	uint32_t site = add_err(g, ERR_EMPTY_AGG, S(g, "operator '%s'", op_str(op)), &n->loc);
	const char *val = op == OP_MIN ? S(g, "_st%u->min", k)
			  : op == OP_MAX ? S(g, "_st%u->max", k)
			  : op == OP_VARIANCE ? S(g, "bstap_stat_variance(&%s, %s, _st%u, %u)", gmap(g, s),
						  key, k, s->stat.shift)
					 : S(g, "bstap_div(_st%u->sum, _st%u->count)", k, k);
	return S(g, "({ %s if (!_st%u->count) { bstap_error(S, %u, 0); %s; } %s; })", pre, k, site,
		 g->abort, val);
}


/* '%' in literal text of print-family formats must not start a conversion. */
static const char *escape_pct(struct gen *g, const char *s, size_t len)
{
	char *o = arena_alloc(g->a, len * 2 + 1), *p = o;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '%')
			*p++ = '%';
		*p++ = s[i];
	}
	*p = 0;
	return o;
}

/*
 * The print family's arguments as one printf format and its arguments: each value as %d or %s,
 * the delimiter (printd, sprintd) between them, '\n' at the end for the -ln forms.
 */
static const char *print_format(struct gen *g, struct node *n, struct node ***out_args,
				uint32_t *out_n)
{
	struct node_list *a = &n->u.call.args;
	int b = n->u.call.builtin;
	bool delim = b == B_PRINTD || b == B_PRINTDLN || b == B_SPRINTD || b == B_SPRINTDLN;
	bool nl = b == B_PRINTLN || b == B_PRINTDLN || b == B_SPRINTLN || b == B_SPRINTDLN;
	struct node **args = arena_alloc(g->a, (a->n * 2 + 1) * sizeof(*args));
	uint32_t nargs = 0;
	const char *fmt = "";
	struct node *d = delim ? a->v[0] : NULL;
	for (uint32_t i = delim ? 1 : 0; i < a->n; i++) {
		if (d && i > 1) {
			if (d->kind == N_STR) {
				fmt = S(g, "%s%s", fmt, escape_pct(g, d->u.str.s, d->u.str.len));
			} else {
				fmt = S(g, "%s%%s", fmt);
				args[nargs++] = d;
			}
		}
		fmt = S(g, "%s%s", fmt, a->v[i]->type == T_STRING ? "%s" : "%d");
		args[nargs++] = a->v[i];
	}
	if (nl)
		fmt = S(g, "%s\n", fmt);
	*out_args = args;
	*out_n = nargs;
	return fmt;
}

/* sprintf and the sprint family in BPF: bpf_snprintf into a string temporary. */
static const char *snprintf_expr(struct gen *g, struct node *n, const char *fmt,
				 struct node **args, uint32_t nargs)
{
	struct fmt_bpf_arg render[12] = { 0 };
	const char *kf = fmt_bpf_snprintf(g->a, fmt, render);
	if (!kf) {
		if (nargs > 12)
			bad(g, &n->loc, "%s in a kernel probe takes at most 12 values (%u given): "
			    "use printf, several calls, or a probe that runs in userspace",
			    n->u.call.name, nargs);
		else
			bad(g, &n->loc, "this sprintf format cannot be formatted in a kernel probe "
			    "(only flags '-+ 0 #', a width, a string's precision and %%d %%i %%u %%x %%X %%o %%p %%c %%s): use printf, "
			    "or a probe that runs in userspace");
		return "\"\"";
	}
	uint32_t k = g->uniq++;
	const char *pre = "";
	for (uint32_t i = 0; i < nargs; i++) {
		const struct fmt_bpf_arg *r = &render[i];
		if (r->cut)
			/* %.Ns: a copy of the string's first N bytes, printed as it is */
			pre = S(g, "%s _d%u[%u] = (u64)bstap_str_cut(BSTAP_T(%u), %s, %d);", pre, k, i,
				tmp(g, STRBUF), ex(g, args[i]), r->cut > (int)MAXSTR ? (int)MAXSTR : r->cut);
		else if (r->base)
			/* %o, %p and '#': rendered here, printed as a string */
			pre = S(g, "%s _d%u[%u] = (u64)bstap_fmt_radix(BSTAP_T(%u), (u64)(%s), %uU);",
				pre, k, i, tmp(g, 96), ex(g, args[i]),
				r->base | (r->alt ? 0x100u : 0) | (r->upper ? 0x200u : 0) |
				(uint32_t)(r->zero_width > 64 ? 64 : r->zero_width) << 16);
		else
			pre = S(g, "%s _d%u[%u] = (u64)(%s);", pre, k, i, ex(g, args[i]));
	}
	uint32_t out = tmp(g, STRBUF);
	/*
	 * bpf_snprintf copies all its strings into one 512-byte buffer first and fails when they
	 * do not fit: a format with several string values is printed in pieces of one string
	 * each, one after another into the result.
	 */
	uint32_t conv[12], nconv = 0, nstr = 0;
	for (uint32_t i = 0; kf[i] && nconv < 12; i++)
		if (kf[i] == '%' && kf[i + 1] == '%')
			i++;
		else if (kf[i] == '%')
			conv[nconv++] = i;
	for (uint32_t i = 0; i < nconv && i < nargs; i++)
		nstr += args[i]->type == T_STRING || render[i].cut || render[i].base;
	if (nstr <= 1 || nconv != nargs)
		return S(g, "({ static const char _f%u[] = %s; u64 _d%u[%u];%s "
			 "bpf_snprintf(BSTAP_T(%u), BSTAP_MAXSTR, _f%u, _d%u, sizeof(_d%u)); (char *)BSTAP_T(%u); })",
			 k, c_string(g, kf, strlen(kf)), k, nargs ? nargs : 1, pre, out, k, k, k, out);
	const char *body = S(g, "({ u64 _d%u[%u];%s char *_o%u = BSTAP_T(%u); long _n%u = 0; _o%u[0] = 0;",
			     k, nargs, pre, k, out, k, k);
	uint32_t from = 0, first = 0;
	bool has_str = false;
	for (uint32_t i = 0; i <= nargs; i++) {
		bool str = i < nargs && (args[i]->type == T_STRING || render[i].cut || render[i].base);
		if (i < nargs && !(str && has_str)) {
			has_str |= str;
			continue;
		}
		/* the piece: conversions first..i-1 and the text from 'from' to conversion i */
		uint32_t to = i < nargs ? conv[i] : (uint32_t)strlen(kf);
		body = S(g, "%s { static const char _f%u_%u[] = %s; _n%u = bstap_snprintf_at(_o%u, _n%u, "
			 "_f%u_%u, &_d%u[%u], %u); }", body, k, first, c_string(g, kf + from, to - from), k,
			 k, k, k, first, k, first, 8 * (i - first));
		from = to;
		first = i;
		has_str = str;
	}
	return S(g, "%s _o%u; })", body, k);
}

static const char *call_builtin(struct gen *g, struct node *n);
static const char *call_func(struct gen *g, struct node *n);

static const char *ex(struct gen *g, struct node *n)
{
	switch (n->kind) {
	case N_NUM:
		if (n->u.num == INT64_MIN)
			return "((s64)(-9223372036854775807LL - 1))";
		return S(g, "%lldLL", (long long)n->u.num);
	case N_STR:
		return c_string(g, n->u.str.s, n->u.str.len);
	case N_VAR:
		return read_var(g, n);
	case N_TARGET:
		return S(g, "L->tv%d_%u", n->u.var.tvar, n->u.var.elem);
	case N_INDEX:
		return read_index(g, n);
	case N_CALL:
		return n->u.call.fn ? call_func(g, n) : call_builtin(g, n);
	case N_STATOP:
		return statop(g, n);
	case N_BINOP:
		if (n->u.bin.op == OP_CONCAT)
			return S(g, "bstap_concat(BSTAP_T(%u), %s, %s)", tmp(g, STRBUF), ex(g, n->u.bin.l),
				 ex(g, n->u.bin.r));
		return binop_long(g, n);
	case N_UNOP: {
		const char *e = ex(g, n->u.un.e);
		switch (n->u.un.op) {
		case OP_NEG: return S(g, "bstap_neg(%s)", e);
		case OP_NOT: return S(g, "(s64)!(%s)", e);
		case OP_BNOT: return S(g, "(~(s64)(%s))", e);
		default: return S(g, "(%s)", e);
		}
	}
	case N_ASSIGN:
		return assign(g, n);
	case N_INCDEC: {
		enum type t;
		uint32_t k = g->uniq++;
		const char *p = lvalue_ptr(g, n->u.incdec.lv, &t);
		return S(g, "({ s64 *_p%u = %s; s64 _o%u = *_p%u; *_p%u = bstap_add(_o%u, %d); %s; })", k, p,
			 k, k, k, k, n->u.incdec.inc ? 1 : -1,
			 n->u.incdec.post ? S(g, "_o%u", k) : S(g, "*_p%u", k));
	}
	case N_TERNARY:
		if (n->type == T_STRING)
			return S(g, "((%s) ? (char *)(%s) : (char *)(%s))", ex(g, n->u.tern.cond),
				 ex(g, n->u.tern.t), ex(g, n->u.tern.f));
		return S(g, "((%s) ? (s64)(%s) : (s64)(%s))", ex(g, n->u.tern.cond), ex(g, n->u.tern.t),
			 ex(g, n->u.tern.f));
	case N_IN: {
		const struct sym *s = n->u.in.arr->u.var.sym;
		if (has_wildcard(&n->u.in.keys))
			return wildcard(g, s, &n->u.in.keys, false);
		return S(g, "(s64)(bpf_map_lookup_elem(&%s, %s) != 0)", gmap(g, s),
			 key_expr(g, s, &n->u.in.keys));
	}
	default:
		bad(g, &n->loc, "unexpected statement in an expression");
		return "0";
	}
}

/* Record the arguments (C expressions) into the ring buffer; userspace formats them with fmt. */
static const char *emit_printf_c(struct gen *g, const char *fmt, uint32_t nargs,
				 const enum type *atypes, const char **cexpr)
{
	enum meta_type *types = arena_alloc(g->a, (nargs + 1) * sizeof(*types));
	uint32_t k = g->uniq++, nstr = 0;
	for (uint32_t i = 0; i < nargs; i++)
		nstr += mtype(atypes[i]) == MT_STRING;
	/* the bytes of a record with strings at its longest (see below) */
	uint32_t cap = (uint32_t)sizeof(struct bstap_rec_hdr) + 8 * (nargs - nstr) + nstr * MAXSTR;
	const char *pre = "", *fields = "", *fill = "", *strs = "";
	for (uint32_t i = 0; i < nargs; i++) {
		types[i] = mtype(atypes[i]);
		if (types[i] == MT_STRING) {
			pre = S(g, "%s const char *_a%u_%u = %s;", pre, k, i, cexpr[i]);
			strs = S(g, "%s _o%u = bstap_rec_str((char *)_r%u, _o%u, %u, _a%u_%u);", strs, k,
				 k, k, cap, k, i);
		} else {
			pre = S(g, "%s s64 _a%u_%u = %s;", pre, k, i, cexpr[i]);
			fields = S(g, "%s s64 a%u;", fields, i);
			fill = S(g, "%s _r%u->a%u = _a%u_%u;", fill, k, i, k, i);
		}
	}
	uint32_t id = add_fmt(g, fmt, nargs, types);
	if (!nstr)
		return S(g, "({%s struct { struct bstap_rec_hdr h;%s } *_r%u = bpf_ringbuf_reserve(&bstap_rb, sizeof(*_r%u), 0); "
			 "if (_r%u) { _r%u->h.type = REC_PRINTF; _r%u->h.id = %u;%s bpf_ringbuf_submit(_r%u, 0); } "
			 "else bstap_count_lost(); 0; })",
			 pre, fields, k, k, k, k, k, id, fill, k);
	/*
	 * With strings (prog/abi.h, REC_PRINTF): the longs, then each string as long as it is,
	 * NUL included, built in scratch and copied out with bpf_ringbuf_output(), which takes a
	 * size known only now; a MAXSTRINGLEN slot a string would fill the buffer with padding.
	 */
	uint32_t buf = tmp(g, cap);
	return S(g, "({%s struct { struct bstap_rec_hdr h;%s } *_r%u = BSTAP_T(%u); u32 _o%u = sizeof(*_r%u); "
		 "_r%u->h.type = REC_PRINTF; _r%u->h.id = %u;%s%s "
		 "if (bpf_ringbuf_output(&bstap_rb, _r%u, _o%u, 0)) bstap_count_lost(); 0; })",
		 pre, fields, k, buf, k, k, k, k, id, fill, strs, k, k);
}

/* Record the arguments into the ring buffer; userspace formats them with the fmt string. */
static const char *emit_printf(struct gen *g, const char *fmt, struct node **args, uint32_t nargs,
			       const struct loc *l)
{
	(void)l;
	enum type *types = arena_alloc(g->a, (nargs + 1) * sizeof(*types));
	const char **cexpr = arena_alloc(g->a, (nargs + 1) * sizeof(*cexpr));
	for (uint32_t i = 0; i < nargs; i++) {
		types[i] = args[i]->type;
		cexpr[i] = ex(g, args[i]);
	}
	return emit_printf_c(g, fmt, nargs, types, cexpr);
}

/* What the standard function library's generator (bpf/gen_funcs.c) may call. */
static const char *api_ex(void *g, struct node *n) { return ex(g, n); }
static const char *api_full(void *g, struct node *n) { return full_buf(g, n); }
static uint32_t api_tmp(void *g, uint32_t size) { return tmp(g, size); }
static uint32_t api_uniq(void *g) { return ((struct gen *)g)->uniq++; }
static uint32_t api_site(void *g, const char *near, const struct loc *l)
{
	return add_err(g, ERR_FAULT, near, l);
}
static const char *api_printf(void *g, const char *fmt, uint32_t n, const enum type *t,
			      const char **c)
{
	return emit_printf_c(g, fmt, n, t, c);
}

/* What the library's generators (bpf/gen_funcs.c, gen_ctx.c, ...) get of this one. */
static struct gen_api api_of(struct gen *g)
{
	return (struct gen_api){ g, g->a, api_ex, api_full, api_tmp, api_site, api_printf,
				 api_uniq, g->abort, MAXSTR, STRBUF };
}

static const char *call_builtin(struct gen *g, struct node *n)
{
	struct node_list *a = &n->u.call.args;
	switch (n->u.call.builtin) {
	case B_PRINTF:
		return emit_printf(g, arena_strndup(g->a, a->v[0]->u.str.s, a->v[0]->u.str.len), a->v + 1,
				   a->n - 1, &n->loc);
	case B_PRINT:
	case B_PRINTLN:
	case B_PRINTD:
	case B_PRINTDLN: {
		struct node **args;
		uint32_t nargs;
		const char *fmt = print_format(g, n, &args, &nargs);
		return emit_printf(g, fmt, args, nargs, &n->loc);
	}
	case B_SPRINT:
	case B_SPRINTLN:
	case B_SPRINTD:
	case B_SPRINTDLN: {
		struct node **args;
		uint32_t nargs;
		const char *fmt = print_format(g, n, &args, &nargs);
		return snprintf_expr(g, n, fmt, args, nargs);
	}
	case B_LOG: {
		/* log(msg): the message and a newline, like println(msg) */
		struct node **args = a->v;
		return emit_printf(g, "%s\n", args, 1, &n->loc);
	}
	case B_WARN:
		return S(g, "({ bstap_warn(%s); 0; })", ex(g, a->v[0]));
	case B_CALLER_ADDR:
	case B_CALLER: {
		/* the frame after the probed function's: bpf_get_func_ip is only a kernel function
		 * program's (kprobe, fentry), so only their handlers may ask */
		if (g->fn || !g->ep || g->ep->at.kind != PK_KPROBE) {
			bad(g, &n->loc, "%s() needs a kernel function probe (kernel.function, "
			    "kprobe.function) and is called in its handler", n->u.call.name);
			return "0";
		}
		if (n->u.call.builtin == B_CALLER_ADDR)
			return "(s64)bstap_caller_addr(ctx)";
		return S(g, "bstap_ksym_mark(BSTAP_T(%u), bstap_caller_addr(ctx), 'D')", tmp(g, STRBUF));
	}
	case B_SPRINTF:
		return snprintf_expr(g, n, arena_strndup(g->a, a->v[0]->u.str.s, a->v[0]->u.str.len),
				     a->v + 1, a->n - 1);
	case B_EXIT:
		return "({ bstap_exit(); 0; })";
	case B_ABORT:
		/* exit(), and leave the handler at once, past any catch */
		return S(g, "({ bstap_exit(); S->err = BSTAP_UNWIND_END; %s; 0; })", g->abort);
	case B_ERROR: {
		uint32_t site = add_err(g, ERR_USER, "error()", &n->loc);
		return S(g, "({ bstap_error(S, %u, %s); %s; 0; })", site, ex(g, a->v[0]), g->abort);
	}
	case B_PID: return "bstap_pid()";
	case B_TID: return "bstap_tid()";
	case B_PPID: return "bstap_ppid()";
	case B_UID: return "bstap_uid()";
	case B_EXECNAME: return S(g, "bstap_execname(BSTAP_T(%u))", tmp(g, STRBUF));
	case B_CPU: return "(s64)bpf_get_smp_processor_id()";
	case B_GETTIMEOFDAY_S: return "bstap_div(bstap_realtime_ns(), 1000000000)";
	case B_GETTIMEOFDAY_MS: return "bstap_div(bstap_realtime_ns(), 1000000)";
	case B_GETTIMEOFDAY_US: return "bstap_div(bstap_realtime_ns(), 1000)";
	case B_GETTIMEOFDAY_NS: return "bstap_realtime_ns()";
	case B_KTIME_GET_NS: return "(s64)bpf_ktime_get_ns()";
	case B_PP:
		/* from the table the group's program indexes: probes on many events share code */
		g->uses_pp = true;
		return "bstap_pp_str(S->ppidx)";
	case B_STRLEN: return S(g, "bstap_strlen(BSTAP_T(%u), %s)", tmp(g, STRBUF), ex(g, a->v[0]));
	case B_TARGET: return "bstap_target()";
	case B_IS_RETURN: {
		/* 1 in a .return probe: a handler knows its probe, a function asks S->ppidx */
		const char *r = "0";
		for (uint32_t i = 0; i < g->p->probes.n; i++) {
			const struct eprobe *q = g->p->probes.v[i];
			if ((q->at.kind == PK_UPROBE || q->at.kind == PK_KPROBE) &&
			    (q->at.flags & ATTACH_RETURN) && q->place == PLACE_KERNEL &&
			    (g->fn || !g->ep || g->ep == q))
				r = g->fn || !g->ep ? S(g, "%s || S->ppidx == %u", r, q->id) : "1";
		}
		return S(g, "((s64)(%s))", r);
	}
	case B_PROBEFUNC:
		/* a kernel function probe is in its function, timers and tracepoints in none: from
		 * a table, as pp(), so that script functions and shared code say it too */
		g->uses_pf = true;
		return "bstap_pf_str(S->ppidx)";
	case B_USER_STRING:
	case B_USER_STRING_N:
	case B_KERNEL_STRING:
	case B_KERNEL_STRING_N: {
		uint32_t b = (uint32_t)n->u.call.builtin;
		bool user = b == B_USER_STRING || b == B_USER_STRING_N;
		bool has_n = b == B_USER_STRING_N || b == B_KERNEL_STRING_N;
		uint32_t site = add_err(g, ERR_FAULT, S(g, "identifier '%s'", n->u.call.name), &n->loc);
		const char *dflt = a->n > (has_n ? 2u : 1u) ? ex(g, a->v[has_n ? 2 : 1]) : "0";
		uint32_t k = g->uniq++;
		return S(g, "({ char *_s%u = bstap_read_str(S, BSTAP_T(%u), (u64)(%s), %s, %d, %u, %s); "
			 "if (S->err) { %s; } _s%u; })", k, tmp(g, STRBUF), ex(g, a->v[0]),
			 has_n ? ex(g, a->v[1]) : "-1", user, site, dflt, g->abort, k);
	}
	case B_CAST:
	case B_CAST_STRING: {
		/* @cast(ptr, "struct")->a->b: the chase pass 2 added to the probe's target variables */
		const struct tvar_set *tv = g->ep ? g->ep->tvars : NULL;
		int64_t i = a->v[1]->kind == N_NUM ? a->v[1]->u.num : -1;
		bool str = n->u.call.builtin == B_CAST_STRING;
		uint32_t k = g->uniq++;
		const char *dst = str ? S(g, "((char *)BSTAP_T(%u))", tmp(g, STRBUF)) : S(g, "_c%u", k);
		uint32_t site = add_err(g, ERR_FAULT, "identifier '@cast'", &n->loc);
		const char *fault = S(g, "bstap_read_fault(S, fa, %u);", site);
		const char *st = tv && g->fn == NULL && i >= 0 && (uint32_t)i < tv->n
				 ? gen_chase_from(g->a, tv, (uint32_t)i, ex(g, a->v[0]), dst, MAXSTR, fault)
				 : NULL;
		if (!st) {
			bad(g, &n->loc, "@cast here cannot be read (only in a probe's own handler)");
			return "0";
		}
		if (str)
			return S(g, "({ %s if (S->err) { %s; } %s; })", st, g->abort, dst);
		return S(g, "({ s64 _c%u = 0; %s if (S->err) { %s; } _c%u; })", k, st, g->abort, k);
	}
	case B_KERNEL_LONG:
	case B_KERNEL_INT:
	case B_KERNEL_SHORT:
	case B_KERNEL_CHAR:
	case B_KERNEL_POINTER: {
		/* kernel_long(addr) and friends: a fault is an error at the call, as in stap */
		uint32_t b = (uint32_t)n->u.call.builtin - B_KERNEL_LONG;
		static const unsigned sizes[] = { 8, 4, 2, 1, 8 };
		uint32_t site = add_err(g, ERR_FAULT, S(g, "identifier '%s'", n->u.call.name), &n->loc);
		uint32_t k = g->uniq++;
		return S(g, "({ s64 _k%u = bstap_read_kernel_num(S, (u64)(%s), %u, %u, %u); "
			 "if (S->err) { %s; } _k%u; })", k, ex(g, a->v[0]), sizes[b], b, site,
			 g->abort, k);
	}
	default: {
		if (gen_ctx_known(n->u.call.builtin)) {	/* bpf/gen_ctx.c */
			struct gen_api api = api_of(g);
			return gen_ctx_call(&api, n, g->fn ? NULL : g->ep);
		}
		if (gen_uprobe_builtin_known(n->u.call.builtin)) {
			const char *why = NULL, *x = gen_uprobe_builtin(
				g->a, n, a->n && a->v[0]->type != T_STRING ? ex(g, a->v[0]) : "0",
				n->type == T_STRING ? S(g, "BSTAP_T(%u)", tmp(g, STRBUF)) : NULL,
				g->fn || !g->ep ? NULL : g->ep->tvars, &why);
			if (x)
				return x;
			bad(g, &n->loc, "%s", why);
			return "0";
		}
		struct gen_api api = api_of(g);
		const char *r = gen_func_call(&api, n);
		if (r)
			return r;
		if (gen_regex_why(g->a, n, &r)) {	/* bpf/gen_funcs.c */
			bad(g, &n->loc, "%s", r);
			return "0";
		}
		bad(g, &n->loc, "'%s' cannot run in a kernel probe", n->u.call.name);
		return "0";
	}
	}
}

static const char *call_func(struct gen *g, struct node *n)
{
	const struct func *fn = n->u.call.fn;
	struct node_list *a = &n->u.call.args;
	uint32_t k = g->uniq++;
	/* evaluate every argument before writing the frame: an argument may call fn too */
	const char *pre = "", *store = "";
	for (uint32_t i = 0; i < a->n; i++) {
		const struct sym *p = fn->params.v[i];
		if (p->type == T_STRING) {
			pre = S(g, "%s char *_a%u_%u = %s;", pre, k, i, str_buf(g, a->v[i]));
			store = S(g, "%s bstap_strcpy(_F%u->p_%s, _a%u_%u);", store, k, p->name, k, i);
		} else {
			pre = S(g, "%s s64 _a%u_%u = %s;", pre, k, i, ex(g, a->v[i]));
			store = S(g, "%s _F%u->p_%s = _a%u_%u;", store, k, p->name, k, i);
		}
	}
	const char *frame = S(g, "struct fn_%s_frame *_F%u = BSTAP_T(%u);", fn->name, k,
			      g->frame_off[fn->id]);
	if (fn->ret == T_STRING) {
		/* copy out of the frame: a second call to fn would overwrite its ret buffer */
		uint32_t t = tmp(g, STRBUF);
		return S(g, "({%s %s%s char *_r%u = fn_%s(S); if (S->err) %s; "
			 "bstap_strcpy(BSTAP_T(%u), _r%u); (char *)BSTAP_T(%u); })",
			 pre, frame, store, k, fn->name, g->abort, t, k, t);
	}
	return S(g, "({%s %s%s s64 _r%u = fn_%s(S); if (S->err) %s; _r%u; })", pre, frame, store, k,
		 fn->name, g->abort, k);
}

/* ---- statements ---- */

static void stmt(struct gen *g, struct node *n);

static void block(struct gen *g, struct node *n)
{
	if (n->kind != N_BLOCK) {
		stmt(g, n);
		return;
	}
	for (uint32_t i = 0; i < n->u.block.n; i++)
		stmt(g, n->u.block.v[i]);
}

/*
 * Loop bodies in BPF are callbacks (foreach_K, loop_K): the caller hands them the scratch
 * pointer, and afterwards unwinds what they left in S->err (BSTAP_UNWIND_*).
 */
static void call_callback(struct gen *g, const struct loc *l, uint32_t k, const char *call)
{
	line(g, l, "{ struct { struct bstap_scratch *S; } _c%u = { S };", k);
	line(g, l, "  %s", call);
	if (g->fn && !g->in_cb)	/* 'return' inside the loop: the function returns now */
		line(g, NULL, "  if (S->err == BSTAP_UNWIND_RETURN) { S->err = 0; return %s; }",
		     g->fn->ret == T_STRING ? "F->ret" : "F->retv");
	line(g, NULL, "  if (S->err) %s; }", g->abort);
}

/* What generating a callback body changes in g, to be put back afterwards. */
struct cb_saved {
	FILE *out;
	const char *abort, *cont;
	int indent;
	char *text;
	size_t len;
};

/* Start writing a callback's body (its header is 'head') into a stream of its own. */
static bool begin_callback(struct gen *g, struct cb_saved *sv, const struct loc *l,
			   const char *cont, const char *head)
{
	sv->text = NULL;
	sv->len = 0;
	FILE *cb = open_memstream(&sv->text, &sv->len);
	if (!cb) {
		bad(g, l, "out of memory");
		return false;
	}
	sv->out = g->out;
	sv->abort = g->abort;
	sv->cont = g->cb_continue;
	sv->indent = g->indent;
	g->out = cb;
	g->abort = "return 1";
	g->cb_continue = cont;
	g->in_cb++;
	g->indent = 1;
	fprintf(cb, "%s\n{\n", head);
	line(g, NULL, "struct bstap_scratch *S = *(struct bstap_scratch **)cbctx;");
	if (g->fn)
		line(g, NULL, "struct fn_%s_frame *F = BSTAP_T(%u);", g->fn->name,
		     g->frame_off[g->fn->id]);
	else
		line(g, NULL, "struct probe_\001_locals *L = BSTAP_T(%u);", g->probe_base);
	return true;
}

/* Close the callback and add it to the callbacks, which come before the probes. */
static void end_callback(struct gen *g, struct cb_saved *sv)
{
	fprintf(g->out, "}\n\n");
	fclose(g->out);
	fputs(sv->text ? sv->text : "", g->cbs);
	free(sv->text);
	g->out = sv->out;
	g->abort = sv->abort;
	g->cb_continue = sv->cont;
	g->indent = sv->indent;
	g->in_cb--;
}

/*
 * Unsorted foreach in a kernel probe: bpf_for_each_map_elem with a generated callback.
 * The callback finds the probe's locals in the per-CPU scratch, like the probe does.
 */
static void foreach(struct gen *g, struct node *n)
{
	if (n->u.foreach.arr->kind == N_STATOP) {
		statop(g, n->u.foreach.arr);	/* says why it cannot run here */
		return;
	}
	const struct sym *s = n->u.foreach.arr->u.var.sym;
	if (n->u.foreach.sort_dir) {
		bad(g, &n->loc, "sorted foreach cannot run in a kernel probe: sort in an 'end' "
		    "probe, or in a timer probe that uses no task context (pid(), execname(), ...) "
		    "so that it runs in userspace");
		return;
	}
	uint32_t k = g->uniq++;
	uint32_t lim = 0;
	if (n->u.foreach.limit) {
		/* limit is evaluated once, before the loop, as in stap */
		lim = tmp(g, 16);
		line(g, &n->loc, "*(s64 *)BSTAP_T(%u) = %s; *(s64 *)BSTAP_T(%u) = 0;", lim,
		     ex(g, n->u.foreach.limit), lim + 8);
	}
	call_callback(g, &n->loc, k, S(g, "bpf_for_each_map_elem(&%s, foreach_%s_%u, &_c%u, 0);",
					gmap(g, s), g->tag, k, k));
	struct cb_saved sv;
	if (!begin_callback(g, &sv, &n->loc, "return 0;",
			    S(g, "static long foreach_%s_%u(void *map, void *key, void *val, void *cbctx)",
			      g->tag, k)))
		return;
	line(g, NULL, "struct g_%s_key *K = key;", s->name);
	if (lim)
		line(g, NULL, "if (*(s64 *)BSTAP_T(%u) >= *(s64 *)BSTAP_T(%u)) return 1; "
		     "*(s64 *)BSTAP_T(%u) += 1;", lim + 8, lim, lim + 8);
	for (uint32_t i = 0; i < n->u.foreach.vars.n; i++) {
		const struct sym *v = n->u.foreach.vars.v[i]->u.var.sym;
		if (v->type == T_STRING)
			line(g, NULL, "bstap_strcpy(%s, K->k%u);", local_ref(g, v), i);
		else
			line(g, NULL, "%s = K->k%u;", local_ref(g, v), i);
	}
	if (n->u.foreach.value) {
		const struct sym *v = n->u.foreach.value->u.var.sym;
		if (v->type == T_STRING)
			line(g, NULL, "bstap_strcpy(%s, ((struct bstap_str *)val)->s);", local_ref(g, v));
		else
			line(g, NULL, "%s = *(s64 *)val;", local_ref(g, v));
	}
	block(g, n->u.foreach.body);
	line(g, NULL, "return 0;");
	end_callback(g, &sv);
}

/*
 * while and for in a kernel probe: the body is a bpf_loop() callback, so the verifier checks
 * it once instead of walking every iteration (a branching body would exhaust its budget), and
 * each iteration is a call of its own. MAXACTION bounds the iterations, as before.
 */
static void loop(struct gen *g, struct node *n)
{
	uint32_t k = g->uniq++;
	line(g, NULL, "{");
	g->indent++;
	if (n->u.loop.init)
		stmt(g, n->u.loop.init);
	call_callback(g, &n->loc, k, S(g, "bpf_loop(BSTAP_LOOP_MAX, loop_%s_%u, &_c%u, 0);", g->tag,
				       k, k));
	g->indent--;
	line(g, NULL, "}");
	struct cb_saved sv;
	if (!begin_callback(g, &sv, &n->loc, S(g, "goto cont_%u;", k),
			    S(g, "static long loop_%s_%u(u32 idx, void *cbctx)", g->tag, k)))
		return;
	if (n->u.loop.cond)
		line(g, &n->u.loop.cond->loc, "if (!(%s)) return 1;", ex(g, n->u.loop.cond));
	/* one iteration more than MAXACTION is an error; err 2 passes every catch, as in stap */
	uint32_t site = add_err(g, ERR_MAXACTION, "keyword", &n->loc);
	line(g, &n->loc, "if (idx >= BSTAP_LOOP_MAX - 1) { bstap_error(S, %u, 0); "
	     "S->err = BSTAP_UNWIND_MAXACTION; return 1; }", site);
	block(g, n->u.loop.body);
	line(g, NULL, "cont_%u: __attribute__((unused));", k);
	if (n->u.loop.step) {
		struct node *st = n->u.loop.step;
		line(g, &st->loc, "(void)%s;", ex(g, st->kind == N_EXPR ? st->u.expr : st));
	}
	line(g, NULL, "return 0;");
	end_callback(g, &sv);
}

/*
 * x++, x--, x += v and x -= v on a global long whose new value nobody reads: one atomic add, so
 * that handlers running at once on several CPUs (timer.profile) lose no update, as stap's locks
 * ensure. NULL for anything else.
 */
static const char *atomic_update(struct gen *g, struct node *e)
{
	struct node *lv = e->kind == N_INCDEC ? e->u.incdec.lv :
			  e->kind == N_ASSIGN && (e->u.assign.op == OP_ADD || e->u.assign.op == OP_SUB) ?
			  e->u.assign.lhs : NULL;
	if (!lv || lv->type != T_LONG)
		return NULL;
	const struct sym *s = lv->kind == N_VAR ? lv->u.var.sym : lv->u.index.base->u.var.sym;
	if (s->kind != S_GLOBAL)
		return NULL;
	uint32_t k = g->uniq++;
	enum type t;
	if (e->kind == N_INCDEC)
		return S(g, "({ s64 *_p%u = %s; __sync_fetch_and_add(_p%u, %d); 0; })", k,
			 lvalue_ptr(g, lv, &t), k, e->u.incdec.inc ? 1 : -1);
	const char *rv = ex(g, e->u.assign.rhs);
	return S(g, "({ s64 _r%u = %s; s64 *_p%u = %s; __sync_fetch_and_add(_p%u, %s(_r%u)); 0; })",
		 k, rv, k, lvalue_ptr(g, lv, &t), k, e->u.assign.op == OP_SUB ? "bstap_neg" : "", k);
}

static void stmt(struct gen *g, struct node *n)
{
	if (!n)
		return;
	switch (n->kind) {
	case N_BLOCK:
		line(g, NULL, "{");
		g->indent++;
		block(g, n);
		g->indent--;
		line(g, NULL, "}");
		break;
	case N_EXPR: {
		const char *atomic = atomic_update(g, n->u.expr);
		line(g, &n->loc, "(void)%s;", atomic ? atomic : ex(g, n->u.expr));
		break;
	}
	case N_TRY: {
		/* errors inside unwind to the catch label instead of out of the handler */
		uint32_t k = g->uniq++;
		const char *outer = g->abort;
		g->uses_try = true;
		line(g, &n->loc, "{ /* try */");
		g->indent++;
		g->abort = S(g, "goto catch_%u", k);
		block(g, n->u.ifs.then);
		g->abort = outer;
		line(g, NULL, "goto try_end_%u;", k);
		g->indent--;
		line(g, NULL, "catch_%u:", k);
		g->indent++;
		line(g, NULL, "if (S->err != BSTAP_UNWIND_ERROR) %s;", outer);
		line(g, NULL, "S->err = 0;");
		if (n->u.ifs.cond)
			line(g, &n->u.ifs.cond->loc, "bstap_caught(S, %s, S->err_site < %s ? "
			     "bstap_site_kind[S->err_site] : 0);", local_ref(g, n->u.ifs.cond->u.var.sym),
			     "BSTAP_NSITES");
		block(g, n->u.ifs.els);
		g->indent--;
		line(g, NULL, "try_end_%u: ;", k);
		line(g, NULL, "}");
		break;
	}
	case N_IF:
		line(g, &n->loc, "if (%s) {", ex(g, n->u.ifs.cond));
		g->indent++;
		block(g, n->u.ifs.then);
		g->indent--;
		if (n->u.ifs.els) {
			line(g, NULL, "} else {");
			g->indent++;
			block(g, n->u.ifs.els);
			g->indent--;
		}
		line(g, NULL, "}");
		break;
	case N_WHILE:
	case N_FOR:
		loop(g, n);
		break;
	case N_FOREACH:
		foreach(g, n);
		break;
	case N_BREAK:
		line(g, &n->loc, "return 1;");	/* loops are callbacks: this one stops */
		break;
	case N_CONTINUE:
		line(g, &n->loc, "%s", g->cb_continue);
		break;
	case N_NEXT:
		line(g, &n->loc, g->in_cb ? "{ S->err = BSTAP_UNWIND_END; return 1; }" : "return 0;");
		break;
	case N_RETURN:
		if (g->in_cb) {
			/* leave the callback with the value in the frame; the function returns it
			 * once bpf_for_each_map_elem is back (err 4: returning) */
			const char *keep = !n->u.ret ? "" :
					   g->fn->ret == T_STRING ? S(g, "bstap_strcpy(F->ret, %s); ", ex(g, n->u.ret)) :
					   S(g, "F->retv = %s; ", ex(g, n->u.ret));
			line(g, &n->loc, "{ %sS->err = BSTAP_UNWIND_RETURN; return 1; }", keep);
			break;
		}
		if (!n->u.ret)
			line(g, &n->loc, "return 0;");
		else if (g->fn && g->fn->ret == T_STRING)
			line(g, &n->loc, "{ bstap_strcpy(F->ret, %s); return F->ret; }", ex(g, n->u.ret));
		else
			line(g, &n->loc, "return %s;", ex(g, n->u.ret));
		break;
	case N_DELETE: {
		struct node *e = n->u.del;
		if (e->kind == N_INDEX && has_wildcard(&e->u.index.keys)) {
			const struct sym *s = e->u.index.base->u.var.sym;
			line(g, &n->loc, "(void)%s;", wildcard(g, s, &e->u.index.keys, true));
		} else if (e->kind == N_INDEX) {
			const struct sym *s = e->u.index.base->u.var.sym;
			line(g, &n->loc, "bpf_map_delete_elem(&%s, %s);", gmap(g, s),
			     key_expr(g, s, &e->u.index.keys));
		} else {
			const struct sym *s = e->u.var.sym;
			if (s->nkeys) {
				line(g, &n->loc, "bpf_for_each_map_elem(&%s, bstap_delete_cb, 0, 0);",
				     gmap(g, s));
			} else if (s->kind != S_GLOBAL) {
				line(g, &n->loc, s->type == T_STRING ? "%s[0] = 0;" : "%s = 0;",
				     local_ref(g, s));
			} else if (s->type == T_STATS) {
				/* every CPU's slot, buckets included (volatile: no memset call) */
				uint32_t k = g->uniq++;
				fprintf(g->cbs, "static long clear_%s_%u(u32 cpu, void *ctx)\n{\n"
					"\tu32 zero = 0;\n"
					"\tvolatile s64 *p = bpf_map_lookup_percpu_elem(&%s, &zero, cpu);\n"
					"\tif (!p)\n\t\treturn 1;\n"
					"\tfor (u32 i = 0; i < %u; i++)\n\t\tp[i] = 0;\n"
					"\treturn 0;\n}\n\n", g->tag, k, gmap(g, s), stat_words(&s->stat));
				line(g, &n->loc, "bpf_loop(BSTAP_MAXCPUS, clear_%s_%u, 0, 0);", g->tag, k);
			} else {
				enum type t;
				const char *p = lvalue_ptr(g, e, &t);
				line(g, &n->loc, "__builtin_memset(%s, 0, sizeof(%s));", p, ctype(t));
			}
		}
		break;
	}
	case N_EMPTY:
		break;
	default:
		line(g, &n->loc, "(void)%s;", ex(g, n));
		break;
	}
}

/* ---- declarations ---- */

static bool is_kernel(const struct eprobe *ep);
static const char *probe_function(const struct eprobe *ep);

/*
 * The longest text sprintf(fmt, ...) can make, NUL included, when its conversions are all of
 * numbers (%d %x %o %c %p ..., with widths and precisions): else 0.
 */
static uint32_t sprintf_bound(const char *f, uint32_t len)
{
	uint32_t n = 1;
	for (uint32_t i = 0; i < len; i++) {
		if (f[i] != '%') {
			n++;
			continue;
		}
		if (++i < len && f[i] == '%') {
			n++;
			continue;
		}
		uint32_t w = 0, pr = 0;
		while (i < len && strchr("-+ #0", f[i]))
			i++;
		for (; i < len && f[i] >= '0' && f[i] <= '9' && w < 100000; i++)
			w = w * 10 + (uint32_t)(f[i] - '0');
		if (i < len && f[i] == '.')
			for (i++; i < len && f[i] >= '0' && f[i] <= '9' && pr < 100000; i++)
				pr = pr * 10 + (uint32_t)(f[i] - '0');
		while (i < len && (f[i] == 'l' || f[i] == 'h'))
			i++;
		if (i >= len || !strchr("diuxXopc", f[i]))
			return 0;	/* %s, '*' widths, %b, %m...: as long as their values */
		/* 64 bits in octal with its 0 (23), a sign and 20 digits; or the width or precision,
		 * and a sign or prefix with the precision's digits */
		n += (w > pr ? w : pr) + 24;
	}
	return n;
}

/*
 * String keys are MAXSTR bytes unless every string the script ever stores as that key of that
 * array is shorter: execname() (16 bytes), literals, pp() and probefunc() (the program's own),
 * sprintf of numbers, concatenations and choices between them. Then the field is as wide as
 * they need (rounded up to 8), which makes each update zero, hash and compare far fewer bytes
 * (a 512-byte key costs about 200 ns more per update). Reading with a longer string finds
 * nothing: no key can hold it (bstap_key_str).
 */
static uint32_t key_bound(const struct gen *g, const struct node *n)
{
	const struct program *p = g->p;
	uint32_t b = MAXSTR;
	switch (n->kind) {
	case N_STR:
		b = n->u.str.len + 1;
		break;
	case N_CALL:
		if (n->u.call.fn)
			break;
		if (n->u.call.builtin == B_EXECNAME) {
			b = 16;
		} else if (n->u.call.builtin == B_PP || n->u.call.builtin == B_PROBEFUNC) {
			b = 1;
			for (uint32_t i = 0; i < p->probes.n; i++) {
				const struct eprobe *ep = p->probes.v[i];
				size_t l = n->u.call.builtin == B_PROBEFUNC ? strlen(probe_function(ep))
					   : is_kernel(ep) ? strlen(ep->pp) : 0;
				if (l + 1 > b)
					b = l + 1 < MAXSTR ? (uint32_t)l + 1 : MAXSTR;
			}
		} else if (n->u.call.builtin == B_SPRINTF && n->u.call.args.n &&
			   n->u.call.args.v[0]->kind == N_STR) {
			uint32_t s = sprintf_bound(n->u.call.args.v[0]->u.str.s,
						   n->u.call.args.v[0]->u.str.len);
			if (s)
				b = s;
		}
		break;
	case N_TERNARY: {
		uint32_t x = key_bound(g, n->u.tern.t), y = key_bound(g, n->u.tern.f);
		b = x > y ? x : y;
		break;
	}
	case N_BINOP:
		if (n->u.bin.op == OP_CONCAT)
			b = key_bound(g, n->u.bin.l) + key_bound(g, n->u.bin.r) - 1;
		break;
	default:
		break;
	}
	return b < MAXSTR ? b : MAXSTR;
}

struct key_width_ctx {
	const struct gen *g;
	uint32_t **w;
};

/* Widest string stored in each string key column, over every write in the program. */
static bool key_width_of(struct node *n, void *ctx)
{
	const struct key_width_ctx *c = ctx;
	uint32_t **w = c->w;
	const struct node *lv = n->kind == N_ASSIGN ? n->u.assign.lhs :
				n->kind == N_INCDEC ? n->u.incdec.lv : NULL;
	if (lv && lv->kind == N_INDEX) {
		const struct sym *s = lv->u.index.base->u.var.sym;
		for (uint32_t k = 0; k < lv->u.index.keys.n && k < s->nkeys; k++) {
			uint32_t b = key_bound(c->g, lv->u.index.keys.v[k]);
			if (s->key_types[k] == T_STRING && b > w[s->index][k])
				w[s->index][k] = b;
		}
	}
	return true;
}

static void key_widths_walk(const struct gen *g, struct node *n, uint32_t **w)
{
	struct key_width_ctx c = { g, w };
	ast_visit(n, key_width_of, &c);
}

static uint32_t string_key_width(struct gen *g, const struct sym *s, uint32_t k)
{
	if (!g->key_width) {
		const struct program *p = g->p;
		g->key_width = arena_alloc(g->a, (p->globals.n + 1) * sizeof(*g->key_width));
		for (uint32_t i = 0; i < p->globals.n; i++) {
			g->key_width[i] = arena_alloc(g->a, (p->globals.v[i]->nkeys + 1) * sizeof(uint32_t));
			for (uint32_t j = 0; j < p->globals.v[i]->nkeys; j++)
				g->key_width[i][j] = 1;
		}
		for (uint32_t i = 0; i < p->probes.n; i++) {
			key_widths_walk(g, p->probes.v[i]->body, g->key_width);
			key_widths_walk(g, p->probes.v[i]->cond, g->key_width);
		}
		for (uint32_t i = 0; i < p->funcs.n; i++)
			key_widths_walk(g, p->funcs.v[i]->body, g->key_width);
	}
	uint32_t w = (g->key_width[s->index][k] + 7) & ~7u;
	return w < 8 ? 8 : w >= MAXSTR ? STRBUF : w;
}

/*
 * The kernel refuses a hash map whose key is larger than BPF's stack (BSTAP_MAXKEYSIZE bytes).
 * When the string columns do not fit, the widest ones are narrowed to equal shares of what
 * the longs and the narrow columns leave (whole words): strings stored in or looked up by such
 * a column are cut to its width - 1 bytes, both ways, so equal prefixes are one element.
 * Returns the narrowed columns as a bit mask.
 */
static uint32_t fit_key(uint32_t *width, uint32_t n)
{
	uint32_t total = 0, cut = 0;
	for (uint32_t k = 0; k < n; k++)
		total += width[k];
	while (total > BSTAP_MAXKEYSIZE) {
		uint32_t widest = 0, nwide = 0, next = 0;
		for (uint32_t k = 0; k < n; k++)
			if (width[k] > widest)
				widest = width[k];
		for (uint32_t k = 0; k < n; k++) {
			if (width[k] == widest)
				nwide++;
			else if (width[k] > next)
				next = width[k];
		}
		/* lower the widest columns to the next width, or less if that is still too much */
		uint32_t over = total - BSTAP_MAXKEYSIZE;
		uint32_t drop = (over + nwide - 1) / nwide;
		drop = (drop + 7) & ~7u;
		if (widest - next < drop && next >= 16)
			drop = widest - next;
		if (drop >= widest)
			drop = widest - 8;
		for (uint32_t k = 0; k < n; k++)
			if (width[k] == widest) {
				width[k] -= drop;
				total -= drop;
				cut |= 1u << k;
			}
	}
	return cut;
}

/* Arrays with more entries than this are not preallocated (see decl_globals). */
#define BIG_MAP 65536

static void decl_globals(struct gen *g, FILE *o)
{
	const struct program *p = g->p;
	struct meta *m = g->meta;
	m->nglobals = p->globals.n;
	m->globals = arena_alloc(g->a, (p->globals.n + 1) * sizeof(*m->globals));
	uint32_t zwords = 0;
	for (uint32_t i = 0; i < p->globals.n; i++)
		if (p->globals.v[i]->type == T_STATS && stat_words(&p->globals.v[i]->stat) > zwords)
			zwords = stat_words(&p->globals.v[i]->stat);
	if (zwords > STAT_HDR_WORDS)
		fprintf(o, "/* a new histogram's value: never written */\n"
			"static s64 bstap_stat_zero[%u];\n\n", zwords);
	for (uint32_t i = 0; i < p->globals.n; i++) {
		const struct sym *s = p->globals.v[i];
		struct meta_global *mg = &m->globals[i];
		mg->name = s->name;
		mg->map = gmap(g, s);
		mg->type = mtype(s->type);
		mg->nkeys = s->nkeys;
		mg->percpu = s->type == T_STATS;
		mg->autoprint = s->written && !s->printed && !s->tapset;
		mg->value_size = s->type == T_STRING ? STRBUF : s->type == T_STATS ? 8 * stat_words(&s->stat) : 8;
		if (s->type == T_STATS)
			mg->stat = s->stat;
		mg->wrap = s->wrap && s->nkeys;
		const char *vtype = ctype(s->type);
		if (s->type == T_STATS && s->stat.nbuckets) {
			/* the buckets follow the counters in each CPU's value */
			fprintf(o, "struct g_%s_val { struct bstap_stat st; s64 h[%u]; };\n", s->name,
				s->stat.nbuckets);
			vtype = S(g, "struct g_%s_val", s->name);
		}
		if (s->init) {
			mg->has_init = true;
			struct node *v = s->init;
			if (v->kind == N_STR)
				mg->init_str = arena_strndup(g->a, v->u.str.s, v->u.str.len);
			else if (v->kind == N_NUM)
				mg->init_num = v->u.num;
			else if (v->kind == N_UNOP && v->u.un.e->kind == N_NUM)
				mg->init_num = (int64_t)(0 - (uint64_t)v->u.un.e->u.num);
		}
		fprintf(o, "/* %s:%u:%u global %s */\n", s->loc.file ? s->loc.file->path : "?",
			s->loc.line, s->loc.col, s->name);
		if (s->nkeys) {
			fprintf(o, "struct g_%s_key {", s->name);
			uint32_t off = 0, width[9];
			for (uint32_t k = 0; k < s->nkeys && k < 9; k++)
				width[k] = s->key_types[k] == T_STRING ? string_key_width(g, s, k) : 8;
			mg->key_cut = fit_key(width, s->nkeys);
			/* longs first keeps every field naturally aligned without padding */
			for (int pass = 0; pass < 2; pass++)
				for (uint32_t k = 0; k < s->nkeys; k++) {
					bool str = s->key_types[k] == T_STRING;
					if (str != (pass == 1))
						continue;
					mg->keys[k] = mtype(s->key_types[k]);
					mg->key_off[k] = off;
					mg->key_len[k] = width[k];
					off += mg->key_len[k];
					if (!str)
						fprintf(o, " s64 k%u;", k);
					else if (mg->key_len[k] == STRBUF)
						fprintf(o, " char k%u[BSTAP_STRBUF];", k);
					else
						fprintf(o, " char k%u[%u];", k, mg->key_len[k]);
				}
			mg->key_size = off;
			fprintf(o, " };\n");
			uint32_t max = s->max_entries ? s->max_entries
					 : p->maxmapentries ? p->maxmapentries : BSTAP_MAXMAPENTRIES;
			/*
			 * The kernel allocates a hash map's every entry when it is created: for
			 * -D MAXMAPENTRIES=100000000 that took 22 s of kernel time and gigabytes.
			 * A large array gets its entries as they are inserted instead.
			 */
			fprintf(o, "struct {\n\t__uint(type, %s);\n\t__uint(max_entries, %u);\n%s"
				"\t__type(key, struct g_%s_key);\n\t__type(value, %s);\n} %s SEC(\".maps\");\n\n",
				s->wrap ? (s->type == T_STATS ? "BPF_MAP_TYPE_LRU_PERCPU_HASH"
							      : "BPF_MAP_TYPE_LRU_HASH")
				: s->type == T_STATS ? "BPF_MAP_TYPE_PERCPU_HASH" : "BPF_MAP_TYPE_HASH", max,
				max > BIG_MAP && !s->wrap ? "\t__uint(map_flags, BPF_F_NO_PREALLOC);\n" : "",
				s->name, vtype, gmap(g, s));
		} else {
			mg->key_size = 4;
			fprintf(o, "struct {\n\t__uint(type, %s);\n\t__uint(max_entries, 1);\n"
				"\t__type(key, u32);\n\t__type(value, %s);\n} %s SEC(\".maps\");\n\n",
				s->type == T_STATS ? "BPF_MAP_TYPE_PERCPU_ARRAY" : "BPF_MAP_TYPE_ARRAY",
				vtype, gmap(g, s));
		}
	}
}

static void decl_locals(struct gen *g, FILE *o, const char *tag, const struct sym_list *params,
			const struct sym_list *locals, enum type ret, const char *extra)
{
	fprintf(o, "struct %s {", tag);
	int n = 0;
	if (extra && *extra) {
		fputs(extra, o);
		n++;
	}
	for (uint32_t i = 0; params && i < params->n; i++, n++)
		fprintf(o, params->v[i]->type == T_STRING ? " char p_%s[BSTAP_STRBUF];" : " s64 p_%s;",
			params->v[i]->name);
	for (uint32_t i = 0; i < locals->n; i++, n++)
		/* prefixed: a script's 'long' or 'ret' must not become a C keyword or clash */
		fprintf(o, locals->v[i]->type == T_STRING ? " char l_%s[BSTAP_STRBUF];" : " s64 l_%s;",
			locals->v[i]->name);
	if (ret == T_STRING) {
		fprintf(o, " char ret[BSTAP_STRBUF];");
		n++;
	}
	if (params) {	/* a function: where 'return' inside a foreach leaves a long */
		fprintf(o, " s64 retv;");
		n++;
	}
	if (!n)
		fprintf(o, " char unused;");
	fprintf(o, " };\n");
	(void)g;
}

static uint32_t locals_size(const struct sym_list *params, const struct sym_list *locals,
			    enum type ret)
{
	uint32_t sz = 8;
	for (uint32_t i = 0; params && i < params->n; i++)
		sz += params->v[i]->type == T_STRING ? STRBUF : 8;
	for (uint32_t i = 0; i < locals->n; i++)
		sz += locals->v[i]->type == T_STRING ? STRBUF : 8;
	if (ret == T_STRING)
		sz += STRBUF;
	if (params)
		sz += 8;	/* retv */
	return sz;
}

static void init_locals(struct gen *g, const struct sym_list *locals)
{
	for (uint32_t i = 0; i < locals->n; i++)
		line(g, NULL, locals->v[i]->type == T_STRING ? "%s[0] = 0;" : "%s = 0;",
		     local_ref(g, locals->v[i]));
}

/* Script functions may call each other, but not recursively: BPF has no real call stack. */
/* The target variables a probe reads: each is read once, at its start, into its locals. */
struct tvars_used {
	struct gen *g;
	uint32_t *idx, *elem, n, cap;
	struct loc *locs;	/* where each is first used: a chase's fault is reported there */
	const char *members;	/* their declarations in the locals struct */
	uint32_t size;
};

static bool tvar_seen(struct node *n, void *ctx)
{
	struct tvars_used *tu = ctx;
	if (n->kind != N_TARGET || n->u.var.tvar < 0)
		return true;
	for (uint32_t i = 0; i < tu->n; i++)
		if (tu->idx[i] == (uint32_t)n->u.var.tvar && tu->elem[i] == n->u.var.elem)
			return true;
	if (tu->n == tu->cap) {
		uint32_t cap = tu->cap ? 2 * tu->cap : 8;
		tu->idx = arena_realloc(tu->g->a, tu->idx, tu->cap * sizeof(uint32_t), cap * sizeof(uint32_t));
		tu->elem = arena_realloc(tu->g->a, tu->elem, tu->cap * sizeof(uint32_t), cap * sizeof(uint32_t));
		tu->locs = arena_realloc(tu->g->a, tu->locs, tu->cap * sizeof(struct loc), cap * sizeof(struct loc));
		tu->cap = cap;
	}
	tu->idx[tu->n] = (uint32_t)n->u.var.tvar;
	tu->locs[tu->n] = n->loc;
	tu->elem[tu->n++] = n->u.var.elem;
	return true;
}

static void tvars_collect(struct gen *g, const struct eprobe *ep, struct tvars_used *tu)
{
	tu->g = g;
	if (!ep->tvars)
		return;
	ast_visit(ep->body, tvar_seen, tu);
	ast_visit(ep->cond, tvar_seen, tu);
	/* a chase at a return from a parameter kept from the entry needs that parameter */
	for (uint32_t i = 0, n = tu->n; i < n; i++) {
		const struct tvar *v = &ep->tvars->v[tu->idx[i]];
		if (!v->nsteps || v->entry || v->base >= ep->tvars->n || !ep->tvars->v[v->base].entry)
			continue;
		struct node fake = { .kind = N_TARGET, .loc = tu->locs[i] };
		fake.u.var.tvar = (int32_t)v->base;
		tvar_seen(&fake, tu);
	}
	tu->members = "";
	for (uint32_t i = 0; i < tu->n; i++) {
		enum tvar_kind k = ep->tvars->v[tu->idx[i]].kind;
		bool str = k == TV_CHARS || k == TV_DATALOC;
		tu->members = S(g, "%s %s tv%u_%u%s;", tu->members, str ? "char" : "s64", tu->idx[i],
				tu->elem[i], str ? "[BSTAP_STRBUF]" : "");
		tu->size += str ? STRBUF : 8;
	}
}

static void tvars_read(struct gen *g, const struct eprobe *ep, const struct tvars_used *tu)
{
	uint32_t slot = 0;
	/* the values kept from the entry first: chases at the return start from them */
	for (uint32_t i = 0; i < tu->n; i++) {
		if (ep->tvars->v[tu->idx[i]].entry) {
			/* saved by the entry program (gen_entry_prog) */
			/* a return whose entry was not seen (it began before the probes attached)
			 * is skipped */
			if (!slot)
				line(g, NULL, "u64 EID = bpf_get_current_pid_tgid(); struct bstap_entry_%u "
				     "*E = bpf_map_lookup_elem(&bstap_entry_%u, &EID); if (!E) return 0;",
				     ep->id, ep->id);
			if (ep->tvars->v[tu->idx[i]].kind != TV_INT)
				bad(g, &ep->loc, "'$%s' of %s is a string: bstap keeps only numbers from "
				    "a function's entry", ep->tvars->v[tu->idx[i]].name, ep->pp);
			line(g, NULL, "L->tv%u_%u = E->v[%u];", tu->idx[i], tu->elem[i], slot++);
		}
	}
	if (slot)
		line(g, NULL, "bpf_map_delete_elem(&bstap_entry_%u, &EID);", ep->id);
	for (uint32_t i = 0; i < tu->n; i++) {
		const struct tvar *v = &ep->tvars->v[tu->idx[i]];
		if (v->entry)
			continue;
		const char *fault = v->nsteps
			? S(g, "bstap_read_fault(S, fa, %u); %s;",
			    add_err(g, ERR_FAULT, S(g, "identifier '$%s'", v->name), &tu->locs[i]), g->abort)
			: NULL;
		const char *dst = S(g, "L->tv%u_%u", tu->idx[i], tu->elem[i]);
		bool from_entry = v->nsteps && v->base < ep->tvars->n && ep->tvars->v[v->base].entry;
		const char *st = from_entry
			? gen_chase_from(g->a, ep->tvars, tu->idx[i], S(g, "L->tv%u_0", v->base), dst,
					 MAXSTR, fault)
			: gen_tvar_read(g->a, ep->tvars, tu->idx[i], tu->elem[i], dst, MAXSTR, fault);
		if (!st)
			bad(g, &ep->loc, "field '$%s' of %s (%s) has a size bstap cannot read",
			    ep->tvars->v[tu->idx[i]].name, ep->pp, ep->tvars->v[tu->idx[i]].ctype);
		else
			line(g, NULL, "%s", st);
	}
}

/* The entry values a .return probe reads (in tvars_read's slot order); how many. */
static uint32_t entry_values(struct gen *g, const struct eprobe *ep, uint32_t **idx,
			     uint32_t **elem)
{
	struct tvars_used tu = { 0 };
	tvars_collect(g, ep, &tu);
	uint32_t n = 0;
	*idx = arena_alloc(g->a, (tu.n + 1) * sizeof(uint32_t));
	*elem = arena_alloc(g->a, (tu.n + 1) * sizeof(uint32_t));
	for (uint32_t i = 0; i < tu.n; i++)
		if (ep->tvars->v[tu.idx[i]].entry) {
			(*idx)[n] = tu.idx[i];
			(*elem)[n++] = tu.elem[i];
		}
	return n;
}

static bool is_kernel(const struct eprobe *ep)
{
	return ep->place == PLACE_KERNEL;
}

/* Text for inside a C comment: no comment end, no line break. */
static const char *comment_safe(struct gen *g, const char *s)
{
	char *o = arena_strdup(g->a, s);
	for (char *p = o; *p; p++) {
		if (p[0] == '*' && p[1] == '/')
			p[1] = '|';
		else if (p[0] == '/' && p[1] == '*')
			p[0] = '|';
		else if (*p == '\n' || *p == '\\')
			*p = ' ';
	}
	return o;
}

/* One probe's code, written with the placeholder \001 where its name goes. */
struct probe_code {
	char *decl, *cbs, *body;	/* its locals struct, its loop callbacks, its function */
	uint64_t hash;			/* of the three, so that most comparisons are one */
	uint32_t users;			/* probes whose code this is */
	bool dispatched;		/* one case of a group's switch (emit_dispatch): a
					 * subprogram, or hundreds of them overflow one program */
};

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static char *stream_text(FILE *f, char **buf)
{
	fclose(f);
	return *buf ? *buf : NULL;
}

static int gen_probe(struct gen *g, const struct eprobe *ep, struct probe_code *pc)
{
	char *dt = NULL, *ct = NULL, *bt = NULL;
	size_t dl = 0, cl = 0, bl = 0;
	FILE *pd = open_memstream(&dt, &dl), *pcb = open_memstream(&ct, &cl),
	     *pb = open_memstream(&bt, &bl);
	if (!pd || !pcb || !pb) {
		if (pd)
			fclose(pd);
		if (pcb)
			fclose(pcb);
		if (pb)
			fclose(pb);
		free(dt);
		free(ct);
		free(bt);
		bad(g, &ep->loc, "out of memory");
		return -1;
	}
	FILE *out = g->out, *cbs = g->cbs;
	g->out = pb;
	g->cbs = pcb;
	/* the same source gives the same text: names and comments start afresh per probe */
	g->uniq = 0;
	g->last_src = NULL;
	g->tag = "\001";
	struct tvars_used tu = { 0 };
	tvars_collect(g, ep, &tu);
	decl_locals(g, pd, "probe_\001_locals", NULL, &ep->locals, T_VOID, tu.members);
	uint32_t *eidx, *eelem, nentry = entry_values(g, ep, &eidx, &eelem);
	if (nentry)
		gen_entry_map(pd, ep->id, nentry);
	g->off = g->hi = g->probe_base + locals_size(NULL, &ep->locals, T_VOID) + tu.size;
	g->fn = NULL;
	g->ep = ep;
	g->abort = "return 0";
	fprintf(pb, "static \002 int probe_\001(void *ctx, struct bstap_scratch *S)\n{\n");
	g->indent = 1;
	line(g, NULL, "struct probe_\001_locals *L = BSTAP_T(%u);", g->probe_base);
	line(g, NULL, "S->err = 0;");
	init_locals(g, &ep->locals);
	tvars_read(g, ep, &tu);
	if (ep->cond)
		line(g, &ep->cond->loc, "if (!(%s)) return 0;", ex(g, ep->cond));
	block(g, ep->body);
	line(g, NULL, "return 0;");
	fprintf(pb, "}\n\n");
	g->out = out;
	g->cbs = cbs;
	pc->decl = arena_strdup(g->a, stream_text(pd, &dt) ? dt : "");
	pc->cbs = arena_strdup(g->a, stream_text(pcb, &ct) ? ct : "");
	pc->body = arena_strdup(g->a, stream_text(pb, &bt) ? bt : "");
	pc->users = 0;
	pc->hash = fnv1a(fnv1a(fnv1a(0xcbf29ce484222325ull, pc->decl), pc->cbs), pc->body);
	free(dt);
	free(ct);
	free(bt);
	return 0;
}

static bool same_code(const struct probe_code *x, const struct probe_code *y)
{
	return x->hash == y->hash && !strcmp(x->body, y->body) && !strcmp(x->decl, y->decl) &&
	       !strcmp(x->cbs, y->cbs);
}

/* Write text with each \001 as its name and \002 as how it is called (c_string escapes any
 * such byte of the script's own strings, so only these placeholders are raw). */
static void put_named(FILE *o, const char *text, const char *name, const char *inl)
{
	for (const char *p = text; *p;) {
		if (*p == '\001') {
			fputs(name, o);
			p++;
		} else if (*p == '\002') {
			fputs(inl, o);
			p++;
		} else {
			fputc(*p++, o);
		}
	}
}

/*
 * Each distinct probe code once, as probe_fK. Code that several events' programs share is a
 * BPF subprogram that each program calls, so clang compiles it once; code of one event is
 * inlined into its program as before.
 */
static void place_probes(struct gen *g, const struct probe_code *codes, uint32_t n, FILE *decl,
			 FILE *cbs, FILE *body)
{
	for (uint32_t k = 0; k < n; k++) {
		const char *name = S(g, "f%u", k);
		const char *inl = codes[k].users > 1 || codes[k].dispatched ? "__noinline"
									     : "__always_inline";
		put_named(decl, codes[k].decl, name, inl);
		put_named(cbs, codes[k].cbs, name, inl);
		put_named(body, codes[k].body, name, inl);
	}
}


/* One probe's call in its group's program, in script order. */
static void emit_call(struct gen *g, FILE *body, const struct eprobe *ep, const uint32_t *code_of,
		      const char *in)
{
	fprintf(body, "%sif (!bstap_running())\n%s\treturn 0;\n%sS->ppidx = %u;\n"
		"%sprobe_f%u(ctx, S);\t/* %s%s */\n"
		"%sif (S->err == BSTAP_UNWIND_ERROR || S->err == BSTAP_UNWIND_MAXACTION)\n"
		"%s\tbstap_report(S);\n", in, in, in, ep->id, in, code_of[ep->id],
		comment_safe(g, ep->pp), comment_safe(g, ep->chain), in, in);
}

static bool same_guard_var(const struct eprobe *x, const struct eprobe *y)
{
	return x->guard.on && y->guard.on && x->guard.elem == y->guard.elem &&
	       !strcmp(x->tvars->v[x->guard.tvar].name, y->tvars->v[y->guard.tvar].name);
}

/* How many probes from v[0] on start with a guard on the same target variable. */
static uint32_t guarded_run(const struct eprobe **v, uint32_t n)
{
	uint32_t k = 0;
	while (k < n && same_guard_var(v[0], v[k]))
		k++;
	return k;
}

/* Tail-call dispatch: for a final run of at least this many guarded probes with values in
 * [0, TAIL_KEYS), as the syscall library's hundreds of aliases on one tracepoint are. */
#define TAIL_MIN 16
#define TAIL_KEYS 4096

/* Where the group's final run of guarded probes starts when it goes by tail calls, else nm. */
static uint32_t tail_start(const struct eprobe **m, uint32_t nm)
{
	uint32_t i = 0, last = nm;
	while (i < nm) {
		uint32_t r = guarded_run(m + i, nm - i);
		if (r >= 2 && i + r == nm)
			last = i;
		i += r ? r : 1;
	}
	if (last == nm || nm - last < TAIL_MIN)
		return nm;
	for (uint32_t k = last; k < nm; k++)
		if (m[k]->guard.value < 0 || m[k]->guard.value >= TAIL_KEYS)
			return nm;
	return last;
}

/* The kernel probes of group gi, in script order; their number. */
static uint32_t group_members(struct gen *g, const struct program *p, uint32_t gi,
			      const struct eprobe ***out)
{
	const struct eprobe **m = arena_alloc(g->a, (p->probes.n + 1) * sizeof(*m));
	uint32_t n = 0;
	for (uint32_t i = 0; i < p->probes.n; i++)
		if (is_kernel(p->probes.v[i]) && p->probes.v[i]->group == gi)
			m[n++] = p->probes.v[i];
	*out = m;
	return n;
}

/*
 * The final run by tail calls: one program per value (its probes in script order, each with
 * its own nesting slot), a program array indexed by the value, and the group's program jumps
 * through it: one lookup however many probes, and no program grows past the verifier's limits.
 */
static void emit_tail_cases(struct gen *g, FILE *body, uint32_t gi, const struct eprobe **v,
			    uint32_t n, const uint32_t *code_of, const char *section,
			    const char *ctx_param)
{
	bool *done = arena_alloc(g->a, n * sizeof(*done));
	int64_t maxv = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (v[i]->guard.value > maxv)
			maxv = v[i]->guard.value;
		if (done[i])
			continue;
		fprintf(body, "SEC(\"%s\")\nint case_%u_%lld(%s)\n{\n\tu32 *D;\n"
			"\tstruct bstap_scratch *S = bstap_enter(&D);\n\tif (!S)\n\t\treturn 0;\n"
			"\tS->ctx = ctx;\n", section, gi, (long long)v[i]->guard.value, ctx_param);
		for (uint32_t j = i; j < n; j++)
			if (!done[j] && v[j]->guard.value == v[i]->guard.value) {
				done[j] = true;
				emit_call(g, body, v[j], code_of, "\t");
			}
		fprintf(body, "\tbstap_leave(D);\n\treturn 0;\n}\n\n");
	}
	fprintf(body, "struct {\n\t__uint(type, BPF_MAP_TYPE_PROG_ARRAY);\n\t__uint(max_entries, %lld);\n"
		"\t__uint(key_size, sizeof(u32));\n\t__array(values, int (void *));\n} bstap_cases_%u SEC(\".maps\") = {\n"
		"\t.values = {\n", (long long)maxv + 1, gi);
	memset(done, 0, n * sizeof(*done));
	for (uint32_t i = 0; i < n; i++) {
		if (done[i])
			continue;
		for (uint32_t j = i; j < n; j++)
			done[j] |= v[j]->guard.value == v[i]->guard.value;
		fprintf(body, "\t\t[%lld] = (void *)&case_%u_%lld,\n", (long long)v[i]->guard.value,
			gi, (long long)v[i]->guard.value);
	}
	fprintf(body, "\t},\n};\n\n");
}

/*
 * Probes that each start with `if ($f != N) next`: one read of $f and a switch, so an event
 * runs only the handlers for its value (each still tests its own guard). Probes with the same
 * value keep their script order within their case.
 */
static void emit_dispatch(struct gen *g, FILE *body, const struct eprobe **v, uint32_t n,
			  const uint32_t *code_of)
{
	const struct eprobe *first = v[0];
	const char *rd = gen_tvar_read(g->a, first->tvars, first->guard.tvar, first->guard.elem,
				       "key", MAXSTR, NULL);
	if (!rd) {
		for (uint32_t i = 0; i < n; i++)
			emit_call(g, body, v[i], code_of, "\t");
		return;
	}
	fprintf(body, "\t{\n\t\ts64 key;\n\t\t%s\n\t\tswitch (key) {\n", rd);
	bool *done = arena_alloc(g->a, n * sizeof(*done));
	for (uint32_t i = 0; i < n; i++) {
		if (done[i])
			continue;
		fprintf(body, "\t\tcase %lldLL:\n", (long long)v[i]->guard.value);
		for (uint32_t j = i; j < n; j++)
			if (!done[j] && v[j]->guard.value == v[i]->guard.value) {
				done[j] = true;
				emit_call(g, body, v[j], code_of, "\t\t\t");
			}
		fprintf(body, "\t\t\tbreak;\n");
	}
	fprintf(body, "\t\t}\n\t}\n");
}

/* pp() of every kernel probe, indexed by S->ppidx (its probe id). */
static const char *pp_table(struct gen *g)
{
	const struct program *p = g->p;
	size_t w = 1;
	for (uint32_t i = 0; i < p->probes.n; i++)
		if (strlen(p->probes.v[i]->pp) + 1 > w)
			w = strlen(p->probes.v[i]->pp) + 1;
	const char *t = S(g, "static const char bstap_pps[%u][%zu] = {", p->probes.n, w);
	for (uint32_t i = 0; i < p->probes.n; i++) {
		const char *pp = is_kernel(p->probes.v[i]) ? p->probes.v[i]->pp : "";
		t = S(g, "%s\n\t%s,", t, c_string(g, pp, strlen(pp)));
	}
	return S(g, "%s\n};\n\nstatic __always_inline const char *bstap_pp_str(u32 i)\n{\n"
		 "\treturn bstap_pps[i < %u ? i : 0];\n}\n\n", t, p->probes.n);
}

/* probefunc() of each probe: its kernel function, or "" */
/* probefunc() of a probe: a kernel or user function probe's function, else "" */
static const char *probe_function(const struct eprobe *ep)
{
	if (!is_kernel(ep))
		return "";
	if (ep->at.kind == PK_KPROBE)
		return ep->at.target;
	if (ep->at.kind == PK_UPROBE && ep->tvars && ep->tvars->event)
		return ep->tvars->event;
	return "";
}

static const char *pf_table(struct gen *g)
{
	const struct program *p = g->p;
	size_t w = 1;
	for (uint32_t i = 0; i < p->probes.n; i++)
		if (strlen(probe_function(p->probes.v[i])) + 1 > w)
			w = strlen(probe_function(p->probes.v[i])) + 1;
	const char *t = S(g, "static const char bstap_pfs[%u][%zu] = {", p->probes.n, w);
	for (uint32_t i = 0; i < p->probes.n; i++) {
		const char *f = probe_function(p->probes.v[i]);
		t = S(g, "%s\n\t%s,", t, c_string(g, f, strlen(f)));
	}
	return S(g, "%s\n};\n\nstatic __always_inline const char *bstap_pf_str(u32 i)\n{\n"
		 "\treturn bstap_pfs[i < %u ? i : 0];\n}\n\n", t, p->probes.n);
}

int gen_bpf_c(struct arena *a, struct diag *d, const struct program *p, struct gen_result *res)
{
	struct gen g = { .a = a, .d = d, .p = p };
	maxstr = program_maxstr(p);
	strbuf = program_strbuf(p);
	g.meta = arena_alloc(a, sizeof(*g.meta));
	g.frame_off = arena_alloc(a, (p->funcs.n + 1) * sizeof(uint32_t));
	memset(res, 0, sizeof(*res));
	res->meta = g.meta;

	char *decl_text = NULL, *body_text = NULL, *cb_text = NULL;
	size_t decl_len = 0, body_len = 0, cb_len = 0;
	FILE *decl = open_memstream(&decl_text, &decl_len);
	FILE *body = open_memstream(&body_text, &body_len);
	FILE *cbs = open_memstream(&cb_text, &cb_len);
	if (!decl || !body || !cbs) {
		if (decl)
			fclose(decl);
		if (body)
			fclose(body);
		if (cbs)
			fclose(cbs);
		return -ENOMEM;
	}
	g.out = body;
	g.cbs = cbs;

	decl_globals(&g, decl);
	gen_tvars_decls(a, decl, p);

	/* pass 2 placed each probe; the userspace timers are listed for the runtime's clock */
	struct meta *m = g.meta;
	m->user_timers = arena_alloc(a, (p->probes.n + 1) * sizeof(*m->user_timers));
	for (uint32_t i = 0; i < p->probes.n; i++) {
		const struct eprobe *ep = p->probes.v[i];
		if (ep->at.kind != PK_TIMER || ep->place != PLACE_USER)
			continue;
		struct meta_user_timer *ut = &m->user_timers[m->nuser_timers++];
		ut->probe_id = ep->id;
		ut->period_ns = ep->at.period_ns;
		ut->randomize_ns = ep->at.randomize_ns;
	}

	/* functions: each gets its own frame, before the probe area */
	uint32_t base = 0;
	for (uint32_t f = 0; f < p->funcs.n; f++) {
		const struct func *fn = p->funcs.v[f];
		if (!fn->in_kernel)
			continue;
		const char *tag = S(&g, "fn_%s_frame", fn->name);
		decl_locals(&g, decl, tag, &fn->params, &fn->locals, fn->ret, NULL);
		/* declared up front: foreach callbacks, emitted before the functions, may call it */
		fprintf(decl, "static __always_inline %s fn_%s(struct bstap_scratch *S);\n",
			fn->ret == T_STRING ? "char *" : "s64", fn->name);
		g.frame_off[f] = base;
		g.tag = S(&g, "fn%u", f);
		g.off = g.hi = base + locals_size(&fn->params, &fn->locals, fn->ret);
		g.fn = fn;
		g.ep = NULL;
		g.abort = "return 0";
		fprintf(body, "/* %s:%u:%u function %s */\n", fn->loc.file ? fn->loc.file->path : "?",
			fn->loc.line, fn->loc.col, fn->name);
		fprintf(body, "static __always_inline %s fn_%s(struct bstap_scratch *S)\n{\n",
			fn->ret == T_STRING ? "char *" : "s64", fn->name);
		g.indent = 1;
		line(&g, NULL, "struct %s *F = BSTAP_T(%u);", tag, base);
		init_locals(&g, &fn->locals);
		block(&g, fn->body);
		line(&g, NULL, "return 0;");
		fprintf(body, "}\n\n");
		base = g.hi;
	}

	/* probes: they never run nested on one CPU slot, so their areas overlap */
	uint32_t probe_base = base, top = base;
	g.probe_base = probe_base;
	struct probe_code *codes = arena_alloc(a, (p->probes.n + 1) * sizeof(*codes));
	uint32_t ncodes = 0;
	uint32_t *code_of = arena_alloc(a, (p->probes.n + 1) * sizeof(uint32_t));
	for (uint32_t i = 0; i < p->probes.n; i++) {
		const struct eprobe *ep = p->probes.v[i];
		if (!is_kernel(ep))
			continue;
		res->has_kernel_probes = true;
		struct probe_code pc = { 0 };
		if (gen_probe(&g, ep, &pc) < 0) {
			g.errors++;
			continue;
		}
		if (g.hi > top)
			top = g.hi;
		/* a wildcard's probes differ only in their event: their code is one */
		uint32_t k = 0;
		while (k < ncodes && !same_code(&codes[k], &pc))
			k++;
		if (k == ncodes)
			codes[ncodes++] = pc;
		codes[k].users++;
		code_of[ep->id] = k;
	}
	/* a group's probes dispatched by a switch are each called, not inlined */
	for (uint32_t gi = 0; gi < p->ngroups; gi++) {
		const struct eprobe **gm;
		uint32_t nm = group_members(&g, p, gi, &gm);
		uint32_t ts = tail_start(gm, nm);
		for (uint32_t i = 1; i < ts; i++)
			if (same_guard_var(gm[i - 1], gm[i])) {
				codes[code_of[gm[i - 1]->id]].dispatched = true;
				codes[code_of[gm[i]->id]].dispatched = true;
			}
	}
	place_probes(&g, codes, ncodes, decl, cbs, body);

	/* one program per kernel event group, calling its probes in script order */
	m->groups = arena_alloc(a, (p->ngroups + p->probes.n + 1) * sizeof(*m->groups));
	for (uint32_t gi = 0; gi < p->ngroups; gi++) {
		const struct eprobe *first = NULL;
		for (uint32_t i = 0; i < p->probes.n; i++)
			if (is_kernel(p->probes.v[i]) && p->probes.v[i]->group == gi) {
				first = p->probes.v[i];
				break;
			}
		if (!first)
			continue;	/* every probe of this event runs in userspace */
		const struct gen_kind *k = gen_kind_of(first->at.kind);
		if (!k) {
			bad(&g, &first->loc, "probe point '%s' cannot run in a kernel probe", first->pp);
			continue;
		}
		struct meta_group *mg = &m->groups[m->ngroups++];
		mg->at = first->at;
		mg->prog = S(&g, "group_%u", gi);
		mg->pp = first->pp;
		mg->optional = true;
		mg->loc = first->loc;
		for (uint32_t i = 0; i < p->probes.n; i++)
			if (is_kernel(p->probes.v[i]) && p->probes.v[i]->group == gi &&
			    !p->probes.v[i]->optional)
				mg->optional = false;
		fprintf(body, "static __always_inline int group_%u_run(%s, struct bstap_scratch *S)\n{\n",
			gi, k->ctx_param);
		if (k->entry)
			k->entry(body, gi, &first->at, &mg->at);
		const struct eprobe **members;
		uint32_t all = group_members(&g, p, gi, &members);
		uint32_t nm = tail_start(members, all);
		for (uint32_t i = 0; i < nm;) {
			uint32_t run = guarded_run(members + i, nm - i);
			if (run < 2) {
				emit_call(&g, body, members[i], code_of, "\t");
				i++;
				continue;
			}
			emit_dispatch(&g, body, members + i, run, code_of);
			i += run;
		}
		fprintf(body, "\treturn 0;\n}\n\n");
		const char *section = k->section(a, &first->at);
		if (nm < all)
			emit_tail_cases(&g, body, gi, members + nm, all - nm, code_of, section,
					k->ctx_param);
		/* each nesting level has its own scratch slot (bstap_enter) */
		fprintf(body, "SEC(\"%s\")\nint group_%u(%s)\n{\n", section, gi, k->ctx_param);
		fprintf(body, "\tu32 *D;\n\tstruct bstap_scratch *S = bstap_enter(&D);\n"
			"\tif (!S)\n\t\treturn 0;\n\tS->ctx = ctx;\n\tgroup_%u_run(ctx, S);\n"
			"\tbstap_leave(D);\n", gi);
		if (nm < all) {
			/* after the slot is left: the case program takes its own */
			const struct eprobe *t = members[nm];
			const char *rd = gen_tvar_read(a, t->tvars, t->guard.tvar, t->guard.elem, "key",
						       MAXSTR, NULL);
			fprintf(body, "\t{\n\t\ts64 key;\n\t\t%s\n\t\tif (key >= 0 && key < %u)\n"
				"\t\t\tbpf_tail_call(ctx, &bstap_cases_%u, (u32)key);\n\t}\n",
				rd ? rd : "key = -1;", TAIL_KEYS, gi);
		}
		fprintf(body, "\treturn 0;\n}\n\n");
	}
	/* .return probes that read values from their function's entry: its entry program */
	for (uint32_t i = 0; i < p->probes.n; i++) {
		const struct eprobe *ep = p->probes.v[i];
		uint32_t *eidx, *eelem, n;
		if (!is_kernel(ep) || !ep->tvars || !(n = entry_values(&g, ep, &eidx, &eelem)))
			continue;
		if (gen_entry_prog(a, body, ep, eidx, eelem, n, MAXSTR, &m->groups[m->ngroups]))
			bad(&g, &ep->loc, "%s: an entry value has a size bstap cannot read", ep->pp);
		else
			m->ngroups++;
	}
	fclose(decl);
	fclose(body);
	fclose(cbs);

	if (top > SCRATCH_LIMIT)
		bad(&g, &p->probes.v[0]->loc, "the probes need %u bytes of scratch memory, more than "
		    "the %u bstap allows", top, SCRATCH_LIMIT);

	const char *pps = g.uses_pp ? pp_table(&g) : "";
	if (g.uses_pf)
		pps = S(&g, "%s%s", pps, pf_table(&g));
	/* catch(msg) needs each error site's kind to say what went wrong */
	const char *kinds = "";
	if (g.uses_try) {
		kinds = S(&g, "#define BSTAP_NSITES %u\nstatic const volatile u8 bstap_site_kind[%u] = {",
			  m->nerrs, m->nerrs ? m->nerrs : 1);
		for (uint32_t i = 0; i < m->nerrs; i++)
			kinds = S(&g, "%s%s%u", kinds, !i ? "\n\t" : i % 16 ? ", " : ",\n\t",
				  m->errs[i].kind);
		kinds = S(&g, "%s\n};\n\n", kinds);
	}
	res->c_text = arena_printf(a,
		"/* Generated by bstap from %s. Do not edit. */\n"
		"#define BSTAP_MAXSTR %u\n%s"
		"#define BSTAP_MAXACTION %u\n"
		"#define BSTAP_SCRATCH_SIZE %u\n%s"
		"#include \"bstap.bpf.h\"\n%s\n"
		"static __attribute__((unused)) long bstap_delete_cb(void *map, const void *key, void *val, void *ctx)\n"
		"{\n\tbpf_map_delete_elem(map, key);\n\treturn 0;\n}\n\n"
		"%s\n%s%s%s%s%s",
		/* one string of slack: the verifier bounds dst + n and the length separately */
		p->script_path, MAXSTR,
		STRBUF != MAXSTR ? S(&g, "#define BSTAP_STRBUF %u\n", STRBUF) : "",
		p->maxaction ? p->maxaction : BSTAP_MAXACTION, top + STRBUF,
		gen_sys_decls(p), gen_uses_usdt(p) ? "#include <stdbool.h>\n#include <asm/ptrace.h>\n#include <bpf/usdt.bpf.h>\n" : "", decl_text ? decl_text : "",
		kinds, pps, gen_ctx_decls(a, p), cb_text ? cb_text : "", body_text ? body_text : "");
	res->c_len = strlen(res->c_text);
	free(decl_text);
	free(body_text);
	free(cb_text);
	return g.errors ? -EINVAL : 0;
}
