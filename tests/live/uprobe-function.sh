# process("PATH").function probes on the test program build/tests/utarget (tests/tools/utarget.c)
# run under -c: exact call counts, integer arguments (int_arg, long_arg, u_register), $return,
# returnval(), $$return, $$parms and @entry(int_arg(N)) in .return, .call, user_string/user_char of a known buffer,
# a wildcard over the program's functions, probefunc(), usymname() (in the program, its caller on return, an
# unknown address in hex), .statement(ADDR), and the program found on $PATH by name.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
cp "$(dirname "$BSTAP_OPT")/tests/utarget" . || skip "no build/tests/utarget (make)"
once=$(nm utarget | awk '$3 == "ut_once" { print $1 }' | sed 's/^0*//')
[ -n "$once" ] || fail "no symbol ut_once in utarget"
cat >f.stp <<STP
global calls, sum, st
probe process("utarget").function("ut_add") { printf("add %d %d rdi=%d\n", int_arg(1), int_arg(2), u_register("rdi")) }
probe process("utarget").function("ut_add").return { sum += \$return; printf("%d+%d=%d\n", @entry(int_arg(1)), @entry(int_arg(2)), \$return) }
probe process("utarget").function("ut_neg").call { printf("neg %d\n", long_arg(1)) }
probe process("utarget").function("ut_neg").return { printf("neg returns %d %d %s %s [%s]\n", \$return, returnval(), \$\$return, \$\$return\$, \$\$parms) }
probe process("$PWD/utarget").function("ut_len") {
	printf("len %s %c %s %d\n", user_string(pointer_arg(1)), user_char(pointer_arg(1)),
	       user_string_n(pointer_arg(1), 5), user_long(0))
}
probe process("utarget").function("ut_*") { calls[pp()]++ }
probe process("utarget").statement(0x$once) { st++ }
probe process("utarget").function("ut_once") { printf("usymname %s %s\n", usymname(u_register("rip")), usymname(0x1234)) }
probe process("utarget").function("ut_o*").return { printf("probefunc %s %s\n", probefunc(), usymname(u_register("rip"))) }
probe end { printf("sum=%d statement=%d\n", sum, st); foreach (p in calls+) printf("%s %d\n", p, calls[p]) }
STP
PATH=$PWD:$PATH "$BSTAP" -c "./utarget run 3" f.stp >out 2>err || { cat err; fail "bstap exited with $?"; }
grep -v '^done 3$' out | sed "s|$PWD|DIR|" >got
expect_file_eq "output" got 'add 1 2 rdi=1
1+2=3
neg 1
neg returns -1 -1 return=0xffffffffffffffff return=-1 []
len hello uprobe h hello 0
add 2 4 rdi=2
2+4=6
neg 2
neg returns -2 -2 return=0xfffffffffffffffe return=-2 []
len hello uprobe h hello 0
add 3 6 rdi=3
3+6=9
neg 3
neg returns -3 -3 return=0xfffffffffffffffd return=-3 []
len hello uprobe h hello 0
usymname ut_once 0x1234
probefunc ut_once run
sum=18 statement=1
process("DIR/utarget").function("ut_once") 1
process("DIR/utarget").function("ut_add") 3
process("DIR/utarget").function("ut_len") 3
process("DIR/utarget").function("ut_neg") 3'
expect_grep "the program's own output" out '^done 3$'
exit 0
