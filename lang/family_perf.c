/*
 * perf.*: perf counters as probe points (stapprobes(3stap), PERF):
 *
 *   perf.type(T).config(C)[.sample(N) | .hz(N)][.process("path") | .process]
 *   perf.sw.NAME[...], perf.hw.NAME[...]	the named software and hardware counters
 *
 * The handler runs once every N increments of the counter (default 1000000, as stap), or N
 * times a second with .hz(N), on every online CPU. .process("path") keeps only the samples
 * taken while that program runs (the path is looked up on $PATH when it has no '/', at attach
 * time); .process alone only those of target() (-c CMD, -x PID).
 */
#include "lang/probe_families.h"

#include <fnmatch.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <string.h>

#define PERF_DEFAULT_SAMPLE 1000000	/* stap's default sample period */

/* The named counters of SystemTap's perf tapset: perf.sw.NAME and perf.hw.NAME. */
struct perf_name {
	const char *name;
	uint64_t config;
};

static const struct perf_name sw_names[] = {
	{ "cpu_clock", PERF_COUNT_SW_CPU_CLOCK },
	{ "task_clock", PERF_COUNT_SW_TASK_CLOCK },
	{ "page_faults", PERF_COUNT_SW_PAGE_FAULTS },
	{ "context_switches", PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cpu_migrations", PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "page_faults_min", PERF_COUNT_SW_PAGE_FAULTS_MIN },
	{ "page_faults_maj", PERF_COUNT_SW_PAGE_FAULTS_MAJ },
	{ "alignment_faults", PERF_COUNT_SW_ALIGNMENT_FAULTS },
	{ "emulation_faults", PERF_COUNT_SW_EMULATION_FAULTS },
};

static const struct perf_name hw_names[] = {
	{ "cpu_cycles", PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", PERF_COUNT_HW_INSTRUCTIONS },
	{ "cache_references", PERF_COUNT_HW_CACHE_REFERENCES },
	{ "cache_misses", PERF_COUNT_HW_CACHE_MISSES },
	{ "branch_instructions", PERF_COUNT_HW_BRANCH_INSTRUCTIONS },
	{ "branch_misses", PERF_COUNT_HW_BRANCH_MISSES },
	{ "bus_cycles", PERF_COUNT_HW_BUS_CYCLES },
	{ "stalled_cycles_frontend", PERF_COUNT_HW_STALLED_CYCLES_FRONTEND },
	{ "stalled_cycles_backend", PERF_COUNT_HW_STALLED_CYCLES_BACKEND },
	{ "ref_cpu_cycles", PERF_COUNT_HW_REF_CPU_CYCLES },
};

static const struct {
	const char *group;
	uint32_t type;
	const struct perf_name *names;
	size_t n;
} perf_groups[] = {
	{ "sw", PERF_TYPE_SOFTWARE, sw_names, sizeof(sw_names) / sizeof(sw_names[0]) },
	{ "hw", PERF_TYPE_HARDWARE, hw_names, sizeof(hw_names) / sizeof(hw_names[0]) },
};
#define NGROUPS (sizeof(perf_groups) / sizeof(perf_groups[0]))

static bool has_wildcard(const char *s)
{
	return strchr(s, '*') != NULL;
}

static bool comp_matches(const char *pattern, const char *name)
{
	return has_wildcard(pattern) ? fnmatch(pattern, name, 0) == 0 : strcmp(pattern, name) == 0;
}

/* "a, b, c or d": the names of group g, for messages. */
static const char *name_list(struct arena *a, size_t g)
{
	const char *s = "";
	size_t n = perf_groups[g].n;
	for (size_t i = 0; i < n; i++)
		s = arena_printf(a, "%s%s%s", s, i == 0 ? "" : i + 1 == n ? " or " : ", ",
				 perf_groups[g].names[i].name);
	return s;
}

/*
 * The components after the counter, from index i: [.sample(N) | .hz(N)][.process[("path")]].
 * Fills the period, frequency and process fields of at; false after an error.
 */
static bool perf_suffixes(const struct fctx *f, uint32_t i, const char *what,
			  struct attach_spec *at)
{
	const struct probe_point *pp = f->pp;
	const struct pp_comp *c = f->c;
	at->period_ns = PERF_DEFAULT_SAMPLE;
	const char *rate_fn = NULL;	/* "sample" or "hz", once seen */
	bool process = false;
	for (; i < pp->ncomps; i++) {
		const char *fn = c[i].functor;
		if (!rate_fn && !process && (!strcmp(fn, "sample") || !strcmp(fn, "hz"))) {
			int64_t n;
			if (!family_num_arg(f, &c[i], &n))
				return false;
			bool hz = !strcmp(fn, "hz");
			if (n <= 0) {
				diag_error(f->d, &c[i].loc, "%s must be positive, got %" PRId64,
					   hz ? "perf frequency" : "perf sample period", n);
				return false;
			}
			at->period_ns = (uint64_t)n;
			if (hz)
				at->flags |= ATTACH_FREQ;
			rate_fn = fn;
		} else if (!process && !strcmp(fn, "process")) {
			if (c[i].arg) {
				if (c[i].arg->kind != N_STR || c[i].arg->u.str.len == 0 ||
				    memchr(c[i].arg->u.str.s, 0, c[i].arg->u.str.len)) {
					diag_error(f->d, &c[i].loc, "perf .process needs a program path "
						   "string, or no argument for the target() process");
					return false;
				}
				at->path = arena_strndup(f->a, c[i].arg->u.str.s, c[i].arg->u.str.len);
			} else {
				at->flags |= ATTACH_TARGET;
			}
			process = true;
		} else if (!strcmp(fn, "counter")) {
			diag_error(f->d, &c[i].loc, "perf .counter(\"NAME\") is not supported by bstap yet");
			return false;
		} else if (process) {
			diag_error(f->d, &c[i].loc, "unexpected '%s' after .process: it must be the "
				   "last component", fn);
			return false;
		} else {
			if (rate_fn)
				diag_error(f->d, &c[i].loc, "unexpected '%s' after .%s(N): expected "
					   ".process(\"PATH\") or .process", fn, rate_fn);
			else
				diag_error(f->d, &c[i].loc, "unexpected '%s' after %s: expected .sample(N), "
					   ".hz(N), .process(\"PATH\") or .process", fn, what);
			return false;
		}
	}
	return true;
}

/* perf.type(T).config(C)... */
static int resolve_typed(const struct fctx *f, struct pp_resolved_list *list)
{
	const struct probe_point *pp = f->pp;
	const struct pp_comp *c = f->c;
	int64_t type, config;
	if (!family_num_arg(f, &c[1], &type))
		return -1;
	if (type < 0 || type > UINT32_MAX) {
		diag_error(f->d, &c[1].loc, "perf type must be between 0 and %u, got %" PRId64,
			   UINT32_MAX, type);
		return -1;
	}
	if (pp->ncomps < 3 || strcmp(c[2].functor, "config")) {
		diag_error(f->d, pp->ncomps < 3 ? &c[1].loc : &c[2].loc,
			   "perf.type(N) needs .config(M) after it");
		return -1;
	}
	if (!family_num_arg(f, &c[2], &config))
		return -1;
	struct pp_resolved *out = pp_resolved_push(f->a, list);
	out->at.kind = PK_PERF;
	out->at.perf_type = (uint32_t)type;
	out->at.arg = (uint64_t)config;	/* the kernel checks it, as stap lets it do */
	out->place = PLACE_KERNEL;
	return perf_suffixes(f, 3, "perf.type(N).config(M)", &out->at) ? 1 : -1;
}

/* perf.sw.NAME..., perf.hw.NAME...: one probe per name a wildcard matches. */
static int resolve_named(const struct fctx *f, struct pp_resolved_list *list)
{
	const struct probe_point *pp = f->pp;
	const struct pp_comp *c = f->c;
	bool wild = has_wildcard(c[1].functor) || (pp->ncomps > 2 && has_wildcard(c[2].functor));
	size_t g1 = NGROUPS;
	for (size_t g = 0; g < NGROUPS; g++)
		if (comp_matches(c[1].functor, perf_groups[g].group)) {
			g1 = g;
			break;
		}
	if (g1 == NGROUPS) {
		if (wild)
			return 0;
		diag_error(f->d, &c[1].loc, "unknown perf probe point 'perf.%s': expected "
			   "perf.type(N).config(M), perf.sw.NAME or perf.hw.NAME", c[1].functor);
		return -1;
	}
	if (!family_no_arg(f, &c[1]))
		return -1;
	if (pp->ncomps < 3) {
		if (wild)
			return 0;
		diag_error(f->d, &c[1].loc, "incomplete probe point 'perf.%s': expected "
			   "perf.%s.NAME, NAME one of %s", c[1].functor, perf_groups[g1].group,
			   name_list(f->a, g1));
		return -1;
	}
	if (!family_no_arg(f, &c[2]))
		return -1;
	int made = 0;
	for (size_t g = g1; g < NGROUPS; g++) {
		if (!comp_matches(c[1].functor, perf_groups[g].group))
			continue;
		for (size_t i = 0; i < perf_groups[g].n; i++) {
			const struct perf_name *pn = &perf_groups[g].names[i];
			if (!comp_matches(c[2].functor, pn->name))
				continue;
			struct pp_resolved *out = pp_resolved_push(f->a, list);
			out->at.kind = PK_PERF;
			out->at.perf_type = perf_groups[g].type;
			out->at.arg = pn->config;
			out->place = PLACE_KERNEL;
			const char *what = arena_printf(f->a, "perf.%s.%s", perf_groups[g].group,
							pn->name);
			if (!perf_suffixes(f, 3, what, &out->at))
				return -1;
			if (wild) {
				/* pp() names the concrete counter, the suffixes as written */
				struct pp_comp *comps = arena_alloc(f->a, pp->ncomps * sizeof(*comps));
				memcpy(comps, c, pp->ncomps * sizeof(*comps));
				comps[1].functor = perf_groups[g].group;
				comps[2].functor = pn->name;
				out->name = pp_to_string(f->a, &(struct probe_point){
					.comps = comps, .ncomps = pp->ncomps });
			}
			made++;
		}
	}
	if (!made && !wild) {
		diag_error(f->d, &c[2].loc, "unknown perf counter 'perf.%s.%s': expected one of %s",
			   perf_groups[g1].group, c[2].functor, name_list(f->a, g1));
		return -1;
	}
	return made;
}

int resolve_perf(const struct fctx *f, struct pp_resolved_list *out)
{
	if (!family_no_arg(f, &f->c[0]))
		return -1;
	if (f->pp->ncomps < 2) {
		diag_error(f->d, &f->pp->loc, "incomplete probe point 'perf': expected "
			   "perf.type(N).config(M), perf.sw.NAME or perf.hw.NAME");
		return -1;
	}
	if (!strcmp(f->c[1].functor, "type"))
		return resolve_typed(f, out);
	return resolve_named(f, out);
}
