/* Pass 2b: resolve names to symbols, infer long/string/stats types, and check what the grammar cannot. */
#include "prog/builtins.h"
#include "elab.h"
#include "prog/visit.h"
#include "lang/regex_check.h"
#include "prog/format.h"	/* the printf format grammar is shared with the runtime */

#include <inttypes.h>
#include <string.h>

struct scope {
	struct sym_list *locals;	/* where new implicit locals go */
	struct sym_list *params;	/* function params, or NULL */
	struct func *fn;		/* enclosing function, or NULL in a probe */
	const struct tvar_set *tvars;	/* the probe's target variables, or NULL */
};

struct tc {
	struct arena *a;
	struct diag *d;
	struct program *prog;
	struct sym_list globals;	/* every global of every file */
	struct func_list funcs;		/* every function of every file */
	bool changed;
	bool final;			/* last walk: report unresolved types and misplaced statements */
	int loop_depth;
	struct func **todo;		/* mark_used: functions found used whose bodies wait */
	uint32_t ntodo;
	bool hist_ok;			/* a histogram may stand here (print's argument, foreach) */
};

static struct sym *find_sym(const struct sym_list *l, const char *name)
{
	for (uint32_t i = 0; l && i < l->n; i++)
		if (!strcmp(l->v[i]->name, name))
			return l->v[i];
	return NULL;
}

static struct func *find_func(struct tc *tc, const char *name)
{
	for (uint32_t i = 0; i < tc->funcs.n; i++)
		if (!strcmp(tc->funcs.v[i]->name, name))
			return tc->funcs.v[i];
	return NULL;
}

static struct sym *lookup_var(struct tc *tc, struct scope *sc, struct node *v, bool as_array)
{
	struct sym *s = find_sym(sc->params, v->u.var.name);
	if (!s)
		s = find_sym(sc->locals, v->u.var.name);
	if (!s)
		s = find_sym(&tc->globals, v->u.var.name);
	if (!s) {
		if (as_array) {
			diag_error(tc->d, &v->loc,
				   "array '%s' is not declared: arrays must be declared 'global'",
				   v->u.var.name);
			return NULL;
		}
		s = arena_alloc(tc->a, sizeof(*s));
		s->name = v->u.var.name;
		s->kind = S_LOCAL;
		s->loc = v->loc;
		s->index = sc->locals->n;
		sym_list_push(tc->a, sc->locals, s);
	}
	return s;
}

/* Fix a symbol's value type; complain once, naming both places, if it was fixed otherwise. */
static void unify_sym(struct tc *tc, struct sym *s, enum type t, const struct loc *loc)
{
	if (!s || t == T_UNKNOWN || t == T_VOID)
		return;
	if (s->type == T_UNKNOWN) {
		s->type = t;
		s->type_loc = *loc;
		tc->changed = true;
		return;
	}
	if (s->type != t) {
		diag_error(tc->d, loc, "type mismatch: '%s' is used as %s here", s->name,
			   type_str(t));
		diag_note(tc->d, &s->type_loc, "'%s' was first used as %s here", s->name,
			  type_str(s->type));
	}
}

static void unify_key(struct tc *tc, struct sym *s, uint32_t i, enum type t, const struct loc *loc)
{
	if (t == T_UNKNOWN || i >= s->nkeys)
		return;
	if (s->key_types[i] == T_UNKNOWN) {
		s->key_types[i] = t;
		tc->changed = true;
	} else if (s->key_types[i] != t) {
		diag_error(tc->d, loc, "type mismatch: index %u of array '%s' is used as %s here",
			   i + 1, s->name, type_str(t));
		diag_note(tc->d, &s->loc, "'%s' has a %s index there", s->name,
			  type_str(s->key_types[i]));
	}
}

static bool set_keys(struct tc *tc, struct sym *s, uint32_t nkeys, const struct loc *loc)
{
	if (s->kind != S_GLOBAL) {
		diag_error(tc->d, loc, "'%s' is a local, not an array: arrays must be declared 'global'",
			   s->name);
		return false;
	}
	if (!s->nkeys) {
		if (!s->is_array && s->type != T_UNKNOWN && s->type_loc.file) {
			diag_error(tc->d, loc, "'%s' is used as an array here", s->name);
			diag_note(tc->d, &s->type_loc, "'%s' was used as a scalar here", s->name);
			return false;
		}
		s->nkeys = nkeys;
		s->key_types = arena_alloc(tc->a, nkeys * sizeof(enum type));
		s->is_array = true;
		tc->changed = true;
		return true;
	}
	if (s->nkeys != nkeys) {
		diag_error(tc->d, loc, "array '%s' used with %u indexes here, but with %u elsewhere",
			   s->name, nkeys, s->nkeys);
		return false;
	}
	return true;
}

static enum type infer(struct tc *tc, struct scope *sc, struct node *n, bool value_used);
static enum type check_format(struct tc *tc, struct scope *sc, struct node *n,
			      const struct builtin_info *bi);

/* Push a known type down into an expression whose own type is still open. */
static void expect(struct tc *tc, struct scope *sc, struct node *n, enum type t)
{
	if (!n || t == T_UNKNOWN)
		return;
	switch (n->kind) {
	case N_VAR:
		if (n->u.var.sym)
			unify_sym(tc, n->u.var.sym, t, &n->loc);
		break;
	case N_INDEX:
		if (n->u.index.base->u.var.sym)
			unify_sym(tc, n->u.index.base->u.var.sym, t, &n->loc);
		break;
	case N_CALL:
		if (n->u.call.fn && n->u.call.fn->ret == T_UNKNOWN) {
			n->u.call.fn->ret = t;
			n->u.call.fn->ret_loc = n->loc;
			tc->changed = true;
		}
		break;
	case N_TERNARY:
		expect(tc, sc, n->u.tern.t, t);
		expect(tc, sc, n->u.tern.f, t);
		break;
	case N_ASSIGN:
		expect(tc, sc, n->u.assign.lhs, t);
		break;
	default:
		break;
	}
	if (n->type == T_UNKNOWN)
		n->type = t;
	else if (n->type != t && tc->final && n->kind != N_VAR && n->kind != N_INDEX)
		diag_error(tc->d, &n->loc, "type mismatch: expected %s, got %s", type_str(t),
			   type_str(n->type));
}

