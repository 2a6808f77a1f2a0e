/*
 * The running kernel's tracepoints, as pass 2 resolves kernel.trace("sys:event") against them:
 * event names from tracefs, each event's fields from its format file, and the BTF struct that
 * lays the record out (trace_event_raw_<class>), so that the generated reads are CO-RE
 * relocated and the object runs on other kernels.
 */
#ifndef BSTAP_TRACEPOINTS_H
#define BSTAP_TRACEPOINTS_H

#include <stdbool.h>
#include <stddef.h>
#include "prog/arena.h"
#include "prog/tvar.h"

struct tp_catalog;

/*
 * The catalog for this compile (built on first use, kept for the arena's life). kernel_btf:
 * --kernel-btf, or NULL for the running kernel's. NULL when tracefs cannot be read: why says
 * what to do.
 */
struct tp_catalog *tp_catalog_get(struct arena *a, const char *kernel_btf, char *why,
				  size_t whylen);

/* Free what the catalog holds outside its arena (the parsed BTF); before the arena goes. */
void tp_catalog_release(void);

/* "sys:event" names whose parts match the two fnmatch patterns, in tracefs order. */
const char **tp_match(struct tp_catalog *c, const char *sys_pat, const char *ev_pat,
		      uint32_t *n);

/* The event's fields (NULL when its format cannot be read: why says so). */
const struct tvar_set *tp_fields(struct tp_catalog *c, const char *sys_event, char *why,
				 size_t whylen);

/* Every tracepoint, for listing: "sys:event" names. */
const char **tp_all(struct tp_catalog *c, uint32_t *n);

#endif
