/* AST helpers: arena-backed lists, node construction, deep copies, operator/type names. */
#include "prog/ast.h"
#include "prog/visit.h"

#include <stdio.h>
#include <string.h>

void node_list_push(struct arena *a, struct node_list *l, struct node *n)
{
	ARENA_LIST_PUSH(a, l, n);
}


void sym_list_push(struct arena *a, struct sym_list *l, struct sym *s)
{
	ARENA_LIST_PUSH(a, l, s);
}

void func_list_push(struct arena *a, struct func_list *l, struct func *f)
{
	ARENA_LIST_PUSH(a, l, f);
}


struct node *node_new(struct arena *a, enum node_kind kind, struct loc loc)
{
	struct node *n = arena_alloc(a, sizeof(*n));
	n->kind = kind;
	n->loc = loc;
	if (kind == N_CALL)
		n->u.call.builtin = -1;
	return n;
}

struct clone_ctx {
	struct arena *a;
	const struct expansion *via;
};

static void clone_slot(struct node **slot, void *ctx)
{
	const struct clone_ctx *c = ctx;
	*slot = node_clone(c->a, *slot, c->via);
}

/* The copy still shares the original's array: give it its own, of cloned children. */
static void clone_list_slot(struct node_list *l, void *ctx)
{
	const struct clone_ctx *c = ctx;
	struct node_list copy = { 0 };
	for (uint32_t i = 0; i < l->n; i++)
		node_list_push(c->a, &copy, node_clone(c->a, l->v[i], c->via));
	*l = copy;
}

struct node *node_clone(struct arena *a, const struct node *n, const struct expansion *via)
{
	if (!n)
		return NULL;
	struct node *c = arena_alloc(a, sizeof(*c));
	*c = *n;	/* leaves share what is immutable (a string's bytes) */
	if (via)
		c->loc.via = via;
	struct clone_ctx cc = { a, via };
	ast_slots(c, clone_slot, clone_list_slot, &cc);
	return c;
}

const char *op_str(enum op op)
{
	switch (op) {
	case OP_NONE: return "=";
	case OP_ADD: return "+";
	case OP_SUB: return "-";
	case OP_MUL: return "*";
	case OP_DIV: return "/";
	case OP_MOD: return "%";
	case OP_SHL: return "<<";
	case OP_SHR: return ">>";
	case OP_BAND: return "&";
	case OP_BOR: return "|";
	case OP_BXOR: return "^";
	case OP_LAND: return "&&";
	case OP_LOR: return "||";
	case OP_LT: return "<";
	case OP_LE: return "<=";
	case OP_GT: return ">";
	case OP_GE: return ">=";
	case OP_EQ: return "==";
	case OP_NE: return "!=";
	case OP_CONCAT: return ".";
	case OP_NEG: return "-";
	case OP_PLUS: return "+";
	case OP_NOT: return "!";
	case OP_BNOT: return "~";
	case OP_AGG: return "<<<";
	case OP_COUNT: return "@count";
	case OP_SUM: return "@sum";
	case OP_MIN: return "@min";
	case OP_MAX: return "@max";
	case OP_AVG: return "@avg";
	case OP_VARIANCE: return "@variance";
	case OP_HIST_LOG: return "@hist_log";
	case OP_HIST_LINEAR: return "@hist_linear";
	}
	return "?";
}

const char *type_str(enum type t)
{
	switch (t) {
	case T_UNKNOWN: return "unknown";
	case T_LONG: return "long";
	case T_STRING: return "string";
	case T_STATS: return "stats";
	case T_VOID: return "void";
	}
	return "unknown";
}
