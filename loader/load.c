/* Load a bstap object with libbpf, map verifier rejections to script lines, attach probe groups. */
#include "load.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "loader/kind.h"
#include "prog/diag.h"

struct ldr {
	struct bpf_object *obj;
	const struct meta *meta;
	struct bpf_link **links;
	int *fds;		/* what each link needs kept open (a perf event), or -1 */
	uint32_t nlinks, cap;
	int verbose;
};

/* libbpf's messages are kept, and shown only when something fails or with -vv. */
static char *libbpf_log;
static size_t libbpf_log_len;
static FILE *libbpf_log_f;
static int libbpf_verbose;

static int libbpf_print_fn(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	/* our own ".bstap" section is unknown to libbpf by design: not worth a message */
	if (level != LIBBPF_WARN && strstr(fmt, "unrecognized"))
		return 0;
	if (libbpf_verbose >= 2 || (libbpf_verbose && level != LIBBPF_DEBUG))
		return vfprintf(stderr, fmt, ap);
	if (libbpf_log_f && level != LIBBPF_DEBUG)
		return vfprintf(libbpf_log_f, fmt, ap);
	return 0;
}

/*
 * The verifier log quotes the C source of the failing instruction, and every statement
 * bstap generates ends with its script location: find the last one and report it there.
 */
/* "file:line:col": quote that line with a caret, when the script is still where it was. */
static void quote_script_line(const char *loc, size_t n)
{
	char buf[512];
	if (n >= sizeof(buf))
		return;
	memcpy(buf, loc, n);
	buf[n] = 0;
	char *c2 = strrchr(buf, ':');
	if (!c2)
		return;
	*c2 = 0;
	char *c1 = strrchr(buf, ':');
	if (!c1)
		return;
	*c1 = 0;
	long line = strtol(c1 + 1, NULL, 10), col = strtol(c2 + 1, NULL, 10);
	FILE *f = fopen(buf, "re");
	if (!f)
		return;
	char text[1024];
	for (long i = 1; fgets(text, sizeof(text), f); i++) {
		if (i != line)
			continue;
		if (line > 0 && col > 0)
			diag_quote(stderr, text, strcspn(text, "\n"), (uint32_t)line, (uint32_t)col, 1);
		break;
	}
	fclose(f);
}

static void report_load_failure(const char *log, int err)
{
	const char *loc = NULL, *p = log;
	while (p && (p = strstr(p, "/* ")) != NULL) {
		const char *end = strstr(p, " */");
		if (!end)
			break;
		if (memchr(p, ':', (size_t)(end - p)) && (end - p) < 300 &&
		    !memchr(p, '\n', (size_t)(end - p)))
			loc = p;
		p = end;
	}
	/* the last non-empty log line says what the verifier objected to */
	const char *why = NULL;
	size_t why_len = 0;
	for (const char *l = log; l && *l;) {
		const char *nl = strchr(l, '\n');
		size_t n = nl ? (size_t)(nl - l) : strlen(l);
		if (n > 0 && strncmp(l, "processed ", 10) && strncmp(l, "-- END", 6) &&
		    strncmp(l, "libbpf:", 7) && l[0] != ';')
			why = l, why_len = n;
		l = nl ? nl + 1 : NULL;
	}
	if (loc) {
		const char *end = strstr(loc, " */");
		fprintf(stderr, "%.*s: error: the BPF verifier rejected this probe: %.*s\n",
			(int)(end - loc - 3), loc + 3, (int)why_len, why ? why : "");
		quote_script_line(loc + 3, (size_t)(end - loc - 3));
		fprintf(stderr, "bstap: hint: run with -vv to see the whole verifier log\n");
	} else {
		fprintf(stderr, "bstap: error: cannot load the BPF object: %s\n", strerror(-err));
		if (why)
			fprintf(stderr, "bstap: %.*s\n", (int)why_len, why);
		if (strstr(log, "16-bit range") || strstr(log, "jump out of range"))
			fprintf(stderr, "bstap: hint: a probe's program is too large for BPF jumps "
				"(32767 instructions): split its handler into several probes\n");
	}
}

