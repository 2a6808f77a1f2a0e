# A FIFO planted as a cache entry (object, checksum or clang version memo) never blocks bstap: it
# is a corrupt entry, discarded with the reason under -v, and the object is compiled afresh.
# Compiles (-p4) but loads nothing.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"

C=$SCRATCH/cache
S='probe kernel.trace("sched_switch") { x = 1 }'
run() { timeout 20 "$BSTAP" "$@" >out 2>err; rc=$?; }

run -v -p4 --cache-dir "$C" -e "$S"
expect_eq "cold status" $rc 0
entry=$(sed -n 's/^Pass 4: compiled BPF object in .* (cached as \(.*\.bpf\.o\))\.$/\1/p' err)
[ -n "$entry" ] && [ -f "$entry" ] || fail "no entry named under -v: $(cat err)"

for what in object checksum memo; do
	case $what in
	object) f=$entry ;;
	checksum) f=${entry%.bpf.o}.sum ;;
	memo) f=$(ls "$C"/clang-*.version) ;;
	esac
	rm -f "$f" && mkfifo "$f" || fail "cannot plant a FIFO at $f"
	run -v -p4 --cache-dir "$C" -e "$S"
	expect_eq "$what FIFO: status (124: blocked in open)" $rc 0
	case $what in
	object) expect_grep "$what FIFO: said why" err "discarded corrupt entry .*(the object is not a regular file)" ;;
	checksum) expect_grep "$what FIFO: said why" err "discarded corrupt entry .*(the checksum is not a regular file)" ;;
	esac
	[ -f "$f" ] || fail "$what FIFO: not replaced by a regular file"
done
echo PASS
