# user_mode() in sampling probes, from the interrupted registers ((cs & 3) != 0 on x86-64, as
# stap's user_mode(regs)): timer.profile and perf.sw.cpu_clock samples of a busy shell loop (its
# time in user mode) are mostly 1, of dd copying /dev/zero to /dev/null (its time in the
# kernel) mostly 0; a function the handler calls (which looks its probe up) agrees each time.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
cat >u.stp <<'STP'
global n, differ
function um() { return user_mode() }
probe timer.profile, perf.sw.cpu_clock.sample(1000000) {
	if (pid() != target()) next
	u = user_mode()
	n[u]++
	if (u != um()) differ++
}
probe end { printf("user %d kernel %d differ %d\n", n[1], n[0], differ) }
STP
"$BSTAP" -c "sh -c 'i=0; while [ \$i -lt 400000 ]; do i=\$((i+1)); done'" u.stp >user 2>err ||
	{ cat err; fail "status $?"; }
"$BSTAP" -c "dd if=/dev/zero of=/dev/null bs=4M count=4000" u.stp >kernel 2>err ||
	{ cat err; fail "status $?"; }
read -r _ u1 _ k1 _ d1 <user
read -r _ u2 _ k2 _ d2 <kernel
[ "$d1" = 0 ] && [ "$d2" = 0 ] || fail "the function's user_mode() differs: $(cat user kernel)"
[ "$u1" -gt 10 ] && [ "$u1" -gt $((4 * k1)) ] || fail "a user-space loop: $(cat user)"
[ "$k2" -gt 10 ] && [ "$k2" -gt $((4 * u2)) ] || fail "dd in the kernel: $(cat kernel)"
exit 0
