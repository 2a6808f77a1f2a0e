# A probe the BPF verifier rejects is reported at the script line that caused it, with the
# line quoted, exit status 1, and nothing left loaded (the runner checks programs and links).
# TIMEOUT: 120
. "$LIVE_DIR/../lib.sh"
cat >vr.stp <<'STP'
global n
probe timer.ms(10) {
  s = "abc"; t = "abd"
  for (i = 0; i < 1000; i++)
    if (s < t) n++
  exit()
}
STP
"$BSTAP" vr.stp >out 2>err && fail "the verifier accepted a program it should reject"
expect_grep "location" err '^vr\.stp:4:3: error: the BPF verifier rejected this probe: '
expect_grep "quoted line" err '^ +4 \|   for \(i = 0; i < 1000; i\+\+\)$'
expect_grep "caret" err '^ +\|   \^$'
[ -s out ] && { cat out; fail "output from a probe that never loaded"; }
exit 0
