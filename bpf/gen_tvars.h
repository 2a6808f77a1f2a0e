/*
 * Target variables in generated C. A field with a BTF layout is read through a local copy of
 * the record's struct marked preserve_access_index, so libbpf relocates the read to the
 * running kernel's layout (CO-RE); one without is read at the offset tracefs gave.
 */
#ifndef BSTAP_GEN_TVARS_H
#define BSTAP_GEN_TVARS_H

#include <stdio.h>
#include "prog/arena.h"
#include "prog/meta.h"
#include "prog/program.h"

/* The local record structs (and enums) the kernel probes' events need, once each. */
void gen_tvars_decls(struct arena *a, FILE *o, const struct program *p);

/*
 * A statement setting dst (an s64 lvalue, or a char[maxstr] for string fields) from field i
 * (element elem of an array field) of the record at ctx. NULL: the field's size is not one
 * bstap can read. A chase ($p->a->b) that faults runs on_fault (C statements; the faulting
 * address is in u64 fa), or gives 0 or "" when it is NULL.
 */
const char *gen_tvar_read(struct arena *a, const struct tvar_set *tv, uint32_t i, uint32_t elem,
			  const char *dst, uint32_t maxstr, const char *on_fault);

/* A chase (tv->v[i]: @cast(ptr, ...)->..., or $p->... of a parameter kept from the entry) from
 * the pointer base_expr: a statement setting dst. */
const char *gen_chase_from(struct arena *a, const struct tvar_set *tv, uint32_t i,
			  const char *base_expr, const char *dst, uint32_t maxstr, const char *on_fault);

/*
 * .return probes read their function's parameters (and @entry(...)) as they were at its entry:
 * an entry program saves them per thread in map bstap_entry_ID, the probe takes them back.
 * n: how many values (s64 each); idx/elem: which target variables, in slot order.
 */
void gen_entry_map(FILE *o, uint32_t id, uint32_t n);
/* The entry program of probe ep, named entry_ID; its meta group goes in *mg. */
int gen_entry_prog(struct arena *a, FILE *o, const struct eprobe *ep, const uint32_t *idx,
		   const uint32_t *elem, uint32_t n, uint32_t maxstr, struct meta_group *mg);

#endif
