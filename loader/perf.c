/*
 * perf.* probes: one perf counter per online CPU, for every task (pid -1), the group's program
 * attached to each. .process("path") is a filter in the program (bpf/gen_kinds.c): here the
 * path is looked up (on $PATH when it has no '/', as stap does) and its (dev, inode) written to
 * the group's slot of map BSTAP_MAP_PERF_EXE, so the compiled object names no inode.
 */
#include "loader/kind.h"
#include "loader/load.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* The value of map BSTAP_MAP_PERF_EXE (struct bstap_perf_exe in bpf/bstap.bpf.h). */
struct perf_exe {
	uint64_t dev;	/* the kernel's dev_t: MAJOR << 20 | MINOR */
	uint64_t ino;
};

#define MAX_CPUS 1024

/* The program a .process("path") names: path itself, or the first executable on $PATH. */
static int find_program(const char *path, char *out, size_t outlen, struct stat *st)
{
	if (strchr(path, '/')) {
		if (stat(path, st))
			return -errno;
		snprintf(out, outlen, "%s", path);
		return 0;
	}
	const char *dirs = getenv("PATH");
	if (!dirs || !*dirs)
		dirs = "/usr/local/bin:/usr/bin:/bin";
	for (const char *d = dirs; *d;) {
		size_t n = strcspn(d, ":");
		snprintf(out, outlen, "%.*s/%s", (int)n, n ? d : ".", path);
		if (!stat(out, st) && S_ISREG(st->st_mode) && !access(out, X_OK))
			return 0;
		d += n + (d[n] == ':');
	}
	return -ENOENT;
}

/* The group index N of the generator's program "group_N" (bpf/gen.c names them so). */
static int group_index(const struct meta_group *g, uint32_t *gi)
{
	unsigned v;
	int end = 0;
	if (sscanf(g->prog, "group_%u%n", &v, &end) != 1 || g->prog[end])
		return -EINVAL;
	*gi = v;
	return 0;
}

/* .process("path"): tell the group's program which executable to keep. */
static int set_process_filter(struct ldr *l, const struct meta_group *g, char *why, size_t len)
{
	char found[4096];
	struct stat st;
	int err = find_program(g->at.path, found, sizeof(found), &st);
	if (err) {
		if (strchr(g->at.path, '/'))
			snprintf(why, len, "cannot find program %s: %s", g->at.path, strerror(-err));
		else
			snprintf(why, len, "cannot find program '%s' on $PATH", g->at.path);
		return err;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, len, "%s is not a program file", found);
		return -EINVAL;
	}
	uint32_t gi;
	int fd = ldr_map_fd(l, BSTAP_MAP_PERF_EXE);
	if (fd < 0 || group_index(g, &gi)) {
		snprintf(why, len, "the object has no .process filter for it (compiled by another "
			 "bstap?)");
		return -EINVAL;
	}
	struct perf_exe v = {
		.dev = ((uint64_t)major(st.st_dev) << 20) | minor(st.st_dev),
		.ino = st.st_ino,
	};
	if (bpf_map_update_elem(fd, &gi, &v, BPF_ANY)) {
		err = -errno;
		snprintf(why, len, "cannot set its .process filter: %s", strerror(-err));
		return err;
	}
	return 0;
}

/* .process with no path: there must be a target() to keep. */
static int check_target(struct ldr *l, char *why, size_t len)
{
	struct bstap_state_val st;
	uint32_t zero = 0;
	int fd = ldr_map_fd(l, BSTAP_MAP_STATE);
	if (fd >= 0 && !bpf_map_lookup_elem(fd, &zero, &st) && st.target)
		return 0;
	snprintf(why, len, ".process without a path counts the target process: give one with "
		 "-c CMD or -x PID");
	return -EINVAL;
}

/* A perf counter as the group's spec says, on cpu, for all tasks; fd or -errno. */
static int perf_open(const struct attach_spec *at, int cpu)
{
	struct perf_event_attr attr;
	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = at->perf_type;
	attr.config = at->arg;
	if (at->flags & ATTACH_FREQ) {
		attr.freq = 1;
		attr.sample_freq = at->period_ns;
	} else {
		attr.sample_period = at->period_ns;
	}
	long fd = syscall(__NR_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

static long read_long_file(const char *path)
{
	FILE *f = fopen(path, "re");
	long v = -1;
	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* Why perf_event_open refused the counter, in one line. */
static void open_failure(const struct attach_spec *at, int cpu, int err, char *why, size_t len)
{
	const char *e = strerror(-err);
	if (err == -ENOENT || err == -EOPNOTSUPP || err == -ENODEV) {
		if (at->perf_type == PERF_TYPE_HARDWARE || at->perf_type == PERF_TYPE_HW_CACHE ||
		    at->perf_type == PERF_TYPE_RAW)
			snprintf(why, len, "this machine has no hardware performance counter for it "
				 "(perf_event_open: %s)", e);
		else
			snprintf(why, len, "this kernel has no perf event of type %u, config %llu "
				 "(perf_event_open: %s)", at->perf_type, (unsigned long long)at->arg, e);
		return;
	}
	long max = read_long_file("/proc/sys/kernel/perf_event_max_sample_rate");
	if (err == -EINVAL && (at->flags & ATTACH_FREQ) && max > 0 && at->period_ns > (uint64_t)max) {
		snprintf(why, len, ".hz(%llu) is above the kernel's limit of %ld samples a second "
			 "(kernel.perf_event_max_sample_rate)", (unsigned long long)at->period_ns, max);
		return;
	}
	snprintf(why, len, "perf_event_open on CPU %d: %s", cpu, e);
}

static int attach_perf(struct ldr *l, struct bpf_program *prog, const struct meta_group *g,
		       char *why, size_t len)
{
	int err;
	if (g->at.path && (err = set_process_filter(l, g, why, len)))
		return err;
	if ((g->at.flags & ATTACH_TARGET) && (err = check_target(l, why, len)))
		return err;
	static int cpus[MAX_CPUS];
	int ncpus = ldr_online_cpus(cpus, MAX_CPUS);
	if (ncpus <= 0) {
		snprintf(why, len, "cannot read the online CPUs");
		return -EINVAL;
	}
	/* all CPUs or none: an optional probe that fails on one CPU leaves nothing attached */
	static struct bpf_link *links[MAX_CPUS];
	static int fds[MAX_CPUS];
	int n = 0;
	err = 0;
	for (int c = 0; c < ncpus && !err; c++) {
		int pfd = perf_open(&g->at, cpus[c]);
		if (pfd < 0) {
			open_failure(&g->at, cpus[c], pfd, why, len);
			err = pfd;
			break;
		}
		struct bpf_link *link = bpf_program__attach_perf_event(prog, pfd);
		if (!link) {
			err = -errno;
			close(pfd);
			snprintf(why, len, "cannot attach on CPU %d: %s", cpus[c], strerror(-err));
			break;
		}
		links[n] = link;
		fds[n++] = pfd;
	}
	int handed = 0;	/* links the loader owns now */
	while (!err && handed < n) {
		err = ldr_add_link(l, links[handed], fds[handed]);
		if (err)
			snprintf(why, len, "%s", strerror(-err));
		else
			handed++;
	}
	for (int j = handed; j < n; j++) {
		bpf_link__destroy(links[j]);
		close(fds[j]);
	}
	return err;
}

static const struct ldr_kind perf_kind = { PK_PERF, "perf", attach_perf };
LDR_KIND(perf_kind)
