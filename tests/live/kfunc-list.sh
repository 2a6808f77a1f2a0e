# -l and -L list kernel functions from the kernel's BTF (FUNC records), kprobes or not: the
# wildcard lists each function once, sorted; -L adds $param:type from the BTF prototype.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
[ -r /sys/kernel/btf/vmlinux ] || skip "no /sys/kernel/btf/vmlinux"
command -v bpftool >/dev/null || skip "bpftool is not installed (make deps)"
run() { "$BSTAP" "$@" >out 2>err; rc=$?; }

run -l 'kernel.function("vfs_read")'
expect_eq "-l status" $rc 0
expect_file_eq "-l one" out 'kernel.function("vfs_read")'

run -L 'kernel.function("vfs_read")'
expect_file_eq "-L one" out 'kernel.function("vfs_read") $file:struct file* $buf:char* $count:size_t $pos:loff_t*'
run -L 'kernel.function("vfs_read").return'
expect_file_eq "-L return" out 'kernel.function("vfs_read").return $file:struct file* $buf:char* $count:size_t $pos:loff_t* $return:ssize_t'

# the wildcard: exactly the BTF's FUNC names, once each
run -l 'kernel.function("vfs_*")'
expect_eq "-l wildcard status" $rc 0
bpftool btf dump file /sys/kernel/btf/vmlinux | sed -n "s/^\[[0-9]*\] FUNC '\(vfs_[^']*\)'.*/kernel.function(\"\1\")/p" |
	LC_ALL=C sort -u >want
LC_ALL=C sort -c out || fail "-l wildcard: not sorted"
[ "$(wc -l <want)" -gt 20 ] || fail "bpftool found only $(wc -l <want) vfs_ functions"
diff -u want out || fail "-l wildcard differs from the BTF's FUNC records"

run -l 'kprobe.function("vfs_rea?").return'
expect_file_eq "-l kprobe return" out 'kprobe.function("vfs_read").return'
run -l 'kernel.function("no_such_function_xyz")'
expect_eq "-l nothing status" $rc 1
[ -s out ] && fail "-l nothing printed something"
exit 0
