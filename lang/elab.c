/* Pass 2a: turn probe definitions into concrete probes — alias expansion and probe-point resolution. */
#include "elab.h"
#include "probe_families.h"

#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ALIAS_DEPTH 32

/* The alias definitions being expanded, outermost first: for cycle detection and -p2 chains. */
struct chain {
	const struct probe_def *def;
	const struct probe_point *use;	/* what the user (or outer alias) wrote */
	const struct probe_point *loc;	/* which of the alias's locations this expansion uses */
	const struct chain *up;
};

struct elab {
	struct arena *a;
	struct diag *d;
	struct stp_file **files;
	int nfiles;
	struct program *prog;
	const struct family_env *env;
	/* the alias definitions of every file, in file order: each probe point looks only at these */
	const struct probe_def **aliases;
	uint32_t naliases;
};

static bool arg_equal(const struct node *x, const struct node *y)
{
	if (!x || !y)
		return x == y;
	if (x->kind != y->kind)
		return false;
	if (x->kind == N_NUM)
		return x->u.num == y->u.num;
	if (x->kind == N_STR)
		return x->u.str.len == y->u.str.len && !memcmp(x->u.str.s, y->u.str.s, x->u.str.len);
	return false;
}

/* One component of a use against one of a name: the functor (a glob if it has '*'), the argument. */
static bool comp_matches(const char *pat, const struct node *arg, const struct pp_comp *n)
{
	if (strchr(pat, '*') ? fnmatch(pat, n->functor, 0) != 0 : strcmp(pat, n->functor) != 0)
		return false;
	return arg_equal(n->arg, arg);
}

/*
 * Do the use's components u[0..nu) match the name's n[0..nn)? '*' matches within one component;
 * a component with '**' may match several at once, as stap: "foo**bar" is tried as "foo*bar"
 * (one component) and as "foo*" (no argument) followed by "**bar" from the next component on,
 * so 'a**' matches a, ab, a.b and a.b.c. pat, if not NULL, replaces u[0]'s functor.
 */
static bool comps_match(const struct pp_comp *u, uint32_t nu, const char *pat,
			const struct pp_comp *n, uint32_t nn)
{
	if (nu == 0 || nn == 0)
		return nu == nn;
	if (!pat)
		pat = u->functor;
	const char *dd = strstr(pat, "**");
	if (!dd)
		return comp_matches(pat, u->arg, n) && comps_match(u + 1, nu - 1, NULL, n + 1, nn - 1);
	size_t pre = (size_t)(dd - pat);
	const char *suf = dd;
	while (*suf == '*')
		suf++;
	/* the three patterns in one heap block: a functor is as long as the script makes it */
	size_t len = strlen(pat) + 3;
	char *one = malloc(3 * len);
	if (!one)
		return false;
	char *head = one + len, *rest = head + len;
	snprintf(one, len, "%.*s*%s", (int)pre, pat, suf);
	snprintf(head, len, "%.*s*", (int)pre, pat);
	snprintf(rest, len, "**%s", suf);
	bool m = (comp_matches(one, u->arg, n) && comps_match(u + 1, nu - 1, NULL, n + 1, nn - 1)) ||
		 (comp_matches(head, NULL, n) && comps_match(u, nu, rest, n + 1, nn - 1));
	free(one);
	return m;
}

/* Does the alias name match the use's first upto components (all of them: an ordinary match)? */
static bool alias_matches(const struct probe_point *name, const struct probe_point *use,
			  uint32_t upto)
{
	return comps_match(use->comps, upto, NULL, name->comps, name->ncomps);
}

/* loc + use's components past the first skip ones: the alias suffix rule. */
static struct probe_point *with_suffix(struct arena *a, const struct probe_point *loc,
				       const struct probe_point *use, uint32_t skip)
{
	struct probe_point *p = arena_alloc(a, sizeof(*p));
	*p = *loc;
	p->ncomps = loc->ncomps + (use->ncomps - skip);
	p->comps = arena_alloc(a, p->ncomps * sizeof(*p->comps));
	memcpy(p->comps, loc->comps, loc->ncomps * sizeof(*p->comps));
	memcpy(p->comps + loc->ncomps, use->comps + skip, (use->ncomps - skip) * sizeof(*p->comps));
	/* '?' passes down through every level; '!' is optional too (its stop applies to its own list) */
	p->optional = loc->optional || loc->sufficient || use->optional || use->sufficient;
	p->sufficient = false;
	return p;
}

