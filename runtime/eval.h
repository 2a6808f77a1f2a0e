/* The userspace evaluator: runs begin/end/error (and userspace timer) handlers over the typed program. */
#ifndef BSTAP_EVAL_H
#define BSTAP_EVAL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include "prog/program.h"
#include "prog/abi.h"
#include "runtime/store.h"

/* Script-function calls nested deeper than this are a runtime error ("MAXNESTING exceeded"). */
#define EVAL_MAXNESTING 64

/*
 * Semantics shared with the BPF back end (both must give the same results):
 * - longs are int64 with two's-complement wraparound; x / 0 and x % 0 are the runtime error
 *   "division by 0"; INT64_MIN / -1 is INT64_MIN and INT64_MIN % -1 is 0; shift counts are
 *   masked with 63 and >> is arithmetic.
 * - strings are bounded to BSTAP_MAXSTRINGLEN - 1 bytes; '.' and sprintf() truncate.
 * - operands are evaluated left to right; for a[k] = v (and compound forms) the keys first,
 *   then v; && and || short-circuit and give 0 or 1.
 * - MAXACTION: every executed statement other than a block costs one action, and so does
 *   every later test of a loop (while/for conditions after the first, each foreach element).
 *   The count (per probe run, called functions included) is checked against BSTAP_MAXACTION
 *   at every later loop test and every script-function call; past it, the error is
 *   "MAXACTION exceeded near keyword at f:l:c" (the loop) or "... near identifier 'f' at ...".
 * - sorted foreach: by the chosen key column or the value (@count for statistics), ties
 *   broken by the keys in ascending column order, so the order never depends on the store.
 *   Unsorted foreach visits elements in the store's snapshot order. 'limit N' is evaluated
 *   once, before the loop.
 * - reading a missing array element gives 0 / "" and does not create it; @min/@max/@avg of
 *   an empty aggregate is the error "empty aggregate"; @count/@sum of one is 0.
 */

typedef void (*eval_out_fn)(void *octx, const char *buf, size_t len);

struct eval;

/*
 * ops/store_ctx hold the globals (gid = sym->index). Output of each probe run is buffered
 * and handed to out when the run ends (also when it ends with an error) or the buffer grows
 * large, so a handler's output is never interleaved with another's.
 */
struct eval *eval_new(const struct program *p, const struct store_ops *ops, void *store_ctx,
		      eval_out_fn out, void *octx);
void eval_free(struct eval *e);	/* accepts NULL */

/* target(): the pid of -x PID or -c CMD (0, the default, when neither was given). */
void eval_set_target(struct eval *e, int64_t pid);

/* Write each global's initializer (global x = 5) to the store. The BPF store gets them at load. */
int eval_init_globals(struct eval *e);

/* Run one probe body: 0 when it completes (or ends with 'next'), negative on a runtime error. */
int eval_run_probe(struct eval *e, const struct eprobe *ep);

/* After an error: stap's text without "ERROR: ", e.g. "division by 0 near operator '/' at a.stp:3:14". */
const char *eval_error_message(const struct eval *e);

/* exit() was called in some run: the session should stop (the handler itself ran to its end). */
bool eval_exit_requested(const struct eval *e);

/*
 * A flag (set by a signal handler) that stops a run where MAXACTION is checked (every later
 * loop test, every script-function call) once it is nonzero, as an error try/catch cannot
 * catch; the output printed so far is still handed to out. NULL: none.
 */
void eval_set_interrupt(struct eval *e, const volatile sig_atomic_t *flag);
/* The last run was stopped by that flag (eval_run_probe returned -1). */
bool eval_interrupted(const struct eval *e);

#endif
