# kernel.trace("syscalls:sys_enter_openat") / sys_exit_openat on a known load: sysload opens a
# missing file 7 times and /dev/null 3 times (O_RDONLY|O_CLOEXEC, AT_FDCWD). The counts, the
# pointer $filename read with user_string/user_string_n, $flags, $dfd (-100), $mode and $ret
# (-2, ENOENT, for the missing file) must be exact; a user pointer is no kernel string
# (kernel_string with a default returns the default), and user_string(0, "dflt") is "dflt".
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
missing=$SCRATCH/no-such-file
cat >s.stp <<'STP'
global n, flags_ok, dfd_ok, mode_ok, prefix_ok, kstr_bad, n2, other, rets, okrets
probe kernel.trace("syscalls:sys_enter_openat") {
	if (pid() != target() || execname() != "sysload") next
	f = user_string($filename)
	if (f == @1) {
		n++
		if ($flags == 0x80000) flags_ok++
		if ($dfd == -100) dfd_ok++
		if ($mode == 0) mode_ok++
		if (user_string_n($filename, 5) == @2) prefix_ok++
		if (kernel_string($filename, "<bad>") == "<bad>") kstr_bad++
		if (n == 1) printf("dflt %s\n", user_string(0, "dflt"))
	} else if (f == "/dev/null") {
		n2++
	} else {
		other++
		printf("other open: %s\n", f)
	}
}
probe kernel.trace("syscalls:sys_exit_openat") {
	if (pid() != target() || execname() != "sysload") next
	if ($ret < 0) rets[$ret]++
	else okrets++
}
probe end {
	printf("enter %d flags %d dfd %d mode %d prefix %d kstr %d devnull %d other %d\n",
	       n, flags_ok, dfd_ok, mode_ok, prefix_ok, kstr_bad, n2, other)
	foreach (r+ in rets)
		printf("ret %d x%d\n", r, rets[r])
	printf("ret >= 0 x%d\n", okrets)
}
STP
"$BSTAP" -c "$SYSLOAD --openat $missing 7 --openat /dev/null 3" s.stp "$missing" "$(printf %.5s "$missing")" >out 2>err ||
	{ rc=$?; cat err; fail "status $rc"; }
expect_file_eq "openat output" out "dflt dflt
enter 7 flags 7 dfd 7 mode 7 prefix 7 kstr 7 devnull 3 other 0
ret -2 x7
ret >= 0 x3"
exit 0