static void need(struct tc *tc, struct scope *sc, struct node *n, enum type t, const char *what)
{
	enum type got = infer(tc, sc, n, true);
	if (got == T_UNKNOWN) {
		expect(tc, sc, n, t);
		return;
	}
	if (got != t && tc->final)
		diag_error(tc->d, &n->loc, "%s must be a %s, not a %s", what, type_str(t),
			   type_str(got));
}

static void mark_read(struct sym *s)
{
	if (s)
		s->printed = true;
}

static struct sym *array_sym(struct tc *tc, struct scope *sc, struct node *base, uint32_t nkeys)
{
	struct sym *s = base->u.var.sym;
	if (!s) {
		s = lookup_var(tc, sc, base, true);
		base->u.var.sym = s;
	}
	if (s && !set_keys(tc, s, nkeys, &base->loc))
		return NULL;
	return s;
}

static void infer_keys(struct tc *tc, struct scope *sc, struct sym *s, struct node_list *keys)
{
	for (uint32_t i = 0; i < keys->n; i++) {
		if (keys->v[i]->kind == N_EMPTY)
			continue;	/* '*': any key */
		enum type t = infer(tc, sc, keys->v[i], true);
		if (!s)
			continue;
		if (t == T_UNKNOWN)
			expect(tc, sc, keys->v[i], s->key_types[i]);
		else if (t == T_LONG || t == T_STRING)
			unify_key(tc, s, i, t, &keys->v[i]->loc);
		else if (tc->final)
			diag_error(tc->d, &keys->v[i]->loc, "array index must be a long or a string");
	}
}

static bool stat_is_hist(const struct node *n)
{
	return n->kind == N_STATOP && !n->u.statop.bucket &&
	       (n->u.statop.op == OP_HIST_LOG || n->u.statop.op == OP_HIST_LINEAR);
}

/* @hist_* and @variance fix how the statistic is kept: every use must agree. */
static void stat_spec_use(struct tc *tc, struct sym *s, struct node *n)
{
	enum op op = n->u.statop.op;
	const int64_t *p = n->u.statop.p;
	struct stat_spec want = s->stat;
	if (op == OP_VARIANCE) {
		if (p[0] < 0 || p[0] > STAT_MAX_SHIFT) {
			diag_error(tc->d, &n->loc, "the bit shift of @variance must be between 0 and %d",
				   STAT_MAX_SHIFT);
			return;
		}
		if (s->stat.variance && s->stat.shift != (uint32_t)p[0]) {
			diag_error(tc->d, &n->loc, "statistic '%s' is used with two bit shifts of "
				   "@variance (%u and %" PRId64 ")", s->name, s->stat.shift, p[0]);
			return;
		}
		want.variance = 1;
		want.shift = (uint32_t)p[0];
	} else if (op == OP_HIST_LOG) {
		want.hist = STAT_HIST_LOG;
		want.nbuckets = STAT_LOG_BUCKETS;
		want.start = want.stop = want.interval = 0;
	} else if (op == OP_HIST_LINEAR) {
		uint32_t nb = stat_linear_buckets(p[0], p[1], p[2]);
		if (!nb) {
			diag_error(tc->d, &n->loc, "@hist_linear needs an interval above 0 and between 1 "
				   "and %d buckets ((stop - start) / interval + 1)", STAT_MAX_BUCKETS - 2);
			return;
		}
		want.hist = STAT_HIST_LINEAR;
		want.nbuckets = nb;
		want.start = p[0];
		want.stop = p[1];
		want.interval = p[2];
	} else {
		return;
	}
	if (op != OP_VARIANCE && s->stat.hist != STAT_HIST_NONE &&
	    (s->stat.hist != want.hist || s->stat.start != want.start ||
	     s->stat.stop != want.stop || s->stat.interval != want.interval)) {
		diag_error(tc->d, &n->loc, "statistic '%s' is used with two different histograms",
			   s->name);
		diag_note(tc->d, &s->stat_loc, "the other one is here");
		return;
	}
	if (s->stat.hist == STAT_HIST_NONE && want.hist != STAT_HIST_NONE)
		s->stat_loc = n->loc;
	s->stat = want;
}

