/* Parser robustness: every truncation and thousands of garbled variants of real scripts must be handled. */
#include "harness.h"
#include "lang/lex.h"
#include "lang/parse.h"

#include <glob.h>
#include <stdint.h>

static const char *const fz_argv[] = { "7", "x" };
static const struct parse_env fz_env = { .kernel_vr = "6.18.44-fc", .kernel_v = "6.18.44", .arch = "x86_64",
					  .runtime = "bpf", .argv = fz_argv, .argc = 2 };

/* Scripts of our own that touch every construct, next to the shared examples. */
static const char *const own[] = {
	"global counts[100], total = 0, name = \"n\", lat, neg = -5\n"
	"function fmt:string (v:long) { return sprintf(\"%d\", v) }\n"
	"function add(a, b) { return a + b }\n"
	"probe syscall.open = kernel.function(\"do_sys_open\") { filename = \"f\" }\n"
	"probe syscall.open += kernel.function(\"do_sys_open\").return? { done = 1 }\n"
	"probe timer.ms(100).randomize(5), begin(-1) if (total > 0) {\n"
	"  counts[execname(), pid()] <<< 1; total++\n"
	"  foreach ([e, p-] in counts limit 3) printf(\"%s %d\\n\", e, @count(counts[e, p]))\n"
	"  foreach (v = [e, p] in counts) { if (v > 2) continue; else if (!v) break; else { next } }\n"
	"  for (i = 0; i < 10; i += 2) { if ([\"a\", i] in counts) delete counts[\"a\", i] }\n"
	"  while (total-- > 100) total >>= 1\n"
	"  x = total ? total * 2 % 3 : -total; y = ~x & 0xff | 1 ^ 2 << 3 >> 1\n"
	"  s = name . fmt(x) . \"\\x41\\101\"; s .= \"!\"; lat <<< x - -1\n"
	"  if (x && y || !s) delete counts; else { ; }\n"
	"  return\n"
	"}\n"
	"probe end { printf(\"%d %d %d\\n\", @sum(lat), @min(lat), @avg(lat)) }\n",

	"#! stap\n"
	"@define max(a, b) %( ((@a) > (@b) ? (@a) : (@b)) %)\n"
	"%( kernel_v >= \"2.6.30\" && arch == \"x86_*\" %?\n"
	"probe syscall.* ?, syscall.open*! { c[probefunc()]++ } /* comment */\n"
	"%: probe never {} %)\n"
	"global c\n"
	"probe timer.s($1) { x = @max($1, 3) . @2; printf(\"%d\\n\", $# + @#) // tail\n"
	"  foreach (k- in c) { printf(\"%s\\n\", k) } delete c\n"
	"  exit()\n"
	"}\n",

	"probe begin {\n"
	"  a = 1 b = 2; c = a ? b : a ? 3 : 4\n"
	"  d = $ptr->field + $$parms\n"
	"  if (a) if (b) c = 1; else c = 2\n"
	"  for (;;) { break }\n"
	"  e = -9223372036854775808 + 017 + 0x7fffffffffffffff\n"
	"}\n",

	"probe begin {\n"
	"  try { x = 1 / 0; error(\"e\" \"f\") } catch(msg) { println(msg) }\n"
	"  try { try { y = 1 } catch { z = 2 } } catch (m) { next }\n"
	"}\n",
};

static struct diag *quiet(struct arena *a, FILE **sink)
{
	*sink = fopen("/dev/null", "w");
	struct diag *d = diag_new(a, *sink);
	diag_set_limit(d, 1000000);
	return d;
}

/*
 * Braces outside strings, comments and the branches %( %? %: %) leaves out (the tokens the parser
 * gets): an unclosed '{' must be an error.
 */
static int unbalanced(struct arena *a, const struct src_file *src)
{
	struct token_list raw = lex_file(a, src);
	struct token_list l = preprocess(a, &raw, &fz_env);
	int depth = 0;
	for (uint32_t i = 0; i < l.n; i++) {
		if (tok_is_op(&l.v[i], "{"))
			depth++;
		else if (tok_is_op(&l.v[i], "}"))
			depth--;
	}
	return depth > 0;
}

static char *print_str(const struct stp_file *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);
	ast_print_file(o, f);
	fclose(o);
	return buf;
}

static int checked, must_fail_missed, roundtrip_bad;

/* Parse one variant. If it was accepted, its -p1 text must re-parse to the same text. */
static void check(const char *text, size_t len)
{
	struct arena *a = arena_new();
	FILE *sink;
	struct diag *d = quiet(a, &sink);
	struct src_file *src = src_file_new(a, "<fuzz>", text, len);
	struct stp_file *f = parse_file(a, d, src, &fz_env);
	int errors = diag_error_count(d);
	checked++;
	if (!errors && unbalanced(a, src)) {
		must_fail_missed++;
		fprintf(stderr, "  accepted with an unclosed '{':\n%.*s\n", (int)len, text);
	}
	if (!errors) {
		char *one = print_str(f);
		struct src_file *src2 = src_file_new(a, "<printed>", one, strlen(one));
		struct stp_file *f2 = parse_file(a, d, src2, &fz_env);
		char *two = print_str(f2);
		if (diag_error_count(d) || strcmp(one, two)) {
			roundtrip_bad++;
			fprintf(stderr, "  round trip failed for:\n%.*s\n--- printed:\n%s\n--- again:\n%s\n",
				(int)len, text, one, two);
		}
		free(one);
		free(two);
	}
	fclose(sink);
	arena_free(a);
}

