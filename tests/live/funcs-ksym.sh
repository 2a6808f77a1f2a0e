# symname(addr) and symdata(addr) ("name+0xoff/0xsize [module]", the size up to the next
# symbol), from /proc/kallsyms: in begin (userspace), in a timer (BPF: a placeholder the
# runtime replaces where the string is printed, also as an array key printed at the end), and
# for an address no symbol holds (its hex). The expected text comes from /proc/kallsyms here.
. "$LIVE_DIR/../lib.sh"
addr=$(awk '$3 == "vfs_read" && ($2 == "T" || $2 == "t") { print $1; exit }' /proc/kallsyms)
[ -n "$addr" ] && [ "$addr" != 0000000000000000 ] || skip "no vfs_read address in /proc/kallsyms"
# the size: the next higher address in the whole table
next=$(awk -v a="$addr" '$2 !~ /^[aAU]$/ && $1 > a { print $1 }' /proc/kallsyms | sort | head -n 1)
# (sh arithmetic saturates at 2^63: subtract the low halves, the high halves being equal)
[ "${next%????????}" = "${addr%????????}" ] || skip "vfs_read ends at a 4 GiB boundary"
size=$(printf '%x' $((0x${next#????????} - 0x${addr#????????})))
want="vfs_read vfs_read+0x10/0x$size [kernel] 0x1 0x1
k vfs_read 2"
body='a = strtol(@1, 16); println(symname(a), " ", symdata(a + 16), " ", symname(1), " ", symdata(1))'
"$BSTAP" -e "global n probe begin { $body; n[symname(a)]++; n[symname(a + 5)]++ foreach (k in n) println(\"k \", k, \" \", n[k]); exit() }" \
	"$addr" >out1 2>err1 || { cat err1; fail "begin: status $?"; }
expect_file_eq "in begin" out1 "$want"
"$BSTAP" -e "global n probe timer.ms(10) { if (pid() < 0) next; $body; n[symname(a)]++; n[symname(a)]++; exit() } probe end { foreach (k in n) println(\"k \", k, \" \", n[k]) }" \
	"$addr" >out2 2>err2 || { cat err2; fail "timer: status $?"; }
expect_file_eq "in a timer" out2 "$want"
exit 0
