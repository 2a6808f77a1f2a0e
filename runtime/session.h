/* Pass 5: run a compiled program — begin, attach, output, exit paths, end, exit-time printing. */
#ifndef BSTAP_SESSION_H
#define BSTAP_SESSION_H

#include "prog/program.h"
#include "prog/meta.h"

#define SESS_MAX_GVARS 256
/* -T at most: the deadline, in nanoseconds, must fit an int64_t clock value */
#define SESS_MAX_TIMEOUT_S 1000000000

struct sess_opts {
	const char *out_path;	/* -o FILE, or NULL for stdout */
	double timeout_s;	/* -T: stop after this long (0: no limit) */
	int verbose;		/* -v count */
	const char *target_cmd;	/* -c CMD: run it (as sh -c CMD) once the probes are attached */
	int64_t target_pid;	/* -x PID: what target() gives (with -c: the command's pid) */
	uint32_t bufsize_mb;	/* -s MB: output buffer size (0: the default, 1 MB) */
	const char *gvars[SESS_MAX_GVARS];	/* -G NAME=VALUE: start values of scalar globals */
	int ngvars;
	bool gvars_checked;	/* the compiler has checked the names against the script */
	bool no_warnings;	/* -w */
};

/*
 * The run options bstap and bstap-run share: -o FILE, -T SECONDS, -c CMD, -x PID, -G NAME=VALUE,
 * -s MB.
 * Returns 1 when c is one of them and arg is good, 0 when c is not one of them, -1 (after
 * saying why, as prog) when arg is bad.
 */
int sess_opt(struct sess_opts *o, int c, const char *arg, const char *prog);
/* The options' letters, for getopt strings. */
#define SESS_OPT_LETTERS "o:T:c:x:G:s:"
/* Checks across options once all are read (-c with -x); -1 after saying why. */
int sess_opts_check(const struct sess_opts *o, const char *prog);

/*
 * Order: start the -c command held back, load, set globals (initialisers, then -G), run begin,
 * attach, release the command, run until exit()/-T/a signal/an error/the command's end, stop
 * the command if it still runs, detach, run error and end probes, print unread globals.
 * obj_path is NULL when the program has no kernel probes (only begin/end/error).
 * Returns the process exit status: 0, or 1 after any error (runtime error, error(),
 * load or attach failure).
 */
int sess_run(const struct program *p, const struct meta *m, const char *obj_path,
	     const struct sess_opts *o);

#endif
