/* SystemTap printf: parse a format into literal runs and conversions, and format script values with it. */
#ifndef BSTAP_FORMAT_H
#define BSTAP_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include "prog/strbuf.h"
#include "prog/value.h"

enum fmt_conv {
	FC_LITERAL,	/* text between conversions ("%%" already folded into a single '%') */
	FC_SIGNED,	/* %d %i */
	FC_UNSIGNED,	/* %u */
	FC_OCTAL,	/* %o */
	FC_HEX,		/* %x */
	FC_HEX_UPPER,	/* %X */
	FC_PTR,		/* %p: "0x" and 16 hex digits */
	FC_CHAR,	/* %c: one byte from a long */
	FC_STRING,	/* %s */
	FC_BINARY,	/* %b: the long's bytes in host order (1, 2, 4 or 8 of them) */
};

enum fmt_flag {
	FMT_LEFT = 1,	/* '-' */
	FMT_PLUS = 2,	/* '+' */
	FMT_SPACE = 4,	/* ' ' */
	FMT_ZERO = 8,	/* '0' */
	FMT_ALT = 16,	/* '#' */
};

#define FMT_NONE (-1)	/* width or precision not given */
#define FMT_STAR (-2)	/* width or precision taken from the next (long) argument */
#define FMT_MAXWIDTH 4096	/* widths and precisions are clamped to this, as stap clamps to its buffer */

struct fmt_spec {
	enum fmt_conv conv;
	const char *lit;	/* FC_LITERAL: the text (NUL-terminated), else NULL */
	size_t litlen;
	unsigned flags;		/* enum fmt_flag bits */
	int width;		/* >= 0, FMT_NONE or FMT_STAR */
	int prec;		/* >= 0, FMT_NONE or FMT_STAR */
};

/* A parsed format: one malloc'ed block, released with fmt_free(). */
struct fmt {
	int nspecs;
	struct fmt_spec *specs;
	/* What the arguments must be, in order: '*' widths/precisions are T_LONG, then the
	 * conversion's own argument (T_STRING for %s, T_LONG otherwise). Pass 2 checks printf
	 * calls against this. */
	int nargs;
	enum type *arg_types;
};

/*
 * Parse a format. On error returns NULL and writes stap-like text to err, e.g.
 * "invalid format conversion '%q'" or "incomplete format conversion at end of '%-5'".
 */
struct fmt *fmt_parse(const char *fmt, char *err, size_t errlen);
void fmt_free(struct fmt *f);	/* accepts NULL */

/*
 * Append the formatted text to out. Arguments are matched to f->arg_types in order; a
 * missing argument formats as 0 / "". Returns the number of arguments consumed.
 */
int fmt_format_parsed(struct strbuf *out, const struct fmt *f, const struct value *args, int nargs);

/* Parse and format in one go; -1 (and nothing appended) if the format is invalid. */
int fmt_format(struct strbuf *out, const char *fmt, const struct value *args, int nargs);

/* print family: one value as print() shows it (longs in decimal, strings as they are). */
void fmt_print_value(struct strbuf *out, const struct value *v);
/*
 * print(a, b) / println / printd(delim, ...) / printdln: the values one after another,
 * separated by delim (NULL or "" for print/println), then "\n" if newline.
 */
void fmt_print_values(struct strbuf *out, const struct value *args, int nargs, const char *delim,
		      bool newline);

/*
 * The same format as bpf_snprintf() takes it (%lld for %d, ...), or NULL when BPF cannot
 * format it (precisions, '*' widths, '#', %o, %p, %b, more than 12 values): such a sprintf
 * runs in userspace. Pass 2 places probes by it; the generator emits it.
 */
struct arena;
/* How one value must be rendered before bpf_snprintf prints it with %s: %o, %p and '#' forms
 * and a string's precision, which bpf_snprintf lacks (base 0 and cut 0: the value goes to
 * bpf_snprintf as it is). */
struct fmt_bpf_arg {
	unsigned base;		/* 8 or 16 */
	bool alt;		/* '#' (and %p): 0 or 0x before the digits */
	bool upper;
	int zero_width;		/* '0' flag: pad with zeros to this width (prefix included) */
	int cut;		/* %.Ns: N + 1, the bytes a copy of the string keeps with its NUL */
};
/* render: NULL, or room for 12 entries, filled per value when the format needs them. */
const char *fmt_bpf_snprintf(struct arena *a, const char *fmt, struct fmt_bpf_arg *render);

#endif
