# The dentry functions (SystemTap's dentry.stp) in a kernel probe, on the -c command's own
# task after its exec (raw_syscalls:sys_enter): its cwd (fs->pwd) under a tmpfs mounted on
# /dev/shm, itself on /dev's devtmpfs (two mount crossings to the root), and its open files
# (fd 0 a pipe, 3 a file in that directory, 4 /dev/null, 5 a namespace), read from
# task->files->fdt->fd[N]; tail -f's inotify descriptor (an anonymous inode). Then a path longer than a string (cut at MAXSTRINGLEN - 1 bytes, as
# stap's sprintf cuts it) and deeper than the walk's ring, "<unknown>" for a vfsmount that
# cannot be one and for a dentry outside the given mount, and kernel read faults at the call.
. "$LIVE_DIR/../lib.sh"
[ -d /dev/shm ] && [ -w /dev/shm ] || skip "no writable /dev/shm"
d=$(mktemp -d /dev/shm/bstap-dentry.XXXXXX) || skip "cannot make a directory in /dev/shm"
trap 'rm -rf "$d"' EXIT
mkdir -p "$d/sub/dir" && echo hi >"$d/file.txt"
cat >t.stp <<'STP'
probe kernel.trace("raw_syscalls:sys_enter") {
	if (pid() != target() || execname() != "sleep") next
	t = task_current()
	fs = @cast(t, "task_struct")->fs
	pwd_d = @cast(t, "task_struct")->fs->pwd->dentry
	pwd_m = @cast(t, "task_struct")->fs->pwd->mnt
	println("cwd ", task_dentry_path(t, pwd_d, pwd_m))
	# the address of fs->pwd, a struct path: found by its two pointers (no &@cast(...) yet)
	for (o = 0; o < 256; o += 8)
		if (kernel_pointer(fs + o) == pwd_m && kernel_pointer(fs + o + 8) == pwd_d)
			break
	println("path ", fullpath_struct_path(fs + o))
	println("d_path ", d_path(fs + o))	# a nameidata begins with its struct path
	println("d_name ", d_name(pwd_d))
	println("walk ", reverse_path_walk(pwd_d))
	ino = @cast(pwd_d, "dentry")->d_inode
	println("inode_name ", inode_name(ino))
	println("inode_path ", inode_path(ino))
	fd = @cast(t, "task_struct")->files->fdt->fd
	for (i = 0; i <= 5; i++)
		if (i == 0 || i > 2)
			println("fd", i, " ", fullpath_struct_file(t, kernel_pointer(fd + i * 8)))
	f3 = kernel_pointer(fd + 3 * 8)
	m3 = @cast(f3, "file")->f_path->mnt
	println("file d_name ", d_name(@cast(f3, "file")->f_path->dentry), " walk ",
		reverse_path_walk(@cast(f3, "file")->f_path->dentry))
	println("real_mount ", real_mount(m3) < m3 && m3 - real_mount(m3) < 256, " ", real_mount(8))
	f4 = kernel_pointer(fd + 4 * 8)
	println("unknown ", task_dentry_path(t, pwd_d, 1), " ",
		task_dentry_path(t, @cast(f4, "file")->f_path->dentry, pwd_m))
	exit()
}
STP
ns=$(stat -L -c %i /proc/self/ns/mnt)
: | "$BSTAP" -c "sh -c 'cd $d/sub/dir && exec 3<$d/file.txt 4</dev/null 5</proc/self/ns/mnt && exec sleep 0.2'" t.stp >out 2>err ||
	{ cat err; fail "status $?"; }
