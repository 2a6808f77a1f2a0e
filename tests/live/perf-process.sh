# perf.sw.page_faults.sample(1).process("path") counts the page faults of that program only:
# the -c command touches 5000 new pages while a copy of it (another file, so another program)
# faults pages in a loop. The probe by absolute path and by name on $PATH, and .process (the
# target), each count at least 5000 and not the copy's faults, which the unfiltered probe sees.
# TIMEOUT: 60
# REQUIRES: command -v cc
. "$LIVE_DIR/../lib.sh"
cc -O1 -o perf-work "$LIVE_DIR/perf-work.c" || fail "cannot build perf-work"
cp perf-work other
./other touch 2000 0 &
other=$!
trap 'kill $other 2>/dev/null' EXIT
cat >pf.stp <<STP
global mine, byname, tgt, all
probe perf.sw.page_faults.sample(1).process("$PWD/perf-work") { mine++ }
probe perf.sw.page_faults.sample(1).process("perf-work") { byname++ }
probe perf.sw.page_faults.sample(1).process { tgt++ }
probe perf.sw.page_faults.sample(1) { all++ }
probe perf.sw.page_faults.process("$PWD/perf-work") { dflt++ }
global dflt
probe end { printf("mine=%d byname=%d tgt=%d all=%d dflt=%d\n", mine, byname, tgt, all, dflt) }
STP
PATH=$PWD:$PATH "$BSTAP" -c "./perf-work touch 5000" pf.stp >out 2>err || { cat err; fail "bstap exited with $?"; }
kill -0 $other 2>/dev/null || fail "the other program was not running"
expect_grep "output" out '^mine=[0-9]+ byname=[0-9]+ tgt=[0-9]+ all=[0-9]+ dflt=[0-9]+$'
set -- $(sed 's/[a-z]*=//g' out)
mine=$1 byname=$2 tgt=$3 all=$4 dflt=$5
cat out
for v in "path:$mine" "name:$byname" "target:$tgt"; do
	n=${v#*:}
	[ "$n" -ge 5000 ] || fail ".process (${v%%:*}) counted $n faults, the program touched 5000 new pages"
	# the program's own start-up faults are a few hundred; the other program makes thousands
	[ "$n" -le 6500 ] || fail ".process (${v%%:*}) counted $n faults: more than the program's own"
done
[ $((all - mine)) -ge 2000 ] || fail "the unfiltered probe saw only $((all - mine)) faults besides the program's"
# the default sample period is 1000000 faults: 5000 faults do not reach it
[ "$dflt" -le 1 ] || fail "perf.sw.page_faults.process with the default .sample(1000000) fired $dflt times"
exit 0
