# process("PATH").begin/end and process.begin on the scheduler's tracepoints: a -c shell runs
# utarget twice and a copy of it (another program) once; the PATH probes fire twice each, in
# the program's own process (execname, pid), and process.begin sees every exec.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
cp "$(dirname "$BSTAP_OPT")/tests/utarget" . || skip "no build/tests/utarget (make)"
cp utarget other
cat >b.stp <<'STP'
global b, e, all
probe process("./utarget").begin { b++; printf("begin %s %d\n", execname(), pid() == tid()) }
probe process("./utarget").end { e++; printf("end %s\n", execname()) }
probe process.begin { if (execname() == "other" || execname() == "utarget") all++ }
probe end { printf("b=%d e=%d all=%d\n", b, e, all) }
STP
"$BSTAP" -c "sh -c './utarget sem >/dev/null; ./other sem >/dev/null; ./utarget sem >/dev/null'" b.stp >out 2>err ||
	{ cat err; fail "bstap exited with $?"; }
expect_file_eq "output" out 'begin utarget 1
end utarget
begin utarget 1
end utarget
b=2 e=2 all=3'
exit 0
