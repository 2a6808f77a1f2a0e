/*
 * The kernel's functions as its BTF describes them: names for kernel.function("pattern"),
 * parameters and return types for $param and $return, and struct layouts for pointer chasing
 * ($file->f_path->dentry) as CO-RE relocated reads. No headers and no debuginfo.
 */
#ifndef BSTAP_KFUNCS_H
#define BSTAP_KFUNCS_H

#include <stdbool.h>
#include <stdint.h>

#include "prog/arena.h"
#include "prog/diag.h"
#include "prog/tvar.h"

struct kf_catalog;

/*
 * The functions of the kernel (module NULL) or of a loaded module, from kernel_btf (--kernel-btf)
 * or the running kernel's /sys/kernel/btf. NULL with why filled when there is no BTF.
 */
struct kf_catalog *kf_catalog_get(struct arena *a, const char *kernel_btf, const char *module,
				  char *why, size_t whylen);
/* Free what kf_catalog_get read (tp_catalog_release calls it). */
void kf_catalog_release(void);

/*
 * The functions whose names match the glob pattern, sorted; *n is how many. With traceable,
 * only those the running kernel lists in tracefs available_filter_functions (when it lets
 * bstap read that list): inlined and notrace functions cannot be probed.
 */
const char **kf_match(struct kf_catalog *c, const char *pattern, bool traceable, uint32_t *n);

/*
 * The target variables of function fn: its parameters (each read from the register the
 * x86-64 calling convention puts it in, or with fentry from the trampoline's argument array),
 * and with ret $return. NULL if fn has no prototype.
 */
struct tvar_set *kf_params(struct kf_catalog *c, const char *fn, bool ret, bool fentry);

/*
 * $base->a->b: append to tv (a per-probe copy) a target variable that chases from tv->v[base]
 * through the members of chase ("->a->b"). Returns its index, or -1 after an error at loc.
 * With addr (&$p->a->b): the last member's address; index >= 0 ($p->a->b[N]): element N of
 * the last member, an array.
 */
int kf_chase(struct arena *a, struct diag *d, const struct loc *loc, struct tvar_set *tv,
	     uint32_t base, const char *chase, bool addr, int64_t index);

/*
 * @cast(ptr, "name")->a->b: the same from a pointer the handler computes: the new target
 * variable has base UINT32_MAX (the generator reads from the expression). With cast NULL,
 * kf_chase.
 */
int kf_cast(struct arena *a, struct diag *d, const struct loc *loc, struct tvar_set *tv,
	    uint32_t base, const char *cast, const char *chase, bool addr, int64_t index);

/*
 * Is BTF type btf_id (a target variable's, from kf_chase or kf_cast) a pointer to an integer,
 * an enum or a pointer? Then the pointed-to element's size and signedness: ptr[i] reads it at
 * ptr + i * size.
 */
bool kf_pointee_scalar(uint32_t btf_id, uint32_t *size, bool *sign);

/* Is the tvar set a kernel function's (so '->' may follow a parameter)? */
bool kf_is_function_set(const struct tvar_set *tv);

#endif
