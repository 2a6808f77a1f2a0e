# print_backtrace(): the kernel stack of the probed code, one frame a line as stap's
# print_stack (" 0x<16 hex> : name+0xoff/0xsize [kernel]"), BPF's own frames left out: at the
# exec of the -c command, the stack holds the exec system call's functions. In begin
# (userspace) there is no kernel stack: it prints nothing.
. "$LIVE_DIR/../lib.sh"
"$BSTAP" -c "sleep 0.1" -e 'probe kernel.trace("sched:sched_process_exec") {
	if (pid() == target()) { println("exec"); print_backtrace(); println("done") } }
	probe begin { print_backtrace(); println("begin") }' >out 2>err || { cat err; fail "status $?"; }
expect_eq "first line" "$(head -n 1 out)" begin
expect_grep "an exec frame" out '^ 0x[0-9a-f]{16} : (bprm_execve|do_execveat_common[.a-z0-9]*|__x64_sys_execve)\+0x[0-9a-f]+/0x[0-9a-f]+ \[kernel\]$'
expect_grep "the system call entry" out '^ 0x[0-9a-f]{16} : (do_syscall_64|entry_SYSCALL_64[a-z_]*)\+0x'
expect_no_grep "no BPF frame" out 'bpf_|__traceiter_|perf_trace_'
# every line between exec and done is a frame
sed -n '/^exec$/,/^done$/p' out | sed '1d;$d' >frames
[ -s frames ] || fail "no frames"
expect_no_grep "frame lines only" frames -v '^ 0x[0-9a-f]{16} : [^ ]+\+0x[0-9a-f]+/0x[0-9a-f]+ \[[^]]+\]$'
exit 0
