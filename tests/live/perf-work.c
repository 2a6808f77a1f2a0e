/*
 * Load for the perf.* live tests (tests/live/perf-*.sh compile it into their scratch dir):
 *
 *   perf-work spin MS          burn MS milliseconds of this process's CPU time
 *   perf-work touch N [LOOPS]  fault in N new pages, LOOPS times (0: until killed)
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static long cpu_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "spin")) {
		long ms = atol(argv[2]);
		volatile unsigned long x = 0;
		while (cpu_ms() < ms)
			for (int i = 0; i < 100000; i++)
				x += (unsigned long)i;
		return 0;
	}
	if (argc >= 3 && !strcmp(argv[1], "touch")) {
		long n = atol(argv[2]);
		long loops = argc > 3 ? atol(argv[3]) : 1;
		long page = sysconf(_SC_PAGESIZE);
		for (long l = 0; loops == 0 || l < loops; l++) {
			char *p = mmap(NULL, (size_t)(n * page), PROT_READ | PROT_WRITE,
				       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			if (p == MAP_FAILED) {
				perror("mmap");
				return 1;
			}
			for (long i = 0; i < n; i++)
				p[i * page] = 1;	/* one fault per new page */
			munmap(p, (size_t)(n * page));
		}
		return 0;
	}
	fprintf(stderr, "usage: perf-work spin MS | touch N [LOOPS]\n");
	return 2;
}
