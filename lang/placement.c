/*
 * Pass 2, last step: where each handler runs. Kernel probes are BPF programs; a timer handler
 * that needs what BPF cannot do (sorting, reading statistics, some sprintf formats, recursion)
 * and reads no task context runs in userspace on a timer instead: stap's periodic-report
 * idiom. The decision is recorded in the program (eprobe.place, func.in_kernel), so the
 * generator only emits what it is told.
 */
#include "lang/elab.h"

#include "prog/builtins.h"
#include "prog/format.h"
#include "prog/regex_dfa.h"
#include "prog/visit.h"

#include <string.h>

/*
 * The walks below follow calls into function bodies, each body once, through a worklist of
 * the functions met and not yet walked: a long call chain needs no deep stack.
 */
struct todo {
	const struct func **v;
	uint32_t n;
};

static struct todo todo_new(struct arena *a, const struct program *p)
{
	return (struct todo){ arena_alloc(a, (p->funcs.n + 1) * sizeof(struct func *)), 0 };
}

/* Does a walk from some node reach a call of 'target'? Each function body is searched once. */
struct reach {
	const struct func *target;
	bool *seen;	/* per function id */
	bool found;
	struct todo todo;
};

static bool find_call(struct node *n, void *ctx)
{
	struct reach *r = ctx;
	if (r->found)
		return false;
	if (n->kind == N_CALL && n->u.call.fn) {
		const struct func *fn = n->u.call.fn;
		if (fn == r->target) {
			r->found = true;
			return false;
		}
		if (!r->seen[fn->id]) {
			r->seen[fn->id] = true;
			r->todo.v[r->todo.n++] = fn;
		}
	}
	return true;
}

/* r holds the buffers for every search (seen cleared here), so memory stays linear */
static bool reaches(struct reach *r0, const struct program *p, struct node *n,
		    const struct func *target)
{
	struct reach r = *r0;
	r.target = target;
	r.found = false;
	r.todo.n = 0;
	memset(r.seen, 0, (p->funcs.n + 1) * sizeof(bool));
	ast_visit(n, find_call, &r);
	while (!r.found && r.todo.n)
		ast_visit(r.todo.v[--r.todo.n]->body, find_call, &r);
	return r.found;
}

/* What a handler needs, over it and every function it calls. */
enum need {
	NEED_USER = 1,	/* something BPF cannot do */
	NEED_TASK = 2,	/* the task the event interrupted: pid(), execname(), ... */
};

struct needs {
	struct arena *a;
	bool *seen;	/* per function id: its body was walked already */
	int flags;
	struct todo todo;
};

/* bpf_snprintf takes 12 values; a delimiter that is not a literal counts once per gap. */
static bool sprint_fits_bpf(const struct node *n)
{
	const struct node_list *l = &n->u.call.args;
	bool d = n->u.call.builtin == B_SPRINTD || n->u.call.builtin == B_SPRINTDLN;
	uint32_t vals = l->n - d, gaps = d && l->v[0]->kind != N_STR && vals ? vals - 1 : 0;
	return vals + gaps <= 12;
}

static bool need(struct node *n, void *ctx)
{
	struct needs *w = ctx;
	if (n->kind == N_FOREACH) {
		if (n->u.foreach.sort_dir || n->u.foreach.arr->kind != N_VAR)
			w->flags |= NEED_USER;
		return true;
	}
	if (n->kind == N_STATOP &&
	    (n->u.statop.op == OP_HIST_LOG || n->u.statop.op == OP_HIST_LINEAR))
		w->flags |= NEED_USER;	/* printing a histogram */
	if (n->kind != N_CALL)
		return true;
	const struct func *fn = n->u.call.fn;
	if (fn) {
		if (fn->recursive)
			w->flags |= NEED_USER;	/* BPF has no recursion; stap's runs in userspace */
		/* a function counts once: what it needs is the same at every call */
		if (!w->seen[fn->id]) {
			w->seen[fn->id] = true;
			w->todo.v[w->todo.n++] = fn;
		}
		return true;
	}
	switch (n->u.call.builtin) {
	case B_PID: case B_TID: case B_PPID: case B_UID: case B_EXECNAME:
	case B_USER_STRING: case B_USER_STRING_N: case B_KERNEL_STRING: case B_KERNEL_STRING_N:
	case B_USER_STRING_QUOTED: case B_USER_STRING_N_QUOTED: case B_USER_BUFFER_QUOTED:
	case B_KERNEL_STRING_QUOTED: case B_KERNEL_BUFFER_QUOTED:
	case B_KERNEL_LONG: case B_KERNEL_INT: case B_KERNEL_SHORT: case B_KERNEL_CHAR:
	case B_KERNEL_POINTER: case B_CAST: case B_CAST_STRING:
	case B_RAISE:	/* the current thread's signal */
	case B_BACKTRACE: case B_PRINT_BACKTRACE:	/* its kernel stack */
	case B_UBACKTRACE: case B_PRINT_UBACKTRACE: case B_UCALLERS: case B_SPRINT_UBACKTRACE:
	case B_USYMDATA:	/* in the current process */
	case B_CMDLINE_ARGS:	/* its arguments */
	case B_CALLER: case B_CALLER_ADDR: case B_SPRINT_BACKTRACE:	/* the probed function's */
		w->flags |= NEED_TASK;
		break;
	case B_SPRINT: case B_SPRINTLN: case B_SPRINTD: case B_SPRINTDLN:
		if (!sprint_fits_bpf(n))
			w->flags |= NEED_USER;
		break;
	case B_SPRINTF: {
		const struct node *fa = n->u.call.args.v[0];
		struct fmt_bpf_arg render[12];
		if (fa->kind != N_STR ||
		    !fmt_bpf_snprintf(w->a, arena_strndup(w->a, fa->u.str.s, fa->u.str.len), render))
			w->flags |= NEED_USER;
		break;
	}
	case B_MATCHED: case B_MATCHED_STR: case B_NGROUPS:
		w->flags |= NEED_USER;	/* BPF keeps no captures */
		break;
	case B_REGEX_MATCH: case B_REGEX_NOMATCH: {
		const struct node *re = n->u.call.args.v[1];
		static struct regex_dfa d;
		char why[8];
		if (re->kind != N_STR ||
		    regex_dfa_build(re->u.str.s, re->u.str.len, &d, why, sizeof(why)))
			w->flags |= NEED_USER;	/* beyond the kernel's DFA matcher */
		break;
	}
	default:
		if (builtin_uregs(n->u.call.builtin) ||
		    (builtin_task(n->u.call.builtin) && n->u.call.builtin != B_PID2EXECNAME) ||
		    builtin_dentry(n->u.call.builtin) ||	/* kernel structures, the task's root */
		    (n->u.call.builtin >= B_USER_CHAR && n->u.call.builtin <= B_USYMNAME))
			w->flags |= NEED_TASK;
		break;
	}
	return true;
}

