#!/bin/sh
# The bstap test runner: layer checks, unit, golden, fuzz, example and live tests, in that order.
#
#   sh tests/run.sh [BUILD_DIR [SAN_DIR [FUZZ_DIR]]]  (make test: sh tests/run.sh build build-san build-fuzz)
#
# Prints one line per test: "PASS name", "FAIL name" (the diff or reason indented below it) or
# "SKIP name: reason", and ends with exactly one line "N passed, N failed[, N skipped]".
# Exit status 1 if anything failed.
#
# Environment:
#   TESTS=substr     run only the tests whose name contains substr (e.g. TESTS=golden/semko)
#   BSTAP=path       binary for golden tests (default SAN_DIR/bstap, else BUILD_DIR/bstap)
#   BSTAP_LIVE=path  binary for example and live tests (default: the same as BSTAP)
#   LIVE=0           skip the example and live tests (they need root and this kernel)
#   LEAK_CHECK=0     do not compare `bpftool prog/link list` before and after each live test
#   KEEP=1           keep the scratch directory and say where it is
#
# Golden tests:  tests/golden/{parseok,parseko,semok,semko,transok,transko}/NAME.stp, first line
#   "#! bstap OPTIONS"; run as `bstap OPTIONS NAME.stp` from the test's directory; stdout, stderr
#   and status must equal NAME.stp.out, NAME.stp.err, NAME.stp.status (absent: empty, empty, 0).
#   tests/golden-update.sh rewrites those files from the current binary.
# Fuzz tests:  each libFuzzer target FUZZ_DIR/fuzz_NAME (make fuzz-build; from tests/fuzz/fuzz_NAME.c)
#   runs every input of tests/fuzz/corpus/NAME/ and tests/fuzz/regress/NAME/ (crashes found before),
#   then FUZZ_RUNS (default 2000) mutations of them, under ASan and UBSan; any crash, leak, timeout
#   (10 s an input) or out-of-memory fails it. Skipped, with the reason, when clang cannot link a
#   fuzzer (sh tests/install-deps.sh installs libclang-rt-14-dev).
# Example tests: tests/examples/NAME.stp; stdout must equal NAME.expected, stderr must contain each
#   line of NAME.expected-stderr, status must be NAME.expected-status (default 0). Names listed
#   in tests/examples/XFAIL ("name: reason") are expected failures, reported as skips.
# Live tests:  tests/live/NAME.stp, with header directives
#     # TIMEOUT: 20          seconds before the test is killed (default 20)
#     # ARGS: -T 1           bstap options, before the script
#     # SCRIPT-ARGS: a b     script arguments, after the script
#     # EXPECT-STATUS: 1     exit status (default 0)
#     # EXPECT-STDERR: text  stderr must contain text (repeatable)
#     # REQUIRES: command    shell command that must succeed, else SKIP
#   stdout must equal NAME.expected if it exists; otherwise it must contain the line "END PASS"
#   and no line containing "FAIL" (self-checking scripts).
#   tests/live/NAME.sh: run with sh, environment BSTAP (binary), BSTAP_OPT (unsanitized binary),
#   LIVE_DIR, SCRATCH (an empty directory); exit 0 = pass, 77 = skip (last stdout line is the
#   reason), anything else = fail (its output is shown). The same TIMEOUT/REQUIRES directives apply.
#   Every example and live test is checked for BPF programs and links left behind.
# VM tests:  tests/vm/*.stp (tests/vm/run.sh says how), compiled here and run in one qemu boot of
#   Debian's 6.1 kernel, which has the kprobes and fentry this machine's kernel lacks. VM=0 skips.

set -u

abspath() { (cd "$1" 2>/dev/null && pwd) || echo "$1"; }
B=$(abspath "${1:-build}")
S=$(abspath "${2:-${1:-build}-san}")
F=$(abspath "${3:-${1:-build}-fuzz}")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1

if [ -z "${BSTAP:-}" ]; then
	if [ -x "$S/bstap" ]; then BSTAP=$S/bstap; else BSTAP=$B/bstap; fi
