/* Lexer tests: every token kind, literals and their limits, escapes, comments, locations, errors. */
#include "harness.h"
#include "lang/lex.h"

#include <stdint.h>

static struct arena *A;

static struct token_list lex(const char *text)
{
	arena_free(A);
	A = arena_new();
	struct src_file *f = src_file_new(A, "<input>", text, strlen(text));
	return lex_file(A, f);
}

/* The diagnostics the lexer's error tokens produce, as one string. */
static char *lex_errors(const char *text)
{
	static char out[4096];
	struct token_list l = lex(text);
	FILE *fp = fmemopen(out, sizeof(out), "w");
	struct diag *d = diag_new(A, fp);
	for (uint32_t i = 0; i < l.n; i++)
		lex_report(d, &l.v[i]);
	fclose(fp);
	return out;
}

TEST(token_kinds)
{
	struct token_list l = lex("probe x 42 \"s\" + $var $$vars @count $1 $# @2 @# %( %? %: %)");
	enum tok_kind want[] = { TK_IDENT, TK_IDENT, TK_NUM, TK_STR, TK_OP, TK_TARGET, TK_TARGET,
				 TK_AT, TK_DOLLAR_ARG, TK_DOLLAR_ARG, TK_AT_ARG, TK_AT_ARG,
				 TK_PP_OPEN, TK_PP_THEN, TK_PP_ELSE, TK_PP_CLOSE, TK_EOF };
	ASSERT_EQ(l.n, sizeof(want) / sizeof(want[0]));
	for (uint32_t i = 0; i < l.n; i++)
		ASSERT_EQ(l.v[i].kind, want[i]);
	ASSERT_STREQ(l.v[0].text, "probe");
	ASSERT_EQ(l.v[2].num, 42);
	ASSERT_STREQ(l.v[5].text, "$var");
	ASSERT_STREQ(l.v[6].text, "$$vars");
	ASSERT_STREQ(l.v[7].text, "@count");
	ASSERT_EQ(l.v[8].num, 1);
	ASSERT_STREQ(l.v[9].text, "$#");
	ASSERT_EQ(l.v[10].num, 2);
	ASSERT_STREQ(l.v[11].text, "@#");
}

TEST(operators_longest_match)
{
	const char *ops[] = { "<<<", "<<=", ">>=", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
			      "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", ".=", "->",
			      "+", "-", "*", "/", "%", "&", "|", "^", "~", "!", "<", ">", "=", ".",
			      ",", ";", ":", "?", "(", ")", "[", "]", "{", "}" };
	char buf[512] = "";
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		strcat(buf, ops[i]);
		strcat(buf, " ");
	}
	struct token_list l = lex(buf);
	ASSERT_EQ(l.n, sizeof(ops) / sizeof(ops[0]) + 1);
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		ASSERT_EQ(l.v[i].kind, TK_OP);
		ASSERT_STREQ(l.v[i].text, ops[i]);
		ASSERT_EQ(l.v[i].loc.len, strlen(ops[i]));
	}
	/* no spaces: still longest match first */
	l = lex("a<<<=b++c");
	ASSERT_STREQ(l.v[1].text, "<<<");
	ASSERT_STREQ(l.v[2].text, "=");
	ASSERT_STREQ(l.v[4].text, "++");
}

TEST(number_formats)
{
	struct token_list l = lex("0 7 10 0x1f 0X1F 017 18446744073709551615 0xffffffffffffffff "
				  "9223372036854775808 01777777777777777777777");
	ASSERT_EQ(l.v[0].num, 0);
	ASSERT_EQ(l.v[1].num, 7);
	ASSERT_EQ(l.v[2].num, 10);
	ASSERT_EQ(l.v[3].num, 31);
	ASSERT_EQ(l.v[4].num, 31);
	ASSERT_EQ(l.v[5].num, 15);
	ASSERT_TRUE(l.v[6].num == UINT64_MAX);
	ASSERT_TRUE(l.v[7].num == UINT64_MAX);
	ASSERT_TRUE(l.v[8].num == (uint64_t)1 << 63);
	ASSERT_TRUE(l.v[9].num == UINT64_MAX);
	ASSERT_EQ(l.v[3].loc.len, 4);
	ASSERT_STREQ(l.v[3].text, "0x1f");
}