static struct node *block_of(struct arena *a, struct loc loc, struct node *first,
			     struct node *second)
{
	struct node *b = node_new(a, N_BLOCK, loc);
	if (first)
		node_list_push(a, &b->u.block, first);
	if (second)
		node_list_push(a, &b->u.block, second);
	return b;
}

static const char *chain_string(struct elab *e, const struct chain *c, const struct probe_point *pp)
{
	if (!c)	/* written by the user: stap still names where it came from */
		return arena_printf(e->a, " /* <- %s */", pp_to_string(e->a, pp));
	/* innermost (the alias that produced the concrete point) first, the user's point last */
	char *s = arena_strdup(e->a, " /*");
	const struct chain *outer = c;
	for (const struct chain *k = c; k; k = k->up) {
		/* each level as stap prints an alias: all its names, '=' or '+=', all its points */
		const struct probe_def *d = k->def;
		s = arena_printf(e->a, "%s <-", s);
		for (uint32_t i = 0; i < d->names.n; i++)
			s = arena_printf(e->a, "%s%s %s", s, i ? "," : "", pp_to_string(e->a, d->names.v[i]));
		s = arena_printf(e->a, "%s =", s);	/* stap prints "=" for "+=" aliases too */
		for (uint32_t i = 0; i < d->points.n; i++)
			s = arena_printf(e->a, "%s%s %s", s, i ? "," : "", pp_to_string(e->a, d->points.v[i]));
		outer = k;
	}
	return arena_printf(e->a, "%s <- %s */", s, pp_to_string(e->a, outer->use));
}

static int derive(struct elab *e, const struct probe_point *pp, struct node *body,
		  struct node *cond, const struct chain *ch, const struct expansion *via,
		  const struct loc *user_loc, int depth);

/*
 * Try every alias definition against pp's first upto components (upto < pp->ncomps: the rest is
 * a suffix appended to each of the alias's locations). Returns the number of probes made, -1 on
 * error; *matched says whether any alias name matched.
 */
static int expand_aliases(struct elab *e, const struct probe_point *pp, uint32_t upto,
			  struct node *body,
			  struct node *cond, const struct chain *ch, const struct expansion *via,
			  const struct loc *user_loc, int depth, bool *matched)
{
	int made = 0;
	{	/* (a block: the loop once ran over files, then their definitions) */
		for (uint32_t di = 0; di < e->naliases; di++) {
			const struct probe_def *def = e->aliases[di];
			for (uint32_t ni = 0; ni < def->names.n; ni++) {
				const struct probe_point *name = def->names.v[ni];
				if (!alias_matches(name, pp, upto))
					continue;
				*matched = true;
				for (const struct chain *k = ch; k; k = k->up) {
					if (k->def != def)
						continue;
					/* name the whole cycle, outermost use first */
					char *s = arena_strdup(e->a, "");
					const struct chain *stack[MAX_ALIAS_DEPTH + 1];
					int ns = 0;
					for (const struct chain *j = ch; j && ns < MAX_ALIAS_DEPTH; j = j->up)
						stack[ns++] = j;
					for (int j = ns - 1; j >= 0; j--)
						s = arena_printf(e->a, "%s%s -> ", s,
								 pp_to_string(e->a, stack[j]->def->names.v[0]));
					s = arena_printf(e->a, "%s%s", s, pp_to_string(e->a, name));
					diag_error(e->d, &pp->loc, "probe alias cycle: %s", s);
					return -1;
				}
				if (depth >= MAX_ALIAS_DEPTH) {
					diag_error(e->d, &pp->loc, "probe alias nesting too deep");
					return -1;
				}
				struct expansion *x = arena_alloc(e->a, sizeof(*x));
				x->alias = pp_to_string(e->a, name);
				x->use = pp->loc;
				x->outer = via;
				bool stop = false;
				for (uint32_t li = 0; li < def->points.n && !stop; li++) {
					const struct probe_point *loc = def->points.v[li];
					struct probe_point *np = with_suffix(e->a, loc, pp, upto);
					struct node *mine = node_clone(e->a, def->body, x);
					struct node *user = node_clone(e->a, body, NULL);
					struct node *nb = def->kind == PD_ALIAS
								  ? block_of(e->a, body->loc, mine, user)
								  : block_of(e->a, body->loc, user, mine);
					struct node *nc = node_and(e->a, cond,
								   node_clone(e->a, loc->cond, x));
					struct chain link = { def, pp, loc, ch };
					int errs = diag_error_count(e->d);
					int r = derive(e, np, nb, nc, &link, x, user_loc, depth + 1);
					if (r < 0)
						return -1;
					if (r == 0 && diag_error_count(e->d) == errs && !np->optional) {
						/* say which location of the alias matched nothing */
						struct loc where = loc->loc;
						where.via = x;
						diag_error(e->d, &where, "no match for probe point '%s'",
							   pp_to_string(e->a, np));
						return -1;
					}
					made += r;
					stop = loc->sufficient && r > 0;
				}
			}
		}
	}
	return made;
}

