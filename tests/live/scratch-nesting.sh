# Handlers that interrupt each other keep their own scratch memory: a perf counter's handler
# (a timer interrupt) that lands inside a raw tracepoint's handler, between the two equal
# sprintf()s it compares, must not change what the first one wrote. With one scratch slot per
# CPU this test saw thousands of mismatches in a few thousand samples.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
cat >nest.stp <<'STP'
global bad, n, m
probe kernel.trace("raw_syscalls:sys_enter") {
	if (pid() != target()) next
	s = sprintf("%d:%d:%s", pid(), tid(), "abcdefghijklmnop")
	t = sprintf("%d:%d:%s", pid(), tid(), "abcdefghijklmnop")
	if (s != t) bad++
	n++
}
probe perf.sw.cpu_clock.sample(50000) {
	x = sprintf("%s-%s-%d", "zzzzzzzzzzzzzzzzzzzz", "yyyyyyyyyyyyyyyyyyyyy", cpu())
	y = x . x
	m++
}
probe end { printf("bad=%d syscalls=%d samples=%d\n", bad, n > 100000, m > 100) }
STP
"$BSTAP" -c 'dd if=/dev/zero of=/dev/null bs=1 count=60000 status=none' nest.stp >out 2>err ||
	{ cat err; fail "status $?"; }
expect_file_eq "no handler saw another's scratch" out "bad=0 syscalls=1 samples=1"
exit 0
