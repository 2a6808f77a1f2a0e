/* Pass 2 on deep call chains: it must follow calls without the C stack (run on a small one). */
#include "harness.h"
#include "lang/elab.h"
#include "lang/parse.h"
#include "prog/strbuf.h"

#include <pthread.h>

#define CHAIN 3000
#define STACK (512 * 1024)	/* the chain walked recursively needs several MB under ASan */

struct job {
	const char *text;
	struct program *prog;
	int errors;
};

static void *elaborate_job(void *arg)
{
	struct job *j = arg;
	struct arena *a = arena_new();
	FILE *sink = fopen("/dev/null", "w");
	struct diag *d = diag_new(a, sink);
	struct src_file *src = src_file_new(a, "<chain>", j->text, strlen(j->text));
	static const struct parse_env env = { .kernel_vr = "6.1.0", .kernel_v = "6.1.0",
					      .arch = "x86_64", .runtime = "bpf" };
	struct stp_file *f = parse_file(a, d, src, &env);
	struct stp_file *files[] = { f };
	j->prog = diag_error_count(d) ? NULL : elaborate(a, d, files, 1, NULL, 0, NULL);
	j->errors = diag_error_count(d);
	/* what the test reads, before the arena goes */
	j->text = j->prog ? (j->prog->funcs.n == CHAIN + 1 ? "all used" : "some unused") : "failed";
	j->prog = NULL;
	fclose(sink);
	arena_free(a);
	return NULL;
}

/* f0 calls f1 calls ... f3000, from a begin probe (and from a timer: the placement walks) */
TEST(call_chain_on_small_stack)
{
	struct strbuf sb = { 0 };
	for (int i = 0; i < CHAIN; i++)
		strbuf_printf(&sb, "function f%d() { return f%d() + 1 }\n", i, i + 1);
	strbuf_printf(&sb, "function f%d() { return 1 }\n", CHAIN);
	strbuf_puts(&sb, "probe begin { println(f0()) }\nprobe timer.s(1) { println(f0()) }\n");
	struct job j = { strbuf_str(&sb), NULL, 0 };
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, STACK);
	pthread_t t;
	ASSERT_EQ(pthread_create(&t, &attr, elaborate_job, &j), 0);
	pthread_join(t, NULL);
	pthread_attr_destroy(&attr);
	strbuf_free(&sb);
	ASSERT_EQ(j.errors, 0);
	ASSERT_STREQ(j.text, "all used");
}

TH_MAIN(TH_CASE(call_chain_on_small_stack))
