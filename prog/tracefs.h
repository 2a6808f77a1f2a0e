/*
 * Where the kernel's tracefs is: the front end reads event formats there, and libbpf finds a
 * tracepoint's id there when the loader attaches one. Both halves use this one lookup.
 */
#ifndef BSTAP_TRACEFS_H
#define BSTAP_TRACEFS_H

#include <stddef.h>

/*
 * The tracefs directory ("/sys/kernel/tracing"), mounting it there when nothing is mounted
 * (as root may). NULL when it cannot be had: why then says so and what to do.
 */
const char *tracefs_root(char *why, size_t whylen);

#endif
