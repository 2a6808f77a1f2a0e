/*
 * system(), raise(), symname() and symdata() in userspace, and what the runtime does for the
 * kernel-probe halves (bpf/gen_sys.c): run the commands of REC_SYSTEM records, and replace
 * the symbol placeholders in the output.
 *
 * system(cmd) as stap: the command runs with /bin/sh -c some time after the handler that asked
 * for it, in the background (bstap does not wait for it, and its exit status is ignored), with
 * bstap's standard output, input and error. What the script printed before the call is written
 * out before the command starts. At the end of the session bstap waits for the commands still
 * running, so that their output is there when bstap returns.
 */
#include "runtime/sysfuncs.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "prog/abi.h"
#include "prog/builtins.h"
#include "runtime/eval_funcs.h"
#include "runtime/usyms.h"

extern char **environ;

static int live;	/* a session runs: system() and raise() act (not in a fuzzer or unit test) */

static struct {
	char **v;
	size_t n, cap;
} queued;

static struct {
	pid_t *v;
	size_t n, cap;
} running;	/* commands started and not reaped */

static int grow_running(void)
{
	size_t cap = running.cap ? 2 * running.cap : 8;
	pid_t *v = realloc(running.v, cap * sizeof(*v));
	if (!v)
		return 0;
	running.v = v;
	running.cap = cap;
	return 1;
}

void sysf_spawn(const char *cmd)
{
	fflush(stdout);
	posix_spawnattr_t at;
	if (posix_spawnattr_init(&at))
		return;
	sigset_t none, dfl;
	sigemptyset(&none);
	sigfillset(&dfl);
	sigdelset(&dfl, SIGKILL);
	sigdelset(&dfl, SIGSTOP);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	pid_t pid;
	int r = posix_spawn(&pid, "/bin/sh", NULL, &at, argv, environ);
	posix_spawnattr_destroy(&at);
	if (r)
		fprintf(stderr, "WARNING: system(): cannot run /bin/sh: %s\n", strerror(r));
	else if (running.n < running.cap || grow_running())
		running.v[running.n++] = pid;
	sysf_reap(0);
}

void sysf_set_live(int on)
{
	live = on;
}

void sysf_queue(const char *cmd)
{
	if (!live)
		return;
	if (queued.n == queued.cap) {
		size_t cap = queued.cap ? 2 * queued.cap : 8;
		char **v = realloc(queued.v, cap * sizeof(*v));
		if (!v)
			return;
		queued.v = v;
		queued.cap = cap;
	}
	char *c = strdup(cmd);
	if (c)
		queued.v[queued.n++] = c;
}

int sysf_queued(void)
{
	return queued.n > 0;
}

void sysf_run_queued(void)
{
	for (size_t i = 0; i < queued.n; i++) {
		sysf_spawn(queued.v[i]);
		free(queued.v[i]);
	}
	queued.n = 0;
	if (!queued.cap) {
		free(queued.v);
		queued.v = NULL;
	}
}

void sysf_reap(int wait)
{
	/* a command that never ran (the session ended first) is dropped */
	for (size_t i = 0; wait && i < queued.n; i++)
		free(queued.v[i]);
	if (wait) {
		free(queued.v);
		queued.v = NULL;
		queued.n = queued.cap = 0;
	}
	/* only our own children, by pid: the -c command is reaped by runtime/command.c */
	size_t k = 0;
	for (size_t i = 0; i < running.n; i++) {
		pid_t r;
		do
			r = waitpid(running.v[i], NULL, wait ? 0 : WNOHANG);
		while (r < 0 && errno == EINTR);
		if (r == 0)
			running.v[k++] = running.v[i];
	}
	running.n = k;
	if (wait) {
		free(running.v);
		running.v = NULL;
		running.cap = 0;
	}
}

/* /proc/kallsyms, sorted by address; sizes run to the next higher address. */
struct ksym {
	uint64_t addr;
	uint32_t name;	/* offsets into names */
	uint32_t mod;	/* 0: the kernel */
};

static int stack_map_fd = -1;	/* BSTAP_MAP_STACKS, when the program has one */
static int ustack_map_fd = -1;	/* BSTAP_MAP_USTACKS, when the program has one */

static void format_stack(struct strbuf *sb, const uint64_t *addr, uint32_t n, int kind);

