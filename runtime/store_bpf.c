/* store_ops over BPF maps: key/value layouts follow prog/meta.h; statistics merge across CPUs. */
#include "store_bpf.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct store_bpf {
	const struct meta *m;
	int *fds;
	int ncpus;
};

int store_bpf_check(const struct meta *m, const int *fds, char *why, size_t len)
{
	for (uint32_t i = 0; i < m->nglobals; i++) {
		const struct meta_global *g = &m->globals[i];
		struct bpf_map_info info;
		uint32_t ilen = sizeof(info);
		memset(&info, 0, sizeof(info));
		if (bpf_obj_get_info_by_fd(fds[i], &info, &ilen))
			continue;	/* nothing to compare with: the map calls will fail */
		if (info.key_size != g->key_size || info.value_size != g->value_size) {
			snprintf(why, len, "map %s has %u-byte keys and %u-byte values, and its "
				 "global %u-byte keys and %u-byte values", g->map, info.key_size,
				 info.value_size, g->key_size, g->value_size);
			return -EPROTO;
		}
	}
	return 0;
}

struct store_bpf *store_bpf_new(const struct meta *m, const int *fds)
{
	struct store_bpf *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->m = m;
	s->fds = calloc(m->nglobals + 1, sizeof(int));
	if (!s->fds) {
		free(s);
		return NULL;
	}
	memcpy(s->fds, fds, m->nglobals * sizeof(int));
	s->ncpus = libbpf_num_possible_cpus();
	if (s->ncpus < 1)
		s->ncpus = 1;
	return s;
}

void store_bpf_free(struct store_bpf *s)
{
	if (!s)
		return;
	free(s->fds);
	free(s);
}

/*
 * Encode keys into the generator's key struct (zero-filled: hash keys compare every byte).
 * Returns false when a string is too long for its field: no key of the array can hold it (the
 * generator sized the field for every string the script stores), so it names no element;
 * unless the field was narrowed to fit the kernel's key limit: then it is cut, as in BPF.
 */
static bool encode_key(const struct meta_global *g, const struct value *keys, uint32_t nkeys,
		       unsigned char *buf)
{
	memset(buf, 0, g->nkeys ? g->key_size : 4);
	bool fits = true;
	for (uint32_t i = 0; i < nkeys && i < g->nkeys; i++) {
		if (g->keys[i] == MT_STRING) {
			size_t n = strnlen(keys[i].str, BSTAP_MAXSTRINGLEN - 1);
			if (n >= g->key_len[i] && (g->key_cut & (1u << i)))
				n = g->key_len[i] - 1;	/* a column narrowed to fit the kernel's limit */
			if (n >= g->key_len[i])
				fits = false;
			else
				memcpy(buf + g->key_off[i], keys[i].str, n);
		} else {
			memcpy(buf + g->key_off[i], &keys[i].num, 8);
		}
	}
	return fits;
}

static void decode_key(const struct meta_global *g, const unsigned char *buf, struct value *keys)
{
	for (uint32_t i = 0; i < g->nkeys; i++) {
		memset(&keys[i], 0, sizeof(keys[i]));
		if (g->keys[i] == MT_STRING) {
			keys[i].type = T_STRING;
			memcpy(keys[i].str, buf + g->key_off[i], g->key_len[i]);
			keys[i].str[g->key_len[i] - 1] = 0;
		} else {
			keys[i].type = T_LONG;
			memcpy(&keys[i].num, buf + g->key_off[i], 8);
		}
	}
}

static void decode_val(const struct meta_global *g, const unsigned char *buf, struct value *v)
{
	memset(v, 0, sizeof(*v));
	if (g->type == MT_STRING) {
		v->type = T_STRING;
		memcpy(v->str, buf, g->value_size);	/* the program's MAXSTRINGLEN: at most v->str's */
		v->str[g->value_size - 1] = 0;
	} else {
		v->type = T_LONG;
		memcpy(&v->num, buf, 8);
	}
}

#define KEYBUF META_MAXKEYSIZE	/* the decoder refuses larger key sizes */

/*
 * Global gid, if it is one and of the kind the operation needs (statistics or not): the
 * buffers below are sized for that kind, and the evaluator only asks for what the program's
 * types allow, but the program came from a file.
 */
