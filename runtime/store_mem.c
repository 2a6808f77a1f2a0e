/* The in-memory global store: hash tables of values and aggregates, for unit tests and dry runs. */
#include "runtime/store.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * One element, sized to what it holds: its keys encoded after the header (a type byte, then
 * 8 bytes for a long or the string with its NUL), then a string value with its NUL. A long or
 * statistics value lives in the header. An element of a[long] takes about 80 bytes.
 */
struct mem_entry {
	struct mem_entry *next;		/* hash chain */
	uint64_t hash;
	uint32_t klen;			/* bytes of encoded keys in data */
	uint8_t nkeys;
	bool is_stat;
	bool has_str;			/* the value is the string after the keys */
	uint64_t seq;			/* insertion order, for wrap-around arrays */
	int64_t num;
	unsigned char data[];		/* keys, then a string value or a statistic's words */
};

/* The most bytes keys take encoded. */
#define KEYS_MAX (BSTAP_MAXKEYS * (1 + BSTAP_MAXSTRINGLEN))

struct mem_global {
	struct mem_entry **buckets;
	size_t nbuckets, count;
	uint32_t max_entries;
	bool wrap;			/* full: the oldest element makes room */
	uint64_t seq;
	struct stat_spec spec;		/* statistics: their histogram and variance */
};

struct store_mem {
	struct mem_global *g;
	uint32_t ng;
};

struct store_mem *store_mem_new(void)
{
	return calloc(1, sizeof(struct store_mem));
}

static void free_chains(struct mem_global *g)
{
	for (size_t b = 0; b < g->nbuckets; b++) {
		for (struct mem_entry *m = g->buckets[b], *nx; m; m = nx) {
			nx = m->next;
			free(m);
		}
		g->buckets[b] = NULL;
	}
	g->count = 0;
}

void store_mem_free(struct store_mem *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->ng; i++) {
		free_chains(&s->g[i]);
		free(s->g[i].buckets);
	}
	free(s->g);
	free(s);
}

/* Globals are created on first use, so the store needs no metadata. NULL: out of memory. */
static struct mem_global *global(struct store_mem *s, uint32_t gid)
{
	if (gid >= s->ng) {
		if (gid == UINT32_MAX)
			return NULL;
		uint32_t n = gid + 1;
		struct mem_global *g = realloc(s->g, n * sizeof(*g));
		if (!g)
			return NULL;
		memset(g + s->ng, 0, (n - s->ng) * sizeof(*g));
		s->g = g;
		s->ng = n;
	}
	struct mem_global *g = &s->g[gid];
	if (!g->buckets) {
		g->buckets = calloc(64, sizeof(*g->buckets));
		if (!g->buckets)
			return NULL;
		g->nbuckets = 64;
		if (!g->max_entries)
			g->max_entries = BSTAP_MAXMAPENTRIES;
	}
	return g;
}

void store_mem_set_max(struct store_mem *s, uint32_t gid, uint32_t max_entries)
{
	struct mem_global *g = global(s, gid);
	if (g)
		g->max_entries = max_entries ? max_entries : BSTAP_MAXMAPENTRIES;
}

void store_mem_set_stat(struct store_mem *s, uint32_t gid, const struct stat_spec *spec, bool wrap)
{
	struct mem_global *g = global(s, gid);
	if (g) {
		if (spec)
			g->spec = *spec;
		g->wrap = wrap;
	}
}

/* Wrap-around: drop the element inserted first. */
static void evict_oldest(struct mem_global *g)
{
	struct mem_entry **old = NULL;
	for (size_t b = 0; b < g->nbuckets; b++)
		for (struct mem_entry **pp = &g->buckets[b]; *pp; pp = &(*pp)->next)
			if ((*pp)->nkeys && (!old || (*pp)->seq < (*old)->seq))
				old = pp;
	if (old) {
		struct mem_entry *m = *old;
		*old = m->next;
		free(m);
		g->count--;
	}
}

/* Keys encoded as an element stores them; the length. */
static uint32_t encode_keys(const struct value *keys, uint32_t nkeys, unsigned char *buf)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < nkeys; i++) {
		buf[n++] = (unsigned char)keys[i].type;
		if (keys[i].type == T_STRING) {
			size_t l = strnlen(keys[i].str, BSTAP_MAXSTRINGLEN - 1);
			memcpy(buf + n, keys[i].str, l);
			n += (uint32_t)l;
			buf[n++] = 0;
		} else {
			memcpy(buf + n, &keys[i].num, 8);
			n += 8;
		}
	}
	return n;
}

