# syscall.NAME and .return from the alias library: name, argstr (strings quoted, open flags and
# modes, mmap protections and flags, signal names, clone flags, AT_FDCWD) and retstr
# ("-2 (ENOENT)") exactly as stap prints them, for syswork's known calls; per-argument
# variables with stap's names; nd_syscall.* the same events.
# TIMEOUT: 90
. "$LIVE_DIR/../lib.sh"
need_syswork
cat >s.stp <<'STP'
probe syscall.openat, syscall.read, syscall.write, syscall.mmap, syscall.kill, syscall.clone,
      syscall.exit_group, syscall.close
{
	if (pid() == target() && execname() == "syswork")
		printf("%s(%s)\n", name, str_replace(argstr, sprint(pid()), "PID"))
}
probe syscall.openat.return, syscall.read.return, syscall.write.return, syscall.kill.return,
      syscall.clone.return, syscall.mmap.return, syscall.close.return
{
	if (pid() != target() || execname() != "syswork")
		next
	r = retstr
	if (name == "clone" && retval > 0) r = "CHILD"
	if (name == "mmap" && retval > 0) r = "ADDR"
	printf("%s = %s\n", name, r)
}
probe syscall.openat {
	if (pid() == target() && execname() == "syswork")
		printf("vars: dfd=%d filename=%s flags=%#x mode=%#o\n", dfd, filename, flags, mode)
}
probe syscall.write {
	if (pid() == target() && execname() == "syswork")
		printf("vars: fd=%d count=%d buf_str=%s\n", fd, count, buf_str)
}
probe nd_syscall.kill {
	if (pid() == target() && execname() == "syswork")
		printf("nd: %s %d %s\n", name, sig, sig_str)
}
STP
"$BSTAP" -c "$SYSWORK --dir $SCRATCH" s.stp >out 2>err || { cat err; fail "bstap failed"; }
sed -e "s|$SCRATCH|DIR|" -e "s|^read(3, 0x[0-9a-f][0-9a-f]*, |read(3, ADDRESS, |" out >got
expect_file_eq "syscall trace" got 'openat(AT_FDCWD, "/dev/null", O_RDWR|O_CLOEXEC)
vars: dfd=-100 filename="/dev/null" flags=0x80002 mode=00
openat = 3
openat(AT_FDCWD, "/nonexistent/bstap", O_RDONLY)
vars: dfd=-100 filename="/nonexistent/bstap" flags=0x0 mode=00
openat = -2 (ENOENT)
openat(AT_FDCWD, "DIR/syswork.out", O_WRONLY|O_CREAT|O_TRUNC, 0640)
vars: dfd=-100 filename="DIR/syswork.out" flags=0x241 mode=0640
openat = 4
close(4)
close = 0
read(3, ADDRESS, 16)
read = 0
write(3, "hello\n", 6)
vars: fd=3 count=6 buf_str="hello\n"
write = 6
mmap(0x0, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
mmap = ADDR
kill(PID, SIGCHLD)
nd: kill 17 SIGCHLD
kill = 0
clone(SIGCHLD, 0x0, 0x0, 0x0, 0x0)
clone = CHILD
exit_group(3)'
