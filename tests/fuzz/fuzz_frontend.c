/*
 * libFuzzer target: the whole front end on arbitrary text. Preprocess and parse (pass 1),
 * elaborate with its type check (pass 2, the running kernel's families: kernel.trace reads
 * tracefs), and generate BPF C (pass 3). Nothing is compiled or loaded.
 *
 *   make fuzz FUZZ_TIME=60        (build-fuzz/fuzz_frontend, corpus tests/fuzz/corpus/frontend/)
 */
#include "bpf/gen.h"
#include "lang/elab.h"
#include "lang/parse.h"
#include "lang/tracepoints.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const fz_argv[] = { "7", "x", "-3" };
static const struct parse_env fz_env = { .kernel_vr = "6.18.44-fc", .kernel_v = "6.18.44",
					  .arch = "x86_64", .runtime = "bpf", .argv = fz_argv,
					  .argc = 3 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *sink;
	if (!sink)
		sink = fopen("/dev/null", "w");
	struct arena *a = arena_new();
	struct diag *d = diag_new(a, sink);
	struct src_file *src = src_file_new(a, "<fuzz>", (const char *)data, size);
	struct stp_file *f = parse_file(a, d, src, &fz_env);
	if (!diag_error_count(d)) {
		struct stp_file *files[] = { f };
		struct program *p = elaborate(a, d, files, 1, NULL, 0, NULL);
		tp_catalog_release();
		if (p && !diag_error_count(d)) {
			struct gen_result gr = { 0 };
			gen_bpf_c(a, d, p, &gr);
		}
	}
	arena_free(a);
	return 0;
}
