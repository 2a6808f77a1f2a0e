/* Pass 5, kernel side: open, load and attach a compiled object with libbpf; detach everything. */
#ifndef BSTAP_LOAD_H
#define BSTAP_LOAD_H

#include <stdbool.h>
#include "prog/meta.h"

struct ldr;

/* What a session tells the loader. */
struct ldr_params {
	int64_t realtime_off_ns;	/* CLOCK_REALTIME - CLOCK_MONOTONIC, for gettimeofday_*() */
	uint32_t target;		/* target() */
	uint32_t ringbuf_mb;		/* -s: output ring buffer in MB (0: BSTAP_RINGBUF_SIZE) */
	int verbose;
};

/* Open and load, then set the session state map. Errors are printed. */
int ldr_open(const char *obj_path, const struct meta *m, const struct ldr_params *prm,
	     struct ldr **out);
/* Attach every probe group (timer: one perf event; profile: one per online CPU). */
int ldr_attach(struct ldr *l);
/* Destroy every link and close every perf event; safe to call twice. */
void ldr_detach(struct ldr *l);
void ldr_free(struct ldr *l);	/* accepts NULL and half-built loaders */

/* fd of a map by its name in the object, or -1. */
int ldr_map_fd(const struct ldr *l, const char *name);
struct bpf_object *ldr_object(const struct ldr *l);

#endif
