# -G NAME=VALUE: sets a scalar global before begin, over the script's initialiser, seen in begin
# and in kernel probes; fixes the type of a global the script leaves open; clear errors for
# unknown names, arrays, bad numbers; bstap-run takes -G and staprun-style NAME=VALUE, and the
# value is not part of the object (a second value is a cache hit).
# TIMEOUT: 120
. "$LIVE_DIR/../lib.sh"
RUN=${BSTAP%/bstap}/bstap-run
cat >g.stp <<'STP'
global n = 1, s = "default", open_type
probe begin { printf("begin %d %s %s\n", n, s, open_type) }
probe timer.ms(20) { printf("timer %d %s %s\n", n * 2, s . "!", open_type); exit() }
STP
"$BSTAP" --cache-dir "$SCRATCH/cache" -v -G n=21 -G s=given -G open_type=text g.stp >out 2>err ||
	{ cat err; fail "-G: status $?"; }
expect_file_eq "-G" out "begin 21 given text
timer 42 given! text"
# another value for the same global: the same object (the values are set at run time)
"$BSTAP" --cache-dir "$SCRATCH/cache" -v -G n=0x10 -G s='with space' -G open_type=more g.stp >out 2>err ||
	{ cat err; fail "-G again: status $?"; }
expect_grep "cache hit" err 'cache hit'
expect_file_eq "-G again" out "begin 16 with space more
timer 32 with space! more"
# negative numbers, and the initialiser when -G is absent for that global
"$BSTAP" --cache-dir "$SCRATCH/cache" -G n=-5 -G open_type=x g.stp >out 2>err || { cat err; fail "status $?"; }
expect_file_eq "-G negative" out "begin -5 default x
timer -10 default! x"

# a global only -G gives a type to: a number makes it a long
"$BSTAP" -G limit=3 -e 'global limit; probe begin { printf("%d\n", limit + 1); exit() }' >out 2>err ||
	{ cat err; fail "type from -G: status $?"; }
expect_file_eq "type from -G" out "4"

# errors
"$BSTAP" -G nosuch=1 g.stp >out 2>err && fail "unknown global accepted"
expect_grep "unknown global" err "^semantic error: -G nosuch: the script has no global variable 'nosuch'"
"$BSTAP" -G n=abc g.stp >out 2>err && fail "non-number for a long accepted"
expect_grep "bad number" err "^bstap: error: -G n: 'n' is a number in the script, and 'abc' is not a number"
[ -s out ] && fail "begin ran although -G was bad"
"$BSTAP" -G a=1 -e 'global a; probe begin { a[1] = 1; exit() }' >out 2>err && fail "-G on an array accepted"
expect_grep "array" err "'a' is an array"
"$BSTAP" -G =1 g.stp >out 2>err && fail "-G =1 accepted"
expect_grep "no name" err "^bstap: error: -G takes NAME=VALUE"

# bstap-run: -G and NAME=VALUE after the object
obj=$("$BSTAP" --cache-dir "$SCRATCH/cache" -p4 g.stp) || fail "-p4 failed"
"$RUN" -G n=7 "$obj" s=run open_type=t >out 2>err || { cat err; fail "bstap-run -G: status $?"; }
expect_file_eq "bstap-run -G" out "begin 7 run t
timer 14 run! t"
"$RUN" "$obj" nosuch=1 >out 2>err && fail "bstap-run: unknown global accepted"
expect_grep "bstap-run unknown" err "the object has no global 'nosuch'"
"$RUN" "$obj" 5 >out 2>err && fail "bstap-run: a bare argument accepted"
expect_grep "bstap-run bare" err "is not NAME=VALUE"
exit 0