static void decode_keys(const struct mem_entry *m, struct value *keys)
{
	const unsigned char *p = m->data;
	for (uint32_t i = 0; i < m->nkeys; i++) {
		memset(&keys[i], 0, sizeof(keys[i]));
		keys[i].type = (enum type)*p++;
		if (keys[i].type == T_STRING) {
			size_t l = strlen((const char *)p);
			memcpy(keys[i].str, p, l + 1);
			p += l + 1;
		} else {
			memcpy(&keys[i].num, p, 8);
			p += 8;
		}
	}
}

static uint64_t hash_bytes(const unsigned char *p, uint32_t n)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */
	for (uint32_t j = 0; j < n; j++)
		h = (h ^ p[j]) * 1099511628211ull;
	return h;
}

/* The link that points at the element with these encoded keys, or at the NULL ending its chain. */
static struct mem_entry **find(struct mem_global *g, const unsigned char *k, uint32_t klen,
			       uint32_t nkeys, uint64_t h)
{
	struct mem_entry **pp = &g->buckets[h % g->nbuckets];
	while (*pp && !((*pp)->hash == h && (*pp)->nkeys == nkeys && (*pp)->klen == klen &&
			!memcmp((*pp)->data, k, klen)))
		pp = &(*pp)->next;
	return pp;
}

/* More buckets; without memory for them, the chains just get longer. */
static void grow(struct mem_global *g)
{
	size_t nb = g->nbuckets * 2;
	struct mem_entry **b = calloc(nb, sizeof(*b));
	if (!b)
		return;
	for (size_t i = 0; i < g->nbuckets; i++) {
		for (struct mem_entry *m = g->buckets[i], *nx; m; m = nx) {
			nx = m->next;
			m->next = b[m->hash % nb];
			b[m->hash % nb] = m;
		}
	}
	free(g->buckets);
	g->buckets = b;
	g->nbuckets = nb;
}

/*
 * The link to the element for keys, which is created if create is set; NULL with *err set
 * when it is absent (0), the array is full (-ENOSPC) or memory ran out (-ENOMEM). A new
 * element has room for a string value of vlen bytes.
 */
static struct mem_entry **lookup(struct store_mem *s, uint32_t gid, const struct value *keys,
				 uint32_t nkeys, bool create, size_t vlen, int *err)
{
	*err = 0;
	if (nkeys > BSTAP_MAXKEYS) {
		*err = -EINVAL;
		return NULL;
	}
	struct mem_global *g = global(s, gid);
	if (!g) {
		*err = -ENOMEM;
		return NULL;
	}
	unsigned char k[KEYS_MAX];
	uint32_t klen = encode_keys(keys, nkeys, k);
	uint64_t h = hash_bytes(k, klen);
	struct mem_entry **pp = find(g, k, klen, nkeys, h);
	if (*pp)
		return pp;
	if (!create)
		return NULL;
	/* Scalars (no keys) never count against the capacity. */
	if (nkeys && g->count >= g->max_entries && g->wrap && g->count)
		evict_oldest(g);
	if (nkeys && g->count >= g->max_entries) {
		*err = -ENOSPC;
		return NULL;
	}
	struct mem_entry *m = calloc(1, sizeof(*m) + klen + vlen);
	if (!m) {
		*err = -ENOMEM;
		return NULL;
	}
	m->hash = h;
	m->seq = g->seq++;
	m->nkeys = (uint8_t)nkeys;
	m->klen = klen;
	memcpy(m->data, k, klen);
	*pp = m;
	if (++g->count > g->nbuckets)
		grow(g);
	/* growing moved the chains: find the link again */
	return find(g, k, klen, nkeys, h);
}

static int mem_get(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys, struct value *out)
{
	int err;
	struct mem_entry **pp = lookup(ctx, gid, keys, nkeys, false, 0, &err);
	if (!pp || (*pp)->is_stat)
		return err;
	const struct mem_entry *m = *pp;
	memset(out, 0, sizeof(*out));
	if (m->has_str) {
		out->type = T_STRING;
		snprintf(out->str, sizeof(out->str), "%s", (const char *)m->data + m->klen);
	} else {
		out->type = T_LONG;
		out->num = m->num;
	}
	return 1;
}

