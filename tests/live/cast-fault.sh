# @cast in a timer probe (no kprobes needed): reading through a bad pointer is a runtime error
# at the @cast, naming the faulting address, as stap's "kernel read fault"; in begin (userspace)
# every kernel address faults.
. "$LIVE_DIR/../lib.sh"
run() { "$BSTAP" "$@" >out 2>err; rc=$?; }
run -e 'probe timer.ms(10) { println(@cast(0, "file")->f_pos); exit() }'
expect_eq "status" $rc 1
expect_grep "fault" err "^ERROR: kernel read fault at 0x[0-9a-f]{16} \[man error::fault\] near identifier '@cast' at <input>:1:30\$"
[ -s out ] && fail "printed on stdout"
run -e 'probe timer.ms(10) { println(kernel_string(@cast(8, "file")->f_path->dentry->d_name->name)); exit() }'
expect_eq "chase status" $rc 1
expect_grep "chase fault" err "^ERROR: kernel read fault at 0x0*[0-9a-f]+ \[man error::fault\] near identifier '@cast' at <input>:1:44\$"
run -e 'probe begin { println(@cast(0, "file")->f_pos) }'
expect_eq "begin status" $rc 1
expect_grep "begin fault" err "^ERROR: kernel read fault -14 in @cast \[man error::fault\] near identifier '@cast' at <input>:1:23\$"
run -e 'probe timer.ms(10) { println(kernel_long(0)); exit() }'
expect_eq "kernel_long status" $rc 1
expect_grep "kernel_long fault" err "^ERROR: kernel long copy fault -14 at 0x0000000000000000 \[man error::fault\] near identifier 'kernel_long' at <input>:1:30\$"
exit 0
