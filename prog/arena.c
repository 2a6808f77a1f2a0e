/* The compile-time bump allocator: big chunks, freed all at once at the end of the session. */
#include "prog/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_SIZE (64 * 1024)

struct chunk {
	struct chunk *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

struct arena {
	struct chunk *head;
};

static void oom(void)
{
	fputs("bstap: out of memory\n", stderr);
	abort();
}

struct arena *arena_new(void)
{
	struct arena *a = calloc(1, sizeof(*a));
	if (!a)
		oom();
	return a;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	for (struct chunk *c = a->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void *arena_alloc(struct arena *a, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	struct chunk *c = a->head;
	if (!c || c->size - c->used < size) {
		size_t csize = size > CHUNK_SIZE / 4 ? size : CHUNK_SIZE;
		c = malloc(sizeof(*c) + csize);
		if (!c)
			oom();
		c->size = csize;
		c->used = 0;
		/* big one-off blocks go behind the head so the head's free space is not wasted */
		if (a->head && csize != CHUNK_SIZE) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	void *p = c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

void *arena_realloc(struct arena *a, void *old, size_t old_size, size_t new_size)
{
	void *p = arena_alloc(a, new_size);
	if (old && old_size)
		memcpy(p, old, old_size < new_size ? old_size : new_size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	p[n] = 0;
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		n = 0;
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(a, fmt, ap);
	va_end(ap);
	return p;
}
