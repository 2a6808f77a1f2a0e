/*
 * system(), raise(), symname() and symdata() in kernel probes (runtime/sysfuncs.c is the
 * userspace half): system() sends its command to the runtime in a record; raise() is
 * bpf_send_signal_thread(); symname()/symdata() give a placeholder with the address, which the
 * runtime replaces with the symbol from /proc/kallsyms where the string is printed.
 */
#include "bpf/gen_sys.h"

#include <stdio.h>

#include "prog/abi.h"
#include "prog/builtins.h"
#include "prog/visit.h"

static bool calls_backtrace(struct node *n, void *ctx)
{
	if (n->kind == N_CALL && !n->u.call.fn) {
		int b = n->u.call.builtin;
		if (b == B_BACKTRACE || b == B_SPRINT_BACKTRACE)
			*(int *)ctx |= 1;
		if (b == B_UBACKTRACE || b == B_UCALLERS || b == B_SPRINT_UBACKTRACE || b == B_USYMDATA)
			*(int *)ctx |= 2;
		if (b == B_THREAD_INDENT)
			*(int *)ctx |= 4;
	}
	return true;
}

const char *gen_sys_decls(const struct program *p)
{
	int used = 0;
	for (uint32_t i = 0; i < p->probes.n; i++)
		if (p->probes.v[i]->place == PLACE_KERNEL)
			ast_visit(p->probes.v[i]->body, calls_backtrace, &used);
	for (uint32_t i = 0; i < p->funcs.n; i++)
		if (p->funcs.v[i]->in_kernel)
			ast_visit(p->funcs.v[i]->body, calls_backtrace, &used);
	/* the maps (and their code) a program has only when it uses them */
	static char d[96];
	snprintf(d, sizeof(d), "%s%s%s", used & 1 ? "#define BSTAP_STACKS 1\n" : "",
		 used & 2 ? "#define BSTAP_USTACKS 1\n" : "", used & 4 ? "#define BSTAP_INDENT 1\n" : "");
	return d;
}

#define S gen_api_printf

const char *gen_sys_call(struct gen_api *x, struct node *n)
{
	struct node **a = n->u.call.args.v;
	switch (n->u.call.builtin) {
	case B_SYSTEM:
		return S(x, "({ bstap_system(%s); 0; })", x->full(x->g, a[0]));
	case B_RAISE: {
		uint32_t site = x->site(x->g, S(x, "identifier '%s'", n->u.call.name), &n->loc);
		return S(x, "({ bstap_raise(S, %u, (s64)(%s)); if (S->err) { %s; } 0; })", site,
			 x->ex(x->g, a[0]), x->abort);
	}
	case B_SYMNAME:
	case B_SYMDATA:
		return S(x, "bstap_ksym_mark(BSTAP_T(%u), (u64)(%s), '%c')",
			 x->tmp(x->g, x->strbuf), x->ex(x->g, a[0]),
			 n->u.call.builtin == B_SYMNAME ? 'N' : 'D');
	case B_PRINT_BACKTRACE:
		return "({ bstap_print_backtrace(); 0; })";
	case B_SPRINT_BACKTRACE:
		return S(x, "bstap_mark_as(BSTAP_T(%u), bstap_backtrace(BSTAP_T(%u), "
			 "(struct bstap_stack *)BSTAP_T(%u)), 'B', 'Q')", x->tmp(x->g, x->strbuf),
			 x->tmp(x->g, x->strbuf), x->tmp(x->g, sizeof(struct bstap_stack)));
	case B_BACKTRACE:
		return S(x, "bstap_backtrace(BSTAP_T(%u), (struct bstap_stack *)BSTAP_T(%u))",
			 x->tmp(x->g, x->strbuf), x->tmp(x->g, sizeof(struct bstap_stack)));
	case B_SPRINT_STACK:
		return S(x, "bstap_mark_as(BSTAP_T(%u), %s, 'B', 'Q')", x->tmp(x->g, x->strbuf),
			 x->full(x->g, a[0]));
	case B_PRINT_STACK:
	case B_PRINT_SYMS: {
		enum type t = T_STRING;
		const char *c = S(x, "bstap_mark_as(BSTAP_T(%u), %s, 'B', 'P')",
				  x->tmp(x->g, x->strbuf), x->full(x->g, a[0]));
		return x->printf_c(x->g, "%s", 1, &t, &c);
	}
	case B_PRINT_UBACKTRACE:
		return "({ bstap_print_ubacktrace(); 0; })";
	case B_UBACKTRACE:
	case B_UCALLERS:
		return S(x, "bstap_ubacktrace(BSTAP_T(%u), (struct bstap_ustack *)BSTAP_T(%u), %s)",
			 x->tmp(x->g, x->strbuf), x->tmp(x->g, sizeof(struct bstap_ustack)),
			 n->u.call.builtin == B_UCALLERS ? S(x, "(s64)(%s)", x->ex(x->g, a[0])) : "-1");
	case B_SPRINT_UBACKTRACE:
		return S(x, "bstap_mark_as(BSTAP_T(%u), bstap_ubacktrace(BSTAP_T(%u), "
			 "(struct bstap_ustack *)BSTAP_T(%u), -1), 'U', 'W')",
			 x->tmp(x->g, x->strbuf), x->tmp(x->g, x->strbuf),
			 x->tmp(x->g, sizeof(struct bstap_ustack)));
	case B_USYMDATA:
		return S(x, "bstap_usymdata(BSTAP_T(%u), (struct bstap_ustack *)BSTAP_T(%u), (u64)(%s))",
			 x->tmp(x->g, x->strbuf), x->tmp(x->g, sizeof(struct bstap_ustack)),
			 x->ex(x->g, a[0]));
	case B_SPRINT_USTACK:
		return S(x, "bstap_mark_as(BSTAP_T(%u), %s, 'U', 'W')", x->tmp(x->g, x->strbuf),
			 x->full(x->g, a[0]));
	case B_PRINT_USTACK: {
		enum type t = T_STRING;
		const char *c = S(x, "bstap_mark_as(BSTAP_T(%u), %s, 'U', 'V')",
				  x->tmp(x->g, x->strbuf), x->full(x->g, a[0]));
		return x->printf_c(x->g, "%s", 1, &t, &c);
	}
	default:
		return NULL;
	}
}