sed -i 's/^fd0 pipe:\[[0-9][0-9]*\]$/fd0 pipe:[N]/' out
b=${d#/dev/shm/}
expect_file_eq "paths" out "cwd $d/sub/dir
path $d/sub/dir
d_path $d/sub/dir/
d_name dir
walk $b/sub/dir
inode_name $b/sub/dir
inode_path $d/sub/dir
fd0 pipe:[N]
fd3 $d/file.txt
fd4 /dev/null
fd5 mnt:[$ns]
file d_name file.txt walk $b/file.txt
real_mount 1 0
unknown <unknown> <unknown>"

# an anonymous inode: tail -f's inotify descriptor, at its inotify_add_watch(); and a script
# function that calls one (in the kernel: the probe calls it)
command -v tail >/dev/null && command -v timeout >/dev/null || skip "no tail or timeout"
cat >anon.stp <<'STP'
global paths
function fdpath(t, fds, n) { return fullpath_struct_file(t, kernel_pointer(fds + n * 8)) }
probe kernel.trace("syscalls:sys_enter_inotify_add_watch") {
	if (ppid() != target() || execname() != "tail") next
	t = task_current()
	fds = @cast(t, "task_struct")->files->fdt->fd
	paths[fdpath(t, fds, $fd)]++
	println(fdpath(t, fds, $fd), " ", fdpath(t, fds, 1), " ", strlen(fdpath(t, fds, 1)))
	exit()
}
probe end { foreach (p in paths) println("end ", p, " ", paths[p]) }
STP
"$BSTAP" -c "sh -c 'exec timeout 1 tail -f $d/file.txt >/dev/null'" anon.stp >anon 2>err ||
	{ cat err; fail "anon status $?"; }
expect_file_eq "an anonymous inode" anon "ANON_INODE:inotify /dev/null 9
end ANON_INODE:inotify 1"

# a cwd 300 levels deep whose path is longer than a string: its first MAXSTRINGLEN - 1 bytes
# (511 by default; 127 with -D MAXSTRINGLEN=128)
deep=$d/long-name-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/$(i=0; while [ $i -lt 300 ]; do printf 'b/'; i=$((i + 1)); done)
mkdir -p "$deep" || fail "mkdir $deep"
cat >deep.stp <<'STP'
probe kernel.trace("raw_syscalls:sys_enter") {
	if (pid() != target() || execname() != "sleep") next
	t = task_current()
	d = @cast(t, "task_struct")->fs->pwd->dentry
	m = @cast(t, "task_struct")->fs->pwd->mnt
	println(task_dentry_path(t, d, m))
	println(reverse_path_walk(d))
	fs = @cast(t, "task_struct")->fs
	for (o = 0; o < 256; o += 8)
		if (kernel_pointer(fs + o) == m && kernel_pointer(fs + o + 8) == d)
			break
	println(strlen(d_path(fs + o)))	# no room left for its "/"
	exit()
}
STP
full=${deep%/}
for size in 512 128; do
	"$BSTAP" -D MAXSTRINGLEN=$size -c "sh -c 'cd $deep && exec sleep 0.2'" deep.stp >deep 2>err ||
		{ cat err; fail "deep status $?"; }
	want1=$(printf '%s' "$full" | cut -c1-$((size - 1)))
	want2=$(printf '%s' "${full#/dev/shm/}" | cut -c1-$((size - 1)))
	expect_file_eq "a long path, MAXSTRINGLEN $size" deep "$want1
$want2
$((size - 1))"
done

# bad pointers: a kernel read fault at the call, as stap's kread(); in a timer probe, which
# the dentry functions place in the kernel
run() { "$BSTAP" "$@" >out 2>err; rc=$?; }
run -e 'probe timer.ms(10) { println(d_name(0)); exit() }'
expect_eq "d_name status" $rc 1
expect_grep "d_name fault" err "^ERROR: kernel read fault at 0x[0-9a-f]{16} \[man error::fault\] near identifier 'd_name' at <input>:1:30\$"
[ -s out ] && fail "printed on stdout"
run -e 'probe timer.ms(10) { println(fullpath_struct_file(task_current(), 16)); exit() }'
expect_eq "file status" $rc 1
expect_grep "file fault" err "^ERROR: kernel read fault at 0x[0-9a-f]{16} \[man error::fault\] near identifier 'fullpath_struct_file' at <input>:1:30\$"
run -e 'probe timer.ms(10) { println(inode_path(0)); exit() }'
expect_eq "inode status" $rc 1
expect_grep "inode fault" err "^ERROR: kernel read fault at 0x[0-9a-f]{16} \[man error::fault\] near identifier 'inode_path' at <input>:1:30\$"
# try/catch catches it; reverse_path_walk() reads d_parent first (at 0x18 in 6.x's struct dentry)
run -e 'probe timer.ms(10) { try { println(reverse_path_walk(8)) } catch (e) { println("caught: ", e) } exit() }'
expect_eq "try status" $rc 0
expect_file_eq "caught" out "caught: kernel read fault at 0x$(printf %016x $((8 + 0x18))) [man error::fault]"
exit 0
