# process("PATH").mark probes on the SDT markers of build/tests/utarget (tests/tools/utarget.c):
# $arg1..$argN from a register, a stack slot and a constant, $$name, $$provider, $$parms,
# .provider("P").mark, user_string of a pointer argument, -l/-L listing the markers, and the
# marker's semaphore: set while a probe is attached (a program started by -c sees it at once;
# one already running under -x sees it set and its markers fire), clear again afterwards;
# process.mark under -c keeps the command's process tree.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
cp "$(dirname "$BSTAP_OPT")/tests/utarget" . || skip "no build/tests/utarget (make)"
readelf -n utarget | grep -q stapsdt || skip "utarget has no SDT markers: sys/sdt.h was missing when it was built (make deps)"
cat >m.stp <<'STP'
probe process("./utarget").mark("pair") { printf("%s:%s %d %d\n", $$provider, $$name, $arg1, $arg2) }
probe process("./utarget").provider("utarget").mark("kinds") { printf("kinds %d %d %d [%s]\n", $arg1, $arg2, $arg3, $$parms) }
probe process("./utarget").mark("text") { printf("text %s\n", user_string($arg1)) }
STP
"$BSTAP" -c "./utarget run 2" m.stp >out 2>err || { cat err; fail "bstap exited with $?"; }
grep -v '^done' out >got
expect_file_eq "markers" got 'utarget:pair 1 -1
kinds 3 1235 42 [arg1=0x3 arg2=0x4d3 arg3=0x2a]
text hello uprobe
utarget:pair 2 -2
kinds 6 1236 42 [arg1=0x6 arg2=0x4d4 arg3=0x2a]
text hello uprobe'

"$BSTAP" -L 'process("./utarget").mark("*")' | sed "s|$PWD|DIR|" >got
expect_file_eq "-L" got 'process("DIR/utarget").provider("utarget").mark("guarded") $arg1:long
process("DIR/utarget").provider("utarget").mark("hot") $arg1:long
process("DIR/utarget").provider("utarget").mark("kinds") $arg1:long $arg2:long $arg3:long
process("DIR/utarget").provider("utarget").mark("pair") $arg1:long $arg2:long
process("DIR/utarget").provider("utarget").mark("text") $arg1:long'
"$BSTAP" -l 'process("./utarget").provider("utarget").mark("*d")' | sed "s|$PWD|DIR|" >got
expect_file_eq "-l" got 'process("DIR/utarget").provider("utarget").mark("guarded")'

# the semaphore: clear without a probe, set for a program -c starts
expect_eq "semaphore unprobed" "$(./utarget sem)" "sem=0"
cat >g.stp <<'STP'
global n
probe process("./utarget").mark("guarded") { n++; printf("guarded %d %d\n", $arg1, pid() == target()); if (n == 3) exit() }
probe end { printf("n=%d\n", n) }
STP
"$BSTAP" -c "./utarget sem" g.stp >out 2>err || { cat err; fail "bstap -c exited with $?"; }
expect_file_eq "semaphore under -c" out 'sem=1
n=0'
# a running program sees it set when the probe attaches (-x), and its markers fire; -x keeps
# the markers of that process only, not those of a second process of the same program
./utarget wait >wout 2>&1 &
pid=$!
./utarget wait >wout2 2>&1 &
pid2=$!
"$BSTAP" -T 20 -x $pid g.stp >out 2>err || { cat err; fail "bstap -x exited with $?"; }
wait $pid
kill $pid2 2>/dev/null; wait $pid2
expect_file_eq "guarded markers" out 'guarded 0 1
guarded 1 1
guarded 2 1
n=3'
expect_file_eq "semaphore of the running program" wout 'sem=1'
expect_eq "semaphore after detach" "$(./utarget sem)" "sem=0"

# process.mark under -c: the command's program (its first word), in the command's process tree
# (here a child of the shell) and not in another process of the program running beside it
./utarget wait >wout3 2>&1 &
pid3=$!
"$BSTAP" -c "./utarget wait; true" -e 'global n; probe process.mark("guarded") { n++ }
	probe end { printf("n=%d\n", n) }' >out 2>err || { cat err; fail "bstap -c (tree) exited with $?"; }
wait $pid3
expect_file_eq "markers of the -c tree only" out 'sem=1
n=3'
expect_file_eq "the other process saw the semaphore" wout3 'sem=1'
exit 0
