/* Helpers over the elaborated program that every pass shares. */
#include "prog/program.h"

#include <string.h>

void eprobe_list_push(struct arena *a, struct eprobe_list *l, struct eprobe *p)
{
	ARENA_LIST_PUSH(a, l, p);
}

static bool str_eq(const char *x, const char *y)
{
	return x == y || (x && y && !strcmp(x, y));
}

bool attach_spec_same_event(const struct attach_spec *x, const struct attach_spec *y)
{
	/* a randomized timer keeps its own due time, so it never shares an event */
	return x->kind == y->kind && x->period_ns == y->period_ns && !x->randomize_ns &&
	       !y->randomize_ns && x->arg == y->arg && x->perf_type == y->perf_type && x->flags == y->flags &&
	       str_eq(x->target, y->target) && str_eq(x->path, y->path);
}
