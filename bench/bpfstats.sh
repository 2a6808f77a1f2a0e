# Sourced by the benchmarks: the kernel's BPF statistics (kernel.bpf_stats_enabled) per program.

# The highest BPF program id now: programs loaded later have higher ones.
max_prog_id() { bpftool prog show -j 2>/dev/null | python3 -c 'import json,sys; print(max([p["id"] for p in json.load(sys.stdin)] or [0]))'; }

# "NS RUNS": ns per run and runs of the perf_event programs newer than id $1 ("-1 0": none ran)
prog_cost() {
	bpftool prog show -j 2>/dev/null | python3 -c '
import json, sys
after = int(sys.argv[1])
t = n = 0
for p in json.load(sys.stdin):
    if p["id"] > after and p.get("type") == "perf_event":
        t += p.get("run_time_ns", 0); n += p.get("run_cnt", 0)
print("%.0f %d" % (t / n if n else -1, n))' "$1"
}

# The median of the numbers on stdin, one a line ("-" when there are none).
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'; }
