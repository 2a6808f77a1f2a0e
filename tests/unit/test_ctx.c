/* Unit tests for the context functions' pure parts: ppfunc() of a probe point
 * (prog/probectx.c) and cmdline_args() over a command line (runtime/eval_ctx.c), whose BPF
 * twins (bpf/bstap.bpf.h) the live tests funcs-ctx-* hold to the same results. */
#include <string.h>

#include "prog/abi.h"
#include "prog/probectx.h"
#include "runtime/eval_ctx.h"
#include "tests/unit/harness.h"

static const char *pf(const char *pp)
{
	static char buf[64];
	probectx_ppfunc(pp, buf, sizeof(buf));
	return buf;
}

TEST(ppfunc_of_points)
{
	ASSERT_STREQ(pf("kernel.function(\"vfs_read\")"), "vfs_read");
	ASSERT_STREQ(pf("kernel.function(\"vfs_read\").return"), "vfs_read");
	ASSERT_STREQ(pf("kernel.function(\"vfs_read@fs/read_write.c:450\")"), "vfs_read");
	ASSERT_STREQ(pf("kprobe.function(\"do_sys_open\")"), "do_sys_open");
	ASSERT_STREQ(pf("process(\"/bin/x\").function(\"main\").call"), "main");
	ASSERT_STREQ(pf("kernel.inline(\"f\")"), "f");
	ASSERT_STREQ(pf("timer.ms(100)"), "");
	ASSERT_STREQ(pf("begin"), "");
	ASSERT_STREQ(pf("kernel.trace(\"sched:sched_switch\")"), "");
	ASSERT_STREQ(pf(NULL), "");
	char small[4];
	probectx_ppfunc("kernel.function(\"vfs_read\")", small, sizeof(small));
	ASSERT_STREQ(small, "vfs");
}

static const char *ca(const char *cmd, long len, int64_t n, int64_t m, const char *delim)
{
	static char out[BSTAP_MAXSTRINGLEN];
	evalc_cmdline_args(cmd, len, n, m, delim, out);
	return out;
}

TEST(cmdline_args_as_stap)
{
	static const char c[] = "prog\0a\0\0b";	/* prog, a, "", b */
	long l = sizeof(c);
	ASSERT_STREQ(ca(c, l, 0, -1, " "), "prog a \"\" b");
	ASSERT_STREQ(ca(c, l, 1, -1, ","), "a,\"\",b");
	ASSERT_STREQ(ca(c, l, 2, -1, ","), ",b");	/* the first is "" as itself */
	ASSERT_STREQ(ca(c, l, 1, 1, "|"), "a");
	ASSERT_STREQ(ca(c, l, 3, 1, "|"), "");	/* m < n */
	ASSERT_STREQ(ca(c, l, -1, 0, ":"), ":prog");
	ASSERT_STREQ(ca(c, l, 4, -1, "|"), "");	/* past the last */
	ASSERT_STREQ(ca(c, l, 0, 9, ""), "proga\"\"b");
	ASSERT_STREQ(ca(c, 0, 0, -1, " "), "");
	ASSERT_STREQ(ca("ab", 2, 0, -1, " "), "ab");	/* cut without its NUL */
	/* a result longer than a string is cut at MAXSTRINGLEN - 1 bytes */
	char big[3 * BSTAP_MAXSTRINGLEN];
	memset(big, 'x', sizeof(big));
	for (size_t i = 9; i < sizeof(big); i += 10)
		big[i] = 0;
	ASSERT_EQ((long)strlen(ca(big, sizeof(big), 0, -1, "--")), BSTAP_MAXSTRINGLEN - 1);
}

TH_MAIN(TH_CASE(ppfunc_of_points), TH_CASE(cmdline_args_as_stap))
