/* The lexer: turns a src_file into tokens with exact locations; errors become TK_ERROR tokens. */
#include "lex.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Longest first, so "<<<" wins over "<<" and "<<=" over "<<". */
static const char *const ops[] = {
	"<<<", "<<=", ">>=",
	"<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "++", "--", "+=", "-=", "*=", "/=",
	"%=", "&=", "|=", "^=", ".=", "->", "=~", "!~",
	"+", "-", "*", "/", "%", "&", "|", "^", "~", "!", "<", ">", "=", ".", ",", ";", ":",
	"?", "(", ")", "[", "]", "{", "}",
};

struct lexer {
	struct arena *a;
	const struct src_file *src;
	const char *s;
	uint32_t pos, len;
	uint32_t line, line_start;
	struct token_list out;
};

void token_list_push(struct arena *a, struct token_list *l, const struct token *t)
{
	if (l->n == l->cap) {
		uint32_t ncap = l->cap ? l->cap * 2 : 64;
		l->v = arena_realloc(a, l->v, l->cap * sizeof(*l->v), ncap * sizeof(*l->v));
		l->cap = ncap;
	}
	l->v[l->n++] = *t;
}

bool tok_is_op(const struct token *t, const char *op)
{
	return t->kind == TK_OP && strcmp(t->text, op) == 0;
}

bool tok_is_ident(const struct token *t, const char *name)
{
	return t->kind == TK_IDENT && strcmp(t->text, name) == 0;
}

static struct token *emit(struct lexer *lx, enum tok_kind k, uint32_t start, uint32_t line,
			  uint32_t line_start)
{
	struct token t = { 0 };
	t.kind = k;
	t.off = start;
	t.end = lx->pos;
	t.loc.file = lx->src;
	t.loc.line = line;
	t.loc.col = start - line_start + 1;
	/* a token never spans lines except a block-comment-like error; clip to its first line */
	uint32_t len = lx->pos - start;
	for (uint32_t i = start; i < lx->pos; i++)
		if (lx->s[i] == '\n') {
			len = i - start;
			break;
		}
	t.loc.len = len ? len : 1;
	token_list_push(lx->a, &lx->out, &t);
	return &lx->out.v[lx->out.n - 1];
}

static void error_tok(struct lexer *lx, uint32_t start, uint32_t line, uint32_t line_start,
		      uint32_t len, const char *msg)
{
	struct token *t = emit(lx, TK_ERROR, start, line, line_start);
	t->text = msg;
	t->len = (uint32_t)strlen(msg);
	t->loc.len = len ? len : 1;
}

static void newline(struct lexer *lx)
{
	lx->line++;
	lx->line_start = lx->pos;
}

static bool ident_start(int c)
{
	return isalpha(c) || c == '_';
}

static bool ident_char(int c)
{
	return isalnum(c) || c == '_';
}

