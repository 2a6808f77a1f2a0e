# user_string_quoted and friends on real user memory, in a tracepoint probe (BPF): a file name
# with a quote, a tab and a UTF-8 letter is quoted as stap's string_quoted does; a NULL address
# gives "0x0"; user_string_n_quoted cuts at n input bytes and at outlen output bytes with "...;
# a user address is no kernel string (kernel_string_quoted gives the address);
# user_buffer_quoted reads exactly inlen bytes (a NUL is \\0, as stap); return_str and errno_str name the failed open.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
name=$(printf 'q"t\t\303\251')
missing=$SCRATCH/$name
cat >s.stp <<'STP'
global done
probe kernel.trace("syscalls:sys_enter_openat") {
	if (pid() != target() || execname() != "sysload" || done++) next
	println(user_string_quoted($filename))
	println(user_string_quoted(0), " ", user_string_n_quoted(0, 3), " ", user_buffer_quoted(0, 3, 20))
	println(user_string_n_quoted($filename, 4), " ", user_string_n_quoted($filename, 200, 12))
	println(user_buffer_quoted($filename, 4, 20), " ", user_buffer_quoted($filename, 4, 5))
	println(substr(text_str(user_string($filename)), strlen(@1), 100))
	println(user_buffer_quoted($filename + strlen(user_string($filename)) - 2, 3, 20))
	println(kernel_string_quoted($filename) == sprintf("0x%x", $filename), " ", kernel_string_quoted(0), " ",
		kernel_buffer_quoted($filename, 3) == sprintf("0x%x", $filename), " ", kernel_buffer_quoted($filename, 3, 2))
}
probe kernel.trace("syscalls:sys_exit_openat") {
	if (pid() != target() || execname() != "sysload" || done != 1) next
	done++
	println(return_str(1, $ret), " ", errno_str($ret), " ", return_str(2, $ret + 100))
}
STP
"$BSTAP" -c "$SYSLOAD --openat '$missing' 1" s.stp "$SCRATCH" >out 2>err ||
	{ rc=$?; cat err; fail "status $rc"; }
p4=$(printf %.4s "$SCRATCH")
p7=$(printf %.7s "$SCRATCH")
expect_file_eq "quoted output" out "\"$SCRATCH/q\\\"t\\t\\u00E9\"
0x0 0x0 0x0
\"$p4\" \"$p7\"...
\"$p4\" \"\"...
/q\\\"t\\t\\u00E9
\"\\u00E9\\0\"
1 0x0 1 0
-2 (ENOENT) ENOENT 0x62"
exit 0