fi
BSTAP_LIVE=${BSTAP_LIVE:-$BSTAP}
absbin() { case "$1" in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
BSTAP=$(absbin "$BSTAP")
BSTAP_LIVE=$(absbin "$BSTAP_LIVE")
BSTAP_OPT=${BSTAP_OPT:-$B/bstap}
[ -x "$BSTAP_OPT" ] || BSTAP_OPT=$BSTAP_LIVE
export BSTAP BSTAP_LIVE BSTAP_OPT
# Sanitizer reports must fail the test: UBSan aborts (-fno-sanitize-recover), ASan exits non-zero.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bstap-test.XXXXXX") || exit 1
cleanup() {
	if [ "${KEEP:-0}" = 1 ]; then echo "scratch kept in $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

npass=0 nfail=0 nskip=0
START=$(date +%s)

pass() { npass=$((npass + 1)); echo "PASS $1"; }
skip() { nskip=$((nskip + 1)); echo "SKIP $1: $2"; }
# fail NAME [FILE-or-text...]: each further argument is a file (shown, indented) or a line of text.
fail() {
	nfail=$((nfail + 1))
	echo "FAIL $1"
	shift
	for d in "$@"; do
		if [ -f "$d" ]; then
			head -n 60 "$d" | sed 's/^/    /'
			n=$(wc -l <"$d")
			[ "$n" -gt 60 ] && echo "    ... ($n lines)"
		else
			printf '%s\n' "$d" | sed 's/^/    /'
		fi
	done
}
selected() {
	[ -z "${TESTS:-}" ] && return 0
	case "$1" in *"$TESTS"*) return 0 ;; esac
	return 1
}
# Append "label: diff" to $TMP/why when the two files differ; return 1 then.
same() { # label expected actual
	if ! diff -u --label "expected $1" --label "actual $1" "$2" "$3" >"$TMP/diff" 2>&1; then
		cat "$TMP/diff" >>"$TMP/why"
		return 1
	fi
	return 0
}
status_word() { # exit status -> text
	case "$1" in
	124) echo "timed out" ;;
	137) echo "killed after the timeout" ;;
	13[0-9] | 1[4-9][0-9]) echo "status $1 (signal $(($1 - 128)))" ;;
	*) echo "status $1" ;;
	esac
}

# ---------------------------------------------------------------- unit tests
run_unit() {
	found=0
	for t in "$S"/unit/test_*; do
		[ -f "$t" ] && [ -x "$t" ] || continue
		case "$t" in *.d | *.o) continue ;; esac
		found=1
		tn=unit/$(basename "$t")
		selected "$tn" || continue
		timeout 120 "$t" >"$TMP/u.out" 2>"$TMP/u.err"
		rc=$?
		summary=0 nf=0
		while IFS= read -r line; do
			case "$line" in
			"unit: "*) summary=1 ;;
			*": PASS") pass "$tn/${line%: PASS}" ;;
			*": FAIL") nf=$((nf + 1)); fail "$tn/${line%: FAIL}" ;;
			esac
		done <"$TMP/u.out"
		if [ "$nf" -gt 0 ]; then
			echo "    $tn stderr:"
			sed 's/^/    /' "$TMP/u.err" | head -n 60
		elif [ "$summary" = 0 ] || [ "$rc" != 0 ]; then
			fail "$tn" "$(status_word $rc), summary line $([ $summary = 1 ] && echo present || echo missing)" "$TMP/u.err"
		fi
	done
	[ "$found" = 1 ] || { selected unit && skip unit "no unit test binaries in $S/unit (make unit-tests)"; }
}

# ---------------------------------------------------------------- layers
# make check-layers on this tree must pass, and on a copy with a forbidden include and a
# runner link map holding a compiler object it must fail, naming both.
run_layers() {
	selected layers || return 0
	if sh tests/check-layers.sh "$B" >"$TMP/layers.out" 2>&1; then
		pass layers/this-tree
	else
		fail layers/this-tree "$TMP/layers.out"
	fi
	bad=$TMP/layers-bad
	mkdir -p "$bad/tree" "$bad/build/obj/lang"
	cp -r prog lang bpf loader runtime driver "$bad/tree/"
	echo '#include "runtime/session.h"' >>"$bad/tree/prog/arena.c"
	echo '#include "lang/parse.h"' >>"$bad/tree/loader/load.c"
	printf '%s\n' "$bad/build/obj/runtime/run_main.o" "$bad/build/obj/lang/parse.o" >"$bad/build/bstap-run.map"
	if LAYERS_ROOT=$bad/tree sh tests/check-layers.sh "$bad/build" >"$TMP/layers.out" 2>&1; then
		fail layers/detects-offences "check-layers passed a tree that breaks the layers" "$TMP/layers.out"
	elif grep -q 'prog/arena.c includes "runtime/session.h"' "$TMP/layers.out" &&
	     grep -q 'loader/load.c includes "lang/parse.h"' "$TMP/layers.out" &&
	     grep -q 'obj/lang/parse.o' "$TMP/layers.out"; then
		pass layers/detects-offences
	else
		fail layers/detects-offences "check-layers failed without naming each offence" "$TMP/layers.out"
	fi
}

