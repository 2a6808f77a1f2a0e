# --kernel-btf FILE: -p4 for a kernel described by FILE. The object is CO-RE, so it still runs
# here; a file that is not BTF, or lacks the kernel types the runtime reads, is an error.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
[ -r /sys/kernel/btf/vmlinux ] || skip "no /sys/kernel/btf/vmlinux to use as the other kernel's BTF"
cp /sys/kernel/btf/vmlinux other.btf
obj=$("$BSTAP" --cache-dir "$SCRATCH/cache" -p4 --kernel-btf other.btf "$LIVE_DIR/../examples/begin-end.stp" 2>err) ||
	{ cat err; fail "-p4 --kernel-btf failed"; }
"${BSTAP%/bstap}/bstap-run" "$obj" >out 2>err || { cat err; fail "the object did not run"; }
expect_file_eq "output" out "$(cat "$LIVE_DIR/../examples/begin-end.expected")"
echo 'not btf' >bad.btf
"$BSTAP" --cache-dir "$SCRATCH/cache" -p4 --kernel-btf bad.btf -e 'probe begin { exit() }' >out 2>err &&
	fail "a file that is not BTF was accepted"
expect_grep "bad BTF message" err '^bstap: error: --kernel-btf bad\.btf: '
"$BSTAP" --cache-dir "$SCRATCH/cache" -p4 --kernel-btf missing.btf -e 'probe begin { exit() }' >out 2>err &&
	fail "a missing file was accepted"
expect_grep "missing BTF message" err 'no such file'
exit 0
