# Reading a string at a bad address in a tracepoint handler without a default is a runtime
# error, as in SystemTap: "ERROR: ..." on stderr, the error probe runs, the end probe does not,
# exit status 1 (and the -c command is stopped). With a default, the default comes back.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
for fn in 'user_string(0)' 'kernel_string(0)' 'user_string_n(0, 4)' 'kernel_string_n(0, 4)' \
	'kernel_string($filename)'; do
	name=${fn%%(*}
	cat >s.stp <<STP
probe kernel.trace("syscalls:sys_enter_openat") {
	if (pid() == target() && execname() == "sysload") println($fn)
}
probe error { println("error probe") }
probe end { println("end probe") }
STP
	t0=$(date +%s)
	"$BSTAP" -c "$SYSLOAD --openat /dev/null 1 --sleep 10000" s.stp >out 2>err
	rc=$?
	[ $(($(date +%s) - t0)) -lt 8 ] || fail "$fn: the session did not end (and stop the command) at the error"
	expect_eq "$fn: status" $rc 1
	expect_grep "$fn: error" err '^ERROR: '
	grep -q "$name" err || { cat err; fail "$fn: the error does not name $name"; }
	expect_file_eq "$fn: output" out "error probe"
done
# with a default: no error
cat >s.stp <<'STP'
probe kernel.trace("syscalls:sys_enter_openat") {
	if (pid() == target() && execname() == "sysload")
		printf("[%s] [%s] [%s]\n", user_string(0, "u"), kernel_string(0, "k"), kernel_string($filename, "user pointer"))
}
STP
"$BSTAP" -c "$SYSLOAD --openat /dev/null 1" s.stp >out 2>err || { rc=$?; cat err; fail "defaults: status $rc"; }
expect_file_eq "defaults" out "[u] [k] [user pointer]"
exit 0
