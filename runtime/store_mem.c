/* The in-memory global store: hash tables of values and aggregates, for unit tests and dry runs. */
#include "runtime/store.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct mem_entry {
	struct mem_entry *next;		/* hash chain */
	uint64_t hash;
	bool is_stat;
	struct store_entry e;
};

struct mem_global {
	struct mem_entry **buckets;
	size_t nbuckets, count;
	uint32_t max_entries;
};

struct store_mem {
	struct mem_global *g;
	uint32_t ng;
};

static void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n, sz);
	if (!p)
		abort();	/* as the arena does: out of memory is fatal */
	return p;
}

struct store_mem *store_mem_new(void)
{
	return xcalloc(1, sizeof(struct store_mem));
}

void store_mem_free(struct store_mem *s)
{
	if (!s)
		return;
	for (uint32_t i = 0; i < s->ng; i++) {
		struct mem_global *g = &s->g[i];
		for (size_t b = 0; b < g->nbuckets; b++) {
			for (struct mem_entry *m = g->buckets[b], *nx; m; m = nx) {
				nx = m->next;
				free(m);
			}
		}
		free(g->buckets);
	}
	free(s->g);
	free(s);
}

/* Globals are created on first use, so the store needs no metadata. */
static struct mem_global *global(struct store_mem *s, uint32_t gid)
{
	if (gid >= s->ng) {
		uint32_t n = gid + 1;
		struct mem_global *g = realloc(s->g, n * sizeof(*g));
		if (!g)
			abort();
		memset(g + s->ng, 0, (n - s->ng) * sizeof(*g));
		s->g = g;
		s->ng = n;
	}
	struct mem_global *g = &s->g[gid];
	if (!g->buckets) {
		g->nbuckets = 64;
		g->buckets = xcalloc(g->nbuckets, sizeof(*g->buckets));
		if (!g->max_entries)
			g->max_entries = BSTAP_MAXMAPENTRIES;
	}
	return g;
}

void store_mem_set_max(struct store_mem *s, uint32_t gid, uint32_t max_entries)
{
	global(s, gid)->max_entries = max_entries ? max_entries : BSTAP_MAXMAPENTRIES;
}

static uint64_t hash_keys(const struct value *keys, uint32_t nkeys)
{
	uint64_t h = 1469598103934665603ull;	/* FNV-1a */
	for (uint32_t i = 0; i < nkeys; i++) {
		const unsigned char *p;
		size_t n;
		if (keys[i].type == T_STRING) {
			p = (const unsigned char *)keys[i].str;
			n = strlen(keys[i].str);
		} else {
			p = (const unsigned char *)&keys[i].num;
			n = sizeof(keys[i].num);
		}
		h = (h ^ (uint64_t)keys[i].type) * 1099511628211ull;
		for (size_t j = 0; j < n; j++)
			h = (h ^ p[j]) * 1099511628211ull;
	}
	return h;
}

static bool keys_equal(const struct store_entry *e, const struct value *keys, uint32_t nkeys)
{
	if (e->nkeys != nkeys)
		return false;
	for (uint32_t i = 0; i < nkeys; i++) {
		if (e->keys[i].type != keys[i].type)
			return false;
		if (keys[i].type == T_STRING ? strcmp(e->keys[i].str, keys[i].str) : e->keys[i].num != keys[i].num)
			return false;
	}
	return true;
}

static struct mem_entry **find(struct mem_global *g, const struct value *keys, uint32_t nkeys, uint64_t h)
{
	struct mem_entry **pp = &g->buckets[h % g->nbuckets];
	while (*pp && !((*pp)->hash == h && keys_equal(&(*pp)->e, keys, nkeys)))
		pp = &(*pp)->next;
	return pp;
}

