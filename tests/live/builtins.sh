# Context builtins in begin (userspace: the bstap process) and in a timer (whatever task the CPU
# was running): pid, tid, ppid, uid, execname, cpu, gettimeofday_*, ktime_get_ns.
# TIMEOUT: 30
. "$LIVE_DIR/../lib.sh"
ncpu=$(getconf _NPROCESSORS_ONLN)
cat >s.stp <<'STP'
probe begin {
	printf("begin %d %d %d %d %s %d\n", pid(), tid(), ppid(), uid(), execname(), cpu())
	printf("time %d %d %d %d %d\n", gettimeofday_s(), gettimeofday_ms(), gettimeofday_us(),
	       gettimeofday_ns(), ktime_get_ns())
}
global t1
probe timer.ms(50) {
	if (!t1) {
		t1 = ktime_get_ns()
	} else {
		printf("timer %d %d %d %d [%s]\n", pid() >= 0, tid() >= 0, cpu(), ktime_get_ns() > t1,
		       execname())
		printf("ttime %d\n", gettimeofday_s())
		exit()
	}
}
STP
now=$(date +%s)
start_bg out err s.stp
wait_exit 20
[ "$bg_rc" = 0 ] || { cat err; fail "status $bg_rc"; }
set -- $(grep '^begin ' out)
[ $# = 7 ] || { cat out; fail "begin line"; }
expect_eq "pid() in begin" "$2" "$bg_pid"
expect_eq "tid() in begin" "$3" "$bg_pid"
expect_eq "ppid() in begin" "$4" "$$"
expect_eq "uid() in begin" "$5" "$(id -u)"
expect_eq "execname() in begin" "$6" bstap
[ "$7" -ge 0 ] && [ "$7" -lt "$ncpu" ] || fail "cpu() in begin = $7"
set -- $(grep '^time ' out)
[ $(($2 - now)) -ge -5 ] && [ $(($2 - now)) -le 30 ] || fail "gettimeofday_s() = $2, date +%s = $now"
[ $(($3 / 1000 - $2)) -ge 0 ] && [ $(($3 / 1000 - $2)) -le 1 ] || fail "gettimeofday_ms() = $3 vs s = $2"
[ $(($4 / 1000000 - $2)) -ge 0 ] && [ $(($4 / 1000000 - $2)) -le 1 ] || fail "gettimeofday_us() = $4 vs s = $2"
[ $(($5 / 1000000000 - $2)) -ge 0 ] && [ $(($5 / 1000000000 - $2)) -le 1 ] || fail "gettimeofday_ns() = $5 vs s = $2"
[ "$6" -gt 0 ] || fail "ktime_get_ns() = $6"
line=$(grep '^timer ' out) || { cat out; fail "no timer line"; }
set -- $line
expect_eq "pid() >= 0 in timer" "$2" 1
expect_eq "tid() >= 0 in timer" "$3" 1
[ "$4" -ge 0 ] && [ "$4" -lt "$ncpu" ] || fail "cpu() in timer = $4"
expect_eq "ktime_get_ns() increases" "$5" 1
case "$line" in *"[]") fail "execname() empty in timer" ;; esac
set -- $(grep '^ttime ' out)
[ $(($2 - now)) -ge -5 ] && [ $(($2 - now)) -le 30 ] || fail "gettimeofday_s() in timer = $2"
exit 0
