/* bench helper: run a command N times; print ms from launch to its first output line, and to exit. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * Usage: firstline [-p PREP] N CMD [ARGS...]
 * PREP is a shell command run (untimed) before every run, e.g. emptying a cache directory.
 * Prints one line per run: "<ms to first line> <ms to exit> <status>"; the command's stderr
 * goes to ours, its stdout is read and dropped. A run that prints nothing reports -1.
 */
int main(int argc, char **argv)
{
	const char *prep = NULL;
	int i = 1;
	if (argc > 2 && !strcmp(argv[1], "-p")) {
		prep = argv[2];
		i = 3;
	}
	if (argc - i < 2) {
		fputs("usage: firstline [-p PREP] N CMD [ARGS...]\n", stderr);
		return 2;
	}
	int n = atoi(argv[i]);
	char **cmd = argv + i + 1;
	for (int run = 0; run < n; run++) {
		if (prep && system(prep) != 0) {
			fprintf(stderr, "firstline: prep command failed: %s\n", prep);
			return 2;
		}
		int p[2];
		if (pipe(p))
			return 2;
		double t0 = now_ms();
		pid_t pid = fork();
		if (pid < 0)
			return 2;
		if (pid == 0) {
			dup2(p[1], 1);
			close(p[0]);
			close(p[1]);
			execvp(cmd[0], cmd);
			fprintf(stderr, "firstline: cannot run %s: %s\n", cmd[0], strerror(errno));
			_exit(127);
		}
		close(p[1]);
		double first = -1;
		char buf[4096];
		ssize_t r;
		while ((r = read(p[0], buf, sizeof(buf))) != 0) {
			if (r < 0) {
				if (errno == EINTR)
					continue;
				break;
			}
			if (first < 0 && memchr(buf, '\n', (size_t)r))
				first = now_ms() - t0;
		}
		close(p[0]);
		int status;
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
		double end = now_ms() - t0;
		printf("%.2f %.2f %d\n", first, end, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		fflush(stdout);
	}
	return 0;
}
