# The reader of stdout goes away (bstap ... | head -1): bstap is not killed by SIGPIPE; it
# ends the session as on SIGTERM, as stap does (end probes run, quietly), stops the -c command,
# detaches everything (tests/run.sh checks) and exits 0.
# TIMEOUT: 40
. "$LIVE_DIR/../lib.sh"
tag=31.$$
{ "$BSTAP" -c "sleep $tag" -e 'probe timer.ms(5) { println("line") }
probe end { warn("end ran") }' 2>err; echo $? >rc; } | head -n 1 >out
expect_file_eq "head's line" out 'line'
expect_eq "status" "$(cat rc)" 0
expect_grep "end probes" err 'end ran'
expect_no_grep "no message" err 'ERROR|Broken pipe'
sleep 0.2
if pgrep -f "sleep $tag" >/dev/null; then
	ps -ef | grep "sleep $tag" | grep -v grep
	fail "the -c command is still running"
fi
exit 0
