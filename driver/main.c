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
#include "lang/parse.h"
#include "prog/abi.h"
#include "runtime/gvar.h"
#include "runtime/session.h"

#include "prog/version.h"

/* The six characters mkstemp() and mkdtemp() replace, spelled so no one mistakes them for a note. */
#define MKTEMP_SUFFIX "XX" "XX" "XX"

static void usage(FILE *o)
{
	fputs("Usage: bstap [OPTIONS] FILE [ARGS...]\n"
	      "       bstap [OPTIONS] -e SCRIPT [ARGS...]\n"
	      "Run a SystemTap-language probe script on eBPF.\n"
	      "\n"
	      "  -e SCRIPT      run SCRIPT given on the command line instead of a file\n"
	      "  -p N           stop after pass N and print its result: 1 parsed script,\n"
	      "                 2 resolved probes (with alias chains), 3 generated BPF C,\n"
	      "                 4 path of the compiled object\n"
	      "  -v             print each pass with its time (repeat for more detail)\n"
	      "  -o FILE        write the script's output to FILE instead of stdout\n"
	      "  -T SECONDS     stop after SECONDS, as if exit() had been called\n"
	      "  -c CMD         start the probes, run CMD (with /bin/sh -c), and stop when it\n"
	      "                 ends; target() is its pid\n"
	      "  -x PID         set target() to PID\n"
	      "  -G NAME=VALUE  start the global NAME with VALUE (a number or a string)\n"
	      "  -s MB          output buffer of MB megabytes (default 1)\n"
	      "  -D NAME=VALUE  set a limit: MAXACTION (statements per probe run, default 1000),\n"
	      "                 MAXMAPENTRIES (entries of a global array, default 2048)\n"
	      "  -m NAME        also write the compiled object to NAME.bpf.o (run it with bstap-run)\n"
	      "  -k             keep the temporary directory (generated C, object) and say where\n"
	      "  -w             suppress warnings\n"
	      "  -g, -u, --runtime=bpf, --bpf\n"
	      "                 accepted for stap's command lines; they change nothing here\n"
	      "  --no-cache     always compile; neither read nor write the compile cache\n"
	      "  --cache-dir DIR\n"
	      "                 keep compiled objects in DIR (default: $XDG_CACHE_HOME/bstap,\n"
	      "                 else /var/cache/bstap as root, else ~/.cache/bstap)\n"
	      "  --kernel-btf FILE\n"
	      "                 compile for the kernel whose BTF is FILE (with -p4)\n"
	      "  -h, --help     show this help and exit\n"
	      "  -V, --version  show the version and exit\n"
	      "\n"
	      "ARGS are available to the script as $1, $2 ... (numbers) and @1, @2 ... (strings).\n"
	      "Exit status: 0 on success; 1 on a script error, a runtime error, error(), or a\n"
	      "failure to compile, load or attach.\n",
	      o);
}

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
	FILE *f = fopen("/proc/self/statm", "r");
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
	FILE *in = fopen(from, "rb");
	int fd = in ? mkstemp(tmp) : -1;
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

struct opts {
	const char *script_text;	/* -e */
	const char *script_path;
	int last_pass;
	int verbose;
	bool keep;
	bool no_cache;			/* --no-cache */
	const char *cache_dir;		/* --cache-dir, NULL: the default */
	const char *kernel_btf;		/* --kernel-btf: compile for another kernel's BTF */
	const char *module;		/* -m NAME: also write the object to NAME.bpf.o */
	uint32_t maxaction, maxmapentries;	/* -D MAXACTION=N, -D MAXMAPENTRIES=N */
	const char *ignored[16];	/* -D names bstap does not know, to warn about */
	int nignored;
	struct sess_opts sess;
	char **args;
	int nargs;
};

enum { OPT_NO_CACHE = 256, OPT_CACHE_DIR, OPT_KERNEL_BTF, OPT_RUNTIME, OPT_BPF };

/*
 * -D NAME=VALUE: stap hands these to the C compiler of its module. bstap honours the limits
 * that mean something here and says which ones it cannot change.
 */
