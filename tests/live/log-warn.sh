# log(msg) prints msg and a newline; warn(msg) prints "WARNING: msg" on stderr; both from begin
# (userspace) and from a timer (BPF). A script's own function named like a tapset function
# (log, pid) replaces it, as in stap; the print family cannot be replaced.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
for where in begin 'timer.ms(5)'; do
	"$BSTAP" -e "probe $where { log(\"logged \" . sprint(1 + 1)); warn(\"careful\"); exit() }" >out 2>err ||
		{ cat err; fail "$where: status $?"; }
	expect_file_eq "$where: log" out "logged 2"
	expect_file_eq "$where: warn" err "WARNING: careful"
done
"$BSTAP" -e 'function log(x) { printf("mine: %s\n", x) } function pid() { return 42 }
probe timer.ms(5) { log("a"); println(pid()); exit() }' >out 2>err || { cat err; fail "override: status $?"; }
expect_file_eq "own log and pid" out "mine: a
42"
"$BSTAP" -e 'function println(x) { } probe begin { exit() }' >out 2>err && fail "println redefined"
expect_grep "println" err "function 'println' redefines a built-in function"
exit 0
