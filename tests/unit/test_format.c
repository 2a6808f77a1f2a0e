/* Unit tests for prog/format.c: SystemTap printf conversions, flags, widths, edge values, parse errors. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "prog/format.h"
#include "tests/unit/harness.h"

static struct value L(int64_t n)
{
	struct value v = { .type = T_LONG, .num = n };
	return v;
}

static struct value S(const char *s)
{
	struct value v = { .type = T_STRING };
	snprintf(v.str, sizeof(v.str), "%s", s);
	return v;
}

/* Format into a static buffer; "<invalid>" if the format does not parse. */
static const char *F(const char *fmt, int n, const struct value *args)
{
	static char out[8192];
	struct strbuf sb = { 0 };
	int r = fmt_format(&sb, fmt, args, n);
	snprintf(out, sizeof(out), "%s", r < 0 ? "<invalid>" : strbuf_str(&sb));
	strbuf_free(&sb);
	return out;
}

#define F0(fmt) F(fmt, 0, NULL)
#define F1(fmt, a) F(fmt, 1, (struct value[]){ a })
#define F2(fmt, a, b) F(fmt, 2, (struct value[]){ a, b })
#define F3(fmt, a, b, c) F(fmt, 3, (struct value[]){ a, b, c })

TEST(literals_and_percent)
{
	ASSERT_STREQ(F0("hello"), "hello");
	ASSERT_STREQ(F0(""), "");
	ASSERT_STREQ(F0("100%%"), "100%");
	ASSERT_STREQ(F0("%%d"), "%d");
	ASSERT_STREQ(F0("a%"), "a%");	/* a lone '%' at the end is literal, as in stap */
	ASSERT_STREQ(F1("x=%d\n", L(5)), "x=5\n");
	ASSERT_STREQ(F2("%d%s", L(1), S("a")), "1a");
}

TEST(signed_decimal)
{
	ASSERT_STREQ(F1("%d", L(0)), "0");
	ASSERT_STREQ(F1("%i", L(-42)), "-42");
	ASSERT_STREQ(F1("%d", L(INT64_MAX)), "9223372036854775807");
	ASSERT_STREQ(F1("%d", L(INT64_MIN)), "-9223372036854775808");
	ASSERT_STREQ(F1("%5d", L(42)), "   42");
	ASSERT_STREQ(F1("%-5d|", L(42)), "42   |");
	ASSERT_STREQ(F1("%05d", L(42)), "00042");
	ASSERT_STREQ(F1("%05d", L(-42)), "-0042");
	ASSERT_STREQ(F1("%+d", L(42)), "+42");
	ASSERT_STREQ(F1("%+d", L(-42)), "-42");
	ASSERT_STREQ(F1("% d", L(42)), " 42");
	ASSERT_STREQ(F1("%.4d", L(42)), "0042");
	ASSERT_STREQ(F1("%8.4d", L(-42)), "   -0042");
	ASSERT_STREQ(F1("%.0d", L(0)), "0");	/* stap's number() always prints a digit */
	ASSERT_STREQ(F1("%ld", L(7)), "7");	/* length modifiers are accepted and ignored */
	ASSERT_STREQ(F1("%lld", L(-7)), "-7");
	ASSERT_STREQ(F1("%-+6d|", L(3)), "+3    |");
}

TEST(unsigned_hex_octal)
{
	ASSERT_STREQ(F1("%u", L(-1)), "18446744073709551615");
	ASSERT_STREQ(F1("%u", L(INT64_MIN)), "9223372036854775808");
	ASSERT_STREQ(F1("%x", L(-1)), "ffffffffffffffff");
	ASSERT_STREQ(F1("%X", L(-1)), "FFFFFFFFFFFFFFFF");
	ASSERT_STREQ(F1("%o", L(-1)), "1777777777777777777777");
	ASSERT_STREQ(F1("%x", L(255)), "ff");
	ASSERT_STREQ(F1("%X", L(255)), "FF");
	ASSERT_STREQ(F1("%o", L(8)), "10");
	ASSERT_STREQ(F1("%#x", L(255)), "0xff");
	ASSERT_STREQ(F1("%#X", L(255)), "0XFF");
	ASSERT_STREQ(F1("%#o", L(8)), "010");
	ASSERT_STREQ(F1("%#x", L(0)), "0x0");	/* stap adds the prefix even to 0, unlike C */
	ASSERT_STREQ(F1("%#o", L(0)), "00");
	ASSERT_STREQ(F1("%05.3d", L(7)), "00007");	/* '0' pads even with a precision */
	ASSERT_STREQ(F1("%08x", L(0xbeef)), "0000beef");
	ASSERT_STREQ(F1("%#08x", L(0xbeef)), "0x00beef");
	ASSERT_STREQ(F1("%-8x|", L(0xbeef)), "beef    |");
	ASSERT_STREQ(F1("%x", L(INT64_MIN)), "8000000000000000");
}

