/*
 * The ".bstap" section codec (format: prog/objfmt.h): pass 4 encodes the metadata and the
 * typed program into it, the runner decodes them back. One description of the layout serves
 * both directions, so the writer and the reader cannot drift apart.
 */
#ifndef BSTAP_OBJCODEC_H
#define BSTAP_OBJCODEC_H

#include <stddef.h>
#include "prog/meta.h"
#include "prog/program.h"

/* The section's bytes (malloc'ed into *buf); 0 or -errno. */
int objcodec_encode(const struct program *p, const struct meta *m, char **buf, size_t *len);

struct objprog;

/*
 * 0, -ENODATA (no .bstap section: not a bstap object), -ENOEXEC (not ELF), -EPROTO (damaged
 * section: *why_out, when not NULL, says what is wrong), -EPROTONOSUPPORT (written by another object format version; *version_out, when
 * not NULL, says which), or -errno from opening the file.
 */
int objcodec_load(const char *obj_path, struct objprog **out, uint32_t *version_out,
		  const char **why_out);
int objcodec_decode(const void *buf, size_t len, struct objprog **out, uint32_t *version_out,
		    const char **why_out);

const struct program *objprog_program(const struct objprog *o);
const struct meta *objprog_meta(const struct objprog *o);
void objprog_free(struct objprog *o);	/* accepts NULL */

#endif
