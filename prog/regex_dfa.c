/*
 * POSIX extended regular expressions to a DFA, for kernel probes: parse the pattern into a
 * small tree, build a Thompson NFA from it (a{m,n} repeats the operand's automaton), then
 * subset-construct a DFA over bytes. The search is unanchored: the start state joins every
 * step's set, except for '^', which holds only before the first byte; '$' holds only at the
 * string's end, so each DFA state says whether a match ends in it now (bit 0) or would if the
 * string ended (bit 1). A state where a match ended loops on itself: the answer is known.
 */
#include "prog/regex_dfa.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXNODES 4096
#define MAXREP 255

/* the pattern's tree */
enum { A_SET, A_EMPTY, A_CAT, A_ALT, A_REP, A_BOL, A_EOL };
struct ast {
	int kind;
	struct ast *a, *b;
	int min, max;		/* A_REP: max -1 for no bound */
	uint64_t set[4];	/* A_SET: the bytes it matches */
};

/* the NFA */
enum { N_EPS, N_SPLIT, N_SET, N_BOL, N_EOL, N_MATCH };
struct nnode {
	int kind, out, out2;
	uint64_t set[4];
};

struct re {
	const char *s;
	size_t len, i;
	int depth, err;
	char *why;
	size_t whylen;
	struct ast **all;	/* every tree node, to free */
	size_t nall, capall;
	struct nnode *n;
	int nn;
};

static void fail(struct re *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct re *r, const char *fmt, ...)
{
	if (r->err)
		return;
	r->err = 1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->why, r->whylen, fmt, ap);
	va_end(ap);
}

static struct ast *mk(struct re *r, int kind)
{
	if (r->nall == r->capall) {
		size_t cap = r->capall ? r->capall * 2 : 64;
		struct ast **v = realloc(r->all, cap * sizeof(*v));
		if (!v) {
			fail(r, "out of memory");
			return NULL;
		}
		r->all = v;
		r->capall = cap;
	}
	struct ast *x = calloc(1, sizeof(*x));
	if (!x) {
		fail(r, "out of memory");
		return NULL;
	}
	x->kind = kind;
	r->all[r->nall++] = x;
	return x;
}

static void set_add(uint64_t *set, int c)
{
	if (c > 0 && c < 256)
		set[c >> 6] |= 1ull << (c & 63);
}

static int set_has(const uint64_t *set, int c)
{
	return (set[c >> 6] >> (c & 63)) & 1;
}

static struct ast *byte_set(struct re *r, int c)
{
	struct ast *x = mk(r, A_SET);
	if (x)
		set_add(x->set, c);
	return x;
}

static int in_class(const char *name, size_t n, int c)
{
#define IS(s) (n == strlen(s) && !memcmp(name, s, n))
	if (c >= 128)
		return 0;	/* the C locale's classes are ASCII */
	if (IS("alpha")) return isalpha(c) != 0;
	if (IS("digit")) return isdigit(c) != 0;
	if (IS("alnum")) return isalnum(c) != 0;
	if (IS("upper")) return isupper(c) != 0;
	if (IS("lower")) return islower(c) != 0;
	if (IS("space")) return isspace(c) != 0;
	if (IS("blank")) return c == ' ' || c == '\t';
	if (IS("punct")) return ispunct(c) != 0;
	if (IS("print")) return isprint(c) != 0;
	if (IS("graph")) return isgraph(c) != 0;
	if (IS("cntrl")) return iscntrl(c) != 0;
	if (IS("xdigit")) return isxdigit(c) != 0;
	return -1;
#undef IS
}