static void grow(struct mem_global *g)
{
	size_t nb = g->nbuckets * 2;
	struct mem_entry **b = xcalloc(nb, sizeof(*b));
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

/* The element for keys, created if create is set; NULL if absent, or (*full) if the array is full. */
static struct mem_entry *lookup(struct store_mem *s, uint32_t gid, const struct value *keys, uint32_t nkeys,
				bool create, bool *full)
{
	if (nkeys > BSTAP_MAXKEYS)
		return NULL;
	struct mem_global *g = global(s, gid);
	uint64_t h = hash_keys(keys, nkeys);
	struct mem_entry **pp = find(g, keys, nkeys, h);
	if (*pp || !create)
		return *pp;
	/* Scalars (no keys) never count against the capacity. */
	if (nkeys && g->count >= g->max_entries) {
		*full = true;
		return NULL;
	}
	struct mem_entry *m = xcalloc(1, sizeof(*m));
	m->hash = h;
	m->e.nkeys = nkeys;
	for (uint32_t i = 0; i < nkeys; i++)
		m->e.keys[i] = keys[i];
	*pp = m;
	if (++g->count > g->nbuckets)
		grow(g);
	return m;
}

static int mem_get(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys, struct value *out)
{
	struct mem_entry *m = lookup(ctx, gid, keys, nkeys, false, NULL);
	if (!m || m->is_stat)
		return 0;
	*out = m->e.val;
	return 1;
}

static int mem_set(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys, const struct value *v)
{
	bool full = false;
	struct mem_entry *m = lookup(ctx, gid, keys, nkeys, true, &full);
	if (!m)
		return full ? -ENOSPC : -EINVAL;
	m->e.val = *v;
	return 0;
}

static int mem_exists(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys)
{
	return lookup(ctx, gid, keys, nkeys, false, NULL) != NULL;
}

static int mem_del(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys)
{
	struct store_mem *s = ctx;
	if (nkeys > BSTAP_MAXKEYS)
		return -EINVAL;
	struct mem_global *g = global(s, gid);
	struct mem_entry **pp = find(g, keys, nkeys, hash_keys(keys, nkeys));
	if (*pp) {
		struct mem_entry *m = *pp;
		*pp = m->next;
		free(m);
		g->count--;
	}
	return 0;
}

static int mem_clear(void *ctx, uint32_t gid)
{
	struct mem_global *g = global(ctx, gid);
	for (size_t b = 0; b < g->nbuckets; b++) {
		for (struct mem_entry *m = g->buckets[b], *nx; m; m = nx) {
			nx = m->next;
			free(m);
		}
		g->buckets[b] = NULL;
	}
	g->count = 0;
	return 0;
}

static int mem_stat_add(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys, int64_t v)
{
	bool full = false;
	struct mem_entry *m = lookup(ctx, gid, keys, nkeys, true, &full);
	if (!m)
		return full ? -ENOSPC : -EINVAL;
	struct stat_value *st = &m->e.stat;
	m->is_stat = true;
	if (st->count == 0 || v < st->min)
		st->min = v;
	if (st->count == 0 || v > st->max)
		st->max = v;
	st->count++;
	st->sum = (int64_t)((uint64_t)st->sum + (uint64_t)v);	/* wraps like the BPF side */
	return 0;
}

static int mem_stat_get(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys,
			struct stat_value *out)
{
	struct mem_entry *m = lookup(ctx, gid, keys, nkeys, false, NULL);
	if (!m || !m->is_stat || m->e.stat.count == 0)
		return 0;
	*out = m->e.stat;
	return 1;
}

static int mem_snapshot(void *ctx, uint32_t gid, struct store_entry **out, size_t *n)
{
	struct mem_global *g = global(ctx, gid);
	*out = NULL;
	*n = 0;
	if (!g->count)
		return 0;
	struct store_entry *v = malloc(g->count * sizeof(*v));
	if (!v)
		return -ENOMEM;
	size_t k = 0;
	for (size_t b = 0; b < g->nbuckets; b++)
		for (struct mem_entry *m = g->buckets[b]; m; m = m->next)
			v[k++] = m->e;
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
