/* Reading a whole file; zlib reads plain files as they are, so one reader serves both kinds. */
#include "lang/readfile.h"

#include <errno.h>
#include <stdlib.h>
#include <zlib.h>

char *file_text(struct arena *a, const char *path, size_t *len)
{
	gzFile f = gzopen(path, "rbe");	/* e: O_CLOEXEC */
	if (!f)
		return NULL;
	size_t cap = 1 << 14, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		int r = gzread(f, buf + n, (unsigned)(cap - n - 1));
		if (r <= 0) {
			if (r < 0) {
				free(buf);
				buf = NULL;
				errno = EIO;
			}
			break;
		}
		n += (size_t)r;
		if (n + 1 == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				free(buf);
			buf = nb;
			cap *= 2;
		}
	}
	gzclose(f);
	if (!buf)
		return NULL;
	char *out = arena_strndup(a, buf, n);
	free(buf);
	if (len)
		*len = n;
	return out;
}
