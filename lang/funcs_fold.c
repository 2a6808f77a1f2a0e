/*
 * Standard functions whose value is known when the script is compiled, rewritten so that both
 * back ends see plain expressions:
 *   HZ()         the target kernel's CONFIG_HZ (stap's is the kernel's compile-time HZ)
 *   tz_ctime(t)  ctime(t - tz_gmtoff) . " " . tz_name, as stap's tzinfo.stp, with the local time
 *                zone (TZ) of the host that compiles the script, at the time it compiles it
 *                (stap reads it when the session starts, on the same host)
 */
#include "lang/elab.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "prog/builtins.h"
#include "prog/visit.h"

/* SystemTap tapset functions bstap does not have yet, with why (none now); NULL ends it. */
static const struct {
	const char *name, *why;
} missing[] = {
	{ NULL, NULL },
};

const char *funcs_missing(const char *name)
{
	for (size_t i = 0; missing[i].name; i++)
		if (!strcmp(missing[i].name, name))
			return missing[i].why;
	if (!strncmp(name, "task_", 5))
		return "this task function is not implemented yet";
	return NULL;
}

struct fold_ctx {
	struct arena *a;
	uint64_t hz;
	int64_t gmtoff;		/* seconds east of UTC */
	const char *zone;	/* " CET" */
};

static bool fold(struct node *n, void *ctx)
{
	struct fold_ctx *f = ctx;
	if (n->kind != N_CALL || n->u.call.fn)
		return true;
	if (n->u.call.builtin == B_HZ) {
		n->kind = N_NUM;
		n->type = T_LONG;
		n->u.num = (int64_t)f->hz;
		return false;
	}
	if (n->u.call.builtin == B_TZ_CTIME && n->u.call.args.n == 1) {
		struct node *t = n->u.call.args.v[0];
		ast_visit(t, fold, f);
		struct node *off = node_new(f->a, N_NUM, n->loc);
		off->type = T_LONG;
		off->u.num = f->gmtoff;
		struct node *local = node_new(f->a, N_BINOP, n->loc);
		local->type = T_LONG;
		local->u.bin.op = OP_ADD;
		local->u.bin.l = t;
		local->u.bin.r = off;
		struct node *ct = node_new(f->a, N_CALL, n->loc);
		ct->type = T_STRING;
		ct->u.call.name = "ctime";
		ct->u.call.builtin = B_CTIME;
		ct->u.call.fn = NULL;
		node_list_push(f->a, &ct->u.call.args, local);
		struct node *zone = node_new(f->a, N_STR, n->loc);
		zone->type = T_STRING;
		zone->u.str.s = f->zone;
		zone->u.str.len = (uint32_t)strlen(f->zone);
		n->kind = N_BINOP;
		n->u.bin.op = OP_CONCAT;
		n->u.bin.l = ct;
		n->u.bin.r = zone;
		return false;
	}
	return true;
}

void funcs_fold(struct arena *a, struct program *p, const struct family_env *env)
{
	const char *v = kconfig_value(env && env->kconfig ? env->kconfig(env->kconfig_ctx) : NULL,
				      "CONFIG_HZ");
	char *end;
	unsigned long hz = v ? strtoul(v, &end, 10) : 0;
	struct fold_ctx f = { a, hz > 0 && hz <= 100000 && !*end ? hz : 250, 0, " UTC" };
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm)) {
		f.gmtoff = tm.tm_gmtoff;
		f.zone = arena_printf(a, " %s", tm.tm_zone ? tm.tm_zone : "");
	}
	for (uint32_t i = 0; i < p->probes.n; i++) {
		ast_visit(p->probes.v[i]->body, fold, &f);
		ast_visit(p->probes.v[i]->cond, fold, &f);
	}
	for (uint32_t i = 0; i < p->funcs.n; i++)
		ast_visit(p->funcs.v[i]->body, fold, &f);
}
