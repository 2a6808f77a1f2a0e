/* Pass 2: probe-point resolution, alias expansion, symbol resolution and type inference. */
#ifndef BSTAP_ELAB_H
#define BSTAP_ELAB_H

#include <stdio.h>
#include "diag.h"
#include "program.h"

/*
 * files[0] is the user's script; the rest are tapset files whose aliases,
 * functions and globals it may use. gvars are the -G NAME=VALUE options (may be NULL): each
 * must name a scalar global, and a global whose type the script leaves open takes the
 * value's (a number or a string). Returns NULL when errors were reported.
 */
struct program *elaborate(struct arena *a, struct diag *d, struct stp_file **files, int nfiles,
			  const char *const *gvars, int ngvars);

/* Type inference and semantic checks over an expanded program (lang/types.c). */
int types_check(struct arena *a, struct diag *d, struct program *p, struct stp_file **files,
		int nfiles, const char *const *gvars, int ngvars);

/* -p2 output: globals, functions and the resolved probes with their alias chains. */
void program_print(FILE *out, const struct program *p);

#endif
