/* Pass 2: probe-point resolution, alias expansion, symbol resolution and type inference. */
#ifndef BSTAP_ELAB_H
#define BSTAP_ELAB_H

#include <stdio.h>
#include "lang/probe_families.h"
#include "lang/syntax.h"
#include "prog/diag.h"
#include "prog/program.h"

/* A global the command line sets (-G NAME=VALUE), as pass 2 needs to know it. */
struct global_setting {
	const char *name;
	bool number;	/* VALUE reads as a number (else it is a string) */
};

/*
 * files[0] is the user's script; the rest are tapset files whose aliases,
 * functions and globals it may use. settings (may be NULL) must each name a scalar global; a
 * global whose type the script leaves open takes its setting's (as stap does). Returns NULL
 * when errors were reported. env (may be NULL: the running kernel, quietly) is what probe
 * families consult.
 */
struct program *elaborate(struct arena *a, struct diag *d, struct stp_file **files, int nfiles,
			  const struct global_setting *settings, int nsettings,
			  const struct family_env *env);

/* @defined, @choose_defined and @try_assign in each probe and function; the branches an
 * @defined makes dead are dropped (lang/atmacros.c). Before targets_resolve. -1 after reporting. */
int atmacros_resolve(struct arena *a, struct diag *d, struct program *p, struct stp_file **files,
		     int nfiles);

/* $field, $name[N] and $$parms-style target variables against each probe's event (lang/targets.c). */
int targets_resolve(struct arena *a, struct diag *d, struct program *p);

/* Type inference and semantic checks over an expanded program (lang/types.c). */
int types_check(struct arena *a, struct diag *d, struct program *p, struct stp_file **files,
		int nfiles, const struct global_setting *settings, int nsettings);

/* Why tapset function 'name' is not available yet, or NULL (lang/funcs_fold.c). */
const char *funcs_missing(const char *name);

/* Standard functions known at compile time (HZ()) become numbers (lang/funcs_fold.c). */
void funcs_fold(struct arena *a, struct program *p, const struct family_env *env);

/*
 * Where each handler runs (lang/placement.c): fills eprobe.place for timers, func.recursive
 * and func.in_kernel. Reports a recursive function a kernel probe calls; -1 then.
 */
int placement_decide(struct arena *a, struct diag *d, struct program *p);

/* Drop stores to locals nothing reads when their values have no side effects (lang/prune.c). */
void prune_dead_stores(struct arena *a, struct program *p);

/* Each kernel probe's leading `if ($field != N) next`, for the generator's dispatch (lang/guards.c). */
void guards_find(struct program *p);
/* @entry(expr) in process(...).function(...).return probes: a hidden global written by an
 * added entry probe (lang/uentry.c). Before types_check. -1 after reporting. */
int uentry_rewrite(struct arena *a, struct diag *d, struct program *p, struct stp_file *user);

/* User-space probe builtins (int_arg(), returnval(), user_long(), ...) only where they can run
 * (lang/ucontext.c). -1 after reporting. */
int ucontext_check(struct arena *a, struct diag *d, struct program *p);

/* Task-address functions (task_current(), ...) outside kernel probes: errors (lang/taskctx.c). */
int taskctx_check(struct diag *d, struct program *p);

/* -p2 output: globals, functions and the resolved probes with their alias chains. */
void program_print(FILE *out, const struct program *p);

#endif