# ---------------------------------------------------------------- golden tests
run_golden() {
	for dir in parseok parseko semok semko transok transko; do
		for f in tests/golden/$dir/*.stp; do
			[ -f "$f" ] || continue
			base=$(basename "$f")
			name=golden/$dir/${base%.stp}
			selected "$name" || continue
			opts=$(sed -n '1s/^#![ ]*bstap//p' "$f")
			(cd "tests/golden/$dir" && exec timeout 30 "$BSTAP" $opts "$base") \
				>"$TMP/g.out" 2>"$TMP/g.err"
			rc=$?
			: >"$TMP/why"
			ok=1
			exp=0
			[ -f "$f.status" ] && exp=$(cat "$f.status")
			if [ "$rc" != "$exp" ]; then
				echo "exit $(status_word $rc), expected $exp" >>"$TMP/why"
				ok=0
			fi
			[ -f "$f.out" ] && cp "$f.out" "$TMP/g.exp" || : >"$TMP/g.exp"
			same stdout "$TMP/g.exp" "$TMP/g.out" || ok=0
			[ -f "$f.err" ] && cp "$f.err" "$TMP/g.exp" || : >"$TMP/g.exp"
			same stderr "$TMP/g.exp" "$TMP/g.err" || ok=0
			if [ $ok = 1 ]; then pass "$name"; else fail "$name" "$TMP/why"; fi
		done
	done
}

# ---------------------------------------------------------------- fuzz targets
run_fuzz() {
	for src in tests/fuzz/fuzz_*.c; do
		[ -f "$src" ] || continue
		n=$(basename "$src" .c)
		n=${n#fuzz_}
		name=fuzz/$n
		selected "$name" || continue
		bin=$F/fuzz_$n
		if [ ! -x "$bin" ]; then
			if why=$(sh tests/fuzz/have-fuzzer.sh); then
				fail "$name" "no binary at $bin (make fuzz-build)"
			else
				skip "$name" "$why"
			fi
			continue
		fi
		rm -rf "$TMP/fz"
		mkdir -p "$TMP/fz/new" "$TMP/fz/crash"
		set --
		for d in tests/fuzz/corpus/$n tests/fuzz/regress/$n; do
			[ -d "$d" ] && set -- "$@" "$d"
		done
		dict=
		[ -f tests/fuzz/stap.dict ] && dict=-dict=tests/fuzz/stap.dict
		[ -f "tests/fuzz/$n.dict" ] && dict=-dict=tests/fuzz/$n.dict
		# the first directory collects what the run finds: a scratch one, so the tree stays as it is
		(ASAN_OPTIONS=detect_leaks=1 timeout -k 5 300 "$bin" -runs="${FUZZ_RUNS:-2000}" -seed=1 \
			-timeout=10 -rss_limit_mb=2048 $dict -artifact_prefix="$TMP/fz/crash/" \
			"$TMP/fz/new" "$@") >"$TMP/fz/log" 2>&1
		rc=$?
		if [ $rc = 0 ] && grep -q '^Done [0-9]* runs' "$TMP/fz/log"; then
			pass "$name"
		else
			grep -E 'ERROR|SUMMARY|^    #[0-9] |Test unit written|runtime error' "$TMP/fz/log" >"$TMP/fz/why"
			for a in "$TMP"/fz/crash/*; do
				[ -f "$a" ] || continue
				mkdir -p "$S/fuzz-crash/$n"
				cp "$a" "$S/fuzz-crash/$n/"
				echo "input kept as $S/fuzz-crash/$n/$(basename "$a") (add it to tests/fuzz/regress/$n/ once fixed)" >>"$TMP/fz/why"
			done
			fail "$name" "$(status_word $rc)" "$TMP/fz/why"
		fi
	done
}

# ---------------------------------------------------------------- leak check
# BPF programs and links present now, one "prog ID NAME" / "link ID" per line, sorted.
bpf_objects() {
	{
		bpftool prog list 2>/dev/null | sed -n 's/^\([0-9][0-9]*\): [^ ]*  *name \([^ ]*\).*/prog \1 \2/p;
			s/^\([0-9][0-9]*\): [^ ]*  *tag.*/prog \1 -/p'
		bpftool link list 2>/dev/null | sed -n 's/^\([0-9][0-9]*\): \([^ ]*\).*/link \1 \2/p'
	} | sort
}
HAVE_BPFTOOL=0
command -v bpftool >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && HAVE_BPFTOOL=1
leak_before() {
	[ "${LEAK_CHECK:-1}" = 1 ] && [ $HAVE_BPFTOOL = 1 ] || return 0
	bpf_objects >"$TMP/bpf.before"
}
# Returns 1 and appends to $TMP/why when programs or links appeared and stay (freeing is
# asynchronous after the last fd closes, so give the kernel up to 3 seconds).
leak_after() {
	[ "${LEAK_CHECK:-1}" = 1 ] && [ $HAVE_BPFTOOL = 1 ] || return 0
	i=0
	while :; do
		bpf_objects >"$TMP/bpf.after"
		comm -13 "$TMP/bpf.before" "$TMP/bpf.after" >"$TMP/bpf.new"
		[ -s "$TMP/bpf.new" ] || return 0
		i=$((i + 1))
		[ $i -ge 30 ] && break
		sleep 0.1
	done
	echo "BPF objects left behind after exit:" >>"$TMP/why"
	sed 's/^/  /' "$TMP/bpf.new" >>"$TMP/why"
	return 1
}

