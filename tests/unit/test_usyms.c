/* runtime/usyms.c: user-space frames symbolized from /proc/PID/maps and ELF symbol tables. */
#include "harness.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "runtime/usyms.h"

__attribute__((noinline, used)) int usyms_probe_me(int x);
__attribute__((noinline, used)) int usyms_probe_me(int x)
{
	return x * 3 + 1;
}

static char *fmt(int pid, const uint64_t *a, uint32_t n, int kind)
{
	static char out[4096];
	struct strbuf sb = { 0 };
	usyms_format(&sb, pid, a, n, kind);
	snprintf(out, sizeof(out), "%s", sb.buf ? sb.buf : "");
	strbuf_free(&sb);
	return out;
}

/* this test's own binary (a PIE with .symtab) and libc (.dynsym) */
TEST(own_process)
{
	char self[PATH_MAX], want[PATH_MAX + 64];
	ASSERT_TRUE(realpath("/proc/self/exe", self) != NULL);
	uint64_t a[3] = { (uint64_t)(uintptr_t)&usyms_probe_me,
			  (uint64_t)(uintptr_t)&usyms_probe_me + 1, 0x1234 };
	char *s = fmt(getpid(), a, 3, 'P');
	snprintf(want, sizeof(want), " : usyms_probe_me+0x0/0x");
	ASSERT_CONTAINS(s, want);
	ASSERT_CONTAINS(s, " : usyms_probe_me+0x1/0x");
	snprintf(want, sizeof(want), " [%s]\n", self);
	ASSERT_CONTAINS(s, want);
	ASSERT_CONTAINS(s, "\n 0x0000000000001234\n");
	s = fmt(getpid(), a, 3, 'Q');
	snprintf(want, sizeof(want), "usyms_probe_me+0x1 [%s]\n0x1234\n", self);
	ASSERT_CONTAINS(s, want);
	s = fmt(getpid(), a, 1, 'D');
	snprintf(want, sizeof(want), "usyms_probe_me+0x0/0x");
	ASSERT_TRUE(!strncmp(s, want, strlen(want)));
	ASSERT_STREQ(fmt(getpid(), &a[2], 1, 'D'), "0x1234");
	uint64_t g = (uint64_t)(uintptr_t)&getpid;
	s = fmt(getpid(), &g, 1, 'D');
	ASSERT_CONTAINS(s, "getpid+0x0/0x");
	ASSERT_CONTAINS(s, "libc.so.6]");
	usyms_reset();
}

/* hex lists, a zero frame ends the stack, a process that is not there gives addresses alone */
TEST(no_process)
{
	uint64_t a[4] = { 0x1234, 0xabc, 0, 0x99 };
	ASSERT_STREQ(fmt(getpid(), a, 4, 'B'), "0x1234 0xabc");
	ASSERT_STREQ(fmt(0x3fffffff, a, 4, 'P'), " 0x0000000000001234\n 0x0000000000000abc\n");
	ASSERT_STREQ(fmt(0x3fffffff, a, 2, 'Q'), "0x1234\n0xabc\n");
	ASSERT_STREQ(fmt(0x3fffffff, a, 0, 'P'), "");
	usyms_reset();
}

TH_MAIN(TH_CASE(own_process), TH_CASE(no_process))
