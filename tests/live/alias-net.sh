# aliases/udp.stp, tcp.stp and netdev.stp on sysload's loopback traffic: one 100-byte UDP
# datagram to itself over 127.0.0.1, then 1000 bytes over a TCP connection of its own.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
cat >s.stp <<'STP'
global sk
probe udp.sendmsg { if (pid() == target()) { sk = sock; printf("%s size=%d family=%d\n", name, size, family) } }
probe udp.recvmsg { if (pid() == target()) printf("%s size=%d family=%d same socket=%d\n", name, size, family, sock == sk) }
probe udp.sendmsg.return, udp.recvmsg.return { if (pid() == target()) printf("%s.return %d\n", name, size) }
probe tcp.sendmsg { if (pid() == target()) printf("%s size=%d family=%d flags=%d\n", name, size, family, flags) }
probe tcp.recvmsg { if (pid() == target()) printf("%s size=%d family=%d flags=%d other socket=%d\n", name, size, family, flags, sock != sk) }
probe tcp.sendmsg.return, tcp.recvmsg.return { if (pid() == target()) printf("%s.return %d\n", name, size) }
probe netdev.transmit { if (pid() == target() && length == 142) printf("%s %s %d\n", name, dev_name, length) }
probe netdev.hard_transmit { if (pid() == target() && length == 142) printf("%s %s %d %#x\n", name, dev_name, length, protocol) }
probe netdev.receive { if (pid() == target() && length == 128) printf("%s %s %d\n", name, dev_name, length) }
STP
"$BSTAP" -c "$SYSLOAD --delay 0 --udp 100 --tcp 1000" s.stp >out 2>err || { rc=$?; cat err; fail "status $rc"; }
# a 100-byte UDP datagram on lo: 142 bytes with the UDP, IP and Ethernet headers, 128 as received
expect_file_eq "network aliases" out "netdev.transmit lo 142
netdev.hard_transmit lo 142 0x800
netdev.receive lo 128
udp.sendmsg size=100 family=2
udp.sendmsg.return 100
udp.recvmsg size=100 family=2 same socket=1
udp.recvmsg.return 100
tcp.sendmsg size=1000 family=2 flags=0
tcp.sendmsg.return 1000
tcp.recvmsg size=1000 family=2 flags=0 other socket=1
tcp.recvmsg.return 1000"
# tcp.disconnect has no tracepoint: it is the kernel function, which this kernel (no kprobes,
# no fentry) cannot attach: an error at the alias's use that names the function and says why
"$BSTAP" -e 'probe tcp.disconnect { n++ } global n' >tout 2>terr && fail "tcp.disconnect attached"
expect_grep "disconnect error" terr "error: cannot attach probe 'kernel.function\(\"tcp_disconnect\"\)': this kernel has no kprobes"
exit 0
