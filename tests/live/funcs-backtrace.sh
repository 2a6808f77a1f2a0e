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

# backtrace(): the same stack as hex addresses (stap's string); print_stack(), print_syms() and
# sprint_stack() of it, also of a copy kept in an array and printed in end (userspace).
cat >bt.stp <<'EOS'
global bt
probe kernel.trace("sched:sched_process_exec") {
	if (pid() != target()) next
	s = backtrace()
	bt[s]++
	println("bt: ", s)
	println("P")
	print_stack(s)
	println("S")
	print(sprint_stack(s))
	println("Y")
	print_syms(s)
	println("E")
	exit()
}
probe end { foreach (k in bt) { println("end"); print_stack(k) } println("[", backtrace(), "]") }
EOS
"$BSTAP" -c "sleep 0.1" bt.stp >out3 2>err3 || { cat err3; fail "status $?"; }
expect_grep "backtrace()" out3 '^bt: 0x[0-9a-f]{16}( 0x[0-9a-f]{16})+$'
sed -n '/^P$/,/^S$/p' out3 | sed '1d;$d' >p
sed -n '/^Y$/,/^E$/p' out3 | sed '1d;$d' >y
sed -n '/^end$/,/^\[/p' out3 | sed '1d;$d' >e
sed -n '/^S$/,/^Y$/p' out3 | sed '1d;$d' >q
[ -s p ] || fail "print_stack printed nothing"
cmp -s p y || fail "print_syms differs from print_stack"
cmp -s p e || fail "print_stack in end differs"
expect_no_grep "print_stack lines" p -v '^ 0x[0-9a-f]{16} : [^ ]+\+0x[0-9a-f]+/0x[0-9a-f]+ \[[^]]+\]$'
expect_grep "an exec frame" p ' : (bprm_execve|do_execveat_common[.a-z0-9]*|__x64_sys_execve)\+0x'
# sprint_stack: "name+0xoff [module]" for each frame of print_stack
sed 's/^ 0x[0-9a-f]* : \([^/]*\)\/0x[0-9a-f]* \(.*\)$/\1 \2/' p >p2
cmp -s p2 q || { diff p2 q; fail "sprint_stack differs from print_stack's frames"; }
# the hex addresses are print_stack's
expect_eq "addresses" "$(sed -n 's/^bt: //p' out3)" "$(awk '{ printf "%s%s", (NR > 1 ? " " : ""), $1 }' p)"
expect_grep "backtrace() in end" out3 '^\[\]$'

# print_stack() and sprint_stack() of an address list in begin (userspace)
addr=$(awk '$3 == "vfs_read" && ($2 == "T" || $2 == "t") { print $1; exit }' /proc/kallsyms)
next=$(awk -v a="$addr" '$2 !~ /^[aAU]$/ && $1 > a { print $1 }' /proc/kallsyms | sort | head -n 1)
[ "${next%????????}" = "${addr%????????}" ] || skip "vfs_read ends at a 4 GiB boundary"
size=$(printf '%x' $((0x${next#????????} - 0x${addr#????????})))
a10=${addr%????????}$(printf '%08x' $((0x${addr#????????} + 16)))
"$BSTAP" -e "probe begin { print_stack(\"0x$a10 0x1\"); print(sprint_stack(\"0x$a10\")); exit() }" >out4 2>err4 ||
	{ cat err4; fail "begin: status $?"; }
expect_file_eq "print_stack in begin" out4 " 0x$a10 : vfs_read+0x10/0x$size [kernel]
 0x0000000000000001 : 0x1
vfs_read+0x10 [kernel]"
exit 0
