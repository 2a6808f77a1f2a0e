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

static const struct gen_kind kinds[] = {
	{ PK_TRACEPOINT, tracepoint_section, "void *ctx", NULL },
	{ PK_RAW_TRACEPOINT, raw_tracepoint_section, "void *ctx", NULL },
	{ PK_TIMER, perf_event_section, "void *ctx", timer_entry },
	{ PK_PROFILE, perf_event_section, "void *ctx", NULL },
};

const struct gen_kind *gen_kind_of(enum probe_kind kind)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].kind == kind)
			return &kinds[i];
	return NULL;
}
