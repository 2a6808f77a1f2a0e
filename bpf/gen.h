/* Pass 3: translate the kernel-context probes of an elaborated program to BPF C plus runtime metadata. */
#ifndef BSTAP_GEN_H
#define BSTAP_GEN_H

#include "prog/diag.h"
#include "prog/program.h"
#include "prog/meta.h"

struct gen_result {
	char *c_text;		/* the BPF C source, NUL-terminated, arena-owned */
	size_t c_len;
	struct meta *meta;	/* arena-owned */
	bool has_kernel_probes;	/* false: nothing to compile, only begin/end/error */
};

/* Returns 0, or -EINVAL after reporting constructs that cannot run in a kernel probe. */
int gen_bpf_c(struct arena *a, struct diag *d, const struct program *p, struct gen_result *out);

#endif
