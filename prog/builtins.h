/* The built-in functions the language knows, with their types and where they may run. */
#ifndef BSTAP_BUILTINS_H
#define BSTAP_BUILTINS_H

#include "prog/ast.h"

enum builtin {
	B_PRINTF, B_PRINT, B_PRINTLN, B_PRINTD, B_PRINTDLN, B_SPRINTF,
	B_EXIT, B_ERROR,
	B_PID, B_TID, B_PPID, B_UID, B_EXECNAME, B_CPU,
	B_GETTIMEOFDAY_S, B_GETTIMEOFDAY_MS, B_GETTIMEOFDAY_US, B_GETTIMEOFDAY_NS,
	B_KTIME_GET_NS, B_PP, B_STRLEN, B_TARGET,
	B_SPRINT, B_SPRINTLN, B_SPRINTD, B_SPRINTDLN,
	B_LOG, B_WARN, B_ABORT,
	B_USER_STRING, B_USER_STRING_N, B_KERNEL_STRING, B_KERNEL_STRING_N, B_PROBEFUNC,
	B_KERNEL_LONG, B_KERNEL_INT, B_KERNEL_SHORT, B_KERNEL_CHAR, B_KERNEL_POINTER,
	B_CAST, B_CAST_STRING,	/* @cast(ptr, tvar index): pass 2 makes them of "@cast" */
	B_PRINT_BACKTRACE,
	B__COUNT
};

/* The printf and print families take at most this many values (not counting a format or
 * delimiter; '*' widths count): the most one output record carries. */
#define BUILTIN_MAXVALUES 64

struct builtin_info {
	const char *name;
	enum type ret;
	int min_args, max_args;	/* max -1: variadic */
	enum type arg0;		/* T_UNKNOWN: any; for printf-family, the format string type */
	bool tapset;		/* stap defines it in its tapset library, so a script may define its
				 * own function of that name, which then wins (the print family is
				 * the language's own) */
	const char *argtypes;	/* per argument, 'l' long or 's' string, where arg0 does not
				 * say it for all; NULL: arg0's rule */
};

extern const struct builtin_info builtin_table[B__COUNT];

/* -1 if NAME is not a builtin. */
int builtin_lookup(const char *name);

#endif