TEST(number_errors)
{
	ASSERT_STREQ(lex_errors("x = 18446744073709551616"),
		     "<input>:1:5: error: integer literal out of range\n"
		     "    1 | x = 18446744073709551616\n"
		     "      |     ^~~~~~~~~~~~~~~~~~~~\n");
	ASSERT_STREQ(lex_errors("0x10000000000000000"),
		     "<input>:1:1: error: integer literal out of range\n"
		     "    1 | 0x10000000000000000\n"
		     "      | ^~~~~~~~~~~~~~~~~~~\n");
	ASSERT_STREQ(lex_errors("09"),
		     "<input>:1:1: error: invalid integer literal '09'\n"
		     "    1 | 09\n"
		     "      | ^~\n");
	ASSERT_STREQ(lex_errors("a 0x b"),
		     "<input>:1:3: error: invalid integer literal '0x'\n"
		     "    1 | a 0x b\n"
		     "      |   ^~\n");
	ASSERT_STREQ(lex_errors("12ab"),
		     "<input>:1:1: error: invalid integer literal '12ab'\n"
		     "    1 | 12ab\n"
		     "      | ^~~~\n");
}

TEST(string_escapes)
{
	struct token_list l = lex("\"a\\n\\t\\\\\\\"\\r\\a\\b\\f\\v\\101\\x41\\0z\\q\"");
	ASSERT_EQ(l.v[0].kind, TK_STR);
	const char want[] = "a\n\t\\\"\r\a\b\f\vAA\0zq";
	ASSERT_EQ(l.v[0].len, sizeof(want) - 1);
	ASSERT_TRUE(memcmp(l.v[0].text, want, sizeof(want) - 1) == 0);
	/* adjacent literals stay separate tokens (stap does not concatenate them) */
	l = lex("\"a\" \"b\"");
	ASSERT_EQ(l.v[0].kind, TK_STR);
	ASSERT_EQ(l.v[1].kind, TK_STR);
	ASSERT_EQ(l.v[0].loc.len, 3);
	/* octal stops after three digits */
	l = lex("\"\\1234\"");
	ASSERT_EQ(l.v[0].len, 2);
	ASSERT_EQ(l.v[0].text[0], 'S');
	ASSERT_EQ(l.v[0].text[1], '4');
}

TEST(string_errors)
{
	ASSERT_STREQ(lex_errors("x = \"abc\ny"),
		     "<input>:1:5: error: unterminated string literal\n"
		     "    1 | x = \"abc\n"
		     "      |     ^\n");
	ASSERT_STREQ(lex_errors("\"ab\\"),
		     "<input>:1:1: error: unterminated string literal\n"
		     "    1 | \"ab\\\n"
		     "      | ^\n");
	ASSERT_STREQ(lex_errors("s = \"a\\xg\""),
		     "<input>:1:7: error: \\x used with no following hex digits\n"
		     "    1 | s = \"a\\xg\"\n"
		     "      |       ^~\n");
	ASSERT_STREQ(lex_errors("\"\\777\""),
		     "<input>:1:2: error: octal escape sequence out of range\n"
		     "    1 | \"\\777\"\n"
		     "      |  ^~~~\n");
	/* the next line lexes normally after an unterminated string */
	struct token_list l = lex("\"abc\nfoo");
	ASSERT_EQ(l.v[0].kind, TK_ERROR);
	ASSERT_EQ(l.v[1].kind, TK_IDENT);
	ASSERT_EQ(l.v[1].loc.line, 2);
}

TEST(comments)
{
	struct token_list l = lex("#!/usr/bin/env stap\na # c1\n// c2 \"x\nb /* c3\n c3 */ c /**/d");
	ASSERT_EQ(l.n, 5);
	ASSERT_STREQ(l.v[0].text, "a");
	ASSERT_STREQ(l.v[1].text, "b");
	ASSERT_STREQ(l.v[2].text, "c");
	ASSERT_EQ(l.v[2].loc.line, 5);
	ASSERT_STREQ(l.v[3].text, "d");
	ASSERT_STREQ(lex_errors("a\n  /* open\nmore"),
		     "<input>:2:3: error: unterminated /* comment\n"
		     "    2 |   /* open\n"
		     "      |   ^~\n");
}

