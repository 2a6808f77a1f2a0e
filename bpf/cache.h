/* Pass 4: the compile cache, BPF objects keyed by a SHA-256 of everything that shapes them. */
#ifndef BSTAP_CACHE_H
#define BSTAP_CACHE_H

#include <stdbool.h>

struct cache;

/*
 * Opens the cache directory: dir_override (--cache-dir) if not NULL, else $XDG_CACHE_HOME/bstap,
 * else /var/cache/bstap for root, else $HOME/.cache/bstap. It is created with mode 0700 when
 * missing. A directory that is a symlink, not a directory, not owned by the effective uid or
 * writable by group/other is refused with one warning. Returns 0 with *out set, or a negative
 * errno with *out NULL: the caller then runs uncached (every cache_* function accepts NULL).
 */
int cache_open(struct cache **out, const char *dir_override, bool verbose);

/* Adds a named ingredient to the key of every later lookup and store (e.g. the bstap version). */
void cache_add_key(struct cache *c, const char *name, const char *value);

/*
 * 1 on a hit: *obj_path_out (owned by the cache, valid until cache_close) opens exactly the
 * entry whose checksum was verified. 0 on a miss; a corrupt or truncated entry is deleted first.
 * The key covers c_text, the embedded runtime header, the clang version, the bstap binary and
 * the system BPF headers, plus cache_add_key ingredients.
 */
int cache_lookup(struct cache *c, const char *c_text, char **obj_path_out);

/*
 * Copies the object at obj_path into the cache under c_text's key, atomically (O_EXCL temp
 * file, fsync, rename). Returns 0 or a negative errno (a warning is printed under verbose).
 * After it succeeds, cache_lookup on the same text is a hit.
 */
int cache_store(struct cache *c, const char *c_text, const char *obj_path);

/* The file name in the cache directory of the last entry looked up or stored, for messages and
 * -p4 (NULL if none). Loading must use the path cache_lookup gives, not this one. */
const char *cache_entry_path(const struct cache *c);

void cache_close(struct cache *c);

#endif
