/* The userspace evaluator: walks the typed AST of begin/end/error (and userspace timer) handlers. */
#include "runtime/eval.h"
#include "runtime/eval_ctx.h"
#include "runtime/eval_funcs.h"

#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "prog/builtins.h"
#include "prog/format.h"
#include "prog/strbuf.h"

/* Output is handed on at the end of a run, or earlier once this much is buffered. */
#define EVAL_FLUSH_AT (64 * 1024)

/* Variables of one probe run or one function call. */
struct frame {
	struct sym **syms;
	struct value *vals;
	uint32_t n;
};

/* How a statement finished. */
enum flow { FL_NORMAL, FL_BREAK, FL_CONTINUE, FL_RETURN, FL_NEXT, FL_ABORT };

struct eval {
	const struct program *prog;
	uint32_t maxstr;		/* the program's MAXSTRINGLEN */
	const struct store_ops *ops;
	void *sctx;
	eval_out_fn out;
	void *octx;
	struct strbuf obuf;
	const struct eprobe *ep;	/* the probe running now */
	struct frame *fr;		/* the innermost frame */
	uint32_t depth;			/* script-function calls in progress */
	uint32_t nest;			/* ex() and st_run() calls in progress */
	uintptr_t stack_base;		/* the stack where the handler began */
	size_t stack_budget;
	uint64_t actions;
	bool exit_requested;
	/* An expression evaluation that fails returns -1 with abort set: either an error (err
	 * non-empty) or 'next' inside a function, which ends the whole handler normally. */
	bool next_pending;
	bool failed;
	bool uncatchable;		/* MAXACTION: try/catch does not stop it (as in stap) */
	const volatile sig_atomic_t *interrupt;	/* nonzero: stop the run (eval_set_interrupt) */
	bool interrupted;		/* the last run was stopped by it */
	char err[2 * BSTAP_MAXSTRINGLEN + 256];
	char errmsg[BSTAP_MAXSTRINGLEN];	/* the error without its location: what catch(msg) gets */
	struct value retval;	/* set by 'return' */
	char comm[BSTAP_MAXSTRINGLEN];
	int64_t target;			/* target() */
};

/* ---- errors ---- */

/* stap names the token an error happened at: "operator '/'", "identifier 'x'", "keyword". */
static void describe(const struct node *n, char *buf, size_t len)
{
	switch (n->kind) {
	case N_NUM:
		snprintf(buf, len, "number '%" PRId64 "'", n->u.num);
		break;
	case N_STR:
		snprintf(buf, len, "string '%s'", n->u.str.s);
		break;
	case N_VAR:
	case N_TARGET:
		snprintf(buf, len, "identifier '%s'", n->u.var.name);
		break;
	case N_INDEX:
		describe(n->u.index.base, buf, len);
		break;
	case N_CALL:
		snprintf(buf, len, "identifier '%s'", n->u.call.name);
		break;
	case N_STATOP:
		snprintf(buf, len, "operator '%s'", op_str(n->u.statop.op));
		break;
	case N_BINOP:
		snprintf(buf, len, "operator '%s'", op_str(n->u.bin.op));
		break;
	case N_UNOP:
		snprintf(buf, len, "operator '%s'", op_str(n->u.un.op));
		break;
	case N_ASSIGN:
		if (n->u.assign.op == OP_NONE)
			snprintf(buf, len, "operator '='");
		else if (n->u.assign.op == OP_AGG)
			snprintf(buf, len, "operator '<<<'");
		else
			snprintf(buf, len, "operator '%s='", op_str(n->u.assign.op));
		break;
	case N_INCDEC:
		snprintf(buf, len, "operator '%s'", n->u.incdec.inc ? "++" : "--");
		break;
	case N_TERNARY:
		snprintf(buf, len, "operator '?'");
		break;
	case N_IN:
		snprintf(buf, len, "keyword");
		break;
	case N_EXPR:
		describe(n->u.expr, buf, len);
		break;
	case N_BLOCK:
		snprintf(buf, len, "operator '{'");
		break;
	case N_EMPTY:
		snprintf(buf, len, "operator ';'");
		break;
	default:	/* if, while, for, foreach, break, continue, next, return, delete */
		snprintf(buf, len, "keyword");
		break;
	}
}

/* The location stap would name: for an expression statement, the expression's token. */
static const struct loc *where(const struct node *n)
{
	if (n->kind == N_EXPR && n->u.expr)
		return where(n->u.expr);
	if (n->kind == N_INDEX)
		return &n->u.index.base->loc;
	return &n->loc;
}

/* "MSG near TOKEN at FILE:LINE:COL"; ends the handler. */
static int fail_at(struct eval *e, const struct node *n, const char *msg)
{
	char tok[BSTAP_MAXSTRINGLEN + 32];
	describe(n, tok, sizeof(tok));
	const struct loc *l = where(n);
	snprintf(e->err, sizeof(e->err), "%s near %s at %s:%u:%u", msg, tok,
		 l->file && l->file->path ? l->file->path : "<unknown>", l->line, l->col);
	snprintf(e->errmsg, sizeof(e->errmsg), "%s", msg);
	e->failed = true;
	return -1;
}

/* error("msg"): stap prints only the message. */
static int fail_plain(struct eval *e, const char *msg)
{
	snprintf(e->err, sizeof(e->err), "%s", msg);
	snprintf(e->errmsg, sizeof(e->errmsg), "%s", msg);
	e->failed = true;
	return -1;
}

static int store_fail(struct eval *e, const struct node *n, int rc)
{
	if (rc == -ENOSPC)
		return fail_at(e, n, "Array overflow, check MAXMAPENTRIES");
	char msg[128];
	snprintf(msg, sizeof(msg), "cannot access global: %s", strerror(-rc));
	return fail_at(e, n, msg);
}

/* ---- values ---- */

/* The value a never-assigned variable or a missing element of type t reads as. */
static void set_default(struct value *v, enum type t)
{
	if (t == T_STRING)
		value_str(v, "");
	else
		value_long(v, 0);
}

