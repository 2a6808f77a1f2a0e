# -l lists the library's aliases a pattern matches (not the tracepoints under them), -L with
# each alias's variables and types and the event's target variables.
. "$LIVE_DIR/../lib.sh"
"$BSTAP" -l 'syscall.open*' >out 2>err || { cat err; fail "-l"; }
expect_file_eq "-l syscall.open*" out "syscall.open
syscall.open_by_handle_at
syscall.open_tree
syscall.openat
syscall.openat2"
"$BSTAP" -l 'syscall.*.return' >out 2>err || { cat err; fail "-l returns"; }
n=$(grep -c '^syscall\.[a-z0-9_]*\.return$' out)
[ "$n" -ge 300 ] || fail "-l syscall.*.return: only $n lines"
expect_eq "-l syscall.*.return: every line an alias" "$(wc -l <out)" "$n"
"$BSTAP" -L 'syscall.openat' >out 2>err || { cat err; fail "-L"; }
expect_file_eq "-L syscall.openat" out 'syscall.openat name:string dfd:long filename_uaddr:long filename:string flags:long mode:long dfd_str:string flags_str:string argstr:string $id:long $args:unsigned long[6]'
"$BSTAP" -L 'syscall.kill.return' >out 2>err || { cat err; fail "-L return"; }
expect_file_eq "-L syscall.kill.return" out 'syscall.kill.return name:string retval:long retstr:string $id:long $ret:long'
"$BSTAP" -l 'nd_syscall.exit_group' >out 2>err || { cat err; fail "-l nd_syscall"; }
expect_file_eq "-l nd_syscall" out "nd_syscall.exit_group"
exit 0
