/* The bstap command line: run the passes in order, stop after -p N, then hand over to the session. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bpf/cache.h"
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf/clang.h"
#include "prog/objcodec.h"
#include "bpf/sha256.h"
#include "bpf/gen.h"
#include "lang/elab.h"
#include "lang/tracepoints.h"
#include "lang/uelf.h"
#include "prog/strbuf.h"
#include "lang/parse.h"
#include "lang/tapsets.h"
#include "prog/abi.h"
#include "runtime/gvar.h"
#include "runtime/session.h"

#include "driver/options.h"
#include "prog/version.h"

/* The six characters mkstemp() and mkdtemp() replace, spelled so no one mistakes them for a note. */
#define MKTEMP_SUFFIX "XX" "XX" "XX"


static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* -v: memory in use, as stap reports it ("using 2476virt/1348res/1236shr/288data kb"). */
static const char *mem_usage(char *buf, size_t len)
{
	unsigned long size, res, shr, text, lib, data;
	FILE *f = fopen("/proc/self/statm", "re");
	int n = f ? fscanf(f, "%lu %lu %lu %lu %lu %lu", &size, &res, &shr, &text, &lib, &data) : 0;
	if (f)
		fclose(f);
	if (n != 6)
		return "";
	unsigned long kb = (unsigned long)sysconf(_SC_PAGESIZE) / 1024;
	snprintf(buf, len, " using %luvirt/%lures/%lushr/%ludata kb,", size * kb, res * kb, shr * kb,
		 data * kb);
	return buf;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* A signal that arrives while clang runs ends bstap only after the temporary directory is gone. */
static volatile sig_atomic_t pass4_signal;

static void pass4_on_signal(int sig)
{
	pass4_signal = sig;
}

static void pass4_guard(bool on)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	static struct sigaction old[3];
	static bool active;
	if (on == active)
		return;
	active = on;
	for (int i = 0; i < 3; i++) {
		if (on) {
			struct sigaction sa = { .sa_handler = pass4_on_signal };
			sigemptyset(&sa.sa_mask);
			sigaction(sigs[i], NULL, &old[i]);
			if (old[i].sa_handler != SIG_IGN)	/* keep an ignored signal ignored */
				sigaction(sigs[i], &sa, NULL);
		} else {
			sigaction(sigs[i], &old[i], NULL);
		}
	}
}

/*
 * --kernel-btf: the object is CO-RE, so another kernel's BTF changes no byte of it; but the
 * kernel types the runtime reads must exist there, or the object would fail to load.
 */
static int check_kernel_btf(const char *path, char id[SHA256_HEX_LEN + 1])
{
	libbpf_print_fn_t old = libbpf_set_print(NULL);	/* we say what went wrong ourselves */
	struct btf *btf = btf__parse(path, NULL);
	int err = errno;
	libbpf_set_print(old);
	if (!btf) {
		fprintf(stderr, "bstap: error: --kernel-btf %s: %s\n", path,
			err == ENOENT ? "no such file" : "neither raw BTF nor an ELF file with .BTF");
		return -1;
	}
	int tid = btf__find_by_name_kind(btf, "task_struct", BTF_KIND_STRUCT);
	bool ok = tid > 0;
	if (ok) {
		const struct btf_type *t = btf__type_by_id(btf, (uint32_t)tid);
		const struct btf_member *m = btf_members(t);
		int found = 0;
		for (int i = 0; i < btf_vlen(t); i++) {
			const char *name = btf__name_by_offset(btf, m[i].name_off);
			found += name && (!strcmp(name, "real_parent") || !strcmp(name, "tgid"));
		}
		ok = found == 2;
	}
	uint32_t size = 0;
	const void *raw = btf__raw_data(btf, &size);
	sha256_hex_of(raw, size, id);
	btf__free(btf);
	if (!ok) {
		fprintf(stderr, "bstap: error: --kernel-btf %s has no struct task_struct with "
			"real_parent and tgid: is it a kernel's vmlinux BTF?\n", path);
		return -1;
	}
	return 0;
}

