/* The children of every node kind, in one place: walkers no longer spell them out each. */
#include "prog/visit.h"

void ast_slots(struct node *n, void (*one)(struct node **slot, void *ctx),
	       void (*list)(struct node_list *l, void *ctx), void *ctx)
{
	switch (n->kind) {
	case N_NUM:
	case N_STR:
	case N_VAR:
	case N_TARGET:
	case N_BREAK:
	case N_CONTINUE:
	case N_NEXT:
	case N_EMPTY:
		break;
	case N_INDEX: one(&n->u.index.base, ctx); list(&n->u.index.keys, ctx); break;
	case N_CALL: list(&n->u.call.args, ctx); break;
	case N_STATOP: one(&n->u.statop.arg, ctx); one(&n->u.statop.bucket, ctx); break;
	case N_BINOP: one(&n->u.bin.l, ctx); one(&n->u.bin.r, ctx); break;
	case N_UNOP: one(&n->u.un.e, ctx); break;
	case N_ASSIGN: one(&n->u.assign.lhs, ctx); one(&n->u.assign.rhs, ctx); break;
	case N_INCDEC: one(&n->u.incdec.lv, ctx); break;
	case N_TERNARY:
		one(&n->u.tern.cond, ctx);
		one(&n->u.tern.t, ctx);
		one(&n->u.tern.f, ctx);
		break;
	case N_IN: list(&n->u.in.keys, ctx); one(&n->u.in.arr, ctx); break;
	case N_BLOCK: list(&n->u.block, ctx); break;
	case N_EXPR: one(&n->u.expr, ctx); break;
	case N_IF:
	case N_TRY:
		one(&n->u.ifs.cond, ctx);
		one(&n->u.ifs.then, ctx);
		one(&n->u.ifs.els, ctx);
		break;
	case N_WHILE:
	case N_FOR:
		one(&n->u.loop.init, ctx);
		one(&n->u.loop.cond, ctx);
		one(&n->u.loop.step, ctx);
		one(&n->u.loop.body, ctx);
		break;
	case N_FOREACH:
		list(&n->u.foreach.vars, ctx);
		one(&n->u.foreach.value, ctx);
		one(&n->u.foreach.arr, ctx);
		one(&n->u.foreach.limit, ctx);
		one(&n->u.foreach.body, ctx);
		break;
	case N_RETURN: one(&n->u.ret, ctx); break;
	case N_DELETE: one(&n->u.del, ctx); break;
	}
}

struct each_child {
	void (*fn)(struct node *, void *);
	void *ctx;
};

static void child_one(struct node **slot, void *ctx)
{
	const struct each_child *e = ctx;
	if (*slot)
		e->fn(*slot, e->ctx);
}

static void child_list(struct node_list *l, void *ctx)
{
	const struct each_child *e = ctx;
	for (uint32_t i = 0; i < l->n; i++)
		if (l->v[i])
			e->fn(l->v[i], e->ctx);
}

void ast_children(struct node *n, void (*fn)(struct node *child, void *ctx), void *ctx)
{
	struct each_child e = { fn, ctx };
	ast_slots(n, child_one, child_list, &e);
}

struct walk {
	visit_fn fn;
	void *ctx;
};

static void visit_child(struct node *n, void *ctx)
{
	const struct walk *w = ctx;
	if (w->fn(n, w->ctx))
		ast_children(n, visit_child, ctx);
}

void ast_visit(struct node *n, visit_fn fn, void *ctx)
{
	struct walk w = { fn, ctx };
	if (n)
		visit_child(n, &w);
}