static int set_define(struct opts *o, const char *def)
{
	const char *eq = strchr(def, '=');
	size_t n = eq ? (size_t)(eq - def) : strlen(def);
	char *end;
	unsigned long v = eq ? strtoul(eq + 1, &end, 0) : 0;
	bool num = eq && eq[1] && !*end && v > 0 && v <= 100000000;
	if (n == 9 && !strncmp(def, "MAXACTION", n)) {
		if (!num)
			goto bad_value;
		o->maxaction = (uint32_t)v;
	} else if (n == 13 && !strncmp(def, "MAXMAPENTRIES", n)) {
		if (!num)
			goto bad_value;
		o->maxmapentries = (uint32_t)v;
	} else if (n == 12 && !strncmp(def, "MAXSTRINGLEN", n)) {
		if (!num || v != BSTAP_MAXSTRINGLEN) {
			fprintf(stderr, "bstap: error: -D MAXSTRINGLEN: bstap's strings are %u bytes and "
				"cannot be resized yet\n", BSTAP_MAXSTRINGLEN);
			return -1;
		}
	} else {
		/* said once all options are read, so that -w anywhere silences it */
		if (o->nignored < (int)(sizeof(o->ignored) / sizeof(o->ignored[0])))
			o->ignored[o->nignored++] = def;
	}
	return 0;
bad_value:
	fprintf(stderr, "bstap: error: -D %.*s needs a positive number, as in -D %.*s=1000\n",
		(int)n, def, (int)n, def);
	return -1;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
		{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
		{ "kernel-btf", required_argument, NULL, OPT_KERNEL_BTF },
		{ "runtime", required_argument, NULL, OPT_RUNTIME },
		{ "bpf", no_argument, NULL, OPT_BPF },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	/* '+': options end at the script name, so script arguments may look like options */
	while ((c = getopt_long(argc, argv, "+e:p:vkm:D:hVwgu" SESS_OPT_LETTERS, longopts, NULL)) != -1) {
		char *end;
		int r = sess_opt(&o->sess, c, optarg, "bstap");
		if (r < 0)
			return -1;
		if (r > 0)
			continue;
		switch (c) {
		case 'e':
			o->script_text = optarg;
			break;
		case 'p':
			o->last_pass = (int)strtol(optarg, &end, 10);
			if (*end || o->last_pass < 1 || o->last_pass > 5) {
				fprintf(stderr, "bstap: error: -p takes a pass number from 1 to 5, not '%s'\n",
					optarg);
				return -1;
			}
			break;
		case 'v':
			o->verbose++;
			break;
		case 'm':
			o->module = optarg;
			break;
		case 'D':
			if (set_define(o, optarg))
				return -1;
			break;
		case 'k':
			o->keep = true;
			break;
		case OPT_NO_CACHE:
			o->no_cache = true;
			break;
		case OPT_CACHE_DIR:
			if (!*optarg) {
				fputs("bstap: error: --cache-dir needs a directory\n", stderr);
				return -1;
			}
			o->cache_dir = optarg;
			break;
		case OPT_KERNEL_BTF:
			o->kernel_btf = optarg;
			break;
		case OPT_RUNTIME:
			if (strcmp(optarg, "bpf")) {
				fprintf(stderr, "bstap: error: --runtime=%s: bstap has the bpf runtime only\n",
					optarg);
				return -1;
			}
			break;
		case OPT_BPF:	/* stap's --runtime=bpf: what bstap always does */
			break;
		case 'w':
			o->sess.no_warnings = true;
			break;
		case 'g':	/* stap's guru mode: bstap has no embedded C for it to allow */
		case 'u':	/* stap's unoptimized translation: nothing to turn off */
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("bstap %s (SystemTap language, eBPF backend; claims systemtap_v 4.8)\n",
			       BSTAP_VERSION);
			exit(0);
		default:
			fputs("Try 'bstap --help' for more information.\n", stderr);
			return -1;
		}
	}
	if (!o->script_text) {
		if (optind >= argc) {
			fputs("bstap: error: no script given: name a FILE or use -e SCRIPT\n"
			      "Try 'bstap --help' for more information.\n", stderr);
			return -1;
		}
		o->script_path = argv[optind++];
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	o->sess.verbose = o->verbose;
	o->sess.gvars_checked = true;
	for (int i = 0; i < o->nignored && !o->sess.no_warnings; i++)
		fprintf(stderr, "bstap: warning: -D %.*s has no effect in bstap (it knows MAXACTION "
			"and MAXMAPENTRIES)\n", (int)strcspn(o->ignored[i], "="), o->ignored[i]);
	return sess_opts_check(&o->sess, "bstap");
}

int main(int argc, char **argv)
{
	struct opts o = { .last_pass = 5 };
	if (parse_args(argc, argv, &o))
		return 1;

	struct arena *a = arena_new();
	struct diag *d = diag_new(a, stderr);
	int status = 1;
	char *tmpdir = NULL;
	struct cache *cache = NULL;
	int obj_fd = -1;	/* the compiled object, held open after its directory is gone */
	char *section = NULL;	/* the object's .bstap section (malloc'ed) */
	size_t section_len = 0;
	double t = now_ms();

	struct src_file *src;
	if (o.script_text) {
		src = src_file_new(a, "<input>", o.script_text, strlen(o.script_text));
	} else if (!strcmp(o.script_path, "-")) {
		src = src_file_read(a, "/dev/stdin");
		if (src)
			src->path = "<stdin>";
	} else {
		src = src_file_read(a, o.script_path);
	}
	if (!src) {
		fprintf(stderr, "bstap: error: cannot read script %s: %s\n", o.script_path,
			strerror(errno));
		goto out;
	}

	struct utsname u;
	uname(&u);
	char kv[sizeof(u.release)];
	snprintf(kv, sizeof(kv), "%s", u.release);
	kv[strcspn(kv, "-+")] = 0;
	struct parse_env env = { .kernel_vr = u.release, .kernel_v = kv, .arch = u.machine,
				 .runtime = "bpf", .argv = (const char *const *)o.args,
				 .argc = o.nargs };
	char mem[128];
	struct stp_file *file = parse_file(a, d, src, &env);
	if (diag_error_count(d))
		goto out;
	if (o.verbose)
		fprintf(stderr, "Pass 1: parsed user script%s in %.1f ms.\n",
			mem_usage(mem, sizeof(mem)), now_ms() - t);
	if (o.last_pass == 1) {
		ast_print_file(stdout, file);
		status = 0;
		goto out;
	}

	t = now_ms();
	struct stp_file *files[] = { file };
	/* -G: pass 2 checks the names and lets the values' kinds fix open types */
	struct global_setting *settings = arena_alloc(a, (o.sess.ngvars + 1) * sizeof(*settings));
	for (int i = 0; i < o.sess.ngvars; i++) {
		const char *eq = gvar_eq(o.sess.gvars[i]);
		int64_t num;
		settings[i].name = arena_strndup(a, o.sess.gvars[i], (size_t)(eq - o.sess.gvars[i]));
		settings[i].number = gvar_long(eq + 1, &num);
	}
	struct program *prog = elaborate(a, d, files, 1, settings, o.sess.ngvars);
	if (!prog)
		goto out;
	if (o.verbose)
		fprintf(stderr, "Pass 2: analyzed script: %u probe%s, %u function%s, %u global%s%s "
			"in %.1f ms.\n", prog->probes.n, prog->probes.n == 1 ? "" : "s", prog->funcs.n,
			prog->funcs.n == 1 ? "" : "s", prog->globals.n, prog->globals.n == 1 ? "" : "s",
			mem_usage(mem, sizeof(mem)), now_ms() - t);
	if (o.last_pass == 2) {
		program_print(stdout, prog);
		status = 0;
		goto out;
	}

	t = now_ms();
	prog->maxaction = o.maxaction;
	prog->maxmapentries = o.maxmapentries;
	struct gen_result gr;
	if (gen_bpf_c(a, d, prog, &gr))
		goto out;
	if (o.verbose)
		fprintf(stderr, "Pass 3: translated to BPF C%s in %.1f ms.\n",
			mem_usage(mem, sizeof(mem)), now_ms() - t);
	if (o.last_pass == 3) {
		fputs(gr.c_text, stdout);
		status = 0;
		goto out;
	}

	char *obj = NULL;
	if (!gr.has_kernel_probes && o.last_pass > 4 && o.verbose)
		fprintf(stderr, "Pass 4: nothing to compile: every probe runs in userspace.\n");
	if (gr.has_kernel_probes || o.last_pass == 4) {
		t = now_ms();
		/* the ".bstap" section makes the object self-contained (bstap-run needs no compiler) */
		if (objcodec_encode(prog, gr.meta, &section, &section_len)) {
			fprintf(stderr, "bstap: error: out of memory\n");
			goto out;
		}
		char btf_id[SHA256_HEX_LEN + 1] = "";
		if (o.kernel_btf && check_kernel_btf(o.kernel_btf, btf_id))
			goto out;
		if (!o.kernel_btf) {
			/* the running kernel: its release, build and BTF size name it cheaply */
			struct stat st;
			long long size = stat("/sys/kernel/btf/vmlinux", &st) ? -1 : (long long)st.st_size;
			snprintf(btf_id, sizeof(btf_id), "%.20s %.20s %lld", u.release, u.version, size);
		}
		if (!o.no_cache && !cache_open(&cache, o.cache_dir, o.verbose)) {
			char hex[SHA256_HEX_LEN + 1];
			sha256_hex_of(section, section_len, hex);
			cache_add_key(cache, "bstap version", BSTAP_VERSION);
			cache_add_key(cache, "program section", hex);
			cache_add_key(cache, "kernel btf", btf_id);
		}
		if (cache_lookup(cache, gr.c_text, &obj)) {
			if (o.verbose)
				fprintf(stderr, "Pass 4: cache hit (%s) in %.1f ms.\n",
					cache_entry_path(cache), now_ms() - t);
			if (o.keep)
				fprintf(stderr, "bstap: no temporary files: the object came from the cache "
					"(--no-cache compiles afresh)\n");
			if (o.last_pass == 4)
				obj = (char *)cache_entry_path(cache);
		} else {
			/* created only now, when clang must run; a signal waits until it is gone */
			pass4_guard(true);
			const char *base = getenv("TMPDIR");
			tmpdir = arena_printf(a, "%s/bstap" MKTEMP_SUFFIX, base && *base ? base : "/tmp");
			if (!mkdtemp(tmpdir)) {
				fprintf(stderr, "bstap: error: cannot create a temporary directory: %s\n",
					strerror(errno));
				tmpdir = NULL;
				goto out;
			}
			int err = clang_compile(a, d, tmpdir, "probes", gr.c_text, section, section_len,
						o.verbose > 1, &obj);
			if (pass4_signal || err)
				goto out;
			double ms = now_ms() - t;
			bool cached = cache && !cache_store(cache, gr.c_text, obj);
			if (o.verbose && cached)
				fprintf(stderr, "Pass 4: compiled BPF object in %.1f ms (cached as %s).\n",
					ms, cache_entry_path(cache));
			else if (o.verbose)
				fprintf(stderr, "Pass 4: compiled BPF object in %.1f ms.\n", ms);
			/* Load from the cache entry, or an open fd, so that the temporary directory
			 * can go now: nothing is left behind however pass 5 ends. */
			if (!o.keep && o.last_pass > 4) {
				char *loaded = NULL;
				if (cached && cache_lookup(cache, gr.c_text, &loaded) == 1)
					obj = loaded;
				else if (!access("/proc/self/fd", X_OK) &&
					 (obj_fd = open(obj, O_RDONLY | O_CLOEXEC)) >= 0)
					obj = arena_printf(a, "/proc/self/fd/%d", obj_fd);
				if (loaded || obj_fd >= 0) {
					nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
					tmpdir = NULL;
				}
			}
			if (o.last_pass == 4 && cached)
				obj = (char *)cache_entry_path(cache);
			else if (o.last_pass == 4)
				o.keep = true;	/* the printed path must stay */
			pass4_guard(false);
			if (pass4_signal)
				goto out;
		}
		if (o.module) {
			char *named = copy_object(a, obj, o.module);
			if (!named)
				goto out;
			if (o.last_pass == 4)
				obj = named;
		}
		if (o.last_pass == 4) {
			printf("%s\n", obj);
			status = 0;
			goto out;
		}
	}
	status = sess_run(prog, gr.meta, obj, &o.sess);
out:
	if (tmpdir) {
		if (o.keep)
			fprintf(stderr, "bstap: kept temporary files in %s\n", tmpdir);
		else
			nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	}
	if (obj_fd >= 0)
		close(obj_fd);
	free(section);
	cache_close(cache);
	pass4_guard(false);
	if (pass4_signal) {
		/* die of the signal that interrupted clang, as we would have without the guard */
		arena_free(a);
		signal(pass4_signal, SIG_DFL);
		raise(pass4_signal);
	}
	arena_free(a);
	return status;
}
