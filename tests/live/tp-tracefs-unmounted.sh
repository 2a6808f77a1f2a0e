# A machine where tracefs is not mounted: bstap mounts it at /sys/kernel/tracing, both to read
# the events (pass 2) and for libbpf to find a tracepoint's id (pass 5). Run in a private mount
# namespace where it has been unmounted, so that the host's mount is untouched.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
command -v unshare >/dev/null 2>&1 || skip "no unshare(1) to make a private mount namespace"
cat >t.stp <<'STP'
probe kernel.trace("sched:sched_process_exec") { if (pid() == target()) println($filename) }
STP
unshare -m sh -c '
	umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug/tracing 2>/dev/null
	[ -e /sys/kernel/tracing/events ] && { echo "still mounted"; exit 3; }
	"$1" --no-cache -c /bin/true t.stp' sh "$BSTAP" >out 2>err
rc=$?
[ $rc = 3 ] && skip "tracefs could not be unmounted in a private mount namespace"
[ $rc = 0 ] || { cat err; fail "status $rc"; }
# -c runs the command as /bin/sh -c "exec CMD": two execs in the target
expect_file_eq "the execs seen" out "/bin/sh
/bin/true"
exit 0
