# A script in the style of SystemTap's process-lifecycle examples (forktracker, proc_snoop):
# fork, exec, exec result and exit of the target's children, with a summary at the end, run
# unchanged on the kprocess and scheduler aliases. sysload forks twice: the first child execs
# /bin/true, the second fails to exec a missing file and exits with 127.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
cat >lc.stp <<'STP'
#! /usr/bin/env stap
# Trace the life of every process the target creates.
global kids, forks, execs, failed, exits

probe kprocess.create {
	if (pid() != target()) next
	kids[new_pid] = ++forks
	printf("%s forks child #%d\n", execname(), forks)
}

probe kprocess.exec {
	if (!(pid() in kids)) next
	printf("child #%d (%s) execs %s\n", kids[pid()], execname(), filename)
	execs++
}

probe kprocess.exec_complete {
	if (!(pid() in kids)) next
	if (success)
		printf("child #%d is now %s\n", kids[pid()], execname())
	else {
		printf("child #%d exec failed: %s\n", kids[pid()], retstr)
		failed++
	}
}

probe scheduler.process_exit {
	if (!(pid in kids)) next
	printf("child #%d (%s) exits\n", kids[pid], task_name)
	exits++
}

probe end {
	printf("%d forks, %d execs (%d failed), %d exits\n", forks, execs, failed, exits)
}
STP
"$BSTAP" -c "$SYSLOAD --delay 0 --fork-exec-path /bin/true --fork-exec-path /no/such/program" lc.stp >out 2>err || { rc=$?; cat err; fail "status $rc"; }
expect_file_eq "process lifecycle" out "sysload forks child #1
child #1 (sysload) execs /bin/true
child #1 is now true
child #1 (true) exits
sysload forks child #2
child #2 (sysload) execs /no/such/program
child #2 exec failed: -2 (ENOENT)
child #2 (sysload) exits
2 forks, 2 execs (1 failed), 2 exits"
exit 0
