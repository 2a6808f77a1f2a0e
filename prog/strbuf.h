/* A small growable byte buffer for formatted output: append bytes, append printf-style, reset. */
#ifndef BSTAP_STRBUF_H
#define BSTAP_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

/* Zero-initialise ({0}) to get an empty buffer; buf is always NUL-terminated once non-NULL. */
struct strbuf {
	char *buf;
	size_t len, cap;
};

void strbuf_append(struct strbuf *sb, const char *s, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
/* Empty the buffer, keeping its memory. */
void strbuf_reset(struct strbuf *sb);
/* The contents as a C string ("" for a buffer that never grew). */
const char *strbuf_str(const struct strbuf *sb);
void strbuf_free(struct strbuf *sb);

#endif
