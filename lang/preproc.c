/* The preprocessor: %( cond %? a %: b %) conditionals, @define macros, $1/@1/$#/@# arguments. */
#include "lex.h"
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/* Macros may use macros, but a self-referencing one must not recurse forever. */
#define MAX_EXPANSION_DEPTH 64
/*
 * Nor may macros that each use another twice (or ten others) multiply beyond memory within that
 * depth: all the macro expansion of one script may produce at most this many tokens (each body
 * token copied, arguments included, and one per expansion). A script of a million tokens is far
 * beyond any real one; reaching it takes well under a second and about 200 MB.
 */
#define MAX_EXPANSION_TOKENS 1000000u
/* Conditionals nest as deep as the parser's blocks may (each level rescans what it encloses). */
#define MAX_COND_DEPTH 1000

struct macro {
	const char *name;	/* without the '@' */
	const char **params;	/* with the '@', as uses inside the body spell them */
	uint32_t nparams;
	struct token *body;
	uint32_t nbody;
	uint32_t line;		/* of its @define */
	struct macro *next;
};

struct pp_match {
	uint32_t then, els, close;	/* indices into pp->base; NO_MATCH: none */
};
#define NO_MATCH UINT32_MAX

struct pp {
	struct arena *a;
	const struct parse_env *env;
	struct macro *macros;
	unsigned depth;
	unsigned cond_depth;		/* %( nesting, macro bodies included */
	/* the token array being preprocessed (the input, or a macro's expanded body) and, for each
	 * %( in it, where its %?, %: and %) are: conditionals cost one pass, however they nest */
	const struct token *base;
	uint32_t nbase;
	struct pp_match *match;
	uint64_t work;			/* tokens macro expansion produced so far (MAX_EXPANSION_TOKENS) */
	bool unwind;			/* an expansion failed: drop the rest of the outermost one */
	const struct token *top_use;	/* the outermost macro use being expanded, its macro, */
	const struct macro *top;
	uint32_t top_start;		/* and where its expansion begins in the output */
};

static void run(struct pp *pp, struct token *t, uint32_t n, struct token_list *out);

/* Errors travel as TK_ERROR tokens so the parser reports them in order and recovers. */
static void emit_error(struct pp *pp, struct token_list *out, const struct token *at,
		       const char *msg)
{
	struct token e = *at;
	e.kind = TK_ERROR;
	e.text = msg;
	e.len = (uint32_t)strlen(msg);
	e.reported = false;
	token_list_push(pp->a, out, &e);
}

