# A damaged object never crashes bstap-run (the sanitizer build): bytes of the .bstap section
# of a compiled script are overwritten one at a time, across the whole section, and each copy
# is either refused with exactly "bstap-run: FILE: damaged .bstap section: WHAT" and status 1,
# or runs to a status of 0 or 1; never a signal or a sanitizer report.
# TIMEOUT: 300
. "$LIVE_DIR/../lib.sh"
RUN=${BSTAP%/bstap}/bstap-run
[ -x "$RUN" ] || fail "no $RUN: make builds it"
cat > s.stp <<'STP'
global n, names[10], lat
function f:string (a:string, b) { if (b > 1) return a . "!"; return a }
probe begin { for (i = 0; i < 5; i++) { names[i, "k"] = f("x", i); lat <<< i; n++ }
	foreach ([k, s] in names- limit 3) printf("%d %s %s\n", k, s, names[k, s])
	try { println(1 / (n - 5)) } catch (e) { println("caught ", e) }
	println(@count(lat), " ", @sum(lat), " ", ([n, "k"] in names) ? "in" : "out"); delete names[0, "k"]; exit() }
probe end { println(n) }
STP
obj=$("$BSTAP" --cache-dir "$SCRATCH/cache" -p4 s.stp 2>err) || { cat err; fail "-p4 failed"; }
set -- $(readelf -SW "$obj" | sed -n 's/.*\] \.bstap *PROGBITS *[0-9a-f]* \([0-9a-f]*\) \([0-9a-f]*\).*/\1 \2/p')
[ $# = 2 ] || fail "cannot find the .bstap section with readelf"
off=$((0x$1)) size=$((0x$2))
"$RUN" "$obj" >out 2>err || { cat err; fail "the undamaged object failed"; }
i=12 refused=0 ran=0
while [ "$i" -lt "$size" ]; do
	for byte in '\377' '\000' '\002'; do
		cp "$obj" d.bpf.o
		printf "$byte" | dd of=d.bpf.o bs=1 seek=$((off + i)) conv=notrunc 2>/dev/null
		timeout 20 "$RUN" d.bpf.o >out 2>err
		rc=$?
		if grep -q 'damaged \.bstap section' err; then
			[ "$rc" = 1 ] || fail "offset $i: refused with status $rc"
			grep -Eq '^bstap-run: d\.bpf\.o: damaged \.bstap section: [a-z]' err ||
				{ cat err; fail "offset $i: the message is not as documented"; }
			refused=$((refused + 1))
		else
			[ "$rc" -le 1 ] || { cat err; fail "offset $i: bstap-run ended with status $rc"; }
			ran=$((ran + 1))
		fi
		! grep -Eq 'Sanitizer|runtime error:' err || { cat err; fail "offset $i: sanitizer report"; }
	done
	i=$((i + 5))
done
echo "$refused refused, $ran ran"
[ "$refused" -gt 100 ] || fail "only $refused damaged copies were refused"
exit 0
