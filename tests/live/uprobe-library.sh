# A library's function: process("./utarget").library("libc.so.6").function("getpid") counts the
# calls of utarget's processes only (run 5 calls getpid() 5 times; a copy of the program, another
# file, calls it 7 times in the same -c command and is not counted). -c attaches before the
# command's first instruction: a probe on _start fires once, in the target() process, and
# process.function("main") names the -c command's program. The same script compiled with -p4
# (with an SDT marker too) runs under bstap-run-static with the same output.
# TIMEOUT: 90
. "$LIVE_DIR/../lib.sh"
cp "$(dirname "$BSTAP_OPT")/tests/utarget" . || skip "no build/tests/utarget (make)"
cp utarget other
cat >l.stp <<'STP'
global n
probe process("./utarget").library("libc.so.6").function("getpid") { n++ }
probe process("./utarget").function("_start") { printf("_start %d\n", pid() == target()) }
probe process.function("main") { printf("main\n") }
probe process("./utarget").mark("pair") { m += $arg1 }
probe end { printf("getpid=%d pairs=%d\n", n, m) }
global m
STP
# the program's own output comes when it comes: compare sorted
"$BSTAP" -c "./utarget run 5" l.stp >out.raw 2>err || { cat err; fail "bstap exited with $?"; }
sort out.raw >out
expect_file_eq "-c ./utarget run 5" out '_start 1
done 5
getpid=5 pairs=15
main'
cat >l2.stp <<'STP'
global n
probe process("./utarget").library("libc.so.6").function("getpid") { n++ }
probe end { printf("getpid=%d\n", n) }
STP
"$BSTAP" -c "./other run 7 >/dev/null; ./utarget run 5 >/dev/null" l2.stp >out 2>err ||
	{ cat err; fail "bstap exited with $?"; }
expect_file_eq "only utarget's calls" out 'getpid=5'

# compiled once, run by the static runner
STATIC=${BSTAP_OPT%/bstap}/bstap-run-static
[ -x "$STATIC" ] || fail "no $STATIC: make builds it"
obj=$("$BSTAP" -p4 -c "./utarget run 5" l.stp) || fail "bstap -p4 failed"
cp "$obj" l.bpf.o
"$STATIC" -c "./utarget run 5" l.bpf.o >out.raw 2>err ||
	{ cat err; fail "bstap-run-static exited with $?"; }
sort out.raw >out
expect_file_eq "bstap-run-static" out '_start 1
done 5
getpid=5 pairs=15
main'
exit 0
