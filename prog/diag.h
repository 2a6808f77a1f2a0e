/* The diagnostics sink: clang-style "file:line:col: error: msg", the source line, a caret. */
#ifndef BSTAP_DIAG_H
#define BSTAP_DIAG_H

#include <stdio.h>
#include "prog/ast.h"

struct diag;

struct diag *diag_new(struct arena *a, FILE *out);

/* loc may be NULL: then only "bstap: error: msg" / "semantic error: msg" style lines. */
void diag_error(struct diag *d, const struct loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_warn(struct diag *d, const struct loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Warnings on (the default) or off (-w): errors are printed either way. */
void diag_set_warnings(struct diag *d, bool on);
/* A note belongs to the diagnostic just reported (e.g. "previous use was here"). */
void diag_note(struct diag *d, const struct loc *loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "semantic error: msg" with no location, as stap prints "semantic error: no probes found". */
void diag_semantic(struct diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

int diag_error_count(const struct diag *d);

/*
 * Mute (on) or unmute: while muted, errors, warnings and notes are neither printed nor
 * counted, so an optional probe point that fails to resolve can be skipped as stap does.
 * Mutes nest; returns how many errors the outermost mute swallowed so far.
 */
int diag_mute(struct diag *d, bool on);

/*
 * The one caret printer: quote a source line (n bytes at text) as line number | text, and
 * underline [col, col+len) with ^~~ below it, tabs copied so the columns line up.
 */
void diag_quote(FILE *out, const char *text, size_t n, uint32_t line, uint32_t col, uint32_t len);
/* After this many errors, further ones are counted but not printed. */
void diag_set_limit(struct diag *d, int max_errors);

/* Build a src_file from text (copied into the arena), with line offsets. */
struct src_file *src_file_new(struct arena *a, const char *path, const char *text, size_t len);
/* Read a whole file; NULL and errno on failure. */
struct src_file *src_file_read(struct arena *a, const char *path);

#endif
