# Compile once, run anywhere: every example and self-contained live script compiled with
# `bstap -p4` runs under bstap-run (and the static bstap-run-static) with exactly the
# output it has under bstap; bstap-run needs no clang on PATH and opens only the object
# and kernel interfaces (checked with strace when it is installed).
# TIMEOUT: 300
. "$LIVE_DIR/../lib.sh"
RUN=${BSTAP%/bstap}/bstap-run
STATIC=${BSTAP_OPT%/bstap}/bstap-run-static
[ -x "$RUN" ] || fail "no $RUN: make builds it"
[ -x "$STATIC" ] || fail "no $STATIC: make builds it"
ldd "$STATIC" 2>&1 | grep -q 'not a dynamic executable' || fail "$STATIC is not static: $(ldd "$STATIC" 2>&1)"

n=0
for stp in "$LIVE_DIR"/../examples/*.stp "$LIVE_DIR"/*.stp; do
	exp=${stp%.stp}.expected
	[ -f "$exp" ] || continue
	# scripts that need arguments, options or a failing status are checked elsewhere
	if grep -Eq '^#[ ]*(ARGS|SCRIPT-ARGS|EXPECT-STATUS|EXPECT-STDERR|REQUIRES):' "$stp"; then
		continue
	fi
	name=$(basename "$stp" .stp)
	obj=$("$BSTAP" --cache-dir "$SCRATCH/cache" -p4 "$stp" 2>err) || { cat err; fail "$name: -p4 failed"; }
	cp "$obj" "$name.bpf.o"
	# run the copy, from a PATH with no compiler on it
	timeout 60 env PATH=/nonexistent "$RUN" "$name.bpf.o" >out 2>err ||
		{ cat err; fail "$name: bstap-run exited with $?"; }
	diff -u "$exp" out >diff || { cat diff; fail "$name: bstap-run output differs"; }
	timeout 60 env PATH=/nonexistent "$STATIC" "$name.bpf.o" >out 2>err ||
		{ cat err; fail "$name: bstap-run-static exited with $?"; }
	diff -u "$exp" out >diff || { cat diff; fail "$name: bstap-run-static output differs"; }
	n=$((n + 1))
done
[ "$n" -ge 10 ] || fail "only $n scripts were compared"

# -p4 -m NAME writes NAME.bpf.o in the current directory and prints that path
out=$("$BSTAP" --cache-dir "$SCRATCH/cache" -p4 -m named "$LIVE_DIR/../examples/alias-used.stp") ||
	fail "-p4 -m failed"
expect_eq "-p4 -m path" "$out" named.bpf.o
"$RUN" named.bpf.o >out 2>err || { cat err; fail "named.bpf.o did not run"; }
diff -u "$LIVE_DIR/../examples/alias-used.expected" out || fail "named.bpf.o output differs"

# bad input: not an object, an object without the section, a corrupt section
echo 'not an elf' >junk.o
"$RUN" junk.o >out 2>err && fail "junk object accepted"
expect_grep "junk object" err 'bstap-run: error: '
obj=$("$BSTAP" --cache-dir "$SCRATCH/cache" -p4 "$LIVE_DIR/../examples/begin-end.stp")
cp /bin/ls plain.bpf.o	# an ELF file without the section
"$RUN" plain.bpf.o >out 2>err && fail "object without .bstap accepted"
expect_grep "no section" err 'no \.bstap section'
# overwrite the middle of the section with zeros: the decoder must notice
cp "$obj" bad.bpf.o
set -- $(readelf -SW bad.bpf.o | sed -n 's/.*\] \.bstap *PROGBITS *[0-9a-f]* \([0-9a-f]*\) \([0-9a-f]*\).*/\1 \2/p')
[ $# = 2 ] || fail "cannot find the .bstap section with readelf"
off=$((0x$1)) size=$((0x$2))
dd if=/dev/zero of=bad.bpf.o bs=1 seek=$((off + size / 3)) count=$((size / 3)) conv=notrunc 2>/dev/null
"$RUN" bad.bpf.o >out 2>err && fail "corrupt section accepted"
expect_grep "corrupt section" err '^bstap-run: bad\.bpf\.o: damaged \.bstap section: [a-z]'
# an object from another object format version (the u32 after the 8-byte magic) is named as such
cp "$obj" old.bpf.o
printf '\002\000\000\000' | dd of=old.bpf.o bs=1 seek=$((off + 8)) conv=notrunc 2>/dev/null
"$RUN" old.bpf.o >out 2>err && fail "object of format 2 accepted"
expect_grep "old format" err 'compiled for object format 2, and this bstap-run reads format [0-9]'

# the runner opens nothing but the object and kernel interfaces
if command -v strace >/dev/null; then
	cp "$obj" traced.bpf.o
	PATH=/nonexistent "$(command -v strace)" -f -qq -e trace=open,openat,execve -o trace "$STATIC" traced.bpf.o >out 2>err ||
		{ cat err; fail "bstap-run-static under strace exited with $?"; }
	grep -E 'open(at)?\(' trace | sed -E 's/.*"([^"]*)".*/\1/' | sort -u >opened
	grep -vE '^(traced\.bpf\.o|/sys/.*|/proc/.*|/dev/null)$' opened >unexpected
	[ -s unexpected ] && { cat unexpected; fail "bstap-run-static opened files beyond the object and kernel interfaces"; }
	grep -q '^traced\.bpf\.o$' opened || { cat opened; fail "strace saw no open of the object"; }
	[ "$(grep -c execve trace)" -le 1 ] || { grep execve trace; fail "bstap-run-static ran another program"; }
else
	echo "note: strace not installed; the open-files check was not run"
fi
exit 0
