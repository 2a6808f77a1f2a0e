/* What the running kernel offers kernel function probes: fentry (tried by loading and attaching
 * an empty tracing program) and kprobes (its kprobe PMU or kprobe_events). */
#include "prog/kfeatures.h"
#include "prog/tracefs.h"

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool kernel_fentry_works(char *why, size_t whylen)
{
	static int known;	/* 0: not tried, 1: works, -1: does not */
	static char known_why[256];
	if (known) {
		if (known < 0)
			snprintf(why, whylen, "%s", known_why);
		return known > 0;
	}
	struct btf *btf = btf__load_vmlinux_btf();
	int id = -ENOENT;
	/* the kernel's own fentry test function when it has one: nothing calls it */
	if (btf) {
		id = btf__find_by_name_kind(btf, "bpf_fentry_test1", BTF_KIND_FUNC);
		if (id < 0)
			id = btf__find_by_name_kind(btf, "vfs_read", BTF_KIND_FUNC);
		btf__free(btf);
	}
	if (id < 0) {
		snprintf(known_why, sizeof(known_why), "no kernel BTF to attach fentry programs by");
	} else {
		struct bpf_insn insns[] = {
			{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
			{ .code = BPF_JMP | BPF_EXIT },
		};
		LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY,
			    .attach_btf_id = (__u32)id);
		int fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "bstap_probe", "GPL", insns, 2, &opts);
		if (fd < 0) {
			snprintf(known_why, sizeof(known_why), "the kernel refuses fentry programs (%s)",
				 strerror(errno));
		} else {
			int link = bpf_link_create(fd, 0, BPF_TRACE_FENTRY, NULL);
			if (link < 0)
				snprintf(known_why, sizeof(known_why), "the kernel cannot attach fentry "
					 "programs (%s)", strerror(errno));
			else
				close(link);
			close(fd);
			if (link >= 0)
				known = 1;
		}
	}
	if (!known)
		known = -1;
	if (known < 0)
		snprintf(why, whylen, "%s", known_why);
	return known > 0;
}

bool kernel_kprobes_work(char *why, size_t whylen)
{
	if (!access("/sys/bus/event_source/devices/kprobe", F_OK))
		return true;
	char troot[256];
	const char *root = tracefs_root(troot, sizeof(troot));
	char path[512];
	snprintf(path, sizeof(path), "%s/kprobe_events", root ? root : "/sys/kernel/tracing");
	if (root && !access(path, F_OK))
		return true;
	snprintf(why, whylen, "this kernel has no kprobes (no kprobe PMU in "
		 "/sys/bus/event_source/devices and no %s: it was built without CONFIG_KPROBES)",
		 path);
	return false;
}
