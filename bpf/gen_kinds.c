/* The generator's table of kernel probe kinds. */
#include "bpf/gen_kinds.h"

#include <string.h>

static const char *perf_event_section(struct arena *a, const struct attach_spec *at)
{
	(void)a;
	(void)at;
	return "perf_event";
}

/*
 * timer.X(N).randomize(M): the perf event samples finer than the spread, and the program
 * fires when the random due time has passed.
 */
static void timer_entry(FILE *out, uint32_t gi, const struct attach_spec *at,
			struct attach_spec *loader_at)
{
	if (!at->randomize_ns)
		return;
	uint64_t gran = at->randomize_ns / 4;
	if (gran < 10000)
		gran = 10000;
	if (gran > at->period_ns - at->randomize_ns)
		gran = at->period_ns - at->randomize_ns;
	loader_at->period_ns = gran;
	fprintf(out, "\tif (!bstap_due_check(%u, %lluULL, %lluULL))\n\t\treturn 0;\n", gi,
		(unsigned long long)at->period_ns, (unsigned long long)at->randomize_ns);
}

/* tp/SYS/EVENT: a classic tracepoint, whose context is the event's record */
static const char *tracepoint_section(struct arena *a, const struct attach_spec *at)
{
	const char *colon = strchr(at->target, ':');
	return arena_printf(a, "tp/%.*s/%s", (int)(colon - at->target), at->target, colon + 1);
}

/* raw_tp/EVENT: the tracepoint's own arguments, no record built */
static const char *raw_tracepoint_section(struct arena *a, const struct attach_spec *at)
{
	return arena_printf(a, "raw_tp/%s", strchr(at->target, ':') + 1);
}

/*
 * perf.*: the counter samples on every CPU for every task; .process("path") and .process keep
 * the samples of that program (its (dev, inode) in map bstap_perf_exe at slot gi, which
 * loader/perf.c fills) or of target().
 */
static void perf_entry(FILE *out, uint32_t gi, const struct attach_spec *at,
		       struct attach_spec *loader_at)
{
	(void)loader_at;
	if (at->path)
		fprintf(out, "\tif (!bstap_perf_exe_match(%u))\n\t\treturn 0;\n", gi);
	else if (at->flags & ATTACH_TARGET)
		fprintf(out, "\tif (!bstap_perf_target_match())\n\t\treturn 0;\n");
}

/* kprobe/FN, kretprobe/FN: the context is the registers (struct pt_regs); fentry/FN,
 * fexit/FN: the arguments (then the return value) as u64s */
static const char *kprobe_section(struct arena *a, const struct attach_spec *at)
{
	bool ret = at->flags & ATTACH_RETURN;
	if (at->flags & ATTACH_FENTRY)
		return arena_printf(a, "%s/%s", ret ? "fexit" : "fentry", at->target);
	return arena_printf(a, "%s/%s", ret ? "kretprobe" : "kprobe", at->target);
}

/* uprobe: a kprobe-type program, attached by offset (loader/uprobe.c) */
static const char *uprobe_section(struct arena *a, const struct attach_spec *at)
{
	(void)a;
	return at->flags & ATTACH_RETURN ? "uretprobe" : "uprobe";
}

static const char *usdt_section(struct arena *a, const struct attach_spec *at)
{
	(void)a;
	(void)at;
	return "usdt";
}

/* a library's probe keeps the processes of its program (map bstap_perf_exe, slot gi) */
static void uprobe_entry(FILE *out, uint32_t gi, const struct attach_spec *at,
			 struct attach_spec *loader_at)
{
	(void)loader_at;
	if (at->target)
		fprintf(out, "\tif (!bstap_perf_exe_match(%u))\n\t\treturn 0;\n", gi);
	if (at->flags & ATTACH_TARGET_TREE)
		fprintf(out, "\tif (!bstap_target_tree())\n\t\treturn 0;\n");
}

/* process.begin/end: the program's processes, the whole process or its other threads (a new
 * thread at its first return to user space, from clone) */
static void proc_event_entry(FILE *out, uint32_t gi, const struct attach_spec *at,
			     struct attach_spec *loader_at)
{
	(void)loader_at;
	if (at->path)
		fprintf(out, "\tif (!bstap_perf_exe_match(%u))\n\t\treturn 0;\n", gi);
	if (at->arg == 1)
		fprintf(out, "\tif (bstap_pid() != bstap_tid())\n\t\treturn 0;\n");
	else if (at->arg == 2)
		fprintf(out, "\tif (bstap_pid() == bstap_tid())\n\t\treturn 0;\n");
	else if (at->arg == 3)
		/* raw_syscalls:sys_exit (id at 8, ret at 16 after the common header): a new
		 * thread returning 0 from clone (56) or clone3 (435), x86-64's numbers */
		fprintf(out, "\tif (bstap_pid() == bstap_tid() || *(long *)((char *)ctx + 16) != 0 ||\n"
			"\t    (*(long *)((char *)ctx + 8) != 56 && *(long *)((char *)ctx + 8) != 435))\n"
			"\t\treturn 0;\n");
}

/* a marker (target is its name): only the -c command's tree, when that is what it keeps */
static void usdt_entry(FILE *out, uint32_t gi, const struct attach_spec *at,
		       struct attach_spec *loader_at)
{
	(void)gi;
	(void)loader_at;
	if (at->flags & ATTACH_TARGET_TREE)
		fprintf(out, "\tif (!bstap_target_tree())\n\t\treturn 0;\n");
}

static const struct gen_kind kinds[] = {
	{ PK_PROC_EVENT, tracepoint_section, "void *ctx", proc_event_entry },
	{ PK_UPROBE, uprobe_section, "void *ctx", uprobe_entry },
	{ PK_USDT, usdt_section, "void *ctx", usdt_entry },
	{ PK_KPROBE, kprobe_section, "void *ctx", NULL },
	{ PK_TRACEPOINT, tracepoint_section, "void *ctx", NULL },
	{ PK_RAW_TRACEPOINT, raw_tracepoint_section, "void *ctx", NULL },
	{ PK_TIMER, perf_event_section, "void *ctx", timer_entry },
	{ PK_PROFILE, perf_event_section, "void *ctx", NULL },
	{ PK_PERF, perf_event_section, "void *ctx", perf_entry },
};

const struct gen_kind *gen_kind_of(enum probe_kind kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == kind)
			return &kinds[i];
	return NULL;
}