static enum type infer_call(struct tc *tc, struct scope *sc, struct node *n)
{
	const char *name = n->u.call.name;
	struct node_list *args = &n->u.call.args;
	if (!n->u.call.fn && n->u.call.builtin <= 0 && name[0] == '@' &&
	    (args->n == 3 || !strcmp(name, "@defined"))) {
		/* pass 2 resolved those of the probes' handlers (lang/targets.c) */
		diag_error(tc->d, &n->loc, "%s in a script function: bstap resolves it only in a "
			   "probe's own handler (pass the value as an argument)", name);
		n->u.call.builtin = -2;
		return T_UNKNOWN;
	}
	if (!n->u.call.fn && n->u.call.builtin <= 0) {
		struct func *fn = find_func(tc, name);
		if (fn) {
			n->u.call.fn = fn;
			n->u.call.builtin = -1;
		} else {
			int b = builtin_lookup(name);
			if (b < 0 && funcs_missing(name)) {
				diag_error(tc->d, &n->loc, "'%s' is a SystemTap function bstap does not "
					   "have yet: %s", name, funcs_missing(name));
				n->u.call.builtin = -2;	/* reported */
				return T_UNKNOWN;
			}
			if (b < 0) {
				/* stap: "unresolved function", with no note of its own */
				diag_error(tc->d, &n->loc, "unresolved function '%s'", name);
				n->u.call.builtin = -2;	/* reported */
				return T_UNKNOWN;
			}
			/* builtin ids are stored +1 so that 0 still means "unresolved" */
			n->u.call.builtin = b + 1;
		}
	}
	if (n->u.call.builtin == -2)
		return T_UNKNOWN;
	if (n->u.call.fn) {
		struct func *fn = n->u.call.fn;
		if (args->n != fn->params.n) {
			if (tc->final)
				diag_error(tc->d, &n->loc, "function '%s' takes %u argument%s, %u given",
					   name, fn->params.n, fn->params.n == 1 ? "" : "s", args->n);
			return fn->ret;
		}
		for (uint32_t i = 0; i < args->n; i++) {
			struct sym *p = fn->params.v[i];
			enum type t = infer(tc, sc, args->v[i], true);
			if (t == T_UNKNOWN)
				expect(tc, sc, args->v[i], p->type);
			else if (t == T_LONG || t == T_STRING)
				unify_sym(tc, p, t, &args->v[i]->loc);
		}
		return fn->ret;
	}
	int b = n->u.call.builtin - 1;
	const struct builtin_info *bi = &builtin_table[b];
	if ((int)args->n < bi->min_args || (bi->max_args >= 0 && (int)args->n > bi->max_args)) {
		if (tc->final) {
			if (bi->max_args == bi->min_args)
				diag_error(tc->d, &n->loc, "'%s' takes %d argument%s, %u given", name,
					   bi->min_args, bi->min_args == 1 ? "" : "s", args->n);
			else if ((int)args->n > bi->max_args)
				diag_error(tc->d, &n->loc, "'%s' takes at most %d argument%s, %u given",
					   name, bi->max_args, bi->max_args == 1 ? "" : "s", args->n);
			else
				diag_error(tc->d, &n->loc, "'%s' takes at least %d argument%s, %u given",
					   name, bi->min_args, bi->min_args == 1 ? "" : "s", args->n);
		}
		return bi->ret;
	}
	bool fmt_family = b == B_PRINTF || b == B_SPRINTF || b == B_PRINTD || b == B_PRINTDLN ||
			  b == B_SPRINTD || b == B_SPRINTDLN;
	uint32_t nvalues = args->n - (fmt_family ? 1 : 0);
	if (bi->max_args < 0 && nvalues > BUILTIN_MAXVALUES) {
		if (tc->final)
			diag_error(tc->d, &n->loc, "'%s' takes at most %d values, %u given", name,
				   BUILTIN_MAXVALUES, nvalues);
		return bi->ret;
	}
	if ((b == B_REGEX_MATCH || b == B_REGEX_NOMATCH) && tc->final)
		regex_check(tc->d, n);	/* lang/regex_check.c: a literal POSIX ERE */
	if ((b == B_PRINTF || b == B_SPRINTF) && args->v[0]->kind == N_STR)
		return check_format(tc, sc, n, bi);
	if ((b == B_PRINT || b == B_PRINTLN) && args->n == 1 && stat_is_hist(args->v[0])) {
		tc->hist_ok = true;
		infer(tc, sc, args->v[0], true);
		tc->hist_ok = false;
		return bi->ret;
	}
	for (uint32_t i = 0; i < args->n; i++) {
		struct node *arg = args->v[i];
		if (i == 0 && fmt_family) {
			if ((b == B_PRINTF || b == B_SPRINTF) && arg->kind != N_STR && tc->final) {
				diag_error(tc->d, &arg->loc, "the format of '%s' must be a literal string",
					   name);
				continue;
			}
			need(tc, sc, arg, T_STRING, "the delimiter");
			continue;
		}
		if (bi->argtypes && i < strlen(bi->argtypes)) {
			need(tc, sc, arg, bi->argtypes[i] == 's' ? T_STRING : T_LONG,
			     i ? "this argument" : "the argument");
			continue;
		}
		if (bi->arg0 != T_UNKNOWN && !fmt_family) {
			need(tc, sc, arg, bi->arg0, "the argument");
			continue;
		}
		enum type t = infer(tc, sc, arg, true);
		if (tc->final && t != T_LONG && t != T_STRING)
			diag_error(tc->d, &arg->loc, "argument %u of '%s' has %s type", i + 1, name,
				   t == T_UNKNOWN ? "an unresolved" : type_str(t));
	}
	return bi->ret;
}

/* printf/sprintf: the literal format decides how many arguments and of which types. */
static enum type check_format(struct tc *tc, struct scope *sc, struct node *n,
			      const struct builtin_info *bi)
{
	struct node_list *args = &n->u.call.args;
	struct node *f = args->v[0];
	f->type = T_STRING;
	char err[256];
	struct fmt *fmt = fmt_parse(f->u.str.s, err, sizeof(err));
	if (!fmt) {
		diag_error(tc->d, &f->loc, "%s", err);
		return bi->ret;
	}
	uint32_t given = args->n - 1;
	if (given != (uint32_t)fmt->nargs && tc->final)
		diag_error(tc->d, &n->loc, "'%s' format wants %d argument%s, %u given", bi->name,
			   fmt->nargs, fmt->nargs == 1 ? "" : "s", given);
	for (uint32_t i = 0; i < given; i++) {
		struct node *arg = args->v[i + 1];
		enum type want = i < (uint32_t)fmt->nargs ? fmt->arg_types[i] : T_UNKNOWN;
		enum type t = infer(tc, sc, arg, true);
		if (t == T_UNKNOWN) {
			expect(tc, sc, arg, want);
		} else if (tc->final && want != T_UNKNOWN && t != want) {
			diag_error(tc->d, &arg->loc, "argument %u of '%s' is a %s, but the format "
				   "wants a %s", i + 1, bi->name, type_str(t), type_str(want));
		}
	}
	fmt_free(fmt);
	return bi->ret;
}

