/*
 * What a probe's context offers the context functions, decided from its attach point, for pass 2
 * (where they may be called) and both back ends (what they give):
 *   returnval(), returnstr(fmt)  the probed function's (or system call's) return value
 *   ppfunc()                     the function named in pp()
 *   user_mode()                  whether the probe fired in user mode
 */
#ifndef BSTAP_PROBECTX_H
#define BSTAP_PROBECTX_H

#include <stddef.h>

#include "prog/program.h"

/* Where returnval() finds the return value: a u64 at this byte offset of the probe's context
 * (a uretprobe's or kretprobe's pt_regs: rax; fexit: the slot after the arguments; a system
 * call's exit tracepoint: its ret field), or -1 when the probe has none. */
int probectx_retval_off(const struct eprobe *ep);

/* ppfunc() of a probe point: the NAME of its function("NAME@file:line") (or inline("NAME")),
 * into out (outlen > 0, cut to fit); "" when the point names no function. */
void probectx_ppfunc(const char *pp, char *out, size_t outlen);

/* How user_mode() knows. */
enum probectx_umode {
	UMODE_KERNEL,	/* never user mode: begin/end, timers, tracepoints, fentry/fexit */
	UMODE_USER,	/* always: uprobes, uretprobes, SDT markers */
	UMODE_REGS,	/* the context is the interrupted pt_regs: (cs & 3) != 0 (kprobes) */
	UMODE_PERF_REGS,	/* the context points to them (perf_event: timer.profile, perf.*) */
};
enum probectx_umode probectx_user_mode(const struct eprobe *ep);

/* x86-64 struct pt_regs: where ax and cs are. */
#define PROBECTX_REGS_AX 80
#define PROBECTX_REGS_CS 136

#endif
