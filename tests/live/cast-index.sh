# ptr[i] of a kernel pointer to pointers or integers (stap reads *(ptr + i)): a @cast member
# indexed with an expression or a number. The -c command holds /etc/hostname open on fd 7 and
# reads /etc/passwd on another; the task's fd table gives both files by index, and the bitmap
# of open descriptors (unsigned long *) has bit 7 set. An index far outside is a read fault.
. "$LIVE_DIR/../lib.sh"
cat >t.stp <<'STP'
probe kernel.trace("syscalls:sys_enter_read") {
	if (pid() != target() || execname() != "cat") next
	fdt = @cast(task_current(), "task_struct")->files->fdt
	f = @cast(fdt, "fdtable")->fd[$fd]
	if (fullpath_struct_file(task_current(), f) != "/etc/passwd") next	# ld.so's reads first
	printf("%s %s\n", fullpath_struct_file(task_current(), f),
		fullpath_struct_file(task_current(), @cast(fdt, "fdtable")->fd[7]))
	printf("bit 7: %d\n", (@cast(fdt, "fdtable")->open_fds[0] >> 7) & 1)
	try { println(@cast(fdt, "fdtable")->fd[-100000000000]) } catch (e) { println(substr(e, 0, 22)) }
	exit()
}
probe timer.s(10) { println("no read of /etc/passwd seen"); exit() }
STP
"$BSTAP" -c "sh -c 'exec 7</etc/hostname; exec cat /etc/passwd >/dev/null'" t.stp >out 2>err ||
	{ cat err; fail "status $?"; }
expect_file_eq "elements by index" out "/etc/passwd /etc/hostname
bit 7: 1
kernel long copy fault"
exit 0
