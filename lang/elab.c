/* Pass 2a: turn probe definitions into concrete probes — alias expansion and probe-point resolution. */
#include "elab.h"
#include "probe_families.h"
#include "pp_match.h"

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
	const struct probe_point *name;	/* which of def's names matched use's first upto comps */
	uint32_t upto;
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
					struct chain link = { def, pp, loc, ch, name, upto };
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
		      const struct chain *ch, const struct loc *user_loc)
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
	ep->listed = ep->pp;
	if (ch) {
		/* -l names the alias the user's point matched, with any suffix it carried */
		const struct chain *out = ch;
		while (out->up)
			out = out->up;
		struct probe_point lp = { 0 };
		lp.ncomps = out->name->ncomps + (out->use->ncomps - out->upto);
		lp.comps = arena_alloc(e->a, (lp.ncomps + 1) * sizeof(*lp.comps));
		memcpy(lp.comps, out->name->comps, out->name->ncomps * sizeof(*lp.comps));
		memcpy(lp.comps + out->name->ncomps, out->use->comps + out->upto,
		       (out->use->ncomps - out->upto) * sizeof(*lp.comps));
		ep->listed = pp_to_string(e->a, &lp);
	}
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
		add_probe(e, pp, &res.v[i], body, cond, chain, ch, user_loc);
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

	/* the user's file and each library file it needs (which may hold begin probes, say) */
	for (int fi = 0; fi < nfiles; fi++) {
		const struct stp_file *f = files[fi];
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
	}
	if (diag_error_count(d))
		return NULL;
	if (e.prog->probes.n == 0) {
		diag_semantic(d, "no probes found");
		return NULL;
	}
	if (atmacros_resolve(a, d, e.prog, files, nfiles) < 0 ||
	    uentry_rewrite(a, d, e.prog, files[0]) < 0 || targets_resolve(a, d, e.prog) < 0)
		return NULL;
	if (types_check(a, d, e.prog, files, nfiles, settings, nsettings) < 0 || diag_error_count(d))
		return NULL;
	funcs_fold(a, e.prog, e.env);
	prune_dead_stores(a, e.prog);
	if (placement_decide(a, d, e.prog) < 0 || ucontext_check(a, d, e.prog) < 0 ||
	    taskctx_check(d, e.prog) < 0)
		return NULL;
	guards_find(e.prog);
	assign_groups(e.prog);
	return e.prog;
}
