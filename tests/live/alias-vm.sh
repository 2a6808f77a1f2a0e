# aliases/vm.stp on sysload's --mmap 65536: one anonymous private read-write mapping, a write
# to each of its 16 pages (16 user-mode write faults inside it), then munmap; and the kernel
# allocations of a UDP send (kmalloc in the sender's context, freed with kfree).
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
cat >s.stp <<'STP'
global base, len, inrange, wr, km, kmok, kptr, kf
probe vm.mmap { if (pid() == target() && length == 65536) { printf("%s addr=%d len=%d prot=%d flags=%#x fd=%d\n", name, address, length, prot, flags, fd); len = length } }
probe kernel.trace("syscalls:sys_exit_mmap") { if (pid() == target() && len && !base) base = $ret }
probe vm.pagefault {
	if (pid() == target() && base && address >= base && address < base + len) {
		inrange++
		if (write_access && user && name == "pagefault" && ip) wr++
	}
}
probe vm.munmap { if (pid() == target() && base) printf("%s same=%d len=%d\n", name, address == base, length) }
probe vm.kmalloc { if (pid() == target() && name == "kmalloc") { km++; if (ptr && bytes_alloc >= bytes_req && call_site) { kmok++; kptr[ptr] = 1 } } }
probe vm.kfree { if (ptr in kptr && name == "kfree" && call_site) kf++ }
probe end {
	printf("faults in the mapping %d, writes from user mode %d\n", inrange, wr)
	printf("kmalloc all valid %d, some freed %d\n", km == kmok && km > 0, kf > 0)
}
STP
"$BSTAP" -c "$SYSLOAD --delay 0 --mmap 65536 --udp 100" s.stp >out 2>err || { rc=$?; cat err; fail "status $rc"; }
expect_file_eq "vm aliases" out "mmap addr=0 len=65536 prot=3 flags=0x22 fd=-1
munmap same=1 len=65536
faults in the mapping 16, writes from user mode 16
kmalloc all valid 1, some freed 1"
exit 0
