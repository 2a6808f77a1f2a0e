# aliases/ioblock.stp: dd reads a 64 KB file of the disk in 16 direct 4096-byte reads: 16
# ioblock.request (and ioblock_trace.request) reads of 4096 bytes in dd's context, on the
# file system's device ("MAJOR,MINOR"), each completed by one ioblock.end of the same sector.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
dd if=/dev/urandom of="$SCRATCH/data" bs=4096 count=16 conv=fsync 2>/dev/null || skip "cannot write a file in $SCRATCH"
dev=$(stat -c '%Hd,%Ld' "$SCRATCH/data" 2>/dev/null) || skip "stat cannot print the device's major and minor"
cat >s.stp <<'STP'
global qs, reqs, ends, seen
probe ioblock.request { if (pid() == target() && rw == 0) { reqs++; qs[sector] = 1; seen[name, size, devname, bio_devname == devname, rwbs]++ } }
probe ioblock_trace.request { if (pid() == target() && rw == 0 && q == 0) seen[name, size, devname, 1, rwbs]++ }
probe ioblock.end { if (sector in qs && rw == 0 && error == 0 && size == bytes_done && name == "ioblock.end") { ends++; delete qs[sector] } }
probe end {
	printf("%d read requests, %d completed\n", reqs, ends)
	foreach ([a, b, c, d, e] in seen+) printf("%s %d %s %d %s: %d\n", a, b, c, d, e, seen[a, b, c, d, e])
}
STP
"$BSTAP" -c "dd if=$SCRATCH/data of=/dev/null bs=4096 count=16 iflag=direct status=none" s.stp >out 2>err || { rc=$?; cat err; fail "status $rc"; }
# rwbs: R (read) and S (synchronous), as a direct read is
expect_file_eq "ioblock aliases" out "16 read requests, 16 completed
ioblock.request 4096 $dev 1 RS: 16
ioblock_trace.request 4096 $dev 1 RS: 16"
"$BSTAP" -p2 -e 'probe ioblock_trace.bounce { n++ } global n' >tout 2>terr && fail "ioblock_trace.bounce resolved"
expect_grep "bounce error" terr "aliases/ioblock.stp:[0-9]+:[0-9]+: error: no match for probe point 'kernel.trace\(\"block:block_bio_bounce\"\)'"
exit 0
