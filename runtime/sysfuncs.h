/*
 * system(), raise() and the kernel symbol functions (symname, symdata) on the userspace side:
 * the commands system() queues, /proc/kallsyms, and the placeholders a kernel probe's
 * symname()/symdata() leave in its output (prog/abi.h BSTAP_KSYM_MARK), which the session
 * replaces with the symbol text as it writes the output.
 */
#ifndef BSTAP_SYSFUNCS_H
#define BSTAP_SYSFUNCS_H

#include <stddef.h>
#include <stdint.h>
#include "prog/strbuf.h"
#include "prog/value.h"

/* evalf_call's contract (runtime/eval_funcs.h) for B_SYSTEM, B_RAISE, B_SYMNAME, B_SYMDATA. */
int evalf_sys_call(int b, const struct value *a, int na, struct value *out,
		   struct strbuf *obuf, char *err, size_t errlen);

/* A session runs (1): system() runs commands and raise() sends signals; until then (the
 * evaluator in a fuzzer or a unit test) they do nothing. */
void sysf_set_live(int on);

/* system(cmd): kept until the handler's run ends (userspace), or until the batch of records
 * that holds it is written out (kernel probes); then sysf_run_queued starts it. */
void sysf_queue(const char *cmd);
/* Commands are queued. */
int sysf_queued(void);
/* Start the queued commands, in order, each with /bin/sh -c, without waiting for them. */
void sysf_run_queued(void);
/* Start one command now (a kernel probe's record). */
void sysf_spawn(const char *cmd);
/* Reap the commands that ended; with wait, wait for those still running (session end). */
void sysf_reap(int wait);

/* symname(addr) / symdata(addr) into out (size outlen), from /proc/kallsyms. */
void sysf_symname(uint64_t addr, char *out, size_t outlen);
void sysf_symdata(uint64_t addr, char *out, size_t outlen);

/* print_backtrace()'s lines for a kernel stack (a REC_STACK record), stap's print_stack text:
 * " 0xffffffff811d6c20 : vfs_read+0x0/0x3d0 [kernel]", without BPF's own frames. */
void sysf_format_stack(struct strbuf *sb, const uint64_t *addr, uint32_t n);

/* The kernel probes' backtrace() map (BSTAP_MAP_STACKS), -1 when none. */
void sysf_set_stack_map(int fd);
/* Their ubacktrace() map (BSTAP_MAP_USTACKS), -1 when none (which also forgets the cached
 * process maps and symbol tables). */
void sysf_set_ustack_map(int fd);

/* buf with every kernel-probe symbol placeholder replaced, into sb; 0 when buf has none. */
int sysf_expand_marks(struct strbuf *sb, const char *buf, size_t len);

#endif
