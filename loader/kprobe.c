/* kernel.function / kprobe.function probes: kprobes and kretprobes, fentry and fexit. */
#include "loader/kind.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "prog/kfeatures.h"

/*
 * A kernel built without CONFIG_KPROBES has no kprobe PMU, and libbpf's fallback (tracefs
 * kprobe_events) is missing too: say so once, plainly, instead of a bare ENOENT per probe.
 */
static bool kprobe_supported(const struct meta_group *g, char *why, size_t len)
{
	if (g->at.flags & ATTACH_FENTRY)
		return kernel_fentry_works(why, len);
	return kernel_kprobes_work(why, len);
}

static int attach_kprobe(struct ldr *l, struct bpf_program *prog, const struct meta_group *g,
			 char *why, size_t len)
{
	bool ret = g->at.flags & ATTACH_RETURN;
	/* fentry/fexit: libbpf found the function's BTF id in the running kernel at load */
	struct bpf_link *link = g->at.flags & ATTACH_FENTRY ? bpf_program__attach_trace(prog)
							     : bpf_program__attach_kprobe(prog, ret, g->at.target);
	if (!link) {
		int err = -errno;
		if (err == -ENOENT || err == -EINVAL)
			snprintf(why, len, "the kernel cannot %sprobe function %s: %s",
				 ret ? "return-" : "", g->at.target, strerror(-err));
		else
			snprintf(why, len, "%s on %s: %s", ret ? "kretprobe" : "kprobe", g->at.target,
				 strerror(-err));
		return err;
	}
	return ldr_keep_link(l, link, why, len);
}

static const struct ldr_kind kprobe_kind = { PK_KPROBE, "kprobe", attach_kprobe };
static const struct ldr_kind_check kprobe_check = { PK_KPROBE, kprobe_supported, true };
LDR_KIND(kprobe_kind)
LDR_KIND_CHECK(kprobe_check)
