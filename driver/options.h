/* bstap's command line: the options it takes, as stap spells them, and --help. */
#ifndef BSTAP_DRIVER_OPTIONS_H
#define BSTAP_DRIVER_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include "runtime/session.h"

struct opts {
	const char *script_text;	/* -e */
	const char *script_path;
	const char *list_pattern;	/* -l / -L PROBEPOINT: list what it matches, run nothing */
	bool list_vars;			/* -L: with each point's target variables */
	int last_pass;
	int verbose;
	bool keep;
	bool no_cache;			/* --no-cache */
	const char *cache_dir;		/* --cache-dir, NULL: the default */
	const char *kernel_btf;		/* --kernel-btf: compile for another kernel's BTF */
	int fentry;			/* kernel.function: 1 --fentry, -1 --kprobes, 0 probe */
	const char *release;		/* -r RELEASE or -r BUILD_DIR: the target kernel */
	const char *kernel_config;	/* --kernel-config FILE: its configuration */
	const char *incdirs[64];	/* -I DIR: alias library directories, in order */
	int nincdirs;
	const char *module;		/* -m NAME: also write the object to NAME.bpf.o */
	uint32_t maxaction, maxmapentries;	/* -D MAXACTION=N, -D MAXMAPENTRIES=N */
	uint32_t maxstringlen;			/* -D MAXSTRINGLEN=N (0: the default) */
	const char *ignored[16];	/* -D names bstap does not know, to warn about */
	int nignored;
	struct sess_opts sess;
	char **args;
	int nargs;
};

/* Fill o from argv; prints --help/--version or the error itself. 0: run; non-zero: exit 1
 * (or 0 after --help/--version, which exit() directly). */
int parse_args(int argc, char **argv, struct opts *o);

#endif
