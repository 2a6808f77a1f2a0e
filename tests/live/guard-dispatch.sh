# Probes that start with `if ($field != N) next` on one event: a few are dispatched by a switch
# on the field, a long final run by tail calls through a program array (lang/guards.c,
# bpf/gen.c); either way each probe runs exactly for its own value, in script order, and a
# probe without a guard runs for every event.
# TIMEOUT: 120
. "$LIVE_DIR/../lib.sh"
need_sysload
cat >few.stp <<'STP'
global a, b, c, all
probe kernel.trace("raw_syscalls:sys_enter") { if ($id != 39) next; if (pid() == target()) a++ }
probe kernel.trace("raw_syscalls:sys_enter") { if ($id != 110) next; if (pid() == target()) b++ }
probe kernel.trace("raw_syscalls:sys_enter") { if (39 != $id) next; if (pid() == target()) c = c * 10 + 1 }
probe kernel.trace("raw_syscalls:sys_enter") { if (pid() == target() && ($id == 39 || $id == 110)) all++ }
probe end { printf("getpid %d getppid %d order %d all %d\n", a, b, c, all) }
STP
"$BSTAP" -p3 few.stp >few.c 2>err || { cat err; fail "-p3"; }
expect_grep "a switch on the field" few.c "switch \(key\)"
"$BSTAP" -c "$SYSLOAD --delay 0 --getpid 3 --getppid 4" few.stp >out 2>err || { cat err; fail "run"; }
expect_file_eq "switch dispatch" out "getpid 4 getppid 5 order 1111 all 9"
# twenty guarded probes, the last on getpid twice: tail calls
{
	echo 'global n'
	for nr in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 39 39 110; do
		echo "probe kernel.trace(\"raw_syscalls:sys_enter\") { if (\$id != $nr) next; if (pid() == target()) n[$nr] = n[$nr] * 10 + 1 }"
	done
	printf '%s\n' 'probe end { printf("getpid %d getppid %d\n", n[39], n[110]) }'
} >many.stp
"$BSTAP" -p3 many.stp >many.c 2>err || { cat err; fail "-p3 many"; }
expect_grep "tail calls" many.c "bpf_tail_call\(ctx, &bstap_cases_0"
"$BSTAP" -c "$SYSLOAD --delay 0 --getpid 3 --getppid 4" many.stp >out 2>err || { cat err; fail "run many"; }
# each getpid ran both of its probes: two digits a call, four calls (one is sysload's own)
expect_file_eq "tail-call dispatch" out "getpid 11111111 getppid 11111"
exit 0