static void concat(struct value *out, const struct value *l, const struct value *r)
{
	char buf[BSTAP_MAXSTRINGLEN];
	size_t ll = strlen(l->str);
	memcpy(buf, l->str, ll);
	size_t rl = strnlen(r->str, sizeof(buf) - 1 - ll);
	memcpy(buf + ll, r->str, rl);
	buf[ll + rl] = '\0';
	out->type = T_STRING;
	out->num = 0;
	memcpy(out->str, buf, ll + rl + 1);
}

/* Long arithmetic in uint64 so that overflow wraps instead of being undefined. */
static int arith(struct eval *e, const struct node *at, enum op op, int64_t a, int64_t b, int64_t *res)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
	switch (op) {
	case OP_ADD: *res = (int64_t)(ua + ub); break;
	case OP_SUB: *res = (int64_t)(ua - ub); break;
	case OP_MUL: *res = (int64_t)(ua * ub); break;
	case OP_DIV:
		if (b == 0)
			return fail_at(e, at, "division by 0");
		*res = b == -1 ? (int64_t)(0 - ua) : a / b;
		break;
	case OP_MOD:
		if (b == 0)
			return fail_at(e, at, "division by 0");
		*res = b == -1 ? 0 : a % b;
		break;
	case OP_SHL: *res = (int64_t)(ua << (b & 63)); break;
	case OP_SHR: *res = a >> (b & 63); break;	/* gcc/clang: arithmetic on signed */
	case OP_BAND: *res = (int64_t)(ua & ub); break;
	case OP_BOR: *res = (int64_t)(ua | ub); break;
	case OP_BXOR: *res = (int64_t)(ua ^ ub); break;
	default: {
		char msg[64];
		snprintf(msg, sizeof(msg), "unsupported operator '%s'", op_str(op));
		return fail_at(e, at, msg);
	}
	}
	return 0;
}

/* ---- variables ---- */

static struct value *local_slot(struct eval *e, const struct sym *s)
{
	struct frame *f = e->fr;
	if (!f)
		return NULL;
	if (s->index < f->n && f->syms[s->index] == s)
		return &f->vals[s->index];
	for (uint32_t i = 0; i < f->n; i++)
		if (f->syms[i] == s)
			return &f->vals[i];
	return NULL;
}

static bool is_global(const struct sym *s)
{
	return s->kind == S_GLOBAL;
}

static int ex(struct eval *e, struct node *n, struct value *out);

static int eval_keys(struct eval *e, struct node_list *l, struct value *keys)
{
	if (l->n > BSTAP_MAXKEYS)
		return fail_plain(e, "too many array keys");
	for (uint32_t i = 0; i < l->n; i++)
		if (ex(e, l->v[i], &keys[i]) < 0)
			return -1;
	return 0;
}

static struct sym *sym_of(struct eval *e, struct node *n)
{
	struct sym *s = n->u.var.sym;
	if (!s)
		fail_at(e, n, "unresolved variable");
	return s;
}

/* An assignable place: a local, a global scalar, or a global array element with its keys. */
struct lval {
	struct node *node;	/* for error locations */
	struct sym *sym;
	struct value *local;	/* non-NULL for locals/params */
	struct value keys[BSTAP_MAXKEYS];
	uint32_t nkeys;
};

static int lval_of(struct eval *e, struct node *n, struct lval *lv)
{
	lv->node = n;
	lv->nkeys = 0;
	lv->local = NULL;
	struct node *base = n->kind == N_INDEX ? n->u.index.base : n;
	if (base->kind != N_VAR)
		return fail_at(e, n, "not assignable");
	if (!(lv->sym = sym_of(e, base)))
		return -1;
	if (n->kind == N_INDEX) {
		if (eval_keys(e, &n->u.index.keys, lv->keys) < 0)
			return -1;
		lv->nkeys = n->u.index.keys.n;
	}
	if (!is_global(lv->sym)) {
		if (lv->nkeys)
			return fail_at(e, n, "local arrays are not supported");
		if (!(lv->local = local_slot(e, lv->sym)))
			return fail_at(e, n, "unknown local variable");
	}
	return 0;
}

static int lval_get(struct eval *e, struct lval *lv, struct value *out)
{
	if (lv->local) {
		*out = *lv->local;
		return 0;
	}
	int rc = e->ops->get(e->sctx, lv->sym->index, lv->nkeys ? lv->keys : NULL, lv->nkeys, out);
	if (rc < 0)
		return store_fail(e, lv->node, rc);
	if (rc == 0)
		set_default(out, lv->sym->type);
	return 0;
}

static int lval_set(struct eval *e, struct lval *lv, const struct value *v)
{
	if (lv->local) {
		*lv->local = *v;
		return 0;
	}
	int rc = e->ops->set(e->sctx, lv->sym->index, lv->nkeys ? lv->keys : NULL, lv->nkeys, v);
	return rc < 0 ? store_fail(e, lv->node, rc) : 0;
}

/* ---- builtins and calls ---- */

static void flush(struct eval *e)
{
	if (e->obuf.len && e->out)
		e->out(e->octx, e->obuf.buf, e->obuf.len);
	strbuf_reset(&e->obuf);
}

static void output_done(struct eval *e)
{
	if (e->obuf.len >= EVAL_FLUSH_AT)
		flush(e);
}

static int64_t clock_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int hist_print(struct eval *e, struct node *n);

/* Evaluate every argument of a call, left to right, into a malloc'ed array. */
static int eval_args(struct eval *e, struct node *n, struct value **out)
{
	uint32_t na = n->u.call.args.n;
	*out = NULL;
	if (!na)
		return 0;
	struct value *v = malloc(na * sizeof(*v));
	if (!v)
		return fail_plain(e, "out of memory");
	for (uint32_t i = 0; i < na; i++) {
		if (ex(e, n->u.call.args.v[i], &v[i]) < 0) {
			free(v);
			return -1;
		}
	}
	*out = v;
	return 0;
}

