/*
 * How a kernel probe kind attaches. Each kind has one file in loader/ that defines a struct
 * ldr_kind and registers it with LDR_KIND(); the loader looks kinds up by the attach spec's
 * kind (docs/adding-a-probe-kind.md).
 */
#ifndef BSTAP_LOADER_KIND_H
#define BSTAP_LOADER_KIND_H

#include <stdbool.h>
#include <stddef.h>
#include "prog/meta.h"

struct bpf_program;
struct bpf_link;
struct ldr;

struct ldr_kind {
	enum probe_kind kind;
	const char *name;	/* for messages: "timer" */
	/*
	 * Attach prog for group g, handing every link (and the fd it owns, or -1) to
	 * ldr_add_link(). On failure write one line saying why (no trailing newline) and
	 * return -errno; the loader detaches whatever was added.
	 */
	int (*attach)(struct ldr *l, struct bpf_program *prog, const struct meta_group *g,
		      char *why, size_t whylen);
};

/* Optional, per kind, registered with LDR_KIND_CHECK(var) beside LDR_KIND(). */
struct ldr_kind_check {
	enum probe_kind kind;
	/*
	 * Can this kernel run the kind at all? false with one line in why: its programs are
	 * then not loaded (a program type the kernel lacks would fail the whole object) and
	 * each of its probes fails to attach with that line.
	 */
	bool (*supported)(const struct meta_group *g, char *why, size_t whylen);
	bool say_where;		/* attach errors start with the probe's file:line:col */
};

void ldr_kind_check_register(const struct ldr_kind_check *c);

void ldr_kind_register(const struct ldr_kind *k);
const struct ldr_kind *ldr_kind_find(enum probe_kind kind);

/* Fill cpus with the online CPU ids (at most max); returns how many, or -errno. */
int ldr_online_cpus(int *cpus, int max);

/* Keep a link (and an fd it needs, such as a perf event, or -1) until detach. 0 or -errno. */
int ldr_add_link(struct ldr *l, struct bpf_link *link, int fd);

/* Keep a link just attached (no fd): 0, or -errno with the link destroyed and why said. */
int ldr_keep_link(struct ldr *l, struct bpf_link *link, char *why, size_t len);

/* Register a kind before main() runs: the kind's file is all there is to add. */
#define LDR_KIND(var)                                                           \
	static void __attribute__((constructor)) ldr_register_##var(void)       \
	{                                                                       \
		ldr_kind_register(&var);                                        \
	}

#define LDR_KIND_CHECK(var)                                                     \
	static void __attribute__((constructor)) ldr_register_check_##var(void) \
	{                                                                       \
		ldr_kind_check_register(&var);                                  \
	}

#endif
