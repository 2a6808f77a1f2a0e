/* A script value in userspace: a long or a bounded string, as in the BPF programs. */
#ifndef BSTAP_VALUE_H
#define BSTAP_VALUE_H

#include <stdint.h>
#include "prog/ast.h"
#include "prog/abi.h"

struct value {
	enum type type;		/* T_LONG or T_STRING */
	int64_t num;
	char str[BSTAP_MAXSTRINGLEN];	/* always NUL-terminated; longer strings are truncated */
};

/* An aggregate as read back from the per-CPU maps and merged: struct stat_value, prog/stat.h. */

#endif
