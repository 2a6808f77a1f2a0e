/*
 * floor: load bench/floor.bpf.o, attach the one program named, and hold it until SIGINT or
 * SIGTERM. bench/events.sh measures what an empty program costs on each attach mechanism.
 *
 *   floor OBJECT PROGRAM
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: floor OBJECT PROGRAM\n");
		return 2;
	}
	libbpf_set_print(quiet);
	struct bpf_object *obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "floor: cannot open %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	struct bpf_program *p, *want = NULL;
	bpf_object__for_each_program(p, obj) {
		int it = !strcmp(bpf_program__name(p), argv[2]);
		bpf_program__set_autoload(p, it);
		if (it)
			want = p;
	}
	if (!want || bpf_object__load(obj)) {
		fprintf(stderr, "floor: cannot load program %s\n", argv[2]);
		return 1;
	}
	struct bpf_link *link = bpf_program__attach(want);
	if (!link) {
		fprintf(stderr, "floor: cannot attach %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	while (!stop)
		pause();
	bpf_link__destroy(link);
	bpf_object__close(obj);
	return 0;
}
