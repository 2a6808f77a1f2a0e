/*
 * A .bstap section is untrusted input: every script of the test suite compiles to a section
 * that decodes, and every damaged copy of one is either refused with a reason or decodes to a
 * program the evaluator runs without a memory error (this binary is built with ASan/UBSan).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "bpf/gen.h"
#include "lang/elab.h"
#include "lang/parse.h"
#include "prog/objcodec.h"
#include "runtime/eval.h"
#include "runtime/store.h"
#include "runtime/store_bpf.h"

struct built {
	struct arena *a;
	char *sec;
	size_t len;
};

static int build(const char *path, const char *text, struct built *b)
{
	memset(b, 0, sizeof(*b));
	b->a = arena_new();
	FILE *null = fopen("/dev/null", "w");
	struct diag *d = diag_new(b->a, null);
	struct src_file *src = src_file_new(b->a, path, text, strlen(text));
	struct parse_env env = { .kernel_vr = "6.1.0", .kernel_v = "6.1.0", .arch = "x86_64",
				 .runtime = "bpf" };
	struct stp_file *f = parse_file(b->a, d, src, &env);
	struct stp_file *files[] = { f };
	struct program *p = diag_error_count(d) ? NULL : elaborate(b->a, d, files, 1, NULL, 0, NULL);
	struct gen_result gr;
	memset(&gr, 0, sizeof(gr));
	int err = !p || diag_error_count(d) || gen_bpf_c(b->a, d, p, &gr) ||
		  objcodec_encode(p, gr.meta, &b->sec, &b->len);
	fclose(null);
	if (err) {
		free(b->sec);
		arena_free(b->a);
		memset(b, 0, sizeof(*b));
	}
	return err ? -1 : 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, m);
	fclose(m);
	fclose(f);
	return text;
}

static void discard(void *octx, const char *buf, size_t len)
{
	(void)octx;
	(void)buf;
	(void)len;
}

/* What bstap-run does with a decoded object, minus BPF: globals, then probes (any: the runner
 * picks begin/end/error probes by the attach kind the object gives). */
static void run_user_probes(struct objprog *o)
{
	struct program *p = (struct program *)objprog_program(o);
	if (!p->maxaction || p->maxaction > 5000)
		p->maxaction = 5000;	/* a damaged count must not make the test slow */
	struct store_mem *sm = store_mem_new();
	for (uint32_t i = 0; i < p->globals.n; i++)
		store_mem_set_max(sm, i, 64);
	struct eval *e = eval_new(p, &store_mem_ops, sm, discard, NULL);
	if (eval_init_globals(e) == 0)
		for (uint32_t i = 0; i < p->probes.n && !eval_exit_requested(e); i++)
			eval_run_probe(e, p->probes.v[i]);
	eval_free(e);
	store_mem_free(sm);
}

/*
 * The BPF store's key and value encoding, over no maps (every map call fails with EBADF): it
 * copies the metadata's sizes into fixed buffers before any system call.
 */
static void poke_bpf_store(const struct meta *m)
{
	int *fds = malloc((m->nglobals + 1) * sizeof(int));
	for (uint32_t i = 0; i <= m->nglobals; i++)
		fds[i] = -1;
	struct store_bpf *sb = store_bpf_new(m, fds);
	free(fds);
	if (!sb)
		return;
	struct value keys[BSTAP_MAXKEYS], v;
	memset(keys, 0, sizeof(keys));
	memset(&v, 0, sizeof(v));
	for (int k = 0; k < BSTAP_MAXKEYS; k++) {
		keys[k].type = k & 1 ? T_STRING : T_LONG;
		memset(keys[k].str, 'k', 20);
	}
	for (uint32_t gid = 0; gid <= m->nglobals; gid++) {
		uint32_t nk = gid < m->nglobals ? m->globals[gid].nkeys : 1;
		struct stat_value st;
		struct store_entry *ents = NULL;
		size_t n = 0;
		store_bpf_ops.get(sb, gid, keys, nk, &v);
		store_bpf_ops.set(sb, gid, keys, nk, &v);
		store_bpf_ops.exists(sb, gid, keys, nk);
		store_bpf_ops.stat_add(sb, gid, keys, nk, 1);
		store_bpf_ops.stat_get(sb, gid, keys, nk, &st);
		store_bpf_ops.del(sb, gid, keys, nk);
		store_bpf_ops.clear(sb, gid);
		store_bpf_ops.snapshot(sb, gid, &ents, &n);
		free(ents);
	}
	store_bpf_free(sb);
}

/* Decoded: run it; refused: it says why. Returns 1 when refused. */
static int try_section(const char *sec, size_t len)
{
	struct objprog *o = NULL;
	const char *why = NULL;
	if (objcodec_decode(sec, len, &o, NULL, &why) == 0) {
		run_user_probes(o);
		poke_bpf_store(objprog_meta(o));
		objprog_free(o);
		return 0;
	}
	if (!why || !*why) {
		fprintf(stderr, "  refused without a reason\n");
		th_failed_asserts++;
	}
	return 1;
}

#define MAX_SCRIPTS 400
static struct built scripts[MAX_SCRIPTS];
static size_t nscripts;

