# A probe the BPF verifier rejects is reported at the script line that caused it, with the
# line quoted, exit status 1, and nothing left loaded (the runner checks programs and links).
# Loops are bpf_loop() callbacks and BPF allows 8 call frames (the probe and 7 callbacks):
# loops nested 8 deep are refused.
# TIMEOUT: 120
. "$LIVE_DIR/../lib.sh"
cat >vr.stp <<'STP'
global n
probe timer.ms(10) {
  for (a = 0; a < 2; a++)
   for (b = 0; b < 2; b++)
    for (c = 0; c < 2; c++)
     for (d = 0; d < 2; d++)
      for (e = 0; e < 2; e++)
       for (f = 0; f < 2; f++)
        for (g = 0; g < 2; g++)
         for (h = 0; h < 2; h++)
          n++
  exit()
}
STP
"$BSTAP" vr.stp >out 2>err && fail "the verifier accepted a program it should reject"
rc=$?
[ $rc = 1 ] || fail "status $rc, not 1"
expect_grep "location" err '^vr\.stp:[0-9]+:[0-9]+: error: the BPF verifier rejected this probe: the call stack of 9 frames is too deep$'
line=$(sed -n 's/^vr\.stp:\([0-9]*\):.*/\1/p' err | head -n 1)
[ "$line" -ge 3 ] && [ "$line" -le 11 ] || fail "the error names line $line, not one of the loops"
quoted=$(sed -n "${line}p" vr.stp)
expect_grep "quoted line" err "^ +$line \\| $(printf '%s' "$quoted" | sed 's/[][().+*]/\\&/g')\$"
expect_grep "caret" err '^ +\| +\^'
[ -s out ] && { cat out; fail "output from a probe that never loaded"; }
# seven deep is fine, and every iteration runs
sed -e '/for (h = 0/d' vr.stp >ok.stp
"$BSTAP" ok.stp >out 2>err || { cat err; fail "seven nested loops: status $?"; }
expect_file_eq "seven nested loops" out "n=128"
exit 0
