# @1 as the path in process(@1).function(@2), and $1-style numbers in the handler:
# script arguments anywhere a literal may stand, probe points included (stap(1)).
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
cp "$(dirname "$BSTAP_OPT")/tests/utarget" . || skip "no build/tests/utarget (make)"
cat >f.stp <<'STP'
global n
probe process(@1).function(@2) { n += $3 }
probe end { printf("%s %s called %d times (x%d)\n", @1, @2, n / $3, $3) }
STP
"$BSTAP" -c "./utarget run 3" f.stp "$PWD/utarget" ut_add 7 >out 2>err || { cat err; fail "bstap exited with $?"; }
grep -v '^done 3$' out | sed "s|$PWD|DIR|" >got
expect_file_eq "output" got 'DIR/utarget ut_add called 3 times (x7)'
"$BSTAP" -p2 f.stp "$PWD/utarget" ut_add >out 2>err && fail "a missing argument compiled"
sed "s|$PWD|DIR|" err | head -1 >got
expect_file_eq "missing argument" got 'f.stp:2:39: error: command line argument index 3 out of range [1-2]'
exit 0
