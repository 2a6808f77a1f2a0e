/* Pass 5, user side: begin, attach, consume output until exit/signal/-T/error, detach, end, exit print. */
#include "session.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runtime/gvar.h"
#include "prog/builtins.h"
#include "loader/load.h"
#include "runtime/command.h"
#include "runtime/eval.h"
#include "runtime/sysfuncs.h"
#include "runtime/usyms.h"
#include "prog/format.h"
#include "runtime/store_bpf.h"

static volatile sig_atomic_t stop_signal;	/* the first SIGINT, SIGTERM or SIGHUP */
/*
 * A second one: begin, end and error probes stop where MAXACTION is checked, keep what they
 * printed, and the session exits. Only a second: a first signal that arrives once the session
 * has stopped anyway (a Ctrl-C that also ended the -c command, say) interrupts nothing.
 */
static volatile sig_atomic_t interrupt_signal;

static void on_signal(int sig)
{
	if (stop_signal)
		interrupt_signal = sig;
	else
		stop_signal = sig;
}

/* The signals the session handles; SIGPIPE is ignored (a write then fails with EPIPE). */
static const int handled_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
#define NHANDLED (sizeof(handled_sigs) / sizeof(handled_sigs[0]))

struct sess {
	const struct program *prog;
	const struct meta *meta;
	const struct sess_opts *opts;
	FILE *out;
	struct ldr *ldr;
	struct ring_buffer *rb;
	struct store_bpf *sbpf;
	struct store_mem *smem;
	const struct store_ops *ops;
	void *sctx;
	struct eval *ev;
	struct fmt **fmts;	/* parsed meta->fmts */
	struct strbuf line;
	struct strbuf marks;	/* output with symname()/symdata() placeholders replaced */
	struct command cmd;	/* -c */
	bool exit_seen;		/* exit() in a kernel probe */
	bool errored;		/* a runtime error anywhere */
	int out_errno;		/* the first failed write, flush or close of the output (0: none) */
	bool out_closed;	/* its reader went away (EPIPE): stop as on SIGTERM, as stap does */
	bool interrupted;	/* probes were stopped by interrupt_signal (said once) */
	struct sigaction old_sa[NHANDLED];	/* the dispositions bstap was started with */
	bool sa_set[NHANDLED];	/* changed by the session, to restore at its end */
	sigset_t child_dfl;	/* what the -c command sets back to SIG_DFL */
	int64_t target;		/* target(): -x PID, or the -c command's pid */
};

/*
 * Every write, flush and close of the output is checked. The first failure ends the session:
 * EPIPE (the reader of a pipe went away) quietly, as SIGTERM would, as staprun does; anything
 * else (ENOSPC, EIO...) as an error, said once. Output after that is dropped.
 */
static void out_failed(struct sess *s, int err)
{
	if (s->out_errno)
		return;
	s->out_errno = err ? err : EIO;
	__fpurge(s->out);	/* what is buffered cannot be written: not again at close or exit */
	if (s->out_errno == EPIPE) {
		s->out_closed = true;
		return;
	}
	fprintf(stderr, "ERROR: cannot write output to %s: %s\n",
		s->opts->out_path ? s->opts->out_path : "standard output", strerror(s->out_errno));
	s->errored = true;
}

static void out_put(struct sess *s, const char *buf, size_t len)
{
	if (s->out_errno || !len)
		return;
	if (sysf_expand_marks(&s->marks, buf, len)) {
		buf = s->marks.buf;
		len = s->marks.len;
	}
	errno = 0;
	if (fwrite(buf, 1, len, s->out) != len)
		out_failed(s, errno);
}

static void out_flush(struct sess *s)
{
	if (s->out_errno || !s->out)
		return;
	errno = 0;
	if (fflush(s->out))
		out_failed(s, errno);
}

/* The output's last flush and close (stdout is flushed, and closed at exit). */
static void out_close(struct sess *s)
{
	if (!s->out)
		return;
	out_flush(s);
	if (s->out != stdout) {
		errno = 0;
		if (fclose(s->out) && !s->out_errno)
			out_failed(s, errno);
		s->out = NULL;
	}
}

