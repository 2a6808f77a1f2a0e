/* One bump allocator per compile: every AST node, symbol and string of passes 1-4 lives here. */
#ifndef BSTAP_ARENA_H
#define BSTAP_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena *arena_new(void);
void arena_free(struct arena *a);	/* accepts NULL */

/* Zeroed memory; aborts with "bstap: out of memory" on exhaustion, never returns NULL. */
void *arena_alloc(struct arena *a, size_t size);
/* Grow an arena array: returns a new block holding the old contents (old block is left behind). */
void *arena_realloc(struct arena *a, void *old, size_t old_size, size_t new_size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap);

/* Push x onto an arena-backed {v, n, cap} list, doubling it when full. */
#define ARENA_LIST_PUSH(a, l, x)                                                            \
	do {                                                                                \
		if ((l)->n == (l)->cap) {                                                   \
			uint32_t ncap_ = (l)->cap ? (l)->cap * 2 : 4;                       \
			(l)->v = arena_realloc((a), (l)->v, (l)->cap * sizeof(*(l)->v),     \
					       ncap_ * sizeof(*(l)->v));                    \
			(l)->cap = ncap_;                                                   \
		}                                                                           \
		(l)->v[(l)->n++] = (x);                                                     \
	} while (0)

#endif
