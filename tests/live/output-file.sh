# -o FILE: all script output (begin, timer, end, unprinted globals) goes to FILE, none to stdout.
# TIMEOUT: 30
. "$LIVE_DIR/../lib.sh"
"$BSTAP" -o o.txt -e 'global g
probe begin { println("from begin") }
probe timer.ms(20) { println("from timer"); exit() }
probe end { println("from end"); g = 1 }' >out 2>err || { cat err; fail "bstap exited with status $?"; }
[ -s out ] && { cat out; fail "stdout is not empty with -o"; }
expect_file_eq "-o file" o.txt 'from begin
from timer
from end
g=1'