static int handler_needs(struct arena *a, const struct program *p, const struct eprobe *ep)
{
	struct needs w = { a, arena_alloc(a, (p->funcs.n + 1) * sizeof(bool)), 0, todo_new(a, p) };
	ast_visit(ep->body, need, &w);
	ast_visit(ep->cond, need, &w);
	while (w.todo.n)
		ast_visit(w.todo.v[--w.todo.n]->body, need, &w);
	return w.flags;
}

/* Mark every function a kernel probe calls, directly or not: one walk, each body once. */
static bool mark_in_kernel(struct node *n, void *ctx)
{
	struct todo *todo = ctx;
	if (n->kind == N_CALL && n->u.call.fn && !n->u.call.fn->in_kernel) {
		n->u.call.fn->in_kernel = true;
		todo->v[todo->n++] = n->u.call.fn;
	}
	return true;
}

static bool reads_field(struct node *n, void *ctx)
{
	if (n->kind == N_TARGET)
		*(bool *)ctx = true;
	return true;
}

static bool probe_reads_fields(const struct eprobe *ep)
{
	bool r = false;
	ast_visit(ep->body, reads_field, &r);
	ast_visit(ep->cond, reads_field, &r);
	return r;
}

/*
 * How a tracepoint attaches. Its $fields live in the record the kernel builds for a classic
 * tracepoint; when no handler on the event reads one, a raw tracepoint runs the handlers
 * straight from the tracepoint call, which skips building the record (the syscalls:* events
 * have no raw tracepoint of their own).
 */
static void choose_tracepoints(struct program *p)
{
	for (uint32_t i = 0; i < p->probes.n; i++) {
		struct eprobe *ep = p->probes.v[i];
		if (ep->at.kind != PK_TRACEPOINT || !ep->tvars || !ep->tvars->raw_ok)
			continue;
		bool fields = false;
		for (uint32_t j = 0; j < p->probes.n && !fields; j++) {
			const struct eprobe *q = p->probes.v[j];
			if ((q->at.kind == PK_TRACEPOINT || q->at.kind == PK_RAW_TRACEPOINT) &&
			    !strcmp(q->at.target, ep->at.target))
				fields = probe_reads_fields(q);
		}
		if (!fields)
			ep->at.kind = PK_RAW_TRACEPOINT;
	}
}

int placement_decide(struct arena *a, struct diag *d, struct program *p)
{
	choose_tracepoints(p);
	struct todo kernel = todo_new(a, p);
	struct reach r = { NULL, arena_alloc(a, (p->funcs.n + 1) * sizeof(bool)), false,
			   todo_new(a, p) };
	for (uint32_t f = 0; f < p->funcs.n; f++)
		p->funcs.v[f]->recursive = reaches(&r, p, p->funcs.v[f]->body, p->funcs.v[f]);
	for (uint32_t i = 0; i < p->probes.n; i++) {
		struct eprobe *ep = p->probes.v[i];
		/* only interval timers have a userspace twin; the others read the event */
		if (ep->at.kind == PK_TIMER && ep->place == PLACE_KERNEL &&
		    handler_needs(a, p, ep) == NEED_USER)
			ep->place = PLACE_USER;
	}
	for (uint32_t i = 0; i < p->probes.n; i++) {
		struct eprobe *ep = p->probes.v[i];
		if (ep->place == PLACE_KERNEL) {
			ast_visit(ep->body, mark_in_kernel, &kernel);
			ast_visit(ep->cond, mark_in_kernel, &kernel);
		}
	}
	while (kernel.n)
		ast_visit(kernel.v[--kernel.n]->body, mark_in_kernel, &kernel);
	int errors = 0;
	for (uint32_t f = 0; f < p->funcs.n; f++) {
		struct func *fn = p->funcs.v[f];
		if (fn->in_kernel && fn->recursive) {
			diag_error(d, &fn->loc, "function '%s' is recursive and cannot run in a kernel "
				   "probe: call it from 'begin'/'end', or from a timer probe that uses no "
				   "task context (pid(), execname(), ...) so that it runs in userspace",
				   fn->name);
			errors++;
		}
	}
	return errors ? -1 : 0;
}
