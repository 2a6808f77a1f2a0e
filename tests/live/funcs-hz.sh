# HZ() is the target kernel's compile-time CONFIG_HZ, read from its configuration when the
# script is compiled (here --kernel-config), the same in begin (userspace) and a timer (BPF).
. "$LIVE_DIR/../lib.sh"
for hz in 1000 300; do
	printf 'CONFIG_BPF=y\nCONFIG_HZ=%s\n' $hz >k.config
	for place in 'begin' 'timer.ms(1)'; do
		"$BSTAP" --kernel-config k.config -e "function per_tick() { return 1000 / HZ() } probe $place { if (pid() < 0) next; println(HZ(), \" \", per_tick()); exit() }" \
			>>out 2>err || { rc=$?; cat err; fail "status $rc"; }
	done
done
expect_file_eq "HZ() output" out "1000 1
1000 1
300 3
300 3"
exit 0
