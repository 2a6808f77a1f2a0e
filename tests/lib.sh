# Helpers for tests/live/*.sh (sourced; POSIX sh). tests/run.sh sets BSTAP, BSTAP_OPT, LIVE_DIR
# and SCRATCH; a test exits 0 to pass, 77 to skip (last line of stdout: the reason), else fails.

: "${BSTAP:?BSTAP not set: run through tests/run.sh}"
: "${SCRATCH:=$(mktemp -d)}"
cd "$SCRATCH" || exit 1

fail() { echo "FAIL: $*"; exit 1; }
skip() { echo "$*"; exit 77; }

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() { [ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"; }
# expect_file_eq WHAT FILE EXPECTED-TEXT: the file must hold exactly the text (plus final newline)
expect_file_eq() {
	printf '%s\n' "$3" >"$2.want"
	diff -u "$2.want" "$2" >"$2.diff" || { cat "$2.diff"; fail "$1 differs"; }
}
# expect_grep WHAT FILE PATTERN (grep -E)
expect_grep() { grep -Eq -- "$3" "$2" || { sed 's/^/  | /' "$2"; fail "$1: no line matches /$3/"; }; }
expect_no_grep() { ! grep -Eq -- "$3" "$2" || { sed 's/^/  | /' "$2"; fail "$1: a line matches /$3/"; }; }

# start_bg OUT ERR ARGS...: start bstap in the background with SIGINT at its default disposition
# (a non-interactive shell would start it with SIGINT ignored); its pid is in $bg_pid.
start_bg() {
	_out=$1 _err=$2
	shift 2
	if env --default-signal=INT true 2>/dev/null; then
		env --default-signal=INT "$BSTAP" "$@" >"$_out" 2>"$_err" &
	else
		"$BSTAP" "$@" >"$_out" 2>"$_err" &
	fi
	bg_pid=$!
}
# wait_for FILE PATTERN SECONDS: until a line of FILE matches, or fail
wait_for() {
	_i=0
	while ! grep -Eq -- "$2" "$1" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -gt $(($3 * 10)) ] && { sed 's/^/  | /' "$1"; fail "no /$2/ in $1 after $3 s"; }
		kill -0 "$bg_pid" 2>/dev/null || { sleep 0.2; grep -Eq -- "$2" "$1" && return 0;
			sed 's/^/  | /' "$1" err 2>/dev/null; fail "bstap exited before printing /$2/"; }
		sleep 0.1
	done
}
# wait_exit SECONDS: wait for $bg_pid to end within SECONDS (else kill it and fail); status in $bg_rc
wait_exit() {
	_i=0
	while kill -0 "$bg_pid" 2>/dev/null; do
		_i=$((_i + 1))
		if [ $_i -gt $(($1 * 10)) ]; then
			kill -KILL "$bg_pid" 2>/dev/null
			wait "$bg_pid" 2>/dev/null
			fail "bstap still running $1 s after the signal"
		fi
		sleep 0.1
	done
	wait "$bg_pid"
	bg_rc=$?
}
# burst_script FILE: a script that prints "started", then 50 records per millisecond from a
# 1 ms timer, and "fired N" (the firings) at the end: the ring-buffer tests' load.
burst_script() {
	cat >"$1" <<'STP'
global n
probe begin { println("started") }
probe timer.ms(1) {
	n++
	for (i = 0; i < 50; i++)
		printf("record %d %d ................................................................\n", n, i)
}
probe end { printf("fired %d\n", n) }
STP
}
# need_sysload: set $SYSLOAD to the tracepoint tests' system-call load (tests/tools/sysload.c,
# built by make into BUILD/tests/sysload), or fail
need_sysload() {
	SYSLOAD=${BSTAP_OPT:-$BSTAP}
	SYSLOAD=${SYSLOAD%/bstap}/tests/sysload
	[ -x "$SYSLOAD" ] || SYSLOAD=${BSTAP%/bstap}/tests/sysload
	[ -x "$SYSLOAD" ] || fail "no sysload at $SYSLOAD: make builds it"
}
# need_syswork: set $SYSWORK to the system-call alias tests' workload (tests/tools/syswork.c)
need_syswork() {
	SYSWORK=${BSTAP_OPT:-$BSTAP}
	SYSWORK=${SYSWORK%/bstap}/tests/syswork
	[ -x "$SYSWORK" ] || SYSWORK=${BSTAP%/bstap}/tests/syswork
	[ -x "$SYSWORK" ] || fail "no syswork at $SYSWORK: make builds it"
}
# tracefs: mount it at /sys/kernel/tracing when it is not, and set $TRACEFS
need_tracefs() {
	TRACEFS=/sys/kernel/tracing
	[ -d "$TRACEFS/events" ] || mount -t tracefs nodev "$TRACEFS" 2>/dev/null
	[ -d "$TRACEFS/events" ] || fail "no tracefs at $TRACEFS and cannot mount it"
}
