# The command line: --help, --version, bad options, missing files, -p 1..4, -v, -e.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
run() { "$BSTAP" "$@" >out 2>err; rc=$?; }

run --help
expect_eq "--help status" $rc 0
expect_grep "--help" out '[Uu]sage'
expect_grep "--help mentions -p" out '-p'
run --version
expect_eq "--version status" $rc 0
expect_grep "--version" out 'bstap'

run --no-such-option
expect_eq "bad option status" $rc 1
[ -s err ] || fail "bad option: nothing on stderr"
run -p 9 -e 'probe begin { }'
expect_eq "-p 9 status" $rc 1
run -p
expect_eq "-p without a number: status" $rc 1
run
expect_eq "no script: status" $rc 1
run no-such-file.stp
expect_eq "missing file status" $rc 1
expect_grep "missing file" err 'no-such-file\.stp'
# stap's own command-line habits: the bpf runtime is bstap's only one; -g and -u change nothing
run --runtime=bpf --bpf -g -u -e 'probe begin { println("same"); exit() }'
expect_eq "stap options status" $rc 0
expect_eq "stap options output" "$(cat out)" same
run --runtime=kernel -e 'probe begin { exit() }'
expect_eq "--runtime=kernel status" $rc 1
expect_grep "--runtime=kernel" err '^bstap: error: --runtime=kernel: bstap has the bpf runtime only$'
mkdir -p adir
run adir
expect_eq "directory status" $rc 1
expect_grep "directory" err '^bstap: error: cannot read script adir: Is a directory$'
run -e 'probe begin {'
expect_eq "syntax error status" $rc 1
expect_grep "syntax error" err '^<input>:1:[0-9]+: error: '

run -p1 -e 'probe begin { println("hi") }'
expect_eq "-p1 status" $rc 0
expect_grep "-p1" out 'probe begin'
run -p2 -e 'probe tick = timer.ms(100) { } probe tick { }'
expect_eq "-p2 status" $rc 0
expect_grep "-p2" out 'timer\.ms\(100\) /\* <- tick = timer\.ms\(100\) <- tick \*/'
run -p3 -e 'probe timer.ms(100) { println("hi") }'
expect_eq "-p3 status" $rc 0
expect_grep "-p3" out 'SEC\('
run -p4 -e 'probe timer.ms(100) { println("hi") }'
expect_eq "-p4 status" $rc 0
obj=$(tail -n 1 out)
[ -f "$obj" ] || fail "-p4 printed '$obj', not a file"
expect_eq "-p4 object magic" "$(head -c 4 "$obj" | od -An -c | tr -d ' ')" '177ELF'

run -v -e 'probe begin { println("ran"); exit() }'
expect_eq "-v status" $rc 0
expect_eq "-v stdout" "$(cat out)" ran
for p in 1 2 3 4 5; do
	grep -qi "pass $p" err || { cat err; fail "-v: no 'pass $p' line on stderr"; }
done
# passes 1-3 say how much memory bstap uses, as stap does; pass 5 says when the run ends
mem='using [0-9]+virt/[0-9]+res/[0-9]+shr/[0-9]+data kb, in [0-9.]+ ms\.$'
expect_grep "-v pass 1" err "^Pass 1: parsed user script and [0-9]+ library scripts $mem"
expect_grep "-v pass 2" err "^Pass 2: analyzed script: 1 probe, 0 functions, 0 globals $mem"
expect_grep "-v pass 3" err "^Pass 3: translated to BPF C $mem"
expect_grep "-v pass 5" err '^Pass 5: run completed in [0-9]+ ms\.$'
exit 0
