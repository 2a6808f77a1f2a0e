/* Diagnostics: one format for every user-facing error, with the quoted line and alias chain. */
#include "prog/diag.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct diag {
	struct arena *a;
	FILE *out;
	int errors, warnings;
	int limit;
	bool suppress_notes;	/* the last error was over the limit: drop its notes too */
	int muted;		/* diag_mute depth: while > 0, nothing is printed or counted */
	int muted_errors;	/* errors swallowed while muted */
	bool no_warnings;	/* -w */
};

void diag_set_warnings(struct diag *d, bool on)
{
	d->no_warnings = !on;
}

struct diag *diag_new(struct arena *a, FILE *out)
{
	struct diag *d = arena_alloc(a, sizeof(*d));
	d->a = a;
	d->out = out;
	d->limit = 50;
	return d;
}

void diag_set_limit(struct diag *d, int max_errors)
{
	d->limit = max_errors;
}

int diag_error_count(const struct diag *d)
{
	return d->errors;
}

#define QUOTE_WIDTH 160	/* longest stretch of a source line a diagnostic quotes */

void diag_quote(FILE *out, const char *start, size_t n, uint32_t line, uint32_t col, uint32_t len)
{
	if (n && start[n - 1] == '\r')
		n--;
	char num[16];
	int w = snprintf(num, sizeof(num), "%u", line);
	if (w < 4)
		w = 4;
	col = col ? col : 1;
	/* a very long line is cut to a window around the column, marked with "..." */
	size_t from = 0, to = n;
	if (n > QUOTE_WIDTH) {
		from = col - 1 > QUOTE_WIDTH / 2 ? col - 1 - QUOTE_WIDTH / 2 : 0;
		if (from > n - QUOTE_WIDTH)
			from = n - QUOTE_WIDTH;
		to = from + QUOTE_WIDTH;
	}
	const char *pre = from ? "..." : "", *post = to < n ? "..." : "";
	fprintf(out, "%*u | %s%.*s%s\n", w + 1, line, pre, (int)(to - from), start + from, post);
	fprintf(out, "%*s | %*s", w + 1, "", (int)strlen(pre), "");
	for (size_t i = from; i + 1 < col && i < to; i++)
		fputc(start[i] == '\t' ? '\t' : ' ', out);
	fputc('^', out);
	len = len ? len : 1;
	for (uint32_t i = 1; i < len && col - 1 + i < to; i++)
		fputc('~', out);
	fputc('\n', out);
}

static void quote_source(struct diag *d, const struct loc *loc)
{
	const struct src_file *f = loc->file;
	if (!f || loc->line < 1 || loc->line > f->nlines)
		return;
	const char *start = f->text + f->line_off[loc->line - 1];
	const char *end = strchr(start, '\n');
	size_t n = end ? (size_t)(end - start) : strlen(start);
	diag_quote(d->out, start, n, loc->line, loc->col, loc->len);
}

static void emit(struct diag *d, const char *kind, const struct loc *loc, const char *fmt,
		 va_list ap)
{
	if (loc && loc->file)
		fprintf(d->out, "%s:%u:%u: %s: ", loc->file->path, loc->line, loc->col, kind);
	else
		fprintf(d->out, "bstap: %s: ", kind);
	vfprintf(d->out, fmt, ap);
	fputc('\n', d->out);
	if (loc && loc->file)
		quote_source(d, loc);
	/* one note per alias expansion level, innermost first */
	for (const struct expansion *e = loc ? loc->via : NULL; e; e = e->outer) {
		if (!e->use.file)
			continue;
		fprintf(d->out, "%s:%u:%u: note: in expansion of alias '%s' used here\n",
			e->use.file->path, e->use.line, e->use.col, e->alias);
		quote_source(d, &e->use);
	}
}

int diag_mute(struct diag *d, bool on)
{
	if (on) {
		if (!d->muted++)
			d->muted_errors = 0;
	} else if (d->muted > 0) {
		d->muted--;
	}
	return d->muted_errors;
}

void diag_error(struct diag *d, const struct loc *loc, const char *fmt, ...)
{
	if (d->muted) {
		d->muted_errors++;
		return;
	}
	d->errors++;
	d->suppress_notes = d->errors > d->limit;
	if (d->suppress_notes)
		return;
	va_list ap;
	va_start(ap, fmt);
	emit(d, "error", loc, fmt, ap);
	va_end(ap);
}

void diag_warn(struct diag *d, const struct loc *loc, const char *fmt, ...)
{
	if (d->muted || d->no_warnings) {
		d->suppress_notes = true;	/* its notes go with it */
		return;
	}
	d->warnings++;
	d->suppress_notes = false;
	va_list ap;
	va_start(ap, fmt);
	emit(d, "warning", loc, fmt, ap);
	va_end(ap);
}

void diag_note(struct diag *d, const struct loc *loc, const char *fmt, ...)
{
	if (d->suppress_notes || d->muted)
		return;
	va_list ap;
	va_start(ap, fmt);
	emit(d, "note", loc, fmt, ap);
	va_end(ap);
}

void diag_semantic(struct diag *d, const char *fmt, ...)
{
	d->errors++;
	va_list ap;
	va_start(ap, fmt);
	fputs("semantic error: ", d->out);
	vfprintf(d->out, fmt, ap);
	fputc('\n', d->out);
	va_end(ap);
}

struct src_file *src_file_new(struct arena *a, const char *path, const char *text, size_t len)
{
	struct src_file *f = arena_alloc(a, sizeof(*f));
	f->path = arena_strdup(a, path);
	f->text = arena_strndup(a, text, len);
	f->len = (uint32_t)len;
	uint32_t n = 1;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			n++;
	f->line_off = arena_alloc(a, n * sizeof(uint32_t));
	f->nlines = n;
	uint32_t l = 1;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			f->line_off[l++] = (uint32_t)(i + 1);
	return f;
}

struct src_file *src_file_read(struct arena *a, const char *path)
{
	FILE *fp = fopen(path, "rbe");
	if (!fp)
		return NULL;
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	if (!buf) {
		fclose(fp);
		errno = ENOMEM;
		return NULL;
	}
	size_t got;
	while ((got = fread(buf + len, 1, cap - len, fp)) > 0) {
		len += got;
		if (len == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				fclose(fp);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	int err = ferror(fp) ? (errno ? errno : EIO) : 0;	/* a directory: EISDIR */
	fclose(fp);
	if (err) {
		free(buf);
		errno = err;
		return NULL;
	}
	struct src_file *f = src_file_new(a, path, buf, len);
	free(buf);
	return f;
}