static __attribute__((noinline)) int call_builtin(struct eval *e, struct node *n, struct value *out)
{
	struct value *a;
	int na = (int)n->u.call.args.n;
	if ((n->u.call.builtin == B_PRINT || n->u.call.builtin == B_PRINTLN) && na == 1 &&
	    n->u.call.args.v[0]->kind == N_STATOP && n->u.call.args.v[0]->type == T_STATS) {
		value_long(out, 0);
		return hist_print(e, n->u.call.args.v[0]);
	}
	if (eval_args(e, n, &a) < 0)
		return -1;
	int rc = 0;
	value_long(out, 0);
	switch (n->u.call.builtin) {
	case B_PRINTF:
	case B_SPRINTF: {
		struct strbuf tmp = { 0 };
		struct strbuf *sb = n->u.call.builtin == B_PRINTF ? &e->obuf : &tmp;
		/* A literal format is used whole: formats are not values, so not bounded by
		 * MAXSTRINGLEN (the BPF side sends only the format's id). */
		struct node *f0 = na ? n->u.call.args.v[0] : NULL;
		const char *fs = f0 && f0->kind == N_STR && f0->u.str.s ? f0->u.str.s : na ? a[0].str : "";
		if (na < 1 || fmt_format(sb, fs, a + 1, na - 1) < 0) {
			char err[160];
			struct fmt *f = na < 1 ? NULL : fmt_parse(fs, err, sizeof(err));
			fmt_free(f);
			rc = fail_at(e, n, na < 1 ? "missing format" : err);
		} else if (sb == &tmp) {
			value_str(out, strbuf_str(&tmp));
		}
		strbuf_free(&tmp);
		output_done(e);
		break;
	}
	case B_PRINT:
	case B_PRINTLN:
		fmt_print_values(&e->obuf, a, na, NULL, n->u.call.builtin == B_PRINTLN);
		output_done(e);
		break;
	case B_SPRINT:
	case B_SPRINTLN:
	case B_SPRINTD:
	case B_SPRINTDLN: {
		/* the print family's text as a string value (set_str bounds it to MAXSTRINGLEN) */
		int b = n->u.call.builtin;
		bool delim = b == B_SPRINTD || b == B_SPRINTDLN;
		struct strbuf tmp = { 0 };
		fmt_print_values(&tmp, a + delim, na - delim, delim ? a[0].str : NULL,
				 b == B_SPRINTLN || b == B_SPRINTDLN);
		value_str(out, strbuf_str(&tmp));
		strbuf_free(&tmp);
		break;
	}
	case B_PRINTD:
	case B_PRINTDLN:
		if (na < 1) {
			rc = fail_at(e, n, "missing delimiter");
			break;
		}
		fmt_print_values(&e->obuf, a + 1, na - 1, a[0].str, n->u.call.builtin == B_PRINTDLN);
		output_done(e);
		break;
	case B_LOG:
		strbuf_printf(&e->obuf, "%s\n", a[0].str);
		output_done(e);
		break;
	case B_WARN:
		/* stderr, after what this handler printed so far */
		flush(e);
		fprintf(stderr, "WARNING: %s\n", a[0].str);
		break;
	case B_ABORT:
		/* exit(), and the handler ends here, past any catch: unwind as 'next' does */
		e->exit_requested = true;
		e->next_pending = true;
		rc = -1;
		break;
	case B_EXIT:
		/* Like stap: the handler runs on; the session stops once it ends. */
		e->exit_requested = true;
		break;
	case B_ERROR:
		rc = fail_plain(e, na ? a[0].str : "");
		break;
	case B_PID: value_long(out, getpid()); break;
	case B_TARGET: value_long(out, e->target); break;
	case B_TID: value_long(out, gettid()); break;
	case B_PPID: value_long(out, getppid()); break;
	case B_UID: value_long(out, getuid()); break;
	case B_EXECNAME: value_str(out, e->comm); break;
	case B_CPU: value_long(out, sched_getcpu()); break;
	case B_GETTIMEOFDAY_S: value_long(out, clock_ns(CLOCK_REALTIME) / 1000000000); break;
	case B_GETTIMEOFDAY_MS: value_long(out, clock_ns(CLOCK_REALTIME) / 1000000); break;
	case B_GETTIMEOFDAY_US: value_long(out, clock_ns(CLOCK_REALTIME) / 1000); break;
	case B_GETTIMEOFDAY_NS: value_long(out, clock_ns(CLOCK_REALTIME)); break;
	case B_KTIME_GET_NS: value_long(out, clock_ns(CLOCK_MONOTONIC)); break;
	case B_PP: value_str(out, e->ep && e->ep->pp ? e->ep->pp : ""); break;
	case B_STRLEN: value_long(out, na ? (int64_t)strlen(a[0].str) : 0); break;
	case B_PROBEFUNC: value_str(out, ""); break;	/* begin/end/timers are in no function */
	case B_USER_STRING:
	case B_USER_STRING_N:
	case B_KERNEL_STRING:
	case B_KERNEL_STRING_N: {
		/* a userspace probe has no traced task's memory to read: every address faults */
		int b = n->u.call.builtin;
		uint32_t d = b == B_USER_STRING || b == B_KERNEL_STRING ? 1 : 2;
		if ((uint32_t)na > d) {
			value_str(out, a[d].str);
			break;
		}
		char msg[128];
		snprintf(msg, sizeof(msg), "%s string copy fault -14 at 0x%016" PRIx64
			 " [man error::fault]", b <= B_USER_STRING_N ? "user" : "kernel",
			 (uint64_t)a[0].num);
		rc = fail_at(e, n, msg);
		break;
	}
	case B_KERNEL_LONG:
	case B_KERNEL_INT:
	case B_KERNEL_SHORT:
	case B_KERNEL_CHAR:
	case B_KERNEL_POINTER: {
		/* as kernel_string: userspace has no kernel memory to read, every address faults */
		static const char *const what[] = { "long", "int", "short", "char", "pointer" };
		char msg[128];
		snprintf(msg, sizeof(msg), "kernel %s copy fault -14 at 0x%016" PRIx64
			 " [man error::fault]", what[n->u.call.builtin - B_KERNEL_LONG],
			 (uint64_t)a[0].num);
		rc = fail_at(e, n, msg);
		break;
	}
	case B_CAST:
	case B_CAST_STRING:
		/* as kernel_long: no kernel memory to read in userspace */
		rc = fail_at(e, n, "kernel read fault -14 in @cast [man error::fault]");
		break;
	default: {
		/* the standard function library: runtime/eval_funcs.c */
		char msg[128];
		int r = evalc_call(n->u.call.builtin, e->ep ? e->ep->pp : NULL, a, na, out, msg,
				   sizeof(msg));	/* runtime/eval_ctx.c */
		if (r == EVALF_UNKNOWN)
			r = evalf_call(n->u.call.builtin, a, na, out, &e->obuf, msg, sizeof(msg));
		if (r != EVALF_OK)
			rc = fail_at(e, n, r == EVALF_ERROR ? msg : "unknown function");
		break;
	}
	}
	free(a);
	return rc;
}

