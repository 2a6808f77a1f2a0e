# The compile cache: hits, misses, corrupt entries, directory checks, --no-cache, temp dirs.
# TIMEOUT: 120
. "$LIVE_DIR/../lib.sh"

# Every run here uses a cache under $SCRATCH, never /var/cache or ~/.cache, and a private TMPDIR
# so that leftover temporary directories can be counted.
mkdir tmp
export TMPDIR=$SCRATCH/tmp
C=$SCRATCH/cache
S='probe timer.ms(1) { printf("hi %d\n", $1); exit() }'
run() { "$BSTAP" "$@" >out 2>err; rc=$?; }
no_tmp_left() {
	[ -z "$(ls -A tmp)" ] || { ls -la tmp; fail "$1: temporary files left in TMPDIR"; }
}
entries() { ls "$C" | grep -c '\.bpf\.o$'; }

# --- first run: a miss that creates the directory 0700 and stores the object
run -v --cache-dir "$C" -e "$S" 1
expect_eq "cold status" $rc 0
expect_file_eq "cold stdout" out "hi 1"
expect_grep "cold run compiles and stores" err '^Pass 4: compiled BPF object in [0-9.]+ ms \(cached as '"$C"'/[0-9a-f]{64}\.bpf\.o\)'
expect_eq "cache dir mode" "$(stat -c %a "$C")" 700
expect_eq "entries after the cold run" "$(entries)" 1
ls "$C" | grep -Eq '^[0-9a-f]{64}\.sum$' || fail "no checksum file beside the entry"
no_tmp_left "cold run"
cp out cold.out

# --- same script, same arguments: a hit with the same output
run -v --cache-dir "$C" -e "$S" 1
expect_eq "warm status" $rc 0
expect_grep "warm run is a hit" err '^Pass 4: cache hit \('"$C"'/[0-9a-f]{64}\.bpf\.o\)'
expect_no_grep "warm run does not compile" err 'compiled BPF object'
cmp -s cold.out out || fail "warm output differs from the cold output"
no_tmp_left "warm run"

# --- a different script, or an argument that changes the generated C: misses
run -v --cache-dir "$C" -e 'probe timer.ms(1) { printf("ho %d\n", $1); exit() }' 1
expect_grep "changed script is a miss" err 'compiled BPF object'
expect_file_eq "changed script output" out "ho 1"
run -v --cache-dir "$C" -e "$S" 2
expect_grep "changed argument is a miss" err 'compiled BPF object'
expect_file_eq "changed argument output" out "hi 2"
expect_eq "entries after three different compiles" "$(entries)" 3

