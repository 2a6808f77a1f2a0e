/* The online CPUs, which the perf-event kinds open an event on each of. */
#include "loader/kind.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* Fill cpus with the online CPU ids (at most max); returns how many, or -errno. */
int ldr_online_cpus(int *cpus, int max)
{
	FILE *f = fopen("/sys/devices/system/cpu/online", "re");
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