static int st_run(struct eval *e, struct node *n, enum flow *fl);
static int check_actions(struct eval *e, struct node *at);

static void frame_init(struct frame *f, struct sym **syms, uint32_t n)
{
	f->syms = syms;
	f->n = n;
	f->vals = n ? calloc(n, sizeof(*f->vals)) : NULL;
	if (n && !f->vals)
		abort();
	for (uint32_t i = 0; i < n; i++)
		set_default(&f->vals[i], syms[i]->type);
}

static __attribute__((noinline)) int call_function(struct eval *e, struct node *n, struct value *out)
{
	struct func *fn = n->u.call.fn;
	if (check_actions(e, n) < 0)
		return -1;
	if (e->depth >= EVAL_MAXNESTING)
		return fail_at(e, n, "MAXNESTING exceeded");
	if (n->u.call.args.n != fn->params.n)
		return fail_at(e, n, "wrong number of arguments");
	struct value *a;
	if (eval_args(e, n, &a) < 0)
		return -1;
	/* One frame: the params, then the function's other locals. */
	uint32_t np = fn->params.n, nl = fn->locals.n;
	struct sym **syms = malloc((np + nl + 1) * sizeof(*syms));
	if (!syms)
		abort();
	for (uint32_t i = 0; i < np; i++)
		syms[i] = fn->params.v[i];
	for (uint32_t i = 0; i < nl; i++)
		syms[np + i] = fn->locals.v[i];
	struct frame f, *saved = e->fr;
	frame_init(&f, syms, np + nl);
	for (uint32_t i = 0; i < np; i++)
		f.vals[i] = a[i];
	free(a);
	e->fr = &f;
	e->depth++;
	set_default(&e->retval, fn->ret);
	enum flow fl = FL_NORMAL;
	int rc = fn->body ? st_run(e, fn->body, &fl) : 0;
	e->depth--;
	e->fr = saved;
	free(f.vals);
	free(syms);
	if (rc < 0)
		return -1;
	if (fl == FL_NEXT) {
		/* 'next' in a function ends the probe handler: unwind like an error, but clean. */
		e->next_pending = true;
		return -1;
	}
	if (fl == FL_RETURN)
		*out = e->retval;
	else
		set_default(out, fn->ret);
	return 0;
}

/* ---- expressions ---- */

/* The merged aggregate an @op(...) names: 1 with *sv filled, 0 if empty, -1 after an error. */
static __attribute__((noinline)) int stat_fetch(struct eval *e, struct node *n, struct stat_value *sv,
						const struct sym **sym)
{
	struct node *arg = n->u.statop.arg;
	struct node *base = arg->kind == N_INDEX ? arg->u.index.base : arg;
	struct value keys[BSTAP_MAXKEYS];
	uint32_t nk = 0;
	struct sym *s = base->kind == N_VAR ? sym_of(e, base) : NULL;
	if (!s)
		return e->failed ? -1 : fail_at(e, n, "not an aggregate");
	if (arg->kind == N_INDEX) {
		if (eval_keys(e, &arg->u.index.keys, keys) < 0)
			return -1;
		nk = arg->u.index.keys.n;
	}
	*sym = s;
	memset(sv, 0, sizeof(*sv));
	int rc = e->ops->stat_get(e->sctx, s->index, nk ? keys : NULL, nk, sv);
	if (rc < 0)
		return store_fail(e, arg, rc);
	return rc > 0;
}

static __attribute__((noinline)) int stat_read(struct eval *e, struct node *n, struct value *out)
{
	struct stat_value sv;
	const struct sym *s;
	int rc = stat_fetch(e, n, &sv, &s);
	if (rc < 0)
		return -1;
	enum op op = n->u.statop.op;
	if (rc == 0 && op != OP_COUNT && op != OP_SUM)
		return fail_at(e, n, "empty aggregate");
	switch (op) {
	case OP_COUNT: value_long(out, rc ? sv.count : 0); break;
	case OP_SUM: value_long(out, rc ? sv.sum : 0); break;
	case OP_MIN: value_long(out, sv.min); break;
	case OP_MAX: value_long(out, sv.max); break;
	case OP_VARIANCE: value_long(out, sv.variance); break;
	case OP_HIST_LOG:
	case OP_HIST_LINEAR: {
		if (!n->u.statop.bucket)
			return fail_at(e, n, "a histogram is not a value");
		struct value b;
		if (ex(e, n->u.statop.bucket, &b) < 0)
			return -1;
		if (b.num < 0 || b.num >= (int64_t)s->stat.nbuckets || b.num >= STAT_MAX_BUCKETS)
			return fail_at(e, n, "histogram index out of range");
		value_long(out, sv.hist[b.num]);
		break;
	}
	case OP_AVG:
		value_long(out, sv.sum / sv.count);	/* count > 0 here; truncates like C, as stap */
		break;
	default:
		return fail_at(e, n, "a histogram is not a value");
	}
	return 0;
}

/* print(@hist_log(s)) / println(...): stap's ASCII histogram (println adds nothing, as stap). */
static __attribute__((noinline)) int hist_print(struct eval *e, struct node *n)
{
	struct stat_value *sv = malloc(sizeof(*sv));
	if (!sv)
		return fail_plain(e, "out of memory");
	const struct sym *s;
	int rc = stat_fetch(e, n, sv, &s);
	if (rc == 0)
		rc = fail_at(e, n, "empty aggregate");
	if (rc > 0) {
		stat_print_hist(&s->stat, sv, &e->obuf);
		output_done(e);
		rc = 0;
	}
	free(sv);
	return rc;
}

