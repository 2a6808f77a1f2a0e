/* Reading a kernel configuration: plain or gzip-compressed "CONFIG_X=value" lines. */
#include "lang/kconfig.h"
#include "lang/readfile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_idx(const void *x, const void *y, void *ctx)
{
	const char **names = ctx;
	return strcmp(names[*(const uint32_t *)x], names[*(const uint32_t *)y]);
}

static void parse(struct arena *a, struct kconfig *k)
{
	uint32_t cap = 1024, n = 0;
	const char **names = arena_alloc(a, cap * sizeof(*names));
	const char **values = arena_alloc(a, cap * sizeof(*values));
	const char *p = k->text, *end = k->text + k->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *eq = memchr(p, '=', (size_t)(le - p));
		if (!strncmp(p, "CONFIG_", 7) && eq) {
			if (n == cap) {
				names = arena_realloc(a, names, cap * sizeof(*names), 2 * cap * sizeof(*names));
				values = arena_realloc(a, values, cap * sizeof(*values),
						       2 * cap * sizeof(*values));
				cap *= 2;
			}
			const char *v = eq + 1, *ve = le;
			if (ve - v >= 2 && *v == '"' && ve[-1] == '"')
				v++, ve--;	/* CONFIG_X="text": the text */
			names[n] = arena_strndup(a, p, (size_t)(eq - p));
			values[n++] = arena_strndup(a, v, (size_t)(ve - v));
		}
		p = le + 1;
	}
	/* sorted through an index, so that names and values stay paired */
	uint32_t *idx = malloc((n + 1) * sizeof(*idx));
	k->names = arena_alloc(a, (n + 1) * sizeof(*names));
	k->values = arena_alloc(a, (n + 1) * sizeof(*values));
	if (!idx)
		return;
	for (uint32_t i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_idx, names);
	for (uint32_t i = 0; i < n; i++) {
		k->names[i] = names[idx[i]];
		k->values[i] = values[idx[i]];
	}
	k->n = n;
	free(idx);
}

struct kconfig *kconfig_read(struct arena *a, const char *explicit_path, const char *release,
			     bool running, const char *build_dir)
{
	struct kconfig *k = arena_alloc(a, sizeof(*k));
	const char *paths[4];
	int np = 0;
	if (explicit_path) {
		paths[np++] = explicit_path;
	} else {
		const char *root = getenv("BSTAP_KCONFIG_ROOT");
		root = root ? root : "";
		if (running)
			paths[np++] = arena_printf(a, "%s/proc/config.gz", root);
		paths[np++] = arena_printf(a, "%s/boot/config-%s", root, release);
		paths[np++] = build_dir ? arena_printf(a, "%s/.config", build_dir)
					: arena_printf(a, "%s/lib/modules/%s/build/.config", root, release);
	}
	k->tried = "";
	for (int i = 0; i < np && !k->path; i++) {
		k->tried = arena_printf(a, "%s%s%s", k->tried, i ? ", " : "", paths[i]);
		char *text = file_text(a, paths[i], &k->len);
		if (text) {
			k->path = paths[i];
			k->text = text;
			parse(a, k);
		}
	}
	return k;
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

const char *kconfig_value(const struct kconfig *k, const char *name)
{
	if (!k || !k->n)
		return NULL;
	const char **hit = bsearch(name, k->names, k->n, sizeof(*k->names), cmp_name);
	return hit ? k->values[hit - k->names] : NULL;
}
