# A script in the style of SystemTap's iotop.stp: bytes read and written per process from
# vfs.read.return and vfs.write.return, the top 10 every 5 seconds and at the end, run
# unchanged (here on the system calls' tracepoints, without kprobes). Filtered to sysload,
# which writes 100 bytes to /dev/null and reads 8 + 8 bytes of a file.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
printf "0123456789" >ten
cat >iotop.stp <<'STP'
#! /usr/bin/env stap
global reads, writes, total_io

probe vfs.read.return {
	if (pid() != target() || execname() != "sysload") next
	if (bytes_read > 0) {
		reads[execname()] += bytes_read
		total_io[execname()] += bytes_read
	}
}

probe vfs.write.return {
	if (pid() != target() || execname() != "sysload") next
	if (bytes_written > 0) {
		writes[execname()] += bytes_written
		total_io[execname()] += bytes_written
	}
}

function report() {
	printf("%16s\t%10s\t%10s\n", "Process", "Bytes Read", "Bytes Written")
	foreach (name in total_io- limit 10)
		printf("%16s\t%10d\t%10d\n", name, reads[name], writes[name])
	delete reads
	delete writes
	delete total_io
	print("\n")
}

probe timer.s(5) { report() }
probe end { report() }
STP
"$BSTAP" -c "$SYSLOAD --write 100 --read $SCRATCH/ten 8" iotop.stp >out 2>err || { rc=$?; cat err; fail "status $rc"; }
printf '%16s\t%10s\t%10s\n%16s\t%10d\t%10d\n\n' Process 'Bytes Read' 'Bytes Written' sysload 16 100 >want
diff -u want out || fail "iotop output differs"
exit 0
