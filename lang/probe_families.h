/*
 * The probe families the front end knows: each owns the probe points that begin with its
 * components and resolves one of them to a kind-neutral attach spec. Adding a probe kind
 * adds a row here (docs/adding-a-probe-kind.md).
 */
#ifndef BSTAP_PROBE_FAMILIES_H
#define BSTAP_PROBE_FAMILIES_H

#include "lang/kconfig.h"
#include "lang/syntax.h"
#include "prog/diag.h"
#include "prog/program.h"

/* What resolving a probe point yields, once per concrete event it names. */
struct pp_resolved {
	struct attach_spec at;
	enum probe_place place;	/* where its handler runs, before placement refines timers */
	int64_t seq;		/* begin(N), end(N), error(N): run order, default 0 */
	bool then_exit;		/* oneshot: the handler, then exit() */
	const char *name;	/* pp() of the concrete event ("kernel.trace(\"sched:sched_switch\")"),
				 * or NULL: the point as written */
	const struct tvar_set *tvars;	/* the event's target variables, or NULL */
	bool may_skip;		/* one of a wildcard's functions: skipped, like a '?' point, when
				 * the kernel will not attach it */
};

struct pp_resolved_list {
	struct pp_resolved *v;
	uint32_t n, cap;
};

/* What families may consult besides the point: the kernel being compiled for. */
struct family_env {
	int verbose;		/* -v: say how wildcards resolved and where layouts came from */
	const char *kernel_btf;	/* --kernel-btf FILE, or NULL: the running kernel's */
	/* the target kernel's configuration, read on first use (NULL: none is read) */
	const struct kconfig *(*kconfig)(void *ctx);
	void *kconfig_ctx;
	const char *target_exe;	/* process.function(...): the -c command's or -x process's
				 * program, or NULL */
	bool target_only;	/* -x PID: process probes attach to that process alone */
	int fentry;		/* kernel.function: 1 fentry/fexit, -1 kprobes, 0 whichever the
				 * running kernel accepts (kernel_fentry_works) */
	bool listing;		/* -l / -L: nothing is attached, so no limit on wildcards */
	bool for_elsewhere;	/* -p3/-p4: the object may run on another kernel, so what this
				 * one cannot attach is not left out */
};

/*
 * Resolve a probe point that no alias matched. Returns the number of concrete events it names
 * (each appended to *out), 0 when the point names nothing (the caller decides what '?'
 * means), -1 after reporting an error at the offending component.
 */
int family_resolve(struct arena *a, struct diag *d, const struct family_env *env,
		   const struct probe_point *pp, struct pp_resolved_list *out);

/* A new zeroed entry at the end of l. */
struct pp_resolved *pp_resolved_push(struct arena *a, struct pp_resolved_list *l);

/* What families share: the arguments of a resolve function. */
struct fctx {
	struct arena *a;
	struct diag *d;
	const struct family_env *env;
	const struct probe_point *pp;
	const struct pp_comp *c;	/* pp->comps */
};

/* Component c's number argument into *out; false after an error at it. */
bool family_num_arg(const struct fctx *f, const struct pp_comp *c, int64_t *out);
/* Component c has no argument; false after an error at it. */
bool family_no_arg(const struct fctx *f, const struct pp_comp *c);

/* Families defined in files of their own. */
int resolve_kernel_trace(const struct fctx *f, struct pp_resolved_list *out);
int resolve_perf(const struct fctx *f, struct pp_resolved_list *out);
int resolve_process(const struct fctx *f, struct pp_resolved_list *out);
int resolve_kernel_function(const struct fctx *f, struct pp_resolved_list *out);

#endif
