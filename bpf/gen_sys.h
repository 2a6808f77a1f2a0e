/* system(), raise(), symname(), symdata() in generated BPF C. */
#ifndef BSTAP_GEN_SYS_H
#define BSTAP_GEN_SYS_H

#include "bpf/gen_funcs.h"
#include "prog/program.h"

/* Definitions the generated C needs before bstap.bpf.h: the stack map when backtrace() runs
 * in a kernel probe. */
const char *gen_sys_decls(const struct program *p);

/* gen_func_call's contract, for B_SYSTEM, B_RAISE, B_SYMNAME, B_SYMDATA. */
const char *gen_sys_call(struct gen_api *api, struct node *n);

#endif