TEST(pointer)
{
	/* since stap 1.3, %p is %#x */
	ASSERT_STREQ(F1("%p", L(0x1234)), "0x1234");
	ASSERT_STREQ(F1("%p", L(0)), "0x0");
	ASSERT_STREQ(F1("%p", L(-1)), "0xffffffffffffffff");
	ASSERT_STREQ(F1("%08p", L(0x12)), "0x000012");
	ASSERT_STREQ(F1("%20p|", L(1)), "                 0x1|");
	ASSERT_STREQ(F1("%-20p|", L(1)), "0x1                 |");
}

TEST(chars)
{
	ASSERT_STREQ(F1("%c", L('A')), "A");
	ASSERT_STREQ(F1("%c", L(0x141)), "A");	/* only the low byte */
	ASSERT_STREQ(F1("%3c|", L('z')), "  z|");
	ASSERT_STREQ(F1("%-3c|", L('z')), "z  |");
	ASSERT_STREQ(F1("%#c", L('\n')), "\\n");
	ASSERT_STREQ(F1("%#c", L(1)), "\\001");
	ASSERT_STREQ(F1("%#c", L('a')), "a");

	/* %c of 0 writes a NUL byte, as C does. */
	struct strbuf sb = { 0 };
	struct value v = L(0);
	fmt_format(&sb, "a%cb", &v, 1);
	ASSERT_EQ(sb.len, 3);
	ASSERT_EQ(sb.buf[1], 0);
	strbuf_free(&sb);
}

TEST(strings)
{
	ASSERT_STREQ(F1("%s", S("hi")), "hi");
	ASSERT_STREQ(F1("%s", S("")), "");
	ASSERT_STREQ(F1("%10s|", S("hi")), "        hi|");
	ASSERT_STREQ(F1("%-10s|", S("hi")), "hi        |");
	ASSERT_STREQ(F1("%.3s", S("abcdef")), "abc");
	ASSERT_STREQ(F1("%5.2s|", S("abcdef")), "   ab|");
	ASSERT_STREQ(F1("%1s", S("abcdef")), "abcdef");
	ASSERT_STREQ(F1("%.0s|", S("abc")), "|");

	char longs[BSTAP_MAXSTRINGLEN];
	memset(longs, 'x', sizeof(longs) - 1);
	longs[sizeof(longs) - 1] = 0;
	ASSERT_EQ(strlen(F1("%s", S(longs))), BSTAP_MAXSTRINGLEN - 1);
	ASSERT_EQ(strlen(F1("%600s", S(longs))), 600);
	ASSERT_EQ(strlen(F2("%s%s", S(longs), S(longs))), 2 * (BSTAP_MAXSTRINGLEN - 1));
}

TEST(star)
{
	ASSERT_STREQ(F2("%*d|", L(5), L(42)), "   42|");
	ASSERT_STREQ(F2("%*d|", L(-5), L(42)), "42   |");
	ASSERT_STREQ(F2("%.*d", L(4), L(42)), "0042");
	ASSERT_STREQ(F2("%.*s", L(2), S("abc")), "ab");
	ASSERT_STREQ(F2("%.*s", L(-1), S("abc")), "abc");
	ASSERT_STREQ(F3("%*.*s|", L(6), L(2), S("abc")), "    ab|");
	ASSERT_STREQ(F2("%-*s|", L(4), S("a")), "a   |");
	/* Absurd widths are clamped, never allocated. */
	ASSERT_EQ(strlen(F2("%*d", L(INT64_MAX), L(1))), FMT_MAXWIDTH);
	ASSERT_EQ(strlen(F2("%*d", L(INT64_MIN), L(1))), FMT_MAXWIDTH);
	ASSERT_EQ(strlen(F1("%99999999999999999999d", L(1))), FMT_MAXWIDTH);
}

TEST(binary)
{
	struct strbuf sb = { 0 };
	struct value v = L(0x0102030405060708);
	fmt_format(&sb, "%b", &v, 1);
	ASSERT_EQ(sb.len, 8);
	int64_t back;
	memcpy(&back, sb.buf, 8);
	ASSERT_EQ(back, 0x0102030405060708);
	strbuf_reset(&sb);
	fmt_format(&sb, "%1b", &v, 1);
	ASSERT_EQ(sb.len, 1);
	ASSERT_EQ(sb.buf[0], 8);
	strbuf_reset(&sb);
	fmt_format(&sb, "%.2b", &v, 1);
	ASSERT_EQ(sb.len, 2);
	strbuf_reset(&sb);
	fmt_format(&sb, "%6.2b", &v, 1);	/* 4 NUL pad bytes, then 2 bytes */
	ASSERT_EQ(sb.len, 6);
	ASSERT_EQ(sb.buf[0], 0);
	strbuf_reset(&sb);
	fmt_format(&sb, "%-4.1b", &v, 1);
	ASSERT_EQ(sb.len, 4);
	ASSERT_EQ(sb.buf[0], 8);
	strbuf_free(&sb);
}

