# kernel.function on a kernel without kprobes (this machine's): the object compiles and loads,
# and each kprobe fails to attach with one line at its probe point saying why; '?'-marked ones
# resolve to nothing (a line under -v), so the rest of the script runs and an alias's
# fallback location takes over.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
[ -e /sys/bus/event_source/devices/kprobe ] &&
	skip "this kernel has kprobes (the VM tests, tests/vm/, cover them)"
run() { "$BSTAP" "$@" >out 2>err; rc=$?; }
why="this kernel has no kprobes \(no kprobe PMU in /sys/bus/event_source/devices and no /sys/kernel/tracing/kprobe_events: it was built without CONFIG_KPROBES\)"

cat >k.stp <<'STP'
probe begin { println("begin") }
probe kernel.function("vfs_read") { println($count) }
probe   kernel.function("vfs_read").return { println($return) }
STP
run k.stp
expect_eq "status" $rc 1
expect_file_eq "stdout (begin runs before attaching)" out "begin"
expect_eq "stderr lines" "$(wc -l <err)" 2
expect_grep "entry" err "^k\.stp:2:7: error: cannot attach probe 'kernel\.function\(\"vfs_read\"\)': $why\$"
expect_grep "return" err "^k\.stp:3:9: error: cannot attach probe 'kernel\.function\(\"vfs_read\"\)\.return': $why\$"

# '?': skipped, the rest runs; -v says why
cat >o.stp <<'STP'
probe kernel.function("vfs_read")?, kprobe.function("vfs_write")? { println("never") }
probe timer.ms(50) { println("ran"); exit() }
STP
run o.stp
expect_eq "? status" $rc 0
expect_file_eq "? stdout" out "ran"
[ -s err ] && { cat err; fail "? printed on stderr"; }
run -v o.stp
# resolved to nothing at compile time, so that an alias's next location can take over
expect_grep "? -v" err "^kernel\.function\(\"vfs_read\"\)\?: skipped: no fentry and $why\$"
expect_grep "? -v kprobe" err "^kprobe\.function\(\"vfs_write\"\)\?: skipped: no fentry and $why\$"
# an alias falls back past a kernel function marked '!' (vfs.read: to the system calls)
run -p2 -e 'probe vfs.read { }'
expect_eq "vfs.read status" $rc 0
expect_no_grep "vfs.read: no kernel function" out '^kernel\.function'
expect_grep "vfs.read: the system calls' tracepoints" out '^kernel\.trace\("syscalls:sys_enter_read"\)'

# fentry: tried at compile time (-v says what was chosen and why); forced with --fentry, the
# object loads (the tracing program is left out) and attaching says why
run -v -p2 k.stp
expect_grep "-v kprobes" err '^kernel\.function\("vfs_read"\): 1 function in the kernel.s BTF, as kprobes \(no fentry: the kernel (refuses|cannot attach) fentry programs \(.*\)\)$'
run -v -p2 --kprobes k.stp
expect_grep "-v --kprobes" err '^kernel\.function\("vfs_read"\): 1 function in the kernel.s BTF, as kprobes \(--kprobes\)$'
run --fentry k.stp
expect_eq "--fentry status" $rc 1
expect_eq "--fentry stderr lines" "$(wc -l <err)" 2
expect_grep "--fentry" err "^k\.stp:2:7: error: cannot attach probe 'kernel\.function\(\"vfs_read\"\)': the kernel (refuses|cannot attach) fentry programs \(.*\)\$"
"$BSTAP" --fentry -p3 k.stp | grep -q 'SEC("fexit/vfs_read")' || fail "--fentry: no fexit section"

# bstap-run reports the same for an object compiled with -p4
obj=$("$BSTAP" -p4 k.stp) || fail "-p4 failed"
"${BSTAP_RUN:-$(dirname "$BSTAP_OPT")/bstap-run}" "$obj" >out 2>err
expect_eq "bstap-run status" $? 1
expect_grep "bstap-run" err "^k\.stp:2:7: error: cannot attach probe 'kernel\.function\(\"vfs_read\"\)': $why\$"
exit 0
