# Every alias of aliases/*.stp sets every variable its doc comment lists, with a type: a script
# that prints each of them (println, which imposes no type) passes pass 2. The two aliases
# with neither a tracepoint nor a kernel function here fail, each with the reason.
# TIMEOUT: 120
. "$LIVE_DIR/../lib.sh"
ALIASES=$LIVE_DIR/../../aliases
[ -d "$ALIASES" ] || fail "no $ALIASES"
awk '
	/^ \* probe [^ ]+ - / { name = $3; body = ""; next }
	name != "" && /^ \* @[A-Za-z_0-9]+:/ { v = $2; sub(/^@/, "", v); sub(/:$/, "", v); body = body "println(" v ") "; next }
	name != "" && /^ \*\// { print name "\t" body; name = "" }
' $(ls "$ALIASES"/*.stp | grep -v /syscalls.stp) >list
[ "$(wc -l <list)" -ge 50 ] || fail "only $(wc -l <list) documented aliases found"
: >fails
while IFS='	' read -r name body; do
	"$BSTAP" -p2 -e "probe $name { $body}" >/dev/null 2>err || echo "$name: $(head -1 err | sed 's/^[^ ]*: //')" >>fails
done <list
expect_file_eq "aliases that do not resolve here" fails "ioblock_trace.bounce: error: no match for probe point 'kernel.trace(\"block:block_bio_bounce\")'
scheduler.tick: error: no match for probe point 'kernel.function(\"scheduler_tick\")'"
exit 0
