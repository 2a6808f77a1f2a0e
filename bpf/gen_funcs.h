/* The standard function library in generated BPF C (errno_str, text_str, substr, ...). */
#ifndef BSTAP_GEN_FUNCS_H
#define BSTAP_GEN_FUNCS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "prog/arena.h"
#include "prog/ast.h"

/* What gen.c lends the library's generator: its expression writer and scratch allocator. */
struct gen_api {
	void *g;
	struct arena *a;
	const char *(*ex)(void *g, struct node *n);		/* a C expression for n */
	const char *(*full)(void *g, struct node *n);	/* a string in a whole MAXSTR buffer */
	uint32_t (*tmp)(void *g, uint32_t size);		/* scratch offset of a temporary */
	uint32_t (*site)(void *g, const char *near, const struct loc *l);	/* an ERR_FAULT site */
	/* a printf record: fmt (stap's printf grammar), nargs C expressions of types t */
	const char *(*printf_c)(void *g, const char *fmt, uint32_t nargs, const enum type *t,
				const char **cexpr);
	uint32_t (*uniq)(void *g);	/* a number for unique C names */
	const char *abort;	/* the statement that unwinds after a runtime error */
	uint32_t maxstr;	/* bytes of a string, NUL included (-D MAXSTRINGLEN) */
	uint32_t strbuf;	/* bytes of a string buffer: maxstr rounded up to a power of two */
};

/* Why regex call n (=~ !~ matched matched_str ngroups) cannot run in a kernel probe, into
 * *why; false for other calls. */
bool gen_regex_why(struct arena *a, const struct node *n, const char **why);

/* A string in the generator's arena, printf-style: the library's files build C with it. */
const char *gen_api_printf(struct gen_api *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The C expression for builtin call n, or NULL when n is not one of the library's. */
const char *gen_func_call(struct gen_api *api, struct node *n);

/* The same for the task functions (bpf/gen_task.c). */
const char *gen_task_call(struct gen_api *api, struct node *n);

/* The same for the dentry functions (bpf/gen_dentry.c). */
const char *gen_dentry_call(struct gen_api *api, struct node *n);

#endif
