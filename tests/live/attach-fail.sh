# A probe point that cannot attach is named on its own line with the reason; probes marked '?'
# are skipped (a note under -v) and the rest still run. perf_event_open is made to fail with
# an LD_PRELOAD shim around syscall(2), on the dynamically linked bstap-run.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
RUN=${BSTAP_OPT%/bstap}/bstap-run
[ -x "$RUN" ] || fail "no $RUN"
command -v cc >/dev/null || skip "no C compiler for the LD_PRELOAD shim"
cat >shim.c <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <sys/syscall.h>
/* every perf_event_open fails with EACCES */
long syscall(long nr, ...)
{
	va_list ap;
	va_start(ap, nr);
	long a[6];
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == SYS_perf_event_open) {
		errno = EACCES;
		return -1;
	}
	long (*real)(long, ...) = (long (*)(long, ...))dlsym(RTLD_NEXT, "syscall");
	return real(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}
C
cc -shared -fPIC -o shim.so shim.c -ldl || fail "cannot build the shim"

obj=$("$BSTAP" --cache-dir "$SCRATCH/cache" -p4 -e 'probe timer.ms(100) { } probe timer.s(1)? { } probe timer.profile { }')
LD_PRELOAD=$PWD/shim.so "$RUN" -v "$obj" >out 2>err && fail "attach failures ignored"
expect_grep "timer.ms" err "^bstap: error: cannot attach probe 'timer\.ms\(100\)': no clock event on CPU [0-9]+: Permission denied$"
expect_grep "timer.profile" err "^bstap: error: cannot attach probe 'timer\.profile': "
expect_grep "optional note" err "^bstap: note: skipping optional probe 'timer\.s\(1\)': "
expect_eq "error lines" "$(grep -c '^bstap: error: cannot attach' err)" 2

# only optional probes fail: the session runs (begin, end) and exits 0
obj=$("$BSTAP" --cache-dir "$SCRATCH/cache" -p4 -e 'probe begin { println("b") } probe timer.ms(10)? { println("never") } probe end { println("e") }')
LD_PRELOAD=$PWD/shim.so "$RUN" -T 0.5 "$obj" >out 2>err || { cat err; fail "optional failures ended the session"; }
expect_file_eq "output" out "b
e"
[ -s err ] && { cat err; fail "a note without -v"; }
exit 0
