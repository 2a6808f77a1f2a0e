/*
 * Pass 2: drop assignments to locals that nothing reads, when what they assign has no side
 * effects. Library aliases compute every variable a handler might want (argstr, filename,
 * flags_str ...); a handler that reads only `name` must not pay for the rest on every event,
 * as stap's own elision of unused tapset variables promises.
 */
#include "elab.h"

#include <string.h>

#include "prog/visit.h"

/* Built-in functions with no effect but their value, and no runtime error: user_string() and
 * the other readers that raise one on a fault are not here, their quoted forms are. */
static const char *const pure_builtins[] = {
	"sprintf", "sprint", "sprintln", "sprintd", "sprintdln", "pid", "tid", "ppid", "uid",
	"gid", "euid", "egid", "execname", "cpu", "gettimeofday_s", "gettimeofday_ms",
	"gettimeofday_us", "gettimeofday_ns", "ktime_get_ns", "pp", "ppfunc", "probefunc",
	"strlen", "target", "user_string_quoted", "user_string_n_quoted", "user_buffer_quoted", "text_str",
	"text_strn", "string_quoted", "errno_str", "signal_str", "return_str", "substr",
	"isinstr", "strpos", "stringat", "str_replace", "isdigit", "toupper",
	"tolower", "string", "abs", "MAJOR", "MINOR", "MKDEV", "jiffies", "HZ", "ctime",
	"tz_ctime", "local_clock_ns", "local_clock_us", "local_clock_ms", "local_clock_s",
	"int_arg", "uint_arg", "long_arg", "ulong_arg", "pointer_arg", "returnval", "ip_ntop",
	"returnstr", "user_mode", "sprint_syms",
};

static bool pure_builtin(const char *name)
{
	for (size_t i = 0; i < sizeof(pure_builtins) / sizeof(pure_builtins[0]); i++)
		if (!strcmp(pure_builtins[i], name))
			return true;
	return false;
}

struct purity {
	bool pure;
	const struct func **stack;	/* functions being checked: a cycle is not pure */
	uint32_t depth;
};

static bool global_target(const struct node *n)
{
	if (n && n->kind == N_INDEX)
		n = n->u.index.base;
	return n && n->kind == N_VAR && n->u.var.sym && n->u.var.sym->kind == S_GLOBAL;
}

/* '/' and '%' raise "division by 0" unless the divisor is a constant other than 0. */
static bool may_divide_by_zero(enum op op, const struct node *divisor)
{
	if (op != OP_DIV && op != OP_MOD)
		return false;
	return !(divisor && divisor->kind == N_NUM && divisor->u.num != 0);
}

static bool func_pure(const struct func *fn, struct purity *up);

static bool impurity(struct node *n, void *ctx)
{
	struct purity *p = ctx;
	if (!p->pure)
		return false;
	switch (n->kind) {
	case N_CALL:
		if (n->u.call.fn ? !func_pure(n->u.call.fn, p) : !pure_builtin(n->u.call.name))
			p->pure = false;
		break;
	case N_ASSIGN:
		p->pure &= !global_target(n->u.assign.lhs) &&
			   !may_divide_by_zero(n->u.assign.op, n->u.assign.rhs);
		break;
	case N_BINOP:
		p->pure &= !may_divide_by_zero(n->u.bin.op, n->u.bin.r);
		break;
	case N_STATOP:
		/* @min, @max and @avg of an empty statistic are runtime errors */
		p->pure &= n->u.statop.op == OP_COUNT || n->u.statop.op == OP_SUM;
		break;
	case N_INCDEC:
		p->pure &= !global_target(n->u.incdec.lv);
		break;
	case N_DELETE:
		p->pure &= !global_target(n->u.del);
		break;
	default:
		break;
	}
	return p->pure;
}

static bool func_pure(const struct func *fn, struct purity *up)
{
	for (uint32_t i = 0; i < up->depth; i++)
		if (up->stack[i] == fn)
			return false;
	if (up->depth == 32)
		return false;
	up->stack[up->depth++] = fn;
	struct purity p = { true, up->stack, up->depth };
	ast_visit(fn->body, impurity, &p);
	up->depth--;
	return p.pure;
}

static bool expr_pure(struct node *e)
{
	const struct func *stack[32];
	struct purity p = { true, stack, 0 };
	ast_visit(e, impurity, &p);
	return p.pure;
}

struct reads {
	const struct sym **v;
	uint32_t n, cap;
	struct arena *a;
};

static void add_read(struct reads *r, const struct sym *s)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (r->v[i] == s)
			return;
	if (r->n == r->cap) {
		uint32_t cap = r->cap ? 2 * r->cap : 16;
		const struct sym **nv = arena_alloc(r->a, cap * sizeof(*nv));
		if (r->n)
			memcpy(nv, r->v, r->n * sizeof(*nv));
		r->v = nv;
		r->cap = cap;
	}
	r->v[r->n++] = s;
}

static bool plain_local_store(const struct node *n)
{
	return n->kind == N_ASSIGN && n->u.assign.op == OP_NONE &&
	       n->u.assign.lhs->kind == N_VAR && n->u.assign.lhs->u.var.sym &&
	       n->u.assign.lhs->u.var.sym->kind == S_LOCAL;
}

static bool note_read(struct node *n, void *ctx)
{
	struct reads *r = ctx;
	if (plain_local_store(n)) {
		/* the stored-to local is not read by the store */
		ast_visit(n->u.assign.rhs, note_read, r);
		return false;
	}
	if (n->kind == N_VAR && n->u.var.sym && n->u.var.sym->kind == S_LOCAL)
		add_read(r, n->u.var.sym);
	return true;
}

static bool is_read(const struct reads *r, const struct sym *s)
{
	for (uint32_t i = 0; i < r->n; i++)
		if (r->v[i] == s)
			return true;
	return false;
}

struct dropper {
	const struct reads *r;
	bool changed;
};

static bool drop_dead(struct node *n, void *ctx)
{
	struct dropper *dr = ctx;
	if (n->kind == N_EXPR && n->u.expr && plain_local_store(n->u.expr) &&
	    !is_read(dr->r, n->u.expr->u.assign.lhs->u.var.sym) &&
	    expr_pure(n->u.expr->u.assign.rhs)) {
		n->kind = N_EMPTY;
		dr->changed = true;
		return false;
	}
	return true;
}

void prune_dead_stores(struct arena *a, struct program *p)
{
	for (uint32_t i = 0; i < p->probes.n; i++) {
		struct eprobe *ep = p->probes.v[i];
		for (int round = 0; round < 16; round++) {
			struct reads r = { .a = a };
			ast_visit(ep->body, note_read, &r);
			ast_visit(ep->cond, note_read, &r);
			struct dropper dr = { &r, false };
			ast_visit(ep->body, drop_dead, &dr);
			if (!dr.changed)
				break;
		}
	}
}
