/*
 * Pass 1b: the alias libraries. Find the *.stp files of each library directory (kernel-version
 * subdirectories first, so a more specific file hides a less specific one of the same name),
 * parse them, and select the ones the script needs: a file joins when it defines an alias,
 * function or global that a selected file uses and nothing selected defines, transitively.
 */
#ifndef BSTAP_TAPSETS_H
#define BSTAP_TAPSETS_H

#include <stdbool.h>
#include "lang/parse.h"

struct tapset_search {
	const char *const *dirs;	/* in search order: -I dirs, BSTAP_TAPSET_PATH, the default */
	int ndirs;
	const char *release;		/* "6.18.44-fc-v782": subdirectories 6.18.44-fc-v782/,
					 * 6.18.44/, 6.18/, 6/ are searched before the directory */
	int verbose;
};

struct tapset_result {
	struct stp_file **files;	/* the user's file first, then the selected library files */
	int nfiles;
	int nscanned;			/* library files parsed */
};

/*
 * Select what user needs. A selected file with parse errors has them printed (at its own
 * path) and counts as failure: -1. Unselected files' errors are not the script's concern.
 */
int tapsets_load(struct arena *a, struct stp_file *user,
		 const struct tapset_search *s, const struct parse_env *env,
		 struct tapset_result *out);

/* The library directory installed with the binary at exe_path: EXE/../share/bstap/aliases,
 * else EXE/../aliases (the build tree), else the install prefix's. NULL if none exists. */
const char *tapsets_default_dir(struct arena *a, const char *exe_path);

#endif
