/* A small growable byte buffer for formatted output. */
#include "prog/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Make room for n more bytes plus the NUL; out of memory is fatal, as in the arena. */
static void reserve(struct strbuf *sb, size_t n)
{
	if (sb->len + n + 1 <= sb->cap)
		return;
	size_t cap = sb->cap ? sb->cap : 64;
	while (cap < sb->len + n + 1)
		cap *= 2;
	char *p = realloc(sb->buf, cap);
	if (!p) {
		fputs("bstap: out of memory\n", stderr);
		abort();
	}
	sb->buf = p;
	sb->cap = cap;
}

void strbuf_append(struct strbuf *sb, const char *s, size_t n)
{
	reserve(sb, n);
	if (n)
		memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_append(sb, s, strlen(s));
}

void strbuf_putc(struct strbuf *sb, char c)
{
	strbuf_append(sb, &c, 1);
}

void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
	/* Format into the spare room first; grow and retry only when it did not fit. (No
	 * vsnprintf(NULL, 0, ...) sizing pass: gcc -O2 with sanitizers warns about it.) */
	reserve(sb, 64);
	va_list ap2;
	va_copy(ap2, ap);
	size_t room = sb->cap - sb->len;
	int n = vsnprintf(sb->buf + sb->len, room, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		sb->buf[sb->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		reserve(sb, (size_t)n);
		vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	}
	sb->len += (size_t)n;
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

const char *strbuf_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

void strbuf_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}
