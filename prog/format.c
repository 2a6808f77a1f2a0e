/* SystemTap printf: parsing formats into conversions and formatting 64-bit longs and strings with them. */
#include "prog/format.h"

#include "prog/arena.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int clamp_width(long v)
{
	return v > FMT_MAXWIDTH ? FMT_MAXWIDTH : (int)v;
}

/* Digits of a width or precision; stap clamps huge values rather than failing. */
static int parse_num(const char **pp)
{
	long v = 0;
	const char *p = *pp;
	while (*p >= '0' && *p <= '9') {
		if (v <= FMT_MAXWIDTH)
			v = v * 10 + (*p - '0');
		p++;
	}
	*pp = p;
	return clamp_width(v);
}

struct fmt *fmt_parse(const char *fmt, char *err, size_t errlen)
{
	size_t len = strlen(fmt);
	/* Upper bounds: every spec uses at least one byte of fmt (plus one), every conversion
	 * wants at most three arguments and takes at least two bytes. */
	size_t maxspecs = len + 1, maxargs = 2 * len + 1;
	size_t sz = sizeof(struct fmt) + maxspecs * sizeof(struct fmt_spec) + maxargs * sizeof(enum type) +
		    2 * (len + 1);
	struct fmt *f = calloc(1, sz);
	if (!f) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->specs = (struct fmt_spec *)(f + 1);
	f->arg_types = (enum type *)(f->specs + maxspecs);
	char *text = (char *)(f->arg_types + maxargs);	/* literal runs, each NUL-terminated */

	const char *p = fmt;
	struct fmt_spec *lit = NULL;	/* the literal run being extended, if any */
	while (*p) {
		if (*p != '%' || p[1] == '\0' || p[1] == '%') {
			/* Plain text, "%%", and (as stap does) a lone '%' at the very end. */
			if (!lit) {
				lit = &f->specs[f->nspecs++];
				lit->conv = FC_LITERAL;
				lit->lit = text;
				lit->width = lit->prec = FMT_NONE;
			}
			text[lit->litlen++] = *p;
			p += (*p == '%' && p[1] == '%') ? 2 : 1;
			continue;
		}
		if (lit) {
			text += lit->litlen + 1;	/* keep the NUL that calloc left */
			lit = NULL;
		}
		const char *start = p++;
		struct fmt_spec *s = &f->specs[f->nspecs];
		s->width = s->prec = FMT_NONE;
		for (;; p++) {
			unsigned fl = *p == '-' ? FMT_LEFT : *p == '+' ? FMT_PLUS : *p == ' ' ? FMT_SPACE :
				      *p == '0' ? FMT_ZERO : *p == '#' ? FMT_ALT : 0;
			if (!fl)
				break;
			s->flags |= fl;
		}
		if (*p == '*') {
			s->width = FMT_STAR;
			f->arg_types[f->nargs++] = T_LONG;
			p++;
		} else if (*p >= '0' && *p <= '9') {
			s->width = parse_num(&p);
		}
		if (*p == '.') {
			p++;
			if (*p == '*') {
				s->prec = FMT_STAR;
				f->arg_types[f->nargs++] = T_LONG;
				p++;
			} else {
				s->prec = parse_num(&p);	/* "%.d" means precision 0, as in C */
			}
		}
		/* Length modifiers mean nothing here (every number is 64 bits); stap skips them too. */
		while (*p == 'l' || *p == 'h' || *p == 'L' || *p == 'z' || *p == 'j' || *p == 't')
			p++;
		enum type want = T_LONG;
		switch (*p) {
		case 'd': case 'i': s->conv = FC_SIGNED; break;
		case 'u': s->conv = FC_UNSIGNED; break;
		case 'o': s->conv = FC_OCTAL; break;
		case 'x': s->conv = FC_HEX; break;
		case 'X': s->conv = FC_HEX_UPPER; break;
		case 'p': s->conv = FC_PTR; break;
		case 'c': s->conv = FC_CHAR; break;
		case 'b': s->conv = FC_BINARY; break;
		case 's': s->conv = FC_STRING; want = T_STRING; break;
		case '\0':
			snprintf(err, errlen, "incomplete format conversion '%s' at end of format", start);
			free(f);
			return NULL;
		default:
			snprintf(err, errlen, "invalid format conversion '%.*s'", (int)(p - start + 1), start);
			free(f);
			return NULL;
		}
		p++;
		f->arg_types[f->nargs++] = want;
		f->nspecs++;
	}
	return f;
}