static enum type arith(struct tc *tc, struct scope *sc, struct node *l, struct node *r,
		       const char *opname)
{
	(void)opname;
	need(tc, sc, l, T_LONG, "the operand");
	if (r)
		need(tc, sc, r, T_LONG, "the operand");
	return T_LONG;
}

/* Returns the expression's type; value_used says whether its value feeds something (a read). */
static enum type infer(struct tc *tc, struct scope *sc, struct node *n, bool value_used)
{
	enum type t = T_UNKNOWN;
	switch (n->kind) {
	case N_NUM:
		t = T_LONG;
		break;
	case N_STR:
		t = T_STRING;
		break;
	case N_VAR: {
		if (!n->u.var.sym)
			n->u.var.sym = lookup_var(tc, sc, n, false);
		struct sym *s = n->u.var.sym;
		if (!s)
			break;
		if (s->is_array || s->nkeys) {
			diag_error(tc->d, &n->loc, "array '%s' used without an index", s->name);
			n->u.var.sym = NULL;
			break;
		}
		if (s->type == T_STATS && tc->final) {
			diag_error(tc->d, &n->loc,
				   "statistic '%s' can only be read with @count, @sum, @min, @max or "
				   "@avg", s->name);
		}
		if (value_used)
			mark_read(s);
		t = s->type;
		break;
	}
	case N_TARGET:
		if (n->u.var.tvar >= 0 && !sc->fn && sc->tvars &&
		    (uint32_t)n->u.var.tvar < sc->tvars->n) {
			enum tvar_kind k = sc->tvars->v[n->u.var.tvar].kind;
			t = k == TV_CHARS || k == TV_DATALOC ? T_STRING : T_LONG;
			break;
		}
		diag_error(tc->d, &n->loc, "target variable '%s' is not available in this probe",
			   n->u.var.name);
		n->kind = N_NUM;	/* reported once; keep going as a long */
		n->u.num = 0;
		t = T_LONG;
		break;
	case N_INDEX: {
		struct sym *s = array_sym(tc, sc, n->u.index.base, n->u.index.keys.n);
		infer_keys(tc, sc, s, &n->u.index.keys);
		if (!s)
			break;
		if (value_used)
			mark_read(s);
		t = s->type;
		if (t == T_STATS && tc->final)
			diag_error(tc->d, &n->loc,
				   "statistic '%s' can only be read with @count, @sum, @min, @max or "
				   "@avg", s->name);
		break;
	}
	case N_CALL:
		t = infer_call(tc, sc, n);
		break;
	case N_STATOP: {
		struct node *arg = n->u.statop.arg;
		struct sym *s = NULL;
		if (arg->kind == N_VAR) {
			if (!arg->u.var.sym)
				arg->u.var.sym = lookup_var(tc, sc, arg, false);
			s = arg->u.var.sym;
		} else if (arg->kind == N_INDEX) {
			s = array_sym(tc, sc, arg->u.index.base, arg->u.index.keys.n);
			infer_keys(tc, sc, s, &arg->u.index.keys);
		} else {
			diag_error(tc->d, &arg->loc, "%s needs a statistic variable", op_str(n->u.statop.op));
		}
		if (s) {
			unify_sym(tc, s, T_STATS, &arg->loc);
			mark_read(s);
			if (s->kind == S_GLOBAL)
				stat_spec_use(tc, s, n);
		}
		arg->type = T_STATS;
		t = T_LONG;
		if (n->u.statop.bucket) {
			bool ok = tc->hist_ok;
			need(tc, sc, n->u.statop.bucket, T_LONG, "a histogram bucket");
			tc->hist_ok = ok;
		}
		if (stat_is_hist(n)) {
			t = T_STATS;
			if (!tc->hist_ok && tc->final)
				diag_error(tc->d, &n->loc, "a histogram can only be printed with print() "
					   "or println(), or iterated over with foreach");
		}
		tc->hist_ok = false;
		break;
	}
	case N_BINOP: {
		enum op op = n->u.bin.op;
		struct node *l = n->u.bin.l, *r = n->u.bin.r;
		if (op == OP_CONCAT) {
			need(tc, sc, l, T_STRING, "an operand of '.'");
			need(tc, sc, r, T_STRING, "an operand of '.'");
			t = T_STRING;
		} else if (op >= OP_LT && op <= OP_NE) {
			enum type tl = infer(tc, sc, l, true), tr = infer(tc, sc, r, true);
			if (tl == T_UNKNOWN && tr != T_UNKNOWN)
				expect(tc, sc, l, tr);
			else if (tr == T_UNKNOWN && tl != T_UNKNOWN)
				expect(tc, sc, r, tl);
			else if (tl != tr && tc->final)
				diag_error(tc->d, &n->loc, "cannot compare a %s with a %s", type_str(tl),
					   type_str(tr));
			t = T_LONG;
		} else {
			t = arith(tc, sc, l, r, op_str(op));
		}
		break;
	}
	case N_UNOP:
		t = arith(tc, sc, n->u.un.e, NULL, op_str(n->u.un.op));
		break;
	case N_ASSIGN: {
		struct node *lhs = n->u.assign.lhs, *rhs = n->u.assign.rhs;
		enum op op = n->u.assign.op;
		if (lhs->kind != N_VAR && lhs->kind != N_INDEX) {
			diag_error(tc->d, &lhs->loc, "left side of assignment is not a variable or "
				   "array element");
			break;
		}
		if (op == OP_AGG) {
			/* resolve the target without reading it: a statistic has no plain value */
			struct sym *s = NULL;
			if (lhs->kind == N_VAR) {
				if (!lhs->u.var.sym)
					lhs->u.var.sym = lookup_var(tc, sc, lhs, false);
				s = lhs->u.var.sym;
			} else {
				s = array_sym(tc, sc, lhs->u.index.base, lhs->u.index.keys.n);
				infer_keys(tc, sc, s, &lhs->u.index.keys);
			}
			lhs->type = T_STATS;
			if (s)
				s->written = true;
			if (s) {
				if (s->kind != S_GLOBAL)
					diag_error(tc->d, &lhs->loc, "statistic '%s' must be a global",
						   s->name);
				unify_sym(tc, s, T_STATS, &lhs->loc);
			}
			need(tc, sc, rhs, T_LONG, "the value aggregated with '<<<'");
			t = T_VOID;
			break;
		}
		enum type tl = infer(tc, sc, lhs, value_used && op != OP_NONE);
		struct sym *s = lhs->kind == N_VAR ? lhs->u.var.sym : lhs->u.index.base->u.var.sym;
		if (s)
			s->written = true;
		if (op == OP_CONCAT) {
			expect(tc, sc, lhs, T_STRING);
			need(tc, sc, rhs, T_STRING, "the right side of '.='");
			t = T_STRING;
			break;
		}
		if (op != OP_NONE) {
			expect(tc, sc, lhs, T_LONG);
			need(tc, sc, rhs, T_LONG, "the right side of a compound assignment");
			t = T_LONG;
			break;
		}
		enum type tr = infer(tc, sc, rhs, true);
		if (tr == T_STATS || tr == T_VOID) {
			if (tc->final)
				diag_error(tc->d, &rhs->loc, "cannot assign a %s value",
					   tr == T_VOID ? "void" : "statistic");
			break;
		}
		if (tl == T_UNKNOWN)
			expect(tc, sc, lhs, tr);
		else if (tr == T_UNKNOWN)
			expect(tc, sc, rhs, tl);
		else if (tl != tr && s)
			unify_sym(tc, s, tr, &rhs->loc);
		t = tl != T_UNKNOWN ? tl : tr;
		break;
	}
	case N_INCDEC: {
		struct node *lv = n->u.incdec.lv;
		if (lv->kind != N_VAR && lv->kind != N_INDEX) {
			diag_error(tc->d, &lv->loc, "'%s' needs a variable or array element",
				   n->u.incdec.inc ? "++" : "--");
			break;
		}
		enum type lt = infer(tc, sc, lv, false);
		if (lt == T_UNKNOWN)
			expect(tc, sc, lv, T_LONG);
		else if (lt != T_LONG && tc->final)
			diag_error(tc->d, &lv->loc, "'%s' needs a long, not a %s",
				   n->u.incdec.inc ? "++" : "--", type_str(lt));
		/* a bare x++ statement is a pure write (stap PR6954); using its value reads it */
		struct sym *s = lv->kind == N_VAR ? lv->u.var.sym : lv->u.index.base->u.var.sym;
		if (s) {
			s->written = true;
			s->printed = s->printed || value_used;
		}
		t = T_LONG;
		break;
	}
	case N_TERNARY: {
		need(tc, sc, n->u.tern.cond, T_LONG, "a condition");
		enum type a = infer(tc, sc, n->u.tern.t, value_used);
		enum type b = infer(tc, sc, n->u.tern.f, value_used);
		if (a == T_UNKNOWN && b != T_UNKNOWN)
			expect(tc, sc, n->u.tern.t, b);
		else if (b == T_UNKNOWN && a != T_UNKNOWN)
			expect(tc, sc, n->u.tern.f, a);
		else if (a != b && tc->final)
			diag_error(tc->d, &n->loc, "the two branches of '?:' have different types "
				   "(%s and %s)", type_str(a), type_str(b));
		t = a != T_UNKNOWN ? a : b;
		break;
	}
	case N_IN: {
		struct node *arr = n->u.in.arr;
		if (arr->kind != N_VAR) {
			diag_error(tc->d, &arr->loc, "'in' needs an array name");
			break;
		}
		struct sym *s = array_sym(tc, sc, arr, n->u.in.keys.n);
		infer_keys(tc, sc, s, &n->u.in.keys);
		mark_read(s);
		t = T_LONG;
		break;
	}
	default:
		diag_error(tc->d, &n->loc, "statement used as an expression");
		break;
	}
	if (n->type == T_UNKNOWN)
		n->type = t;
	else if (t != T_UNKNOWN)
		n->type = t;
	return n->type;
}

