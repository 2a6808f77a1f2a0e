/* Per-probe facts of the context functions (prog/probectx.h). */
#include "prog/probectx.h"

#include <string.h>

static bool syscall_exit(const char *target)
{
	return target && (!strcmp(target, "raw_syscalls:sys_exit") ||
			  !strncmp(target, "syscalls:sys_exit_", 18));
}

static const struct tvar *tvar_named(const struct eprobe *ep, const char *name)
{
	if (!ep->tvars)
		return NULL;
	for (uint32_t i = 0; i < ep->tvars->n; i++)
		if (!ep->tvars->v[i].nsteps && !strcmp(ep->tvars->v[i].name, name))
			return &ep->tvars->v[i];
	return NULL;
}

int probectx_retval_off(const struct eprobe *ep)
{
	const struct attach_spec *at = &ep->at;
	bool ret = at->flags & ATTACH_RETURN;
	switch (at->kind) {
	case PK_UPROBE:
		return ret ? PROBECTX_REGS_AX : -1;
	case PK_KPROBE: {
		if (!ret)
			return -1;
		if (!(at->flags & ATTACH_FENTRY))
			return PROBECTX_REGS_AX;
		/* fexit: the u64 after the arguments, where $return is (none: void) */
		const struct tvar *v = tvar_named(ep, "return");
		return v ? (int)v->offset : -1;
	}
	case PK_TRACEPOINT: {
		/* sys_exit's record: long ret, after the common fields and the number */
		const struct tvar *v = syscall_exit(at->target) ? tvar_named(ep, "ret") : NULL;
		return v && v->kind == TV_INT && v->size == 8 ? (int)v->offset : -1;
	}
	case PK_RAW_TRACEPOINT:
		/* sys_exit(struct pt_regs *regs, long ret): the arguments as u64s */
		return syscall_exit(at->target) ? 8 : -1;
	default:
		return -1;
	}
}

void probectx_ppfunc(const char *pp, char *out, size_t outlen)
{
	const char *s = pp ? strstr(pp, "function(\"") : NULL;
	size_t skip = 10;
	if (!s && pp) {
		s = strstr(pp, "inline(\"");
		skip = 8;
	}
	size_t n = 0;
	if (s)
		for (s += skip; *s && *s != '@' && *s != '"' && n + 1 < outlen; s++)
			out[n++] = *s;
	out[n] = 0;
}

enum probectx_umode probectx_user_mode(const struct eprobe *ep)
{
	switch (ep->at.kind) {
	case PK_UPROBE:
	case PK_USDT:
		return UMODE_USER;
	case PK_PROFILE:
	case PK_PERF:
		return UMODE_PERF_REGS;
	case PK_KPROBE:
		return ep->at.flags & ATTACH_FENTRY ? UMODE_KERNEL : UMODE_REGS;
	default:
		return UMODE_KERNEL;
	}
}
