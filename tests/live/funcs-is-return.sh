# is_return(): 1 in a .return probe, in its handler and in a function it calls (the function asks
# which probe runs it); 0 in the entry probe and in begin (userspace).
. "$LIVE_DIR/../lib.sh"
libc=/usr/lib/x86_64-linux-gnu/libc.so.6
[ -f "$libc" ] || skip "no $libc to probe"
cat >r.stp <<STP
function f() { return is_return() }
probe process("$libc").function("nanosleep") { if (pid() == target()) printf("call %d %d\n", is_return(), f()) }
probe process("$libc").function("nanosleep").return { if (pid() == target()) printf("return %d %d\n", is_return(), f()) }
probe begin { printf("begin %d %d\n", is_return(), f()) }
STP
"$BSTAP" -c "sleep 0.1" r.stp >out 2>err || { cat err; fail "status $?"; }
expect_file_eq "is_return" out "begin 0 0
call 0 0
return 1 1"
exit 0
