# Points that match nothing: an unmarked one is an error naming the point (an exact name, a
# wildcard, a short name); '?' skips it; '!' is optional and sufficient (the first point of the
# list that resolves is used, the rest are not); a script whose only probes are skipped has no
# probes. A target variable the event lacks is an error at pass 2 that lists the event's fields.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
run() { "$BSTAP" "$@" >out 2>err; rc=$?; }

for pt in 'nosuchsys:nosuch_event' 'sched:nosuch_event*' 'nosuch_event_xyz' 'nosuch*:sched_switch'; do
	run -p2 -e "probe kernel.trace(\"$pt\") { }"
	expect_eq "unmarked $pt: status" $rc 1
	grep -qF -- "$pt" err || { cat err; fail "unmarked $pt: the error does not name the point"; }
	[ -s out ] && { cat out; fail "unmarked $pt: printed something on stdout"; }
	run -p2 -e "probe kernel.trace(\"$pt\")? { } probe begin { }"
	expect_eq "optional $pt: status" $rc 0
done

# '?' at run time: the missing point is skipped, the rest runs
run -e 'probe kernel.trace("nosuchsys:nosuch_event")? { println("never") }
	probe begin { println("ran"); exit() }'
expect_eq "? run status" $rc 0
expect_file_eq "? run output" out "ran"

# only skipped probes: nothing to run
run -e 'probe kernel.trace("nosuchsys:nosuch_event")? { }'
expect_eq "only skipped probes: status" $rc 1
expect_grep "only skipped probes" err 'no probes found'

# '!': the first point that resolves is sufficient
cat >s.stp <<'STP'
global c, d, f
probe kernel.trace("nosuchsys:nosuch_event")!, kernel.trace("sched:sched_process_fork") {
	if (pid() == target()) c[pp()]++
}
probe kernel.trace("sched:sched_process_fork")!, kernel.trace("sched:sched_process_exit") {
	if (pid() == target()) d[pp()]++
}
probe kernel.trace("sched:nosuch*")?, kernel.trace("sched:sched_process_exit") {
	if (pid() == target()) f[pp()]++
}
probe end {
	foreach (p+ in c) printf("c %s %d\n", p, c[p])
	foreach (p+ in d) printf("d %s %d\n", p, d[p])
	foreach (p+ in f) printf("f %s %d\n", p, f[p])
}
STP
run -c "$SYSLOAD --fork-exec" s.stp
[ $rc = 0 ] || { cat err; fail "! script: status $rc"; }
expect_file_eq "! output" out 'c kernel.trace("sched:sched_process_fork") 1
d kernel.trace("sched:sched_process_fork") 1
f kernel.trace("sched:sched_process_exit") 1'

# a missing field: a compile error that names it and lists the fields the event has
run -p2 -e 'probe kernel.trace("sched:sched_process_exit") { println($nosuch_field) }'
expect_eq "missing field: status" $rc 1
expect_grep "missing field named" err 'nosuch_field'
for fld in comm pid prio group_dead; do
	grep -q -- "$fld" err || { cat err; fail "missing field: the error does not list \$$fld"; }
done
expect_grep "missing field at its line" err '<input>:1:'
# the same through a wildcard: every event of it lacks the field
run -p2 -e 'probe kernel.trace("sched:sched_process_ex*") { println($nosuch_field) }'
expect_eq "missing field (wildcard): status" $rc 1
expect_grep "missing field (wildcard) named" err 'nosuch_field'
exit 0
