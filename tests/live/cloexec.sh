# No descriptor bstap opens reaches the -c command: the -o file, the pipe that holds the
# command back. The command sees the descriptors the shell gave bstap, and no more.
# TIMEOUT: 30
. "$LIVE_DIR/../lib.sh"
sh -c 'exec ls /proc/self/fd' | sort -n >want
"$BSTAP" -o o.txt -c 'ls -l /proc/self/fd' -e 'probe begin { println("hi") }' >out 2>err ||
	{ cat err; fail "bstap exited with status $?"; }
expect_file_eq "-o file" o.txt 'hi'
expect_no_grep "-o file in the command" out 'o\.txt'
sed -n 's/.* \([0-9][0-9]*\) -> .*/\1/p' out | sort -n >got
diff -u want got || { cat out; fail "the command has other descriptors than bstap was given"; }
exit 0
