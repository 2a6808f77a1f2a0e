/* kernel.trace probes: classic tracepoints (the event's record) and raw tracepoints. */
#include "loader/kind.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "prog/tracefs.h"

static int attach_link(struct ldr *l, struct bpf_link *link, const char *what, char *why,
		       size_t len)
{
	if (!link) {
		int err = -errno;
		snprintf(why, len, "cannot attach to %s: %s", what, strerror(-err));
		return err;
	}
	return ldr_keep_link(l, link, why, len);
}

static int attach_tracepoint(struct ldr *l, struct bpf_program *prog, const struct meta_group *g,
			     char *why, size_t len)
{
	/* libbpf finds the event's id in tracefs: mount it first on a fresh boot */
	if (!tracefs_root(why, len))
		return -ENOENT;
	const char *colon = strchr(g->at.target, ':');
	if (!colon) {
		snprintf(why, len, "bad tracepoint name '%s'", g->at.target);
		return -EINVAL;
	}
	char sys[256];
	snprintf(sys, sizeof(sys), "%.*s", (int)(colon - g->at.target), g->at.target);
	return attach_link(l, bpf_program__attach_tracepoint(prog, sys, colon + 1), g->at.target,
			   why, len);
}

static int attach_raw_tracepoint(struct ldr *l, struct bpf_program *prog,
				 const struct meta_group *g, char *why, size_t len)
{
	const char *colon = strchr(g->at.target, ':');
	const char *event = colon ? colon + 1 : g->at.target;
	return attach_link(l, bpf_program__attach_raw_tracepoint(prog, event), g->at.target, why,
			   len);
}

static const struct ldr_kind tracepoint_kind = { PK_TRACEPOINT, "tracepoint", attach_tracepoint };
static const struct ldr_kind raw_tracepoint_kind = { PK_RAW_TRACEPOINT, "raw tracepoint",
						     attach_raw_tracepoint };
LDR_KIND(tracepoint_kind)
LDR_KIND(raw_tracepoint_kind)