/* Every program, map, perf event and link is a file descriptor: take all the kernel allows. */
static void raise_fd_limit(void)
{
	struct rlimit rl;
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* The kinds' optional checks (LDR_KIND_CHECK). */
static const struct ldr_kind_check *checks[PK__COUNT];

void ldr_kind_check_register(const struct ldr_kind_check *c)
{
	if ((unsigned)c->kind < PK__COUNT)
		checks[c->kind] = c;
}

static const struct ldr_kind_check *kind_check(enum probe_kind kind)
{
	return (unsigned)kind < PK__COUNT ? checks[kind] : NULL;
}

int ldr_open(const char *obj_path, const struct meta *m, const struct ldr_params *prm,
	     struct ldr **out)
{
	int verbose = prm->verbose;
	raise_fd_limit();
	struct ldr *l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->meta = m;
	l->verbose = verbose;
	libbpf_verbose = verbose;
	libbpf_set_print(libbpf_print_fn);

	int err;
	l->obj = bpf_object__open_file(obj_path, NULL);
	if (!l->obj) {
		err = -errno;
		fprintf(stderr, "bstap: error: cannot open %s: %s\n", obj_path, strerror(-err));
		goto fail;
	}
	struct bpf_map *scratch = bpf_object__find_map_by_name(l->obj, BSTAP_MAP_SCRATCH);
	int ncpus = libbpf_num_possible_cpus();
	if (scratch && ncpus > 0)
		bpf_map__set_max_entries(scratch, (uint32_t)ncpus * BSTAP_SCRATCH_NEST);
	/* -s: a ring buffer is a power of two of pages */
	struct bpf_map *rb = bpf_object__find_map_by_name(l->obj, BSTAP_MAP_RINGBUF);
	if (rb && prm->ringbuf_mb) {
		uint32_t bytes = 1u << 20;
		while (bytes < ((uint64_t)prm->ringbuf_mb << 20) && bytes < (1u << 31))
			bytes <<= 1;
		bpf_map__set_max_entries(rb, bytes);
	}
	/* the programs of a kind this kernel lacks are not loaded: their attach says why */
	for (uint32_t i = 0; i < m->ngroups; i++) {
		const struct ldr_kind_check *k = kind_check(m->groups[i].at.kind);
		struct bpf_program *prog = bpf_object__find_program_by_name(l->obj, m->groups[i].prog);
		char why[256];
		if (k && k->supported && prog && !k->supported(&m->groups[i], why, sizeof(why)))
			bpf_program__set_autoload(prog, false);
	}
	libbpf_log_f = open_memstream(&libbpf_log, &libbpf_log_len);
	err = bpf_object__load(l->obj);
	if (libbpf_log_f) {
		fclose(libbpf_log_f);
		libbpf_log_f = NULL;
	}
	if (err) {
		report_load_failure(libbpf_log ? libbpf_log : "", err);
		goto fail;
	}
	free(libbpf_log);
	libbpf_log = NULL;
	int sfd = ldr_map_fd(l, BSTAP_MAP_STATE);
	struct bstap_state_val st = { .state = BSTAP_RUNNING, .target = prm->target,
				      .realtime_off = prm->realtime_off_ns,
				      .ncpus = ncpus > 0 ? (uint32_t)ncpus : 1 };
	uint32_t zero = 0;
	if (sfd < 0 || bpf_map_update_elem(sfd, &zero, &st, BPF_ANY)) {
		err = -errno;
		fprintf(stderr, "bstap: error: cannot initialise the session state map\n");
		goto fail;
	}
	*out = l;
	return 0;
fail:
	free(libbpf_log);
	libbpf_log = NULL;
	ldr_free(l);
	return err;
}

/* The kinds that registered themselves (LDR_KIND in each kind's file). */
static const struct ldr_kind *kinds[PK__COUNT];

void ldr_kind_register(const struct ldr_kind *k)
{
	if ((unsigned)k->kind < PK__COUNT)
		kinds[k->kind] = k;
}

const struct ldr_kind *ldr_kind_find(enum probe_kind kind)
{
	return (unsigned)kind < PK__COUNT ? kinds[kind] : NULL;
}

int ldr_keep_link(struct ldr *l, struct bpf_link *link, char *why, size_t len)
{
	int err = ldr_add_link(l, link, -1);
	if (err) {
		bpf_link__destroy(link);
		snprintf(why, len, "%s", strerror(-err));
	}
	return err;
}

int ldr_add_link(struct ldr *l, struct bpf_link *link, int fd)
{
	if (l->nlinks == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 8;
		struct bpf_link **nl = realloc(l->links, cap * sizeof(*nl));
		if (!nl)
			return -ENOMEM;
		l->links = nl;
		int *nf = realloc(l->fds, cap * sizeof(*nf));
		if (!nf)
			return -ENOMEM;
		l->fds = nf;
		l->cap = cap;
	}
	l->links[l->nlinks] = link;
	l->fds[l->nlinks] = fd;
	l->nlinks++;
	return 0;
}

/* Attach one probe group; on failure says why in 'why' (one line) and returns -errno. */
static int attach_group(struct ldr *l, const struct meta_group *g, char *why, size_t len)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(l->obj, g->prog);
	if (!prog) {
		snprintf(why, len, "program %s is missing from the object", g->prog);
		return -ENOENT;
	}
	const struct ldr_kind *k = ldr_kind_find(g->at.kind);
	if (!k) {
		snprintf(why, len, "this bstap cannot attach probes of kind %u", g->at.kind);
		return -EOPNOTSUPP;
	}
	const struct ldr_kind_check *kc = kind_check(g->at.kind);
	if (kc && kc->supported && !kc->supported(g, why, len))
		return -EOPNOTSUPP;
	return k->attach(l, prog, g, why, len);
}

