/* perf.*: perf counters as probe points (placeholder until the perf family lands). */
#include "lang/probe_families.h"

int resolve_perf(const struct fctx *f, struct pp_resolved_list *out)
{
	(void)out;
	diag_error(f->d, &f->pp->loc, "probe point '%s' is not supported by bstap yet",
		   pp_to_string(f->a, f->pp));
	return -1;
}