/* -m NAME: the object as NAME.bpf.o, written to a temporary file and renamed into place. */
static char *copy_object(struct arena *a, const char *from, const char *name)
{
	size_t n = strlen(name);
	bool has_ext = n > 6 && !strcmp(name + n - 6, ".bpf.o");
	char *dst = arena_printf(a, "%s%s", name, has_ext ? "" : ".bpf.o");
	char *tmp = arena_printf(a, "%s.tmp" MKTEMP_SUFFIX, dst);
	FILE *in = fopen(from, "rbe");
	int fd = in ? mkostemp(tmp, O_CLOEXEC) : -1;
	FILE *out = fd >= 0 ? fdopen(fd, "wb") : NULL;
	bool ok = in && out;
	char buf[65536];
	size_t got;
	while (ok && (got = fread(buf, 1, sizeof(buf), in)) > 0)
		ok = fwrite(buf, 1, got, out) == got;
	ok = ok && !ferror(in);
	if (out && fclose(out))
		ok = false;
	else if (!out && fd >= 0)
		close(fd);
	if (in)
		fclose(in);
	if (ok && (chmod(tmp, 0644) || rename(tmp, dst)))
		ok = false;
	if (!ok) {
		fprintf(stderr, "bstap: error: cannot write %s: %s\n", dst, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
		return NULL;
	}
	return dst;
}


/* One compile and run: what each pass hands the next, and what must be cleaned up. */
struct driver {
	struct opts o;
	struct arena *a;
	struct diag *d;
	struct utsname u;
	char mem[128];			/* -v memory figure */
	double t;			/* start of the current pass, ms */
	struct stp_file *file;		/* pass 1: the user's script */
	struct tapset_result lib;	/* pass 1: it and the library files it needs */
	struct program *prog;		/* pass 2 */
	struct gen_result gr;		/* pass 3 */
	char *section;			/* pass 4: the object's .bstap section (malloc'ed) */
	size_t section_len;
	struct cache *cache;
	char *tmpdir;			/* clang's working directory, while it exists */
	int obj_fd;			/* the compiled object, held open after its directory is gone */
	char *obj;			/* the object pass 5 loads, or NULL when nothing is compiled */
	const char *release;		/* the target kernel's: -r, else uname -r */
	const char *build_dir;		/* -r DIR: its build tree */
	struct kconfig *kc;		/* its configuration, once something asked for it */
};

/* The target kernel: -r RELEASE, or -r BUILD_DIR (its release from the tree), or this one. */
static void target_kernel(struct driver *r)
{
	const char *rel = r->o.release;
	r->release = r->u.release;
	if (!rel)
		return;
	if (!strchr(rel, '/')) {
		r->release = rel;
		return;
	}
	r->build_dir = rel;
	char path[4096], buf[256];
	snprintf(path, sizeof(path), "%s/include/config/kernel.release", rel);
	FILE *f = fopen(path, "re");
	if (f && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = 0;
		r->release = arena_strdup(r->a, buf);
	}
	if (f)
		fclose(f);
}

/* The configuration, read when a CONFIG_ condition or HZ first needs it. */
static const struct kconfig *driver_kconfig(void *ctx)
{
	struct driver *r = ctx;
	if (r->kc)
		return r->kc;
	bool running = !strcmp(r->release, r->u.release) && !r->build_dir;
	r->kc = kconfig_read(r->a, r->o.kernel_config, r->release, running, r->build_dir);
	if (!r->kc->path && !r->o.sess.no_warnings)
		fprintf(stderr, "bstap: warning: no configuration found for kernel %s (tried %s): "
			"CONFIG_ options read as unset; give one with --kernel-config FILE\n",
			r->release, r->kc->tried);
	if (r->o.verbose)
		fprintf(stderr, "bstap: kernel %s, configuration %s\n", r->release,
			r->kc->path ? r->kc->path : "(none found)");
	return r->kc;
}

/* Each pass returns PASS_NEXT to go on, PASS_DONE when -p stopped after it, PASS_FAILED. */
enum { PASS_NEXT = 0, PASS_DONE = 1, PASS_FAILED = -1 };

/* The alias library directories: -I's, BSTAP_TAPSET_PATH's, then the one installed with bstap. */
static int load_libraries(struct driver *r, const struct parse_env *env)
{
	struct opts *o = &r->o;
	const char *path = getenv("BSTAP_TAPSET_PATH");
	int max = o->nincdirs + 2;
	for (const char *c = path; c && *c; c++)
		max += *c == ':';
	const char **dirs = arena_alloc(r->a, (size_t)max * sizeof(*dirs));
	int n = 0;
	for (int i = 0; i < o->nincdirs; i++)
		dirs[n++] = o->incdirs[i];
	if (path) {
		char *copy = arena_strdup(r->a, path), *save = NULL;
		for (char *t = strtok_r(copy, ":", &save); t; t = strtok_r(NULL, ":", &save))
			dirs[n++] = t;
	}
	const char *def = tapsets_default_dir(r->a, "/proc/self/exe");
	if (def)
		dirs[n++] = def;
	struct tapset_search ts = { dirs, n, r->release, o->verbose };
	return tapsets_load(r->a, r->file, &ts, env, &r->lib);
}

static int pass1_parse(struct driver *r)
{
	struct opts *o = &r->o;
	struct src_file *src;
	if (o->script_text) {
		src = src_file_new(r->a, "<input>", o->script_text, strlen(o->script_text));
	} else if (!strcmp(o->script_path, "-")) {
		src = src_file_read(r->a, "/dev/stdin");
		if (src)
			src->path = "<stdin>";
	} else {
		src = src_file_read(r->a, o->script_path);
	}
	if (!src) {
		fprintf(stderr, "bstap: error: cannot read script %s: %s\n", o->script_path,
			strerror(errno));
		return PASS_FAILED;
	}
	target_kernel(r);
	char *kv = arena_strdup(r->a, r->release);
	kv[strcspn(kv, "-+")] = 0;
	struct parse_env env = { .kernel_vr = r->release, .kernel_v = kv, .arch = r->u.machine,
				 .runtime = "bpf", .argv = (const char *const *)o->args,
				 .argc = o->nargs, .kconfig = driver_kconfig, .kconfig_ctx = r };
	r->file = parse_file(r->a, r->d, src, &env);
	if (diag_error_count(r->d))
		return PASS_FAILED;
	if (load_libraries(r, &env))
		return PASS_FAILED;
	if (o->verbose)
		fprintf(stderr, "Pass 1: parsed user script and %d library script%s%s in %.1f ms.\n",
			r->lib.nfiles - 1, r->lib.nfiles == 2 ? "" : "s",
			mem_usage(r->mem, sizeof(r->mem)), now_ms() - r->t);
	if (o->last_pass == 1) {
		ast_print_file(stdout, r->file);
		return PASS_DONE;
	}
	return PASS_NEXT;
}

static int cmp_line(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static const char *type_name(enum type t)
{
	return t == T_STRING ? "string" : t == T_LONG ? "long" : "unknown";
}

/* -l / -L: each concrete point once, sorted, as stap lists them ("$name:type" after it). */
static void list_points(const struct program *p, bool vars)
{
	char **lines = calloc(p->probes.n + 1, sizeof(*lines));
	uint32_t n = 0;
	for (uint32_t i = 0; lines && i < p->probes.n; i++) {
		const struct eprobe *ep = p->probes.v[i];
		struct strbuf sb = { 0 };
		strbuf_puts(&sb, ep->listed);
		/* an alias's variables: the locals its prologue sets (the handler is empty) */
		for (uint32_t k = 0; vars && ep->listed != ep->pp && k < ep->locals.n; k++)
			strbuf_printf(&sb, " %s:%s", ep->locals.v[k]->name,
				      type_name(ep->locals.v[k]->type));
		for (uint32_t k = 0; vars && ep->tvars && k < ep->tvars->n; k++)
			strbuf_printf(&sb, " $%s:%s", ep->tvars->v[k].name, ep->tvars->v[k].ctype);
		lines[n++] = strdup(strbuf_str(&sb));
		strbuf_free(&sb);
	}
	if (lines)
		qsort(lines, n, sizeof(*lines), cmp_line);
	for (uint32_t i = 0; i < n; i++) {
		if (lines[i] && (!i || !lines[i - 1] || strcmp(lines[i], lines[i - 1])))
			puts(lines[i]);
	}
	for (uint32_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

/* -v: how each tracepoint attaches (-vv: per event, with why). */
static void say_attach_kinds(const struct program *p, int verbose)
{
	uint32_t raw = 0, classic = 0;
	for (uint32_t i = 0; i < p->probes.n; i++) {
		const struct eprobe *ep = p->probes.v[i];
		bool is_raw = ep->at.kind == PK_RAW_TRACEPOINT;
		if (!is_raw && ep->at.kind != PK_TRACEPOINT)
			continue;
		is_raw ? raw++ : classic++;
		if (verbose > 1)
			fprintf(stderr, "  %s: %s\n", ep->pp,
				is_raw ? "raw tracepoint (no handler reads a field)"
				: !ep->tvars || !ep->tvars->raw_ok
					? "classic tracepoint (the event has no raw tracepoint)"
					: "classic tracepoint (a handler reads the event's fields)");
	}
	if (raw + classic)
		fprintf(stderr, "Pass 2: %u probe%s on raw tracepoints, %u on classic tracepoints\n",
			raw, raw == 1 ? "" : "s", classic);
}

static int pass2_elaborate(struct driver *r)
{
	struct opts *o = &r->o;

	/* -G: pass 2 checks the names and lets the values' kinds fix open types */
	struct global_setting *settings = arena_alloc(r->a, (o->sess.ngvars + 1) * sizeof(*settings));
	for (int i = 0; i < o->sess.ngvars; i++) {
		const char *eq = gvar_eq(o->sess.gvars[i]);
		int64_t num;
		settings[i].name = arena_strndup(r->a, o->sess.gvars[i], (size_t)(eq - o->sess.gvars[i]));
		settings[i].number = gvar_long(eq + 1, &num);
	}
	struct family_env env = { o->verbose, o->kernel_btf, driver_kconfig, r,
				  .target_exe = uelf_target_exe(r->a, o->sess.target_cmd,
								o->sess.target_pid),
				  .target_only = o->sess.target_pid && !o->sess.target_cmd,
				  .fentry = o->fentry, .listing = o->list_pattern != NULL,
				  .for_elsewhere = o->last_pass == 3 || o->last_pass == 4 };
	struct program *prog = elaborate(r->a, r->d, r->lib.files, r->lib.nfiles, settings,
					 o->sess.ngvars, &env);
	tp_catalog_release();
	if (!prog)
		return PASS_FAILED;
	r->prog = prog;
	if (o->verbose)
		fprintf(stderr, "Pass 2: analyzed script: %u probe%s, %u function%s, %u global%s%s "
			"in %.1f ms.\n", prog->probes.n, prog->probes.n == 1 ? "" : "s", prog->funcs.n,
			prog->funcs.n == 1 ? "" : "s", prog->globals.n, prog->globals.n == 1 ? "" : "s",
			mem_usage(r->mem, sizeof(r->mem)), now_ms() - r->t);
	if (o->verbose)
		say_attach_kinds(prog, o->verbose);
	if (o->verbose && !r->kc)
		fprintf(stderr, "bstap: kernel %s, configuration not needed\n", r->release);
	if (o->list_pattern) {
		list_points(prog, o->list_vars);
		return PASS_DONE;
	}
	if (o->last_pass == 2) {
		program_print(stdout, prog);
		return PASS_DONE;
	}
	return PASS_NEXT;
}

static int pass3_translate(struct driver *r)
{
	r->prog->maxaction = r->o.maxaction;
	r->prog->maxmapentries = r->o.maxmapentries;
	r->prog->maxstringlen = r->o.maxstringlen;
	if (gen_bpf_c(r->a, r->d, r->prog, &r->gr))
		return PASS_FAILED;
	if (r->o.verbose)
		fprintf(stderr, "Pass 3: translated to BPF C%s in %.1f ms.\n",
			mem_usage(r->mem, sizeof(r->mem)), now_ms() - r->t);
	if (r->o.last_pass == 3) {
		fputs(r->gr.c_text, stdout);
		return PASS_DONE;
	}
	return PASS_NEXT;
}

/* The cache key: bstap's version, the .bstap section, and the kernel BTF compiled against. */
static int pass4_cache_open(struct driver *r)
{
	char btf_id[SHA256_HEX_LEN + 1] = "";
	if (r->o.kernel_btf && check_kernel_btf(r->o.kernel_btf, btf_id))
		return PASS_FAILED;
	if (!r->o.kernel_btf) {
		/* the running kernel: its release, build and BTF size name it cheaply */
		struct stat st;
		long long size = stat("/sys/kernel/btf/vmlinux", &st) ? -1 : (long long)st.st_size;
		snprintf(btf_id, sizeof(btf_id), "%.20s %.20s %lld", r->u.release, r->u.version, size);
	}
	if (!r->o.no_cache && !cache_open(&r->cache, r->o.cache_dir, r->o.verbose)) {
		char hex[SHA256_HEX_LEN + 1];
		sha256_hex_of(r->section, r->section_len, hex);
		cache_add_key(r->cache, "bstap version", BSTAP_VERSION);
		cache_add_key(r->cache, "program section", hex);
		cache_add_key(r->cache, "kernel btf", btf_id);
		if (r->kc && r->kc->path) {
			/* the script read the configuration: another one may compile differently */
			sha256_hex_of(r->kc->text, r->kc->len, hex);
			cache_add_key(r->cache, "kernel config", hex);
		}
	}
	return PASS_NEXT;
}

/* Cache miss: run clang in a temporary directory that a signal cannot leave behind. */
static int pass4_clang(struct driver *r)
{
	struct opts *o = &r->o;
	/* created only now, when clang must run; a signal waits until it is gone */
	pass4_guard(true);
	const char *base = getenv("TMPDIR");
	r->tmpdir = arena_printf(r->a, "%s/bstap" MKTEMP_SUFFIX, base && *base ? base : "/tmp");
	if (!mkdtemp(r->tmpdir)) {
		fprintf(stderr, "bstap: error: cannot create a temporary directory: %s\n",
			strerror(errno));
		r->tmpdir = NULL;
		return PASS_FAILED;
	}
	int err = clang_compile(r->a, r->d, r->tmpdir, "probes", r->gr.c_text, r->section,
				r->section_len, o->verbose > 1, &r->obj);
	if (pass4_signal || err)
		return PASS_FAILED;
	double ms = now_ms() - r->t;
	bool cached = r->cache && !cache_store(r->cache, r->gr.c_text, r->obj);
	if (o->verbose && cached)
		fprintf(stderr, "Pass 4: compiled BPF object in %.1f ms (cached as %s).\n", ms,
			cache_entry_path(r->cache));
	else if (o->verbose)
		fprintf(stderr, "Pass 4: compiled BPF object in %.1f ms.\n", ms);
	/* Load from the cache entry, or an open fd, so that the temporary directory can go now:
	 * nothing is left behind however pass 5 ends. */
	if (!o->keep && o->last_pass > 4) {
		char *loaded = NULL;
		if (cached && cache_lookup(r->cache, r->gr.c_text, &loaded) == 1)
			r->obj = loaded;
		else if (!access("/proc/self/fd", X_OK) &&
			 (r->obj_fd = open(r->obj, O_RDONLY | O_CLOEXEC)) >= 0)
			r->obj = arena_printf(r->a, "/proc/self/fd/%d", r->obj_fd);
		if (loaded || r->obj_fd >= 0) {
			nftw(r->tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
			r->tmpdir = NULL;
		}
	}
	if (o->last_pass == 4 && cached)
		r->obj = (char *)cache_entry_path(r->cache);
	else if (o->last_pass == 4)
		o->keep = true;	/* the printed path must stay */
	pass4_guard(false);
	return pass4_signal ? PASS_FAILED : PASS_NEXT;
}

static int pass4_compile(struct driver *r)
{
	struct opts *o = &r->o;
	if (!r->gr.has_kernel_probes && o->last_pass > 4) {
		if (o->verbose)
			fprintf(stderr, "Pass 4: nothing to compile: every probe runs in userspace.\n");
		return PASS_NEXT;
	}
	/* the ".bstap" section makes the object self-contained (bstap-run needs no compiler) */
	if (objcodec_encode(r->prog, r->gr.meta, &r->section, &r->section_len)) {
		fprintf(stderr, "bstap: error: out of memory\n");
		return PASS_FAILED;
	}
	if (pass4_cache_open(r))
		return PASS_FAILED;
	if (cache_lookup(r->cache, r->gr.c_text, &r->obj)) {
		if (o->verbose)
			fprintf(stderr, "Pass 4: cache hit (%s) in %.1f ms.\n",
				cache_entry_path(r->cache), now_ms() - r->t);
		if (o->keep)
			fprintf(stderr, "bstap: no temporary files: the object came from the cache "
				"(--no-cache compiles afresh)\n");
		if (o->last_pass == 4)
			r->obj = (char *)cache_entry_path(r->cache);
	} else if (pass4_clang(r)) {
		return PASS_FAILED;
	}
	if (o->module) {
		char *named = copy_object(r->a, r->obj, o->module);
		if (!named)
			return PASS_FAILED;
		if (o->last_pass == 4)
			r->obj = named;
	}
	if (o->last_pass == 4) {
		printf("%s\n", r->obj);
		return PASS_DONE;
	}
	return PASS_NEXT;
}

/* Remove what the passes left, and die of a signal that interrupted clang. */
static void driver_cleanup(struct driver *r)
{
	if (r->tmpdir) {
		if (r->o.keep)
			fprintf(stderr, "bstap: kept temporary files in %s\n", r->tmpdir);
		else
			nftw(r->tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	}
	if (r->obj_fd >= 0)
		close(r->obj_fd);
	free(r->section);
	cache_close(r->cache);
	pass4_guard(false);
	arena_free(r->a);
	if (pass4_signal) {
		/* as we would have died without the guard */
		signal(pass4_signal, SIG_DFL);
		raise(pass4_signal);
	}
}

int main(int argc, char **argv)
{
	struct driver r = { .o = { .last_pass = 5 }, .obj_fd = -1 };
	if (parse_args(argc, argv, &r.o))
		return 1;
	r.a = arena_new();
	r.d = diag_new(r.a, stderr);
	diag_set_warnings(r.d, !r.o.sess.no_warnings);
	uname(&r.u);
	int (*const passes[])(struct driver *) = { pass1_parse, pass2_elaborate, pass3_translate,
						   pass4_compile };
	int status = 1, res = PASS_NEXT;
	for (size_t i = 0; i < sizeof(passes) / sizeof(passes[0]) && res == PASS_NEXT; i++) {
		r.t = now_ms();
		res = passes[i](&r);
	}
	if (res == PASS_DONE) {
		/* -p N, -l, -L: their result went to stdout, and must have reached it */
		status = 0;
		errno = 0;
		if (fflush(stdout) || ferror(stdout)) {
			fprintf(stderr, "ERROR: cannot write output to standard output: %s\n",
				strerror(errno ? errno : EIO));
			status = 1;
		}
	} else if (res == PASS_NEXT)	/* pass 5: the session */
		status = sess_run(r.prog, r.gr.meta, r.obj, &r.o.sess);
	driver_cleanup(&r);
	return status;
}