/* pp with its locations tagged as coming through alias expansion via, for error notes. */
static const struct probe_point *located_via(struct arena *a, const struct probe_point *pp,
					     const struct expansion *via)
{
	struct probe_point *q = arena_alloc(a, sizeof(*q));
	*q = *pp;
	q->loc.via = via;
	q->comps = arena_alloc(a, (pp->ncomps + 1) * sizeof(*q->comps));
	for (uint32_t i = 0; i < pp->ncomps; i++) {
		q->comps[i] = pp->comps[i];
		q->comps[i].loc.via = via;
	}
	return q;
}

/* One concrete probe: the resolved event with its own copy of the body. */
static void add_probe(struct elab *e, const struct probe_point *pp, const struct pp_resolved *res,
		      struct node *body, struct node *cond, const char *chain,
		      const struct loc *user_loc)
{
	struct eprobe *ep = arena_alloc(e->a, sizeof(*ep));
	ep->at = res->at;
	ep->place = res->place;
	ep->seq = res->seq;
	ep->tvars = res->tvars;
	ep->optional = pp->optional || pp->sufficient || res->may_skip;
	ep->pp = res->name ? res->name
			   : pp_to_string(e->a, &(struct probe_point){ .comps = pp->comps,
								       .ncomps = pp->ncomps });
	ep->chain = chain;
	ep->body = node_clone(e->a, body, NULL);
	if (res->then_exit) {
		/* the handler, then exit(), as stap's oneshot */
		struct node *call = node_new(e->a, N_CALL, pp->loc);
		call->u.call.name = "exit";
		struct node *st = node_new(e->a, N_EXPR, pp->loc);
		st->u.expr = call;
		ep->body = block_of(e->a, body->loc, ep->body, st);
	}
	ep->cond = node_clone(e->a, cond, NULL);	/* each probe types its own copy */
	ep->loc = *user_loc;
	ep->id = e->prog->probes.n;
	eprobe_list_push(e->a, &e->prog->probes, ep);
}

