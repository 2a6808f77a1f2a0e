/* The .bstap section: what pass 4 writes, the runner reads back unchanged; bad bytes never crash it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "bpf/gen.h"
#include "prog/objcodec.h"
#include "lang/elab.h"
#include "lang/parse.h"
#include "prog/objcodec.h"

static const char *const scripts[] = {
	"global count, names[100], s = \"x\", n = -5\n"
	"function f:string (a:string, b) { if (b > 1) return a . \"!\"; return a }\n"
	"function g(x) { return x * 2 }\n"
	"probe tick = timer.ms(100) { name = \"tick\" }\n"
	"probe tick { count++; names[name, count] = f(name, count) }\n"
	"probe begin { foreach ([k, v] in names- limit 3) printf(\"%s %d\\n\", k, v); exit() }\n"
	"probe end { printf(\"%d %s %d\\n\", count, s, g(n)); delete names }\n",
	"global lat\n"
	"probe timer.s(1) { lat[pid()] <<< 5; if (@count(lat[pid()]) > 2) exit() }\n"
	"probe timer.ms(500) { foreach (k in lat) println(k) }\n"
	"probe end { printf(\"%d %d %d\\n\", @min(lat[1]), @max(lat[1]), @avg(lat[1])); x = 1 ? 2 : 3; while (x < 9) { x += 2; if (x == 5) continue; break } }\n",
};

struct built {
	struct arena *a;
	struct program *p;
	struct gen_result gr;
	char *sec;
	size_t len;
};

static int build(const char *text, struct built *b)
{
	memset(b, 0, sizeof(*b));
	b->a = arena_new();
	FILE *null = fopen(getenv("OBJFMT_DIAG") ? "/dev/stderr" : "/dev/null", "w");
	struct diag *d = diag_new(b->a, null);
	struct src_file *src = src_file_new(b->a, "t.stp", text, strlen(text));
	struct parse_env env = { .kernel_vr = "6.1.0", .kernel_v = "6.1.0", .arch = "x86_64",
				 .runtime = "bpf" };
	struct stp_file *f = parse_file(b->a, d, src, &env);
	struct stp_file *files[] = { f };
	b->p = diag_error_count(d) ? NULL : elaborate(b->a, d, files, 1, NULL, 0, NULL);
	int err = !b->p || gen_bpf_c(b->a, d, b->p, &b->gr) ||
		  objcodec_encode(b->p, b->gr.meta, &b->sec, &b->len);
	fclose(null);
	return err ? -1 : 0;
}

static char *print_program(const struct program *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	program_print(f, p);
	fclose(f);
	return text;
}

TEST(roundtrip_program_and_meta)
{
	for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		struct built b;
		ASSERT_EQ(build(scripts[i], &b), 0);
		struct objprog *o = NULL;
		ASSERT_EQ(objcodec_decode(b.sec, b.len, &o, NULL, NULL), 0);
		char *want = print_program(b.p), *got = print_program(objprog_program(o));
		int same = !strcmp(want, got);
		if (!same)
			fprintf(stderr, "want:\n%s\ngot:\n%s\n", want, got);
		free(want);
		free(got);
		ASSERT_TRUE(same);
		const struct meta *m = objprog_meta(o), *w = b.gr.meta;
		ASSERT_EQ(m->nfmts, w->nfmts);
		for (uint32_t k = 0; k < m->nfmts; k++)
			ASSERT_STREQ(m->fmts[k].fmt, w->fmts[k].fmt);
		ASSERT_EQ(m->nglobals, w->nglobals);
		for (uint32_t k = 0; k < m->nglobals; k++) {
			ASSERT_STREQ(m->globals[k].map, w->globals[k].map);
			ASSERT_EQ(m->globals[k].key_size, w->globals[k].key_size);
			ASSERT_EQ(m->globals[k].autoprint, w->globals[k].autoprint);
			ASSERT_EQ(m->globals[k].init_num, w->globals[k].init_num);
		}
		ASSERT_EQ(m->ngroups, w->ngroups);
		ASSERT_EQ(m->nuser_timers, w->nuser_timers);
		ASSERT_EQ(m->nerrs, w->nerrs);
		objprog_free(o);
		free(b.sec);
		arena_free(b.a);
	}
}

/* Every truncation and a few thousand flipped bytes: rejected or decoded, never a crash. */
TEST(damaged_sections_never_crash)
{
	struct built b;
	ASSERT_EQ(build(scripts[0], &b), 0);
	int rejected = 0;
	for (size_t n = 0; n < b.len; n++) {
		struct objprog *o = NULL;
		if (objcodec_decode(b.sec, n, &o, NULL, NULL) == 0)
			objprog_free(o);
		else
			rejected++;
	}
	ASSERT_EQ(rejected, (int)b.len);	/* a truncated section never decodes */
	char *copy = malloc(b.len);
	unsigned seed = 12345;
	for (int i = 0; i < 3000; i++) {
		memcpy(copy, b.sec, b.len);
		for (int k = 0; k < 3; k++) {
			seed = seed * 1103515245u + 12345u;
			copy[(seed >> 8) % b.len] ^= (char)(1u << ((seed >> 4) & 7));
		}
		struct objprog *o = NULL;
		if (objcodec_decode(copy, b.len, &o, NULL, NULL) == 0)
			objprog_free(o);
	}
	free(copy);
	struct objprog *o = NULL;
	ASSERT_TRUE(objcodec_decode("BSTAPOBJ\x02\0\0\0", 12, &o, NULL, NULL) != 0);	/* other version */
	free(b.sec);
	arena_free(b.a);
}

TH_MAIN(TH_CASE(roundtrip_program_and_meta), TH_CASE(damaged_sections_never_crash))
