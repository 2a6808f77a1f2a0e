/* The children of every node kind, in one place: walkers no longer spell them out each. */
#include "prog/visit.h"

static void each(struct node_list *l, void (*fn)(struct node *, void *), void *ctx)
{
	for (uint32_t i = 0; i < l->n; i++)
		if (l->v[i])
			fn(l->v[i], ctx);
}

static void one(struct node *n, void (*fn)(struct node *, void *), void *ctx)
{
	if (n)
		fn(n, ctx);
}

void ast_children(struct node *n, void (*fn)(struct node *child, void *ctx), void *ctx)
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
	case N_INDEX: one(n->u.index.base, fn, ctx); each(&n->u.index.keys, fn, ctx); break;
	case N_CALL: each(&n->u.call.args, fn, ctx); break;
	case N_STATOP: one(n->u.statop.arg, fn, ctx); break;
	case N_BINOP: one(n->u.bin.l, fn, ctx); one(n->u.bin.r, fn, ctx); break;
	case N_UNOP: one(n->u.un.e, fn, ctx); break;
	case N_ASSIGN: one(n->u.assign.lhs, fn, ctx); one(n->u.assign.rhs, fn, ctx); break;
	case N_INCDEC: one(n->u.incdec.lv, fn, ctx); break;
	case N_TERNARY:
		one(n->u.tern.cond, fn, ctx);
		one(n->u.tern.t, fn, ctx);
		one(n->u.tern.f, fn, ctx);
		break;
	case N_IN: each(&n->u.in.keys, fn, ctx); one(n->u.in.arr, fn, ctx); break;
	case N_BLOCK: each(&n->u.block, fn, ctx); break;
	case N_EXPR: one(n->u.expr, fn, ctx); break;
	case N_IF:
	case N_TRY:
		one(n->u.ifs.cond, fn, ctx);
		one(n->u.ifs.then, fn, ctx);
		one(n->u.ifs.els, fn, ctx);
		break;
	case N_WHILE:
	case N_FOR:
		one(n->u.loop.init, fn, ctx);
		one(n->u.loop.cond, fn, ctx);
		one(n->u.loop.step, fn, ctx);
		one(n->u.loop.body, fn, ctx);
		break;
	case N_FOREACH:
		each(&n->u.foreach.vars, fn, ctx);
		one(n->u.foreach.value, fn, ctx);
		one(n->u.foreach.arr, fn, ctx);
		one(n->u.foreach.limit, fn, ctx);
		one(n->u.foreach.body, fn, ctx);
		break;
	case N_RETURN: one(n->u.ret, fn, ctx); break;
	case N_DELETE: one(n->u.del, fn, ctx); break;
	}
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
