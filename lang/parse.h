/* Pass 1: preprocess, lex and parse one SystemTap source file into an AST. */
#ifndef BSTAP_PARSE_H
#define BSTAP_PARSE_H

#include <stdio.h>
#include "lang/kconfig.h"
#include "lang/syntax.h"
#include "prog/diag.h"

/* What the preprocessor's %( cond %? a %: b %) conditions and $1/@1 can see. */
struct parse_env {
	const char *kernel_vr;	/* "6.18.44-fc-v782" (uname -r) */
	const char *kernel_v;	/* "6.18.44" */
	const char *arch;	/* "x86_64" */
	const char *runtime;	/* "bpf" */
	const char *const *argv;	/* script arguments: $1 / @1 ... */
	int argc;
	/* the target kernel's configuration, read on first use (NULL: none is read) */
	const struct kconfig *(*kconfig)(void *ctx);
	void *kconfig_ctx;
};

/*
 * Parse one file. Errors go to the diag sink (file:line:col + caret); the parser
 * recovers at the next 'probe'/'function'/'global' and keeps going. Always returns
 * a file (possibly with fewer definitions); callers check diag_error_count().
 */
struct stp_file *parse_file(struct arena *a, struct diag *d, const struct src_file *src,
			    const struct parse_env *env);

/* -p1 output: the parsed file printed back as canonical SystemTap source. */
void ast_print_file(FILE *out, const struct stp_file *f);
void ast_print_node(FILE *out, const struct node *n, int indent);

#endif
