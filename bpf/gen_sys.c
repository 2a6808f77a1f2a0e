/*
 * system(), raise(), symname() and symdata() in kernel probes (runtime/sysfuncs.c is the
 * userspace half): system() sends its command to the runtime in a record; raise() is
 * bpf_send_signal_thread(); symname()/symdata() give a placeholder with the address, which the
 * runtime replaces with the symbol from /proc/kallsyms where the string is printed.
 */
#include "bpf/gen_sys.h"

#include <stdarg.h>

#include "prog/abi.h"
#include "prog/builtins.h"

static const char *S(struct gen_api *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static const char *S(struct gen_api *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = arena_vprintf(x->a, fmt, ap);
	va_end(ap);
	return s;
}

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
			 x->tmp(x->g, BSTAP_MAXSTRINGLEN), x->ex(x->g, a[0]),
			 n->u.call.builtin == B_SYMNAME ? 'N' : 'D');
	case B_PRINT_BACKTRACE:
		return "({ bstap_print_backtrace(); 0; })";
	default:
		return NULL;
	}
}
