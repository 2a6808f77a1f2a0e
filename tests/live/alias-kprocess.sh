# aliases/kprocess.stp on sysload's two forks: the first child execs /bin/true, the second
# tries to exec a missing file and exits with 127. Each kprocess.* alias fires in the right
# context with the values sysload's report confirms (exit codes as do_exit gets them: 127 << 8).
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
cat >s.stp <<'STP'
global kids, n, released
probe kprocess.create {
	if (pid() == target()) {
		kids[new_pid] = ++n
		printf("create %d tid_is_pid=%d name=%s thread=%d\n", n, new_tid == new_pid, new_task_name, (clone_flags & 0x10000) != 0)
	}
}
probe kprocess.start { if (pid() in kids) printf("start %d tid=%d %s parent=%d\n", kids[pid()], tid() == pid(), execname(), ppid() == target()) }
probe kprocess.exec { if (pid() in kids) printf("exec %d %s %s\n", kids[pid()], name, filename) }
probe kprocess.exec_complete { if (pid() in kids) printf("exec_complete %d %s errno=%d success=%d retstr=%s now=%s\n", kids[pid()], name, errno, success, retstr, execname()) }
probe kprocess.exit { if (pid() in kids) printf("exit %d %s code=%d group_dead=%d\n", kids[pid()], execname(), code, group_dead) }
probe kprocess.release { if (released_pid in kids && released_tid == released_pid && pid == released_pid) released[kids[released_pid]] = 1 }
probe end { printf("released %d %d\n", released[1], released[2]) }
STP
"$BSTAP" -c "$SYSLOAD --delay 0 --fork-exec-path /bin/true --fork-exec-path /nonexistent/x --sleep 50 --report $SCRATCH/report" s.stp >out 2>err || { rc=$?; cat err; fail "status $rc"; }
expect_eq "sysload's report" "$(cut -d' ' -f1,3 "$SCRATCH/report" | tr '\n' ' ')" "child 0 child 127 "
expect_file_eq "kprocess aliases" out "create 1 tid_is_pid=1 name=sysload thread=0
start 1 tid=1 sysload parent=1
exec 1 execve /bin/true
exec_complete 1 execve errno=0 success=1 retstr=0 now=true
exit 1 true code=0 group_dead=1
create 2 tid_is_pid=1 name=sysload thread=0
start 2 tid=1 sysload parent=1
exec 2 execve /nonexistent/x
exec_complete 2 execve errno=-2 success=0 retstr=-2 (ENOENT) now=sysload
exit 2 sysload code=32512 group_dead=1
released 1 1"
# a thread (sysload --thread): new_pid is the creator's pid, the thread starts in its own
# context, exits without ending the group, and is released
cat >t.stp <<'STP'
global t, released
probe kprocess.create { if (pid() == target()) { t = new_tid; printf("create pid_is_parent=%d tid_new=%d thread=%d %s\n", new_pid == target(), new_tid != target(), (clone_flags & 0x10000) != 0, new_task_name) } }
probe kprocess.start { if (pid() == target() && tid() != target()) printf("start in thread %d\n", tid() == t) }
probe kprocess.exit { if (pid() == target()) printf("exit thread=%d code=%d group_dead=%d\n", tid() != target(), code, group_dead) }
probe kprocess.release { if (t && released_tid == t) released++ }
probe end { printf("thread released %d\n", released) }
STP
"$BSTAP" -c "$SYSLOAD --delay 0 --thread --sleep 50" t.stp >tout 2>err || { rc=$?; cat err; fail "status $rc"; }
expect_file_eq "kprocess aliases for a thread" tout "create pid_is_parent=1 tid_new=1 thread=1 sysload
start in thread 1
exit thread=1 code=0 group_dead=0
exit thread=0 code=0 group_dead=1
thread released 1"
# a child killed by SIGKILL exits with no exit system call: code -1
cat >k.stp <<'STP'
probe kprocess.exit { if (ppid() == target()) printf("killed child code=%d group_dead=%d\n", code, group_dead) }
STP
"$BSTAP" -c "$SYSLOAD --delay 0 --kill-child 9" k.stp >kout 2>err || { rc=$?; cat err; fail "status $rc"; }
expect_file_eq "kprocess.exit of a killed child" kout "killed child code=-1 group_dead=1"
exit 0
