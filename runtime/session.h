/* Pass 5: run a compiled program — begin, attach, output, exit paths, end, exit-time printing. */
#ifndef BSTAP_SESSION_H
#define BSTAP_SESSION_H

#include "lang/program.h"
#include "loader/meta.h"

struct sess_opts {
	const char *out_path;	/* -o FILE, or NULL for stdout */
	double timeout_s;	/* -T: stop after this long (0: no limit) */
	int verbose;		/* -v count */
};

/*
 * obj_path is NULL when the program has no kernel probes (only begin/end/error).
 * Returns the process exit status: 0, or 1 after any error (runtime error, error(),
 * load or attach failure).
 */
int sess_run(const struct program *p, const struct meta *m, const char *obj_path,
	     const struct sess_opts *o);

#endif
