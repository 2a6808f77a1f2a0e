# returnval() and returnstr() in system call returns (stap's syscall.*.return run on
# kernel.function("sys_*").return, bstap's on the exit tracepoints): in syscall.openat.return
# (consistent with the alias's retval and retstr), on raw_syscalls:sys_exit read as a raw
# tracepoint (nothing reads a field: the value is the tracepoint's second argument) and on
# syscalls:sys_exit_close; in the handler and in a function it calls. ppfunc() names no
# function and user_mode() is 0 in a tracepoint; cmdline_args() of the -c command, with an empty
# argument ("" after the first, nothing when it is the first), and cmdline_str(), which is
# cmdline_args(0, -1, " ") in stap.
. "$LIVE_DIR/../lib.sh"
cat >r.stp <<'STP'
global want, r
function g() { return returnstr(2) . " " . sprint(returnval()) }
probe syscall.openat {
	if (pid() == target()) want[tid()] = isinstr(filename, "nonexistent-bstap-h9")
}
probe syscall.openat.return {
	if (pid() != target() || !want[tid()]) next
	r["openat"] = sprintf("[%s] %d [%s] [%s] [%s] [%s]", retstr, returnval(), returnstr(1),
			      returnstr(2), returnstr(3), g())
}
probe kernel.trace("raw_syscalls:sys_exit") {
	if (pid() != target() || !want[tid()] || returnval() != -2) next
	r["raw"] = sprintf("%d [%s] [%s] [%s] %d", returnval(), returnstr(1), g(), ppfunc(), user_mode())
}
probe kernel.trace("syscalls:sys_exit_close") {
	if (pid() != target() || execname() != "cat" || ["close"] in r) next
	r["close"] = sprintf("%d [%s] [%s] [%s] [%s]", returnval(), returnstr(1), returnstr(2),
			     returnstr(3), g())
}
probe end { foreach (k+ in r) printf("%s %s\n", k, r[k]) }
STP
"$BSTAP" -c "cat /nonexistent-bstap-h9" r.stp >out 2>err || true
expect_file_eq "returns" out "close 0 [0] [0x0] [00] [0x0 0]
openat [-2 (ENOENT)] -2 [-2 (ENOENT)] [-2 (ENOENT)] [-2 (ENOENT)] [-2 (ENOENT) -2]
raw -2 [-2 (ENOENT)] [-2 (ENOENT) -2] [] 0"
# the raw tracepoint really is one (no field read on that event)
"$BSTAP" -p3 -e 'probe kernel.trace("raw_syscalls:sys_exit") { println(returnval()) }' >c 2>&1 ||
	{ cat c; fail "-p3"; }
expect_grep "raw tracepoint" c 'SEC\("raw_tp/sys_exit"\)'
expect_grep "its second argument" c 'bstap_retval\(S->ctx, 8\)'
# and reads it: cat's failed open among its system calls' returns, none out of a return's range
"$BSTAP" -c "cat /nonexistent-bstap-h9" -e 'global enoent, bad
probe kernel.trace("raw_syscalls:sys_exit") {
	if (pid() != target() || execname() != "cat") next
	if (returnval() == -2 && returnstr(1) == "-2 (ENOENT)") enoent++
	if (returnval() < -4095) bad++
}
probe end { printf("enoent %d bad %d\n", enoent > 0, bad) }' >raw 2>err || true
expect_file_eq "raw tracepoint's value" raw "enoent 1 bad 0"

cat >a.stp <<'STP'
probe kernel.trace("raw_syscalls:sys_enter") {
	if (pid() != target() || execname() != "true") next
	printf("[%s] [%s] [%s] [%s] [%s] %d\n", cmdline_args(0, -1, "|"), cmdline_args(1, 2, ","),
	       cmdline_args(2, -1, ","), cmdline_args(2, 2, ","), cmdline_args(4, 9, "--"), user_mode())
	printf("[%s] [%s] [%s]\n", cmdline_str(), cmdline_arg(3), cmdline_arg(4))
	exit()
}
STP
"$BSTAP" -c "true %s a '' b" a.stp >out2 2>err2 || { cat err2; fail "status $?"; }
expect_file_eq "cmdline_args" out2 '[true|%s|a|""|b] [%s,a] [a,"",b] [a] [b] 0
[true %s a "" b] [] [b]'
exit 0