/* Skip blanks and comments; an unterminated block comment becomes an error at its start. */
static void skip_space(struct lexer *lx)
{
	while (lx->pos < lx->len) {
		char c = lx->s[lx->pos];
		if (c == '\n') {
			lx->pos++;
			newline(lx);
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
			lx->pos++;
		} else if (c == '#' || (c == '/' && lx->s[lx->pos + 1] == '/')) {
			while (lx->pos < lx->len && lx->s[lx->pos] != '\n')
				lx->pos++;
		} else if (c == '/' && lx->s[lx->pos + 1] == '*') {
			uint32_t start = lx->pos, line = lx->line, ls = lx->line_start;
			lx->pos += 2;
			bool closed = false;
			while (lx->pos < lx->len) {
				if (lx->s[lx->pos] == '*' && lx->s[lx->pos + 1] == '/') {
					lx->pos += 2;
					closed = true;
					break;
				}
				if (lx->s[lx->pos++] == '\n')
					newline(lx);
			}
			if (!closed) {
				struct token t = { 0 };
				t.kind = TK_ERROR;
				t.off = start;
				t.end = lx->pos;
				t.loc.file = lx->src;
				t.loc.line = line;
				t.loc.col = start - ls + 1;
				t.loc.len = 2;
				t.text = "unterminated /* comment";
				t.len = (uint32_t)strlen(t.text);
				token_list_push(lx->a, &lx->out, &t);
			}
		} else {
			break;
		}
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Integer literal: decimal, 0x hex or 0 octal, any 64-bit pattern (stap wraps via strtoull). */
static void lex_number(struct lexer *lx)
{
	uint32_t start = lx->pos, line = lx->line, ls = lx->line_start;
	while (lx->pos < lx->len && ident_char((unsigned char)lx->s[lx->pos]))
		lx->pos++;
	const char *p = lx->s + start;
	uint32_t n = lx->pos - start;
	unsigned base = 10;
	uint32_t i = 0;
	if (n >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (n >= 2 && p[0] == '0') {
		base = 8;
		i = 1;
	}
	uint64_t v = 0;
	bool overflow = false, bad = (i == n);
	for (; i < n && !bad; i++) {
		int d = hexval((unsigned char)p[i]);
		if (d < 0 || (unsigned)d >= base) {
			bad = true;
			break;
		}
		if (v > (UINT64_MAX - (unsigned)d) / base)
			overflow = true;
		v = v * base + (unsigned)d;
	}
	if (bad) {
		char *msg = arena_printf(lx->a, "invalid integer literal '%.*s'", (int)(n > 40 ? 40 : n), p);
		error_tok(lx, start, line, ls, n, msg);
		return;
	}
	if (overflow) {
		error_tok(lx, start, line, ls, n, "integer literal out of range");
		return;
	}
	struct token *t = emit(lx, TK_NUM, start, line, ls);
	t->num = v;
	t->text = arena_strndup(lx->a, p, n);
	t->len = n;
}

/* String literal with C escapes; an unescaped newline or EOF leaves it unterminated. */
static void lex_string(struct lexer *lx)
{
	uint32_t start = lx->pos, line = lx->line, ls = lx->line_start;
	lx->pos++;
	/* decoded text is never longer than the source up to the closing quote */
	uint32_t scan = lx->pos;
	while (scan < lx->len && lx->s[scan] != '\n' && lx->s[scan] != '"')
		scan += lx->s[scan] == '\\' && scan + 1 < lx->len ? 2 : 1;
	char *buf = arena_alloc(lx->a, scan - lx->pos + 1);
	uint32_t n = 0;
	const char *err = NULL;
	uint32_t err_off = 0, err_len = 0;
	for (;;) {
		if (lx->pos >= lx->len || lx->s[lx->pos] == '\n') {
			error_tok(lx, start, line, ls, 1, "unterminated string literal");
			return;
		}
		char c = lx->s[lx->pos];
		if (c == '"') {
			lx->pos++;
			break;
		}
		if (c != '\\') {
			buf[n++] = c;
			lx->pos++;
			continue;
		}
		uint32_t esc = lx->pos;
		lx->pos++;
		if (lx->pos >= lx->len || lx->s[lx->pos] == '\n')
			continue;	/* reported as unterminated above */
		c = lx->s[lx->pos++];
		switch (c) {
		case 'n': buf[n++] = '\n'; break;
		case 't': buf[n++] = '\t'; break;
		case 'r': buf[n++] = '\r'; break;
		case 'a': buf[n++] = '\a'; break;
		case 'b': buf[n++] = '\b'; break;
		case 'f': buf[n++] = '\f'; break;
		case 'v': buf[n++] = '\v'; break;
		case 'x': {
			unsigned v = 0, k = 0;
			while (k < 2 && lx->pos < lx->len && hexval((unsigned char)lx->s[lx->pos]) >= 0) {
				v = v * 16 + (unsigned)hexval((unsigned char)lx->s[lx->pos++]);
				k++;
			}
			if (!k && !err) {
				err = "\\x used with no following hex digits";
				err_off = esc;
				err_len = 2;
			}
			buf[n++] = (char)v;
			break;
		}
		case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
			unsigned v = (unsigned)(c - '0'), k = 1;
			while (k < 3 && lx->pos < lx->len && lx->s[lx->pos] >= '0' && lx->s[lx->pos] <= '7') {
				v = v * 8 + (unsigned)(lx->s[lx->pos++] - '0');
				k++;
			}
			if (v > 0xff && !err) {
				err = "octal escape sequence out of range";
				err_off = esc;
				err_len = lx->pos - esc;
			}
			buf[n++] = (char)v;
			break;
		}
		default:
			/* \\, \" and, as in stap, any other escaped character stands for itself */
			buf[n++] = c;
			break;
		}
	}
	if (err) {
		uint32_t save = lx->pos;
		struct token *t = emit(lx, TK_ERROR, err_off, line, ls);
		lx->pos = save;
		t->off = start;
		t->text = err;
		t->len = (uint32_t)strlen(err);
		t->loc.len = err_len;
		return;
	}
	buf[n] = 0;
	struct token *t = emit(lx, TK_STR, start, line, ls);
	t->text = buf;
	t->len = n;
}

/* Invalid input: merge a run of junk bytes (and whole UTF-8 sequences) into one error. */
static void lex_junk(struct lexer *lx)
{
	uint32_t start = lx->pos, line = lx->line, ls = lx->line_start;
	unsigned char c = (unsigned char)lx->s[lx->pos];
	char *msg;
	if (c >= 0x21 && c < 0x7f)
		msg = arena_printf(lx->a, "invalid character '%c'", c);
	else if (c >= 0x80) {
		uint32_t e = lx->pos + 1;
		while (e < lx->len && ((unsigned char)lx->s[e] & 0xc0) == 0x80 && e - lx->pos < 4)
			e++;
		msg = arena_printf(lx->a, "invalid character '%.*s'", (int)(e - lx->pos), lx->s + lx->pos);
	} else
		msg = arena_printf(lx->a, "invalid character '\\x%02x'", c);
	lx->pos++;
	/* swallow immediately following junk so "```" is one mistake, not three */
	while (lx->pos < lx->len) {
		unsigned char d = (unsigned char)lx->s[lx->pos];
		if (d == '`' || d == '\\' || d >= 0x80 || (d < 0x20 && !isspace(d)) || d == 0x7f)
			lx->pos++;
		else
			break;
	}
	error_tok(lx, start, line, ls, 1, msg);
	lx->out.v[lx->out.n - 1].end = lx->pos;
}

/* %{ embedded C %} is guru-mode stap; we cannot run it, so the whole block is one error. */
static void lex_embedded(struct lexer *lx)
{
	uint32_t start = lx->pos, line = lx->line, ls = lx->line_start;
	lx->pos += 2;
	while (lx->pos < lx->len && !(lx->s[lx->pos] == '%' && lx->s[lx->pos + 1] == '}')) {
		if (lx->s[lx->pos++] == '\n')
			newline(lx);
	}
	if (lx->pos < lx->len)
		lx->pos += 2;
	struct token t = { 0 };
	t.kind = TK_ERROR;
	t.off = start;
	t.end = lx->pos;
	t.loc.file = lx->src;
	t.loc.line = line;
	t.loc.col = start - ls + 1;
	t.loc.len = 2;
	t.text = "embedded C code (%{ ... %}) is not supported";
	t.len = (uint32_t)strlen(t.text);
	token_list_push(lx->a, &lx->out, &t);
}

/* $name, $$vars, $1, $#; @name, @1, @# */
static void lex_sigil(struct lexer *lx, char sigil)
{
	uint32_t start = lx->pos, line = lx->line, ls = lx->line_start;
	lx->pos++;
	if (lx->pos < lx->len && lx->s[lx->pos] == '#') {
		lx->pos++;
		struct token *t = emit(lx, sigil == '$' ? TK_DOLLAR_ARG : TK_AT_ARG, start, line, ls);
		t->text = sigil == '$' ? "$#" : "@#";
		t->len = 2;
		return;
	}
	if (lx->pos < lx->len && isdigit((unsigned char)lx->s[lx->pos])) {
		uint64_t v = 0;
		while (lx->pos < lx->len && isdigit((unsigned char)lx->s[lx->pos])) {
			if (v < 100000000)
				v = v * 10 + (uint64_t)(lx->s[lx->pos] - '0');
			lx->pos++;
		}
		struct token *t = emit(lx, sigil == '$' ? TK_DOLLAR_ARG : TK_AT_ARG, start, line, ls);
		t->num = v;
		t->text = arena_strndup(lx->a, lx->s + start, lx->pos - start);
		t->len = lx->pos - start;
		return;
	}
	if (sigil == '$' && lx->pos < lx->len && lx->s[lx->pos] == '$')
		lx->pos++;	/* $$vars, $$parms, $$return */
	if (lx->pos < lx->len && ident_start((unsigned char)lx->s[lx->pos])) {
		while (lx->pos < lx->len && ident_char((unsigned char)lx->s[lx->pos]))
			lx->pos++;
		/* pretty-printing suffixes: $var$, $var$$, $$parms$ */
		for (int k = 0; sigil == '$' && k < 2 && lx->pos < lx->len && lx->s[lx->pos] == '$'; k++)
			lx->pos++;
		struct token *t = emit(lx, sigil == '$' ? TK_TARGET : TK_AT, start, line, ls);
		t->text = arena_strndup(lx->a, lx->s + start, lx->pos - start);
		t->len = lx->pos - start;
		return;
	}
	lx->pos = start + 1;
	error_tok(lx, start, line, ls, 1,
		  sigil == '$' ? "expected a name or number after '$'" : "expected a name or number after '@'");
}

struct token_list lex_file(struct arena *a, const struct src_file *src)
{
	struct lexer lx = { 0 };
	lx.a = a;
	lx.src = src;
	lx.s = src->text;
	lx.len = src->len;
	lx.line = 1;
	for (;;) {
		skip_space(&lx);
		if (lx.pos >= lx.len)
			break;
		uint32_t start = lx.pos, line = lx.line, ls = lx.line_start;
		unsigned char c = (unsigned char)lx.s[lx.pos];
		if (ident_start(c)) {
			while (lx.pos < lx.len && ident_char((unsigned char)lx.s[lx.pos]))
				lx.pos++;
			struct token *t = emit(&lx, TK_IDENT, start, line, ls);
			t->text = arena_strndup(a, lx.s + start, lx.pos - start);
			t->len = lx.pos - start;
			continue;
		}
		if (isdigit(c)) {
			lex_number(&lx);
			continue;
		}
		if (c == '"') {
			lex_string(&lx);
			continue;
		}
		if (c == '$' || c == '@') {
			lex_sigil(&lx, (char)c);
			continue;
		}
		if (c == '%' && lx.pos + 1 < lx.len) {
			char d = lx.s[lx.pos + 1];
			enum tok_kind k = d == '(' ? TK_PP_OPEN : d == '?' ? TK_PP_THEN :
					  d == ':' ? TK_PP_ELSE : d == ')' ? TK_PP_CLOSE : TK_EOF;
			if (k != TK_EOF) {
				lx.pos += 2;
				struct token *t = emit(&lx, k, start, line, ls);
				t->text = k == TK_PP_OPEN ? "%(" : k == TK_PP_THEN ? "%?" :
					  k == TK_PP_ELSE ? "%:" : "%)";
				t->len = 2;
				continue;
			}
			if (d == '{') {
				lex_embedded(&lx);
				continue;
			}
		}
		const char *op = NULL;
		for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			size_t n = strlen(ops[i]);
			if (lx.len - lx.pos >= n && memcmp(lx.s + lx.pos, ops[i], n) == 0) {
				op = ops[i];
				break;
			}
		}
		if (op) {
			lx.pos += (uint32_t)strlen(op);
			struct token *t = emit(&lx, TK_OP, start, line, ls);
			t->text = op;
			t->len = (uint32_t)strlen(op);
			continue;
		}
		lex_junk(&lx);
	}
	/* EOF sits just after the last token, so "expected '}'" points somewhere visible */
	struct token t = { 0 };
	t.kind = TK_EOF;
	t.text = "";
	t.loc.file = src;
	t.loc.len = 1;
	if (lx.out.n) {
		const struct token *last = &lx.out.v[lx.out.n - 1];
		t.off = t.end = last->end;
		/* find the line/col of last->end */
		uint32_t l = last->loc.line, lstart = src->line_off[l - 1];
		for (uint32_t i = lstart; i < last->end && i < src->len; i++)
			if (src->text[i] == '\n') {
				l++;
				lstart = i + 1;
			}
		t.loc.line = l;
		t.loc.col = last->end - lstart + 1;
	} else {
		t.off = t.end = src->len;
		t.loc.line = 1;
		t.loc.col = 1;
	}
	token_list_push(a, &lx.out, &t);
	return lx.out;
}

void lex_report(struct diag *d, struct token *t)
{
	if (t->kind != TK_ERROR || t->reported)
		return;
	t->reported = true;
	diag_error(d, &t->loc, "%s", t->text);
}

const char *tok_describe(struct arena *a, const struct token *t)
{
	switch (t->kind) {
	case TK_EOF:
		return "end of file";
	case TK_STR:
		return "string literal";
	case TK_ERROR:
		return "invalid token";
	default:
		break;
	}
	const char *s = t->loc.file ? t->loc.file->text + t->off : t->text;
	uint32_t n = t->end - t->off;
	if (!t->loc.file || t->end > t->loc.file->len)
		n = (uint32_t)strlen(t->text);
	if (n > 32)
		return arena_printf(a, "'%.*s...'", 29, s);
	return arena_printf(a, "'%.*s'", (int)n, s);
}

static const struct {
	const char *tok;
	enum op op;
	int prec;
} binops[] = {
	{ "||", OP_LOR, PREC_LOR }, { "&&", OP_LAND, PREC_LAND },
	{ "|", OP_BOR, PREC_BOR }, { "^", OP_BXOR, PREC_BXOR }, { "&", OP_BAND, PREC_BAND },
	{ "<", OP_LT, PREC_CMP }, { "<=", OP_LE, PREC_CMP }, { ">", OP_GT, PREC_CMP },
	{ ">=", OP_GE, PREC_CMP }, { "==", OP_EQ, PREC_CMP }, { "!=", OP_NE, PREC_CMP },
	{ "<<", OP_SHL, PREC_SHIFT }, { ">>", OP_SHR, PREC_SHIFT },
	{ ".", OP_CONCAT, PREC_CONCAT },
	{ "+", OP_ADD, PREC_ADD }, { "-", OP_SUB, PREC_ADD },
	{ "*", OP_MUL, PREC_MUL }, { "/", OP_DIV, PREC_MUL }, { "%", OP_MOD, PREC_MUL },
};

enum op binop_for(const char *tok, int prec)
{
	for (size_t i = 0; i < sizeof(binops) / sizeof(binops[0]); i++)
		if (binops[i].prec == prec && strcmp(binops[i].tok, tok) == 0)
			return binops[i].op;
	return OP_NONE;
}

int binop_prec(enum op op)
{
	for (size_t i = 0; i < sizeof(binops) / sizeof(binops[0]); i++)
		if (binops[i].op == op)
			return binops[i].prec;
	return PREC_PRIMARY;
}