TEST(locations)
{
	struct token_list l = lex("probe begin {\n\tx = \"str\"\n}\n");
	ASSERT_EQ(l.v[0].loc.line, 1);
	ASSERT_EQ(l.v[0].loc.col, 1);
	ASSERT_EQ(l.v[0].loc.len, 5);
	ASSERT_EQ(l.v[1].loc.col, 7);
	ASSERT_EQ(l.v[1].loc.len, 5);
	ASSERT_EQ(l.v[3].loc.line, 2);
	ASSERT_EQ(l.v[3].loc.col, 2);
	ASSERT_EQ(l.v[5].loc.col, 6);
	ASSERT_EQ(l.v[5].loc.len, 5);
	ASSERT_EQ(l.v[6].loc.line, 3);
	/* EOF sits right after the last token */
	ASSERT_EQ(l.v[7].kind, TK_EOF);
	ASSERT_EQ(l.v[7].loc.line, 3);
	ASSERT_EQ(l.v[7].loc.col, 2);
	/* adjacency is visible through offsets (probe points glue "open*") */
	l = lex("open* open *");
	ASSERT_EQ(l.v[0].end, l.v[1].off);
	ASSERT_TRUE(l.v[2].end != l.v[3].off);
	l = lex("");
	ASSERT_EQ(l.n, 1);
	ASSERT_EQ(l.v[0].kind, TK_EOF);
	ASSERT_EQ(l.v[0].loc.line, 1);
}

TEST(invalid_characters)
{
	ASSERT_STREQ(lex_errors("a ` b"),
		     "<input>:1:3: error: invalid character '`'\n"
		     "    1 | a ` b\n"
		     "      |   ^\n");
	/* a run of junk is one mistake */
	ASSERT_STREQ(lex_errors("a ```\\ b"),
		     "<input>:1:3: error: invalid character '`'\n"
		     "    1 | a ```\\ b\n"
		     "      |   ^\n");
	ASSERT_STREQ(lex_errors("x\x01"),
		     "<input>:1:2: error: invalid character '\\x01'\n"
		     "    1 | x\x01\n"
		     "      |  ^\n");
	ASSERT_STREQ(lex_errors("\xc3\xa9"),
		     "<input>:1:1: error: invalid character '\xc3\xa9'\n"
		     "    1 | \xc3\xa9\n"
		     "      | ^\n");
	ASSERT_STREQ(lex_errors("x = $ + 1"),
		     "<input>:1:5: error: expected a name or number after '$'\n"
		     "    1 | x = $ + 1\n"
		     "      |     ^\n");
	ASSERT_STREQ(lex_errors("%{ int x; %}"),
		     "<input>:1:1: error: embedded C code (%{ ... %}) is not supported\n"
		     "    1 | %{ int x; %}\n"
		     "      | ^~\n");
}

TEST(describe)
{
	struct token_list l = lex("foo { \"s\" 12");
	ASSERT_STREQ(tok_describe(A, &l.v[0]), "'foo'");
	ASSERT_STREQ(tok_describe(A, &l.v[1]), "'{'");
	ASSERT_STREQ(tok_describe(A, &l.v[2]), "string literal");
	ASSERT_STREQ(tok_describe(A, &l.v[3]), "'12'");
	ASSERT_STREQ(tok_describe(A, &l.v[4]), "end of file");
}

static void cleanup(void)
{
	arena_free(A);
	A = NULL;
}

TEST(zz_cleanup)
{
	cleanup();
}

TH_MAIN(TH_CASE(token_kinds), TH_CASE(operators_longest_match), TH_CASE(number_formats),
	TH_CASE(number_errors), TH_CASE(string_escapes), TH_CASE(string_errors), TH_CASE(comments),
	TH_CASE(locations), TH_CASE(invalid_characters), TH_CASE(describe), TH_CASE(zz_cleanup))
