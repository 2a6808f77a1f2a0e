# aliases/signal.stp on sysload's --kill-child: three children, each sent SIGKILL, SIGTERM and
# SIGUSR1 with kill(2) while it pauses. The send is seen at the kill system call, at the
# generation and at its return; the delivery in the child is SIGKILL each time (the kernel turns
# a fatal default action into SIGKILL for the whole group).
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
cat >s.stp <<'STP'
global kids, killing
probe kprocess.create { if (pid() == target()) kids[new_pid] = 1 }
probe signal.syskill { if (pid() == target()) killing = 1; if (pid() == target()) printf("%s %s %d to child %d\n", name, sig_name, sig, sig_pid in kids) }
probe signal.syskill.return { if (pid() == target()) killing = 0; if (pid() == target()) printf("%s returns %s\n", name, retstr) }
probe signal.send {
	if (sig_pid in kids)
		printf("%s %s %d to %s code=%d shared=%d send2queue=%d result=%d from %s\n", name, sig_name, sig,
		       pid_name, si_code, shared, send2queue, result, execname())
}
probe signal.send.return { if (killing && pid() == target() && name == "send_signal") printf("send.return %s shared=%d\n", retstr, shared) }
probe signal.deliver { if (pid() in kids) printf("%s %s %d code=%d handler=%d flags=%x\n", name, sig_name, sig, si_code, sa_handler, sa_flags) }
STP
"$BSTAP" -c "$SYSLOAD --delay 0 --kill-child 9 --kill-child 15 --kill-child 10 --report $SCRATCH/report" s.stp >out 2>err || { rc=$?; cat err; fail "status $rc"; }
expect_eq "sysload's report" "$(cut -d' ' -f1,3 "$SCRATCH/report" | tr '\n' ' ')" "child 137 child 143 child 138 "
expect_file_eq "signal aliases" out "kill SIGKILL 9 to child 1
send_signal SIGKILL 9 to sysload code=0 shared=1 send2queue=0 result=0 from sysload
send.return 0 shared=1
kill returns 0
deliver_signal SIGKILL 9 code=0 handler=0 flags=0
kill SIGTERM 15 to child 1
send_signal SIGTERM 15 to sysload code=0 shared=1 send2queue=0 result=0 from sysload
send.return 0 shared=1
kill returns 0
deliver_signal SIGKILL 9 code=0 handler=0 flags=0
kill SIGUSR1 10 to child 1
send_signal SIGUSR1 10 to sysload code=0 shared=1 send2queue=0 result=0 from sysload
send.return 0 shared=1
kill returns 0
deliver_signal SIGKILL 9 code=0 handler=0 flags=0"
# sig_name for every number, in begin (userspace) as in a kernel probe
cat >n.stp <<'STP'
probe signal.syskill { if (pid() == target()) killing = 1; if (pid() == target()) printf("%s %s %s %s\n", __signal_name(29), __signal_name(33), __signal_name(0), __signal_name(65)) }
STP
"$BSTAP" -c "$SYSLOAD --delay 0 --kill-child 9" n.stp >nout 2>err || { rc=$?; cat err; fail "status $rc"; }
expect_file_eq "signal names" nout "SIGIO SIGRTMIN+1 0 65"
exit 0
