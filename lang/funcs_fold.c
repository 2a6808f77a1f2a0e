/*
 * Standard functions whose value is known when the script is compiled: HZ() is the target
 * kernel's CONFIG_HZ (as SystemTap's, which is the kernel's compile-time HZ), so both back ends
 * see a number.
 */
#include "lang/elab.h"

#include <stdlib.h>

#include "prog/builtins.h"
#include "prog/visit.h"

static bool fold(struct node *n, void *ctx)
{
	if (n->kind == N_CALL && !n->u.call.fn && n->u.call.builtin == B_HZ) {
		n->kind = N_NUM;
		n->type = T_LONG;
		n->u.num = (int64_t)*(const uint64_t *)ctx;
		return false;
	}
	return true;
}

void funcs_fold(struct program *p, const struct family_env *env)
{
	const char *v = kconfig_value(env && env->kconfig ? env->kconfig(env->kconfig_ctx) : NULL,
				      "CONFIG_HZ");
	char *end;
	unsigned long hz = v ? strtoul(v, &end, 10) : 0;
	uint64_t h = hz > 0 && hz <= 100000 && !*end ? hz : 250;
	for (uint32_t i = 0; i < p->probes.n; i++) {
		ast_visit(p->probes.v[i]->body, fold, &h);
		ast_visit(p->probes.v[i]->cond, fold, &h);
	}
	for (uint32_t i = 0; i < p->funcs.n; i++)
		ast_visit(p->funcs.v[i]->body, fold, &h);
}
