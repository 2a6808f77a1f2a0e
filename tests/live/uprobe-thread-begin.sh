# process.thread.begin / .thread.end, and process("PATH").thread.begin: each thread the program
# starts, in the new thread's own context (its return from clone3), and its end; the main
# thread is neither.
# TIMEOUT: 60
. "$LIVE_DIR/../lib.sh"
need_sysload
cp "$SYSLOAD" ./sysload
cat >t.stp <<'STP'
global b, e, pb
probe process.thread.begin { if (pid() == target()) { b++; printf("begin %s %d\n", execname(), pid() != tid()) } }
probe process.thread.end { if (pid() == target()) e++ }
probe process("./sysload").thread.begin { pb++ }
probe end { printf("b=%d e=%d path=%d\n", b, e, pb) }
STP
"$BSTAP" -c "./sysload --delay 0 --thread --thread --thread" t.stp >out 2>err || { cat err; fail "bstap"; }
expect_file_eq "threads" out "begin sysload 1
begin sysload 1
begin sysload 1
b=3 e=3 path=3"
exit 0