/*
 * Every probe point that cannot attach gets its own line; those marked '?' are skipped
 * (with a note under -v) and the rest still run.
 */
int ldr_attach(struct ldr *l)
{
	int first_err = 0;
	for (uint32_t i = 0; i < l->meta->ngroups; i++) {
		const struct meta_group *g = &l->meta->groups[i];
		char why[256];
		int err = attach_group(l, g, why, sizeof(why));
		if (!err)
			continue;
		if (g->optional) {
			if (l->verbose)
				fprintf(stderr, "bstap: note: skipping optional probe '%s': %s\n", g->pp, why);
			continue;
		}
		const struct ldr_kind_check *k = kind_check(g->at.kind);
		if (k && k->say_where && g->loc.file)
			fprintf(stderr, "%s:%u:%u: error: cannot attach probe '%s': %s\n",
				g->loc.file->path, g->loc.line, g->loc.col, g->pp, why);
		else
			fprintf(stderr, "bstap: error: cannot attach probe '%s': %s\n", g->pp, why);
		if (!first_err)
			first_err = err;
	}
	return first_err;
}

struct detach_slice {
	struct ldr *l;
	uint32_t first, step;
};

static void *detach_some(void *arg)
{
	const struct detach_slice *s = arg;
	for (uint32_t i = s->first; i < s->l->nlinks; i += s->step) {
		bpf_link__destroy(s->l->links[i]);
		if (s->l->fds[i] >= 0)
			close(s->l->fds[i]);
	}
	return NULL;
}

/*
 * Detaching a tracepoint waits for an RCU grace period (tens of ms), one link after another:
 * two thousand links took a minute. Detached from several threads, the waits overlap.
 */
void ldr_detach(struct ldr *l)
{
	if (!l || !l->nlinks)
		return;
	enum { MAX_THREADS = 64 };
	uint32_t nt = l->nlinks / 16;
	nt = nt < 1 ? 1 : nt > MAX_THREADS ? MAX_THREADS : nt;
	struct detach_slice slices[MAX_THREADS];
	pthread_t th[MAX_THREADS];
	bool started[MAX_THREADS] = { false };
	for (uint32_t t = 0; t < nt; t++) {
		slices[t] = (struct detach_slice){ l, t, nt };
		if (t > 0)
			started[t] = pthread_create(&th[t], NULL, detach_some, &slices[t]) == 0;
	}
	detach_some(&slices[0]);
	for (uint32_t t = 1; t < nt; t++) {
		if (started[t])
			pthread_join(th[t], NULL);
		else
			detach_some(&slices[t]);	/* no thread: this one does its share */
	}
	l->nlinks = 0;
}

void ldr_free(struct ldr *l)
{
	if (!l)
		return;
	ldr_detach(l);
	free(l->links);
	free(l->fds);
	bpf_object__close(l->obj);
	free(l);
}

int ldr_map_fd(const struct ldr *l, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(l->obj, name);
	return m ? bpf_map__fd(m) : -1;
}

struct bpf_object *ldr_object(const struct ldr *l)
{
	return l->obj;
}
