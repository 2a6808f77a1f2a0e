# The context functions in user-space probes on build/tests/utarget (tests/tools/utarget.c) run
# under -c: returnval() and returnstr(1/2/3) of ut_neg (-i: a negative errno shows its name,
# stap's return_str) and ut_add (3 * i), in the handler and in a function it calls; ppfunc() of
# a wildcard's probes and of a .statement (none); user_mode() 1 in a uprobe; cmdline_args() of
# the program's command line (m < n gives "", n < 0 starts with delim).
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
cp "$(dirname "$BSTAP_OPT")/tests/utarget" . || skip "no build/tests/utarget (make)"
once=$(nm utarget | awk '$3 == "ut_once" { print $1 }' | sed 's/^0*//')
[ -n "$once" ] || fail "no symbol ut_once in utarget"
cat >c.stp <<STP
global pf
function rs(f) { return returnstr(f) . "/" . sprint(returnval()) }
function where() { return sprintf("%s %d", ppfunc(), user_mode()) }
probe process("utarget").function("ut_neg").return {
	printf("neg %d [%s] [%s] [%s] [%s]\n", returnval(), returnstr(1), returnstr(2), returnstr(3), rs(1))
}
probe process("utarget").function("ut_add").return {
	printf("add %d [%s] [%s] [%s] [%s] %s\n", returnval(), returnstr(1), returnstr(2), returnstr(3), rs(2), where())
}
probe process("utarget").function("ut_*") { pf[ppfunc(), user_mode(), where()]++ }
probe process("utarget").statement(0x$once) { printf("statement [%s] %d\n", ppfunc(), user_mode()) }
probe process("utarget").function("ut_once") {
	printf("args [%s] [%s] [%s] [%s] [%s] [%s]\n", cmdline_args(0, -1, "|"), cmdline_args(1, 1, ""),
	       cmdline_args(2, -1, ", "), cmdline_args(3, 1, ":"), cmdline_args(-1, 1, ":"), cmdline_args(5, -1, "x"))
}
probe end { foreach ([f, u, w] in pf+) printf("%s %d %s %d\n", f, u, w, pf[f, u, w]) }
STP
PATH=$PWD:$PATH "$BSTAP" -c "./utarget run 3" c.stp >out 2>err || { cat err; fail "bstap exited with $?"; }
grep -v '^done 3$' out >got
expect_file_eq "output" got 'add 3 [3] [0x3] [03] [0x3/3] ut_add 1
neg -1 [-1 (EPERM)] [-1 (EPERM)] [-1 (EPERM)] [-1 (EPERM)/-1]
add 6 [6] [0x6] [06] [0x6/6] ut_add 1
neg -2 [-2 (ENOENT)] [-2 (ENOENT)] [-2 (ENOENT)] [-2 (ENOENT)/-2]
add 9 [9] [0x9] [011] [0x9/9] ut_add 1
neg -3 [-3 (ESRCH)] [-3 (ESRCH)] [-3 (ESRCH)] [-3 (ESRCH)/-3]
statement [] 1
args [./utarget|run|3] [run] [3] [] [:./utarget:run] []
ut_once 1 ut_once 1 1
ut_add 1 ut_add 1 3
ut_len 1 ut_len 1 3
ut_neg 1 ut_neg 1 3'
exit 0
