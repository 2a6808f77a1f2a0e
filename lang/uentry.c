/*
 * @entry(expr) in a process(...).function(...).return or kernel.function(...).return probe:
 * expr's value when the function was entered, as stap. (@entry of a kernel function's target
 * variable alone is lang/targets.c's: the entry program saves it.) Rewritten before types are inferred: each @entry(expr) gets a hidden
 * global array keyed by tid(), written by a probe on the function's entry that this adds (the
 * same point without .return), read in place of the @entry and deleted at the end of the
 * handler.
 */
#include "lang/elab.h"

#include <string.h>

#include "prog/visit.h"

struct ectx {
	struct arena *a;
	struct diag *d;
	struct stp_file *user;
	struct eprobe *ep;	/* the .return probe being rewritten, or NULL: none allowed */
	struct node *entry_body;	/* the entry probe's statements */
	struct node *ret_tail;		/* the deletes appended to the return handler */
	uint32_t nslots;
	int errors;
};

static bool is_entry(const struct node *n)
{
	return n->kind == N_CALL && n->u.call.name && !strcmp(n->u.call.name, "@entry");
}

/* name[tid()] */
static struct node *slot_node(struct arena *a, const char *name, struct loc loc)
{
	struct node *v = node_new(a, N_VAR, loc);
	v->u.var.name = name;
	struct node *tid = node_new(a, N_CALL, loc);
	tid->u.call.name = "tid";
	tid->u.call.builtin = -1;
	struct node *ix = node_new(a, N_INDEX, loc);
	ix->u.index.base = v;
	ARENA_LIST_PUSH(a, &ix->u.index.keys, tid);
	return ix;
}

static bool rewrite(struct node *n, void *ctx)
{
	struct ectx *e = ctx;
	if (!is_entry(n))
		return true;
	const struct eprobe *ep = e->ep;
	if (!ep) {
		diag_error(e->d, &n->loc, "@entry(...) is the value of an expression at a function's "
			   "entry: it can only be used in a .return probe of a function");
		e->errors++;
		return false;
	}
	if (n->u.call.args.n != 1) {
		diag_error(e->d, &n->loc, "@entry takes one expression");
		e->errors++;
		return false;
	}
	struct node *expr = n->u.call.args.v[0];
	const char *name = arena_printf(e->a, "__bstap_entry_%u_%u", ep->id, e->nslots++);
	struct sym *s = arena_alloc(e->a, sizeof(*s));
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->kind = S_GLOBAL;
	s->loc = n->loc;
	s->is_array = true;
	s->tapset = "@entry";	/* hidden: never printed at exit */
	s->index = e->user->globals.n;
	sym_list_push(e->a, &e->user->globals, s);
	/* entry: name[tid()] = expr */
	struct node *as = node_new(e->a, N_ASSIGN, n->loc);
	as->u.assign.op = OP_NONE;
	as->u.assign.lhs = slot_node(e->a, name, n->loc);
	as->u.assign.rhs = node_clone(e->a, expr, NULL);
	struct node *st = node_new(e->a, N_EXPR, n->loc);
	st->u.expr = as;
	ARENA_LIST_PUSH(e->a, &e->entry_body->u.block, st);
	/* return: the value, then delete name[tid()] at the end */
	struct node *del = node_new(e->a, N_DELETE, n->loc);
	del->u.del = slot_node(e->a, name, n->loc);
	ARENA_LIST_PUSH(e->a, &e->ret_tail->u.block, del);
	*n = *slot_node(e->a, name, n->loc);
	return false;
}

int uentry_rewrite(struct arena *a, struct diag *d, struct program *p, struct stp_file *user)
{
	struct ectx e = { a, d, user, NULL, NULL, NULL, 0, 0 };
	uint32_t n = p->probes.n;
	for (uint32_t i = 0; i < n; i++) {
		struct eprobe *ep = p->probes.v[i];
		bool ret = (ep->at.kind == PK_UPROBE || ep->at.kind == PK_KPROBE) &&
			   (ep->at.flags & ATTACH_RETURN);
		e.ep = ret ? ep : NULL;
		e.nslots = 0;
		e.entry_body = node_new(a, N_BLOCK, ep->loc);
		e.ret_tail = node_new(a, N_BLOCK, ep->loc);
		ast_visit(ep->cond, rewrite, &e);
		ast_visit(ep->body, rewrite, &e);
		if (!ret || !e.nslots)
			continue;
		/* the entry probe; the return handler deletes its slots after its own statements */
		struct eprobe *en = arena_alloc(a, sizeof(*en));
		*en = *ep;
		memset(&en->locals, 0, sizeof(en->locals));
		en->at.flags &= ~(uint32_t)ATTACH_RETURN;
		size_t len = strlen(ep->pp);
		en->pp = len > 7 && !strcmp(ep->pp + len - 7, ".return")
				 ? arena_strndup(a, ep->pp, len - 7) : ep->pp;
		en->chain = arena_printf(a, " /* @entry of %s */", ep->pp);
		en->cond = NULL;
		en->body = e.entry_body;
		struct tvar_set *tv = arena_alloc(a, sizeof(*tv));
		*tv = ep->tvars ? *ep->tvars : (struct tvar_set){ 0 };
		tv->n = 0;	/* no $return at the entry */
		tv->v = NULL;
		if (ep->at.kind == PK_KPROBE && ep->tvars) {
			/* a kernel function's parameters, read where they are, not saved for later */
			struct tvar *v = arena_alloc(a, (ep->tvars->n + 1) * sizeof(*v));
			for (uint32_t k = 0; k < ep->tvars->n; k++)
				if (!ep->tvars->v[k].nsteps && strcmp(ep->tvars->v[k].name, "return")) {
					v[tv->n] = ep->tvars->v[k];
					v[tv->n++].entry = false;
				}
			tv->v = v;
		}
		en->tvars = tv;
		en->id = p->probes.n;
		eprobe_list_push(a, &p->probes, en);
		struct node *body = node_new(a, N_BLOCK, ep->body->loc);
		ARENA_LIST_PUSH(a, &body->u.block, ep->body);
		for (uint32_t k = 0; k < e.ret_tail->u.block.n; k++)
			ARENA_LIST_PUSH(a, &body->u.block, e.ret_tail->u.block.v[k]);
		ep->body = body;
	}
	e.ep = NULL;
	for (uint32_t f = 0; f < user->funcs.n; f++)	/* the program's are not collected yet */
		ast_visit(user->funcs.v[f]->body, rewrite, &e);
	return e.errors ? -1 : 0;
}
