# make install PREFIX=/usr/local DESTDIR=...: the binaries, man pages and alias libraries; the
# installed bstap finds its libraries relative to itself, also after the tree is moved, and
# runs a syscall script from there.
# TIMEOUT: 120
. "$LIVE_DIR/../lib.sh"
need_syswork
ROOT=$(cd "$LIVE_DIR/../.." && pwd)
O=$(dirname "$BSTAP_OPT")
make -s -C "$ROOT" O="$O" install PREFIX=/usr/local DESTDIR="$SCRATCH/stage" >make.out 2>&1 ||
	{ cat make.out; fail "make install"; }
for f in bin/bstap bin/bstap-run bin/bstap-run-static share/man/man1/bstap.1 \
	share/man/man1/bstap-run.1 share/bstap/aliases/syscalls.stp \
	share/bstap/aliases/syscall_decode.stp share/bstap/aliases/syscall_any.stp; do
	[ -f "stage/usr/local/$f" ] || fail "make install did not install $f"
done
# moved elsewhere: nothing of the build tree or the first place is needed
mv stage/usr/local moved
B="$SCRATCH/moved/bin/bstap"
"$B" -vv -p2 -e 'probe syscall.openat { }' >out 2>err || { cat err; fail "installed bstap -p2"; }
expect_grep "libraries from the installed tree" err "library file $SCRATCH/moved/share/bstap/aliases/syscalls.stp joins"
expect_no_grep "nothing from the build tree" err "library file $ROOT/"
cat >s.stp <<'STP'
probe syscall.openat.return { if (pid() == target() && execname() == "syswork") printf("%s = %s\n", name, retstr) }
STP
"$B" -c "$SYSWORK" s.stp >out 2>err || { cat err; fail "installed bstap run"; }
expect_file_eq "installed bstap traces" out "openat = 3
openat = -2 (ENOENT)"
exit 0
