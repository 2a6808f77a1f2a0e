# Every alias of the packaged libraries at once (those that need kprobes dropped by `?`): the
# BPF verifier accepts every prologue, they all attach, and on sysload's workload each family
# fires (system-wide, so only "fired" is checked here; the alias-* tests check exact values).
# TIMEOUT: 180
. "$LIVE_DIR/../lib.sh"
need_sysload
cat >s.stp <<'STP'
global n
probe scheduler.*?, kprocess.*?, signal.*?, signal.*.return?, vfs.*?, vfs.*.return?,
	ioblock.*?, ioblock_trace.*?, netdev.*?, tcp.*?, tcp.*.return?, udp.*?, udp.*.return?,
	vm.*?, irq_handler.*?, softirq.*?
{
	n[pp() == "" ? "?" : name]++
}
probe end {
	foreach (k in n+)
		if (k == "ctxswitch" || k == "process_fork" || k == "execve" || k == "send_signal" ||
		    k == "deliver_signal" || k == "open" || k == "write" || k == "udp.sendmsg" ||
		    k == "tcp.recvmsg" || k == "netdev.transmit" || k == "mmap" || k == "pagefault" ||
		    k == "kmalloc" || k == "kill")
			printf("%s fired\n", k)
}
STP
"$BSTAP" -c "$SYSLOAD --delay 0 --fork-exec --mmap 65536 --udp 100 --tcp 100 --kill-child 9 --write 10" s.stp >out 2>err || { rc=$?; cat err; fail "status $rc"; }
sort out >sorted
expect_file_eq "every alias" sorted "ctxswitch fired
deliver_signal fired
execve fired
kill fired
kmalloc fired
mmap fired
netdev.transmit fired
open fired
pagefault fired
process_fork fired
send_signal fired
tcp.recvmsg fired
udp.sendmsg fired
write fired"
exit 0
