# MAXSTRINGLEN: 512 bytes by default as SystemTap on 64-bit (511 and the NUL), and -D
# MAXSTRINGLEN=N (32 to 512): every string cut at N - 1 bytes, the same in begin (userspace) and in a
# kernel probe (BPF), in values, printf records, array keys and values, and in objects run by
# bstap-run. An array key of two long strings does not fit the kernel's 512-byte key limit:
# each column is cut to its share (248 bytes), in both places.
# TIMEOUT: 90
. "$LIVE_DIR/../lib.sh"
cat >t.stp <<'STP'
global a, k2, g = "0123456789"
function long() { s = g; for (i = 0; i < 7; i++) s = s . s; return s }	# 1280 bytes wanted
function show(where) {
	s = long()
	printf("%s: %d %d %d %s\n", where, strlen(s), strlen(sprintf("%s%s", s, s)), strlen(s . "x"),
		substr(s, strlen(s) - 3, 10))
	a[s] = s
	k2[s, s . "y"] = 1
}
probe begin { show("begin") }
probe timer.ms(1) { if (pid() < 0) next; show("bpf") ; exit() }
probe end {
	foreach ([k] in a) printf("a: %d %d\n", strlen(k), strlen(a[k]))
	foreach ([x, y] in k2) printf("k2: %d %d\n", strlen(x), strlen(y))
}
STP
"$BSTAP" --cache-dir "$SCRATCH/c" t.stp >out 2>err || { cat err; fail "default: status $?"; }
expect_file_eq "default 512" out "begin: 511 511 511 890
bpf: 511 511 511 890
a: 511 511
k2: 255 255"
"$BSTAP" --cache-dir "$SCRATCH/c" -D MAXSTRINGLEN=64 t.stp >out 2>err || { cat err; fail "64: status $?"; }
expect_file_eq "-D MAXSTRINGLEN=64" out "begin: 63 63 63 012
bpf: 63 63 63 012
a: 63 63
k2: 63 63"
# not a power of two: the BPF code's buffers are rounded up, the strings still cut at N - 1
"$BSTAP" --cache-dir "$SCRATCH/c" -D MAXSTRINGLEN=100 t.stp >out 2>err || { cat err; fail "100: status $?"; }
expect_file_eq "-D MAXSTRINGLEN=100" out "begin: 99 99 99 678
bpf: 99 99 99 678
a: 99 99
k2: 99 99"
# the limit travels inside the object
obj=$("$BSTAP" --cache-dir "$SCRATCH/c" -p4 -D MAXSTRINGLEN=128 t.stp) || fail "-p4 failed"
"${BSTAP%/bstap}/bstap-run" "$obj" >out 2>err || { cat err; fail "bstap-run: status $?"; }
expect_file_eq "bstap-run keeps MAXSTRINGLEN" out "begin: 127 127 127 456
bpf: 127 127 127 456
a: 127 127
k2: 127 127"
exit 0
