# sprint_syms(): stap's " TOKEN : symdata(TOKEN)" line per address, whole lines while they fit
# in MAXSTRINGLEN. Of a kernel probe's backtrace() (at the -c command's exec): print_syms()'s
# lines, cut; also of the same stack kept in an array and given to sprint_syms() in end
# (userspace). Of a list of addresses built from /proc/kallsyms (vfs_read's, an offset into it,
# one no symbol holds, a token that is no number) in begin and in a tracepoint alike. (In a
# kernel probe such a list holds symdata() placeholders, cut by their size: two lines here.)
. "$LIVE_DIR/../lib.sh"
maxstr=$(sed -n 's/^#define BSTAP_MAXSTRINGLEN \([0-9]*\).*/\1/p' "$LIVE_DIR/../../prog/abi.h")
[ -n "$maxstr" ] || fail "no BSTAP_MAXSTRINGLEN in prog/abi.h"
cat >s.stp <<'STP'
global bt
probe kernel.trace("sched:sched_process_exec") {
	if (pid() != target()) next
	s = backtrace()
	bt[s] = 1
	println("P")
	print_syms(s)
	println("S")
	print(sprint_syms(s))
	println("E")
	exit()
}
probe end { foreach (k in bt) { println("K"); print(sprint_syms(k)) } println("Z") }
STP
"$BSTAP" -c "sleep 0.1" s.stp >out 2>err || { cat err; fail "status $?"; }
sed -n '/^P$/,/^S$/p' out | sed '1d;$d' >p
sed -n '/^S$/,/^E$/p' out | sed '1d;$d' >s
sed -n '/^K$/,/^Z$/p' out | sed '1d;$d' >k
[ -s p ] || fail "no frames"
expect_no_grep "frame lines" p -v '^ 0x[0-9a-f]{16} : [^ ]+\+0x[0-9a-f]+/0x[0-9a-f]+ \[[^]]+\]$'
# stap's cut: whole lines while their total is at most MAXSTRINGLEN
awk -v max="$maxstr" '{ t += length($0) + 1; if (t > max) exit; print }' p >want
[ -s want ] || fail "not one line fits in $maxstr bytes"
expect_file_eq "sprint_syms(backtrace())" s "$(cat want)"
expect_file_eq "sprint_syms() of a kept backtrace, in end" k "$(cat want)"

addr=$(awk '$3 == "vfs_read" { print $1; exit }' /proc/kallsyms)
[ -n "$addr" ] && [ "$addr" != 0000000000000000 ] || skip "no address of vfs_read in /proc/kallsyms"
hi=${addr%????????}
in=0x$hi$(printf '%08x' $((0x${addr#????????} + 16)))
cat >l.stp <<STP
probe begin { printf("B[%s]\n", sprint_syms("0x$addr  $in")); printf("B[%s]\n", sprint_syms("0x1 zz")) }
probe kernel.trace("sched:sched_process_exec") {
	if (pid() != target()) next
	printf("K[%s]\n", sprint_syms("0x$addr  $in"))
	printf("K[%s]\n", sprint_syms("0x1 zz"))
	exit()
}
STP
"$BSTAP" -c "sleep 0.1" l.stp >out2 2>err2 || { cat err2; fail "status $?"; }
expect_grep "vfs_read's own line" out2 "^B\[ 0x$addr : vfs_read\+0x0/0x[0-9a-f]+ \[kernel\]$"
sed 's/^[BK]\[//' out2 >lines
[ "$(sed -n 1,6p lines)" = "$(sed -n 7,12p lines)" ] || { cat out2; fail "begin and the tracepoint differ"; }
expect_grep "an offset into it" lines "^ $in : vfs_read\+0x10/0x[0-9a-f]+ \[kernel\]$"
expect_grep "no symbol" lines '^ 0x1 : 0x1$'
expect_grep "not a number" lines '^ zz : 0x0$'
exit 0
