/* -G NAME=VALUE: how a global's start value is written on the command line (bstap, bstap-run). */
#ifndef BSTAP_GVAR_H
#define BSTAP_GVAR_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The '=' of NAME=VALUE, or NULL when the text is not of that form (NAME must be an identifier). */
static inline const char *gvar_eq(const char *s)
{
	const char *p = s;
	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_'))
		return NULL;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
	       *p == '_')
		p++;
	return *p == '=' ? p : NULL;
}

/* VALUE as a long: decimal, 0x hex or 0 octal, with an optional sign, the whole text and in range. */
static inline bool gvar_long(const char *v, int64_t *out)
{
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 0);
	if (!*v || *end || errno)
		return false;
	*out = n;
	return true;
}

#endif