static int compare(enum op op, const struct value *l, const struct value *r)
{
	int c;
	if (l->type == T_STRING)
		c = strcmp(l->str, r->str);
	else
		c = l->num < r->num ? -1 : l->num > r->num;
	switch (op) {
	case OP_LT: return c < 0;
	case OP_LE: return c <= 0;
	case OP_GT: return c > 0;
	case OP_GE: return c >= 0;
	case OP_EQ: return c == 0;
	default: return c != 0;
	}
}

static int binop(struct eval *e, struct node *n, struct value *out)
{
	enum op op = n->u.bin.op;
	struct value l, r;
	if (op == OP_LAND || op == OP_LOR) {
		if (ex(e, n->u.bin.l, &l) < 0)
			return -1;
		if ((op == OP_LAND) != (l.num != 0)) {
			value_long(out, op == OP_LOR);
			return 0;
		}
		if (ex(e, n->u.bin.r, &r) < 0)
			return -1;
		value_long(out, r.num != 0);
		return 0;
	}
	if (ex(e, n->u.bin.l, &l) < 0 || ex(e, n->u.bin.r, &r) < 0)
		return -1;
	switch (op) {
	case OP_CONCAT:
		concat(out, &l, &r);
		return 0;
	case OP_LT: case OP_LE: case OP_GT: case OP_GE: case OP_EQ: case OP_NE:
		value_long(out, compare(op, &l, &r));
		return 0;
	default: {
		int64_t res = 0;
		if (arith(e, n, op, l.num, r.num, &res) < 0)
			return -1;
		value_long(out, res);
		return 0;
	}
	}
}

static __attribute__((noinline)) int assign(struct eval *e, struct node *n, struct value *out)
{
	struct node *lhs = n->u.assign.lhs;
	enum op op = n->u.assign.op;
	struct lval lv;
	if (lval_of(e, lhs, &lv) < 0)
		return -1;
	struct value r;
	if (ex(e, n->u.assign.rhs, &r) < 0)
		return -1;
	if (op == OP_AGG) {
		if (lv.local)
			return fail_at(e, n, "aggregates must be global");
		int rc = e->ops->stat_add(e->sctx, lv.sym->index, lv.nkeys ? lv.keys : NULL, lv.nkeys, r.num);
		if (rc < 0)
			return store_fail(e, lhs, rc);
		*out = r;
		return 0;
	}
	if (op != OP_NONE) {
		struct value old;
		if (lval_get(e, &lv, &old) < 0)
			return -1;
		if (op == OP_CONCAT) {
			concat(&r, &old, &r);
		} else {
			int64_t res = 0;
			if (arith(e, n, op, old.num, r.num, &res) < 0)
				return -1;
			value_long(&r, res);
		}
	}
	if (lval_set(e, &lv, &r) < 0)
		return -1;
	*out = r;
	return 0;
}

static __attribute__((noinline)) int incdec(struct eval *e, struct node *n, struct value *out)
{
	struct lval lv;
	struct value old, nv;
	if (lval_of(e, n->u.incdec.lv, &lv) < 0 || lval_get(e, &lv, &old) < 0)
		return -1;
	value_long(&nv, (int64_t)((uint64_t)old.num + (n->u.incdec.inc ? 1u : (uint64_t)-1)));
	if (lval_set(e, &lv, &nv) < 0)
		return -1;
	*out = n->u.incdec.post ? old : nv;
	return 0;
}

/* Kept out of ex(), whose frame is on the stack once per level of nesting. */
static __attribute__((noinline)) int ex_var(struct eval *e, struct node *n, struct value *out)
{
	struct lval lv;
	if (lval_of(e, n, &lv) < 0)
		return -1;
	return lval_get(e, &lv, out);
}

static bool has_wildcard(const struct node_list *l)
{
	for (uint32_t i = 0; i < l->n; i++)
		if (l->v[i]->kind == N_EMPTY)
			return true;
	return false;
}

static int cmp_val(const struct value *a, const struct value *b);

/*
 * '[k, *] in a' and 'delete a[k, *]': the elements whose keys equal the given ones where the
 * key list has no '*'. del: delete each (the keys there were at the start); else *found tells
 * whether there is one.
 */
static __attribute__((noinline)) int wildcard_keys(struct eval *e, struct node *arr,
						   struct node_list *l, bool del, bool *found)
{
	struct value keys[BSTAP_MAXKEYS];
	struct sym *s = sym_of(e, arr);
	if (!s || l->n > BSTAP_MAXKEYS)
		return s ? fail_plain(e, "too many array keys") : -1;
	for (uint32_t i = 0; i < l->n; i++)
		if (l->v[i]->kind != N_EMPTY && ex(e, l->v[i], &keys[i]) < 0)
			return -1;
	struct store_entry *ents = NULL;
	size_t cnt = 0;
	int rc = e->ops->snapshot(e->sctx, s->index, &ents, &cnt);
	if (rc < 0)
		return store_fail(e, arr, rc);
	*found = false;
	for (size_t j = 0; j < cnt && rc >= 0; j++) {
		bool match = ents[j].nkeys == l->n;
		for (uint32_t i = 0; i < l->n && match; i++)
			if (l->v[i]->kind != N_EMPTY && keys[i].type == ents[j].keys[i].type &&
			    cmp_val(&keys[i], &ents[j].keys[i]))
				match = false;
		if (!match)
			continue;
		*found = true;
		if (!del)
			break;
		rc = e->ops->del(e->sctx, s->index, ents[j].keys, ents[j].nkeys);
		if (rc < 0)
			rc = store_fail(e, arr, rc);
	}
	free(ents);
	return rc < 0 ? -1 : 0;
}

static __attribute__((noinline)) int ex_in(struct eval *e, struct node *n, struct value *out)
{
	struct value keys[BSTAP_MAXKEYS];
	if (has_wildcard(&n->u.in.keys)) {
		bool found;
		if (wildcard_keys(e, n->u.in.arr, &n->u.in.keys, false, &found) < 0)
			return -1;
		value_long(out, found);
		return 0;
	}
	struct sym *s = sym_of(e, n->u.in.arr);
	if (!s || eval_keys(e, &n->u.in.keys, keys) < 0)
		return -1;
	int rc = e->ops->exists(e->sctx, s->index, keys, n->u.in.keys.n);
	if (rc < 0)
		return store_fail(e, n->u.in.arr, rc);
	value_long(out, rc > 0);
	return 0;
}

