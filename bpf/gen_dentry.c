/*
 * The dentry functions in kernel probes (SystemTap's dentry.stp): task_dentry_path(),
 * d_name(), reverse_path_walk(), inode_name(), inode_path(), d_path(),
 * fullpath_struct_nameidata(), fullpath_struct_path(), fullpath_struct_file() and
 * real_mount(). bstap.bpf.h's bstap_dentry_fn() walks the kernel's dentries and mounts with
 * CO-RE reads; its walk state and the path it writes live in scratch, never on the stack.
 * They read kernel memory at the addresses they are given, so they run only in kernel probes
 * (lang/taskctx.c says so for userspace ones).
 */
#include "bpf/gen_funcs.h"

#include "prog/abi.h"
#include "prog/builtins.h"

#define MAXSTR (x->maxstr)
#define DP_SIZE (96 + 4 * x->strbuf)	/* bstap.bpf.h's BSTAP_DP_SIZE */

#define S gen_api_printf

static const char *ARG(struct gen_api *x, struct node *n, uint32_t i)
{
	return i < n->u.call.args.n ? x->ex(x->g, n->u.call.args.v[i]) : "0";
}

const char *gen_dentry_call(struct gen_api *x, struct node *n)
{
	int b = n->u.call.builtin;
	if (!builtin_dentry(b))
		return NULL;
	if (b == B_REAL_MOUNT)
		return S(x, "bstap_real_mount((s64)(%s))", ARG(x, n, 0));
	uint32_t site = x->site(x->g, S(x, "identifier '%s'", n->u.call.name), &n->loc);
	uint32_t w = x->tmp(x->g, DP_SIZE), o = x->tmp(x->g, 2 * x->strbuf), k = x->uniq(x->g);
	return S(x, "({ struct bstap_dpath *_dp%u = BSTAP_T(%u); _dp%u->a = (s64)(%s); "
		 "_dp%u->b = (s64)(%s); _dp%u->c = (s64)(%s); _dp%u->which = %d; _dp%u->site = %u; "
		 "bstap_dentry_fn(S, _dp%u, BSTAP_T(%u)); if (S->err) { %s; } (char *)BSTAP_T(%u); })",
		 k, w, k, ARG(x, n, 0), k, ARG(x, n, 1), k, ARG(x, n, 2), k, b - B_TASK_DENTRY_PATH, k,
		 site, k, o, x->abort, o);
}
