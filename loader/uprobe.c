/*
 * process(...) probes: uprobes and uretprobes by file offset, and SDT markers through libbpf's
 * USDT support (which decodes each note's argument spec for bpf_usdt_arg() and has the kernel
 * set the marker's semaphore while the probe is attached). Every process running the file,
 * or only target() with ATTACH_TARGET (ATTACH_TARGET_TREE: every process, and the program
 * keeps target() and its descendants). A library's probe keeps the processes of its program:
 * the program's (dev, inode) goes in the group's slot of map BSTAP_MAP_PERF_EXE, as perf's
 * .process("path") does.
 */
#include "loader/kind.h"
#include "loader/load.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "prog/tracefs.h"

/* The pid the probe attaches to: -1 for every process, else target(). */
static int probe_pid(struct ldr *l, const struct meta_group *g, int *pid, char *why, size_t len)
{
	*pid = -1;
	if (!(g->at.flags & (ATTACH_TARGET | ATTACH_TARGET_TREE)))
		return 0;
	struct bstap_state_val st;
	uint32_t zero = 0;
	int fd = ldr_map_fd(l, BSTAP_MAP_STATE);
	if (fd >= 0 && !bpf_map_lookup_elem(fd, &zero, &st) && st.target) {
		/* the target's tree: every process, and the program keeps those */
		if (g->at.flags & ATTACH_TARGET)
			*pid = (int)st.target;
		return 0;
	}
	snprintf(why, len, "it probes the target process: give one with -c CMD or -x PID");
	return -EINVAL;
}

/* A library's probe, process("PATH").begin/end: which program's processes it keeps. */
static int set_program(struct ldr *l, const struct meta_group *g, const char *prog, char *why,
		       size_t len)
{
	struct stat st;
	unsigned gi;
	int end = 0;
	if (stat(prog, &st)) {
		int err = -errno;
		snprintf(why, len, "cannot find program %s: %s", prog, strerror(-err));
		return err;
	}
	int fd = ldr_map_fd(l, BSTAP_MAP_PERF_EXE);
	if (fd < 0 || sscanf(g->prog, "group_%u%n", &gi, &end) != 1 || g->prog[end]) {
		snprintf(why, len, "the object has no program filter for it");
		return -EINVAL;
	}
	struct { uint64_t dev, ino; } v = { ((uint64_t)major(st.st_dev) << 20) | minor(st.st_dev),
					    st.st_ino };
	uint32_t key = gi;
	if (bpf_map_update_elem(fd, &key, &v, BPF_ANY)) {
		int err = -errno;
		snprintf(why, len, "cannot set its program filter: %s", strerror(-err));
		return err;
	}
	return 0;
}

static int keep(struct ldr *l, struct bpf_link *link, const char *what, char *why, size_t len)
{
	if (!link) {
		int err = -errno;
		snprintf(why, len, "cannot attach %s: %s", what, strerror(-err));
		return err;
	}
	return ldr_keep_link(l, link, why, len);
}

static int attach_uprobe(struct ldr *l, struct bpf_program *prog, const struct meta_group *g,
			 char *why, size_t len)
{
	int pid, err;
	if ((err = probe_pid(l, g, &pid, why, len)))
		return err;
	if (g->at.target && (err = set_program(l, g, g->at.target, why, len)))
		return err;
	LIBBPF_OPTS(bpf_uprobe_opts, opts, .retprobe = (g->at.flags & ATTACH_RETURN) != 0);
	struct bpf_link *link = bpf_program__attach_uprobe_opts(prog, pid, g->at.path,
								(size_t)g->at.arg, &opts);
	char what[300];
	snprintf(what, sizeof(what), "a %s at offset 0x%llx of %s",
		 opts.retprobe ? "uretprobe" : "uprobe", (unsigned long long)g->at.arg, g->at.path);
	return keep(l, link, what, why, len);
}

static int attach_usdt(struct ldr *l, struct bpf_program *prog, const struct meta_group *g,
		       char *why, size_t len)
{
	int pid, err;
	if ((err = probe_pid(l, g, &pid, why, len)))
		return err;
	const char *colon = g->at.target ? strchr(g->at.target, ':') : NULL;
	if (!colon) {
		snprintf(why, len, "bad marker name '%s'", g->at.target ? g->at.target : "");
		return -EINVAL;
	}
	char provider[256];
	snprintf(provider, sizeof(provider), "%.*s", (int)(colon - g->at.target), g->at.target);
	struct bpf_link *link = bpf_program__attach_usdt(prog, pid, g->at.path, provider, colon + 1,
							 NULL);
	char what[300];
	snprintf(what, sizeof(what), "marker %s in %s", g->at.target, g->at.path);
	return keep(l, link, what, why, len);
}

/* process.begin/end: the scheduler's tracepoint, filtered in the program */
static int attach_proc_event(struct ldr *l, struct bpf_program *prog, const struct meta_group *g,
			     char *why, size_t len)
{
	int err;
	if (g->at.path && (err = set_program(l, g, g->at.path, why, len)))
		return err;
	if (!tracefs_root(why, len))
		return -ENOENT;
	const char *colon = g->at.target ? strchr(g->at.target, ':') : NULL;
	if (!colon) {
		snprintf(why, len, "bad tracepoint name '%s'", g->at.target ? g->at.target : "");
		return -EINVAL;
	}
	char sys[64];
	snprintf(sys, sizeof(sys), "%.*s", (int)(colon - g->at.target), g->at.target);
	return keep(l, bpf_program__attach_tracepoint(prog, sys, colon + 1), g->at.target, why, len);
}

static const struct ldr_kind uprobe_kind = { PK_UPROBE, "uprobe", attach_uprobe };
static const struct ldr_kind usdt_kind = { PK_USDT, "usdt", attach_usdt };
LDR_KIND(uprobe_kind)
static const struct ldr_kind proc_event_kind = { PK_PROC_EVENT, "process event",
						  attach_proc_event };
LDR_KIND(usdt_kind)
LDR_KIND(proc_event_kind)
