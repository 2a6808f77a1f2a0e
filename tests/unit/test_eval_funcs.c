/* The standard function library in userspace (runtime/eval_funcs.c) against stap's results. */
#include "harness.h"

#include "prog/builtins.h"
#include "runtime/eval_funcs.h"

static const char *call(int b, const char *s0, long long n1, long long n2, int na)
{
	static struct value out;
	struct value a[3] = { 0 };
	struct strbuf ob = { 0 };
	char err[128] = "";
	a[0].type = T_STRING;
	snprintf(a[0].str, sizeof(a[0].str), "%s", s0);
	a[1].type = a[2].type = T_LONG;
	a[1].num = n1;
	a[2].num = n2;
	if (evalf_call(b, a, na, &out, &ob, err, sizeof(err)) == EVALF_ERROR)
		snprintf(out.str, sizeof(out.str), "ERROR %s", err);
	strbuf_free(&ob);
	return out.str;
}

static const char *lcall(int b, long long n0, long long n1, int na)
{
	static struct value out;
	struct value a[2] = { 0 };
	struct strbuf ob = { 0 };
	char err[128] = "";
	a[0].type = a[1].type = T_LONG;
	a[0].num = n0;
	a[1].num = n1;
	if (evalf_call(b, a, na, &out, &ob, err, sizeof(err)) == EVALF_ERROR)
		snprintf(out.str, sizeof(out.str), "ERROR %s", err);
	if (out.type == T_LONG)
		snprintf(out.str, sizeof(out.str), "%lld", (long long)out.num);
	strbuf_free(&ob);
	return out.str;
}

TEST(text_str_escapes)
{
	char o[BSTAP_MAXSTRINGLEN * 4];
	evalf_text_str(o, "a\"b\\c\n\001\177\303\251\360\235\204\236", 0, 0, 1, 0);
	ASSERT_STREQ(o, "\"a\\\"b\\\\c\\n\\001\\177\\u00E9\\U0001D11E\"");
	evalf_text_str(o, "\300\200\355\240\200", 0, 0, 0, 0);	/* overlong, surrogate: bytes */
	ASSERT_STREQ(o, "\\300\\200\\355\\240\\200");
	evalf_text_str(o, "ab\0c", 4, 20, 1, 1);	/* a buffer: the NUL is \0 */
	ASSERT_STREQ(o, "\"ab\\0c\"");
}

TEST(text_str_truncation)
{
	char o[BSTAP_MAXSTRINGLEN * 4];
	evalf_text_str(o, "abcdefghij", 0, 6, 1, 0);
	ASSERT_STREQ(o, "\"a\"...");
	evalf_text_str(o, "\342\202\254uro", 0, 7, 1, 0);	/* an escape is never cut */
	ASSERT_STREQ(o, "\"\"...");
	evalf_text_str(o, "abc", 0, 3, 0, 0);
	ASSERT_STREQ(o, "abc");
}

TEST(errno_signal_return)
{
	ASSERT_STREQ(lcall(B_ERRNO_STR, -13, 0, 1), "EACCES");
	ASSERT_STREQ(lcall(B_ERRNO_STR, 41, 0, 1), "");
	ASSERT_STREQ(lcall(B_SIGNAL_STR, 29, 0, 1), "IO/POLL");
	ASSERT_STREQ(lcall(B_RETURN_STR, 2, -2, 2), "-2 (ENOENT)");
	ASSERT_STREQ(lcall(B_RETURN_STR, 3, 0, 2), "00");
	ASSERT_STREQ(lcall(B_RETURN_STR, 2, -5000, 2), "0xffffffffffffec78");
}

TEST(strings)
{
	ASSERT_STREQ(call(B_SUBSTR, "hello", 1, 3, 3), "ell");
	ASSERT_STREQ(call(B_SUBSTR, "hello", 5, 3, 3), "");
	ASSERT_STREQ(call(B_STRINGAT, "abc", 3, 0, 2), "ERROR Position out of bounds");
	ASSERT_STREQ(lcall(B_CTIME, 2147483648LL, 0, 1), "ERROR Time too far in the future to be converted");
	ASSERT_STREQ(lcall(B_CTIME, -1, 0, 1), "Wed Dec 31 23:59:59 1969");
}

TH_MAIN(TH_CASE(text_str_escapes), TH_CASE(text_str_truncation), TH_CASE(errno_signal_return),
	TH_CASE(strings))
