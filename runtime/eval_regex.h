/* Regular expressions in the userspace evaluator: =~, !~ and the last match's captures. */
#ifndef BSTAP_EVAL_REGEX_H
#define BSTAP_EVAL_REGEX_H

#include <stddef.h>
#include "prog/value.h"

/*
 * Builtin b (B_REGEX_MATCH .. B_NGROUPS) on its arguments: EVALF_OK with the result in out,
 * or EVALF_ERROR with the message in err; EVALF_UNKNOWN for other builtins.
 */
int evalr_call(int b, const struct value *a, struct value *out, char *err, size_t errlen);

#endif
