/* Timer probes: software-clock perf events that BPF programs attach to. */
#ifndef BSTAP_TIMER_H
#define BSTAP_TIMER_H

#include <stdint.h>

/* A cpu-clock perf event firing every period_ns on cpu, for all tasks; fd or -errno. */
int timer_perf_open(uint64_t period_ns, int cpu);
/* Fill cpus with the online CPU ids (at most max); returns how many, or -errno. */
int timer_online_cpus(int *cpus, int max);

#endif
