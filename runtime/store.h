/* The global-variable store the userspace evaluator reads and writes: an ops table over BPF maps or memory. */
#ifndef BSTAP_STORE_H
#define BSTAP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "prog/value.h"

/* Most keys an array may have (stap allows up to 9 index expressions). */
#define BSTAP_MAXKEYS 9

/*
 * Conventions shared by every operation:
 * - A global is named by gid, its position in program->globals (sym->index) and in the
 *   object's metadata, so a store never needs the AST.
 * - A scalar is the array with no keys: keys == NULL, nkeys == 0.
 * - Keys and values carry their type in struct value; strings are NUL-terminated and
 *   already bounded to BSTAP_MAXSTRINGLEN - 1 bytes.
 * - Return values: 0 or 1 as documented, or a negative errno. -ENOSPC means the array
 *   is full (stap's "Array overflow"); the evaluator turns any other failure into a
 *   runtime error naming the global.
 */
struct store_entry {
	uint32_t nkeys;
	struct value keys[BSTAP_MAXKEYS];
	struct value val;		/* for long/string arrays */
	struct stat_value stat;		/* for statistics arrays (count > 0) */
};

struct store_ops {
	/* 1 and *out filled if the element exists, 0 if it does not (the caller uses 0 / ""). */
	int (*get)(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys,
		   struct value *out);
	/* Create or overwrite. */
	int (*set)(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys,
		   const struct value *v);
	/* 1 if the element exists, else 0 (the 'in' operator). */
	int (*exists)(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys);
	/* Delete one element (0 also when it did not exist); for a scalar: reset to 0 / "" / empty stats. */
	int (*del)(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys);
	/* Delete every element of an array. */
	int (*clear)(void *ctx, uint32_t gid);
	/* x <<< v: add one sample to the aggregate (per-CPU in the BPF store). */
	int (*stat_add)(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys, int64_t v);
	/* 1 and *out merged over CPUs if the aggregate has samples, 0 if empty or missing. */
	int (*stat_get)(void *ctx, uint32_t gid, const struct value *keys, uint32_t nkeys,
			struct stat_value *out);
	/*
	 * A snapshot of every element, in no particular order, for foreach. *out is malloc'ed
	 * by the store (NULL when *n == 0) and freed by the caller with free(). Elements of
	 * a statistics array carry .stat; others carry .val.
	 */
	int (*snapshot)(void *ctx, uint32_t gid, struct store_entry **out, size_t *n);
};

/* The in-memory store (unit tests, dry runs). Globals are created on first use. */
struct store_mem;
extern const struct store_ops store_mem_ops;
struct store_mem *store_mem_new(void);
void store_mem_free(struct store_mem *s);	/* accepts NULL */
/* Capacity of array gid (default BSTAP_MAXMAPENTRIES); a set/stat_add of a new key past it is -ENOSPC. */
void store_mem_set_max(struct store_mem *s, uint32_t gid, uint32_t max_entries);
/* How statistics global gid is kept (spec may be NULL), and whether it wraps around (global a%). */
void store_mem_set_stat(struct store_mem *s, uint32_t gid, const struct stat_spec *spec, bool wrap);

#endif
