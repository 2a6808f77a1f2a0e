# A script in the style of SystemTap's nettop.stp: packets and kilobytes sent and received per
# process and device, from netdev.transmit and netdev.receive, reported every 5 s and at the
# end; run unchanged but for the target() filter. sysload sends 3 UDP datagrams of 2000 bytes
# to itself over lo: 3 packets each way (lo's MTU is 65536): 3 x 2042 bytes sent with the headers, 3 x 2028
# received, both 5 KB in whole kilobytes.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
cat >nettop.stp <<'STP'
#! /usr/bin/env stap
global ifxmit, ifrecv, ifdevs

probe netdev.transmit {
	if (pid() != target()) next
	ifxmit[pid(), dev_name, execname(), uid()] <<< length
}

probe netdev.receive {
	if (pid() != target()) next
	ifrecv[pid(), dev_name, execname(), uid()] <<< length
}

function print_activity() {
	printf("%5s %5s %-7s %7s %7s %7s %7s %-15s\n", "PID", "UID", "DEV", "XMIT_PK", "RECV_PK",
	       "XMIT_KB", "RECV_KB", "COMMAND")
	foreach ([pid, dev, exec, uid] in ifrecv)
		ifdevs[pid, dev, exec, uid] = 1
	foreach ([pid, dev, exec, uid] in ifxmit)
		ifdevs[pid, dev, exec, uid] = 1
	foreach ([pid, dev, exec, uid] in ifdevs-) {
		n_xmit = @count(ifxmit[pid, dev, exec, uid])
		n_recv = @count(ifrecv[pid, dev, exec, uid])
		printf("%5d %5d %-7s %7d %7d %7d %7d %-15s\n", pid, uid, dev, n_xmit, n_recv,
		       n_xmit ? @sum(ifxmit[pid, dev, exec, uid]) / 1024 : 0,
		       n_recv ? @sum(ifrecv[pid, dev, exec, uid]) / 1024 : 0, exec)
	}
	print("\n")
	delete ifxmit
	delete ifrecv
	delete ifdevs
}

probe timer.ms(5000), end {
	print_activity()
}
STP
"$BSTAP" -c "$SYSLOAD --delay 0 --udp 2000 --udp 2000 --udp 2000" nettop.stp >out 2>err || { rc=$?; cat err; fail "status $rc"; }
pid=$(awk 'NR == 2 { print $1 }' out)
printf '%5s %5s %-7s %7s %7s %7s %7s %-15s\n%5d %5d %-7s %7d %7d %7d %7d %-15s\n\n' PID UID DEV XMIT_PK RECV_PK XMIT_KB RECV_KB COMMAND \
	"$pid" "$(id -u)" lo 3 3 5 5 sysload >want
diff -u want out || fail "nettop output differs"
exit 0
