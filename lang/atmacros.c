/*
 * Pass 2: the tapset macros that depend on the probe they sit in, resolved per concrete probe
 * before target variables are (lang/targets.c), as stap resolves them while elaborating:
 *   @defined(expr)        1 when every target variable in expr is one the probe's event
 *                         offers, else 0 (in a function: 0 for any target variable)
 *   @choose_defined(a, b) a when @defined(a), else b
 *   @try_assign(lv, e)    the statement try { lv = e } catch { }
 * A branch that an @defined makes dead (if/else, ?:, &&, ||, !, == / != a number) is dropped
 * here, so that the target variables in it are never resolved: `if (@defined($x)) print($x)`
 * compiles where $x does not exist, as in stap. @var("name") and @this1..@this8 are read by the parser.
 */
#include "lang/elab.h"

#include <stdlib.h>
#include <string.h>

#include "lang/syntax.h"
#include "prog/visit.h"

struct mctx {
	struct arena *a;
	struct diag *d;
	const struct tvar_set *tv;	/* NULL: no target variables (functions, begin, timers) */
	struct node_list folded;	/* the constants an @defined became */
	int errors;
};

static bool is_macro(const struct node *n, const char *name)
{
	return n && n->kind == N_CALL && n->u.call.name && !strcmp(n->u.call.name, name);
}

/* Whether $name (as the parser keeps it: "$f", "$f[2]", "$f$", "$f->m", "$$parms") resolves. */
static bool tvar_resolves(const struct tvar_set *tv, const char *name)
{
	if (!tv)
		return false;
	if (!strncmp(name, "@entry(", 7))
		name += 7;	/* @entry($x): as $x (a kernel function's .return keeps it) */
	name++;	/* past '$' */
	if (name[0] == '$') {
		const char *meta = name + 1;
		size_t ml = strcspn(meta, "$");
		if (ml == 4 && !strncmp(meta, "name", 4))
			return true;
		if (ml == 8 && !strncmp(meta, "provider", 8))
			return tv->provider != NULL;
		if (ml == 6 && !strncmp(meta, "return", 6)) {
			for (uint32_t i = 0; i < tv->n; i++)
				if (!strcmp(tv->v[i].name, "return") && !tv->v[i].nsteps)
					return true;
			return tv->n && tv->v[0].kind == TV_UREG;
		}
		return (ml == 5 && !strncmp(meta, "parms", 5)) || (ml == 4 && !strncmp(meta, "vars", 4)) ||
		       (ml == 6 && !strncmp(meta, "locals", 6));
	}
	size_t nl = strcspn(name, "[$-");
	const char *rest = name + nl;
	for (uint32_t i = 0; i < tv->n; i++) {
		const struct tvar *v = &tv->v[i];
		if (strlen(v->name) != nl || strncmp(v->name, name, nl))
			continue;
		if (rest[0] == '-')
			/* '->': a kernel function's pointer parameter (what follows is checked where it
			 * is read); no field of an event record is a struct pointer */
			return tv->kfunc;
		if (rest[0] == '[')
			return v->kind == TV_ARRAY && strtoul(rest + 1, NULL, 10) < v->count;
		return v->kind != TV_ARRAY || rest[0] == '$';
	}
	return false;
}

struct dctx {
	const struct tvar_set *tv;
	bool ok;
};

static bool defined_visit(struct node *n, void *ctx)
{
	struct dctx *c = ctx;
	if (n->kind == N_TARGET && !tvar_resolves(c->tv, n->u.var.name))
		c->ok = false;
	return c->ok;
}

static bool expr_defined(const struct tvar_set *tv, struct node *e)
{
	struct dctx c = { tv, true };
	ast_visit(e, defined_visit, &c);
	return c.ok;
}

static bool macro_args(struct mctx *m, const struct node *n, uint32_t want)
{
	if (n->u.call.args.n == want)
		return true;
	diag_error(m->d, &n->loc, "'%s' takes %u argument%s, not %u", n->u.call.name, want,
		   want == 1 ? "" : "s", n->u.call.args.n);
	m->errors++;
	return false;
}

static struct node *folded(struct mctx *m, struct loc loc, bool v)
{
	struct node *c = node_new(m->a, N_NUM, loc);
	c->u.num = v;
	c->type = T_LONG;
	node_list_push(m->a, &m->folded, c);
	return c;
}

/* An @defined's constant (or one folded from it): its value. */
static bool folded_value(const struct mctx *m, const struct node *n, bool *v)
{
	if (!n || n->kind != N_NUM)
		return false;
	for (uint32_t i = 0; i < m->folded.n; i++)
		if (m->folded.v[i] == n) {
			*v = n->u.num != 0;
			return true;
		}
	return false;
}

