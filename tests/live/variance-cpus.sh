# @variance over samples that timer.profile added on every CPU: the BPF side (a timer probe that
# reads task context) and the userspace side (end) merge the CPUs' Welford terms the same way,
# so both read the same number, with and without a bit shift. 'delete u' in BPF clears every
# CPU's slot of a scalar statistic, its histogram buckets included.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
ncpu=$(getconf _NPROCESSORS_ONLN)
spinners=""
for c in $(seq 0 $((ncpu - 1))); do
	timeout 30 sh -c 'while :; do :; done' & spinners="$spinners $!"
done
trap 'kill $spinners 2>/dev/null' EXIT
"$BSTAP" -e 'global s, t, u, stop, n, vs, vt, cnt, cl
probe timer.profile {
	if (stop)
		next
	k = n++
	s <<< cpu() * 1000 + k % 97
	t[k % 2] <<< k % 13 - 6
	u <<< k
}
probe timer.ms(1500) {
	if (pid() < 0)
		println("pid() < 0")
	if (!stop) {
		stop = 1
		next
	}
	vs = @variance(s, 3); vt = @variance(t[0]) + @variance(t[1]); cnt = @count(s)
	cl = @count(u) > 50
	delete u
	cl = cl && @count(u) == 0
	exit()
}
probe end {
	printf("s=%d t=%d cpus=%d u=%d\n", vs == @variance(s, 3), vt == @variance(t[0]) + @variance(t[1]),
	       cnt == @count(s) && cnt > 50, cl && @count(u) == 0)
	if (0) print(@hist_log(u))
}' >out 2>err || { cat err; fail "status $?"; }
expect_file_eq "variance" out "s=1 t=1 cpus=1 u=1"
exit 0
