# bstap -l lists the tracepoints a kernel.trace point matches, one kernel.trace("sys:event") per
# line, sorted, exactly the events tracefs has; -L adds each field as " $name:type" in the
# event's order (no common_* fields). Neither loads anything.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_tracefs
run() { "$BSTAP" "$@" >out 2>err; rc=$?; }
# want SYS GLOB: what -l must print, from tracefs
want() {
	for d in "$TRACEFS/events/$1"/$2; do
		[ -f "$d/format" ] || continue
		printf 'kernel.trace("%s:%s")\n' "$1" "${d##*/}"
	done | LC_ALL=C sort
}

run -l 'kernel.trace("sched:sched_process_*")'
expect_eq "-l status" $rc 0
want sched 'sched_process_*' >want
[ "$(wc -l <want)" -ge 4 ] || fail "tracefs has fewer than 4 sched_process_* events"
diff -u want out || fail "-l sched:sched_process_* differs from tracefs"

run -l 'kernel.trace("sched:*")'
want sched '*' >want
diff -u want out || fail "-l sched:* differs from tracefs"

run -l 'kernel.trace("syscalls:sys_enter_getp*id")'
expect_file_eq "-l getp*id" out 'kernel.trace("syscalls:sys_enter_getpgid")
kernel.trace("syscalls:sys_enter_getpid")
kernel.trace("syscalls:sys_enter_getppid")'

# the short form and a subsystem wildcard name concrete events too
run -l 'kernel.trace("sched_switch")'
expect_file_eq "-l short form" out 'kernel.trace("sched:sched_switch")'
run -l 'kernel.trace("raw_sys*:*")'
expect_file_eq "-l subsystem wildcard" out 'kernel.trace("raw_syscalls:sys_enter")
kernel.trace("raw_syscalls:sys_exit")'

# nothing matches: nothing listed
run -l 'kernel.trace("nosuchsys:*")'
[ -s out ] && { cat out; fail "-l of nothing printed lines"; }

# -L: the fields, with the kernel's types
run -L 'kernel.trace("sched:sched_process_exit")'
expect_eq "-L status" $rc 0
expect_file_eq "-L sched_process_exit" out 'kernel.trace("sched:sched_process_exit") $comm:char[16] $pid:pid_t $prio:int $group_dead:bool'
run -L 'kernel.trace("raw_syscalls:sys_exit")'
expect_file_eq "-L raw_syscalls:sys_exit" out 'kernel.trace("raw_syscalls:sys_exit") $id:long $ret:long'
# -L of a wildcard: one line per event, each listing exactly its fields (names from tracefs)
run -L 'kernel.trace("sched:sched_process_*")'
[ "$(wc -l <out)" = "$(want sched 'sched_process_*' | wc -l)" ] || { cat out; fail "-L wildcard: not one line per event"; }
while IFS= read -r line; do
	pt=${line%% *}
	ev=${pt#*:}
	ev=${ev%'")'}
	names=$(sed -n 's/^[[:space:]]*field:.*[ *]\([A-Za-z_][A-Za-z0-9_]*\)\(\[[0-9]*\]\)\{0,1\};.*/\1/p' \
		"$TRACEFS/events/sched/$ev/format" | grep -v '^common_' | tr '\n' ' ')
	got=$(printf '%s\n' "$line" | sed 's/ \$/\n$/g' | sed -n 's/^\$\([^:]*\):.*/\1/p' | tr '\n' ' ')
	expect_eq "-L $ev fields" "$got" "$names"
	printf '%s\n' "$line" | sed 's/ \$/\n$/g' | sed 1d | grep -qv '^\$[A-Za-z_][A-Za-z0-9_]*:.' &&
		fail "-L $ev: a field without a type: $line"
done <out
exit 0