static void check_stmt(struct tc *tc, struct scope *sc, struct node *n);

static void check_block(struct tc *tc, struct scope *sc, struct node_list *l)
{
	for (uint32_t i = 0; i < l->n; i++)
		check_stmt(tc, sc, l->v[i]);
}

/* foreach ([count =] bucket in @hist_*(s)): every bucket's index, in order, and its count. */
static void check_hist_foreach(struct tc *tc, struct scope *sc, struct node *n)
{
	struct node *arr = n->u.foreach.arr;
	if (!stat_is_hist(arr)) {
		if (tc->final)
				diag_error(tc->d, &arr->loc, "foreach iterates over an array or a histogram, "
				   "not %s", op_str(arr->u.statop.op));
		return;
	}
	tc->hist_ok = true;
	infer(tc, sc, arr, true);
	if (n->u.foreach.vars.n != 1 && tc->final)
		diag_error(tc->d, &n->loc, "foreach over a histogram takes one bucket variable");
	if (n->u.foreach.sort_dir && tc->final)
		diag_error(tc->d, &n->loc, "foreach over a histogram cannot be sorted: it visits the "
			   "buckets in order");
	struct node *vars[2] = { n->u.foreach.vars.n ? n->u.foreach.vars.v[0] : NULL,
				 n->u.foreach.value };
	for (int i = 0; i < 2; i++) {
		struct node *v = vars[i];
		if (!v)
			continue;
		if (!v->u.var.sym)
			v->u.var.sym = lookup_var(tc, sc, v, false);
		if (v->u.var.sym && v->u.var.sym->kind == S_GLOBAL)
			diag_error(tc->d, &v->loc, "foreach variable '%s' must be a local",
				   v->u.var.name);
		else if (v->u.var.sym)
			unify_sym(tc, v->u.var.sym, T_LONG, &v->loc);
		v->type = T_LONG;
	}
	if (n->u.foreach.limit)
		need(tc, sc, n->u.foreach.limit, T_LONG, "a foreach limit");
	tc->loop_depth++;
	check_stmt(tc, sc, n->u.foreach.body);
	tc->loop_depth--;
}

