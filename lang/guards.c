/*
 * Pass 2: a probe whose handler starts with `if ($field != N) next` runs only for events whose
 * field is N. The syscall library's aliases all start that way on raw_syscalls:sys_enter, so
 * the generator can dispatch a group's probes with one switch on the field instead of calling
 * hundreds of handlers that each test it (lang/elab.h).
 */
#include "elab.h"

#include "prog/tvar.h"

static const struct node *first_statement(const struct node *n)
{
	while (n && n->kind == N_BLOCK)
		n = n->u.block.n ? n->u.block.v[0] : NULL;
	return n;
}

static bool is_const(const struct node *n, int64_t *v)
{
	if (n->kind == N_NUM) {
		*v = n->u.num;
		return true;
	}
	if (n->kind == N_UNOP && n->u.un.op == OP_NEG && n->u.un.e->kind == N_NUM) {
		*v = -n->u.un.e->u.num;
		return true;
	}
	return false;
}

static bool is_next(const struct node *n)
{
	n = first_statement(n);
	return n && n->kind == N_NEXT;
}

static void find_guard(struct eprobe *ep)
{
	const struct node *s = first_statement(ep->body);
	if (!s || s->kind != N_IF || s->u.ifs.els || !is_next(s->u.ifs.then) || ep->cond)
		return;
	const struct node *c = s->u.ifs.cond;
	if (c->kind != N_BINOP || c->u.bin.op != OP_NE)
		return;
	const struct node *t = c->u.bin.l, *k = c->u.bin.r;
	if (t->kind != N_TARGET)
		t = c->u.bin.r, k = c->u.bin.l;
	int64_t v;
	if (t->kind != N_TARGET || !is_const(k, &v) || !ep->tvars || t->u.var.tvar < 0)
		return;
	const struct tvar *tv = &ep->tvars->v[t->u.var.tvar];
	/* a field of the event's record (not a chase, a register or a marker argument) */
	if ((tv->kind != TV_INT && tv->kind != TV_ARRAY) || tv->nsteps)
		return;
	ep->guard.on = true;
	ep->guard.tvar = (uint32_t)t->u.var.tvar;
	ep->guard.elem = t->u.var.elem;
	ep->guard.value = v;
}

void guards_find(struct program *p)
{
	for (uint32_t i = 0; i < p->probes.n; i++)
		if (p->probes.v[i]->place == PLACE_KERNEL)
			find_guard(p->probes.v[i]);
}
