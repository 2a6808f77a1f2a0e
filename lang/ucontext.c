/*
 * Where the user-space probe builtins may run: int_arg(), u_register() and the like read the
 * registers of a process(...) probe, returnval() and returnstr() the return value of a user or
 * kernel function's .return or a system call's exit (prog/probectx.h), and user_long() and its
 * kin need a probe that runs in the kernel for a task. A handler (or a function it calls) that
 * uses one elsewhere (begin, end, a timer, a tracepoint) is an error at the call.
 */
#include "lang/elab.h"

#include <string.h>

#include "prog/builtins.h"
#include "prog/probectx.h"
#include "prog/visit.h"

struct uctx {
	struct arena *a;
	struct diag *d;
	const struct eprobe *ep;
	const struct func **seen;	/* functions walked for this probe */
	uint32_t nseen;
	uint32_t cap;
	int errors;
};

static bool is_user_read(int b)
{
	return b >= B_USER_CHAR && b <= B_USYMNAME;	/* and usymname() */
}

/* A function the probe calls: walked later, once (a list, not recursion: chains are deep). */
static void add_func(struct uctx *u, const struct func *fn)
{
	for (uint32_t i = 0; i < u->nseen; i++)
		if (u->seen[i] == fn)
			return;
	if (u->nseen == u->cap) {
		uint32_t cap = u->cap ? 2 * u->cap : 8;
		u->seen = arena_realloc(u->a, u->seen, u->cap * sizeof(*u->seen), cap * sizeof(*u->seen));
		u->cap = cap;
	}
	u->seen[u->nseen++] = fn;
}

static bool uses_any(struct node *n, void *ctx)
{
	if (n->kind == N_CALL && !n->u.call.fn &&
	    (builtin_uregs(n->u.call.builtin) || is_user_read(n->u.call.builtin) ||
	     n->u.call.builtin == B_RETURNSTR))
		*(bool *)ctx = true;
	return true;
}

static bool check(struct node *n, void *ctx)
{
	struct uctx *u = ctx;
	if (n->kind != N_CALL)
		return true;
	if (n->u.call.fn) {
		add_func(u, n->u.call.fn);
		return true;
	}
	int b = n->u.call.builtin;
	const struct eprobe *ep = u->ep;
	bool user_probe = ep->at.kind == PK_UPROBE || ep->at.kind == PK_USDT;
	bool retval = b == B_RETURNVAL || b == B_RETURNSTR;
	if (builtin_uregs(b) && !retval && !user_probe) {
		diag_error(u->d, &n->loc, "'%s' reads the registers of a user-space probe "
			   "(process(...).function, .statement or .mark): it cannot be used in probe "
			   "'%s'", n->u.call.name, ep->pp);
		u->errors++;
	} else if (retval && probectx_retval_off(ep) < 0 && ep->at.kind == PK_KPROBE &&
		   (ep->at.flags & ATTACH_RETURN)) {
		diag_error(u->d, &n->loc, "'%s': the function of '%s' returns nothing (void), and "
			   "fexit keeps no return register for it (--kprobes reads the register)",
			   n->u.call.name, ep->pp);
		u->errors++;
	} else if (retval && probectx_retval_off(ep) < 0) {
		diag_error(u->d, &n->loc, "'%s' is the value a function returns: it can only be "
			   "used in a .return probe (process(...).function(...).return, "
			   "kernel.function(...).return, syscall.*.return, a system call's exit "
			   "tracepoint), not in '%s'", n->u.call.name, ep->pp);
		u->errors++;
	} else if (is_user_read(b) && ep->place != PLACE_KERNEL) {
		diag_error(u->d, &n->loc, "'%s' reads a process's memory: it needs a probe that runs "
			   "for a task, not '%s'", n->u.call.name, ep->pp);
		u->errors++;
	}
	return true;
}

int ucontext_check(struct arena *a, struct diag *d, struct program *p)
{
	bool any = false;
	for (uint32_t i = 0; i < p->probes.n && !any; i++) {
		ast_visit(p->probes.v[i]->cond, uses_any, &any);
		ast_visit(p->probes.v[i]->body, uses_any, &any);
	}
	for (uint32_t f = 0; f < p->funcs.n && !any; f++)
		ast_visit(p->funcs.v[f]->body, uses_any, &any);
	if (!any)
		return 0;
	struct uctx u = { a, d, NULL, NULL, 0, 0, 0 };
	for (uint32_t i = 0; i < p->probes.n && !u.errors; i++) {
		u.ep = p->probes.v[i];
		u.nseen = 0;
		ast_visit(u.ep->cond, check, &u);
		ast_visit(u.ep->body, check, &u);
		for (uint32_t k = 0; k < u.nseen && !u.errors; k++)
			ast_visit(u.seen[k]->body, check, &u);
	}
	return u.errors ? -1 : 0;
}
