# aliases/irq.stp: every irq_handler.exit follows the irq_handler.entry of the same interrupt on
# its CPU (a direct read of a file on the virtio disk makes at least one), and the one 100-byte
# UDP datagram sysload sends over lo is received in exactly one NET_RX softirq (vec_nr 3) run
# in its own context as the send enables bottom halves.
# (An exit is checked only after an entry on its CPU: the two attach one after the other.)
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
dd if=/dev/urandom of="$SCRATCH/data" bs=4096 count=16 conv=fsync 2>/dev/null || skip "cannot write a file in $SCRATCH"
cat >s.stp <<'STP'
global pend, matched, bad, named, sx, se
probe irq_handler.entry { pend[cpu()] = irq + 1; if (dev_name != "") named++ }
probe irq_handler.exit { if (pend[cpu()] == irq + 1) matched++; else if (pend[cpu()]) bad++; pend[cpu()] = 0; if (ret < 0 || ret > 3) bad++ }
probe softirq.entry { if (pid() == target() && vec_nr == 3 && execname() == "sysload") se++ }
probe softirq.exit { if (pid() == target() && vec_nr == 3 && execname() == "sysload") sx++ }
probe end {
	printf("irq handlers matched %d, unmatched %d, named %d\n", matched > 0, bad, named >= matched)
	printf("NET_RX softirqs in sysload: %d entries, %d exits\n", se, sx)
}
STP
"$BSTAP" -c "sh -c 'dd if=$SCRATCH/data of=/dev/null bs=4096 count=16 iflag=direct 2>/dev/null; exec $SYSLOAD --delay 0 --udp 100'" s.stp >out 2>err || { rc=$?; cat err; fail "status $rc"; }
expect_file_eq "irq aliases" out "irq handlers matched 1, unmatched 0, named 1
NET_RX softirqs in sysload: 1 entries, 1 exits"
exit 0