static void check_stmt(struct tc *tc, struct scope *sc, struct node *n)
{
	if (!n)
		return;
	switch (n->kind) {
	case N_BLOCK:
		check_block(tc, sc, &n->u.block);
		break;
	case N_EXPR: {
		struct node *e = n->u.expr;
		enum type t = infer(tc, sc, e, false);
		if (tc->final && t == T_UNKNOWN && e->kind != N_CALL)
			diag_error(tc->d, &e->loc, "unresolved type of expression");
		break;
	}
	case N_IF:
		need(tc, sc, n->u.ifs.cond, T_LONG, "an 'if' condition");
		check_stmt(tc, sc, n->u.ifs.then);
		check_stmt(tc, sc, n->u.ifs.els);
		break;
	case N_WHILE:
	case N_FOR:
		if (n->u.loop.init)
			check_stmt(tc, sc, n->u.loop.init);
		if (n->u.loop.cond)
			need(tc, sc, n->u.loop.cond, T_LONG, "a loop condition");
		if (n->u.loop.step)
			check_stmt(tc, sc, n->u.loop.step);
		tc->loop_depth++;
		check_stmt(tc, sc, n->u.loop.body);
		tc->loop_depth--;
		break;
	case N_TRY: {
		struct node *v = n->u.ifs.cond;
		if (v) {
			if (!v->u.var.sym)
				v->u.var.sym = lookup_var(tc, sc, v, false);
			if (v->u.var.sym && v->u.var.sym->kind == S_GLOBAL)
				diag_error(tc->d, &v->loc, "catch variable '%s' must be a local",
					   v->u.var.name);
			else
				unify_sym(tc, v->u.var.sym, T_STRING, &v->loc);
			if (v->u.var.sym)
				v->u.var.sym->written = true;	/* catch assigns the message */
			v->type = T_STRING;
		}
		check_stmt(tc, sc, n->u.ifs.then);
		check_stmt(tc, sc, n->u.ifs.els);
		break;
	}
	case N_FOREACH: {
		struct node *arr = n->u.foreach.arr;
		if (arr->kind == N_STATOP) {
			check_hist_foreach(tc, sc, n);
			break;
		}
		struct sym *s = array_sym(tc, sc, arr, n->u.foreach.vars.n);
		if (s && n->u.foreach.sort_agg != OP_NONE && s->type != T_STATS && tc->final)
			diag_error(tc->d, &arr->loc, "'%s' orders only a foreach over statistics, and "
				   "'%s' is not one", op_str(n->u.foreach.sort_agg), s->name);
		mark_read(s);
		for (uint32_t i = 0; i < n->u.foreach.vars.n; i++) {
			struct node *v = n->u.foreach.vars.v[i];
			if (!v->u.var.sym)
				v->u.var.sym = lookup_var(tc, sc, v, false);
			if (v->u.var.sym && v->u.var.sym->kind == S_GLOBAL)
				diag_error(tc->d, &v->loc, "foreach variable '%s' must be a local",
					   v->u.var.name);
			if (v->u.var.sym)
				v->u.var.sym->written = true;	/* each iteration assigns it */
			if (s && v->u.var.sym) {
				if (s->key_types[i] != T_UNKNOWN)
					unify_sym(tc, v->u.var.sym, s->key_types[i], &v->loc);
				else
					unify_key(tc, s, i, v->u.var.sym->type, &v->loc);
			}
			v->type = v->u.var.sym ? v->u.var.sym->type : T_UNKNOWN;
		}
		struct node *val = n->u.foreach.value;
		if (val) {
			if (!val->u.var.sym)
				val->u.var.sym = lookup_var(tc, sc, val, false);
			if (s && val->u.var.sym && s->type != T_STATS)
				unify_sym(tc, val->u.var.sym, s->type, &val->loc);
			if (val->u.var.sym)
				val->u.var.sym->written = true;
			if (s && s->type == T_STATS && tc->final)
				diag_error(tc->d, &val->loc, "cannot bind the value of statistic array "
					   "'%s': use @count(%s[...]) and friends", s->name, s->name);
			val->type = val->u.var.sym ? val->u.var.sym->type : T_UNKNOWN;
		}
		int nk = (int)n->u.foreach.vars.n;
		if (n->u.foreach.sort_col > nk && n->u.foreach.sort_col != FOREACH_SORT_VALUE)
			diag_error(tc->d, &n->loc, "sort column out of range");
		if (n->u.foreach.limit)
			need(tc, sc, n->u.foreach.limit, T_LONG, "a foreach limit");
		tc->loop_depth++;
		check_stmt(tc, sc, n->u.foreach.body);
		tc->loop_depth--;
		break;
	}
	case N_BREAK:
	case N_CONTINUE:
		if (tc->final && tc->loop_depth == 0)
			diag_error(tc->d, &n->loc, "'%s' outside a loop",
				   n->kind == N_BREAK ? "break" : "continue");
		break;
	case N_NEXT:
		if (tc->final && sc->fn)
			diag_error(tc->d, &n->loc, "'next' is only allowed in a probe handler");
		break;
	case N_RETURN:
		if (!sc->fn) {
			if (tc->final)
				diag_error(tc->d, &n->loc, "'return' outside a function (use 'next' to "
					   "leave a probe handler)");
			break;
		}
		if (n->u.ret) {
			enum type t = infer(tc, sc, n->u.ret, true);
			if (t == T_UNKNOWN) {
				expect(tc, sc, n->u.ret, sc->fn->ret);
			} else if (sc->fn->ret == T_UNKNOWN) {
				sc->fn->ret = t;
				sc->fn->ret_loc = n->u.ret->loc;
				tc->changed = true;
			} else if (sc->fn->ret != t && tc->final) {
				diag_error(tc->d, &n->u.ret->loc, "type mismatch: function '%s' returns %s "
					   "here", sc->fn->name, type_str(t));
				diag_note(tc->d, &sc->fn->ret_loc, "'%s' returns %s here", sc->fn->name,
					  type_str(sc->fn->ret));
			}
		}
		break;
	case N_DELETE: {
		struct node *e = n->u.del;
		struct sym *s = NULL;
		if (e->kind == N_INDEX) {
			s = array_sym(tc, sc, e->u.index.base, e->u.index.keys.n);
			infer_keys(tc, sc, s, &e->u.index.keys);
		} else if (e->kind == N_VAR) {
			if (!e->u.var.sym)
				e->u.var.sym = lookup_var(tc, sc, e, false);
			s = e->u.var.sym;
		} else {
			diag_error(tc->d, &e->loc, "'delete' needs a variable, array or array element");
		}
		if (s)
			s->written = true;
		break;
	}
	case N_EMPTY:
		break;
	default:
		infer(tc, sc, n, false);
		break;
	}
}