# header directive value(s): directive FILE NAME
directive() { sed -n "1,40s/^#[ ]*$2:[ ]*//p" "$1"; }

# Check $TMP/l.err contains each line of the file $1.
stderr_has() {
	r=0
	while IFS= read -r want; do
		[ -n "$want" ] || continue
		if ! grep -qF -- "$want" "$TMP/l.err"; then
			echo "stderr lacks: $want" >>"$TMP/why"
			r=1
		fi
	done <"$1"
	return $r
}

# ---------------------------------------------------------------- example tests
run_examples() {
	for f in tests/examples/*.stp; do
		[ -f "$f" ] || continue
		base=$(basename "$f" .stp)
		name=examples/$base
		selected "$name" || continue
		[ -n "$live_skip" ] && { skip "$name" "$live_skip"; continue; }
		xfail=$(sed -n "s/^$base:[ ]*//p" tests/examples/XFAIL 2>/dev/null)
		leak_before
		(cd tests/examples && exec timeout -k 5 60 "$BSTAP_LIVE" "$base.stp") >"$TMP/l.out" 2>"$TMP/l.err"
		rc=$?
		: >"$TMP/why"
		ok=1
		exp=0
		[ -f "tests/examples/$base.expected-status" ] && exp=$(cat "tests/examples/$base.expected-status")
		if [ "$rc" != "$exp" ]; then
			echo "exit $(status_word $rc), expected $exp" >>"$TMP/why"
			ok=0
		fi
		[ -f "tests/examples/$base.expected" ] && cp "tests/examples/$base.expected" "$TMP/l.exp" || : >"$TMP/l.exp"
		same stdout "$TMP/l.exp" "$TMP/l.out" || ok=0
		if [ -f "tests/examples/$base.expected-stderr" ]; then
			stderr_has "tests/examples/$base.expected-stderr" || ok=0
		fi
		leak_after || ok=0
		if [ $ok = 0 ] && [ -s "$TMP/l.err" ]; then
			echo "stderr:" >>"$TMP/why"
			head -n 20 "$TMP/l.err" | sed 's/^/  /' >>"$TMP/why"
		fi
		if [ -n "$xfail" ]; then
			if [ $ok = 1 ]; then
				pass "$name (expected to fail, passed: remove it from tests/examples/XFAIL)"
			else
				skip "$name" "expected failure: $xfail"
			fi
		elif [ $ok = 1 ]; then
			pass "$name"
		else
			fail "$name" "$TMP/why"
		fi
	done
}