TEST(missing_and_mistyped_args)
{
	ASSERT_STREQ(F0("%d %s|"), "0 |");
	ASSERT_STREQ(F1("%d", S("x")), "0");
}

TEST(parse_arg_types)
{
	char err[128];
	struct fmt *f = fmt_parse("a %*.*d %s %-5x %% %c%p%b", err, sizeof(err));
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f->nargs, 8);
	enum type want[] = { T_LONG, T_LONG, T_LONG, T_STRING, T_LONG, T_LONG, T_LONG, T_LONG };
	for (int i = 0; i < 8; i++)
		ASSERT_EQ(f->arg_types[i], want[i]);
	ASSERT_EQ(f->specs[0].conv, FC_LITERAL);
	ASSERT_STREQ(f->specs[0].lit, "a ");
	ASSERT_EQ(f->specs[1].conv, FC_SIGNED);
	ASSERT_EQ(f->specs[1].width, FMT_STAR);
	ASSERT_EQ(f->specs[1].prec, FMT_STAR);
	ASSERT_EQ(f->specs[5].conv, FC_HEX);
	ASSERT_EQ(f->specs[5].flags, FMT_LEFT);
	ASSERT_EQ(f->specs[5].width, 5);
	ASSERT_STREQ(f->specs[6].lit, " % ");
	fmt_free(f);

	f = fmt_parse("", err, sizeof(err));
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(f->nspecs, 0);
	ASSERT_EQ(f->nargs, 0);
	fmt_free(f);
}

TEST(parse_errors)
{
	char err[128];
	ASSERT_TRUE(fmt_parse("%q", err, sizeof(err)) == NULL);
	ASSERT_STREQ(err, "invalid format conversion '%q'");
	ASSERT_TRUE(fmt_parse("x %-5.2y", err, sizeof(err)) == NULL);
	ASSERT_STREQ(err, "invalid format conversion '%-5.2y'");
	ASSERT_TRUE(fmt_parse("%5", err, sizeof(err)) == NULL);
	ASSERT_CONTAINS(err, "incomplete format conversion '%5'");
	ASSERT_TRUE(fmt_parse("%n", err, sizeof(err)) == NULL);
	ASSERT_STREQ(F0("%q"), "<invalid>");
}

TEST(print_family)
{
	struct strbuf sb = { 0 };
	struct value v[] = { L(1), S("a"), L(-3) };
	fmt_print_values(&sb, v, 3, NULL, false);
	ASSERT_STREQ(strbuf_str(&sb), "1a-3");
	strbuf_reset(&sb);
	fmt_print_values(&sb, v, 3, NULL, true);
	ASSERT_STREQ(strbuf_str(&sb), "1a-3\n");
	strbuf_reset(&sb);
	fmt_print_values(&sb, v, 3, ", ", false);
	ASSERT_STREQ(strbuf_str(&sb), "1, a, -3");
	strbuf_reset(&sb);
	fmt_print_values(&sb, v, 3, "-", true);
	ASSERT_STREQ(strbuf_str(&sb), "1-a--3\n");
	strbuf_reset(&sb);
	fmt_print_values(&sb, v, 0, "-", true);
	ASSERT_STREQ(strbuf_str(&sb), "\n");
	strbuf_free(&sb);
}

TEST(strbuf_basics)
{
	struct strbuf sb = { 0 };
	ASSERT_STREQ(strbuf_str(&sb), "");
	for (int i = 0; i < 1000; i++)
		strbuf_printf(&sb, "%d,", i % 10);
	ASSERT_EQ(sb.len, 2000);
	strbuf_reset(&sb);
	ASSERT_STREQ(strbuf_str(&sb), "");
	strbuf_append(&sb, "ab", 2);
	strbuf_putc(&sb, 'c');
	strbuf_puts(&sb, "de");
	ASSERT_STREQ(strbuf_str(&sb), "abcde");
	strbuf_free(&sb);
}

TH_MAIN(TH_CASE(literals_and_percent), TH_CASE(signed_decimal), TH_CASE(unsigned_hex_octal),
	TH_CASE(pointer), TH_CASE(chars), TH_CASE(strings), TH_CASE(star), TH_CASE(binary),
	TH_CASE(missing_and_mistyped_args), TH_CASE(parse_arg_types), TH_CASE(parse_errors),
	TH_CASE(print_family), TH_CASE(strbuf_basics))
