# -x PID and -c CMD: target() in begin (userspace), in a kernel timer probe and in end; -c runs
# the command only after begin and attach, ends the session when the command ends, stops a
# command still running when the session ends, and never starts it when begin exits; the same
# through bstap-run; -c with -x is refused.
# TIMEOUT: 120
. "$LIVE_DIR/../lib.sh"
RUN=${BSTAP%/bstap}/bstap-run

# -x: target() everywhere, with no process of that pid needed
cat >x.stp <<'STP'
probe begin { printf("begin %d\n", target()) }
probe timer.ms(20) { printf("timer %d\n", target()); exit() }
probe end { printf("end %d\n", target()) }
STP
"$BSTAP" -x 4242 x.stp >out 2>err || { cat err; fail "-x: status $?"; }
expect_file_eq "-x output" out "begin 4242
timer 4242
end 4242"
# without -x or -c, target() is 0
"$BSTAP" x.stp >out 2>err || { cat err; fail "no -x: status $?"; }
expect_file_eq "no target" out "begin 0
timer 0
end 0"

# expect_command_pid WHAT: out shows target() everywhere equal to the pid the command printed
expect_command_pid() {
	cmdpid=$(sed -n 's/^cmd //p' out)
	[ -n "$cmdpid" ] || { cat out err; fail "$1: the command did not run"; }
	expect_file_eq "$1 output" out "begin $cmdpid
kernel $cmdpid
cmd $cmdpid
end $cmdpid 1"
}

# -c: the command prints its own pid ($$ of the shell that runs it); target() must be that pid,
# begin runs before the command starts, and the session ends by itself when the command ends
cat >c.stp <<'STP'
global ticks
probe begin { printf("begin %d\n", target()) }
probe timer.ms(10) { ticks++; if (ticks == 1) printf("kernel %d\n", target()) }
probe end { printf("end %d %d\n", target(), ticks > 0) }
STP
start_bg out err -c 'sh -c "sleep 0.3; echo cmd \$\$"' c.stp
wait_exit 20
[ "$bg_rc" = 0 ] || { cat err; fail "-c: status $bg_rc"; }
expect_command_pid "-c"

# a command still running when exit() ends the session is stopped, not left behind
marker="bstap-target-test-$$"
"$BSTAP" -c "sleep 30 $marker" -e 'probe timer.ms(100) { exit() }' >out 2>err &
pid=$!
sleep 0.05
wait $pid || { cat err; fail "-c with exit(): status $?"; }
sleep 0.2
pgrep -f "$marker" >/dev/null && { pkill -f "$marker"; fail "the -c command outlived the session"; }
# the same with -T
"$BSTAP" -T 0.3 -c "sleep 30 $marker" -e 'probe timer.ms(100) { n++ } global n' >out 2>err ||
	{ cat err; fail "-c with -T: status $?"; }
sleep 0.2
pgrep -f "$marker" >/dev/null && { pkill -f "$marker"; fail "the -c command outlived -T"; }

# exit() in begin: the probes never ran, so neither does the command
"$BSTAP" -c "touch ran" -e 'probe begin { exit() }' >out 2>err || { cat err; fail "status $?"; }
[ -e ran ] && fail "the -c command ran although begin called exit()"

# a command that does not exist: the shell says so and the session still ends cleanly
"$BSTAP" -c 'no-such-command-xyz' -e 'probe end { println("end") }' >out 2>err ||
	{ cat err; fail "missing command: status $?"; }
expect_file_eq "missing command" out "end"
expect_grep "missing command" err 'not found'

# bad options
"$BSTAP" -c true -x 5 -e 'probe begin { exit() }' >out 2>err && fail "-c with -x accepted"
expect_grep "-c with -x" err '^bstap: error: -c and -x cannot be used together'
"$BSTAP" -x abc -e 'probe begin { exit() }' >out 2>err && fail "-x abc accepted"
expect_grep "-x abc" err "^bstap: error: -x takes a process id, not 'abc'"
"$BSTAP" -x 0 -e 'probe begin { exit() }' >out 2>err && fail "-x 0 accepted"

# bstap-run: the pid is a run-time value, not part of the object
obj=$("$BSTAP" --cache-dir "$SCRATCH/cache" -p4 x.stp) || fail "-p4 failed"
"$RUN" -x 99 "$obj" >out 2>err || { cat err; fail "bstap-run -x: status $?"; }
expect_file_eq "bstap-run -x" out "begin 99
timer 99
end 99"
obj=$("$BSTAP" --cache-dir "$SCRATCH/cache" -p4 c.stp) || fail "-p4 failed"
"$RUN" -c 'sh -c "sleep 0.2; echo cmd \$\$"' "$obj" >out 2>err || { cat err; fail "bstap-run -c: status $?"; }
expect_command_pid "bstap-run -c"
exit 0
