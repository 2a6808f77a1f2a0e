/* The global-variable store over the BPF maps of a loaded object (userspace side of the globals). */
#ifndef BSTAP_STORE_BPF_H
#define BSTAP_STORE_BPF_H

#include "prog/meta.h"
#include "runtime/store.h"

struct store_bpf;
extern const struct store_ops store_bpf_ops;

/*
 * The maps' key and value sizes are the ones the metadata gives (the store copies that many
 * bytes into fixed buffers): 0, or -EPROTO with why filled. fds[i] is meta->globals[i]'s map.
 */
#include <stddef.h>
int store_bpf_check(const struct meta *m, const int *fds, char *why, size_t len);

/* fds[i] is the map of meta->globals[i]. */
struct store_bpf *store_bpf_new(const struct meta *m, const int *fds);
void store_bpf_free(struct store_bpf *s);	/* accepts NULL */

#endif