static void rewrite(struct node **slot, void *ctx);

static void rewrite_list(struct node_list *l, void *ctx)
{
	for (uint32_t i = 0; i < l->n; i++)
		rewrite(&l->v[i], ctx);
}

static void rewrite(struct node **slot, void *ctx)
{
	struct mctx *m = ctx;
	struct node *n = *slot;
	if (!n)
		return;
	if (is_macro(n, "@defined")) {
		if (macro_args(m, n, 1))
			*slot = folded(m, n->loc, expr_defined(m->tv, n->u.call.args.v[0]));
		return;
	}
	if (is_macro(n, "@choose_defined")) {
		if (!macro_args(m, n, 2))
			return;
		*slot = n->u.call.args.v[expr_defined(m->tv, n->u.call.args.v[0]) ? 0 : 1];
		rewrite(slot, ctx);
		return;
	}
	if (n->kind == N_EXPR && is_macro(n->u.expr, "@try_assign")) {
		struct node *call = n->u.expr;
		if (!macro_args(m, call, 2))
			return;
		struct node *lv = call->u.call.args.v[0];
		if (lv->kind != N_VAR && lv->kind != N_INDEX) {
			diag_error(m->d, &lv->loc, "the first argument of '@try_assign' must be a "
				   "variable or an array element");
			m->errors++;
			return;
		}
		struct node *as = node_new(m->a, N_ASSIGN, call->loc);
		as->u.assign.op = OP_NONE;
		as->u.assign.lhs = lv;
		as->u.assign.rhs = call->u.call.args.v[1];
		struct node *st = node_new(m->a, N_EXPR, n->loc);
		st->u.expr = as;
		struct node *then = node_new(m->a, N_BLOCK, n->loc);
		node_list_push(m->a, &then->u.block, st);
		struct node *t = node_new(m->a, N_TRY, n->loc);
		t->u.ifs.then = then;
		t->u.ifs.els = node_new(m->a, N_BLOCK, n->loc);
		*slot = t;
		n = t;
	} else if (is_macro(n, "@try_assign")) {
		diag_error(m->d, &n->loc, "'@try_assign' is a statement: it has no value");
		m->errors++;
		return;
	}
	ast_slots(n, rewrite, rewrite_list, ctx);
	bool v;
	switch (n->kind) {
	case N_IF:
		if (folded_value(m, n->u.ifs.cond, &v)) {
			struct node *keep = v ? n->u.ifs.then : n->u.ifs.els;
			*slot = keep ? keep : node_new(m->a, N_EMPTY, n->loc);
		}
		break;
	case N_TERNARY:
		if (folded_value(m, n->u.tern.cond, &v))
			*slot = v ? n->u.tern.t : n->u.tern.f;
		break;
	case N_UNOP:
		if (n->u.un.op == OP_NOT && folded_value(m, n->u.un.e, &v))
			*slot = folded(m, n->loc, !v);
		break;
	case N_BINOP:
		if ((n->u.bin.op == OP_LAND || n->u.bin.op == OP_LOR) &&
		    folded_value(m, n->u.bin.l, &v)) {
			bool is_and = n->u.bin.op == OP_LAND;
			bool r;
			if (v != is_and)	/* 0 && x, 1 || x: x never runs */
				*slot = folded(m, n->loc, v);
			else if (folded_value(m, n->u.bin.r, &r))
				*slot = folded(m, n->loc, r);
		} else if (n->u.bin.op == OP_EQ || n->u.bin.op == OP_NE) {
			/* @defined(x) == 0, 1 != @defined(x) */
			struct node *c = folded_value(m, n->u.bin.l, &v) ? n->u.bin.r
				       : folded_value(m, n->u.bin.r, &v) ? n->u.bin.l : NULL;
			if (c && c->kind == N_NUM)
				*slot = folded(m, n->loc, ((int64_t)v == c->u.num) == (n->u.bin.op == OP_EQ));
		}
		break;
	default:
		break;
	}
}

int atmacros_resolve(struct arena *a, struct diag *d, struct program *p, struct stp_file **files,
		     int nfiles)
{
	struct mctx m = { a, d, NULL, { 0 }, 0 };
	for (uint32_t i = 0; i < p->probes.n; i++) {
		struct eprobe *ep = p->probes.v[i];
		m.tv = ep->tvars;
		rewrite(&ep->cond, &m);
		rewrite(&ep->body, &m);
	}
	m.tv = NULL;
	for (int fi = 0; fi < nfiles; fi++)
		for (uint32_t i = 0; i < files[fi]->funcs.n; i++)
			rewrite(&files[fi]->funcs.v[i]->body, &m);
	return m.errors ? -1 : 0;
}
