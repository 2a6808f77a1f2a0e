/* kernel.trace("subsystem:event"): tracepoints (placeholder). */
#include "lang/probe_families.h"

int resolve_kernel_trace(const struct fctx *f, struct pp_resolved_list *out)
{
	(void)out;
	diag_error(f->d, &f->pp->loc, "probe point '%s' is not supported by bstap yet",
		   pp_to_string(f->a, f->pp));
	return -1;
}
