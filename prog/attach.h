/* Probe kinds and attach specs: what a kernel probe attaches to, in terms every kind shares. */
#ifndef BSTAP_ATTACH_H
#define BSTAP_ATTACH_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Probe kinds. A kind is a row in lang/probe_families.c (how a probe point resolves to it),
 * a file in loader/ (how it attaches, for kernel kinds) and a row in bpf/gen_kinds.c (its
 * section and context): docs/adding-a-probe-kind.md.
 */
enum probe_kind {
	PK_BEGIN,	/* runs in userspace before attach */
	PK_END,		/* runs in userspace after detach */
	PK_ERROR,	/* runs in userspace when the session ends by an error */
	PK_TIMER,	/* one perf event system-wide: period_ns, randomize_ns */
	PK_PROFILE,	/* timer.profile: a perf event per online CPU at HZ */
	PK_NEVER,	/* never: checked like any probe, never run */
	PK_TRACEPOINT,	/* a classic tracepoint: target "subsystem:event"; the handler reads the
			 * event's record (its $fields) */
	PK_RAW_TRACEPOINT,	/* the same event as a raw tracepoint (cheaper): target
				 * "subsystem:event"; chosen when the handlers read no field */
	PK_PERF,	/* a perf counter on every online CPU: perf_type, arg = config, period_ns =
			 * the sample period (a frequency with ATTACH_FREQ); path: .process("path") */
	PK_UPROBE,	/* a uprobe (uretprobe with ATTACH_RETURN): path = the file it is in (an
			 * absolute path), arg = its file offset, target = the program whose processes
			 * it keeps (a library's probe), or NULL: every process */
	PK_USDT,	/* an SDT marker: path = the file, target = "provider:name" */
	PK_PROC_EVENT,	/* process.begin/end: a scheduler tracepoint (target "sched:sched_process_exec")
			 * kept for the processes of program path (NULL: every process); arg 1: only
			 * the thread-group leader, 2: only the other threads */
	PK_KPROBE,	/* kernel.function / kprobe.function: target "vfs_read", path the module or
			 * NULL; ATTACH_RETURN for .return; arg = .maxactive(N), 0: the default */
	PK__COUNT
};

/* Attach-spec flags. */
enum attach_flag {
	ATTACH_RETURN = 1,	/* the function's return, not its entry */
	ATTACH_FREQ = 2,	/* perf: period_ns is a frequency in Hz (.hz(N)) */
	ATTACH_TARGET = 4,	/* perf .process with no path: only the target() process; uprobes:
				 * attached to the target() process alone */
	ATTACH_TARGET_TREE = 8,	/* uprobes: every process, kept (in BPF) for target() and its
				 * descendants: process.function(...) with -c CMD */
	ATTACH_FENTRY = 16,	/* kprobe: attach as fentry/fexit (BTF trampoline), not kprobe */
};

/*
 * Where and how one probe attaches, in terms every kind shares: pass 2 fills it, the
 * generator groups probes by it, the loader attaches it. Fields a kind does not use are 0.
 */
struct attach_spec {
	enum probe_kind kind;
	const char *target;	/* what to attach to: "sched:sched_switch", "vfs_read"; NULL for timers */
	const char *path;	/* where target lives: a module or an executable; NULL: the kernel */
	uint64_t period_ns;	/* timers: the interval; sampling kinds: the period */
	uint64_t randomize_ns;	/* timer .randomize(M), 0 if none */
	uint64_t arg;		/* a kind's own number: maxactive, an offset, a perf config */
	uint32_t perf_type;	/* perf: PERF_TYPE_* of the counter */
	uint32_t flags;		/* enum attach_flag */
};

/* Do two specs attach to the same kernel event (so their probes can share one program)? */
bool attach_spec_same_event(const struct attach_spec *x, const struct attach_spec *y);

#endif
