/* A script value in userspace: a long or a bounded string, as in the BPF programs. */
#ifndef BSTAP_VALUE_H
#define BSTAP_VALUE_H

#include <stdint.h>
#include <string.h>
#include "prog/ast.h"
#include "prog/abi.h"

struct value {
	enum type type;		/* T_LONG or T_STRING */
	int64_t num;
	char str[BSTAP_MAXSTRINGLEN];	/* always NUL-terminated; longer strings are truncated */
};

/* v = the long n */
static inline void value_long(struct value *v, int64_t n)
{
	v->type = T_LONG;
	v->num = n;
	v->str[0] = 0;
}

/* v = the string s, cut to what v holds */
static inline void value_str(struct value *v, const char *s)
{
	v->type = T_STRING;
	v->num = 0;
	size_t n = strnlen(s, sizeof(v->str) - 1);
	memcpy(v->str, s, n);
	v->str[n] = 0;
}

/* An aggregate as read back from the per-CPU maps and merged: struct stat_value, prog/stat.h. */

#endif
