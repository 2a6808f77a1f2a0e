/* Pass 5 without the compiler: decode a compiled object's ".bstap" section (loader/objfmt.h). */
#ifndef BSTAP_OBJREAD_H
#define BSTAP_OBJREAD_H

#include <stddef.h>
#include "lang/program.h"
#include "loader/meta.h"

struct objprog;

/* 0, -ENODATA (no .bstap section: not a bstap object), -ENOEXEC (not ELF), -EPROTO (corrupt
 * or other version), or -errno from opening the file. */
int objread_load(const char *obj_path, struct objprog **out);
int objread_decode(const void *buf, size_t len, struct objprog **out);

const struct program *objprog_program(const struct objprog *o);
const struct meta *objprog_meta(const struct objprog *o);
void objprog_free(struct objprog *o);	/* accepts NULL */

#endif
