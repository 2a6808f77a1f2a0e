/*
 * Where the task functions that take or give a task address may run: task_current(),
 * task_parent(t), task_pid(t), ... and pid2task() work on the kernel address of a task_struct,
 * which only a handler running in the kernel (a BPF program) has. begin, end, error and
 * userspace timers run in bstap's own process: a call there (or in a function such a handler
 * calls) is an error at the call. The task functions that need no address (sid(), pexecname(),
 * cmdline_str(), thread_indent(), pid2execname(), ...) run in both places. The dentry functions
 * (task_dentry_path(), d_name(), ...) read kernel structures at the addresses they are given:
 * kernel probes only, too.
 */
#include "lang/elab.h"

#include <stdlib.h>

#include "prog/builtins.h"
#include "prog/visit.h"

struct tctx {
	struct diag *d;
	const struct eprobe *ep;
	const struct func **todo;
	bool *seen;
	uint32_t n;
	int errors;
};

static bool check(struct node *n, void *ctx)
{
	struct tctx *t = ctx;
	if (n->kind != N_CALL)
		return true;
	if (n->u.call.fn) {
		if (!t->seen[n->u.call.fn->id]) {
			t->seen[n->u.call.fn->id] = true;
			t->todo[t->n++] = n->u.call.fn;
		}
		return true;
	}
	int b = n->u.call.builtin;
	if (builtin_dentry(b) && t->ep->place == PLACE_USER && !t->errors) {
		diag_error(t->d, &n->loc, "'%s' reads kernel structures (dentries, mounts, the "
			   "current task's root) at kernel addresses, which only a kernel probe has: "
			   "probe '%s' runs in userspace (begin, end, error and timers that do what BPF "
			   "cannot)", n->u.call.name, t->ep->pp);
		t->errors++;
	}
	if (builtin_task_addr(b) && t->ep->place == PLACE_USER && !t->errors) {
		diag_error(t->d, &n->loc, "'%s' works on the kernel address of a task, which only a "
			   "kernel probe has: probe '%s' runs in userspace (begin, end, error and timers "
			   "that do what BPF cannot), where there is no current task", n->u.call.name,
			   t->ep->pp);
		t->errors++;
	}
	return true;
}

int taskctx_check(struct diag *d, struct program *p)
{
	struct tctx t = { d, NULL, calloc(p->funcs.n + 1, sizeof(*t.todo)),
			  calloc(p->funcs.n + 1, sizeof(bool)), 0, 0 };
	if (!t.todo || !t.seen)
		abort();
	for (uint32_t i = 0; i < p->probes.n && !t.errors; i++) {
		t.ep = p->probes.v[i];
		if (t.ep->place == PLACE_NOWHERE)
			continue;
		t.n = 0;
		for (uint32_t f = 0; f <= p->funcs.n; f++)
			t.seen[f] = false;
		ast_visit(t.ep->cond, check, &t);
		ast_visit(t.ep->body, check, &t);
		while (t.n && !t.errors)
			ast_visit(t.todo[--t.n]->body, check, &t);
	}
	free(t.todo);
	free(t.seen);
	return t.errors ? -1 : 0;
}
