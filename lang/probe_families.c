/* The table of probe families: which probe points bstap resolves itself, and to what. */
#include "lang/probe_families.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The target kernel's CONFIG_HZ (jiffies and timer.profile), 250 when it cannot be read. */
static uint64_t family_hz(const struct fctx *f)
{
	const char *v = kconfig_value(f->env->kconfig ? f->env->kconfig(f->env->kconfig_ctx) : NULL,
				      "CONFIG_HZ");
	char *end;
	unsigned long hz = v ? strtoul(v, &end, 10) : 0;
	return hz > 0 && hz <= 100000 && !*end ? hz : 250;
}

struct probe_family {
	const char *prefix;	/* the leading components it owns, dotted: "timer", "kernel.trace" */
	/* appends one entry per concrete event: returns how many, or -1 after an error */
	int (*resolve)(const struct fctx *f, struct pp_resolved_list *out);
};

struct pp_resolved *pp_resolved_push(struct arena *a, struct pp_resolved_list *l)
{
	if (l->n == l->cap) {
		uint32_t cap = l->cap ? 2 * l->cap : 4;
		struct pp_resolved *v = arena_alloc(a, cap * sizeof(*v));
		if (l->n)
			memcpy(v, l->v, l->n * sizeof(*v));
		l->v = v;
		l->cap = cap;
	}
	struct pp_resolved *r = &l->v[l->n++];
	memset(r, 0, sizeof(*r));
	return r;
}

bool family_num_arg(const struct fctx *f, const struct pp_comp *c, int64_t *out)
{
	if (!c->arg || c->arg->kind != N_NUM) {
		diag_error(f->d, &c->loc, "probe point component '%s' needs a number argument",
			   c->functor);
		return false;
	}
	*out = c->arg->u.num;
	return true;
}

bool family_no_arg(const struct fctx *f, const struct pp_comp *c)
{
	if (c->arg) {
		diag_error(f->d, &c->loc, "probe point component '%s' takes no argument", c->functor);
		return false;
	}
	return true;
}

/* A one-component point (begin, end, ...): nothing may follow it. */
static bool alone(const struct fctx *f)
{
	if (f->pp->ncomps > 1) {
		diag_error(f->d, &f->c[1].loc, "unexpected '%s' after '%s' probe point",
			   f->c[1].functor, f->c[0].functor);
		return false;
	}
	return true;
}

/* begin, end, error, each with an optional run order N. */
static int resolve_session(const struct fctx *f, struct pp_resolved_list *list)
{
	struct pp_resolved *out = pp_resolved_push(f->a, list);
	const char *f0 = f->c[0].functor;
	out->at.kind = !strcmp(f0, "begin") ? PK_BEGIN : !strcmp(f0, "end") ? PK_END : PK_ERROR;
	out->place = PLACE_USER;
	if (f->c[0].arg && !family_num_arg(f, &f->c[0], &out->seq))
		return -1;
	return alone(f) ? 1 : -1;
}

/* oneshot: a begin probe that ends the session; never: analysed, never run. */
static int resolve_oneshot_never(const struct fctx *f, struct pp_resolved_list *list)
{
	struct pp_resolved *out = pp_resolved_push(f->a, list);
	if (!family_no_arg(f, &f->c[0]) || !alone(f))
		return -1;
	bool never = !strcmp(f->c[0].functor, "never");
	out->at.kind = never ? PK_NEVER : PK_BEGIN;
	out->place = never ? PLACE_NOWHERE : PLACE_USER;
	out->then_exit = !never;
	return 1;
}

/* Units of the timer.X(N) family, in nanoseconds per N. 0: per-second rate (hz). */
static const struct { const char *name; uint64_t ns; } timer_units[] = {
	{ "s", 1000000000ull },	  { "sec", 1000000000ull }, { "ms", 1000000ull },
	{ "msec", 1000000ull },	  { "us", 1000ull },	    { "usec", 1000ull },
	{ "ns", 1ull },		  { "nsec", 1ull },	    { "jiffies", 1 /* per HZ */ },
	{ "hz", 0 },
};

/* timer.profile[.tick]: a perf event per online CPU at HZ. */
static int resolve_profile(const struct fctx *f, struct pp_resolved *out)
{
	const struct probe_point *pp = f->pp;
	if (!family_no_arg(f, &f->c[1]))
		return -1;
	if (pp->ncomps > 2 && !(pp->ncomps == 3 && !strcmp(f->c[2].functor, "tick"))) {
		diag_error(f->d, &f->c[2].loc, "unexpected '%s' after timer.profile", f->c[2].functor);
		return -1;
	}
	out->at.kind = PK_PROFILE;
	out->at.period_ns = 1000000000ull / family_hz(f);
	out->place = PLACE_KERNEL;
	return 1;
}

