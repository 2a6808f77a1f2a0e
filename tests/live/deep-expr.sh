# Deeply nested expressions: a 600-term sum and 300 nested parentheses compile for a kernel probe
# (clang gets a stack large enough for what the parser accepts) and give the same result in begin;
# past the parser's limit the error is a diagnostic at the script's column, never a crash.
# TIMEOUT: 120
. "$LIVE_DIR/../lib.sh"
terms=$(i=0; while [ $i -lt 599 ]; do printf 'x+'; i=$((i + 1)); done; printf 'x')
open=$(i=0; while [ $i -lt 300 ]; do printf '('; i=$((i + 1)); done)
close=$(i=0; while [ $i -lt 300 ]; do printf ')'; i=$((i + 1)); done)
for where in begin 'timer.ms(5)'; do
	printf 'probe %s { x = 2; y = %s; z = %sx - 1%s; printf("%%d %%d\\n", y, z); exit() }\n' \
		"$where" "$terms" "$open" "$close" >deep.stp
	"$BSTAP" --no-cache deep.stp >out 2>err || { head -c 2000 err; fail "$where: status $?"; }
	expect_file_eq "$where: deep expressions" out "1200 1"
done
terms=$(i=0; while [ $i -lt 1500 ]; do printf 'x+'; i=$((i + 1)); done; printf 'x')
printf 'probe timer.ms(5) { x = 1; y = %s }\n' "$terms" >deeper.stp
"$BSTAP" deeper.stp >out 2>err && fail "a 1500-term chain was accepted"
rc=$?
[ $rc = 1 ] || fail "status $rc, not 1"
expect_grep "too deep" err '^deeper\.stp:1:[0-9]+: error: nesting too deep \(more than 1000 levels\)$'
exit 0
