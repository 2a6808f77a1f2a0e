/*
 * The context functions in kernel probes. What a probe gives is known when the script compiles
 * (prog/probectx.h): a handler's call is a constant or a read at a constant offset of its
 * context; a script function's call looks its probe (S->ppidx) up in a table of them.
 *   returnval()      the u64 at the probe's return-value offset of its context
 *   returnstr(fmt)   return_str(fmt, returnval()), as stap's errno.stp
 *   ppfunc()         from a table of the probes' function names (parsed from their pp())
 *   user_mode()      bstap_user_mode(ctx, how)
 *   cmdline_args()   bstap_cmdline_args() over the current task's command line
 *   sprint_syms()    a backtrace()'s placeholder turned to kind 'S', or lines of symdata()
 *                    placeholders; the runtime writes the symbols (runtime/sysfuncs.c)
 */
#include "bpf/gen_ctx.h"

#include <stdio.h>
#include <string.h>

#include "prog/abi.h"
#include "prog/builtins.h"
#include "prog/probectx.h"
#include "prog/strbuf.h"
#include "prog/visit.h"

#define S gen_api_printf
#define MAXSTR (x->maxstr)

bool gen_ctx_known(int b)
{
	return b == B_RETURNVAL || b == B_RETURNSTR || b == B_PPFUNC || b == B_USER_MODE ||
	       b == B_CMDLINE_ARGS || b == B_SPRINT_SYMS;
}

static const char *T(struct gen_api *x)
{
	return S(x, "BSTAP_T(%u)", x->tmp(x->g, x->strbuf));
}

static const char *W(struct gen_api *x)
{
	return S(x, "BSTAP_T(%u)", x->tmp(x->g, 64));	/* BSTAP_FN_WORK */
}

const char *gen_ctx_call(struct gen_api *x, struct node *n, const struct eprobe *ep)
{
	struct node **a = n->u.call.args.v;
	switch (n->u.call.builtin) {
	case B_RETURNVAL:
		if (ep)
			return S(x, "bstap_retval(S->ctx, %d)", probectx_retval_off(ep));
		return "bstap_retval(S->ctx, bstap_ctx_retoff[S->ppidx < BSTAP_CTX_NPROBES ? S->ppidx : 0])";
	case B_RETURNSTR: {
		/* return_str(fmt, returnval()): the library's own, over this call's value */
		struct node *rv = node_new(x->a, N_CALL, n->loc);
		rv->type = T_LONG;
		rv->u.call.name = "returnval";
		rv->u.call.builtin = B_RETURNVAL;
		struct node *rs = node_new(x->a, N_CALL, n->loc);
		rs->type = T_STRING;
		rs->u.call.name = "return_str";
		rs->u.call.builtin = B_RETURN_STR;
		node_list_push(x->a, &rs->u.call.args, a[0]);
		node_list_push(x->a, &rs->u.call.args, rv);
		return x->ex(x->g, rs);
	}
	case B_PPFUNC:
		return "bstap_ctx_ppfunc(S->ppidx)";
	case B_USER_MODE:
		if (ep)
			return S(x, "bstap_user_mode(S->ctx, %d)", (int)probectx_user_mode(ep));
		return "bstap_user_mode(S->ctx, bstap_ctx_umode[S->ppidx < BSTAP_CTX_NPROBES ? S->ppidx : 0])";
	case B_CMDLINE_ARGS:
		return S(x, "bstap_cmdline_args(%s, %s, %s, (s64)(%s), (s64)(%s), %s)", W(x), T(x), T(x),
			 x->ex(x->g, a[0]), x->ex(x->g, a[1]), x->full(x->g, a[2]));
	case B_SPRINT_SYMS:
		return S(x, "bstap_sprint_syms(%s, %s, %s)", W(x), T(x), x->full(x->g, a[0]));
	default:
		return NULL;
	}
}

struct uses {
	bool ppfunc, tables;
	bool in_fn;
};

static bool find_uses(struct node *n, void *ctx)
{
	struct uses *u = ctx;
	if (n->kind != N_CALL || n->u.call.fn)
		return true;
	int b = n->u.call.builtin;
	if (b == B_PPFUNC)
		u->ppfunc = true;
	if (u->in_fn && (b == B_RETURNVAL || b == B_RETURNSTR || b == B_USER_MODE))
		u->tables = true;
	return true;
}

/* s as a C string literal */
static void c_str(struct strbuf *sb, const char *s)
{
	strbuf_puts(sb, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\' || c < ' ' || c > '~')
			strbuf_printf(sb, "\\%03o", c);
		else
			strbuf_printf(sb, "%c", c);
	}
	strbuf_puts(sb, "\"");
}

const char *gen_ctx_decls(struct arena *a, const struct program *p)
{
	struct uses u = { false, false, false };
	for (uint32_t i = 0; i < p->probes.n; i++)
		if (p->probes.v[i]->place == PLACE_KERNEL) {
			ast_visit(p->probes.v[i]->body, find_uses, &u);
			ast_visit(p->probes.v[i]->cond, find_uses, &u);
		}
	u.in_fn = true;
	for (uint32_t i = 0; i < p->funcs.n; i++)
		if (p->funcs.v[i]->in_kernel)
			ast_visit(p->funcs.v[i]->body, find_uses, &u);
	if (!u.ppfunc && !u.tables)
		return "";
	uint32_t np = p->probes.n ? p->probes.n : 1;
	struct strbuf sb = { 0 };
	strbuf_printf(&sb, "#define BSTAP_CTX_NPROBES %u\n", np);
	if (u.tables) {
		strbuf_printf(&sb, "static const volatile s16 bstap_ctx_retoff[%u] = {", np);
		for (uint32_t i = 0; i < p->probes.n; i++)
			strbuf_printf(&sb, "%s%d", i ? ", " : " ",
				      p->probes.v[i]->place == PLACE_KERNEL
				      ? probectx_retval_off(p->probes.v[i]) : -1);
		strbuf_printf(&sb, " };\nstatic const volatile u8 bstap_ctx_umode[%u] = {", np);
		for (uint32_t i = 0; i < p->probes.n; i++)
			strbuf_printf(&sb, "%s%d", i ? ", " : " ",
				      (int)probectx_user_mode(p->probes.v[i]));
		strbuf_puts(&sb, " };\n");
	}
	if (u.ppfunc) {
		/* ppfunc() of each probe, from its pp(): rows as wide as the longest */
		char name[256];
		size_t w = 1;
		for (uint32_t i = 0; i < p->probes.n; i++) {
			probectx_ppfunc(p->probes.v[i]->pp, name, sizeof(name));
			if (strlen(name) + 1 > w)
				w = strlen(name) + 1;
		}
		strbuf_printf(&sb, "static const char bstap_ctx_ppfuncs[%u][%zu] = {", np, w);
		for (uint32_t i = 0; i < p->probes.n; i++) {
			probectx_ppfunc(p->probes.v[i]->pp, name, sizeof(name));
			strbuf_puts(&sb, "\n\t");
			c_str(&sb, p->probes.v[i]->place == PLACE_KERNEL ? name : "");
			strbuf_puts(&sb, ",");
		}
		strbuf_printf(&sb, "\n};\n\nstatic __always_inline const char *bstap_ctx_ppfunc(u32 i)\n"
			      "{\n\treturn bstap_ctx_ppfuncs[i < %u ? i : 0];\n}\n\n", np);
	}
	const char *r = arena_strdup(a, sb.buf ? sb.buf : "");
	strbuf_free(&sb);
	return r;
}
