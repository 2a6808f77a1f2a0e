/*
 * The context functions in userspace handlers, the twins of bpf/gen_ctx.c: a userspace handler
 * runs in bstap for no probed function, in user mode of no traced task:
 *   ppfunc()         "" (begin, end and timers name no function)
 *   user_mode()      0, as stap's begin/end and timer probes
 *   cmdline_args()   of bstap's own command line; cmdline_str() is cmdline_args(0, -1, " ")
 *   returnval(), returnstr()  pass 2 allows them only in .return probes, which run in BPF
 */
#include "runtime/eval_ctx.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "prog/builtins.h"
#include "prog/probectx.h"
#include "runtime/eval_funcs.h"

#define MAXSTR BSTAP_MAXSTRINGLEN

void evalc_cmdline_args(const char *cmd, long len, int64_t n, int64_t m, const char *delim,
			char *out)
{
	size_t o = 0, cap = MAXSTR - 1;
	int64_t nr = 0;
	long i = 0;
	out[0] = 0;
	/* stap: for each argument while there is text and (m < 0 || nr <= m): the one numbered
	 * n starts the result, each later one adds delim and itself ("" for an empty one) */
	while (i < len && (m < 0 || nr <= m)) {
		const char *arg = cmd + i;
		size_t al = strnlen(arg, (size_t)(len - i));
		if (nr > n) {
			size_t dl = strlen(delim);
			for (size_t k = 0; k < dl && o < cap; k++)
				out[o++] = delim[k];
			if (!al)
				for (int k = 0; k < 2 && o < cap; k++)
					out[o++] = '"';
		}
		if (nr >= n)
			for (size_t k = 0; k < al && o < cap; k++)
				out[o++] = arg[k];
		i += (long)al + 1;
		nr++;
	}
	out[o] = 0;
}

int evalc_call(int b, const char *pp, const struct value *a, int na, struct value *out,
	       char *err, size_t errlen)
{
	(void)na;
	switch (b) {
	case B_PPFUNC:
		out->type = T_STRING;
		probectx_ppfunc(pp, out->str, sizeof(out->str));
		return EVALF_OK;
	case B_USER_MODE:
		out->type = T_LONG;
		out->num = 0;
		return EVALF_OK;
	case B_RETURNVAL:
	case B_RETURNSTR:
		snprintf(err, errlen, "%s: no function returns in a userspace handler",
			 builtin_table[b].name);
		return EVALF_ERROR;
	case B_CMDLINE_STR:	/* stap's cmdline_args(0, -1, " ") */
	case B_CMDLINE_ARGS: {
		/* bstap's own command line, at most MAXSTRINGLEN - 1 bytes as in a kernel probe */
		char buf[MAXSTR];
		long len = 0;
		int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t r;
			while (len < MAXSTR - 1 && (r = read(fd, buf + len, (size_t)(MAXSTR - 1 - len))) > 0)
				len += r;
			close(fd);
		}
		out->type = T_STRING;
		if (b == B_CMDLINE_STR)
			evalc_cmdline_args(buf, len, 0, -1, " ", out->str);
		else
			evalc_cmdline_args(buf, len, a[0].num, a[1].num, a[2].str, out->str);
		return EVALF_OK;
	}
	default:
		return EVALF_UNKNOWN;
	}
}
