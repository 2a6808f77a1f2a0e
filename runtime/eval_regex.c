/*
 * Regular expressions in userspace (begin/end/error, userspace timers): POSIX regexec with
 * REG_EXTENDED, as SystemTap's expressions are POSIX extended ones. Pass 2 compiled each
 * pattern once already (lang/regex_check.c), so compiling cannot fail here but for memory.
 * The last =~ or !~ is remembered for matched(n), matched_str() and ngroups(), as stap keeps
 * it in the probe context.
 */
#include "runtime/eval_regex.h"

#include <inttypes.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog/builtins.h"
#include "runtime/eval_funcs.h"

#define RE_CACHE 16
#define RE_MAXGROUPS 32

static struct {
	char *pat;
	regex_t re;
} cache[RE_CACHE];
static unsigned cache_next;

static struct {
	int ok;		/* the last =~ matched */
	int ngroups;	/* subexpressions + the whole match */
	char str[RE_MAXGROUPS][BSTAP_MAXSTRINGLEN];
} last;

static regex_t *compiled(const char *pat)
{
	for (unsigned i = 0; i < RE_CACHE; i++)
		if (cache[i].pat && !strcmp(cache[i].pat, pat))
			return &cache[i].re;
	unsigned i = cache_next++ % RE_CACHE;
	if (cache[i].pat) {
		regfree(&cache[i].re);
		free(cache[i].pat);
		cache[i].pat = NULL;
	}
	if (regcomp(&cache[i].re, pat, REG_EXTENDED))
		return NULL;
	cache[i].pat = strdup(pat);
	if (!cache[i].pat) {
		regfree(&cache[i].re);
		return NULL;
	}
	return &cache[i].re;
}

int evalr_call(int b, const struct value *a, struct value *out, char *err, size_t errlen)
{
	switch (b) {
	case B_REGEX_MATCH:
	case B_REGEX_NOMATCH: {
		regex_t *re = compiled(a[1].str);
		if (!re) {
			snprintf(err, errlen, "cannot compile regular expression \"%s\"", a[1].str);
			return EVALF_ERROR;
		}
		regmatch_t m[RE_MAXGROUPS];
		last.ok = !regexec(re, a[0].str, RE_MAXGROUPS, m, 0);
		last.ngroups = 0;
		if (last.ok) {
			last.ngroups = (int)re->re_nsub + 1;
			if (last.ngroups > RE_MAXGROUPS)
				last.ngroups = RE_MAXGROUPS;
			for (int i = 0; i < last.ngroups; i++) {
				int len = m[i].rm_so < 0 ? 0 : (int)(m[i].rm_eo - m[i].rm_so);
				snprintf(last.str[i], sizeof(last.str[i]), "%.*s", len,
					 m[i].rm_so < 0 ? "" : a[0].str + m[i].rm_so);
			}
		}
		value_long(out, b == B_REGEX_MATCH ? last.ok : !last.ok);
		return EVALF_OK;
	}
	case B_MATCHED:
	case B_MATCHED_STR: {
		int64_t n = b == B_MATCHED ? a[0].num : 0;
		if (!last.ok) {
			snprintf(err, errlen, "Attempted to get subexpression %" PRId64
				 " from failed match", n);
			return EVALF_ERROR;
		}
		if (n < 0 || n >= last.ngroups) {
			snprintf(err, errlen, "Attempted to get nonexistent subexpression %" PRId64, n);
			return EVALF_ERROR;
		}
		value_str(out, last.str[n]);
		return EVALF_OK;
	}
	case B_NGROUPS:
		if (!last.ok) {
			snprintf(err, errlen, "Attempted to get subexpression count from failed match");
			return EVALF_ERROR;
		}
		value_long(out, last.ngroups);
		return EVALF_OK;
	}
	return EVALF_UNKNOWN;
}
