# 150 timer probes on distinct periods need more file descriptors than a soft limit of 64 allows
# (programs, perf events, links, maps): bstap raises its soft limit to the hard one and runs.
# TIMEOUT: 120
. "$LIVE_DIR/../lib.sh"
{
	echo 'global n'
	i=1
	while [ $i -le 150 ]; do echo "probe timer.ms($((i + 1))) { n++ }"; i=$((i + 1)); done
	echo 'probe timer.ms(300) { exit() }'
	printf '%s\n' 'probe end { printf("fired %d\n", n > 150) }'
} >many.stp
[ "$(ulimit -H -n)" = unlimited ] || [ "$(ulimit -H -n)" -gt 1024 ] ||
	skip "the hard limit on open files is $(ulimit -H -n): too low to show anything"
(ulimit -S -n 64 && exec "$BSTAP" many.stp) >out 2>err
rc=$?
[ $rc = 0 ] || { cat err; fail "status $rc"; }
expect_file_eq "150 probes under a soft limit of 64 files" out "fired 1"
exit 0