static int ex_node(struct eval *e, struct node *n, struct value *out);

/*
 * Expressions and statements nest: in the tree, and through script-function calls. Past this
 * many levels, or this much stack, the handler ends with an error instead of overflowing the
 * stack (a sanitizer build's frames are several times larger).
 */
#define EVAL_MAXDEPTH 10000
#define EVAL_STACK_BUDGET ((size_t)5 << 20)	/* at most half the stack limit */

static int too_deep(struct eval *e, const struct node *n)
{
	e->uncatchable = true;
	return fail_at(e, n, "nesting too deep");
}

static bool deep(struct eval *e)
{
	uintptr_t here = (uintptr_t)__builtin_frame_address(0);
	uintptr_t used = here < e->stack_base ? e->stack_base - here : here - e->stack_base;
	return e->nest >= EVAL_MAXDEPTH || used > e->stack_budget;
}

static int ex(struct eval *e, struct node *n, struct value *out)
{
	if (deep(e))
		return too_deep(e, n);
	e->nest++;
	int rc = ex_node(e, n, out);
	e->nest--;
	/*
	 * Values hold BSTAP_MAXSTRINGLEN bytes and every operation cuts there; a smaller -D
	 * MAXSTRINGLEN cuts each result once more. Cutting what an operation made is the same as
	 * cutting while making it: every string operation's result begins with the same bytes.
	 */
	if (rc == 0 && out->type == T_STRING && e->maxstr < BSTAP_MAXSTRINGLEN)
		out->str[e->maxstr - 1] = '\0';
	return rc;
}

static int ex_node(struct eval *e, struct node *n, struct value *out)
{
	switch (n->kind) {
	case N_NUM:
		value_long(out, n->u.num);
		return 0;
	case N_STR:
		value_str(out, n->u.str.s ? n->u.str.s : "");
		return 0;
	case N_VAR:
	case N_INDEX:
		return ex_var(e, n, out);
	case N_CALL:
		if (n->u.call.fn)
			return call_function(e, n, out);
		if (n->u.call.builtin >= 0)
			return call_builtin(e, n, out);
		return fail_at(e, n, "unresolved function");
	case N_STATOP:
		return stat_read(e, n, out);
	case N_BINOP:
		return binop(e, n, out);
	case N_UNOP: {
		struct value v;
		if (ex(e, n->u.un.e, &v) < 0)
			return -1;
		switch (n->u.un.op) {
		case OP_NEG: value_long(out, (int64_t)(0 - (uint64_t)v.num)); break;
		case OP_NOT: value_long(out, v.num == 0); break;
		case OP_BNOT: value_long(out, (int64_t)~(uint64_t)v.num); break;
		default: *out = v; break;
		}
		return 0;
	}
	case N_ASSIGN:
		return assign(e, n, out);
	case N_INCDEC:
		return incdec(e, n, out);
	case N_TERNARY: {
		struct value c;
		if (ex(e, n->u.tern.cond, &c) < 0)
			return -1;
		return ex(e, c.num ? n->u.tern.t : n->u.tern.f, out);
	}
	case N_IN:
		return ex_in(e, n, out);
	case N_TARGET:
		return fail_at(e, n, "target variables are not available in this probe");
	default:
		return fail_at(e, n, "not an expression");
	}
}

/* ---- statements ---- */

/* Statements only count actions; the limit is checked where execution can repeat (loop tests,
 * function calls), as stap checks at the ends of basic blocks and loop back-edges. */
static void charge(struct eval *e)
{
	e->actions++;
}

static int check_actions(struct eval *e, struct node *at)
{
	if (e->interrupt && *e->interrupt) {
		e->uncatchable = true;
		e->interrupted = true;
		return fail_at(e, at, "interrupted");
	}
	if (e->actions > (e->prog->maxaction ? e->prog->maxaction : BSTAP_MAXACTION))
	{
		e->uncatchable = true;
		return fail_at(e, at, "MAXACTION exceeded");
	}
	return 0;
}

/* An expression aborted: an error, or 'next' raised inside a function. */
static int aborted(struct eval *e, enum flow *fl)
{
	if (e->next_pending && !e->failed) {
		*fl = FL_NEXT;
		return 0;
	}
	return -1;
}

/* Loop bodies: map break/continue to what the loop does next. Returns true to leave the loop. */
static bool loop_exit(enum flow *fl)
{
	if (*fl == FL_BREAK) {
		*fl = FL_NORMAL;
		return true;
	}
	if (*fl == FL_CONTINUE)
		*fl = FL_NORMAL;
	return *fl != FL_NORMAL;
}

static int cmp_val(const struct value *a, const struct value *b)
{
	if (a->type == T_STRING || b->type == T_STRING)
		return strcmp(a->type == T_STRING ? a->str : "", b->type == T_STRING ? b->str : "");
	return a->num < b->num ? -1 : a->num > b->num;
}

struct sort_ctx {
	int col;	/* 0-based key column, or -1 for the value */
	int dir;
	bool stats;
	enum op agg;	/* statistics by value: which aggregate (OP_NONE: @count) */
};

static int64_t agg_of(const struct stat_value *s, enum op agg)
{
	switch (agg) {
	case OP_SUM: return s->sum;
	case OP_MIN: return s->min;
	case OP_MAX: return s->max;
	case OP_AVG: return s->count ? s->sum / s->count : 0;
	default: return s->count;
	}
}

static int cmp_keys_from(const struct store_entry *a, const struct store_entry *b, int skip)
{
	for (uint32_t i = 0; i < a->nkeys && i < b->nkeys; i++) {
		if ((int)i == skip)
			continue;
		int c = cmp_val(&a->keys[i], &b->keys[i]);
		if (c)
			return c;
	}
	return 0;
}

/* qsort has no context argument in C11; sorting is not reentrant across threads anyway. */
static const struct sort_ctx *g_sort;

static int cmp_entries(const void *pa, const void *pb)
{
	const struct store_entry *a = pa, *b = pb;
	int c;
	if (g_sort->col < 0) {
		if (g_sort->stats) {
			int64_t x = agg_of(&a->stat, g_sort->agg), y = agg_of(&b->stat, g_sort->agg);
			c = x < y ? -1 : x > y;
		}
		else
			c = cmp_val(&a->val, &b->val);
	} else {
		c = cmp_val(&a->keys[g_sort->col], &b->keys[g_sort->col]);
	}
	if (c)
		return g_sort->dir < 0 ? -c : c;
	return cmp_keys_from(a, b, g_sort->col);
}

