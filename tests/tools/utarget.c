/*
 * The user-space probe tests' program: functions with known call counts, arguments and return
 * values, libc's getpid() a known number of times, and SDT markers (sys/sdt.h) whose arguments
 * are registers, memory and constants.
 *
 *   utarget run N    each of ut_add(i, 2 * i), ut_neg(i), ut_len(ut_text), getpid() N times;
 *                    markers utarget:pair(i, -i), utarget:kinds(3 * i, 1234 + i, 42) (a register,
 *                    a stack slot and a constant), utarget:text(ut_text)
 *                    N times, and ut_once() once; prints "done N"
 *   utarget loop N   calls ut_add() and passes marker utarget:hot N times, prints the ns per
 *                    iteration (bench/uprobes.sh)
 *   utarget sem      prints the guarded marker's semaphore ("sem=1" while a probe is attached)
 *   utarget wait     waits until the semaphore is set (at most 10 s) and a second more, fires
 *                    the guarded marker three times (0, 1, 2), then prints "sem=N"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<sys/sdt.h>)
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
#define HAVE_SDT 1
#endif
#endif

#ifdef HAVE_SDT
/* each marker's semaphore, which the kernel counts up while the marker is probed */
#define SEMAPHORE(name) \
	unsigned short utarget_##name##_semaphore __attribute__((section(".probes"), used))
SEMAPHORE(pair);
SEMAPHORE(kinds);
SEMAPHORE(text);
SEMAPHORE(guarded);
SEMAPHORE(hot);
#define GUARD() (utarget_guarded_semaphore)
#else
#define GUARD() 0
#endif

#define NOOPT __attribute__((noinline, noipa, used))

int ut_add(int a, int b);
long ut_neg(long x);
size_t ut_len(const char *s);
int ut_once(void);

const char ut_text[] = "hello uprobe";
volatile long ut_mem = 1234;
volatile long ut_sink;

NOOPT int ut_add(int a, int b)
{
	return a + b;
}

NOOPT long ut_neg(long x)
{
	return -x;
}

NOOPT size_t ut_len(const char *s)
{
	return strlen(s);
}

NOOPT int ut_once(void)
{
	return 7;
}

static void run(long n)
{
	for (long i = 1; i <= n; i++) {
		ut_sink += ut_add((int)i, (int)(2 * i));
		ut_sink += ut_neg(i);
		ut_sink += (long)ut_len(ut_text);
		ut_sink += getpid();
#ifdef HAVE_SDT
		long neg = -i;
		volatile long on_stack = ut_mem + i;	/* a memory operand: N(%rsp) */
		STAP_PROBE2(utarget, pair, i, neg);
		STAP_PROBE3(utarget, kinds, i * 3, on_stack, 42);
		STAP_PROBE1(utarget, text, ut_text);
#endif
	}
	ut_sink += ut_once();
	printf("done %ld\n", n);
}

static void loop(long n)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < n; i++) {
		ut_sink += ut_add((int)i, 1);
#ifdef HAVE_SDT
		STAP_PROBE1(utarget, hot, i);
#endif
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
	printf("%.1f ns per iteration\n", n > 0 ? ns / (double)n : 0.0);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "loop")) {
		loop(atol(argv[2]));
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "run")) {
		run(atol(argv[2]));
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "sem")) {
		printf("sem=%u\n", (unsigned)GUARD());
		return 0;
	}
	if (argc == 2 && !strcmp(argv[1], "wait")) {
		for (int i = 0; i < 1000 && !GUARD(); i++) {
			struct timespec ts = { 0, 10000000 };
			nanosleep(&ts, NULL);
		}
		unsigned seen = GUARD();
		/* the semaphore is set as the probe is being attached: give it time to finish */
		struct timespec settle = { 1, 0 };
		nanosleep(&settle, NULL);
		for (int i = 0; i < 3; i++) {
#ifdef HAVE_SDT
			if (GUARD())
				STAP_PROBE1(utarget, guarded, i);
#endif
		}
		printf("sem=%u\n", seen);
		return 0;
	}
	fprintf(stderr, "usage: utarget run N | loop N | sem | wait\n");
	return 2;
}