/* after '[': a bracket expression, to its ']' */
static struct ast *bracket(struct re *r)
{
	struct ast *x = mk(r, A_SET);
	if (!x)
		return NULL;
	int neg = 0;
	if (r->i < r->len && r->s[r->i] == '^') {
		neg = 1;
		r->i++;
	}
	for (int first = 1;; first = 0) {
		if (r->i >= r->len) {
			fail(r, "unmatched [");
			return NULL;
		}
		unsigned char c = (unsigned char)r->s[r->i];
		if (c == ']' && !first) {
			r->i++;
			break;
		}
		if (c == '[' && r->i + 1 < r->len && strchr(":.=", r->s[r->i + 1])) {
			char k = r->s[r->i + 1];
			const char *name = r->s + r->i + 2, *end = NULL;
			for (const char *q = name; q + 1 < r->s + r->len; q++)
				if (q[0] == k && q[1] == ']') {
					end = q;
					break;
				}
			if (!end || k != ':') {
				fail(r, "collating elements and equivalence classes ([. .] [= =])");
				return NULL;
			}
			if (in_class(name, (size_t)(end - name), 'a') < 0) {
				fail(r, "the character class [:%.*s:]", (int)(end - name), name);
				return NULL;
			}
			for (int b = 1; b < 256; b++)
				if (in_class(name, (size_t)(end - name), b) == 1)
					set_add(x->set, b);
			r->i = (size_t)(end - r->s) + 2;
			continue;
		}
		int lo = c, hi = c;
		r->i++;
		if (r->i + 1 < r->len && r->s[r->i] == '-' && r->s[r->i + 1] != ']') {
			hi = (unsigned char)r->s[r->i + 1];
			r->i += 2;
		}
		for (int b = lo; b <= hi; b++)
			set_add(x->set, b);
	}
	if (neg)
		for (int w = 0; w < 4; w++)
			x->set[w] = ~x->set[w];
	x->set[0] &= ~1ull;	/* never the NUL that ends the string */
	return x;
}

static struct ast *alt(struct re *r);

static struct ast *atom(struct re *r)
{
	unsigned char c = (unsigned char)r->s[r->i++];
	switch (c) {
	case '(': {
		if (++r->depth > 100) {
			fail(r, "more than 100 nested groups");
			return NULL;
		}
		struct ast *x = alt(r);
		if (r->err)
			return NULL;
		if (r->i >= r->len || r->s[r->i] != ')') {
			fail(r, "unmatched (");
			return NULL;
		}
		r->i++;
		r->depth--;
		return x;
	}
	case '.': {
		struct ast *x = mk(r, A_SET);
		if (x)
			for (int b = 1; b < 256; b++)
				set_add(x->set, b);
		return x;
	}
	case '[':
		return bracket(r);
	case '^':
		return mk(r, A_BOL);
	case '$':
		return mk(r, A_EOL);
	case '\\': {
		if (r->i >= r->len) {
			fail(r, "a trailing backslash");
			return NULL;
		}
		unsigned char e = (unsigned char)r->s[r->i++];
		if (e >= '1' && e <= '9') {
			fail(r, "back-references (\\%c)", e);
			return NULL;
		}
		if (strchr("bB<>`'", e)) {
			fail(r, "word and buffer boundaries (\\%c)", e);
			return NULL;
		}
		if (strchr("wWsS", e)) {	/* GNU: \w word characters, \s white space */
			struct ast *x = mk(r, A_SET);
			if (!x)
				return NULL;
			for (int b = 1; b < 256; b++) {
				int in = e == 'w' || e == 'W' ? b < 128 && (isalnum(b) || b == '_')
							      : b < 128 && isspace(b);
				if (in == (e == 'w' || e == 's'))
					set_add(x->set, b);
			}
			return x;
		}
		return byte_set(r, e);
	}
	default:
		return byte_set(r, c);
	}
}

static int number(struct re *r)
{
	int v = 0;
	while (r->i < r->len && isdigit((unsigned char)r->s[r->i]) && v <= 100000)
		v = v * 10 + (r->s[r->i++] - '0');
	return v;
}

static struct ast *piece(struct re *r)
{
	struct ast *x = atom(r);
	while (!r->err && x && r->i < r->len) {
		char c = r->s[r->i];
		int min, max;
		if (c == '*' || c == '+' || c == '?') {
			r->i++;
			min = c == '+';
			max = c == '?' ? 1 : -1;
		} else if (c == '{' && r->i + 1 < r->len && isdigit((unsigned char)r->s[r->i + 1])) {
			r->i++;
			min = max = number(r);
			if (r->i < r->len && r->s[r->i] == ',') {
				r->i++;
				max = r->i < r->len && isdigit((unsigned char)r->s[r->i]) ? number(r) : -1;
			}
			if (r->i >= r->len || r->s[r->i] != '}' || (max >= 0 && max < min)) {
				fail(r, "a bad interval {m,n}");
				return NULL;
			}
			r->i++;
			if (min > MAXREP || max > MAXREP) {
				fail(r, "an interval over %d", MAXREP);
				return NULL;
			}
		} else {
			break;
		}
		struct ast *q = mk(r, A_REP);
		if (!q)
			return NULL;
		q->a = x;
		q->min = min;
		q->max = max;
		x = q;
	}
	return x;
}

