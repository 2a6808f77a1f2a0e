# timer.profile handlers run at the same moment on every CPU; updates of one shared global
# (n++, m += 3, m -= 1, an array element) must not be lost: each must equal the sum of the
# per-CPU counts.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
ncpu=$(getconf _NPROCESSORS_ONLN)
spinners=""
for c in $(seq 0 $((ncpu - 1))); do
	timeout 30 sh -c 'while :; do :; done' & spinners="$spinners $!"
done
trap 'kill $spinners 2>/dev/null' EXIT
"$BSTAP" -T 2 -e 'global n, m, a, c
probe timer.profile { n++; m += 3; m -= 1; a["shared"]++; c[cpu()]++ }
probe end {
	total = 0
	foreach (k in c) total += c[k]
	printf("n=%d m=%d a=%d total=%d\n", n == total, m == 2 * total, a["shared"] == total, total > 100)
}' >out 2>err || { cat err; fail "status $?"; }
expect_file_eq "shared counters" out "n=1 m=1 a=1 total=1"
exit 0
