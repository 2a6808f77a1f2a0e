# -T refuses what does not fit the session's 64-bit nanosecond deadline (inf, 1e10) and nan,
# with a message, instead of ending the session at once.
. "$LIVE_DIR/../lib.sh"
for t in inf 1e10 9.3e9 nan; do
	timeout 10 "$BSTAP" -T "$t" -e 'probe begin { println("ran") }' >out 2>err
	expect_eq "-T $t status" $? 1
	expect_grep "-T $t message" err '^bstap: error: -T'
	[ -s out ] && { cat out; fail "-T $t: the session ran"; }
done
# the largest value still works (the session is ended by exit())
"$BSTAP" -T 1000000000 -e 'probe begin { println("ran"); exit() }' >out 2>err
expect_eq "-T 1000000000 status" $? 0
expect_file_eq "-T 1000000000 output" out 'ran'
exit 0
