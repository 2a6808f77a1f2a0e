# Smoke test: bstap traces its own (unsanitized) binary with process probes: one call of
# elaborate() in a -p2 run, and main's return value.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
[ -x "$BSTAP_OPT" ] || fail "no $BSTAP_OPT"
cat >s.stp <<STP
global n
probe process("$BSTAP_OPT").function("elaborate") { n++ }
probe process("$BSTAP_OPT").function("main").return { printf("main returns %d\n", \$return) }
probe end { printf("elaborate=%d\n", n) }
STP
"$BSTAP" -c "$BSTAP_OPT -p2 -e 'probe begin { }' >/dev/null" s.stp >out 2>err ||
	{ cat err; fail "bstap exited with $?"; }
expect_file_eq "output" out 'main returns 0
elaborate=1'
exit 0
