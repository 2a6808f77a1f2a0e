# A failed write of the output (-o on a full file system, stdout on /dev/full) is said once,
# ends the session as an error does (error probes run, end probes do not) and exits 1; the
# last flush of the unread globals is checked too.
# REQUIRES: test -w /dev/full
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
MSG_FILE='^ERROR: cannot write output to /dev/full: No space left on device$'
MSG_STDOUT='^ERROR: cannot write output to standard output: No space left on device$'
probes='probe end { warn("end ran") } probe error { warn("error ran") }'

# -o FILE, written from begin (userspace)
"$BSTAP" -o /dev/full -e "probe begin { println(\"x\") } $probes" >out 2>err
expect_eq "-o /dev/full status" $? 1
expect_grep "-o /dev/full message" err "$MSG_FILE"
expect_eq "messages" "$(grep -c 'cannot write' err)" 1
expect_grep "error probes" err 'error ran'
expect_no_grep "end probes" err 'end ran'

# stdout, written from a kernel timer probe
"$BSTAP" -e "probe timer.ms(5) { println(\"tick\") } $probes" >/dev/full 2>err
expect_eq "stdout /dev/full status" $? 1
expect_grep "stdout message" err "$MSG_STDOUT"
expect_eq "messages" "$(grep -c 'cannot write' err)" 1
expect_grep "error probes" err 'error ran'
expect_no_grep "end probes" err 'end ran'

# only the unread globals, printed when the session ends
"$BSTAP" -e 'global g probe begin { g = 1; exit() }' >/dev/full 2>err
expect_eq "autoprint status" $? 1
expect_grep "autoprint message" err "$MSG_STDOUT"

# the result of an earlier pass (-p1) written to stdout
"$BSTAP" -p1 -e 'probe begin { println("x") }' >/dev/full 2>err
expect_eq "-p1 status" $? 1
expect_grep "-p1 message" err "$MSG_STDOUT"
exit 0
