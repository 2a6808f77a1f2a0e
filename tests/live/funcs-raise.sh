# raise(sig) sends the signal to the thread the probe interrupted (bpf_send_signal_thread), as
# stap's send_sig(sig, current): a sleep 30 run by -c dies of SIGTERM at its first nanosleep,
# so the session ends at once. In begin the current thread is bstap's own, as stap's begin
# probes run in its runtime: SIGINT there ends the session as Ctrl-C does, end probes run.
. "$LIVE_DIR/../lib.sh"
t0=$(date +%s)
"$BSTAP" -c "sleep 30" -e 'probe kernel.trace("syscalls:sys_enter_clock_nanosleep"), kernel.trace("syscalls:sys_enter_nanosleep")? {
	if (pid() == target()) { raise(15); println("raised ", signal_str(15)) } }' >out 2>err ||
	{ cat err; fail "status $?"; }
t1=$(date +%s)
expect_file_eq "raise(15) in a tracepoint" out "raised TERM"
[ $((t1 - t0)) -lt 20 ] || fail "the command was not killed: $((t1 - t0)) s"
"$BSTAP" -e 'probe begin { raise(2); println("after raise(2)") } probe end { println("end") }' >out2 2>err2 ||
	{ cat err2; fail "status $?"; }
expect_file_eq "raise(2) in begin" out2 "after raise(2)
end"
exit 0