void fmt_free(struct fmt *f)
{
	free(f);
}

struct argv {
	const struct value *v;
	int n, i;
};

static int64_t next_long(struct argv *a)
{
	const struct value *v = a->i < a->n ? &a->v[a->i] : NULL;
	a->i++;
	return v && v->type == T_LONG ? v->num : 0;
}

static const char *next_str(struct argv *a)
{
	const struct value *v = a->i < a->n ? &a->v[a->i] : NULL;
	a->i++;
	return v && v->type == T_STRING ? v->str : "";
}

static void pad(struct strbuf *out, char c, int n)
{
	while (n-- > 0)
		strbuf_putc(out, c);
}

/* The bytes of one %c; with '#', stap escapes what is not printable ASCII. */
static int char_text(char buf[4], unsigned char c, bool alt)
{
	if (!alt || (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\')) {
		buf[0] = (char)c;
		return 1;
	}
	static const char from[] = "\a\b\f\n\r\t\v'\\", to[] = "abfnrtv'\\";
	const char *e = c ? memchr(from, c, sizeof(from) - 1) : NULL;
	buf[0] = '\\';
	if (e) {
		buf[1] = to[e - from];
		return 2;
	}
	buf[1] = (char)('0' + ((c >> 6) & 3));
	buf[2] = (char)('0' + ((c >> 3) & 7));
	buf[3] = (char)('0' + (c & 7));
	return 4;
}

/* stap's %b: precision picks 1, 2, 4 or 8 bytes; width pads with NUL bytes; either defaults the other. */
static int bin_size(int prec)
{
	return prec == 1 || prec == 2 || prec == 4 || prec == 8 ? prec : -1;
}

static void format_binary(struct strbuf *out, int64_t num, int width, int prec, bool left)
{
	prec = bin_size(prec);
	if (width < 0) {
		width = prec < 0 ? 8 : prec;
		if (prec < 0)
			prec = 8;
	} else if (prec < 0) {
		prec = bin_size(width);
		if (prec < 0)
			prec = 8;
	}
	if (!left)
		pad(out, '\0', width - prec);
	union { int8_t b; int16_t h; int32_t w; int64_t q; char c[8]; } u;
	switch (prec) {
	case 1: u.b = (int8_t)num; break;
	case 2: u.h = (int16_t)num; break;
	case 4: u.w = (int32_t)num; break;
	default: u.q = num; break;
	}
	strbuf_append(out, u.c, (size_t)prec);
	if (left)
		pad(out, '\0', width - prec);
}

/*
 * Integers as SystemTap's runtime prints them, which differs from C in corners: '#' always
 * adds its prefix (%#x of 0 is "0x0"), a precision of 0 still prints "0", and '0' pads
 * even when a precision is given. %p is %#x.
 */
static void format_int(struct strbuf *out, enum fmt_conv conv, int64_t num, int width, int prec,
		       unsigned flags)
{
	unsigned base = conv == FC_OCTAL ? 8 : (conv == FC_SIGNED || conv == FC_UNSIGNED) ? 10 : 16;
	bool upper = conv == FC_HEX_UPPER;
	if (conv == FC_PTR)
		flags |= FMT_ALT;
	if (flags & FMT_LEFT)
		flags &= ~(unsigned)FMT_ZERO;
	char sign = 0;
	uint64_t u = (uint64_t)num;
	if (conv == FC_SIGNED) {
		if (num < 0) {
			sign = '-';
			u = 0 - u;
		} else if (flags & FMT_PLUS) {
			sign = '+';
		} else if (flags & FMT_SPACE) {
			sign = ' ';
		}
	}
	const char *prefix = "";
	if (flags & FMT_ALT)
		prefix = base == 16 ? (upper ? "0X" : "0x") : base == 8 ? "0" : "";
	char digits[66];
	int nd = 0;
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	do {
		digits[nd++] = set[u % base];
		u /= base;
	} while (u);
	int ndig = prec > nd ? prec : nd;
	int padn = width - (int)((sign ? 1 : 0) + strlen(prefix) + (size_t)ndig);
	if (!(flags & (FMT_LEFT | FMT_ZERO)))
		pad(out, ' ', padn);
	if (sign)
		strbuf_putc(out, sign);
	strbuf_puts(out, prefix);
	if (flags & FMT_ZERO)
		pad(out, '0', padn);
	pad(out, '0', ndig - nd);
	while (nd > 0)
		strbuf_putc(out, digits[--nd]);
	if (flags & FMT_LEFT)
		pad(out, ' ', padn);
}

int fmt_format_parsed(struct strbuf *out, const struct fmt *f, const struct value *args, int nargs)
{
	struct argv a = { args, nargs, 0 };
	for (int i = 0; i < f->nspecs; i++) {
		const struct fmt_spec *s = &f->specs[i];
		if (s->conv == FC_LITERAL) {
			strbuf_append(out, s->lit, s->litlen);
			continue;
		}
		unsigned flags = s->flags;
		int width = s->width, prec = s->prec;
		if (width == FMT_STAR) {
			/* As in C: a negative '*' width means left-justify. */
			int64_t w = next_long(&a);
			if (w < 0) {
				flags |= FMT_LEFT;
				w = w == INT64_MIN ? INT64_MAX : -w;
			}
			width = w > FMT_MAXWIDTH ? FMT_MAXWIDTH : (int)w;
		}
		if (prec == FMT_STAR) {
			/* As in C: a negative '*' precision is as if none was given. */
			int64_t p = next_long(&a);
			prec = p < 0 ? FMT_NONE : p > FMT_MAXWIDTH ? FMT_MAXWIDTH : (int)p;
		}
		bool left = flags & FMT_LEFT;
		switch (s->conv) {
		case FC_STRING: {
			const char *str = next_str(&a);
			size_t n = strnlen(str, prec >= 0 ? (size_t)prec : (size_t)-1);
			int padn = width - (int)n;
			if (!left)
				pad(out, ' ', padn);
			strbuf_append(out, str, n);
			if (left)
				pad(out, ' ', padn);
			break;
		}
		case FC_CHAR: {
			char buf[4];
			int n = char_text(buf, (unsigned char)next_long(&a), flags & FMT_ALT);
			if (!left)
				pad(out, ' ', width - n);
			strbuf_append(out, buf, (size_t)n);
			if (left)
				pad(out, ' ', width - n);
			break;
		}
		case FC_BINARY:
			format_binary(out, next_long(&a), width, prec, left);
			break;
		default:
			format_int(out, s->conv, next_long(&a), width, prec, flags);
			break;
		}
	}
	return a.i < nargs ? a.i : nargs;
}

int fmt_format(struct strbuf *out, const char *fmt, const struct value *args, int nargs)
{
	char err[128];
	struct fmt *f = fmt_parse(fmt, err, sizeof(err));
	if (!f)
		return -1;
	int used = fmt_format_parsed(out, f, args, nargs);
	fmt_free(f);
	return used;
}

void fmt_print_value(struct strbuf *out, const struct value *v)
{
	if (v->type == T_STRING)
		strbuf_puts(out, v->str);
	else
		strbuf_printf(out, "%" PRId64, v->num);
}

void fmt_print_values(struct strbuf *out, const struct value *args, int nargs, const char *delim,
		      bool newline)
{
	for (int i = 0; i < nargs; i++) {
		if (i && delim)
			strbuf_puts(out, delim);
		fmt_print_value(out, &args[i]);
	}
	if (newline)
		strbuf_putc(out, '\n');
}

const char *fmt_bpf_snprintf(struct arena *a, const char *fmt, struct fmt_bpf_arg *render)
{
	char err[128];
	struct fmt *f = fmt_parse(fmt, err, sizeof(err));
	if (!f)
		return NULL;
	char *out = arena_alloc(a, strlen(fmt) * 4 + 16), *o = out;
	bool ok = true;
	int narg = 0;
	for (int i = 0; i < f->nspecs && ok; i++) {
		const struct fmt_spec *sp = &f->specs[i];
		if (sp->conv == FC_LITERAL) {
			for (size_t j = 0; j < sp->litlen; j++) {
				if (sp->lit[j] == '%')
					*o++ = '%';
				*o++ = sp->lit[j];
			}
			continue;
		}
		if (sp->width == FMT_STAR ||
		    (sp->prec != FMT_NONE && (sp->conv != FC_STRING || sp->prec == FMT_STAR))) {
			ok = false;
			break;
		}
		if (sp->prec != FMT_NONE) {
			/* %.Ns: the string cut to N bytes first, then printed with %s */
			if (!render || narg >= 12) {
				ok = false;
				break;
			}
			render[narg] = (struct fmt_bpf_arg){ .cut = sp->prec + 1 };
			*o++ = '%';
			if (sp->flags & FMT_LEFT) *o++ = '-';
			if (sp->width >= 0)
				o += sprintf(o, "%d", sp->width);
			*o++ = 's';
			narg++;
			continue;
		}
		bool radix = sp->conv == FC_OCTAL || sp->conv == FC_PTR ||
			     ((sp->flags & FMT_ALT) && (sp->conv == FC_HEX || sp->conv == FC_HEX_UPPER));
		if ((sp->flags & FMT_ALT) && !radix) {
			ok = false;
			break;
		}
		if (radix) {
			/* bpf_snprintf has no %o and no '#': the value is rendered first, then
			 * printed with %s (a '0' pad goes inside the rendering) */
			if (!render || narg >= 12) {
				ok = false;
				break;
			}
			bool zero = (sp->flags & FMT_ZERO) && !(sp->flags & FMT_LEFT);
			render[narg] = (struct fmt_bpf_arg){
				.base = sp->conv == FC_OCTAL ? 8 : 16,
				.alt = (sp->flags & FMT_ALT) || sp->conv == FC_PTR,
				.upper = sp->conv == FC_HEX_UPPER,
				.zero_width = zero ? sp->width : 0 };
			*o++ = '%';
			if (sp->flags & FMT_LEFT) *o++ = '-';
			if (sp->width >= 0 && !zero)
				o += sprintf(o, "%d", sp->width);
			*o++ = 's';
			narg++;
			continue;
		}
		if (render && narg < 12)
			render[narg] = (struct fmt_bpf_arg){ 0 };
		narg++;
		*o++ = '%';
		if (sp->flags & FMT_LEFT) *o++ = '-';
		if (sp->flags & FMT_PLUS) *o++ = '+';
		if (sp->flags & FMT_SPACE) *o++ = ' ';
		if (sp->flags & FMT_ZERO) *o++ = '0';
		if (sp->width >= 0)
			o += sprintf(o, "%d", sp->width);
		switch (sp->conv) {
		case FC_SIGNED: o += sprintf(o, "lld"); break;
		case FC_UNSIGNED: o += sprintf(o, "llu"); break;
		case FC_HEX: o += sprintf(o, "llx"); break;
		case FC_HEX_UPPER: o += sprintf(o, "llX"); break;
		case FC_CHAR: *o++ = 'c'; break;
		case FC_STRING: *o++ = 's'; break;
		default: ok = false; break;
		}
	}
	*o = 0;
	if (f->nargs > 12)
		ok = false;	/* bpf_snprintf takes at most 12 arguments */
	fmt_free(f);
	return ok ? out : NULL;
}
