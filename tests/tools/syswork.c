/*
 * syswork: the system-call alias tests' workload (tests/live/syscalls-*.sh). After --delay MS
 * (default 0: under `bstap -c` the probes are attached before it starts) it makes exactly
 * these calls, each with raw syscall(2), then ends with exit_group(3):
 *
 *   openat(AT_FDCWD, "/dev/null", O_RDWR|O_CLOEXEC)          -> fd (3 when run with 0-2 open)
 *   openat(AT_FDCWD, "/nonexistent/bstap", O_RDONLY)         -> -2 (ENOENT)
 *   openat(AT_FDCWD, DIR "/syswork.out", O_WRONLY|O_CREAT|O_TRUNC, 0640)  (with --dir DIR)
 *   read(fd, buf, 16)                                        -> 0
 *   write(fd, "hello\n", 6)                                  -> 6
 *   mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
 *   kill(getpid(), SIGCHLD)                                  -> 0 (ignored by default)
 *   clone(SIGCHLD, 0, 0, 0, 0): the child exits with exit_group(7); the parent waits for it
 *   exit_group(3)
 *
 * Linked statically so that no dynamic loader adds calls before these.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long delay = 0;
	const char *dir = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--delay") && i + 1 < argc)
			delay = atol(argv[++i]);
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else {
			fprintf(stderr, "usage: syswork [--delay MS] [--dir DIR]\n");
			return 2;
		}
	}
	char path[4096] = "";
	if (dir)
		snprintf(path, sizeof(path), "%s/syswork.out", dir);
	if (delay) {
		struct timespec ts = { delay / 1000, (delay % 1000) * 1000000 };
		nanosleep(&ts, NULL);
	}
	static char buf[16];
	long fd = syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDWR | O_CLOEXEC);
	syscall(SYS_openat, AT_FDCWD, "/nonexistent/bstap", O_RDONLY);
	if (dir) {
		long out = syscall(SYS_openat, AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, 0640);
		if (out >= 0)
			syscall(SYS_close, out);
	}
	syscall(SYS_read, fd, buf, 16);
	syscall(SYS_write, fd, "hello\n", 6);
	syscall(SYS_mmap, NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	syscall(SYS_kill, syscall(SYS_getpid), SIGCHLD);
	long child = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (child == 0)
		syscall(SYS_exit_group, 7);
	if (child > 0)
		syscall(SYS_wait4, child, NULL, 0, NULL);
	syscall(SYS_exit_group, 3);
	return 3;
}