static int mem_set(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys, const struct value *v)
{
	int err;
	bool str = v->type == T_STRING;
	size_t vlen = str ? strnlen(v->str, BSTAP_MAXSTRINGLEN - 1) + 1 : 0;
	struct mem_entry **pp = lookup(ctx, gid, keys, nkeys, true, vlen, &err);
	if (!pp)
		return err;
	struct mem_entry *m = *pp;
	if (str) {
		size_t have = m->has_str ? strlen((const char *)m->data + m->klen) + 1 : 0;
		if (have < vlen || have > vlen + 64) {
			struct mem_entry *nm = realloc(m, sizeof(*m) + m->klen + vlen);
			if (!nm)
				return -ENOMEM;
			*pp = m = nm;
		}
		memcpy(m->data + m->klen, v->str, vlen - 1);
		m->data[m->klen + vlen - 1] = 0;
	}
	m->has_str = str;
	m->is_stat = false;
	m->num = str ? 0 : v->num;
	return 0;
}

static int mem_exists(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys)
{
	int err;
	struct mem_entry **pp = lookup(ctx, gid, keys, nkeys, false, 0, &err);
	return pp ? 1 : err;
}

static int mem_del(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys)
{
	int err;
	struct mem_entry **pp = lookup(ctx, gid, keys, nkeys, false, 0, &err);
	if (pp) {
		struct mem_entry *m = *pp;
		*pp = m->next;
		free(m);
		global(ctx, gid)->count--;
	}
	return err;
}

static int mem_clear(void *ctx, uint32_t gid)
{
	struct mem_global *g = global(ctx, gid);
	if (!g)
		return -ENOMEM;
	free_chains(g);
	return 0;
}

static int mem_stat_add(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys, int64_t v)
{
	int err;
	struct mem_global *g = global(ctx, gid);
	if (!g)
		return -ENOMEM;
	size_t bytes = 8 * (size_t)stat_words(&g->spec);
	struct mem_entry **pp = lookup(ctx, gid, keys, nkeys, true, bytes, &err);
	if (!pp)
		return err;
	struct mem_entry *m = *pp;
	if (!m->is_stat) {
		/* it held a long or a string (a program read from a damaged file): make room */
		{
			struct mem_entry *nm = realloc(m, sizeof(*m) + m->klen + bytes);
			if (!nm)
				return -ENOMEM;
			*pp = m = nm;
		}
		memset(m->data + m->klen, 0, bytes);
		m->is_stat = true;
		m->has_str = false;
	}
	int64_t w[STAT_HDR_WORDS + STAT_MAX_BUCKETS];
	memcpy(w, m->data + m->klen, bytes);	/* the words may be unaligned after the keys */
	stat_add(&g->spec, w, v);
	memcpy(m->data + m->klen, w, bytes);
	return 0;
}

static void entry_stat(const struct mem_global *g, const struct mem_entry *m, struct stat_value *out)
{
	int64_t w[STAT_HDR_WORDS + STAT_MAX_BUCKETS];
	memcpy(w, m->data + m->klen, 8 * (size_t)stat_words(&g->spec));
	stat_merge(&g->spec, w, 1, out);
}

static int mem_stat_get(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys,
			struct stat_value *out)
{
	int err;
	struct mem_entry **pp = lookup(ctx, gid, keys, nkeys, false, 0, &err);
	if (!pp)
		return err;
	if (!(*pp)->is_stat)
		return 0;
	entry_stat(global(ctx, gid), *pp, out);
	return out->count > 0;
}

static int mem_snapshot(void *ctx, uint32_t gid, struct store_entry **out, size_t *n)
{
	struct mem_global *g = global(ctx, gid);
	*out = NULL;
	*n = 0;
	if (!g)
		return -ENOMEM;
	if (!g->count)
		return 0;
	struct store_entry *v = malloc(g->count * sizeof(*v));
	if (!v)
		return -ENOMEM;
	size_t k = 0;
	for (size_t b = 0; b < g->nbuckets; b++) {
		for (struct mem_entry *m = g->buckets[b]; m; m = m->next) {
			struct store_entry *e = &v[k++];
			memset(e, 0, sizeof(*e));
			e->nkeys = m->nkeys;
			decode_keys(m, e->keys);
			if (m->is_stat) {
				entry_stat(g, m, &e->stat);
			} else if (m->has_str) {
				e->val.type = T_STRING;
				snprintf(e->val.str, sizeof(e->val.str), "%s", (const char *)m->data + m->klen);
			} else {
				e->val.type = T_LONG;
				e->val.num = m->num;
			}
		}
	}
	*out = v;
	*n = k;
	return 0;
}

const struct store_ops store_mem_ops = {
	.get = mem_get,
	.set = mem_set,
	.exists = mem_exists,
	.del = mem_del,
	.clear = mem_clear,
	.stat_add = mem_stat_add,
	.stat_get = mem_stat_get,
	.snapshot = mem_snapshot,
};