static const struct meta_global *global_of(const struct store_bpf *s, uint32_t gid, bool stats)
{
	if (gid >= s->m->nglobals)
		return NULL;
	const struct meta_global *g = &s->m->globals[gid];
	if (g->percpu != stats || g->key_size > KEYBUF)
		return NULL;
	return g;
}

static int sb_get(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys,
		  struct value *out)
{
	struct store_bpf *s = ctx;
	const struct meta_global *g = global_of(s, gid, false);
	if (!g)
		return -EINVAL;
	unsigned char key[KEYBUF], val[BSTAP_MAXSTRINGLEN];
	if (!encode_key(g, keys, nkeys, key))
		return 0;	/* a string too long for the key field: no such element */
	if (bpf_map_lookup_elem(s->fds[gid], key, val))
		return errno == ENOENT ? 0 : -errno;
	decode_val(g, val, out);
	return 1;
}

static int sb_set(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys,
		  const struct value *v)
{
	struct store_bpf *s = ctx;
	const struct meta_global *g = global_of(s, gid, false);
	if (!g)
		return -EINVAL;
	unsigned char key[KEYBUF], val[BSTAP_MAXSTRINGLEN];
	if (!encode_key(g, keys, nkeys, key))
		return -ENAMETOOLONG;	/* cannot happen: pass 3 sized the field for every store */
	memset(val, 0, sizeof(val));
	if (g->type == MT_STRING)
		memcpy(val, v->str, strnlen(v->str, g->value_size - 1));
	else
		memcpy(val, &v->num, 8);
	if (bpf_map_update_elem(s->fds[gid], key, val, BPF_ANY))
		return errno == E2BIG ? -ENOSPC : -errno;
	return 0;
}

static int sb_exists(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys)
{
	struct store_bpf *s = ctx;
	if (gid >= s->m->nglobals)
		return -EINVAL;
	const struct meta_global *g = &s->m->globals[gid];
	unsigned char key[KEYBUF];
	if (!encode_key(g, keys, nkeys, key))
		return 0;	/* a string too long for the key field: no such element */
	unsigned char *val = malloc((size_t)s->ncpus * g->value_size + BSTAP_MAXSTRINGLEN);
	if (!val)
		return -ENOMEM;
	int r = bpf_map_lookup_elem(s->fds[gid], key, val) ? (errno == ENOENT ? 0 : -errno) : 1;
	free(val);
	return r;
}

static int sb_del(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys)
{
	struct store_bpf *s = ctx;
	if (gid >= s->m->nglobals)
		return -EINVAL;
	const struct meta_global *g = &s->m->globals[gid];
	unsigned char key[KEYBUF];
	if (!encode_key(g, keys, nkeys, key))
		return 0;	/* a string too long for the key field: no such element */
	if (!g->nkeys) {
		/* a scalar lives in an array map slot: reset it */
		size_t sz = g->percpu ? (size_t)s->ncpus * g->value_size : BSTAP_MAXSTRINGLEN;
		unsigned char *zero = calloc(1, sz);
		if (!zero)
			return -ENOMEM;
		int r = bpf_map_update_elem(s->fds[gid], key, zero, BPF_ANY) ? -errno : 0;
		free(zero);
		return r;
	}
	if (bpf_map_delete_elem(s->fds[gid], key) && errno != ENOENT)
		return -errno;
	return 0;
}

static int sb_clear(void *ctx, uint32_t gid)
{
	struct store_bpf *s = ctx;
	if (gid >= s->m->nglobals)
		return -EINVAL;
	const struct meta_global *g = &s->m->globals[gid];
	if (!g->nkeys)
		return sb_del(ctx, gid, NULL, 0);
	/*
	 * The keys there are now, then each deleted: deleting while kernel probes insert could
	 * go on forever (a probe on system calls inserts a key for each bpf() call that deletes
	 * one). What probes insert meanwhile stays, as if it came just after the delete.
	 */
	size_t ksz = g->key_size, n = 0, cap = 64;
	if (ksz == 0 || ksz > KEYBUF)
		return -EINVAL;
	unsigned char *keys = malloc(cap * ksz);
	if (!keys)
		return -ENOMEM;
	const unsigned char *prev = NULL;
	struct bpf_map_info info;
	uint32_t ilen = sizeof(info);
	memset(&info, 0, sizeof(info));
	size_t limit = bpf_obj_get_info_by_fd(s->fds[gid], &info, &ilen) ? (size_t)1 << 20
									  : (size_t)info.max_entries + 64;
	while (n < limit) {
		if (n == cap) {
			unsigned char *nk = realloc(keys, 2 * cap * ksz);
			if (!nk)
				break;
			keys = nk;
			cap *= 2;
		}
		if (bpf_map_get_next_key(s->fds[gid], prev, keys + n * ksz))
			break;
		prev = keys + n * ksz;
		n++;
	}
	int err = 0;
	for (size_t i = 0; i < n && !err; i++)
		if (bpf_map_delete_elem(s->fds[gid], keys + i * ksz) && errno != ENOENT)
			err = -errno;
	free(keys);
	return err;
}