/* Run f on every node under n, pre-order, through the shared visitor. */
struct tc_visit {
	struct tc *tc;
	void (*f)(struct tc *, struct node *);
};

static bool tc_visit_node(struct node *n, void *ctx)
{
	struct tc_visit *v = ctx;
	v->f(v->tc, n);
	return true;
}

static void visit(struct tc *tc, struct node *n, void (*f)(struct tc *, struct node *))
{
	struct tc_visit v = { tc, f };
	ast_visit(n, tc_visit_node, &v);
}

/* Functions reachable from the probes: a worklist, so a long call chain needs no deep stack. */
static void mark_used(struct tc *tc, struct node *n)
{
	if (n->kind != N_CALL)
		return;
	struct func *fn = find_func(tc, n->u.call.name);
	if (fn && !fn->used) {
		fn->used = true;
		tc->todo[tc->ntodo++] = fn;	/* each function once: funcs.n is enough */
	}
}

/* Globals the program touches, collected after resolution. */
static void collect_global(struct tc *tc, struct node *n)
{
	if (n->kind != N_VAR)
		return;
	struct sym *s = n->u.var.sym;
	if (!s || s->kind != S_GLOBAL)
		return;
	for (uint32_t i = 0; i < tc->prog->globals.n; i++)
		if (tc->prog->globals.v[i] == s)
			return;
	sym_list_push(tc->a, &tc->prog->globals, s);
}

/* Inference stores builtin ids off by one (0 = unresolved); store the real id, -1 for none. */
static void fix_builtin(struct tc *tc, struct node *n)
{
	(void)tc;
	if (n->kind == N_CALL)
		n->u.call.builtin = n->u.call.fn ? -1 : n->u.call.builtin - 1;
}

static void walk_all(struct tc *tc)
{
	struct program *p = tc->prog;
	for (uint32_t i = 0; i < p->probes.n; i++) {
		struct eprobe *ep = p->probes.v[i];
		struct scope sc = { &ep->locals, NULL, NULL, ep->tvars };
		tc->loop_depth = 0;
		if (ep->cond)
			need(tc, &sc, ep->cond, T_LONG, "a probe condition");
		check_stmt(tc, &sc, ep->body);
	}
	for (uint32_t i = 0; i < tc->funcs.n; i++) {
		struct func *fn = tc->funcs.v[i];
		if (!fn->used)
			continue;
		struct scope sc = { &fn->locals, &fn->params, fn, NULL };
		tc->loop_depth = 0;
		check_stmt(tc, &sc, fn->body);
	}
}

static void check_resolved(struct tc *tc, struct sym_list *l, const char *what)
{
	for (uint32_t i = 0; i < l->n; i++) {
		struct sym *s = l->v[i];
		if (s->type == T_UNKNOWN)
			diag_error(tc->d, &s->loc, "unresolved type for %s '%s'", what, s->name);
		for (uint32_t k = 0; k < s->nkeys; k++)
			if (s->key_types[k] == T_UNKNOWN) {
				diag_error(tc->d, &s->loc, "unresolved type for index %u of array '%s'",
					   k + 1, s->name);
				break;
			}
	}
}

/*
 * -G NAME=VALUE: like stap, a global whose type nothing in the script fixes takes the value's,
 * a number making it a long and anything else a string. Returns whether a type was fixed (so
 * inference runs again).
 */
static bool type_from_settings(struct tc *tc, const struct global_setting *gs, int n)
{
	bool fixed = false;
	for (int i = 0; i < n; i++) {
		struct sym *s = find_sym(&tc->globals, gs[i].name);
		if (s && !s->is_array && !s->nkeys && s->type == T_UNKNOWN) {
			s->type = gs[i].number ? T_LONG : T_STRING;
			s->type_loc = s->loc;
			fixed = true;
		}
	}
	return fixed;
}

/* Each -G must name a scalar global of the script. */
static void check_settings(struct tc *tc, const struct global_setting *gs, int n)
{
	for (int i = 0; i < n; i++) {
		struct sym *s = find_sym(&tc->globals, gs[i].name);
		if (!s)
			diag_semantic(tc->d, "-G %s: the script has no global variable '%s'",
				      gs[i].name, gs[i].name);
		else if (s->is_array || s->nkeys || s->type == T_STATS)
			diag_semantic(tc->d, "-G %s: '%s' is %s; -G sets only a number or a string",
				      gs[i].name, s->name,
				      s->type == T_STATS ? "a statistic" : "an array");
	}
}

