#!/bin/sh
# Kernel function probes' cost in the VM of tests/vm (TCG: relative figures only): a getppid()
# loop (bench/getppid_loop.c) with no probe, then with kprobe, kretprobe, fentry and fexit
# probes on __task_pid_nr_ns (which getppid calls), empty and counting. Prints each run's
# "calls N ns NS ns_per_call X" line; the added cost is the difference to 0-base.
#   sh bench/vm/run.sh [BUILD_DIR]
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-$ROOT/build}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cc -O2 -static -o "$T/getppid_loop" "$ROOT/bench/getppid_loop.c"
BSTAP_VM_DIR=$ROOT/bench/vm BSTAP_VM_BIN="$T/getppid_loop" SHOW=1 sh "$ROOT/tests/vm/run.sh" "$B"