static struct macro *find_macro(struct pp *pp, const char *name)
{
	for (struct macro *m = pp->macros; m; m = m->next)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

/* A script argument as an integer: [+-] then a decimal, 0x hex or 0 octal literal. */
static bool arg_number(const char *s, uint64_t *v, bool *neg)
{
	*neg = false;
	if (*s == '-' || *s == '+')
		*neg = *s++ == '-';
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	char *end;
	*v = strtoull(s, &end, 0);
	return *end == 0 && errno != ERANGE;
}

/* The argument a $N / @N token names, or NULL after emitting the error. */
static const char *script_arg(struct pp *pp, const struct token *t, struct token_list *out)
{
	int argc = pp->env->argc;
	if (t->num < 1 || t->num > (uint64_t)argc || !pp->env->argv) {
		emit_error(pp, out, t,
			   arena_printf(pp->a, "command line argument index %llu out of range [1-%d]",
					(unsigned long long)t->num, argc));
		return NULL;
	}
	const char *s = pp->env->argv[t->num - 1];
	return s ? s : "";
}

/* $1 -> number literal, @1 -> string literal, $# / @# -> the argument count. */
static void substitute_arg(struct pp *pp, const struct token *t, struct token_list *out)
{
	struct token r = *t;
	if (t->text[1] == '#') {
		/* $# an unquoted number, @# a quoted one (stap(1)) */
		r.kind = t->kind == TK_AT_ARG ? TK_STR : TK_NUM;
		r.num = (uint64_t)(pp->env->argc > 0 ? pp->env->argc : 0);
		r.text = arena_printf(pp->a, "%d", pp->env->argc > 0 ? pp->env->argc : 0);
		r.len = (uint32_t)strlen(r.text);
		token_list_push(pp->a, out, &r);
		return;
	}
	const char *s = script_arg(pp, t, out);
	if (!s)
		return;
	if (t->kind == TK_AT_ARG) {
		r.kind = TK_STR;
		r.text = s;
		r.len = (uint32_t)strlen(s);
		token_list_push(pp->a, out, &r);
		return;
	}
	uint64_t v;
	bool neg;
	if (!arg_number(s, &v, &neg)) {
		emit_error(pp, out, t,
			   arena_printf(pp->a, "command line argument index %llu is not a number: '%s'",
					(unsigned long long)t->num, s));
		return;
	}
	if (neg) {
		/* "-5" stays two tokens so that "x-$1" still reads as x - (-5) */
		struct token m = *t;
		m.kind = TK_OP;
		m.text = "-";
		m.len = 1;
		token_list_push(pp->a, out, &m);
	}
	r.kind = TK_NUM;
	r.num = v;
	r.text = arena_printf(pp->a, "%llu", (unsigned long long)v);
	r.len = (uint32_t)strlen(r.text);
	token_list_push(pp->a, out, &r);
}

/* ---- conditions ---- */

struct cond {
	struct pp *pp;
	struct token *t;
	uint32_t i, n;
	struct token *err_at;
	const char *err;
};

static struct token *cpeek(struct cond *c)
{
	return c->i < c->n ? &c->t[c->i] : NULL;
}

static void cfail(struct cond *c, struct token *at, const char *msg)
{
	if (c->err)
		return;
	c->err = msg;
	c->err_at = at ? at : &c->t[c->n ? c->n - 1 : 0];
}

static const char *cdescribe(struct cond *c, struct token *t)
{
	return t ? tok_describe(c->pp->a, t) : "'%?'";
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static bool compare_int(int64_t a, const char *op, int64_t b)
{
	if (!strcmp(op, "=="))
		return a == b;
	if (!strcmp(op, "!="))
		return a != b;
	if (!strcmp(op, "<"))
		return a < b;
	if (!strcmp(op, "<="))
		return a <= b;
	if (!strcmp(op, ">"))
		return a > b;
	return a >= b;
}

/* term: '(' cond ')' | NAME OP STRING | ('$#' | '@#' | NUMBER | '$N') OP NUMBER */
static bool cond_or(struct cond *c);

static bool cond_term(struct cond *c)
{
	struct token *t = cpeek(c);
	if (!t) {
		cfail(c, NULL, "expected preprocessor condition before '%?'");
		return false;
	}
	if (tok_is_op(t, "(")) {
		c->i++;
		bool v = cond_or(c);
		struct token *e = cpeek(c);
		if (!e || !tok_is_op(e, ")"))
			cfail(c, e, arena_printf(c->pp->a, "expected ')' in preprocessor condition, got %s",
						 cdescribe(c, e)));
		else
			c->i++;
		return v;
	}
	enum { STRINGY, VERSION, NUMERIC } kind;
	const char *sval = NULL;
	int64_t ival = 0;
	const struct parse_env *env = c->pp->env;
	if (t->kind == TK_IDENT) {
		const char *k = t->text;
		if (!strcmp(k, "kernel_v") || !strcmp(k, "kernel_vr") || !strcmp(k, "systemtap_v")) {
			kind = VERSION;
			sval = !strcmp(k, "kernel_v") ? env->kernel_v :
			       !strcmp(k, "kernel_vr") ? env->kernel_vr : "4.8";
		} else if (!strcmp(k, "arch")) {
			kind = STRINGY;
			sval = env->arch;
		} else if (!strcmp(k, "runtime")) {
			kind = STRINGY;
			sval = env->runtime ? env->runtime : "bpf";
		} else if (!strcmp(k, "systemtap_privilege")) {
			kind = STRINGY;
			sval = "stapdev";
		} else if (!strncmp(k, "CONFIG_", 7)) {
			/* the target kernel's option; one the configuration lacks is unset: "" */
			kind = STRINGY;
			sval = kconfig_value(env->kconfig ? env->kconfig(env->kconfig_ctx) : NULL, k);
		} else if (!strcmp(k, "guru_mode")) {
			kind = NUMERIC;
			ival = 0;
		} else {
			cfail(c, t, arena_printf(c->pp->a,
				"unknown preprocessor condition '%s' (expected kernel_v, kernel_vr, arch, runtime, systemtap_v, CONFIG_..., $# or @#)", k));
			return false;
		}
	} else if (t->kind == TK_DOLLAR_ARG || t->kind == TK_AT_ARG) {
		if (t->text[1] == '#') {
			kind = NUMERIC;
			ival = env->argc;
		} else {
			struct token_list tmp = { 0 };
			const char *s = script_arg(c->pp, t, &tmp);
			if (!s) {
				cfail(c, t, tmp.v[0].text);
				return false;
			}
			uint64_t v;
			bool neg;
			if (t->kind == TK_AT_ARG) {
				kind = STRINGY;
				sval = s;
			} else if (arg_number(s, &v, &neg)) {
				kind = NUMERIC;
				ival = neg ? (int64_t)(0 - v) : (int64_t)v;
			} else {
				cfail(c, t, arena_printf(c->pp->a,
					"command line argument index %llu is not a number: '%s'",
					(unsigned long long)t->num, s));
				return false;
			}
		}
	} else if (t->kind == TK_NUM) {
		kind = NUMERIC;
		ival = (int64_t)t->num;
	} else {
		cfail(c, t, arena_printf(c->pp->a, "expected preprocessor condition, got %s",
					 cdescribe(c, t)));
		return false;
	}
	c->i++;
	struct token *op = cpeek(c);
	static const char *const cmp[] = { "==", "!=", "<", "<=", ">", ">=" };
	bool is_cmp = false;
	for (size_t k = 0; op && op->kind == TK_OP && k < sizeof(cmp) / sizeof(cmp[0]); k++)
		is_cmp |= strcmp(op->text, cmp[k]) == 0;
	if (!is_cmp) {
		cfail(c, op, arena_printf(c->pp->a,
			"expected comparison operator in preprocessor condition, got %s", cdescribe(c, op)));
		return false;
	}
	c->i++;
	struct token *rhs = cpeek(c);
	if (kind == NUMERIC) {
		bool neg = rhs && tok_is_op(rhs, "-");
		struct token *num = neg ? (c->i + 1 < c->n ? &c->t[c->i + 1] : NULL) : rhs;
		if (!num || num->kind != TK_NUM) {
			cfail(c, rhs, arena_printf(c->pp->a,
				"expected number in preprocessor condition, got %s", cdescribe(c, rhs)));
			return false;
		}
		c->i += neg ? 2 : 1;
		int64_t r = neg ? (int64_t)(0 - num->num) : (int64_t)num->num;
		return compare_int(ival, op->text, r);
	}
	if (!rhs || rhs->kind != TK_STR) {
		cfail(c, rhs, arena_printf(c->pp->a,
			"expected string literal in preprocessor condition, got %s", cdescribe(c, rhs)));
		return false;
	}
	c->i++;
	if (!sval)
		sval = "";
	bool eq = !strcmp(op->text, "==") || !strcmp(op->text, "!=");
	if (eq) {
		bool match = has_glob(rhs->text) ? fnmatch(rhs->text, sval, 0) == 0 :
			     kind == VERSION ? strverscmp(sval, rhs->text) == 0 :
					       strcmp(sval, rhs->text) == 0;
		return op->text[0] == '=' ? match : !match;
	}
	int r = kind == VERSION ? strverscmp(sval, rhs->text) : strcmp(sval, rhs->text);
	return compare_int(r, op->text, 0);
}

/* and: term ('&&' term)* */
static bool cond_and(struct cond *c)
{
	bool v = cond_term(c);
	while (cpeek(c) && tok_is_op(cpeek(c), "&&")) {
		c->i++;
		bool r = cond_term(c);
		v = v && r;
	}
	return v;
}

/* cond: and ('||' and)* */
static bool cond_or(struct cond *c)
{
	bool v = cond_and(c);
	while (cpeek(c) && tok_is_op(cpeek(c), "||")) {
		c->i++;
		bool r = cond_and(c);
		v = v || r;
	}
	return v;
}

/* ---- conditionals and macros ---- */

/*
 * Make t[0..n) the array preprocessed now: one pass pairs each %( with its %) and finds its first
 * %? and the first %: after that, at its own level. The previous array's state goes to *save.
 */
static void use_array(struct pp *pp, const struct token *t, uint32_t n, struct pp *save)
{
	if (save) {
		save->base = pp->base;
		save->nbase = pp->nbase;
		save->match = pp->match;
	}
	pp->base = t;
	pp->nbase = n;
	pp->match = arena_alloc(pp->a, (n + 1) * sizeof(*pp->match));
	uint32_t *open = arena_alloc(pp->a, (n + 1) * sizeof(uint32_t)), depth = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct pp_match *top = depth ? &pp->match[open[depth - 1]] : NULL;
		if (t[i].kind == TK_PP_OPEN) {
			pp->match[i] = (struct pp_match){ NO_MATCH, NO_MATCH, NO_MATCH };
			open[depth++] = i;
		} else if (t[i].kind == TK_PP_CLOSE && top) {
			top->close = i;
			depth--;
		} else if (t[i].kind == TK_PP_THEN && top && top->then == NO_MATCH) {
			top->then = i;
		} else if (t[i].kind == TK_PP_ELSE && top && top->then != NO_MATCH && top->els == NO_MATCH) {
			top->els = i;
		}
	}
}

static void restore_array(struct pp *pp, const struct pp *save)
{
	pp->base = save->base;
	pp->nbase = save->nbase;
	pp->match = save->match;
}

/*
 * The index of the %) closing the %( at t[open] (and of its %? and %: in *then and *els), or n if
 * none, within t[0..n), a stretch of the current array.
 */
static uint32_t match_close(struct pp *pp, const struct token *t, uint32_t open, uint32_t n,
			    uint32_t *then, uint32_t *els)
{
	uint32_t b = (uint32_t)(t - pp->base);
	const struct pp_match *m = &pp->match[b + open];
	uint32_t close = m->close == NO_MATCH || m->close - b >= n ? n : m->close - b;
	*then = m->then == NO_MATCH || m->then - b >= close ? n : m->then - b;
	*els = *then == n || m->els == NO_MATCH || m->els - b >= close ? n : m->els - b;
	return close;
}

/* %( cond %? a [%: b] %) starting at t[i]; returns the index after it. */
static uint32_t conditional(struct pp *pp, struct token *t, uint32_t i, uint32_t n,
			    struct token_list *out)
{
	if (pp->cond_depth >= MAX_COND_DEPTH) {
		/* the rest of the enclosing branch goes too: its closers are in there */
		emit_error(pp, out, &t[i], arena_printf(pp->a,
			   "preprocessor conditionals nested too deep (more than %d levels)", MAX_COND_DEPTH));
		return n;
	}
	uint32_t then, els;
	uint32_t close = match_close(pp, t, i, n, &then, &els);
	if (close == n) {
		emit_error(pp, out, &t[i], "unterminated preprocessor conditional: no '%)' for this '%('");
		return n;
	}
	if (then == n) {
		/* report at the first thing that is not part of a condition */
		uint32_t k = i + 1;
		while (k < close && t[k].kind != TK_PP_OPEN && t[k].kind != TK_PP_ELSE)
			k++;
		emit_error(pp, out, &t[k], arena_printf(pp->a,
			   "expected '%%?' after preprocessor condition, got %s", tok_describe(pp->a, &t[k])));
		return close + 1;
	}
	struct cond c = { 0 };
	c.pp = pp;
	c.t = t + i + 1;
	c.n = then - i - 1;
	bool v = cond_or(&c);
	if (!c.err && c.i < c.n)
		cfail(&c, &c.t[c.i], arena_printf(pp->a, "unexpected %s in preprocessor condition",
						   tok_describe(pp->a, &c.t[c.i])));
	if (c.err) {
		emit_error(pp, out, c.err_at ? c.err_at : &t[then], c.err);
		return close + 1;
	}
	pp->cond_depth++;
	if (v)
		run(pp, t + then + 1, (els < close ? els : close) - then - 1, out);
	else if (els < close)
		run(pp, t + els + 1, close - els - 1, out);
	pp->cond_depth--;
	return close + 1;
}

/* After a malformed @define, skip its body too so it is one error, not two. */
static uint32_t skip_body(struct pp *pp, struct token *t, uint32_t i, uint32_t n)
{
	while (i < n && t[i].kind != TK_PP_OPEN && t[i].kind != TK_PP_CLOSE && t[i].kind != TK_AT)
		i++;
	if (i < n && t[i].kind == TK_PP_OPEN) {
		uint32_t then, els, close = match_close(pp, t, i, n, &then, &els);
		return close < n ? close + 1 : n;
	}
	return i;
}

/* @define NAME [ '(' IDENT (',' IDENT)* ')' ] %( body %) */
static uint32_t define(struct pp *pp, struct token *t, uint32_t i, uint32_t n,
		       struct token_list *out)
{
	struct token *kw = &t[i++];
	if (i >= n || t[i].kind != TK_IDENT) {
		emit_error(pp, out, i < n ? &t[i] : kw, "expected macro name after '@define'");
		return skip_body(pp, t, i, n);
	}
	struct macro *m = arena_alloc(pp->a, sizeof(*m));
	m->name = t[i].text;
	struct token *name = &t[i++];
	if (i < n && tok_is_op(&t[i], "(")) {
		i++;
		uint32_t cap = 0;
		for (;;) {
			if (i >= n || t[i].kind != TK_IDENT) {
				emit_error(pp, out, i < n ? &t[i] : name, "expected macro parameter name");
				return skip_body(pp, t, i, n);
			}
			if (m->nparams == cap) {
				uint32_t ncap = cap ? cap * 2 : 4;
				m->params = arena_realloc(pp->a, m->params, cap * sizeof(char *),
							  ncap * sizeof(char *));
				cap = ncap;
			}
			m->params[m->nparams++] = arena_printf(pp->a, "@%s", t[i].text);
			i++;
			if (i < n && tok_is_op(&t[i], ",")) {
				i++;
				continue;
			}
			if (i < n && tok_is_op(&t[i], ")")) {
				i++;
				break;
			}
			emit_error(pp, out, i < n ? &t[i] : name, "expected ',' or ')' in macro parameter list");
			return skip_body(pp, t, i, n);
		}
	}
	if (i >= n || t[i].kind != TK_PP_OPEN) {
		emit_error(pp, out, i < n ? &t[i] : name,
			   arena_printf(pp->a, "expected '%%(' to begin the body of macro '@%s'", m->name));
		return i;
	}
	uint32_t then, els;
	uint32_t close = match_close(pp, t, i, n, &then, &els);
	if (close == n) {
		emit_error(pp, out, &t[i], "unterminated macro body: no '%)' for this '%('");
		return n;
	}
	if (find_macro(pp, m->name)) {
		emit_error(pp, out, name, arena_printf(pp->a, "macro '@%s' is already defined", m->name));
		return close + 1;
	}
	m->body = t + i + 1;
	m->nbody = close - i - 1;
	m->line = kw->loc.line;
	m->next = pp->macros;
	pp->macros = m;
	return close + 1;
}

/*
 * The expansion budget is spent: one error at the outermost use (a line of the script), naming the
 * macro being expanded there and the one that was expanding when the budget ran out, in place of
 * what that use expanded to so far; then unwind.
 */
static void too_much(struct pp *pp, struct token_list *out, const struct macro *m)
{
	out->n = pp->top_start;	/* the parser gets the error, not a million tokens before it */
	const char *inner = m == pp->top ? "" :
		arena_printf(pp->a, ", while expanding '@%s' of line %u", m->name, m->line);
	emit_error(pp, out, pp->top_use, arena_printf(pp->a,
		   "macro expansion too large: more than %u tokens, reached in '@%s'%s",
		   MAX_EXPANSION_TOKENS, pp->top->name, inner));
	pp->unwind = true;
}

/* @NAME or @NAME(arg, ...): substitute the parameters, then preprocess the result. */
static uint32_t expand(struct pp *pp, struct macro *m, struct token *t, uint32_t i, uint32_t n,
		       struct token_list *out)
{
	struct token *use = &t[i++];
	uint32_t *astart = NULL, *aend = NULL, nargs = 0;
	if (m->nparams) {
		if (i >= n || !tok_is_op(&t[i], "(")) {
			emit_error(pp, out, use, arena_printf(pp->a,
				   "macro '@%s' takes %u argument%s", m->name, m->nparams, m->nparams == 1 ? "" : "s"));
			return i;
		}
		i++;
		/* size the argument arrays to the arguments: a use costs no more than its text */
		uint32_t commas = 0;
		for (uint32_t k = i, depth = 0; k < n; k++) {
			if (tok_is_op(&t[k], "(") || tok_is_op(&t[k], "[") || tok_is_op(&t[k], "{"))
				depth++;
			else if ((tok_is_op(&t[k], ")") || tok_is_op(&t[k], "]") || tok_is_op(&t[k], "}")) && depth > 0)
				depth--;
			else if (depth == 0 && tok_is_op(&t[k], ","))
				commas++;
			else if (depth == 0 && tok_is_op(&t[k], ")"))
				break;
		}
		astart = arena_alloc(pp->a, (commas + 2) * sizeof(uint32_t));
		aend = arena_alloc(pp->a, (commas + 2) * sizeof(uint32_t));
		int depth = 0;
		astart[0] = i;
		for (;; i++) {
			if (i >= n) {
				emit_error(pp, out, use, arena_printf(pp->a,
					   "unterminated argument list of macro '@%s'", m->name));
				return n;
			}
			struct token *a = &t[i];
			if (tok_is_op(a, "(") || tok_is_op(a, "[") || tok_is_op(a, "{"))
				depth++;
			else if ((tok_is_op(a, ")") || tok_is_op(a, "]") || tok_is_op(a, "}")) && depth > 0)
				depth--;
			else if (depth == 0 && tok_is_op(a, ",")) {
				aend[nargs++] = i;
				astart[nargs] = i + 1;
			} else if (depth == 0 && tok_is_op(a, ")")) {
				aend[nargs++] = i;
				i++;
				break;
			}
		}
		if (nargs != m->nparams) {
			emit_error(pp, out, use, arena_printf(pp->a,
				   "macro '@%s' takes %u argument%s, got %u", m->name, m->nparams,
				   m->nparams == 1 ? "" : "s", nargs));
			return i;
		}
	}
	if (pp->depth == 0) {
		pp->top_use = use;
		pp->top = m;
		pp->top_start = out->n;
	}
	if (pp->depth >= MAX_EXPANSION_DEPTH) {
		emit_error(pp, out, use, arena_printf(pp->a,
			   "macro expansion too deep (does '@%s' use itself?)", m->name));
		pp->unwind = pp->depth > 0;
		return i;
	}
	/* the body with the arguments in place: counted, charged, then copied to its exact size */
	uint32_t *param = arena_alloc(pp->a, (m->nbody + 1) * sizeof(uint32_t));
	uint64_t size = 0;
	for (uint32_t k = 0; k < m->nbody; k++) {
		struct token *b = &m->body[k];
		uint32_t p = m->nparams;
		if (b->kind == TK_AT)
			for (p = 0; p < m->nparams && strcmp(m->params[p], b->text); p++)
				;
		param[k] = p;
		size += p < m->nparams ? aend[p] - astart[p] : 1;
	}
	/* what it costs: its tokens, or the body walked to place them when the arguments are empty */
	pp->work += (size > m->nbody ? size : m->nbody) + 1;
	if (pp->work > MAX_EXPANSION_TOKENS) {
		too_much(pp, out, m);
	} else {
		struct token_list body = { 0 };
		body.cap = (uint32_t)size;
		body.v = arena_alloc(pp->a, (size + 1) * sizeof(struct token));
		for (uint32_t k = 0; k < m->nbody; k++) {
			uint32_t p = param[k];
			if (p == m->nparams)
				body.v[body.n++] = m->body[k];
			for (uint32_t x = p < m->nparams ? astart[p] : 0; p < m->nparams && x < aend[p]; x++)
				body.v[body.n++] = t[x];
		}
		struct pp save;
		use_array(pp, body.v, body.n, &save);
		pp->depth++;
		run(pp, body.v, body.n, out);
		pp->depth--;
		restore_array(pp, &save);
	}
	if (pp->depth == 0)
		pp->unwind = false;	/* the next use at the top starts afresh (and fails, if out of work) */
	return i;
}

static void run(struct pp *pp, struct token *t, uint32_t n, struct token_list *out)
{
	uint32_t i = 0;
	while (i < n && !pp->unwind) {
		struct token *tk = &t[i];
		switch (tk->kind) {
		case TK_PP_OPEN:
			i = conditional(pp, t, i, n, out);
			continue;
		case TK_PP_THEN:
		case TK_PP_ELSE:
		case TK_PP_CLOSE:
			emit_error(pp, out, tk, arena_printf(pp->a, "'%s' without a matching '%%('", tk->text));
			i++;
			continue;
		case TK_DOLLAR_ARG:
		case TK_AT_ARG:
			substitute_arg(pp, tk, out);
			i++;
			continue;
		case TK_AT:
			if (!strcmp(tk->text, "@define")) {
				i = define(pp, t, i, n, out);
				continue;
			} else {
				struct macro *m = find_macro(pp, tk->text + 1);
				if (m) {
					i = expand(pp, m, t, i, n, out);
					continue;
				}
			}
			break;
		default:
			break;
		}
		token_list_push(pp->a, out, tk);
		i++;
	}
}

struct token_list preprocess(struct arena *a, const struct token_list *in,
			     const struct parse_env *env)
{
	struct pp pp = { 0 };
	pp.a = a;
	pp.env = env;
	struct token_list out = { 0 };
	/* the input always ends with TK_EOF; preprocess what comes before it */
	use_array(&pp, in->v, in->n - 1, NULL);
	run(&pp, in->v, in->n - 1, &out);
	token_list_push(a, &out, &in->v[in->n - 1]);
	return out;
}