# --- corrupt entries are discarded and rebuilt, never loaded
run -v -p4 --cache-dir "$C" -e "$S" 1
obj=$(tail -n 1 out)
case "$obj" in "$C"/*.bpf.o) ;; *) fail "-p4 printed '$obj', not the cache entry" ;; esac
[ -f "$obj" ] || fail "-p4 printed '$obj', not a file"
no_tmp_left "-p4 hit"
size=$(stat -c %s "$obj")
# flip one byte in the middle of the object
off=$((size / 2))
b=$(od -An -tu1 -j $off -N1 "$obj" | tr -d ' ')
printf "$(printf '\\%03o' $(((b + 1) % 256)))" | dd of="$obj" bs=1 seek=$off conv=notrunc 2>/dev/null
run -v --cache-dir "$C" -e "$S" 1
expect_eq "flipped byte: status" $rc 0
expect_grep "flipped byte detected" err '^cache: discarded corrupt entry .*checksum mismatch'
expect_grep "flipped byte: rebuilt" err 'compiled BPF object .*cached as'
expect_file_eq "flipped byte: output" out "hi 1"
run -v --cache-dir "$C" -e "$S" 1
expect_grep "rebuilt entry is a hit" err '^Pass 4: cache hit'
# truncate it
truncate -s $((size / 3)) "$obj"
run -v --cache-dir "$C" -e "$S" 1
expect_grep "truncation detected" err '^cache: discarded corrupt entry .*wrong size'
expect_file_eq "truncated: output" out "hi 1"
# an object whose checksum file is gone
rm -f "${obj%.bpf.o}.sum"
run -v --cache-dir "$C" -e "$S" 1
expect_grep "missing checksum detected" err '^cache: discarded corrupt entry .*no checksum'
expect_file_eq "missing checksum: output" out "hi 1"
# a garbage checksum file
echo garbage >"${obj%.bpf.o}.sum"
run -v --cache-dir "$C" -e "$S" 1
expect_grep "malformed checksum detected" err '^cache: discarded corrupt entry .*malformed checksum'
run -v --cache-dir "$C" -e "$S" 1
expect_grep "after all that, a hit" err '^Pass 4: cache hit'
# a symlink in place of an entry is never followed
cp "$obj" real.o
rm -f "$obj"
ln -s "$SCRATCH/real.o" "$obj"
run -v --cache-dir "$C" -e "$S" 1
expect_grep "symlinked entry discarded" err '^cache: discarded corrupt entry'
[ -L "$obj" ] && fail "symlinked entry left in place"
no_tmp_left "corruption runs"

# --- unsafe directories are refused with a warning, and the run still works uncached
mkdir real
ln -s "$SCRATCH/real" link
run -v --cache-dir "$SCRATCH/link" -e "$S" 1
expect_eq "symlinked dir: status" $rc 0
expect_file_eq "symlinked dir: output" out "hi 1"
expect_grep "symlinked dir refused" err 'warning: not using the cache directory .*link: it is a symbolic link'
run --cache-dir "$SCRATCH/link/" -e "$S" 1
expect_grep "symlinked dir with a slash refused" err 'it is a symbolic link'
[ -z "$(ls -A real)" ] || fail "something was written through the symlinked cache dir"
mkdir open
chmod 775 open
run -v --cache-dir "$SCRATCH/open" -e "$S" 1
expect_grep "group-writable dir refused" err 'writable by group or others'
[ -z "$(ls -A open)" ] || fail "something was written into the group-writable dir"
: >afile
run --cache-dir "$SCRATCH/afile" -e "$S" 1
expect_eq "file as cache dir: status" $rc 0
expect_grep "file as cache dir refused" err 'not using the cache directory'
if id nobody >/dev/null 2>&1; then
	mkdir theirs
	chown nobody theirs
	chmod 700 theirs
	run --cache-dir "$SCRATCH/theirs" -e "$S" 1
	expect_grep "dir owned by another user refused" err 'owned by another user'
fi
no_tmp_left "refused dirs"

# --- default directory: $XDG_CACHE_HOME/bstap
XDG_CACHE_HOME=$SCRATCH/xdg "$BSTAP" -v -e "$S" 1 >out 2>err
expect_grep "XDG_CACHE_HOME used" err "cached as $SCRATCH/xdg/bstap/"
expect_eq "XDG dir mode" "$(stat -c %a "$SCRATCH/xdg/bstap")" 700

# --- --no-cache never touches the directory
run -v --no-cache --cache-dir "$SCRATCH/nc" -e "$S" 1
expect_eq "--no-cache status" $rc 0
expect_file_eq "--no-cache output" out "hi 1"
expect_grep "--no-cache compiles" err '^Pass 4: compiled BPF object in [0-9.]+ ms\.$'
[ -e "$SCRATCH/nc" ] && fail "--no-cache created the cache directory"
XDG_CACHE_HOME=$SCRATCH/xdg2 "$BSTAP" --no-cache -e "$S" 1 >out 2>err
[ -e "$SCRATCH/xdg2" ] && fail "--no-cache created \$XDG_CACHE_HOME/bstap"
n=$(ls "$C" | wc -l)
before=$(ls -l --time-style=+%s.%N "$C")
run --no-cache --cache-dir "$C" -e "$S" 1
expect_eq "--no-cache leaves the cache as it was" "$(ls -l --time-style=+%s.%N "$C")" "$before"
no_tmp_left "--no-cache"

# --- -p4 --no-cache prints a kept temporary object; -k keeps and says where
run -p4 --no-cache -e "$S" 1
expect_eq "-p4 --no-cache status" $rc 0
obj=$(tail -n 1 out)
case "$obj" in "$TMPDIR"/bstap*/probes.bpf.o) ;; *) fail "-p4 --no-cache printed '$obj'" ;; esac
expect_eq "-p4 --no-cache object magic" "$(head -c 4 "$obj" | od -An -c | tr -d ' ')" '177ELF'
rm -rf "$(dirname "$obj")"
run -k --no-cache -e "$S" 1
expect_grep "-k says where" err "kept temporary files in $TMPDIR/bstap"
expect_file_eq "-k output" out "hi 1"
rm -rf tmp/bstap*
run -k --cache-dir "$C" -e "$S" 1
expect_grep "-k on a hit says why there is nothing to keep" err 'no temporary files'
no_tmp_left "-k on a hit"

# --- two cold runs at once both work and leave one good entry
rm -rf "$C"
"$BSTAP" --cache-dir "$C" -e "$S" 7 >p1.out 2>p1.err &
p1=$!
"$BSTAP" --cache-dir "$C" -e "$S" 7 >p2.out 2>p2.err &
p2=$!
wait $p1 || { cat p1.err; fail "concurrent run 1"; }
wait $p2 || { cat p2.err; fail "concurrent run 2"; }
expect_file_eq "concurrent output 1" p1.out "hi 7"
expect_file_eq "concurrent output 2" p2.out "hi 7"
ls "$C" | grep -q '^tmp\.' && fail "temporary files left in the cache dir"
run -v --cache-dir "$C" -e "$S" 7
expect_file_eq "after the concurrent runs" out "hi 7"
expect_no_grep "no corrupt entry after concurrent stores" err 'corrupt'
no_tmp_left "concurrent runs"
exit 0
