# timer.profile fires on every online CPU: collect cpu() into an array for 1 s and count the
# distinct CPUs; each should have well over 25 samples at HZ=250. Run once unpinned and once
# with bstap pinned to each CPU (up to 4), since where bstap itself runs must not matter.
# Like stap's profile tick, the sampling clock does not fire on an idle CPU (tickless idle),
# so a busy loop keeps every CPU running while we measure.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
ncpu=$(getconf _NPROCESSORS_ONLN)
pins=none
[ "$ncpu" -le 4 ] && command -v taskset >/dev/null && pins="none $(seq 0 $((ncpu - 1)))"
spinners=""
for c in $(seq 0 $((ncpu - 1))); do
	if command -v taskset >/dev/null; then
		timeout 60 taskset -c "$c" sh -c 'while :; do :; done' & spinners="$spinners $!"
	else
		timeout 60 sh -c 'while :; do :; done' & spinners="$spinners $!"
	fi
done
trap 'kill $spinners 2>/dev/null' EXIT
for pin in $pins; do
	if [ "$pin" = none ]; then pre=; where="unpinned"; else pre="taskset -c $pin"; where="on CPU $pin"; fi
	$pre "$BSTAP" -T 1 -e 'global c
probe timer.profile { c[cpu()]++ }
probe end {
	n = 0; low = 0; total = 0
	foreach (k in c) { n++; total += c[k]; if (c[k] < 25) low++ }
	printf("cpus=%d low=%d total=%d\n", n, low, total)
	foreach (k in c) printf("cpu%d=%d\n", k, c[k])
}' >out 2>err || { cat err; fail "bstap ($where) exited with $?"; }
	expect_grep "output" out '^cpus=[0-9]+ low=[0-9]+ total=[0-9]+$'
	line=$(grep '^cpus=' out)
	cpus=${line#cpus=}; cpus=${cpus%% *}
	low=${line#*low=}; low=${low%% *}
	[ "$cpus" = "$ncpu" ] || { cat out; fail "bstap $where: timer.profile saw $cpus CPUs, $ncpu online"; }
	[ "$low" = 0 ] || { cat out; fail "bstap $where: $low CPU(s) with fewer than 25 samples in 1 s"; }
done
exit 0
