/* What the running kernel can do for kernel function probes, found by trying it. */
#ifndef BSTAP_KFEATURES_H
#define BSTAP_KFEATURES_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Does the running kernel load and attach an fentry program (a BPF trampoline)? Tried once
 * with an empty program on a kernel function; false with one line in why.
 */
bool kernel_fentry_works(char *why, size_t whylen);

/* Does the running kernel have kprobes (a kprobe PMU, or tracefs kprobe_events)? */
bool kernel_kprobes_work(char *why, size_t whylen);

#endif