static struct ast *two(struct re *r, int kind, struct ast *a, struct ast *b)
{
	if (!a)
		return b;
	struct ast *x = mk(r, kind);
	if (x) {
		x->a = a;
		x->b = b;
	}
	return x;
}

static struct ast *branch(struct re *r)
{
	struct ast *x = NULL;
	while (!r->err && r->i < r->len && r->s[r->i] != '|' && (r->s[r->i] != ')' || !r->depth))
		x = two(r, A_CAT, x, piece(r));
	return x ? x : mk(r, A_EMPTY);
}

static struct ast *alt(struct re *r)
{
	struct ast *x = branch(r);
	while (!r->err && r->i < r->len && r->s[r->i] == '|') {
		r->i++;
		x = two(r, A_ALT, x, branch(r));
	}
	return x;
}

/* NFA fragments: start node s, and e, an N_EPS whose out is still open */
struct frag {
	int s, e;
};

static int node(struct re *r, int kind, int out, int out2)
{
	if (r->nn >= MAXNODES) {
		fail(r, "more than %d automaton states", MAXNODES);
		return 0;
	}
	struct nnode *n = &r->n[r->nn];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->out = out;
	n->out2 = out2;
	return r->nn++;
}

static struct frag cat(struct re *r, struct frag a, struct frag b)
{
	r->n[a.e].out = b.s;
	return (struct frag){ a.s, b.e };
}

static struct frag build(struct re *r, const struct ast *x)
{
	struct frag f = { 0, 0 };
	if (r->err)
		return f;
	switch (x->kind) {
	case A_EMPTY:
		f.s = f.e = node(r, N_EPS, -1, -1);
		return f;
	case A_SET: case A_BOL: case A_EOL:
		f.e = node(r, N_EPS, -1, -1);
		f.s = node(r, x->kind == A_SET ? N_SET : x->kind == A_BOL ? N_BOL : N_EOL, f.e, -1);
		memcpy(r->n[f.s].set, x->set, sizeof(x->set));
		return f;
	case A_CAT: {
		struct frag a = build(r, x->a), b = build(r, x->b);
		return r->err ? f : cat(r, a, b);
	}
	case A_ALT: {
		struct frag a = build(r, x->a), b = build(r, x->b);
		f.e = node(r, N_EPS, -1, -1);
		f.s = node(r, N_SPLIT, a.s, b.s);
		if (r->err)
			return f;
		r->n[a.e].out = f.e;
		r->n[b.e].out = f.e;
		return f;
	}
	default: {	/* A_REP: min copies, then a star or (max - min) optional copies */
		f.s = f.e = node(r, N_EPS, -1, -1);
		for (int k = 0; k < x->min && !r->err; k++)
			f = cat(r, f, build(r, x->a));
		int opt = x->max < 0 ? 1 : x->max - x->min;
		for (int k = 0; k < opt && !r->err; k++) {
			struct frag a = build(r, x->a);
			struct frag o = { node(r, N_SPLIT, a.s, -1), node(r, N_EPS, -1, -1) };
			if (r->err)
				return f;
			r->n[o.s].out2 = o.e;
			r->n[a.e].out = x->max < 0 ? o.s : o.e;
			f = cat(r, f, o);
		}
		return f;
	}
	}
}

/* the epsilon closure of the nodes in 'from', into 'to': the byte-reading nodes, MATCH, and
 * the '$' nodes not passed ('^' passes only if bol, '$' only if eol) */
static void closure(const struct re *r, const uint64_t *from, uint64_t *to, int bol, int eol,
		    uint64_t *seen, int *stack)
{
	int words = (r->nn + 63) / 64, sp = 0;
	memset(seen, 0, (size_t)words * 8);
	memset(to, 0, (size_t)words * 8);
	for (int k = 0; k < r->nn; k++)
		if ((from[k >> 6] >> (k & 63)) & 1) {
			seen[k >> 6] |= 1ull << (k & 63);
			stack[sp++] = k;
		}
	while (sp) {
		int k = stack[--sp];
		const struct nnode *n = &r->n[k];
		int next[2] = { -1, -1 };
		switch (n->kind) {
		case N_EPS: next[0] = n->out; break;
		case N_SPLIT: next[0] = n->out; next[1] = n->out2; break;
		case N_BOL: if (bol) next[0] = n->out; break;
		case N_EOL:
			if (eol)
				next[0] = n->out;
			else
				to[k >> 6] |= 1ull << (k & 63);
			break;
		default:	/* N_SET, N_MATCH */
			to[k >> 6] |= 1ull << (k & 63);
		}
		for (int j = 0; j < 2; j++) {
			int m = next[j];
			if (m >= 0 && !((seen[m >> 6] >> (m & 63)) & 1)) {
				seen[m >> 6] |= 1ull << (m & 63);
				stack[sp++] = m;
			}
		}
	}
}

