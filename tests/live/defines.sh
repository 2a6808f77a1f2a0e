# -D MAXMAPENTRIES=N and -D MAXACTION=N (MAXSTRINGLEN: tests/live/maxstringlen.sh) change the limits in both places handlers run (BPF and
# userspace) and in objects run by bstap-run; unknown names warn, bad values are errors.
# TIMEOUT: 90
. "$LIVE_DIR/../lib.sh"
run() { "$BSTAP" --cache-dir "$SCRATCH/cache" "$@" >out 2>err; rc=$?; }

run -D MAXMAPENTRIES=5 -e 'global a; probe timer.ms(1) { a[ktime_get_ns()] = 1 }'
expect_eq "array full status" $rc 1
expect_grep "array full" err "^ERROR: Array overflow, check MAXMAPENTRIES near identifier 'a' at <input>:1:"
# stap prints unread globals from an end probe, which an error-triggered shutdown skips
expect_eq "no globals printed after the error" "$(grep -c '^a\[' out)" 0
run -D MAXMAPENTRIES=3 -e 'global a; probe begin { for (i = 0; i < 10; i++) a[i] = i; exit() }'
expect_eq "array full in begin: status" $rc 1
expect_grep "array full in begin" err 'Array overflow'

run -DMAXACTION=50 -e 'probe begin { for (i = 0; i < 100; i++) x++; exit() }'
expect_eq "MAXACTION in begin: status" $rc 1
expect_grep "MAXACTION in begin" err '^ERROR: MAXACTION exceeded near '
run -DMAXACTION=50 -e 'probe timer.ms(1) { for (i = 0; i < 100; i++) x++; exit() }'
expect_eq "MAXACTION in BPF: status" $rc 1
expect_grep "MAXACTION in BPF" err '^ERROR: MAXACTION exceeded near keyword at <input>:1:'
run -DMAXACTION=5000 -e 'probe timer.ms(1) { for (i = 0; i < 1500; i++) x++; printf("%d\n", x); exit() }'
expect_eq "raised MAXACTION: status" $rc 0
expect_file_eq "raised MAXACTION" out 1500

# the limits travel inside the object
obj=$("$BSTAP" --cache-dir "$SCRATCH/cache" -p4 -DMAXACTION=50 -e 'probe begin { for (i = 0; i < 100; i++) x++; exit() }')
"${BSTAP%/bstap}/bstap-run" "$obj" >out 2>err && fail "bstap-run ignored the object's MAXACTION"
expect_grep "bstap-run MAXACTION" err 'MAXACTION exceeded'

run -D NOSUCH=1 -e 'probe begin { exit() }'
expect_eq "unknown -D status" $rc 0
expect_grep "unknown -D" err '^bstap: warning: -D NOSUCH has no effect'
run -D NOSUCH=1 -w -e 'probe begin { exit() }'
expect_eq "-w status" $rc 0
[ -s err ] && { cat err; fail "-w after -D: a warning was printed"; }
run -D MAXACTION=lots -e 'probe begin { exit() }'
expect_eq "bad -D value status" $rc 1
expect_grep "bad -D value" err 'needs a positive number'
run -D MAXSTRINGLEN=1024 -e 'probe begin { exit() }'
expect_eq "MAXSTRINGLEN too large: status" $rc 1
expect_grep "MAXSTRINGLEN too large" err "^bstap: error: -D MAXSTRINGLEN=1024: bstap's strings are 32 to 512 bytes \(the default is 512\)"
run -D MAXSTRINGLEN=8 -e 'probe begin { exit() }'
expect_eq "MAXSTRINGLEN too small: status" $rc 1
run -D MAXSTRINGLEN=x -e 'probe begin { exit() }'
expect_grep "MAXSTRINGLEN not a number" err 'needs a positive number'
exit 0
