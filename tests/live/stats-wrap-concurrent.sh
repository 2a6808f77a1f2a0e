# timer.profile handlers run at the same moment on every CPU: samples added to one statistic
# (with a histogram), to a wrap-around statistics array and to a wrap-around array must not be
# lost: each count equals the sum of the per-CPU firings; a wrap-around array that keeps
# receiving new keys from every CPU never holds more than its size.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
ncpu=$(getconf _NPROCESSORS_ONLN)
spinners=""
for c in $(seq 0 $((ncpu - 1))); do
	timeout 30 sh -c 'while :; do :; done' & spinners="$spinners $!"
done
trap 'kill $spinners 2>/dev/null' EXIT
"$BSTAP" -T 2 -e 'global s, c, ws%[64], wa%[64], ev%[16], seq
probe timer.profile {
	s <<< cpu(); c[cpu()]++; ws[cpu()] <<< 2; wa[cpu()] += 1
	ev[cpu(), seq[cpu()]++] = 1
}
probe end {
	total = 0; sum = 0; wsn = 0; wss = 0; wan = 0; hist = 1; evn = 0
	foreach (k in c) {
		total += c[k]
		sum += k * c[k]
	}
	foreach (n = b in @hist_linear(s, 0, 64, 1))
		if (b >= 1 && b <= 64 && n != c[b - 1]) hist = 0
	foreach (k in ws) { wsn += @count(ws[k]); wss += @sum(ws[k]) }
	foreach (k in wa) wan += wa[k]
	foreach ([k, q] in ev) evn++
	printf("count=%d sum=%d hist=%d ws=%d %d wa=%d ev=%d total=%d\n", @count(s) == total,
	       @sum(s) == sum, hist, wsn == total, wss == 2 * total, wan == total,
	       evn >= 1 && evn <= 16, total > 100)
}' >out 2>err || { cat err; fail "status $?"; }
expect_file_eq "counts" out "count=1 sum=1 hist=1 ws=1 1 wa=1 ev=1 total=1"
exit 0
