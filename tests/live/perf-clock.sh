# perf.sw.cpu_clock.sample(1000000) fires once per millisecond of CPU clock on every CPU:
# over a program that burns 1000 ms of its own CPU time, the probe kept to that program
# (.process, the -c target) fires about 1000 times, and the unfiltered one about once per
# millisecond per CPU that is not idle. perf.type(1).config(0).hz(100) (the same clock as a
# frequency) fires about 100 times over that second, and its pp() is the point as written.
# TIMEOUT: 60
# REQUIRES: command -v cc
. "$LIVE_DIR/../lib.sh"
cc -O1 -o perf-work "$LIVE_DIR/perf-work.c" || fail "cannot build perf-work"
ncpu=$(getconf _NPROCESSORS_ONLN)
cat >clk.stp <<'STP'
global mine, all, hz, t0, name
probe begin { t0 = gettimeofday_ms() }
probe perf.sw.cpu_clock.sample(1000000).process { mine++ }
probe perf.sw.cpu_clock.sample(1000000) { all++ }
probe perf.type(1).config(0).hz(100).process { hz++; name = pp() }
probe end {
	printf("mine=%d all=%d hz=%d ms=%d\n", mine, all, hz, gettimeofday_ms() - t0)
	printf("pp %s\n", name)
}
STP
"$BSTAP" -c "./perf-work spin 1000" clk.stp >out 2>err || { cat err; fail "bstap exited with $?"; }
expect_grep "output" out '^mine=[0-9]+ all=[0-9]+ hz=[0-9]+ ms=[0-9]+$'
expect_grep "pp()" out '^pp perf\.type\(1\)\.config\(0\)\.hz\(100\)\.process$'
set -- $(sed -n 's/[a-z]*=//gp' out)
mine=$1 all=$2 hz=$3 ms=$4
[ "$mine" -ge 700 ] && [ "$mine" -le 1300 ] ||
	fail "cpu_clock.sample(1000000).process fired $mine times over 1000 ms of CPU, expected 700..1300"
[ "$all" -ge "$mine" ] || fail "the unfiltered probe fired $all times, fewer than the filtered one ($mine)"
max=$(( (ms + 100) * ncpu * 12 / 10 ))
[ "$all" -le "$max" ] ||
	fail "cpu_clock.sample(1000000) fired $all times in $ms ms on $ncpu CPUs, more than once per ms per CPU"
[ "$hz" -ge 30 ] && [ "$hz" -le 300 ] ||
	fail "perf.type(1).config(0).hz(100).process fired $hz times over 1 s of CPU, expected 30..300"
exit 0
