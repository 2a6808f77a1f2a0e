# A tracepoint script compiled with bstap -p4 runs under bstap-run and bstap-run-static (no
# compiler on PATH) with exactly bstap's output: classic tracepoints with fields and strings, a
# raw tracepoint (a handler reading no field), a wildcard, -c and target().
# TIMEOUT: 120
. "$LIVE_DIR/../lib.sh"
need_sysload
RUN=${BSTAP%/bstap}/bstap-run
STATIC=${BSTAP_OPT%/bstap}/bstap-run-static
[ -x "$RUN" ] || fail "no $RUN: make builds it"
[ -x "$STATIC" ] || fail "no $STATIC: make builds it"
cat >s.stp <<'STP'
global opens, ids, w, sw
probe kernel.trace("syscalls:sys_enter_openat") {
	if (pid() == target() && execname() == "sysload" && user_string($filename) == "/dev/null")
		opens[$flags]++
}
probe kernel.trace("raw_syscalls:sys_enter") {
	if (pid() == target() && execname() == "sysload") ids[$id]++
}
probe kernel.trace("syscalls:sys_enter_get*pid") {
	if (pid() == target() && execname() == "sysload") w[pp()]++
}
probe kernel.trace("sched:sched_switch") {
	if (pid() == target() && execname() == "sysload") sw++
}
probe kernel.trace("sched:sched_process_exec") {
	if (ppid() == target()) printf("exec %s %s\n", $filename, execname())
}
probe end {
	foreach (f in opens) printf("open flags %#x x%d\n", f, opens[f])
	printf("getppid %d getpid %d\n", ids[110], ids[39])
	foreach (p+ in w) printf("%s %d\n", p, w[p])
	printf("switched out %d\n", sw > 0)
}
STP
cmd="$SYSLOAD --openat /dev/null 4 --getppid 6 --getpid 2 --fork-exec --sleep 10"
want='exec /bin/true true
open flags 0x80000 x4
getppid 6 getpid 2
kernel.trace("syscalls:sys_enter_getpid") 2
kernel.trace("syscalls:sys_enter_getppid") 6
switched out 1'
"$BSTAP" -c "$cmd" s.stp >out 2>err || { rc=$?; cat err; fail "bstap: status $rc"; }
expect_file_eq "bstap output" out "$want"
obj=$("$BSTAP" --cache-dir "$SCRATCH/cache" -p4 s.stp 2>err) || { cat err; fail "-p4 failed"; }
[ -f "$obj" ] || fail "-p4 printed '$obj', not a file"
cp "$obj" tp.bpf.o
timeout 60 env PATH=/nonexistent "$RUN" -c "$cmd" tp.bpf.o >out 2>err || { rc=$?; cat err; fail "bstap-run: status $rc"; }
expect_file_eq "bstap-run output" out "$want"
timeout 60 env PATH=/nonexistent "$STATIC" -c "$cmd" tp.bpf.o >out 2>err || { rc=$?; cat err; fail "bstap-run-static: status $rc"; }
expect_file_eq "bstap-run-static output" out "$want"
exit 0
