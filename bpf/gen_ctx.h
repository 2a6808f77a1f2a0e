/* The context functions in generated BPF C: returnval(), returnstr(), ppfunc(), user_mode(),
 * cmdline_args(), sprint_syms() (prog/probectx.h says what each probe kind gives). */
#ifndef BSTAP_GEN_CTX_H
#define BSTAP_GEN_CTX_H

#include <stdbool.h>

#include "bpf/gen_funcs.h"
#include "prog/program.h"

/* One of the builtins gen_ctx_call writes. */
bool gen_ctx_known(int b);

/* The C expression for call n in the handler of probe ep, or in a script function (ep NULL:
 * the probe that runs it is S->ppidx, whose facts the tables of gen_ctx_decls give). */
const char *gen_ctx_call(struct gen_api *x, struct node *n, const struct eprobe *ep);

/* The per-probe tables the calls in script functions index, for the program's kernel probes;
 * "" when no kernel code calls them. In the arena a. */
const char *gen_ctx_decls(struct arena *a, const struct program *p);

#endif