/* Walk until nothing changes: each walk can only fix more types. */
static int infer_fixed_point(struct tc *tc)
{
	for (int round = 0; round < 64; round++) {
		tc->changed = false;
		int before = diag_error_count(tc->d);
		walk_all(tc);
		if (diag_error_count(tc->d) > before)
			return -1;
		if (!tc->changed)
			break;
	}
	return 0;
}

/*
 * stap's "never-assigned local variable": a local read but never assigned anywhere in its
 * probe (prologues included) or function is most often a misspelling; it reads as 0 or "".
 * Said once per variable, at its first use; not for the libraries' own code.
 */
static void warn_unassigned(struct tc *tc, const struct sym_list *locals, struct stp_file **files,
			    int nfiles)
{
	for (uint32_t i = 0; i < locals->n; i++) {
		const struct sym *s = locals->v[i];
		if (s->written || s->kind != S_LOCAL || !s->loc.file)
			continue;
		bool library = false;
		for (int f = 0; f < nfiles && !library; f++)
			library = files[f]->is_tapset && files[f]->src == s->loc.file;
		if (!library)
			diag_warn(tc->d, &s->loc, "never-assigned local variable '%s'", s->name);
	}
}

int types_check(struct arena *a, struct diag *d, struct program *p, struct stp_file **files,
		int nfiles, const struct global_setting *settings, int nsettings)
{
	struct tc tc = { .a = a, .d = d, .prog = p };
	for (int i = 0; i < nfiles; i++) {
		struct stp_file *f = files[i];
		for (uint32_t g = 0; g < f->globals.n; g++) {
			struct sym *s = f->globals.v[g];
			struct sym *prev = find_sym(&tc.globals, s->name);
			if (prev) {
				diag_error(d, &s->loc, "global '%s' declared twice", s->name);
				diag_note(d, &prev->loc, "first declared here");
				continue;
			}
			s->kind = S_GLOBAL;
			if (f->is_tapset)
				s->tapset = f->src->path;
			if (s->max_entries)
				s->is_array = true;
			if (s->init) {
				struct node *v = s->init;
				enum type t = v->kind == N_STR ? T_STRING : T_LONG;
				unify_sym(&tc, s, t, &v->loc);
				s->written = true;
			}
			sym_list_push(a, &tc.globals, s);
		}
		for (uint32_t k = 0; k < f->funcs.n; k++) {
			struct func *fn = f->funcs.v[k];
			struct func *prev = find_func(&tc, fn->name);
			if (prev) {
				diag_error(d, &fn->loc, "function '%s' defined twice", fn->name);
				diag_note(d, &prev->loc, "first defined here");
				continue;
			}
			int bid = builtin_lookup(fn->name);
			if (bid >= 0 && !builtin_table[bid].tapset) {
				diag_error(d, &fn->loc, "function '%s' redefines a built-in function",
					   fn->name);
				continue;
			}
			for (uint32_t q = 0; q < fn->params.n; q++) {
				fn->params.v[q]->kind = S_PARAM;
				fn->params.v[q]->index = q;
				if (fn->params.v[q]->type != T_UNKNOWN)
					fn->params.v[q]->type_loc = fn->params.v[q]->loc;
			}
			if (fn->ret != T_UNKNOWN)
				fn->ret_loc = fn->loc;
			func_list_push(a, &tc.funcs, fn);
		}
	}
	if (diag_error_count(d))
		return -1;

	tc.todo = arena_alloc(a, (tc.funcs.n + 1) * sizeof(*tc.todo));
	for (uint32_t i = 0; i < p->probes.n; i++) {
		visit(&tc, p->probes.v[i]->body, mark_used);
		visit(&tc, p->probes.v[i]->cond, mark_used);
	}
	while (tc.ntodo)
		visit(&tc, tc.todo[--tc.ntodo]->body, mark_used);

	if (infer_fixed_point(&tc))
		return -1;
	if (type_from_settings(&tc, settings, nsettings) && infer_fixed_point(&tc))
		return -1;
	check_settings(&tc, settings, nsettings);
	if (diag_error_count(d))
		return -1;
	tc.final = true;
	walk_all(&tc);
	if (diag_error_count(d))
		return -1;

	for (uint32_t i = 0; i < p->probes.n; i++) {
		struct eprobe *ep = p->probes.v[i];
		warn_unassigned(&tc, &ep->locals, files, nfiles);
		check_resolved(&tc, &ep->locals, "local");
		visit(&tc, ep->body, collect_global);
		visit(&tc, ep->cond, collect_global);
		visit(&tc, ep->body, fix_builtin);
		visit(&tc, ep->cond, fix_builtin);
	}
	for (uint32_t i = 0; i < tc.funcs.n; i++) {
		struct func *fn = tc.funcs.v[i];
		if (!fn->used)
			continue;
		check_resolved(&tc, &fn->params, "parameter");
		warn_unassigned(&tc, &fn->locals, files, nfiles);
		check_resolved(&tc, &fn->locals, "local");
		if (fn->ret == T_UNKNOWN)
			fn->ret = T_VOID;
		fn->id = p->funcs.n;
		func_list_push(a, &p->funcs, fn);
		visit(&tc, fn->body, collect_global);
		visit(&tc, fn->body, fix_builtin);
	}
	/* keep declaration order for the exit-time display */
	struct sym_list ordered = { 0 };
	for (uint32_t i = 0; i < tc.globals.n; i++)
		for (uint32_t j = 0; j < p->globals.n; j++)
			if (p->globals.v[j] == tc.globals.v[i]) {
				tc.globals.v[i]->index = ordered.n;
				sym_list_push(a, &ordered, tc.globals.v[i]);
			}
	p->globals = ordered;
	check_resolved(&tc, &p->globals, "global");
	return diag_error_count(d) ? -1 : 0;
}
