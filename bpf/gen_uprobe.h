/*
 * User-space probes in generated C: the argument, register and user-memory builtins
 * (int_arg(), u_register(), returnval(), user_long(), ...).
 */
#ifndef BSTAP_GEN_UPROBE_H
#define BSTAP_GEN_UPROBE_H

#include <stdbool.h>
#include "prog/arena.h"
#include "prog/ast.h"
#include "prog/program.h"
#include "prog/tvar.h"

/* Whether a kernel probe of the program is an SDT marker (its C includes libbpf's usdt.bpf.h). */
bool gen_uses_usdt(const struct program *p);

/* Whether builtin b is one of these. */
bool gen_uprobe_builtin_known(int b);
/*
 * The C expression for call n, whose first argument (if a number) is the C expression arg0;
 * strbuf is a string temporary (for string results), tv the target variables of the probe
 * whose handler it is in (NULL in a function). NULL with *why set when it cannot be generated
 * (u_register of an unknown register).
 */
const char *gen_uprobe_builtin(struct arena *a, const struct node *n, const char *arg0,
			       const char *strbuf, const struct tvar_set *tv, const char **why);

#endif
