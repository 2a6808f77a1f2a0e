/* timer.* probes: one cpu-clock perf event per interval (system-wide) or per CPU (profile). */
#include "timer.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int timer_perf_open(uint64_t period_ns, int cpu)
{
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = PERF_COUNT_SW_CPU_CLOCK;
	attr.sample_period = period_ns;	/* cpu-clock counts nanoseconds */
	attr.disabled = 0;
	long fd = syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

int timer_online_cpus(int *cpus, int max)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "r");
	if (!f)
		return -errno;
	char buf[4096];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	int count = 0;
	/* "0-3,5,7-8" */
	for (char *p = buf; *p && *p != '\n' && count < max;) {
		char *end;
		long a = strtol(p, &end, 10);
		if (end == p)
			return -EINVAL;
		long b = a;
		p = end;
		if (*p == '-') {
			b = strtol(p + 1, &end, 10);
			if (end == p + 1)
				return -EINVAL;
			p = end;
		}
		for (long c = a; c <= b && count < max; c++)
			cpus[count++] = (int)c;
		if (*p == ',')
			p++;
	}
	return count;
}