static void out_write(void *ctx, const char *buf, size_t len)
{
	struct sess *s = ctx;
	out_put(s, buf, len);
	out_flush(s);
}

static void report_kernel_error(struct sess *s, uint32_t site, const char *msg)
{
	if (site >= s->meta->nerrs) {
		fprintf(stderr, "ERROR: runtime error in a probe (site %u)\n", site);
		return;
	}
	const struct meta_err *e = &s->meta->errs[site];
	switch (e->kind) {
	case ERR_USER:
		fprintf(stderr, "ERROR: %s\n", msg);
		break;
	case ERR_DIV0:
	case ERR_MOD0:
		fprintf(stderr, "ERROR: division by 0 near %s at %s:%u:%u\n", e->near, e->file, e->line,
			e->col);
		break;
	case ERR_ARRAY_FULL:
		fprintf(stderr, "ERROR: Array overflow, check MAXMAPENTRIES near %s at %s:%u:%u\n",
			e->near, e->file, e->line, e->col);
		break;
	case ERR_EMPTY_AGG:
		fprintf(stderr, "ERROR: empty aggregate near %s at %s:%u:%u\n", e->near, e->file,
			e->line, e->col);
		break;
	case ERR_MAXACTION:
		fprintf(stderr, "ERROR: MAXACTION exceeded near %s at %s:%u:%u\n", e->near, e->file,
			e->line, e->col);
		break;
	case ERR_FAULT:
		fprintf(stderr, "ERROR: %s near %s at %s:%u:%u\n", msg, e->near, e->file, e->line,
			e->col);
		break;
	}
}

/* One ring-buffer record: a printf's arguments, exit(), or a runtime error. */
static int on_record(void *ctx, void *data, size_t size)
{
	struct sess *s = ctx;
	if (size < sizeof(struct bstap_rec_hdr))
		return 0;
	const struct bstap_rec_hdr *h = data;
	const unsigned char *p = (const unsigned char *)(h + 1);
	const uint32_t ms = program_maxstr(s->prog);	/* a string argument's bytes */
	switch (h->type) {
	case REC_PRINTF: {
		if (h->id >= s->meta->nfmts || !s->fmts[h->id])
			return 0;
		const struct meta_fmt *f = &s->meta->fmts[h->id];
		struct value args[BUILTIN_MAXVALUES];
		uint32_t n = f->nargs < BUILTIN_MAXVALUES ? f->nargs : BUILTIN_MAXVALUES;
		/* the longs in order, then the strings, each with its NUL (prog/abi.h) */
		size_t off = 0, len = size - sizeof(*h), soff = 0;
		for (uint32_t i = 0; i < f->nargs; i++)
			soff += f->args[i] == MT_STRING ? 0 : 8;
		for (uint32_t i = 0; i < n; i++) {
			memset(&args[i], 0, sizeof(args[i]));
			if (f->args[i] == MT_STRING) {
				args[i].type = T_STRING;
				size_t sl = soff < len ? strnlen((const char *)p + soff, len - soff) : 0;
				if (soff < len)
					memcpy(args[i].str, p + soff, sl < ms - 1 ? sl : ms - 1);
				soff += sl + 1;
			} else {
				args[i].type = T_LONG;
				if (off + 8 <= len)
					memcpy(&args[i].num, p + off, 8);
				off += 8;
			}
		}
		strbuf_reset(&s->line);
		fmt_format_parsed(&s->line, s->fmts[h->id], args, (int)n);
		out_put(s, s->line.buf ? s->line.buf : "", s->line.len);
		break;
	}
	case REC_EXIT:
		s->exit_seen = true;
		break;
	case REC_STACK: {
		uint64_t addr[BSTAP_STACK_FRAMES];
		uint32_t n = h->id < BSTAP_STACK_FRAMES ? h->id : BSTAP_STACK_FRAMES;
		if (size < sizeof(*h) + (size_t)n * 8)
			break;
		memcpy(addr, p, (size_t)n * 8);
		strbuf_reset(&s->line);
		sysf_format_stack(&s->line, addr, n);
		out_put(s, s->line.buf ? s->line.buf : "", s->line.len);
		break;
	}
	case REC_USTACK: {
		uint64_t pid = 0, addr[BSTAP_STACK_FRAMES];
		uint32_t n = h->id < BSTAP_STACK_FRAMES ? h->id : BSTAP_STACK_FRAMES;
		if (size < sizeof(*h) + 8 + (size_t)n * 8)
			break;
		memcpy(&pid, p, 8);
		memcpy(addr, p + 8, (size_t)n * 8);
		strbuf_reset(&s->line);
		usyms_format(&s->line, (int)pid, addr, n, 'P');
		out_put(s, s->line.buf ? s->line.buf : "", s->line.len);
		break;
	}
	case REC_SYSTEM: {
		char cmd[BSTAP_MAXSTRINGLEN] = "";
		if (size >= sizeof(*h) + ms)
			memcpy(cmd, p, ms - 1);
		sysf_queue(cmd);	/* run after this batch of records: after the handler */
		break;
	}
	case REC_WARN: {
		char msg[BSTAP_MAXSTRINGLEN] = "";
		if (size >= sizeof(*h) + ms)
			memcpy(msg, p, ms - 1);
		out_flush(s);
		fprintf(stderr, "WARNING: %s\n", msg);
		break;
	}
	case REC_ERROR: {
		char msg[BSTAP_MAXSTRINGLEN];
		memset(msg, 0, sizeof(msg));
		if (size >= sizeof(*h) + ms)
			memcpy(msg, p, ms - 1);
		out_flush(s);
		report_kernel_error(s, h->id, msg);
		s->errored = true;
		break;
	}
	}
	return 0;
}