# ---------------------------------------------------------------- live tests
run_live() {
	for f in tests/live/*.stp tests/live/*.sh; do
		[ -f "$f" ] || continue
		file=$(basename "$f")
		name=live/${file%.*}
		selected "$name" || continue
		[ -n "$live_skip" ] && { skip "$name" "$live_skip"; continue; }
		to=$(directive "$f" TIMEOUT | head -n 1)
		to=${to:-20}
		req=$(directive "$f" REQUIRES | head -n 1)
		if [ -n "$req" ] && ! sh -c "$req" >/dev/null 2>&1; then
			skip "$name" "requires: $req"
			continue
		fi
		: >"$TMP/why"
		ok=1
		rm -rf "$TMP/scratch"
		mkdir -p "$TMP/scratch"
		leak_before
		case "$f" in
		*.sh)
			(cd tests/live && BSTAP=$BSTAP_LIVE LIVE_DIR=$ROOT/tests/live SCRATCH=$TMP/scratch \
				exec timeout -k 5 "$to" sh "$file") >"$TMP/l.out" 2>"$TMP/l.err"
			rc=$?
			if [ $rc = 77 ]; then
				leak_after || true
				skip "$name" "$(tail -n 1 "$TMP/l.out")"
				continue
			fi
			if [ $rc != 0 ]; then
				echo "$(status_word $rc)" >>"$TMP/why"
				ok=0
			fi
			;;
		*.stp)
			args=$(directive "$f" ARGS | head -n 1)
			sargs=$(directive "$f" SCRIPT-ARGS | head -n 1)
			exp=$(directive "$f" EXPECT-STATUS | head -n 1)
			exp=${exp:-0}
			(cd tests/live && exec timeout -k 5 "$to" "$BSTAP_LIVE" $args "$file" $sargs) \
				>"$TMP/l.out" 2>"$TMP/l.err"
			rc=$?
			if [ "$rc" != "$exp" ]; then
				echo "exit $(status_word $rc), expected $exp" >>"$TMP/why"
				ok=0
			fi
			if [ -f "${f%.stp}.expected" ]; then
				same stdout "${f%.stp}.expected" "$TMP/l.out" || ok=0
			elif ! grep -qx 'END PASS' "$TMP/l.out" || grep -q 'FAIL' "$TMP/l.out"; then
				echo "stdout has no END PASS line, or has a FAIL line" >>"$TMP/why"
				ok=0
			fi
			directive "$f" EXPECT-STDERR >"$TMP/l.want"
			stderr_has "$TMP/l.want" || ok=0
			;;
		esac
		leak_after || ok=0
		if [ $ok = 1 ]; then
			pass "$name"
		else
			if [ -s "$TMP/l.out" ]; then
				echo "stdout:" >>"$TMP/why"
				head -n 30 "$TMP/l.out" | sed 's/^/  /' >>"$TMP/why"
			fi
			if [ -s "$TMP/l.err" ]; then
				echo "stderr:" >>"$TMP/why"
				head -n 30 "$TMP/l.err" | sed 's/^/  /' >>"$TMP/why"
			fi
			fail "$name" "$TMP/why"
		fi
	done
}

# VM tests (tests/vm/run.sh): kernel functions on Debian's 6.1 kernel in qemu; VM=0 skips them
run_vm() {
	case "${TESTS:-vm}" in vm*) ;; *) return 0 ;; esac
	if [ "${VM:-1}" = 0 ] || [ "${LIVE:-1}" = 0 ]; then
		skip vm "VM=0 or LIVE=0 given"
		return 0
	fi
	TESTS=${TESTS:-} sh "$ROOT/tests/vm/run.sh" "$B" >"$TMP/vm.out" 2>&1
	vm_fail=
	while IFS= read -r line; do
		case "$line" in
		"  "*) [ -n "$vm_fail" ] && printf '%s\n' "$line" >>"$TMP/vm.why"; continue ;;
		esac
		[ -n "$vm_fail" ] && fail "$vm_fail" "$TMP/vm.why"
		vm_fail=
		case "$line" in
		"PASS "*) pass "${line#PASS }" ;;
		"SKIP vm: "*) skip vm "${line#SKIP vm: }" ;;
		"SKIP vm/"*) vm_n=${line#SKIP }; skip "${vm_n%%:*}" "${vm_n#*: }" ;;
		"FAIL "*) vm_fail=${line#FAIL }; : >"$TMP/vm.why" ;;
		esac
	done <"$TMP/vm.out"
	[ -n "$vm_fail" ] && fail "$vm_fail" "$TMP/vm.why"
	return 0
}

# ---------------------------------------------------------------- main
run_layers
run_unit
if [ -x "$BSTAP" ]; then
	run_golden
else
	selected golden && fail golden "no bstap binary at $BSTAP (make all san)"
fi
run_fuzz

live_skip=
if [ "${LIVE:-1}" = 0 ]; then
	live_skip="LIVE=0 given"
elif [ "$(id -u)" != 0 ]; then
	live_skip="not root (live tests load BPF programs)"
elif [ ! -r /sys/kernel/btf/vmlinux ]; then
	live_skip="no BTF at /sys/kernel/btf/vmlinux"
elif [ ! -x "$BSTAP_LIVE" ]; then
	live_skip="no bstap binary at $BSTAP_LIVE"
fi
if [ -z "$live_skip" ] && [ $HAVE_BPFTOOL = 0 ] && [ "${LEAK_CHECK:-1}" = 1 ]; then
	skip "leak-checks" "bpftool not installed (sh tests/install-deps.sh)"
fi
run_examples
run_live
run_vm

echo "($(($(date +%s) - START)) s)"
if [ $nskip -gt 0 ]; then
	echo "$npass passed, $nfail failed, $nskip skipped"
else
	echo "$npass passed, $nfail failed"
fi
[ $nfail = 0 ]
