/*
 * sysload: a deterministic system-call load for the tracepoint tests (tests/live/tp-*.sh).
 *
 *   sysload [--delay MS] [--report FILE] ACTION...
 *
 * It first sleeps --delay milliseconds (default 200: time for a tracer that found its pid some
 * other way to attach; under `bstap -c` the probes are attached before it starts), then does
 * the actions in the order given, each with raw syscall(2) so that no library call adds,
 * caches or changes a system call:
 *
 *   --openat PATH N    openat(AT_FDCWD, PATH, O_RDONLY|O_CLOEXEC, 0) N times (a descriptor
 *                      that opens is closed; a PATH that does not exist still makes the call)
 *   --getppid N        getppid() N times          (x86_64 syscall 110)
 *   --getpid N         getpid() N times           (39)
 *   --getpgid N        getpgid(0) N times         (121)
 *   --write K          one write(fd, buf, K) of K bytes of 'x' to /dev/null (opened before the
 *                      delay, so that its openat comes before every action)
 *   --fork-exec        fork(); the child execs /bin/true with no arguments; the parent waits
 *   --sleep MS         nanosleep MS milliseconds (the task switches out)
 *   --fork-exec-path PATH   like --fork-exec, but the child execs PATH (taken from argv, so
 *                      the string is in memory the child has touched; a missing PATH makes
 *                      the child exit with 127)
 *   --mmap K           mmap(NULL, K, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0),
 *                      write one byte to each 4096-byte page of it, munmap it
 *   --tcp K            connect a TCP socket to a listener of its own on 127.0.0.1, send K
 *                      bytes on it, receive them on the accepted socket, close both
 *   --thread           create a thread (pthread_create: clone3 with CLONE_THREAD), which
 *                      returns at once, and join it
 *   --read PATH K      open PATH read-only, read(K bytes), pread64(K bytes at offset 1), close
 *   --cpu N            sched_setaffinity(0) to CPU N alone (the task migrates there if it is
 *                      on another CPU, and stays there)
 *   --kill-child SIG   fork(); the child pauses; the parent sends it SIG with kill(2) (after
 *                      the child has written one byte to a pipe) and waits for it
 *   --udp K            send one K-byte UDP datagram to itself over 127.0.0.1 and receive it
 *
 * --report FILE: at the very end, write one line per child (--fork-exec, --fork-exec-path,
 * --kill-child), "child PID STATUS" (128 + the signal for one killed by a signal), to FILE.
 * Nothing is printed on stdout; errors go to stderr with exit status 2. The binary is linked
 * statically where possible, so that no dynamic loader opens files before the actions.
 */

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "sysload: %s\n", what);
	exit(2);
}

static long count_arg(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0)
		die("a count must be a number >= 0");
	return v;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	while (syscall(SYS_nanosleep, &ts, &ts) != 0 && errno == EINTR)
		;
}

static void *thread_main(void *arg)
{
	return arg;
}