static void build_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) && nscripts < MAX_SCRIPTS) {
		size_t n = strlen(de->d_name);
		if (n < 5 || strcmp(de->d_name + n - 4, ".stp"))
			continue;
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		char *text = slurp(path);
		if (text && build(path, text, &scripts[nscripts]) == 0)
			nscripts++;
		free(text);
	}
	closedir(d);
}

static void build_all(void)
{
	if (nscripts)
		return;
	build_dir("examples");
	build_dir("tests/golden/parseok");
	build_dir("tests/golden/semok");
	build_dir("tests/golden/transok");
}

/* OBJSAFE_SEEDS=DIR: write the small sections there, as seeds for tests/fuzz/. */
static void write_seeds(const char *dir)
{
	for (size_t i = 0, k = 0; i < nscripts && k < 24; i++) {
		if (scripts[i].len > 3000)
			continue;
		char path[512];
		snprintf(path, sizeof(path), "%s/seed-%02zu", dir, k++);
		FILE *f = fopen(path, "w");
		if (f) {
			fwrite(scripts[i].sec, 1, scripts[i].len, f);
			fclose(f);
		}
	}
}

/* No false alarm: what pass 4 writes always decodes, and runs. */
TEST(every_compiled_script_decodes)
{
	build_all();
	ASSERT_TRUE(nscripts >= 50);
	if (getenv("OBJSAFE_SEEDS"))
		write_seeds(getenv("OBJSAFE_SEEDS"));
	for (size_t i = 0; i < nscripts; i++) {
		struct objprog *o = NULL;
		const char *why = NULL;
		int r = objcodec_decode(scripts[i].sec, scripts[i].len, &o, NULL, &why);
		if (r)
			fprintf(stderr, "  script %zu refused: %s\n", i, why ? why : "?");
		ASSERT_EQ(r, 0);
		objprog_free(o);
	}
}

/*
 * Every byte of small sections flipped to a few values (0, 0xff, +1, -1, each bit): refused
 * with a reason, or run without a memory error. An empty child (a presence byte turned to 0),
 * an operator of another kind, a symbol scope or key size changed: these crashed before.
 */
TEST(every_byte_flipped_is_refused_or_runs)
{
	build_all();
	size_t done = 0, refused = 0, tried = 0;
	char *copy = NULL;
	for (size_t i = 0; i < nscripts && done < 24; i++) {
		const struct built *b = &scripts[i];
		if (b->len > 6000)
			continue;
		done++;
		copy = realloc(copy, b->len);
		for (size_t off = 12; off < b->len; off++) {
			unsigned char orig = (unsigned char)b->sec[off];
			unsigned char vals[12] = { 0, 0xff, (unsigned char)(orig + 1), (unsigned char)(orig - 1) };
			for (int k = 0; k < 8; k++)
				vals[4 + k] = orig ^ (unsigned char)(1u << k);
			for (int v = 0; v < 12; v++) {
				if (vals[v] == orig)
					continue;
				memcpy(copy, b->sec, b->len);
				copy[off] = (char)vals[v];
				refused += (size_t)try_section(copy, b->len);
				tried++;
			}
		}
	}
	free(copy);
	fprintf(stderr, "  %zu sections, %zu mutants, %zu refused\n", done, tried, refused);
	ASSERT_TRUE(done > 0);
}

/* Truncated anywhere: refused, with a reason. */
TEST(truncated_sections_are_refused)
{
	build_all();
	ASSERT_TRUE(nscripts > 0);
	for (size_t n = 0; n < scripts[0].len; n++) {
		struct objprog *o = NULL;
		const char *why = NULL;
		ASSERT_TRUE(objcodec_decode(scripts[0].sec, n, &o, NULL, &why) != 0);
		ASSERT_TRUE(n < 12 || (why && *why));
	}
}

static struct built deep;
static char deep_out[256];
static void deep_msg(void *octx, const char *buf, size_t len)
{
	(void)octx;
	snprintf(deep_out, sizeof(deep_out), "%.*s", (int)len, buf);
}

/* A valid program can nest deeper than the stack holds (64 calls of 300 levels each): an error. */
TEST(deep_nesting_is_an_error_not_a_crash)
{
	char text[4096];
	int n = snprintf(text, sizeof(text), "function f(n) { if (n <= 0) return 0; return ");
	for (int i = 0; i < 300; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "-(");
	n += snprintf(text + n, sizeof(text) - (size_t)n, "f(n-1)");
	for (int i = 0; i < 300; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, ")");
	snprintf(text + n, sizeof(text) - (size_t)n, " }\nprobe begin { println(f(63)) }\n");
	ASSERT_EQ(build("deep.stp", text, &deep), 0);
	struct objprog *o = NULL;
	ASSERT_EQ(objcodec_decode(deep.sec, deep.len, &o, NULL, NULL), 0);
	const struct program *p = objprog_program(o);
	struct store_mem *sm = store_mem_new();
	struct eval *e = eval_new(p, &store_mem_ops, sm, deep_msg, NULL);
	ASSERT_EQ(eval_run_probe(e, p->probes.v[0]), -1);
	ASSERT_CONTAINS(eval_error_message(e), "nesting too deep");
	eval_free(e);
	store_mem_free(sm);
	objprog_free(o);
}

TH_MAIN(TH_CASE(every_compiled_script_decodes), TH_CASE(every_byte_flipped_is_refused_or_runs),
	TH_CASE(truncated_sections_are_refused), TH_CASE(deep_nesting_is_an_error_not_a_crash))
