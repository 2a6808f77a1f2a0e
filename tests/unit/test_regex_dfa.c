/* Unit tests for prog/regex_dfa.c: the kernel probes' DFA agrees with POSIX regexec. */
#include <regex.h>
#include <stdint.h>
#include <string.h>

#include "prog/regex_dfa.h"
#include "tests/unit/harness.h"

static const char *pats[] = {
	"", "a", "^a", "a$", "^a$", "^$", "abc", "a|b", "ab|cd", "^(ab|cd)$", "a*", "^a*$",
	"^a+$", "^a?b$", "^(ab)+$", "x(ab)*y", "[abc]", "^[^abc]+$", "[a-z]+[0-9]", "^[0-9]{3}$",
	"^a{2,3}$", "^a{2,}$", "^(a|b){1,2}c", ".", "^.$", "^..$", "a.c", "[[:digit:]]+",
	"^[[:alpha:]_][[:alnum:]_]*$", "\\.", "^a\\*b", "\\w+\\s", "[]x]", "[a-]", "(^a|b$)",
	"a^", "$a", "(a*)*b", "^(a|ab)(c|bcd)$", "hello( world)?$", "x{0}y", "[.]", "a\\|b",
};

static const char *strs[] = {
	"", "a", "b", "aa", "aaa", "aaaa", "ab", "abc", "cd", "abcd", "xy", "xaby", "xababy",
	"x1", "abz9", "123", "1234", "12", "c", "ac", "abc", "bc", "bbc", "xyz", "a.c", "a*b",
	"foo bar", "]", "-", "a\n", "hello", "hello world", "say hello world", "y", "x", ".",
	"abcd", "a|b", "_x9", "9x", "ba", "aab", "abbcd",
};

TEST(agrees_with_regexec)
{
	for (size_t p = 0; p < sizeof(pats) / sizeof(pats[0]); p++) {
		static struct regex_dfa d;
		char why[128] = "";
		ASSERT_EQ(regex_dfa_build(pats[p], strlen(pats[p]), &d, why, sizeof(why)), 0);
		regex_t re;
		ASSERT_EQ(regcomp(&re, pats[p], REG_EXTENDED | REG_NOSUB), 0);
		for (size_t s = 0; s < sizeof(strs) / sizeof(strs[0]); s++) {
			int want = !regexec(&re, strs[s], 0, NULL, 0);
			int got = regex_dfa_match(&d, strs[s]);
			if (want != got)
				fprintf(stderr, "  /%s/ on \"%s\": dfa %d, regexec %d\n", pats[p],
					strs[s], got, want);
			ASSERT_EQ(got, want);
		}
		regfree(&re);
	}
}

TEST(unsupported_say_why)
{
	static struct regex_dfa d;
	char why[128];
	ASSERT_EQ(regex_dfa_build("(a)\\1", 5, &d, why, sizeof(why)), -1);
	ASSERT_CONTAINS(why, "back-references");
	ASSERT_EQ(regex_dfa_build("[[.a.]]", 7, &d, why, sizeof(why)), -1);
	ASSERT_CONTAINS(why, "collating");
	/* (a|b)*a(a|b){8}: the DFA must remember the last 9 bytes */
	ASSERT_EQ(regex_dfa_build("a(a|b){8}$", 10, &d, why, sizeof(why)), -1);
	ASSERT_CONTAINS(why, "DFA states");
}

TH_MAIN(TH_CASE(agrees_with_regexec), TH_CASE(unsupported_say_why))
