/*
 * libFuzzer target: decode a .bstap section, then do what bstap-run does without BPF: set the
 * globals' initial values and run every probe once, in order, with the in-memory store (the
 * runner picks begin/end/error probes by their attach kind, which the object gives, so any
 * probe may reach the evaluator). Nothing the decoder accepts may crash the evaluator.
 */
#include <stdint.h>
#include <stdlib.h>

#include "prog/objcodec.h"
#include "runtime/eval.h"
#include "runtime/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void discard(void *octx, const char *buf, size_t len)
{
	(void)octx;
	(void)buf;
	(void)len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct objprog *o = NULL;
	if (objcodec_decode(data, size, &o, NULL, NULL))
		return 0;
	struct program *p = (struct program *)objprog_program(o);
	if (!p->maxaction || p->maxaction > 2000)
		p->maxaction = 2000;	/* a loop of the object's own MAXACTION is slow, not wrong */
	struct store_mem *sm = store_mem_new();
	for (uint32_t i = 0; i < p->globals.n && i < 4096; i++)
		store_mem_set_max(sm, i, 64);
	struct eval *e = eval_new(p, &store_mem_ops, sm, discard, NULL);
	if (e && eval_init_globals(e) == 0)
		for (uint32_t i = 0; i < p->probes.n && !eval_exit_requested(e); i++)
			eval_run_probe(e, p->probes.v[i]);
	eval_free(e);
	store_mem_free(sm);
	objprog_free(o);
	return 0;
}
