# A script in the style of SystemTap's signal examples (sig_by_proc.stp, sigmon.stp): signals
# sent, by sender, recipient and signal, and the kill calls' results, run unchanged on the
# signal aliases. sysload kills five children (SIGTERM three times, SIGKILL twice); as it exits, it
# sends SIGCHLD to its parent, bstap.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
cat >sigs.stp <<'STP'
#! /usr/bin/env stap
global sigcnt, kills

probe signal.send {
	if (pid() != target()) next
	sigcnt[execname(), pid_name, sig_name]++
}

probe signal.syskill.return {
	if (pid() == target()) kills[retstr]++
}

probe end {
	printf("%-10s %-10s %-10s %5s\n", "SENDER", "RECIPIENT", "SIGNAL", "COUNT")
	foreach ([snd, rcv, sig] in sigcnt-)
		printf("%-10s %-10s %-10s %5d\n", snd, rcv, sig, sigcnt[snd, rcv, sig])
	foreach (r in kills)
		printf("kill returned %s %d times\n", r, kills[r])
}
STP
"$BSTAP" -c "$SYSLOAD --delay 0 --kill-child 15 --kill-child 9 --kill-child 15 --kill-child 9 --kill-child 15" sigs.stp >out 2>err || { rc=$?; cat err; fail "status $rc"; }
expect_file_eq "signals" out "SENDER     RECIPIENT  SIGNAL     COUNT
sysload    sysload    SIGTERM        3
sysload    sysload    SIGKILL        2
sysload    bstap      SIGCHLD        1
kill returned 0 5 times"
exit 0
