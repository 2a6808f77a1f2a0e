/*
 * Per probe kind, what the generator needs: the ELF section of a group's BPF program (which
 * tells libbpf its program type), its context argument, and the statements that open it.
 * A kernel probe kind adds a row in gen_kinds.c (docs/adding-a-probe-kind.md).
 */
#ifndef BSTAP_GEN_KINDS_H
#define BSTAP_GEN_KINDS_H

#include <stdio.h>
#include "prog/arena.h"
#include "prog/attach.h"

struct gen_kind {
	enum probe_kind kind;
	/* SEC("...") of the program for one event */
	const char *(*section)(struct arena *a, const struct attach_spec *at);
	const char *ctx_param;	/* the program's parameter: "void *ctx" */
	/*
	 * Optional: statements at the top of group gi's program (after S is set up), and the
	 * spec the loader attaches with, when it differs from the probes' own (*loader_at starts
	 * as a copy of *at).
	 */
	void (*entry)(FILE *out, uint32_t gi, const struct attach_spec *at,
		      struct attach_spec *loader_at);
};

/* The row for a kernel kind, or NULL when the kind never runs in BPF. */
const struct gen_kind *gen_kind_of(enum probe_kind kind);

#endif
