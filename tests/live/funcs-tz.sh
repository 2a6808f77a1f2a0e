# tz_ctime(t): ctime(t - tz_gmtoff) . " " . tz_name, as stap's tzinfo.stp, with the time zone (TZ)
# the script is compiled in; the same in begin (userspace) and in a timer (BPF).
. "$LIVE_DIR/../lib.sh"
[ -e /usr/share/zoneinfo/Asia/Kolkata ] || skip "no tzdata (/usr/share/zoneinfo/Asia/Kolkata)"
for place in 'begin' 'timer.ms(1)'; do
	for tz in UTC Asia/Kolkata; do
		TZ=$tz "$BSTAP" -e "probe $place { if (pid() < 0) next; println(tz_ctime(0), \"|\", tz_ctime(1700000000)); exit() }" \
			>>out 2>err || { rc=$?; cat err; fail "status $rc"; }
	done
done
expect_file_eq "tz_ctime output" out "Thu Jan  1 00:00:00 1970 UTC|Tue Nov 14 22:13:20 2023 UTC
Thu Jan  1 05:30:00 1970 IST|Wed Nov 15 03:43:20 2023 IST
Thu Jan  1 00:00:00 1970 UTC|Tue Nov 14 22:13:20 2023 UTC
Thu Jan  1 05:30:00 1970 IST|Wed Nov 15 03:43:20 2023 IST"
exit 0
