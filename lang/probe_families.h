/*
 * The probe families the front end knows: each owns the probe points that begin with its
 * components and resolves one of them to a kind-neutral attach spec. Adding a probe kind
 * adds a row here (docs/adding-a-probe-kind.md).
 */
#ifndef BSTAP_PROBE_FAMILIES_H
#define BSTAP_PROBE_FAMILIES_H

#include "lang/syntax.h"
#include "prog/diag.h"
#include "prog/program.h"

/* What resolving one concrete probe point yields. */
struct pp_resolved {
	struct attach_spec at;
	enum probe_place place;	/* where its handler runs, before placement refines timers */
	int64_t seq;		/* begin(N), end(N), error(N): run order, default 0 */
	bool then_exit;		/* oneshot: the handler, then exit() */
};

/*
 * Resolve a probe point that no alias matched. Returns 1 and fills *out when a family owns
 * it, 0 when the point names nothing (the caller decides what '?' means), -1 after reporting
 * an error at the offending component.
 */
int family_resolve(struct arena *a, struct diag *d, const struct probe_point *pp,
		   struct pp_resolved *out);

#endif