static void usage(void)
{
	fputs("usage: sysload [--delay MS] [--report FILE] [--openat PATH N] [--getppid N]\n"
	      "               [--getpid N] [--getpgid N] [--write K] [--fork-exec] [--sleep MS]...\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	long delay = 200;
	const char *report = NULL;
	int devnull = -1;
	pid_t children[64];
	int statuses[64];
	int nchildren = 0;

	/* first pass: options that apply before the actions, and syntax */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--delay") && i + 1 < argc) {
			delay = count_arg(argv[++i]);
		} else if (!strcmp(a, "--report") && i + 1 < argc) {
			report = argv[++i];
		} else if (!strcmp(a, "--openat") && i + 2 < argc) {
			count_arg(argv[i + 2]);
			i += 2;
		} else if ((!strcmp(a, "--getppid") || !strcmp(a, "--getpid") ||
			    !strcmp(a, "--getpgid") || !strcmp(a, "--sleep") || !strcmp(a, "--cpu") ||
			    !strcmp(a, "--kill-child") || !strcmp(a, "--udp") || !strcmp(a, "--mmap") || !strcmp(a, "--tcp")) && i + 1 < argc) {
			count_arg(argv[++i]);
		} else if (!strcmp(a, "--fork-exec-path") && i + 1 < argc) {
			i++;
		} else if (!strcmp(a, "--read") && i + 2 < argc) {
			count_arg(argv[i + 2]);
			i += 2;
		} else if (!strcmp(a, "--write") && i + 1 < argc) {
			count_arg(argv[++i]);
			if (devnull < 0) {
				devnull = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_WRONLY | O_CLOEXEC, 0);
				if (devnull < 0)
					die("cannot open /dev/null");
			}
		} else if (!strcmp(a, "--fork-exec") || !strcmp(a, "--thread")) {
			;
		} else {
			usage();
		}
	}

	if (delay)
		sleep_ms(delay);

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--delay") || !strcmp(a, "--report")) {
			i++;
		} else if (!strcmp(a, "--openat")) {
			const char *path = argv[i + 1];
			long n = count_arg(argv[i + 2]);
			i += 2;
			for (long k = 0; k < n; k++) {
				long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
				if (fd >= 0)
					syscall(SYS_close, fd);
			}
		} else if (!strcmp(a, "--getppid")) {
			long n = count_arg(argv[++i]);
			for (long k = 0; k < n; k++)
				syscall(SYS_getppid);
		} else if (!strcmp(a, "--getpid")) {
			long n = count_arg(argv[++i]);
			for (long k = 0; k < n; k++)
				syscall(SYS_getpid);
		} else if (!strcmp(a, "--getpgid")) {
			long n = count_arg(argv[++i]);
			for (long k = 0; k < n; k++)
				syscall(SYS_getpgid, 0);
		} else if (!strcmp(a, "--write")) {
			long n = count_arg(argv[++i]);
			char *buf = malloc(n ? (size_t)n : 1);
			if (!buf)
				die("out of memory");
			memset(buf, 'x', n ? (size_t)n : 1);
			if (syscall(SYS_write, devnull, buf, (size_t)n) != n)
				die("write to /dev/null failed");
			free(buf);
		} else if (!strcmp(a, "--fork-exec") || !strcmp(a, "--fork-exec-path")) {
			const char *path = "/bin/true";
			if (!strcmp(a, "--fork-exec-path"))
				path = argv[++i];
			if (nchildren == (int)(sizeof children / sizeof children[0]))
				die("too many --fork-exec");
			pid_t c = fork();
			if (c < 0)
				die("fork failed");
			if (c == 0) {
				char *const args[] = { (char *)path, NULL };
				char *const env[] = { NULL };
				syscall(SYS_execve, path, args, env);
				_exit(127);
			}
			int st = 0;
			while (waitpid(c, &st, 0) < 0 && errno == EINTR)
				;
			children[nchildren] = c;
			statuses[nchildren++] = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		} else if (!strcmp(a, "--sleep")) {
			sleep_ms(count_arg(argv[++i]));
		} else if (!strcmp(a, "--mmap")) {
			long n = count_arg(argv[++i]);
			long m = syscall(SYS_mmap, 0L, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1L, 0L);
			if (m == -1)
				die("mmap failed");
			for (long k = 0; k < n; k += 4096)
				((volatile char *)m)[k] = 1;
			syscall(SYS_munmap, m, n);
		} else if (!strcmp(a, "--tcp")) {
			long n = count_arg(argv[++i]);
			int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);
			if (l < 0 || c < 0)
				die("socket failed");
			struct sockaddr_in sa = { .sin_family = AF_INET };
			sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			socklen_t len = sizeof sa;
			if (bind(l, (struct sockaddr *)&sa, sizeof sa) || listen(l, 1) ||
			    getsockname(l, (struct sockaddr *)&sa, &len))
				die("listen failed");
			if (connect(c, (struct sockaddr *)&sa, sizeof sa))
				die("connect failed");
			int a2 = accept(l, NULL, NULL);
			if (a2 < 0)
				die("accept failed");
			char *buf = calloc(1, n ? (size_t)n : 1);
			if (!buf)
				die("out of memory");
			if (send(c, buf, (size_t)n, 0) != n)
				die("send failed");
			for (long got = 0; got < n;) {
				long r = recv(a2, buf, (size_t)(n - got), 0);
				if (r <= 0)
					die("recv failed");
				got += r;
			}
			free(buf);
			close(a2);
			close(c);
			close(l);
		} else if (!strcmp(a, "--read")) {
			const char *path = argv[i + 1];
			long n = count_arg(argv[i + 2]);
			i += 2;
			char *buf = malloc(n ? (size_t)n : 1);
			if (!buf)
				die("out of memory");
			long fd = syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
			if (fd < 0)
				die("cannot open the --read file");
			syscall(SYS_read, fd, buf, (size_t)n);
			syscall(SYS_pread64, fd, buf, (size_t)n, 1L);
			syscall(SYS_close, fd);
			free(buf);
		} else if (!strcmp(a, "--thread")) {
			pthread_t t;
			if (pthread_create(&t, NULL, thread_main, NULL) || pthread_join(t, NULL))
				die("pthread_create failed");
		} else if (!strcmp(a, "--cpu")) {
			cpu_set_t set;
			CPU_ZERO(&set);
			CPU_SET((int)count_arg(argv[++i]), &set);
			if (syscall(SYS_sched_setaffinity, 0, sizeof set, &set) != 0)
				die("sched_setaffinity failed");
		} else if (!strcmp(a, "--kill-child")) {
			if (nchildren == (int)(sizeof children / sizeof children[0]))
				die("too many children");
			long sig = count_arg(argv[++i]);
			int p[2];
			if (pipe(p))
				die("pipe failed");
			pid_t c = fork();
			if (c < 0)
				die("fork failed");
			if (c == 0) {
				syscall(SYS_write, p[1], "r", 1);
				for (;;)
					pause();
			}
			char r;
			if (syscall(SYS_read, p[0], &r, 1) != 1)
				die("the child did not start");
			close(p[0]);
			close(p[1]);
			syscall(SYS_kill, c, sig);
			int st = 0;
			while (waitpid(c, &st, 0) < 0 && errno == EINTR)
				;
			children[nchildren] = c;
			statuses[nchildren++] = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		} else if (!strcmp(a, "--udp")) {
			long n = count_arg(argv[++i]);
			int s = socket(AF_INET, SOCK_DGRAM, 0);
			if (s < 0)
				die("socket failed");
			struct sockaddr_in sa = { .sin_family = AF_INET };
			sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			socklen_t len = sizeof sa;
			if (bind(s, (struct sockaddr *)&sa, sizeof sa) || getsockname(s, (struct sockaddr *)&sa, &len))
				die("bind failed");
			char *buf = calloc(1, n ? (size_t)n : 1);
			if (!buf)
				die("out of memory");
			if (sendto(s, buf, (size_t)n, 0, (struct sockaddr *)&sa, sizeof sa) != n)
				die("sendto failed");
			if (recv(s, buf, n ? (size_t)n : 1, 0) != n)
				die("recv failed");
			free(buf);
			close(s);
		}
	}

	if (report) {
		FILE *f = fopen(report, "w");
		if (!f)
			die("cannot write the report file");
		for (int k = 0; k < nchildren; k++)
			fprintf(f, "child %d %d\n", (int)children[k], statuses[k]);
		if (fclose(f))
			die("cannot write the report file");
	}
	return 0;
}