/* timer.UNIT(N)[.randomize(M)]: one event per interval, system-wide. */
static int resolve_interval(const struct fctx *f, uint64_t unit, struct pp_resolved *out)
{
	const struct probe_point *pp = f->pp;
	const struct pp_comp *c = f->c;
	int64_t n;
	if (!family_num_arg(f, &c[1], &n))
		return -1;
	if (n <= 0) {
		diag_error(f->d, &c[1].loc, "timer period must be positive, got %" PRId64, n);
		return -1;
	}
	struct attach_spec *at = &out->at;
	at->kind = PK_TIMER;
	at->period_ns = unit ? (uint64_t)n * unit : 1000000000ull / (uint64_t)n;
	if (at->period_ns == 0 || (unit && at->period_ns / unit != (uint64_t)n)) {
		diag_error(f->d, &c[1].loc, "timer period out of range");
		return -1;
	}
	if (pp->ncomps >= 3) {
		if (strcmp(c[2].functor, "randomize") || pp->ncomps > 3 || !unit) {
			diag_error(f->d, &c[2].loc, "unexpected '%s' after timer.%s(N)%s", c[2].functor,
				   c[1].functor, unit ? ": only .randomize(M) may follow" : "");
			return -1;
		}
		int64_t m;
		if (!family_num_arg(f, &c[2], &m))
			return -1;
		if (m < 0 || (uint64_t)m * unit >= at->period_ns) {
			diag_error(f->d, &c[2].loc, "randomize value must be at least 0 and less than "
				   "the period (%" PRId64 ")", n);
			return -1;
		}
		at->randomize_ns = (uint64_t)m * unit;
	}
	if (at->period_ns < 10000) {
		diag_error(f->d, &c[1].loc, "timer period %" PRIu64 "ns is below the 10us minimum",
			   at->period_ns);
		return -1;
	}
	out->place = PLACE_KERNEL;
	return 1;
}

static int resolve_timer(const struct fctx *f, struct pp_resolved_list *list)
{
	struct pp_resolved *out = pp_resolved_push(f->a, list);
	if (!family_no_arg(f, &f->c[0]))
		return -1;
	if (f->pp->ncomps < 2) {
		diag_error(f->d, &f->pp->loc,
			   "incomplete probe point 'timer': expected timer.s(N), timer.ms(N), "
			   "timer.us(N), timer.ns(N), timer.hz(N), timer.jiffies(N) or timer.profile");
		return -1;
	}
	const char *f1 = f->c[1].functor;
	if (!strcmp(f1, "profile"))
		return resolve_profile(f, out);
	for (size_t i = 0; i < sizeof(timer_units) / sizeof(timer_units[0]); i++)
		if (!strcmp(f1, timer_units[i].name))
			return resolve_interval(f, !strcmp(f1, "jiffies") ? 1000000000ull / family_hz(f)
									   : timer_units[i].ns, out);
	diag_error(f->d, &f->c[1].loc, "unknown timer unit '%s': expected s, ms, us, ns, hz, "
		   "jiffies or profile", f1);
	return -1;
}

/* Families SystemTap has and bstap does not yet: a clear error instead of "no match". */
static int resolve_not_yet(const struct fctx *f, struct pp_resolved_list *out)
{
	(void)out;
	diag_error(f->d, &f->pp->loc, "probe point '%s' is not supported by bstap yet",
		   pp_to_string(f->a, f->pp));
	return -1;
}

static const struct probe_family families[] = {
	{ "begin", resolve_session },
	{ "end", resolve_session },
	{ "error", resolve_session },
	{ "oneshot", resolve_oneshot_never },
	{ "never", resolve_oneshot_never },
	{ "timer", resolve_timer },
	{ "kernel", resolve_not_yet },
	{ "kernel.trace", resolve_kernel_trace },
	{ "kernel.function", resolve_kernel_function },
	{ "kprobe.function", resolve_kernel_function },
	{ "module", resolve_kernel_function },
	{ "process", resolve_process },
	{ "perf", resolve_perf },
	{ "procfs", resolve_not_yet },
	{ "netfilter", resolve_not_yet },
	{ "java", resolve_not_yet },
	{ "python2", resolve_not_yet },
	{ "python3", resolve_not_yet },
};

/* Does the point start with exactly the family's components (dotted prefix)? */
static size_t prefix_match(const char *prefix, const struct probe_point *pp)
{
	size_t ncomps = 0;
	for (const char *p = prefix; *p; ncomps++) {
		size_t n = strcspn(p, ".");
		if (ncomps >= pp->ncomps || strlen(pp->comps[ncomps].functor) != n ||
		    strncmp(pp->comps[ncomps].functor, p, n))
			return 0;
		p += n + (p[n] == '.');
	}
	return ncomps;
}

int family_resolve(struct arena *a, struct diag *d, const struct family_env *env,
		   const struct probe_point *pp, struct pp_resolved_list *out)
{
	const struct probe_family *best = NULL;
	size_t best_n = 0;
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		size_t n = prefix_match(families[i].prefix, pp);
		if (n > best_n)
			best = &families[i], best_n = n;
	}
	if (!best)
		return 0;	/* wildcards and unknown names resolve to nothing here */
	struct fctx f = { a, d, env, pp, pp->comps };
	uint32_t before = out->n;
	int r = best->resolve(&f, out);
	if (r < 0)
		out->n = before;
	return r < 0 ? -1 : (int)(out->n - before);
}
