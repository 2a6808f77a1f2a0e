# The userspace store sizes each element to its keys and value: a[1000000] filled in begin
# fits in 1 GB of address space (it took about 2.9 GB, and aborted on running out). When
# memory does run out, a store is a runtime error naming the global, not an abort.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
cat > big.stp <<'STP'
global a[1000000]
probe begin { for (i = 0; i < 1000000; i++) a[i] = i; println(a[999999], " ", a[5]); exit() }
STP
(ulimit -v 1048576; exec "$BSTAP_OPT" -D MAXACTION=10000000 big.stp) >out 2>err ||
	{ cat err; fail "a[1000000] in 1 GB: exit status $?"; }
expect_eq "a[1000000] in 1 GB" "$(cat out)" "999999 5"

cat > huge.stp <<'STP'
global a[20000000]
probe begin { for (i = 0; i < 20000000; i++) a[i] = i; println("not reached"); exit() }
STP
(ulimit -v 400000; exec "$BSTAP_OPT" -D MAXACTION=100000000 huge.stp) >out 2>err &&
	fail "a[20000000] in 400 MB succeeded"
expect_grep "out of memory" err "^ERROR: cannot access global: Cannot allocate memory near identifier 'a' at huge.stp:2:"
expect_no_grep "nothing printed" out 'not reached'
