/* Pass 4: serialize the metadata and the typed program into the object's ".bstap" section. */
#ifndef BSTAP_OBJWRITE_H
#define BSTAP_OBJWRITE_H

#include "lang/diag.h"
#include "lang/program.h"
#include "loader/meta.h"

/* The section's bytes (malloc'ed into *buf); 0 or -errno. */
int objwrite_encode(const struct program *p, const struct meta *m, char **buf, size_t *len);

#endif