static char *read_all(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	char *buf = malloc(1 << 16);
	*len = fread(buf, 1, (1 << 16) - 1, fp);
	buf[*len] = 0;
	fclose(fp);
	return buf;
}

/* The corpus: the examples (relative to the repo root, else the shared copy) plus our own. */
static char *corpus[64];
static size_t corpus_len[64], ncorpus;

static void load_corpus(void)
{
	if (ncorpus)
		return;
	glob_t g;
	if (glob("examples/*.stp", 0, NULL, &g) != 0 &&
	    glob("/work/shared/examples/*.stp", 0, NULL, &g) != 0)
		g.gl_pathc = 0;
	for (size_t i = 0; i < g.gl_pathc && ncorpus < 48; i++) {
		corpus[ncorpus] = read_all(g.gl_pathv[i], &corpus_len[ncorpus]);
		if (corpus[ncorpus])
			ncorpus++;
	}
	if (g.gl_pathc)
		globfree(&g);
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++) {
		corpus[ncorpus] = strdup(own[i]);
		corpus_len[ncorpus++] = strlen(own[i]);
	}
}

TEST(corpus_is_valid)
{
	load_corpus();
	ASSERT_TRUE(ncorpus >= 8);
	checked = must_fail_missed = roundtrip_bad = 0;
	for (size_t i = 0; i < ncorpus; i++) {
		struct arena *a = arena_new();
		FILE *sink;
		struct diag *d = quiet(a, &sink);
		struct src_file *src = src_file_new(a, "<c>", corpus[i], corpus_len[i]);
		parse_file(a, d, src, &fz_env);
		int e = diag_error_count(d);
		fclose(sink);
		arena_free(a);
		if (e)
			fprintf(stderr, "  corpus entry %zu does not parse\n", i);
		ASSERT_EQ(e, 0);
	}
}

TEST(every_truncation)
{
	load_corpus();
	checked = must_fail_missed = roundtrip_bad = 0;
	for (size_t i = 0; i < ncorpus; i++)
		for (size_t n = 0; n <= corpus_len[i]; n++)
			check(corpus[i], n);
	ASSERT_TRUE(checked > 1000);
	ASSERT_EQ(must_fail_missed, 0);
	ASSERT_EQ(roundtrip_bad, 0);
}

/* xorshift: fixed seed, so every run checks the same variants */
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

TEST(garbled_variants)
{
	load_corpus();
	checked = must_fail_missed = roundtrip_bad = 0;
	static const char junk[] = "{}()[];,.=+-*/%<>!?:\"'`#$@\\ \n\t0x9aZ_%(%?%:%)";
	char *buf = malloc(1 << 17);
	for (int iter = 0; iter < 3000; iter++) {
		size_t which = next_rand() % ncorpus;
		size_t len = corpus_len[which];
		memcpy(buf, corpus[which], len);
		int edits = 1 + (int)(next_rand() % 4);
		for (int e = 0; e < edits && len > 0; e++) {
			size_t at = next_rand() % len;
			switch (next_rand() % 4) {
			case 0:	/* delete a byte */
				memmove(buf + at, buf + at + 1, len - at - 1);
				len--;
				break;
			case 1:	/* duplicate a byte */
				memmove(buf + at + 1, buf + at, len - at);
				len++;
				break;
			case 2:	/* replace with something syntactic */
				buf[at] = junk[next_rand() % (sizeof(junk) - 1)];
				break;
			default:	/* replace with any byte, NUL included */
				buf[at] = (char)(next_rand() & 0xff);
				break;
			}
		}
		check(buf, len);
	}
	free(buf);
	ASSERT_EQ(checked, 3000);
	ASSERT_EQ(must_fail_missed, 0);
	ASSERT_EQ(roundtrip_bad, 0);
}

TEST(pathological_inputs)
{
	const char *cases[] = {
		"", "probe", "probe begin", "probe begin {", "{", "}", "%(", "%)", "@define",
		"@define m %(", "@define m %( @m %) @m", "probe begin { @x(", "probe begin { $",
		"\"", "/*", "probe a = b = c {}", "global a[", "function f(", "probe *.*.*{}",
		"probe begin { x = 1 ? 2 ? 3 : 4 }", "probe begin { foreach ([a,b] in c limit ) }",
		"probe begin { x = a[1][2] }", "probe begin { x++ ++ }", "private", "private private",
		"probe begin { return return }", "probe begin { %( $# %? %) }",
	};
	checked = must_fail_missed = roundtrip_bad = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check(cases[i], strlen(cases[i]));
	ASSERT_EQ(must_fail_missed, 0);
	ASSERT_EQ(roundtrip_bad, 0);
	/* a long run of one token of each kind */
	size_t n = 50000;
	char *big = malloc(n + 1);
	const char fill[] = "({[-!;)}]x1\"";
	for (size_t k = 0; k < sizeof(fill) - 1; k++) {
		memset(big, fill[k], n);
		big[n] = 0;
		check(big, n);
	}
	free(big);
}

TEST(zz_cleanup)
{
	for (size_t i = 0; i < ncorpus; i++)
		free(corpus[i]);
	ncorpus = 0;
}

TH_MAIN(TH_CASE(corpus_is_valid), TH_CASE(every_truncation), TH_CASE(garbled_variants),
	TH_CASE(pathological_inputs), TH_CASE(zz_cleanup))
