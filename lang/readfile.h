/* A whole file read into the arena: the kernel's files that pass 1 and 2 consult. */
#ifndef BSTAP_READFILE_H
#define BSTAP_READFILE_H

#include <stddef.h>
#include "prog/arena.h"

/*
 * The text of path, NUL-terminated, gunzipped when it is gzip (/proc/config.gz); its length
 * in *len when len is not NULL. NULL (errno set) when it cannot be read.
 */
char *file_text(struct arena *a, const char *path, size_t *len);

#endif
