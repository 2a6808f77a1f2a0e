/* timer.* probes: one cpu-clock perf event per interval (system-wide) or per CPU (profile). */
#include "loader/kind.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* A cpu-clock perf event firing every period_ns on cpu, for all tasks; fd or -errno. */
static int perf_clock_open(uint64_t period_ns, int cpu)
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

static int attach_clocks(struct ldr *l, struct bpf_program *prog, uint64_t period_ns,
			 const int *cpus, int ncpus, char *why, size_t len)
{
	for (int c = 0; c < ncpus; c++) {
		int pfd = perf_clock_open(period_ns, cpus[c]);
		if (pfd < 0) {
			snprintf(why, len, "no clock event on CPU %d: %s", cpus[c], strerror(-pfd));
			return pfd;
		}
		struct bpf_link *link = bpf_program__attach_perf_event(prog, pfd);
		if (!link) {
			int err = -errno;
			close(pfd);
			snprintf(why, len, "cannot attach on CPU %d: %s", cpus[c], strerror(-err));
			return err;
		}
		int err = ldr_add_link(l, link, pfd);
		if (err) {
			bpf_link__destroy(link);
			close(pfd);
			snprintf(why, len, "%s", strerror(-err));
			return err;
		}
	}
	return 0;
}

/* One firing per interval system-wide, as SystemTap: a single CPU's clock. */
static int attach_timer(struct ldr *l, struct bpf_program *prog, const struct meta_group *g,
			char *why, size_t len)
{
	int cpu[1];
	if (ldr_online_cpus(cpu, 1) <= 0)
		cpu[0] = 0;
	return attach_clocks(l, prog, g->at.period_ns, cpu, 1, why, len);
}

/* timer.profile: every online CPU's clock at HZ. */
static int attach_profile(struct ldr *l, struct bpf_program *prog, const struct meta_group *g,
			  char *why, size_t len)
{
	static int cpus[1024];
	int ncpus = ldr_online_cpus(cpus, 1024);
	if (ncpus <= 0) {
		snprintf(why, len, "cannot read the online CPUs");
		return -EINVAL;
	}
	return attach_clocks(l, prog, g->at.period_ns, cpus, ncpus, why, len);
}

static const struct ldr_kind timer_kind = { PK_TIMER, "timer", attach_timer };
static const struct ldr_kind profile_kind = { PK_PROFILE, "timer.profile", attach_profile };
LDR_KIND(timer_kind)
LDR_KIND(profile_kind)
