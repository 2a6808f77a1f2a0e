/* The context functions in userspace handlers (begin, end, error, userspace timers). */
#ifndef BSTAP_EVAL_CTX_H
#define BSTAP_EVAL_CTX_H

#include <stddef.h>
#include "prog/value.h"

/* Builtin b in the handler of probe point pp (NULL: none), as runtime/eval_funcs.h's
 * evalf_call: EVALF_OK, EVALF_ERROR (message in err) or EVALF_UNKNOWN (not one of these). */
int evalc_call(int b, const char *pp, const struct value *a, int na, struct value *out,
	       char *err, size_t errlen);

/* cmdline_args(n, m, delim) over a command line of len bytes (NUL-separated arguments), as
 * stap's context.stp, into out (MAXSTRINGLEN bytes). */
void evalc_cmdline_args(const char *cmd, long len, int64_t n, int64_t m, const char *delim,
			char *out);

#endif