static void merge_stats(const struct meta_global *g, const unsigned char *vals, int ncpus,
			struct stat_value *out)
{
	/* libbpf hands per-CPU values 8-byte aligned, each value_size bytes (a multiple of 8) */
	stat_merge(&g->stat, (const int64_t *)(const void *)vals, (uint32_t)ncpus, out);
}

static int sb_stat_add(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys, int64_t v)
{
	struct store_bpf *s = ctx;
	const struct meta_global *g = global_of(s, gid, true);
	if (!g)
		return -EINVAL;
	unsigned char key[KEYBUF];
	if (!encode_key(g, keys, nkeys, key))
		return -ENAMETOOLONG;	/* cannot happen: pass 3 sized the field for every store */
	int64_t *vals = calloc((size_t)s->ncpus, g->value_size);
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(s->fds[gid], key, vals) && errno != ENOENT) {
		free(vals);
		return -errno;
	}
	/* userspace samples go into CPU 0's slot; reads merge every CPU anyway */
	stat_add(&g->stat, vals, v);
	int r = bpf_map_update_elem(s->fds[gid], key, vals, BPF_ANY) ? (errno == E2BIG ? -ENOSPC : -errno) : 0;
	free(vals);
	return r;
}

static int sb_stat_get(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys,
		       struct stat_value *out)
{
	struct store_bpf *s = ctx;
	const struct meta_global *g = global_of(s, gid, true);
	if (!g)
		return -EINVAL;
	unsigned char key[KEYBUF];
	if (!encode_key(g, keys, nkeys, key))
		return 0;
	unsigned char *vals = calloc((size_t)s->ncpus, g->value_size);
	if (!vals)
		return -ENOMEM;
	int r = 0;
	if (bpf_map_lookup_elem(s->fds[gid], key, vals)) {
		r = errno == ENOENT ? 0 : -errno;
	} else {
		merge_stats(g, vals, s->ncpus, out);
		r = out->count > 0;
	}
	free(vals);
	return r;
}

static int sb_snapshot(void *ctx, uint32_t gid, struct store_entry **out, size_t *n)
{
	struct store_bpf *s = ctx;
	if (gid >= s->m->nglobals)
		return -EINVAL;
	const struct meta_global *g = &s->m->globals[gid];
	*out = NULL;
	*n = 0;
	size_t cap = 0;
	unsigned char key[KEYBUF], next[KEYBUF];
	unsigned char *vals = calloc((size_t)s->ncpus, g->value_size + BSTAP_MAXSTRINGLEN);
	if (!vals)
		return -ENOMEM;
	const void *prev = NULL;
	while (!bpf_map_get_next_key(s->fds[gid], prev, next)) {
		memcpy(key, next, sizeof(key));
		prev = key;
		if (bpf_map_lookup_elem(s->fds[gid], key, vals))
			continue;	/* deleted meanwhile */
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			struct store_entry *ne = realloc(*out, cap * sizeof(**out));
			if (!ne) {
				free(vals);
				free(*out);
				*out = NULL;
				*n = 0;
				return -ENOMEM;
			}
			*out = ne;
		}
		struct store_entry *e = &(*out)[(*n)++];
		memset(e, 0, sizeof(*e));
		e->nkeys = g->nkeys;
		decode_key(g, key, e->keys);
		if (g->percpu)
			merge_stats(g, vals, s->ncpus, &e->stat);
		else
			decode_val(g, vals, &e->val);
	}
	free(vals);
	return 0;
}

const struct store_ops store_bpf_ops = {
	.get = sb_get,
	.set = sb_set,
	.exists = sb_exists,
	.del = sb_del,
	.clear = sb_clear,
	.stat_add = sb_stat_add,
	.stat_get = sb_stat_get,
	.snapshot = sb_snapshot,
};
