# aliases/vfs.stp (on the system calls' tracepoints here, without kprobes; file from the task's
# descriptor table) on sysload's openat
# of an existing and of a missing file, its write of 100 bytes to /dev/null and its read and pread64 of 8 bytes
# of a 10-byte file; only what
# follows its own open of /dev/null is shown.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
cat >s.stp <<'STP'
global on
probe vfs.open { if (pid() == target() && pathname == "/dev/null") on = 1 }
probe vfs.read { if (on && pid() == target()) printf("%s fd=%d pos=%d n=%d file=%d dev=%d %s ino=%d %s\n", name, fd, pos, bytes_to_read, file != 0, dev, devname, ino, fullpath_struct_file(task_current(), file)) }
probe vfs.read.return { if (on && pid() == target()) printf("%s.return %d %d %d %s\n", name, retval, bytes_read, error, error_str) }
probe vfs.write { if (on && pid() == target()) printf("%s fd=%d pos=%d n=%d buf=%d\n", name, fd, pos, bytes_to_write, buf != 0) }
probe vfs.write.return { if (on && pid() == target()) printf("%s.return %d %d %d %s\n", name, retval, bytes_written, error, error_str) }
probe vfs.open { if (on && pid() == target()) printf("%s %s flags=%#x mode=%#o dfd=%d\n", name, pathname, flags, mode, dfd) }
probe vfs.open.return { if (on && pid() == target()) printf("%s.return %d %d %s\n", name, retval >= 3, error, error_str) }
STP
printf "0123456789" >ten
# the file the descriptor names: its super block's device (kernel encoding: major << 20 | minor),
# inode number and path
set -- $(stat -c '%i %Hd %Ld' ten)
ino=$1 dev=$(($2 << 20 | $3)) path=$(realpath ten)
"$BSTAP" -c "$SYSLOAD --openat /etc/passwd 1 --openat /nonexistent/x 1 --write 100 --read $SCRATCH/ten 8" s.stp >out 2>err || { rc=$?; cat err; fail "status $rc"; }
# sysload opens with O_RDONLY|O_CLOEXEC (0x80000), and /dev/null with O_WRONLY too
expect_file_eq "vfs aliases" out "open /dev/null flags=0x80001 mode=00 dfd=-100
open.return 1 0 
open /etc/passwd flags=0x80000 mode=00 dfd=-100
open.return 1 0 
open /nonexistent/x flags=0x80000 mode=00 dfd=-100
open.return 0 -2 ENOENT
write fd=3 pos=-1 n=100 buf=1
write.return 100 100 0 
open $SCRATCH/ten flags=0x80000 mode=00 dfd=-100
open.return 1 0 
read fd=4 pos=-1 n=8 file=1 dev=$dev N/A ino=$ino $path
read.return 8 8 0 
read fd=4 pos=1 n=8 file=1 dev=$dev N/A ino=$ino $path
read.return 8 8 0 "
# vfs.read on the kernel function where it can be probed: -p2 shows the fallback chosen here
"$BSTAP" -p2 -e 'probe vfs.read { n++ } global n' >p2 2>p2err || { cat p2err; fail "vfs.read -p2"; }
expect_grep "read fallback" p2 '^kernel.trace\("syscalls:sys_enter_read"\) /\* <- __vfs_read_sys_read = .* <- vfs.read = __vfs_read_kp!, '
exit 0
