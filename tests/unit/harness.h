/* Tiny unit-test harness: TEST(name) functions, ASSERT_* macros, one "name: PASS/FAIL" line each. */
#ifndef BSTAP_TEST_HARNESS_H
#define BSTAP_TEST_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int th_failed_asserts;

#define ASSERT_TRUE(c) do { if (!(c)) { \
	fprintf(stderr, "  %s:%d: assertion failed: %s\n", __FILE__, __LINE__, #c); \
	th_failed_asserts++; return; } } while (0)
#define ASSERT_EQ(a, b) do { long long _a = (long long)(a), _b = (long long)(b); if (_a != _b) { \
	fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, #a, _a, #b, _b); \
	th_failed_asserts++; return; } } while (0)
#define ASSERT_STREQ(a, b) do { const char *_a = (a), *_b = (b); \
	if (!_a || !_b || strcmp(_a, _b)) { \
	fprintf(stderr, "  %s:%d: %s\n    got:      \"%s\"\n    expected: \"%s\"\n", __FILE__, __LINE__, #a, \
		_a ? _a : "(null)", _b ? _b : "(null)"); th_failed_asserts++; return; } } while (0)
#define ASSERT_CONTAINS(hay, needle) do { const char *_h = (hay), *_n = (needle); \
	if (!_h || !strstr(_h, _n)) { \
	fprintf(stderr, "  %s:%d: \"%s\" not found in:\n%s\n", __FILE__, __LINE__, _n, _h ? _h : "(null)"); \
	th_failed_asserts++; return; } } while (0)

struct th_case { const char *name; void (*fn)(void); };
#define TEST(name) static void name(void)
#define TH_CASE(name) { #name, name }

/* Each test binary ends with: TH_MAIN(TH_CASE(a), TH_CASE(b), ...) */
#define TH_MAIN(...) \
int main(void) { \
	static const struct th_case cases[] = { __VA_ARGS__ }; \
	int passed = 0, failed = 0; \
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) { \
		int before = th_failed_asserts; \
		cases[i].fn(); \
		if (th_failed_asserts == before) { passed++; printf("%s: PASS\n", cases[i].name); } \
		else { failed++; printf("%s: FAIL\n", cases[i].name); } \
	} \
	printf("unit: %d passed, %d failed\n", passed, failed); \
	return failed ? 1 : 0; \
}

#endif
