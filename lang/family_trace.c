/* kernel.trace("subsystem:event"): the kernel's tracepoints, wildcards included. */
#include "lang/probe_families.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lang/tracepoints.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int resolve_kernel_trace(const struct fctx *f, struct pp_resolved_list *out)
{
	const struct pp_comp *c = &f->c[1];
	if (!c->arg || c->arg->kind != N_STR) {
		diag_error(f->d, &c->loc, "kernel.trace needs a string argument: "
			   "kernel.trace(\"subsystem:event\")");
		return -1;
	}
	if (f->pp->ncomps > 2) {
		diag_error(f->d, &f->c[2].loc, "unexpected '%s' after kernel.trace(\"...\")",
			   f->c[2].functor);
		return -1;
	}
	double t0 = now_ms();
	char why[512];
	struct tp_catalog *cat = tp_catalog_get(f->a, f->env->kernel_btf, why, sizeof(why));
	if (!cat) {
		diag_error(f->d, &c->loc, "cannot list the kernel's tracepoints: %s", why);
		return -1;
	}
	/* "sys:event", or "event" in whichever subsystem has it */
	const char *spec = c->arg->u.str.s;
	const char *colon = strchr(spec, ':');
	const char *sys = colon ? arena_strndup(f->a, spec, (size_t)(colon - spec)) : "*";
	const char *ev = colon ? colon + 1 : spec;
	uint32_t n;
	const char **hits = tp_match(cat, sys, ev, &n);
	bool wild = strpbrk(spec, "*?[") != NULL;
	if (!wild && n > 1) {
		diag_error(f->d, &c->loc, "tracepoint '%s' is ambiguous: it is %s, %s%s; name the "
			   "subsystem", spec, hits[0], hits[1], n > 2 ? ", ..." : "");
		return -1;
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct tvar_set *tv = tp_fields(cat, hits[i], why, sizeof(why));
		if (!tv) {
			diag_error(f->d, &c->loc, "tracepoint '%s': %s", hits[i], why);
			return -1;
		}
		struct pp_resolved *r = pp_resolved_push(f->a, out);
		r->at.kind = PK_TRACEPOINT;
		r->at.target = hits[i];
		r->place = PLACE_KERNEL;
		r->name = arena_printf(f->a, "kernel.trace(\"%s\")", hits[i]);
		r->tvars = tv;
		if (f->env->verbose > 1)
			fprintf(stderr, "  %s: fields from %s%s\n", hits[i],
				tv->btf_struct ? "BTF struct " : "the tracefs format (no BTF layout)",
				tv->btf_struct ? tv->btf_struct : "");
	}
	if (f->env->verbose)
		fprintf(stderr, "%s: %u tracepoint%s in %.1f ms\n", pp_to_string(f->a, f->pp), n,
			n == 1 ? "" : "s", now_ms() - t0);
	return (int)n;
}
