/* Pass 5, kernel side: open, load and attach a compiled object with libbpf; detach everything. */
#ifndef BSTAP_LOAD_H
#define BSTAP_LOAD_H

#include <stdbool.h>
#include "loader/meta.h"

struct ldr;

/*
 * Open and load, then set the session state map: realtime_off_ns (CLOCK_REALTIME minus
 * CLOCK_MONOTONIC, for gettimeofday_*()) and target (target()). Errors are printed.
 */
int ldr_open(const char *obj_path, const struct meta *m, int64_t realtime_off_ns, uint32_t target,
	     int verbose, struct ldr **out);
/* Attach every probe group (timer: one perf event; profile: one per online CPU). */
int ldr_attach(struct ldr *l);
/* Destroy every link and close every perf event; safe to call twice. */
void ldr_detach(struct ldr *l);
void ldr_free(struct ldr *l);	/* accepts NULL and half-built loaders */

/* fd of a map by its name in the object, or -1. */
int ldr_map_fd(const struct ldr *l, const char *name);
struct bpf_object *ldr_object(const struct ldr *l);

#endif
