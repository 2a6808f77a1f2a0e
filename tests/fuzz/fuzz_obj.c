/*
 * libFuzzer target: the .bstap section decoder on arbitrary bytes. A section either decodes or
 * is refused with a reason; one that decodes is also handed to the BPF store's key and value
 * encoding (over no maps), which copies the metadata's sizes into fixed buffers.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prog/objcodec.h"
#include "runtime/store.h"
#include "runtime/store_bpf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void poke_bpf_store(const struct meta *m)
{
	int *fds = malloc(((size_t)m->nglobals + 1) * sizeof(int));
	if (!fds)
		return;
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
		memset(keys[k].str, 'k', BSTAP_MAXSTRINGLEN - 1);
	}
	for (uint32_t gid = 0; gid < m->nglobals && gid < 16; gid++) {
		uint32_t nk = m->globals[gid].nkeys;
		struct stat_value st;
		store_bpf_ops.get(sb, gid, keys, nk, &v);
		store_bpf_ops.set(sb, gid, keys, nk, &v);
		store_bpf_ops.stat_add(sb, gid, keys, nk, 1);
		store_bpf_ops.stat_get(sb, gid, keys, nk, &st);
		store_bpf_ops.del(sb, gid, keys, nk);
	}
	store_bpf_free(sb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct objprog *o = NULL;
	const char *why = NULL;
	uint32_t version = 0;
	int err = objcodec_decode(data, size, &o, &version, &why);
	if (err == 0) {
		poke_bpf_store(objprog_meta(o));
		objprog_free(o);
	} else if (err == -EPROTO && (!why || !*why)) {
		abort();	/* refused without saying why */
	}
	return 0;
}
