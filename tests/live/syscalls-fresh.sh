# aliases/syscalls.stp and syscall_any.stp are what aliases/gen/syscalls.py makes of this
# kernel's tracepoint formats: regenerate them with `make aliases-regen` when this fails.
. "$LIVE_DIR/../lib.sh"
ROOT=$(cd "$LIVE_DIR/../.." && pwd)
command -v python3 >/dev/null || skip "python3 is not installed: the generator cannot run"
need_tracefs
[ -f /usr/include/x86_64-linux-gnu/asm/unistd_64.h ] || skip "no <asm/unistd_64.h> (linux-libc-dev)"
SYSCALL_ANY_OUT=any.stp python3 "$ROOT/aliases/gen/syscalls.py" "$TRACEFS" >sc.stp 2>err ||
	{ cat err; fail "the generator failed"; }
diff -u "$ROOT/aliases/syscalls.stp" sc.stp >d1 || { head -40 d1; fail "aliases/syscalls.stp is out of date: make aliases-regen"; }
diff -u "$ROOT/aliases/syscall_any.stp" any.stp >d2 || { head -40 d2; fail "aliases/syscall_any.stp is out of date: make aliases-regen"; }
exit 0
