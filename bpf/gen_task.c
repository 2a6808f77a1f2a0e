/*
 * The task functions in kernel probes (SystemTap's task.stp, context.stp, indent.stp): a task
 * is a long, the kernel address of its task_struct, whose fields bstap.bpf.h reads with CO-RE.
 * runtime/eval_task.c is the userspace half, for the functions that need no task address.
 */
#include "bpf/gen_funcs.h"


#include "prog/abi.h"
#include "prog/builtins.h"

#define MAXSTR (x->maxstr)

#define S gen_api_printf

static const char *ARG(struct gen_api *x, struct node *n)
{
	return x->ex(x->g, n->u.call.args.v[0]);
}

static uint32_t T(struct gen_api *x)
{
	return x->tmp(x->g, x->strbuf);
}

static const char *W(struct gen_api *x)
{
	return S(x, "BSTAP_T(%u)", x->tmp(x->g, 64));
}

static uint32_t site(struct gen_api *x, struct node *n)
{
	return x->site(x->g, S(x, "identifier '%s'", n->u.call.name), &n->loc);
}

/* A call that may fault: the handler unwinds after it. */
static const char *checked(struct gen_api *x, const char *type, const char *call)
{
	uint32_t k = x->uniq(x->g);
	return S(x, "({ %s _v%u = %s; if (S->err) { %s; } _v%u; })", type, k, call, x->abort, k);
}

/* A task field, as stap's kread(): a fault is a runtime error at the call. */
static const char *field(struct gen_api *x, struct node *n, const char *f, const char *adjust)
{
	return checked(x, "s64", S(x, "((s64)BSTAP_TASK_FIELD(S, %u, (s64)(%s), %s)%s)", site(x, n),
				    ARG(x, n), f, adjust));
}

const char *gen_task_call(struct gen_api *x, struct node *n)
{
	switch (n->u.call.builtin) {
	case B_TASK_CURRENT: return "((s64)bpf_get_current_task())";
	case B_TASK_PARENT: return field(x, n, "real_parent", "");
	case B_TASK_PID: return field(x, n, "tgid", "");
	case B_TASK_TID: return field(x, n, "pid", "");
	case B_TASK_STATE:
		return checked(x, "s64", S(x, "bstap_task_state(S, %u, (s64)(%s))", site(x, n), ARG(x, n)));
	case B_TASK_PRIO: return field(x, n, "prio", " - 100");	/* - MAX_RT_PRIO */
	case B_TASK_NICE: return field(x, n, "static_prio", " - 120");	/* PRIO_TO_NICE */
	case B_TASK_CPU:
		return checked(x, "s64", S(x, "bstap_task_cpu(S, %u, (s64)(%s))", site(x, n), ARG(x, n)));
	case B_TASK_UID: case B_TASK_GID: case B_TASK_EUID: case B_TASK_EGID:
		return checked(x, "s64", S(x, "bstap_task_cred(S, %u, (s64)(%s), %d)", site(x, n),
					    ARG(x, n), n->u.call.builtin - B_TASK_UID));
	case B_TASK_EXECNAME:
		return checked(x, "char *", S(x, "bstap_task_comm(S, %u, BSTAP_T(%u), (s64)(%s))",
					       site(x, n), T(x), ARG(x, n)));
	case B_PID2TASK: return S(x, "bstap_pid2task((s64)(%s))", ARG(x, n));
	case B_PID2EXECNAME:
		return S(x, "bstap_pid2execname(BSTAP_T(%u), (s64)(%s))", T(x), ARG(x, n));
	case B_PEXECNAME: return S(x, "bstap_pexecname(BSTAP_T(%u))", T(x));
	case B_SID: return "bstap_cur_pidtype(3)";
	case B_PGRP: return "bstap_cur_pidtype(2)";
	case B_EUID: return "bstap_cur_cred(2)";
	case B_GID: return "bstap_cur_cred(1)";
	case B_EGID: return "bstap_cur_cred(3)";
	case B_CMDLINE_STR:	/* stap's cmdline_args(0, -1, " "): an empty argument is "" */
		return S(x, "bstap_cmdline_args(%s, BSTAP_T(%u), BSTAP_T(%u), 0, -1, \" \")", W(x), T(x),
			 T(x));
	case B_CMDLINE_ARG:
		return S(x, "bstap_cmdline_arg(%s, BSTAP_T(%u), BSTAP_T(%u), (s64)(%s))", W(x), T(x),
			 T(x), ARG(x, n));
	case B_THREAD_INDENT:
		return S(x, "bstap_thread_indent(%s, BSTAP_T(%u), (s64)(%s))", W(x), T(x), ARG(x, n));
	default:
		return gen_dentry_call(x, n);	/* bpf/gen_dentry.c */
	}
}
