/* The SystemTap lexer: source text to a token array, with lexical errors carried as tokens. */
#ifndef BSTAP_LEX_H
#define BSTAP_LEX_H

#include <stdbool.h>
#include <stdint.h>
#include "lang/syntax.h"
#include "prog/diag.h"

enum tok_kind {
	TK_EOF,
	TK_IDENT,	/* names and keywords: text */
	TK_NUM,		/* num (64-bit, wrapped like stap's strtoull) */
	TK_STR,		/* text/len: escapes decoded */
	TK_OP,		/* text: "+", "<<<=", "(" ... (interned: compare with strcmp) */
	TK_TARGET,	/* text: "$name" / "$$vars" */
	TK_AT,		/* text: "@count", "@define", "@mymacro" */
	TK_DOLLAR_ARG,	/* $1 (num = 1) or $# (text "$#", num = 0) */
	TK_AT_ARG,	/* @1 or @# */
	TK_PP_OPEN,	/* %( */
	TK_PP_THEN,	/* %? */
	TK_PP_ELSE,	/* %: */
	TK_PP_CLOSE,	/* %) */
	TK_ERROR,	/* text: the message; reported once, by whoever meets it first */
};

struct token {
	enum tok_kind kind;
	struct loc loc;
	uint32_t off, end;	/* byte range in the source: adjacency matters in probe points */
	const char *text;
	uint32_t len;		/* decoded length for TK_STR, strlen(text) otherwise */
	uint64_t num;
	bool reported;		/* TK_ERROR: already sent to the diag sink */
};

struct token_list {
	struct token *v;
	uint32_t n, cap;	/* the last token is always TK_EOF */
};

/*
 * Lex a whole file. Never fails: bad input becomes TK_ERROR tokens (one per mistake,
 * runs of junk merged) so the parser can report them in source order and recover.
 */
struct token_list lex_file(struct arena *a, const struct src_file *src);

void token_list_push(struct arena *a, struct token_list *l, const struct token *t);

/* Report a TK_ERROR token once (no-op for other tokens or if already reported). */
void lex_report(struct diag *d, struct token *t);

/* Short description for "got ..." in messages: "'foo'", "'{'", "end of file", "string literal". */
const char *tok_describe(struct arena *a, const struct token *t);

bool tok_is_op(const struct token *t, const char *op);
bool tok_is_ident(const struct token *t, const char *name);

/* Binding strength of expression levels, loosest first (SystemTap's grammar); shared by the
 * parser and the -p1 printer so that what is printed re-parses to the same tree. */
enum prec {
	PREC_ASSIGN = 1,	/* = += ... <<< (right) */
	PREC_TERNARY,		/* ?: */
	PREC_LOR,		/* || */
	PREC_LAND,		/* && */
	PREC_BOR,		/* | */
	PREC_BXOR,		/* ^ */
	PREC_BAND,		/* & */
	PREC_IN,		/* k in a, [k1, k2] in a (operands are comparisons) */
	PREC_CMP,		/* < <= > >= == != */
	PREC_SHIFT,		/* << >> */
	PREC_CONCAT,		/* . (looser than + -, as in stap's parse_concatenation) */
	PREC_ADD,		/* + - */
	PREC_MUL,		/* * / % */
	PREC_UNARY,		/* - + ! ~ */
	PREC_CREMENT,		/* ++x x++ */
	PREC_PRIMARY,
};

/* The binary operator a token spells at a given level, or OP_NONE. */
enum op binop_for(const char *tok, int prec);
/* Level of a binary operator (PREC_LOR .. PREC_MUL). */
int binop_prec(enum op op);

/* The preprocessor: %( %? %: %), @define macros, $1/@1/$#/@# (lang/preproc.c). */
struct parse_env;
struct token_list preprocess(struct arena *a, const struct token_list *in,
			     const struct parse_env *env);

#endif
