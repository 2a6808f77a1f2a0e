# timer.profile fires on every online CPU: collect cpu() into an array for 1 s and count the
# distinct CPUs; each should have well over 25 samples at HZ=250.
# TIMEOUT: 30
. "$LIVE_DIR/../lib.sh"
ncpu=$(getconf _NPROCESSORS_ONLN)
"$BSTAP" -T 1 -e 'global c
probe timer.profile { c[cpu()]++ }
probe end {
	n = 0; low = 0; total = 0
	foreach (k in c) { n++; total += c[k]; if (c[k] < 25) low++ }
	printf("cpus=%d low=%d total=%d\n", n, low, total)
}' >out 2>err || { cat err; fail "bstap exited with $?"; }
expect_grep "output" out '^cpus=[0-9]+ low=[0-9]+ total=[0-9]+$'
line=$(grep '^cpus=' out)
cpus=${line#cpus=}; cpus=${cpus%% *}
low=${line#*low=}; low=${low%% *}
expect_eq "distinct CPUs seen by timer.profile" "$cpus" "$ncpu"
expect_eq "CPUs with fewer than 25 samples in 1 s" "$low" 0
