/*
 * The task functions in userspace (begin/end/error and userspace timers): the current task is
 * bstap's own process, as stap's begin runs in the context of the process that loaded it.
 * Functions that take or give a task address are kernel-only (lang/taskctx.c rejects them
 * here); bpf/gen_task.c is the kernel half.
 */
#include "runtime/eval_funcs.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "prog/builtins.h"

#define MAXSTR BSTAP_MAXSTRINGLEN

/* /proc/PID/FILE's first n - 1 bytes; its length, -1 if it cannot be read */
static long read_proc(long pid, const char *file, char *buf, size_t n)
{
	char path[64];
	if (pid)
		snprintf(path, sizeof(path), "/proc/%ld/%s", pid, file);
	else
		snprintf(path, sizeof(path), "/proc/self/%s", file);
	FILE *f = fopen(path, "re");
	buf[0] = 0;
	if (!f)
		return -1;
	size_t r = fread(buf, 1, n - 1, f);
	fclose(f);
	buf[r] = 0;
	return (long)r;
}

static void comm_of(long pid, char *buf, size_t n)
{
	if (read_proc(pid, "comm", buf, n) < 0)
		buf[0] = 0;
	buf[strcspn(buf, "\n")] = 0;
}

/* thread_indent's per-thread state: bstap's userspace handlers run on one thread */
static int64_t indent_count, indent_ts;

int evalt_call(int b, const struct value *a, int na, struct value *out)
{
	char buf[MAXSTR * 2];
	(void)na;
	switch (b) {
	case B_PID2EXECNAME:
		if (a[0].num <= 0)
			buf[0] = 0;	/* no such task */
		else
			comm_of((long)a[0].num, buf, 17);
		value_str(out, buf);
		return EVALF_OK;
	case B_PEXECNAME:
		comm_of((long)getppid(), buf, 17);
		value_str(out, buf);
		return EVALF_OK;
	case B_IS_RETURN: value_long(out, 0); return EVALF_OK;	/* begin, end, timers */
	case B_SID: value_long(out, getsid(0)); return EVALF_OK;
	case B_PGRP: value_long(out, getpgrp()); return EVALF_OK;
	case B_EUID: value_long(out, geteuid()); return EVALF_OK;
	case B_GID: value_long(out, getgid()); return EVALF_OK;
	case B_EGID: value_long(out, getegid()); return EVALF_OK;
	case B_CMDLINE_ARG: {	/* cmdline_str(): runtime/eval_ctx.c */
		long len = read_proc(0, "cmdline", buf, MAXSTR);
		if (len < 0)
			len = 0;
		if (len && buf[len - 1] == 0)
			len--;
		buf[len] = 0;
		int64_t want = a[0].num, at = 0;
		long i = 0;
		while (want >= 0 && i <= len && at < want) {
			if (!buf[i])
				at++;
			i++;
		}
		value_str(out, want >= 0 && i <= len && at == want ? buf + i : "");
		return EVALF_OK;
	}
	case B_THREAD_INDENT: {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		int64_t ts = (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000, delta = a[0].num;
		if (!indent_count)
			indent_ts = ts;
		int64_t x = indent_count + (delta > 0 ? delta : 0);
		indent_count += delta;
		char comm[32];
		comm_of(0, comm, sizeof(comm));
		int n = snprintf(buf, sizeof(buf), "%6" PRId64 " %s(%d):", ts - indent_ts, comm,
				 (int)gettid());
		int64_t w = x < 0 ? -x : x;
		while (n < MAXSTR - 1 && w-- > 0)
			buf[n++] = ' ';
		buf[n < MAXSTR - 1 ? n : MAXSTR - 1] = 0;
		value_str(out, buf);
		return EVALF_OK;
	}
	default:
		return EVALF_UNKNOWN;
	}
}
