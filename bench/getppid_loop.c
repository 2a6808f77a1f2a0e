/*
 * getppid_loop: the hot event of bench/events.sh. It blocks SIGUSR1 and waits for it (so a
 * tracer can attach to its pid first), then makes N getppid() system calls as fast as it can,
 * or paced at RATE calls per second (-r), and writes "calls N ns NS ns_per_call X.Y" to FILE
 * (-o, default stdout). Run it pinned to one CPU (taskset) for steady figures.
 *
 *   getppid_loop [-n N] [-r RATE] [-o FILE] [-w READY] [-g]
 *
 * -g: start at once, without SIGUSR1; -w READY: create the file READY once SIGUSR1 is blocked
 * (a SIGUSR1 sooner would kill it).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);	/* the vDSO: no system call */
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = 3000000;
	double rate = 0;
	const char *out = NULL, *ready = NULL;
	int go = 0, c;
	while ((c = getopt(argc, argv, "n:r:o:w:g")) != -1) {
		switch (c) {
		case 'n': n = atol(optarg); break;
		case 'r': rate = atof(optarg); break;
		case 'o': out = optarg; break;
		case 'w': ready = optarg; break;
		case 'g': go = 1; break;
		default:
			fprintf(stderr, "usage: getppid_loop [-n N] [-r RATE] [-o FILE] [-w READY] [-g]\n");
			return 2;
		}
	}
	if (!go) {
		sigset_t set;
		int sig;
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		if (ready) {
			int fd = open(ready, O_WRONLY | O_CREAT | O_TRUNC, 0600);
			if (fd < 0)
				return 1;
			close(fd);
		}
		sigwait(&set, &sig);
	}
	long long t0 = now_ns();
	if (rate > 0) {
		double step = 1e9 / rate;
		for (long i = 0; i < n; i++) {
			long long due = t0 + (long long)(i * step);
			while (now_ns() < due)
				;
			syscall(SYS_getppid);
		}
	} else {
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
	}
	long long t = now_ns() - t0;
	FILE *f = out ? fopen(out, "w") : stdout;
	if (!f)
		return 1;
	fprintf(f, "calls %ld ns %lld ns_per_call %.1f\n", n, t, n ? (double)t / n : 0.0);
	return fclose(f) ? 1 : 0;
}