/* foreach ([count =] bucket in @hist_*(s)): every bucket index in order (stap's translator). */
static __attribute__((noinline)) int run_hist_foreach(struct eval *e, struct node *n, enum flow *fl)
{
	int64_t limit = INT64_MAX;
	if (n->u.foreach.limit) {
		struct value lv;
		if (ex(e, n->u.foreach.limit, &lv) < 0)
			return aborted(e, fl);
		limit = lv.num;
	}
	struct stat_value *sv = malloc(sizeof(*sv));
	if (!sv)
		return fail_plain(e, "out of memory");
	const struct sym *s;
	int rc = stat_fetch(e, n->u.foreach.arr, sv, &s);
	if (rc == 0)
		rc = fail_at(e, n->u.foreach.arr, "empty aggregate");	/* as stap's translator */
	if (rc < 0) {
		free(sv);
		return aborted(e, fl);
	}
	rc = 0;
	*fl = FL_NORMAL;
	for (uint32_t b = 0; b < s->stat.nbuckets && b < STAT_MAX_BUCKETS && (int64_t)b < limit; b++) {
		charge(e);
		if ((rc = check_actions(e, n)) < 0)
			break;
		struct lval lv;
		struct value v;
		value_long(&v, b);
		if ((rc = lval_of(e, n->u.foreach.vars.v[0], &lv)) < 0 || (rc = lval_set(e, &lv, &v)) < 0)
			break;
		if (n->u.foreach.value) {
			value_long(&v, sv->hist[b]);
			if ((rc = lval_of(e, n->u.foreach.value, &lv)) < 0 || (rc = lval_set(e, &lv, &v)) < 0)
				break;
		}
		if ((rc = st_run(e, n->u.foreach.body, fl)) < 0 || loop_exit(fl))
			break;
	}
	free(sv);
	return rc;
}

static __attribute__((noinline)) int run_foreach(struct eval *e, struct node *n, enum flow *fl)
{
	if (n->u.foreach.arr->kind == N_STATOP)
		return run_hist_foreach(e, n, fl);
	struct sym *arr = sym_of(e, n->u.foreach.arr);
	if (!arr)
		return -1;
	int64_t limit = INT64_MAX;
	if (n->u.foreach.limit) {
		struct value lv;
		if (ex(e, n->u.foreach.limit, &lv) < 0)
			return aborted(e, fl);
		limit = lv.num;
	}
	struct store_entry *ents = NULL;
	size_t cnt = 0;
	int rc = e->ops->snapshot(e->sctx, arr->index, &ents, &cnt);
	if (rc < 0)
		return store_fail(e, n->u.foreach.arr, rc);
	bool stats = arr->type == T_STATS;
	if (n->u.foreach.sort_dir && cnt > 1) {
		int sc = n->u.foreach.sort_col;
		struct sort_ctx ctx = { sc == FOREACH_SORT_VALUE || sc < 0 ? -1 : sc - 1,
					n->u.foreach.sort_dir, stats, n->u.foreach.sort_agg };
		if (ctx.col >= (int)ents[0].nkeys)
			ctx.col = 0;
		const struct sort_ctx *saved = g_sort;
		g_sort = &ctx;
		qsort(ents, cnt, sizeof(*ents), cmp_entries);
		g_sort = saved;
	}
	rc = 0;
	*fl = FL_NORMAL;
	for (size_t i = 0; i < cnt && (int64_t)i < limit; i++) {
		charge(e);
		if ((rc = check_actions(e, n)) < 0)
			break;
		const struct store_entry *en = &ents[i];
		struct lval lv;
		for (uint32_t k = 0; k < n->u.foreach.vars.n && k < en->nkeys; k++) {
			if ((rc = lval_of(e, n->u.foreach.vars.v[k], &lv)) < 0 ||
			    (rc = lval_set(e, &lv, &en->keys[k])) < 0)
				break;
		}
		if (rc < 0)
			break;
		if (n->u.foreach.value) {
			struct value v = en->val;
			if (stats)
				value_long(&v, en->stat.count);
			if ((rc = lval_of(e, n->u.foreach.value, &lv)) < 0 || (rc = lval_set(e, &lv, &v)) < 0)
				break;
		}
		if ((rc = st_run(e, n->u.foreach.body, fl)) < 0 || loop_exit(fl))
			break;
	}
	free(ents);
	return rc;
}

static int st_node(struct eval *e, struct node *n, enum flow *fl);

static int st_run(struct eval *e, struct node *n, enum flow *fl)
{
	*fl = FL_NORMAL;
	if (!n)
		return 0;
	if (deep(e))
		return too_deep(e, n);
	e->nest++;
	int rc = st_node(e, n, fl);
	e->nest--;
	return rc;
}

static __attribute__((noinline)) int st_delete(struct eval *e, struct node *n, enum flow *fl)
{
	struct node *t = n->u.del;
	struct node *base = t->kind == N_INDEX ? t->u.index.base : t;
	struct sym *s = base->kind == N_VAR ? sym_of(e, base) : NULL;
	if (!s)
		return e->failed ? -1 : fail_at(e, n, "cannot delete this");
	int rc;
	if (t->kind == N_INDEX && has_wildcard(&t->u.index.keys)) {
		bool found;
		return wildcard_keys(e, base, &t->u.index.keys, true, &found) < 0 ? aborted(e, fl) : 0;
	}
	if (t->kind == N_INDEX) {
		struct value keys[BSTAP_MAXKEYS];
		if (eval_keys(e, &t->u.index.keys, keys) < 0)
			return aborted(e, fl);
		rc = e->ops->del(e->sctx, s->index, keys, t->u.index.keys.n);
	} else if (!is_global(s)) {
		struct value *slot = local_slot(e, s);
		if (!slot)
			return fail_at(e, t, "unknown local variable");
		set_default(slot, s->type);
		return 0;
	} else if (s->nkeys || s->is_array) {
		rc = e->ops->clear(e->sctx, s->index);
	} else {
		rc = e->ops->del(e->sctx, s->index, NULL, 0);
	}
	return rc < 0 ? store_fail(e, t, rc) : 0;
}