static int derive(struct elab *e, const struct probe_point *pp, struct node *body,
		  struct node *cond, const struct chain *ch, const struct expansion *via,
		  const struct loc *user_loc, int depth)
{
	/* ordinary matches: aliases named by the whole point, else a built-in probe point */
	bool matched = false;
	int made = expand_aliases(e, pp, pp->ncomps, body, cond, ch, via, user_loc, depth, &matched);
	if (made < 0 || matched)
		return made;

	/* stapprobes: an optional point that fails to resolve is no error; it resolves to nothing */
	bool quiet = pp->optional || pp->sufficient;
	struct pp_resolved_list res = { 0 };
	if (quiet)
		diag_mute(e->d, true);
	int r = family_resolve(e->a, e->d, e->env, via ? located_via(e->a, pp, via) : pp, &res);
	if (quiet && diag_mute(e->d, false) && r < 0)
		r = 0;
	if (r < 0)
		return r;
	if (r == 0) {
		/* only when nothing matches the whole point: an alias plus suffix, the longest
		 * alias prefix first (as stap's match tree tries the deepest node first) */
		for (uint32_t upto = pp->ncomps - 1; upto > 0; upto--) {
			made = expand_aliases(e, pp, upto, body, cond, ch, via, user_loc, depth,
					      &matched);
			if (made < 0 || matched)
				return made;
		}
		return 0;
	}
	const char *chain = chain_string(e, ch, pp);
	for (uint32_t i = 0; i < res.n; i++)
		add_probe(e, pp, &res.v[i], body, cond, chain, user_loc);
	return (int)res.n;
}

/* Kernel probes on the same event share one BPF program, run in script order. */
static void assign_groups(struct program *p)
{
	uint32_t ngroups = 0;
	for (uint32_t i = 0; i < p->probes.n; i++) {
		struct eprobe *ep = p->probes.v[i];
		ep->group = UINT32_MAX;
		if (ep->place != PLACE_KERNEL)
			continue;
		for (uint32_t j = 0; j < i; j++) {
			struct eprobe *q = p->probes.v[j];
			if (q->place == PLACE_KERNEL && attach_spec_same_event(&q->at, &ep->at)) {
				ep->group = q->group;
				break;
			}
		}
		if (ep->group == UINT32_MAX)
			ep->group = ngroups++;
	}
	p->ngroups = ngroups;
}

struct program *elaborate(struct arena *a, struct diag *d, struct stp_file **files, int nfiles,
			  const struct global_setting *settings, int nsettings,
			  const struct family_env *env)
{
	static const struct family_env quiet_env;
	struct elab e = { a, d, files, nfiles, arena_alloc(a, sizeof(struct program)),
			  env ? env : &quiet_env, NULL, 0 };
	e.prog->script_path = files[0]->src->path;
	uint32_t ndefs = 0;
	for (int fi = 0; fi < nfiles; fi++)
		ndefs += files[fi]->probes.n;
	e.aliases = arena_alloc(a, (ndefs + 1) * sizeof(*e.aliases));
	for (int fi = 0; fi < nfiles; fi++)
		for (uint32_t di = 0; di < files[fi]->probes.n; di++)
			if (files[fi]->probes.v[di]->kind != PD_PROBE)
				e.aliases[e.naliases++] = files[fi]->probes.v[di];

	/* only the user's file activates probes; tapset files contribute aliases */
	const struct stp_file *f = files[0];
	for (uint32_t i = 0; i < f->probes.n; i++) {
		const struct probe_def *def = f->probes.v[i];
		if (def->kind != PD_PROBE)
			continue;
		for (uint32_t j = 0; j < def->points.n; j++) {
			const struct probe_point *pp = def->points.v[j];
			int errs = diag_error_count(d);
			int r = derive(&e, pp, def->body, pp->cond, NULL, NULL, &pp->loc, 0);
			/* '!' is "sufficient", and like '?' it may also resolve to nothing */
			if (r == 0 && diag_error_count(d) == errs && !pp->optional && !pp->sufficient)
				diag_error(d, &pp->loc, "no match for probe point '%s'",
					   pp_to_string(a, pp));
			if (r > 0 && pp->sufficient)
				break;
		}
	}
	if (diag_error_count(d))
		return NULL;
	if (e.prog->probes.n == 0) {
		diag_semantic(d, "no probes found");
		return NULL;
	}
	if (targets_resolve(a, d, e.prog) < 0)
		return NULL;
	if (types_check(a, d, e.prog, files, nfiles, settings, nsettings) < 0 || diag_error_count(d))
		return NULL;
	if (placement_decide(a, d, e.prog) < 0)
		return NULL;
	assign_groups(e.prog);
	return e.prog;
}