static const char *signal_name(int sig)
{
	switch (sig) {
	case SIGINT:
		return "SIGINT";
	case SIGTERM:
		return "SIGTERM";
	case SIGHUP:
		return "SIGHUP";
	}
	return "a signal";
}

/* A second signal stopped the kind's probes: say so once; no probe of any kind runs after. */
static void say_interrupted(struct sess *s, enum probe_kind kind)
{
	if (s->interrupted)
		return;
	s->interrupted = true;
	out_flush(s);
	fprintf(stderr, "ERROR: %s probes interrupted by %s; the output they printed is kept\n",
		kind == PK_BEGIN ? "begin" : kind == PK_END ? "end" : "error",
		signal_name(interrupt_signal));
}

/* One userspace handler run; then the commands its system() calls asked for. */
static int run_probe(struct sess *s, const struct eprobe *ep)
{
	int r = eval_run_probe(s->ev, ep);
	out_flush(s);
	sysf_run_queued();
	return r;
}

/* begin/end/error probes in the order stap runs them: by sequence number, then script order. */
static int run_user_probes(struct sess *s, enum probe_kind kind)
{
	const struct program *p = s->prog;
	struct eprobe **v = calloc(p->probes.n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	uint32_t n = 0;
	for (uint32_t i = 0; i < p->probes.n; i++)
		if (p->probes.v[i]->at.kind == kind)
			v[n++] = p->probes.v[i];
	/* insertion sort: stable, and the lists are short */
	for (uint32_t i = 1; i < n; i++) {
		struct eprobe *x = v[i];
		uint32_t j = i;
		for (; j > 0 && v[j - 1]->seq > x->seq; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	int rc = 0;
	for (uint32_t i = 0; i < n; i++) {
		/* after exit() in begin, later begin probes still run? stap: no new probes start */
		if (kind == PK_BEGIN && (eval_exit_requested(s->ev) || s->errored))
			break;
		if (interrupt_signal || s->interrupted) {
			say_interrupted(s, kind);
			rc = -1;
			break;
		}
		if (run_probe(s, v[i]) < 0) {
			if (eval_interrupted(s->ev)) {
				say_interrupted(s, kind);
				rc = -1;
				break;
			}
			out_flush(s);
			fprintf(stderr, "ERROR: %s\n", eval_error_message(s->ev));
			s->errored = true;
			rc = -1;
			if (kind == PK_BEGIN)
				break;
		}
	}
	free(v);
	return rc;
}

static void print_value(struct strbuf *o, const struct value *v)
{
	if (v->type == T_STRING)
		strbuf_printf(o, "\"%s\"", v->str);
	else
		strbuf_printf(o, "%" PRId64, v->num);
}

static void print_stat(struct strbuf *o, const struct stat_value *st)
{
	strbuf_printf(o, " @count=%" PRId64 " @min=%" PRId64 " @max=%" PRId64 " @sum=%" PRId64
		   " @avg=%" PRId64 "\n",
		st->count, st->count ? st->min : 0, st->count ? st->max : 0, st->sum,
		st->count ? st->sum / st->count : 0);
}

static int entry_cmp_desc(const void *a, const void *b)
{
	const struct store_entry *x = a, *y = b;
	if (x->stat.count != y->stat.count)
		return x->stat.count < y->stat.count ? 1 : -1;
	if (x->val.type == T_STRING)
		return -strcmp(x->val.str, y->val.str);
	return x->val.num < y->val.num ? 1 : x->val.num > y->val.num ? -1 : 0;
}

/* stap prints every global the script wrote but never read when the session ends. */
static void autoprint(struct sess *s)
{
	struct strbuf *o = &s->line;
	for (uint32_t gid = 0; gid < s->meta->nglobals && !s->out_errno; gid++) {
		const struct meta_global *g = &s->meta->globals[gid];
		if (!g->autoprint)
			continue;
		if (!g->nkeys) {
			if (g->type == MT_STATS) {
				struct stat_value st;
				memset(&st, 0, sizeof(st));
				s->ops->stat_get(s->sctx, gid, NULL, 0, &st);
				strbuf_reset(o);
				strbuf_puts(o, g->name);
				if (st.count)
					print_stat(o, &st);
				else	/* stap's text for an empty one (PR7053) */
					strbuf_puts(o, " @count=0x0\n");
			} else {
				struct value v = { .type = g->type == MT_STRING ? T_STRING : T_LONG };
				s->ops->get(s->sctx, gid, NULL, 0, &v);
				strbuf_reset(o);
				strbuf_printf(o, "%s=", g->name);
				print_value(o, &v);
				strbuf_putc(o, '\n');
			}
			out_put(s, o->buf, o->len);
			continue;
		}
		struct store_entry *e = NULL;
		size_t n = 0;
		if (s->ops->snapshot(s->sctx, gid, &e, &n) < 0)
			continue;
		if (n)
			qsort(e, n, sizeof(*e), entry_cmp_desc);
		for (size_t i = 0; i < n && !s->out_errno && !interrupt_signal; i++) {
			strbuf_reset(o);
			strbuf_printf(o, "%s[", g->name);
			for (uint32_t k = 0; k < e[i].nkeys; k++) {
				if (k)
					strbuf_putc(o, ',');
				print_value(o, &e[i].keys[k]);
			}
			strbuf_putc(o, ']');
			if (g->type == MT_STATS) {
				print_stat(o, &e[i].stat);
			} else {
				strbuf_putc(o, '=');
				print_value(o, &e[i].val);
				strbuf_putc(o, '\n');
			}
			out_put(s, o->buf, o->len);
		}
		free(e);
	}
	out_flush(s);
}

static int64_t now_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t next_period(const struct meta_user_timer *t)
{
	if (!t->randomize_ns)
		return t->period_ns;
	return t->period_ns - t->randomize_ns + (uint64_t)random() % (2 * t->randomize_ns + 1);
}

static void set_kernel_state(struct sess *s, uint32_t state)
{
	if (!s->ldr)
		return;
	int fd = ldr_map_fd(s->ldr, BSTAP_MAP_STATE);
	uint32_t zero = 0;
	struct bstap_state_val st;
	if (fd >= 0 && !bpf_map_lookup_elem(fd, &zero, &st)) {
		st.state = state;
		bpf_map_update_elem(fd, &zero, &st, BPF_ANY);
	}
}

/*
 * The kernel side's own word on the session, in case the exit or error record itself was
 * lost to a full ring buffer: the state map is always written first.
 */
static void check_kernel_state(struct sess *s)
{
	if (!s->ldr || s->exit_seen || s->errored)
		return;
	int fd = ldr_map_fd(s->ldr, BSTAP_MAP_STATE);
	uint32_t zero = 0;
	struct bstap_state_val st;
	if (fd < 0 || bpf_map_lookup_elem(fd, &zero, &st) || st.state == BSTAP_RUNNING)
		return;
	if (s->rb)
		ring_buffer__consume(s->rb);	/* the record may just have arrived */
	if (s->exit_seen || s->errored)
		return;
	if (st.state == BSTAP_ERRORED) {
		out_flush(s);
		fprintf(stderr, "ERROR: a probe failed, but its message was lost: the ring buffer "
			"was full\n");
		s->errored = true;
	} else {
		s->exit_seen = true;
	}
}

static int open_store(struct sess *s)
{
	if (!s->ldr) {
		s->smem = store_mem_new();
		if (!s->smem)
			return -ENOMEM;
		for (uint32_t i = 0; i < s->prog->globals.n; i++) {
			const struct sym *g = s->prog->globals.v[i];
			if (g->max_entries || s->prog->maxmapentries)
				store_mem_set_max(s->smem, i, g->max_entries ? g->max_entries
									 : s->prog->maxmapentries);
			store_mem_set_stat(s->smem, i, &g->stat, g->wrap);
		}
		s->ops = &store_mem_ops;
		s->sctx = s->smem;
		return 0;
	}
	int *fds = calloc(s->meta->nglobals + 1, sizeof(int));
	if (!fds)
		return -ENOMEM;
	for (uint32_t i = 0; i < s->meta->nglobals; i++) {
		fds[i] = ldr_map_fd(s->ldr, s->meta->globals[i].map);
		if (fds[i] < 0) {
			fprintf(stderr, "bstap: error: map %s missing from the object\n",
				s->meta->globals[i].map);
			free(fds);
			return -ENOENT;
		}
	}
	char why[256];
	if (store_bpf_check(s->meta, fds, why, sizeof(why))) {
		fprintf(stderr, "bstap: error: damaged object: %s\n", why);
		free(fds);
		return -EPROTO;
	}
	s->sbpf = store_bpf_new(s->meta, fds);
	free(fds);
	if (!s->sbpf)
		return -ENOMEM;
	s->ops = &store_bpf_ops;
	s->sctx = s->sbpf;
	return 0;
}

static void report_lost(struct sess *s)
{
	if (!s->ldr)
		return;
	int fd = ldr_map_fd(s->ldr, BSTAP_MAP_LOST);
	uint32_t zero = 0;
	uint64_t lost = 0;
	if (fd >= 0 && !bpf_map_lookup_elem(fd, &zero, &lost) && lost)
		fprintf(stderr, "WARNING: %" PRIu64 " output record%s lost: the ring buffer was full\n",
			lost, lost == 1 ? "" : "s");
}

/* -G NAME=VALUE, after the script's own initialisers and before begin runs. */
static int set_gvars(struct sess *s)
{
	for (int i = 0; i < s->opts->ngvars; i++) {
		const char *arg = s->opts->gvars[i];
		const char *eq = gvar_eq(arg);
		if (!eq) {
			fprintf(stderr, "bstap: error: -G %s: expected NAME=VALUE\n", arg);
			return -1;
		}
		int n = (int)(eq - arg);
		const struct meta_global *g = NULL;
		uint32_t gid = 0;
		for (; gid < s->meta->nglobals; gid++)
			if ((int)strlen(s->meta->globals[gid].name) == n &&
			    !strncmp(s->meta->globals[gid].name, arg, (size_t)n)) {
				g = &s->meta->globals[gid];
				break;
			}
		if (!g && !s->opts->gvars_checked) {
			fprintf(stderr, "bstap: error: -G %.*s: the object has no global '%.*s' (not "
				"declared, or never used by its probes)\n", n, arg, n, arg);
			return -1;
		}
		if (!g)
			continue;	/* declared but unused: dropped at compile time, nothing to set */
		if (g->nkeys || g->type == MT_STATS) {
			fprintf(stderr, "bstap: error: -G %.*s: '%s' is %s; -G sets only a number or a "
				"string\n", n, arg, g->name, g->nkeys ? "an array" : "a statistic");
			return -1;
		}
		struct value v;
		memset(&v, 0, sizeof(v));
		if (g->type == MT_STRING) {
			v.type = T_STRING;
			size_t len = strlen(eq + 1);
			if (len >= program_maxstr(s->prog)) {
				len = program_maxstr(s->prog) - 1;
				if (!s->opts->no_warnings)
					fprintf(stderr, "bstap: warning: -G %.*s: value cut to %zu "
						"bytes\n", n, arg, len);
			}
			memcpy(v.str, eq + 1, len);
		} else {
			v.type = T_LONG;
			if (!gvar_long(eq + 1, &v.num)) {
				fprintf(stderr, "bstap: error: -G %.*s: '%s' is a number in the script, and "
					"'%s' is not a number\n", n, arg, g->name, eq + 1);
				return -1;
			}
		}
		if (s->ops->set(s->sctx, gid, NULL, 0, &v) < 0) {
			fprintf(stderr, "bstap: error: -G %.*s: cannot set '%s'\n", n, arg, g->name);
			return -1;
		}
	}
	return 0;
}

/* Phase 1: the output file, signal handlers, the -c command (held back) and the formats. */
static int sess_setup(struct sess *s)
{
	const struct sess_opts *o = s->opts;
	if (o->out_path) {
		s->out = fopen(o->out_path, "we");	/* not for the -c command */
		if (!s->out) {
			s->out = stdout;
			fprintf(stderr, "bstap: error: cannot open output file %s: %s\n", o->out_path,
				strerror(errno));
			return -1;
		}
	}
	/*
	 * A signal bstap was started with ignored stays ignored (nohup's SIGHUP, the SIGINT of
	 * a background job), for the -c command too; SIGPIPE is ignored so that a write to a
	 * reader gone fails with EPIPE, which ends the session as stap does.
	 */
	sigemptyset(&s->child_dfl);
	for (size_t i = 0; i < NHANDLED; i++) {
		int sig = handled_sigs[i];
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = sig == SIGPIPE ? SIG_IGN : on_signal;
		sigemptyset(&sa.sa_mask);
		if (sigaction(sig, NULL, &s->old_sa[i]) || s->old_sa[i].sa_handler == SIG_IGN)
			continue;
		if (!sigaction(sig, &sa, NULL)) {
			s->sa_set[i] = true;
			sigaddset(&s->child_dfl, sig);
		}
	}

	s->target = o->target_pid;
	if (o->target_cmd) {
		if (command_spawn(&s->cmd, o->target_cmd, &s->child_dfl))
			return -1;
		s->target = s->cmd.pid;
	}
	s->fmts = calloc(s->meta->nfmts + 1, sizeof(*s->fmts));
	if (!s->fmts)
		return -1;
	for (uint32_t i = 0; i < s->meta->nfmts; i++) {
		char err[256];
		s->fmts[i] = fmt_parse(s->meta->fmts[i].fmt, err, sizeof(err));
	}
	return 0;
}

/* Phase 2: load the object (when there is one), open the globals' store and the evaluator. */
static int sess_load(struct sess *s, const char *obj_path)
{
	const struct sess_opts *o = s->opts;
	if (obj_path) {
		int64_t off = now_ns(CLOCK_REALTIME) - now_ns(CLOCK_MONOTONIC);
		struct ldr_params prm = { .realtime_off_ns = off, .target = (uint32_t)s->target,
					  .ringbuf_mb = o->bufsize_mb, .verbose = o->verbose };
		if (ldr_open(obj_path, s->meta, &prm, &s->ldr))
			return -1;
		s->rb = ring_buffer__new(ldr_map_fd(s->ldr, BSTAP_MAP_RINGBUF), on_record, s, NULL);
		sysf_set_stack_map(ldr_map_fd(s->ldr, BSTAP_MAP_STACKS));
		sysf_set_ustack_map(ldr_map_fd(s->ldr, BSTAP_MAP_USTACKS));
		if (!s->rb) {
			fprintf(stderr, "bstap: error: cannot open the output ring buffer: %s\n",
				strerror(errno));
			return -1;
		}
	}
	if (open_store(s))
		return -1;
	s->ev = eval_new(s->prog, s->ops, s->sctx, out_write, s);
	if (!s->ev)
		return -1;
	eval_set_target(s->ev, s->target);
	eval_set_interrupt(s->ev, &interrupt_signal);
	if (eval_init_globals(s->ev) < 0) {
		fprintf(stderr, "ERROR: %s\n", eval_error_message(s->ev));
		return -1;
	}
	return set_gvars(s);
}

/* Phase 3: begin probes, then attach and let the -c command go. false: the session is over. */
static bool sess_start(struct sess *s)
{
	run_user_probes(s, PK_BEGIN);
	if (s->errored || eval_exit_requested(s->ev) || stop_signal || s->out_closed)
		return false;
	if (s->ldr && ldr_attach(s->ldr)) {
		s->errored = true;
		return false;
	}
	command_release(&s->cmd);
	return true;
}

/* Userspace timer probes that are due: kernel output is drained first so the order stays true. */
static void run_due_timers(struct sess *s, int64_t *due, int64_t now)
{
	const struct meta *m = s->meta;
	for (uint32_t i = 0; i < m->nuser_timers && !s->errored; i++) {
		if (now < due[i])
			continue;
		if (s->rb) {
			ring_buffer__consume(s->rb);
			out_flush(s);
			sysf_run_queued();
		}
		const struct eprobe *ep = s->prog->probes.v[m->user_timers[i].probe_id];
		if (run_probe(s, ep) < 0) {
			out_flush(s);
			fprintf(stderr, "ERROR: %s\n", eval_error_message(s->ev));
			s->errored = true;
		}
		due[i] += (int64_t)next_period(&m->user_timers[i]);
		if (due[i] < now)
			due[i] = now + (int64_t)next_period(&m->user_timers[i]);
	}
}

/* Phase 4: until exit(), an error, a signal, -T or the end of the -c command. */
static void sess_loop(struct sess *s)
{
	const struct meta *m = s->meta;
	const struct sess_opts *o = s->opts;
	int64_t start = now_ns(CLOCK_MONOTONIC);
	int64_t deadline = o->timeout_s > 0 ? start + (int64_t)(o->timeout_s * 1e9) : 0;
	int64_t *due = calloc(m->nuser_timers + 1, sizeof(*due));
	if (!due)
		return;
	for (uint32_t i = 0; i < m->nuser_timers; i++)
		due[i] = start + (int64_t)next_period(&m->user_timers[i]);
	for (;;) {
		check_kernel_state(s);
		if (stop_signal || s->exit_seen || s->errored || eval_exit_requested(s->ev) ||
		    s->out_closed)
			break;
		if (o->target_cmd && command_done(&s->cmd))
			break;	/* stap -c: the session ends with the command */
		int64_t now = now_ns(CLOCK_MONOTONIC);
		if (deadline && now >= deadline)
			break;
		run_due_timers(s, due, now);
		if (s->errored || eval_exit_requested(s->ev) || s->out_closed)
			break;
		int64_t wait_ns = 100000000;
		if (deadline && deadline - now < wait_ns)
			wait_ns = deadline - now;
		for (uint32_t i = 0; i < m->nuser_timers; i++)
			if (due[i] - now < wait_ns)
				wait_ns = due[i] - now;
		int wait_ms = wait_ns > 0 ? (int)((wait_ns + 999999) / 1000000) : 0;
		if (s->rb) {
			int r = ring_buffer__poll(s->rb, wait_ms);
			if (r < 0 && r != -EINTR) {
				fprintf(stderr, "bstap: error: reading the ring buffer: %s\n", strerror(-r));
				s->errored = true;
			}
			if (sysf_queued()) {
				/* what the handler wrote after its system() call comes first */
				ring_buffer__consume(s->rb);
			}
			out_flush(s);
			sysf_run_queued();
		} else {
			struct timespec ts = { 0, (long)wait_ms * 1000000 };
			nanosleep(&ts, NULL);
		}
	}
	free(due);
}

/*
 * Phase 5: no kernel handler may start from here on; detach, drain what they wrote, then the
 * error probes (after an error, as stap: nothing of the end) or the end probes and the
 * globals never printed. Returns the exit status.
 */
static int sess_finish(struct sess *s)
{
	command_stop(&s->cmd);
	set_kernel_state(s, s->errored ? BSTAP_ERRORED : BSTAP_STOPPING);
	ldr_detach(s->ldr);
	if (s->rb)
		ring_buffer__consume(s->rb);
	out_flush(s);
	sysf_run_queued();
	/*
	 * stapprobes(3stap): "In the case of an error-triggered shutdown, end probes are not
	 * run". stap prints unread globals from an end probe it adds, so those go too.
	 */
	if (s->errored) {
		run_user_probes(s, PK_ERROR);
	} else {
		run_user_probes(s, PK_END);
		if (!interrupt_signal)
			autoprint(s);
		if (interrupt_signal)
			say_interrupted(s, PK_END);
	}
	out_flush(s);
	sysf_reap(1);	/* system() commands still running */
	out_close(s);
	report_lost(s);
	return s->errored || s->interrupted ? 1 : 0;
}

static void sess_cleanup(struct sess *s)
{
	command_stop(&s->cmd);
	if (s->out && s->out != stdout)
		fclose(s->out);	/* a session that never ran: nothing was written */
	for (size_t i = 0; i < NHANDLED; i++)
		if (s->sa_set[i])
			sigaction(handled_sigs[i], &s->old_sa[i], NULL);
	eval_free(s->ev);
	store_bpf_free(s->sbpf);
	store_mem_free(s->smem);
	ring_buffer__free(s->rb);
	ldr_free(s->ldr);
	for (uint32_t i = 0; s->fmts && i < s->meta->nfmts; i++)
		fmt_free(s->fmts[i]);
	free(s->fmts);
	strbuf_free(&s->line);
	strbuf_free(&s->marks);
	sysf_reap(1);
	sysf_set_live(0);
	sysf_set_stack_map(-1);
	sysf_set_ustack_map(-1);
}

int sess_run(const struct program *p, const struct meta *m, const char *obj_path,
	     const struct sess_opts *o)
{
	struct sess s = { .prog = p, .meta = m, .opts = o, .out = stdout, .cmd = COMMAND_NONE };
	int status = 1;
	int64_t t0 = now_ns(CLOCK_MONOTONIC);
	sysf_set_live(1);
	if (!sess_setup(&s) && !sess_load(&s, obj_path)) {
		if (o->verbose)
			fprintf(stderr, "Pass 5: loaded in %" PRId64 " ms\n",
				(now_ns(CLOCK_MONOTONIC) - t0) / 1000000);
		if (sess_start(&s))
			sess_loop(&s);
		status = sess_finish(&s);
		if (o->verbose)
			fprintf(stderr, "Pass 5: run completed in %" PRId64 " ms.\n",
				(now_ns(CLOCK_MONOTONIC) - t0) / 1000000);
	}
	sess_cleanup(&s);
	return status;
}