static int has_match(const struct re *r, const uint64_t *set)
{
	for (int k = 0; k < r->nn; k++)
		if (((set[k >> 6] >> (k & 63)) & 1) && r->n[k].kind == N_MATCH)
			return 1;
	return 0;
}

int regex_dfa_build(const char *pat, size_t len, struct regex_dfa *out, char *why, size_t whylen)
{
	struct re r = { .s = pat, .len = len, .why = why, .whylen = whylen };
	memset(out, 0, sizeof(*out));
	if (len > 1000)
		fail(&r, "patterns longer than 1000 bytes");
	struct ast *tree = r.err ? NULL : alt(&r);
	if (!r.err && r.i < r.len)
		fail(&r, "an unmatched )");
	r.n = calloc(MAXNODES, sizeof(*r.n));
	if (!r.n)
		fail(&r, "out of memory");
	int start = 0;
	if (!r.err) {
		struct frag f = build(&r, tree);
		int m = node(&r, N_MATCH, -1, -1);
		if (!r.err) {
			r.n[f.e].out = m;
			start = f.s;
		}
	}
	for (size_t k = 0; k < r.nall; k++)
		free(r.all[k]);
	free(r.all);
	int words = (r.nn + 63) / 64, rc = -1;
	size_t wb = (size_t)(words ? words : 1) * 8;
	uint64_t *sets = calloc(REGEX_DFA_MAXSTATES, wb), *from = calloc(1, wb),
		 *to = calloc(1, wb), *seen = calloc(1, wb);
	int *stack = calloc((size_t)r.nn + 1, sizeof(int));
	if (!r.err && (!sets || !from || !to || !seen || !stack))
		fail(&r, "out of memory");
	if (r.err)
		goto done;
	uint64_t *set0 = sets;
	from[start >> 6] |= 1ull << (start & 63);
	closure(&r, from, set0, 1, 0, seen, stack);
	out->nstates = 1;
	for (uint32_t k = 0; k < out->nstates; k++) {
		uint64_t *cur = (uint64_t *)((char *)sets + k * wb);
		if (has_match(&r, cur)) {
			out->acc[k] = 3;
			memset(out->next[k], (int)k, 256);
			continue;
		}
		closure(&r, cur, to, k == 0, 1, seen, stack);
		out->acc[k] = has_match(&r, to) ? 2 : 0;
		for (int c = 1; c < 256; c++) {
			memset(from, 0, wb);
			from[start >> 6] |= 1ull << (start & 63);	/* a match may start here */
			for (int j = 0; j < r.nn; j++)
				if (((cur[j >> 6] >> (j & 63)) & 1) && r.n[j].kind == N_SET &&
				    set_has(r.n[j].set, c))
					from[r.n[j].out >> 6] |= 1ull << (r.n[j].out & 63);
			closure(&r, from, to, 0, 0, seen, stack);
			uint32_t t = 1;
			while (t < out->nstates && memcmp((char *)sets + t * wb, to, wb))
				t++;
			if (t == out->nstates) {
				if (t == REGEX_DFA_MAXSTATES) {
					fail(&r, "more than %d DFA states", REGEX_DFA_MAXSTATES);
					goto done;
				}
				memcpy((char *)sets + t * wb, to, wb);
				out->nstates++;
			}
			out->next[k][c] = (uint8_t)t;
		}
	}
	rc = 0;
done:
	free(sets);
	free(from);
	free(to);
	free(seen);
	free(stack);
	free(r.n);
	return rc;
}

int regex_dfa_match(const struct regex_dfa *d, const char *s)
{
	uint32_t st = 0;
	if (d->acc[0] & 1)
		return 1;
	for (; *s; s++) {
		st = d->next[st][(unsigned char)*s];
		if (d->acc[st] & 1)
			return 1;
	}
	return (d->acc[st] & 2) != 0;
}