static struct {
	int loaded;
	struct ksym *v;
	size_t n;
	char *names;
	size_t len, cap;
} ks;

static uint32_t ks_str(const char *s)
{
	size_t n = strlen(s) + 1;
	if (ks.len + n > ks.cap) {
		size_t cap = ks.cap ? 2 * ks.cap : 1 << 20;
		while (cap < ks.len + n)
			cap *= 2;
		char *p = realloc(ks.names, cap);
		if (!p)
			return 0;
		ks.names = p;
		ks.cap = cap;
	}
	memcpy(ks.names + ks.len, s, n);
	uint32_t off = (uint32_t)ks.len;
	ks.len += n;
	return off;
}

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;
	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->name < y->name ? -1 : x->name > y->name;	/* file order */
}

static void ks_load(void)
{
	if (ks.loaded)
		return;
	ks.loaded = 1;
	FILE *f = fopen("/proc/kallsyms", "re");
	if (!f)
		return;
	ks_str("kernel");	/* offset 0 */
	size_t cap = 0;
	char line[512], lastmod[128] = "";
	uint32_t lastmod_off = 0;
	while (fgets(line, sizeof(line), f)) {
		char type, name[256], mod[128] = "";
		uint64_t addr;
		int k = sscanf(line, "%" SCNx64 " %c %255s [%127[^]]]", &addr, &type, name, mod);
		if (k < 3 || !addr || type == 'a' || type == 'A' || type == 'U')
			continue;
		if (ks.n == cap) {
			cap = cap ? 2 * cap : 1 << 16;
			struct ksym *v = realloc(ks.v, cap * sizeof(*v));
			if (!v)
				break;
			ks.v = v;
		}
		uint32_t m = 0;
		if (k == 4 && mod[0]) {
			if (strcmp(mod, lastmod)) {
				snprintf(lastmod, sizeof(lastmod), "%s", mod);
				lastmod_off = ks_str(mod);
			}
			m = lastmod_off;
		}
		ks.v[ks.n++] = (struct ksym){ addr, ks_str(name), m };
	}
	fclose(f);
	if (ks.n)
		qsort(ks.v, ks.n, sizeof(*ks.v), ksym_cmp);
}

/* The symbol holding addr, and its size; NULL when none does (before the first, or past the
 * last symbol of its module or of the kernel). */
