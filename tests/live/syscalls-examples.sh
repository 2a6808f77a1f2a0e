# Scripts in the style of SystemTap's well-known examples, unchanged, against syswork's known
# calls: per-process system-call counts with a periodic top-100 report (topsys), open-file
# tracing with errors (opensnoop/errsnoop), an iotop-like byte count, and syscall_any.
# TIMEOUT: 120
. "$LIVE_DIR/../lib.sh"
need_syswork
cat >topsys.stp <<'STP'
global syscalls

probe syscall.* {
	if (pid() == target())
		syscalls[execname(), name]++
}

function report() {
	foreach ([proc, sc] in syscalls- limit 100)
		printf("%-10s %-12s %5d\n", proc, sc, syscalls[proc, sc])
	delete syscalls
}

probe timer.s(5) { report() }
probe end { report() }
STP
"$BSTAP" -c "$SYSWORK" topsys.stp >out 2>err || { cat err; fail "topsys"; }
# the calls syswork makes itself (its static C library's start-up calls vary with the library)
grep -E "^syswork +(openat|read|write|kill|clone|wait4|exit_group|getpid) " out | sort >got
expect_file_eq "topsys counts" got "syswork    clone            1
syswork    exit_group       1
syswork    getpid           1
syswork    kill             1
syswork    openat           2
syswork    read             1
syswork    wait4            1
syswork    write            1"
# (the child's exit_group has another pid; mmap: one by syswork, others by its C library)

cat >opensnoop.stp <<'STP'
global fname
probe syscall.openat {
	fname[tid()] = filename
}
probe syscall.openat.return {
	if (pid() == target() && execname() == "syswork")
		printf("%-8s %-24s %s\n", execname(), fname[tid()],
		       retval < 0 ? sprintf("ERR %s", errno_str(-retval)) : sprintf("fd %d", retval))
	delete fname[tid()]
}
STP
"$BSTAP" -c "$SYSWORK" opensnoop.stp >out 2>err || { cat err; fail "opensnoop"; }
expect_file_eq "opensnoop" out 'syswork  "/dev/null"              fd 3
syswork  "/nonexistent/bstap"     ERR ENOENT'

cat >iotop.stp <<'STP'
global reads, writes
probe syscall.read.return {
	if (retval >= 0 && pid() == target()) reads[execname()] += retval
}
probe syscall.write.return {
	if (retval >= 0 && pid() == target()) writes[execname()] += retval
}
probe end {
	foreach (n in writes-)
		printf("%-10s read %6d bytes, wrote %6d bytes\n", n, reads[n], writes[n])
}
STP
"$BSTAP" -c "$SYSWORK" iotop.stp >out 2>err || { cat err; fail "iotop"; }
expect_file_eq "iotop" out "syswork    read      0 bytes, wrote      6 bytes"

cat >any.stp <<'STP'
global n, fails
probe syscall_any { if (pid() == target() && execname() == "syswork") n[name]++ }
probe syscall_any.return { if (pid() == target() && execname() == "syswork" && retval < 0) fails[syscall_nr]++ }
probe end {
	printf("openat %d kill %d clone %d\n", n["openat"], n["kill"], n["clone"])
	foreach (nr in fails) printf("failed: %s x%d\n", syscall_name(nr), fails[nr])
}
STP
"$BSTAP" -c "$SYSWORK" any.stp >out 2>err || { cat err; fail "syscall_any"; }
expect_grep "syscall_any counts" out "^openat 2 kill 1 clone 1$"
expect_grep "syscall_any.return" out "^failed: openat x1$"
exit 0
