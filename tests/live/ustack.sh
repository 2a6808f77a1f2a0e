# User stacks (print_ubacktrace, ubacktrace, ucallers, print_ustack, sprint_ustack,
# sprint_ubacktrace, usymdata) in a uprobe on build/tests/utarget (built with frame pointers) and in a
# tracepoint in a libc function of `sleep`: frames symbolized from the program's and libc's
# symbol tables with their paths; the same functions in begin give nothing, as stap.
# TIMEOUT: 90
. "$LIVE_DIR/../lib.sh"
cp "$(dirname "$BSTAP_OPT")/tests/utarget" . || skip "no build/tests/utarget (make)"
addsz=$(nm -S utarget | awk '$4 == "ut_add" { print $2 }' | sed 's/^0*//')
mainsz=$(nm -S utarget | awk '$4 == "main" { print $2 }' | sed 's/^0*//')
[ -n "$addsz" ] && [ -n "$mainsz" ] || fail "no ut_add or main in utarget's symbols"
cat >u.stp <<'STP'
global n
probe process("utarget").function("ut_add") {
	if (n++) next
	print_ubacktrace()
	printf("callers %s\n", ucallers(2))
	u = ubacktrace()
	printf("bt %s\n", u)
	print_ustack(u)
	printf("sprint_ustack\n%s", sprint_ustack(u))
	printf("sprint_ubacktrace\n%s", sprint_ubacktrace())
	printf("usymdata %s %s\n", usymdata(u_register("rip")), usymdata(0x1234))
	exit()
}
probe begin {
	print_ubacktrace()
	printf("begin [%s] [%s] [%s] [%s] %s\n", ubacktrace(), ucallers(2), sprint_ubacktrace(), sprint_ustack(""),
	       usymdata(0x1234))
}
STP
# the target runs until bstap ends (the frames are symbolized from its live /proc/PID/maps)
PATH=$PWD:$PATH "$BSTAP" -c "./utarget loop 1000000000" u.stp >out 2>err || { cat err; fail "bstap exited with $?"; }
sed -n 1p out >got
expect_file_eq "begin" got 'begin [] [] [] [] 0x1234'
# print_ubacktrace(): ut_add at its first byte, then its caller main, both in utarget
a1=$(sed -n 2p out | awk '{ print $1 }')
a2=$(sed -n 3p out | awk '{ print $1 }')
expect_grep "frame 1" out "^ 0x[0-9a-f]{16} : ut_add\+0x0/0x$addsz \[$PWD/utarget\]\$"
expect_grep "frame 2" out "^ 0x[0-9a-f]{16} : main\+0x[0-9a-f]+/0x$mainsz \[$PWD/utarget\]\$"
sed -n 2p out | grep -q ' : ut_add+' || fail "the first frame is not ut_add: $(cat out)"
sed -n 3p out | grep -q ' : main+' || fail "the second frame is not main: $(cat out)"
h1=$(printf '0x%x' "$a1")
h2=$(printf '0x%x' "$a2")
# ucallers(2): the first two frames' addresses; ubacktrace(): all of them, the same first two
expect_grep "ucallers" out "^callers $h1 $h2\$"
expect_grep "ubacktrace" out "^bt $h1 $h2( 0x[0-9a-f]+)*\$"
# print_ustack(ubacktrace()) prints what print_ubacktrace() printed
nf=$(grep '^bt ' out | wc -w)
nf=$((nf - 1))
sed -n "2,$((nf + 1))p" out >pu1
sed -n "$((nf + 4)),$((2 * nf + 3))p" out >pu2
[ -s pu1 ] && cmp -s pu1 pu2 || { cat out; fail "print_ustack(ubacktrace()) differs from print_ubacktrace()"; }
# sprint_ustack(ubacktrace()) and sprint_ubacktrace(): "SYM+0xOFF [PATH]" lines
for w in sprint_ustack sprint_ubacktrace; do
	sed -n "/^$w\$/{n;p;n;p}" out >got
	expect_file_eq "$w" got "ut_add+0x0 [$PWD/utarget]
main+0x$(sed -n 3p out | sed 's/.*main+0x\([0-9a-f]*\)\/.*/\1/') [$PWD/utarget]"
done

# usymdata(): "SYM+0xOFF/0xSIZE [PATH]" in the current process, the hex address when unknown
grep '^usymdata ' out >got
expect_file_eq "usymdata" got "usymdata ut_add+0x0/0x$addsz [$PWD/utarget] 0x1234"

# a kernel probe (a tracepoint) in a task: its user stack, in a shared library (libc's .dynsym)
cat >k.stp <<'STP'
probe kernel.trace("syscalls:sys_enter_clock_nanosleep") {
	if (pid() != target()) next
	print_ubacktrace()
	printf("%s", sprint_ubacktrace())
	exit()
}
STP
"$BSTAP" -c "sleep 3" k.stp >out2 2>err || { cat err; fail "bstap exited with $?"; }
expect_grep "libc frame" out2 "^ 0x[0-9a-f]{16} : (__)?clock_nanosleep[_a-z0-9]*\+0x[0-9a-f]+/0x[0-9a-f]+ \[/.*libc\.so\.6\]\$"
expect_grep "libc sprint" out2 "^(__)?clock_nanosleep[_a-z0-9]*\+0x[0-9a-f]+ \[/.*libc\.so\.6\]\$"
echo ok