static const struct ksym *ks_find(uint64_t addr, uint64_t *size)
{
	ks_load();
	size_t lo = 0, hi = ks.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ks.v[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	size_t i = lo - 1;
	while (i && ks.v[i - 1].addr == ks.v[i].addr)
		i--;	/* the first of the names at that address */
	size_t j = lo;
	if (j >= ks.n || ks.v[j].mod != ks.v[i].mod)
		return NULL;	/* the end of the kernel or module is not known */
	*size = ks.v[j].addr - ks.v[i].addr;
	return &ks.v[i];
}

void sysf_symname(uint64_t addr, char *out, size_t outlen)
{
	uint64_t size;
	const struct ksym *k = ks_find(addr, &size);
	if (k)
		snprintf(out, outlen, "%s", ks.names + k->name);
	else
		snprintf(out, outlen, "0x%" PRIx64, addr);
}

void sysf_symdata(uint64_t addr, char *out, size_t outlen)
{
	uint64_t size;
	const struct ksym *k = ks_find(addr, &size);
	if (k)
		snprintf(out, outlen, "%s+0x%" PRIx64 "/0x%" PRIx64 " [%s]", ks.names + k->name,
			 addr - k->addr, size, ks.names + k->mod);
	else
		snprintf(out, outlen, "0x%" PRIx64, addr);
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A placeholder at p (len bytes left): its address and kind, or 0. */
static int is_mark(const char *p, size_t len, uint64_t *addr)
{
	if (len < BSTAP_KSYM_MARKLEN || p[0] != BSTAP_KSYM_MARK0 || p[1] != BSTAP_KSYM_MARK1 ||
	    !strchr("NDBPQSUVWX", p[2]) || !p[2])
		return 0;
	uint64_t a = 0;
	for (int i = 0; i < 16; i++) {
		int h = hexval(p[3 + i]);
		if (h < 0)
			return 0;
		a = a << 4 | (uint64_t)h;
	}
	*addr = a;
	return p[2];
}

int sysf_expand_marks(struct strbuf *sb, const char *buf, size_t len)
{
	if (!memchr(buf, BSTAP_KSYM_MARK0, len))
		return 0;
	int found = 0;
	size_t done = 0;
	for (size_t i = 0; i < len;) {
		uint64_t addr;
		int kind = is_mark(buf + i, len - i, &addr);
		if (!kind) {
			i++;
			continue;
		}
		if (!found)
			strbuf_reset(sb);
		found = 1;
		strbuf_append(sb, buf + done, i - done);
		char t[512];
		if (kind == 'N') {
			sysf_symname(addr, t, sizeof(t));
			strbuf_puts(sb, t);
		} else if (kind == 'D') {
			sysf_symdata(addr, t, sizeof(t));
			strbuf_puts(sb, t);
		} else if (kind == 'U' || kind == 'V' || kind == 'W' || kind == 'X') {
			struct bstap_ustack st;
			memset(&st, 0, sizeof(st));
			if (ustack_map_fd >= 0 && !bpf_map_lookup_elem(ustack_map_fd, &addr, &st)) {
				uint32_t n = st.n > 0 && st.n <= BSTAP_STACK_FRAMES ? (uint32_t)st.n : 0;
				usyms_format(sb, (int)st.pid, (const uint64_t *)st.addr, n,
					     kind == 'U' ? 'B' : kind == 'V' ? 'P' : kind == 'W' ? 'Q' : 'D');
			}
		} else {
			struct bstap_stack st;
			memset(&st, 0, sizeof(st));
			if (stack_map_fd >= 0 && !bpf_map_lookup_elem(stack_map_fd, &addr, &st)) {
				uint32_t n = st.n > 0 && st.n <= BSTAP_STACK_FRAMES ? (uint32_t)st.n : 0;
				format_stack(sb, (const uint64_t *)st.addr, n, kind);
			}
		}
		i += BSTAP_KSYM_MARKLEN;
		done = i;
	}
	if (found)
		strbuf_append(sb, buf + done, len - done);
	return found;
}

/* The frames of BPF's own machinery above the probed code: the trace starts below them. */
static int bpf_frame(const char *name)
{
	static const char *const pfx[] = { "bpf_prog_", "bpf_trace_run", "__bpf_trace_",
		"__traceiter_", "perf_trace_", "trace_call_bpf", "__bpf_prog_run", "bpf_dispatcher",
		"stack_trace_save", "__bpf_get_stack", "bpf_get_task_stack", "bpf_overflow_handler",
		"__perf_event_overflow", "perf_swevent", "perf_event_", "kprobe_", "kprobe_perf_func",
		"kprobe_dispatcher", "trace_event_raw_event_", "arch_stack_walk", "bpf_trampoline_",
		"___bpf_prog_run", "__bpf_trace_run" };
	for (size_t i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		if (!strncmp(name, pfx[i], strlen(pfx[i])))
			return 1;
	return 0;
}

/* sprint_syms()'s cut of lines, as stap's context-symbols.stp: whole lines while their total
 * is at most MAXSTRINGLEN, then the string's own limit */
static void syms_cut(struct strbuf *sb, const char *lines)
{
	size_t total = 0, start = sb->len;
	for (const char *p = lines; *p;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) + 1 : strlen(p);
		total += l;
		if (total > BSTAP_MAXSTRINGLEN)
			break;
		strbuf_append(sb, p, l);
		p += l;
	}
	if (sb->len - start > BSTAP_MAXSTRINGLEN - 1) {
		sb->len = start + BSTAP_MAXSTRINGLEN - 1;
		sb->buf[sb->len] = 0;
	}
}

/* kind 'P': print_stack's lines; 'Q': sprint_stack's; 'B': backtrace()'s hex addresses;
 * 'S': sprint_syms()'s, print_stack's cut as a string */
static void format_stack(struct strbuf *sb, const uint64_t *addr, uint32_t n, int kind)
{
	if (kind == 'S') {
		struct strbuf lines = { 0 };
		format_stack(&lines, addr, n, 'P');
		syms_cut(sb, strbuf_str(&lines));
		strbuf_free(&lines);
		return;
	}
	uint32_t i = 0;
	char name[512];
	for (uint32_t j = 0; j < n; j++) {
		uint64_t size;
		const struct ksym *k = ks_find(addr[j], &size);
		if (k && bpf_frame(ks.names + k->name))
			i = j + 1;	/* the last machinery frame seen: the trace starts after it */
	}
	/* a BPF program or trampoline that kallsyms does not list (net.core.bpf_jit_kallsyms
	 * off, as on Debian's 6.1) has no symbol at all: leading frames without one are those */
	while (i < n && !ks_find(addr[i], &(uint64_t){ 0 }))
		i++;
	for (uint32_t first = i; i < n; i++) {
		if (kind == 'B') {
			strbuf_printf(sb, "%s0x%" PRIx64, i > first ? " " : "", addr[i]);
			continue;
		}
		uint64_t size;
		const struct ksym *k = ks_find(addr[i], &size);
		if (kind == 'Q' && k)
			strbuf_printf(sb, "%s+0x%" PRIx64 " [%s]\n", ks.names + k->name, addr[i] - k->addr,
				      ks.names + k->mod);
		else if (kind == 'Q')
			strbuf_printf(sb, "0x%" PRIx64 "\n", addr[i]);
		else {
			sysf_symdata(addr[i], name, sizeof(name));
			strbuf_printf(sb, " 0x%016" PRIx64 " : %s\n", addr[i], name);
		}
	}
}

void sysf_format_stack(struct strbuf *sb, const uint64_t *addr, uint32_t n)
{
	format_stack(sb, addr, n, 'P');
}

void sysf_set_stack_map(int fd)
{
	stack_map_fd = fd;
}

void sysf_set_ustack_map(int fd)
{
	ustack_map_fd = fd;
	if (fd < 0)
		usyms_reset();
}

/* print_ustack(s)/sprint_ustack(s) in userspace: a kernel probe's ubacktrace() placeholder
 * becomes one of kind k ('V', 'W'); a list of hex addresses has no process to symbolize it
 * with, so each frame is its address alone. */
static void ustack_of(struct strbuf *sb, const char *s, int k)
{
	uint64_t addr;
	if (is_mark(s, strlen(s), &addr) == 'U') {
		strbuf_append(sb, s, BSTAP_KSYM_MARKLEN);
		sb->buf[sb->len - BSTAP_KSYM_MARKLEN + 2] = (char)k;
		return;
	}
	for (const char *p = s; *p;) {
		char *end;
		while (*p == ' ')
			p++;
		unsigned long long a = strtoull(p, &end, 16);
		if (end == p)
			break;
		p = end;
		strbuf_printf(sb, k == 'W' ? "0x%llx\n" : " 0x%016llx\n", a);
	}
}

/* sprint_stack(s) / sprint_ustack(s): what fmt writes of s as kind k, as a string value */
static void sprint_as(struct value *out, const char *s,
		      void (*fmt)(struct strbuf *, const char *, int), int k)
{
	struct strbuf sb = { 0 };
	fmt(&sb, s, k);
	out->type = T_STRING;
	snprintf(out->str, BSTAP_MAXSTRINGLEN, "%s", sb.buf ? sb.buf : "");
	strbuf_free(&sb);
}

/* sprint_syms(s) of a list of addresses: stap's " TOKEN : symdata(strtol(TOKEN, 16))\n" for
 * each space-separated token, cut as stap cuts it */
static void syms_of(struct strbuf *sb, const char *s)
{
	struct strbuf lines = { 0 };
	char name[512];
	for (const char *p = s; *p;) {
		while (*p == ' ')
			p++;
		size_t tl = strcspn(p, " ");
		if (!tl)
			break;
		char tok[BSTAP_MAXSTRINGLEN];
		snprintf(tok, sizeof(tok), "%.*s", (int)tl, p);
		sysf_symdata((uint64_t)strtoull(tok, NULL, 16), name, sizeof(name));
		strbuf_printf(&lines, " %s : %s\n", tok, name);
		p += tl;
	}
	syms_cut(sb, strbuf_str(&lines));
	strbuf_free(&lines);
}

/* print_stack(s)/sprint_stack(s) in userspace: a kernel probe's backtrace() placeholder (kept
 * in an array, say) becomes one of kind k; a list of hex addresses is formatted here. */
static void stack_of(struct strbuf *sb, const char *s, int k)
{
	uint64_t addr;
	if (is_mark(s, strlen(s), &addr) == 'B') {
		strbuf_append(sb, s, BSTAP_KSYM_MARKLEN);
		sb->buf[sb->len - BSTAP_KSYM_MARKLEN + 2] = (char)k;
		return;
	}
	uint64_t v[BSTAP_STACK_FRAMES];
	uint32_t n = 0;
	const char *p = s;
	while (n < BSTAP_STACK_FRAMES) {
		char *end;
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		errno = 0;
		unsigned long long a = strtoull(p, &end, 16);
		if (end == p)
			break;
		v[n++] = a;
		p = end;
	}
	if (k == 'S') {
		syms_of(sb, s);
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		char name[512];
		uint64_t size;
		const struct ksym *ks_ = ks_find(v[i], &size);
		if (k == 'Q') {
			if (ks_)
				strbuf_printf(sb, "%s+0x%" PRIx64 " [%s]\n", ks.names + ks_->name,
					      v[i] - ks_->addr, ks.names + ks_->mod);
			else
				strbuf_printf(sb, "0x%" PRIx64 "\n", v[i]);
		} else {
			sysf_symdata(v[i], name, sizeof(name));
			strbuf_printf(sb, " 0x%016" PRIx64 " : %s\n", v[i], name);
		}
	}
}

int evalf_sys_call(int b, const struct value *a, int na, struct value *out,
		   struct strbuf *obuf, char *err, size_t errlen)
{
	(void)na;
	out->type = T_LONG;
	out->num = 0;
	out->str[0] = 0;
	switch (b) {
	case B_SYSTEM:
		sysf_queue(a[0].str);
		return EVALF_OK;
	case B_RAISE:
		/* stap's send_sig() on the current thread: here, bstap's own (stap's begin and end
		 * probes run in its runtime process too) */
		if (a[0].num < 0 || a[0].num > 64) {
			snprintf(err, errlen, "raise(): invalid signal number");
			return EVALF_ERROR;
		}
		if (a[0].num && live)
			syscall(SYS_tgkill, getpid(), gettid(), (int)a[0].num);
		return EVALF_OK;
	case B_BACKTRACE:
	case B_SPRINT_BACKTRACE:
	case B_CALLER:
		out->type = T_STRING;	/* "": no kernel stack, bstap's handler is not in the kernel */
		return EVALF_OK;
	case B_CALLER_ADDR:
		out->type = T_LONG;
		out->num = 0;
		return EVALF_OK;
	case B_PRINT_BACKTRACE:
	case B_PRINT_UBACKTRACE:	/* no user stack: bstap's begin/end run in no traced task */
		return EVALF_OK;
	case B_UBACKTRACE:
	case B_UCALLERS:
	case B_SPRINT_UBACKTRACE:
		out->type = T_STRING;
		return EVALF_OK;
	case B_USYMDATA:	/* no traced process here: the address in hex, as stap for an unknown one */
		out->type = T_STRING;
		snprintf(out->str, BSTAP_MAXSTRINGLEN, "0x%" PRIx64, (uint64_t)a[0].num);
		return EVALF_OK;
	case B_PRINT_USTACK:
		ustack_of(obuf, a[0].str, 'V');
		return EVALF_OK;
	case B_SPRINT_USTACK:
		sprint_as(out, a[0].str, ustack_of, 'W');
		return EVALF_OK;
	case B_PRINT_STACK:
	case B_PRINT_SYMS:
		stack_of(obuf, a[0].str, 'P');
		return EVALF_OK;
	case B_SPRINT_STACK:
		sprint_as(out, a[0].str, stack_of, 'Q');
		return EVALF_OK;
	case B_SPRINT_SYMS:
		sprint_as(out, a[0].str, stack_of, 'S');
		return EVALF_OK;
	case B_SYMNAME:
	case B_SYMDATA:
		out->type = T_STRING;
		(b == B_SYMNAME ? sysf_symname : sysf_symdata)((uint64_t)a[0].num, out->str,
							     BSTAP_MAXSTRINGLEN);
		return EVALF_OK;
	}
	return EVALF_UNKNOWN;
}
