/* The standard function library in the userspace evaluator (errno_str, text_str, substr, ...). */
#ifndef BSTAP_EVAL_FUNCS_H
#define BSTAP_EVAL_FUNCS_H

#include <stddef.h>
#include "prog/strbuf.h"
#include "prog/value.h"

enum { EVALF_OK = 0, EVALF_ERROR = 1, EVALF_UNKNOWN = 2 };

/*
 * Builtin b (prog/builtins.h) on its evaluated arguments a[0..na): the result in out, text it
 * prints appended to obuf. EVALF_ERROR: a runtime error whose message is in err;
 * EVALF_UNKNOWN: b is not one of this library's.
 */
int evalf_call(int b, const struct value *a, int na, struct value *out, struct strbuf *obuf,
	       char *err, size_t errlen);

/* The task functions (runtime/eval_task.c): EVALF_OK or EVALF_UNKNOWN. */
int evalt_call(int b, const struct value *a, int na, struct value *out);

/* The program's MAXSTRINGLEN, where quoting functions cut (BSTAP_MAXSTRINGLEN until said). */
void evalf_set_maxstr(int n);

/* _stp_text_str's quoting of in (at most inlen bytes; buffer: NULs too) into out. */
void evalf_text_str(char *out, const char *in, int inlen, int outlen, int quoted, int buffer);

#endif