static int st_node(struct eval *e, struct node *n, enum flow *fl)
{
	struct value v;
	if (n->kind == N_BLOCK) {
		for (uint32_t i = 0; i < n->u.block.n; i++) {
			if (st_run(e, n->u.block.v[i], fl) < 0)
				return -1;
			if (*fl != FL_NORMAL)
				return 0;
		}
		return 0;
	}
	charge(e);
	switch (n->kind) {
	case N_EMPTY:
		return 0;
	case N_EXPR:
		return ex(e, n->u.expr, &v) < 0 ? aborted(e, fl) : 0;
	case N_IF:
		if (ex(e, n->u.ifs.cond, &v) < 0)
			return aborted(e, fl);
		if (v.num)
			return st_run(e, n->u.ifs.then, fl);
		return n->u.ifs.els ? st_run(e, n->u.ifs.els, fl) : 0;
	case N_WHILE:
	case N_FOR:
		if (n->u.loop.init && ex(e, n->u.loop.init, &v) < 0)
			return aborted(e, fl);
		for (bool first = true;; first = false) {
			/* The first test is paid for by the statement itself. */
			if (!first) {
				charge(e);
				if (check_actions(e, n) < 0)
					return -1;
			}
			if (n->u.loop.cond) {
				if (ex(e, n->u.loop.cond, &v) < 0)
					return aborted(e, fl);
				if (!v.num)
					return 0;
			}
			if (st_run(e, n->u.loop.body, fl) < 0)
				return -1;
			if (loop_exit(fl))
				return 0;
			if (n->u.loop.step && ex(e, n->u.loop.step, &v) < 0)
				return aborted(e, fl);
		}
	case N_FOREACH:
		return run_foreach(e, n, fl);
	case N_TRY:
		if (st_run(e, n->u.ifs.then, fl) == 0)
			return 0;
		if (!e->failed || e->uncatchable)
			return -1;
		/* caught: the error is gone, its message goes to the catch variable */
		e->failed = false;
		if (n->u.ifs.cond) {
			struct value *slot = local_slot(e, sym_of(e, n->u.ifs.cond));
			if (!slot)
				return fail_at(e, n->u.ifs.cond, "unknown local variable");
			value_str(slot, e->errmsg);
		}
		return st_run(e, n->u.ifs.els, fl);
	case N_BREAK:
		*fl = FL_BREAK;
		return 0;
	case N_CONTINUE:
		*fl = FL_CONTINUE;
		return 0;
	case N_NEXT:
		*fl = FL_NEXT;
		return 0;
	case N_RETURN:
		if (n->u.ret) {
			if (ex(e, n->u.ret, &v) < 0)
				return aborted(e, fl);
			e->retval = v;
		}
		*fl = FL_RETURN;
		return 0;
	case N_DELETE:
		return st_delete(e, n, fl);
	default:
		return fail_at(e, n, "not a statement");
	}
}

/* ---- the public face ---- */

struct eval *eval_new(const struct program *p, const struct store_ops *ops, void *store_ctx,
		      eval_out_fn out, void *octx)
{
	struct eval *e = calloc(1, sizeof(*e));
	if (!e)
		return NULL;
	e->prog = p;
	e->maxstr = program_maxstr(p);
	evalf_set_maxstr((int)e->maxstr);
	e->ops = ops;
	e->sctx = store_ctx;
	e->out = out;
	e->octx = octx;
	e->stack_budget = EVAL_STACK_BUDGET;
	struct rlimit rl;
	if (!getrlimit(RLIMIT_STACK, &rl) && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur / 2 < e->stack_budget)
		e->stack_budget = rl.rlim_cur / 2;
	/* execname() in begin/end is this process, as stap shows its own runtime's name. */
	FILE *f = fopen("/proc/self/comm", "re");
	if (f) {
		if (fgets(e->comm, sizeof(e->comm), f))
			e->comm[strcspn(e->comm, "\n")] = '\0';
		fclose(f);
	}
	return e;
}

void eval_free(struct eval *e)
{
	if (!e)
		return;
	strbuf_free(&e->obuf);
	free(e);
}

void eval_set_target(struct eval *e, int64_t pid)
{
	e->target = pid;
}

int eval_init_globals(struct eval *e)
{
	e->stack_base = (uintptr_t)__builtin_frame_address(0);
	e->nest = 0;
	e->failed = false;
	e->err[0] = '\0';
	for (uint32_t i = 0; i < e->prog->globals.n; i++) {
		struct sym *s = e->prog->globals.v[i];
		if (!s->init)
			continue;
		struct value v;
		if (ex(e, s->init, &v) < 0)
			return -1;
		int rc = e->ops->set(e->sctx, s->index, NULL, 0, &v);
		if (rc < 0)
			return store_fail(e, s->init, rc);
	}
	return 0;
}

int eval_run_probe(struct eval *e, const struct eprobe *ep)
{
	struct frame f;
	frame_init(&f, ep->locals.v, ep->locals.n);
	e->ep = ep;
	e->fr = &f;
	e->depth = 0;
	e->nest = 0;
	e->stack_base = (uintptr_t)__builtin_frame_address(0);
	e->actions = 0;
	e->failed = false;
	e->uncatchable = false;
	e->interrupted = false;
	e->next_pending = false;
	e->err[0] = '\0';
	enum flow fl = FL_NORMAL;
	int rc = st_run(e, ep->body, &fl);
	if (rc < 0 && e->next_pending && !e->failed)
		rc = 0;
	flush(e);
	free(f.vals);
	e->fr = NULL;
	e->ep = NULL;
	return rc < 0 ? -1 : 0;
}

const char *eval_error_message(const struct eval *e)
{
	return e->failed ? e->err : "";
}

bool eval_exit_requested(const struct eval *e)
{
	return e->exit_requested;
}

void eval_set_interrupt(struct eval *e, const volatile sig_atomic_t *flag)
{
	e->interrupt = flag;
}

bool eval_interrupted(const struct eval *e)
{
	return e->interrupted;
}
