/* Reading an event's target variables in the generated C: CO-RE record structs and loads. */
#include "bpf/gen_tvars.h"

#include <string.h>

/* "u64 [6]" + "args" -> "u64 args[6]"; "void *" + "p" -> "void *p" */
static const char *declare(struct arena *a, const char *type, const char *name)
{
	const char *br = strstr(type, " [");
	if (br)
		return arena_printf(a, "%.*s %s%s", (int)(br - type), type, name, br + 1);
	if (!strncmp(type, "enum ", 5))
		return arena_printf(a, "%s___bstap %s", type, name);
	return arena_printf(a, "%s%s%s", type, type[strlen(type) - 1] == '*' ? "" : " ", name);
}

static bool seen(const char **v, uint32_t n, const char *s)
{
	for (uint32_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

void gen_tvars_decls(struct arena *a, FILE *o, const struct program *p)
{
	const char **done = arena_alloc(a, (2 * p->probes.n + 1) * sizeof(*done));
	uint32_t ndone = 0;
	for (uint32_t i = 0; i < p->probes.n; i++) {
		const struct eprobe *ep = p->probes.v[i];
		const struct tvar_set *tv = ep->tvars;
		if (ep->place != PLACE_KERNEL || !tv || !tv->btf_struct || seen(done, ndone, tv->btf_struct))
			continue;
		done[ndone++] = tv->btf_struct;
		/* enums match by name (less the ___ flavour), so each gets a local namesake */
		for (uint32_t k = 0; k < tv->n; k++) {
			const char *t = tv->v[k].member ? tv->v[k].member_type : NULL;
			if (t && !strncmp(t, "enum ", 5) && !seen(done, ndone, t)) {
				fprintf(o, "%s___bstap { %s___bstap_0 };\n", t, t + 5);
				done[ndone++] = t;
			}
		}
		fprintf(o, "struct %s___bstap {", tv->btf_struct);
		for (uint32_t k = 0; k < tv->n; k++)
			if (tv->v[k].member)
				fprintf(o, " %s;", declare(a, tv->v[k].member_type, tv->v[k].member));
		fprintf(o, " } __attribute__((preserve_access_index));\n");
	}
}

const char *gen_tvar_read(struct arena *a, const struct tvar_set *tv, uint32_t i, uint32_t elem,
			  const char *dst, uint32_t maxstr)
{
	const struct tvar *v = &tv->v[i];
	/* where the field is: a CO-RE relocated member, or the format's offset on this kernel */
	const char *rec = v->member ? arena_printf(a, "((struct %s___bstap *)ctx)->%s",
						   tv->btf_struct, v->member)
				    : NULL;
	switch (v->kind) {
	case TV_INT: {
		const char *t = tvar_int_type(v->size, v->is_signed);
		if (!t)
			return NULL;
		if (rec)
			return arena_printf(a, "%s = (s64)(%s)%s;", dst, t, rec);
		return arena_printf(a, "%s = (s64)*(%s *)((char *)ctx + %u);", dst, t, v->offset);
	}
	case TV_ARRAY: {
		uint32_t esz = v->size / v->count;
		const char *t = tvar_int_type(esz, v->is_signed);
		if (!t || elem >= v->count)
			return NULL;
		if (rec)
			return arena_printf(a, "%s = (s64)(%s)%s[%u];", dst, t, rec, elem);
		return arena_printf(a, "%s = (s64)*(%s *)((char *)ctx + %u);", dst, t,
				    v->offset + elem * esz);
	}
	case TV_CHARS: {
		/* the array may fill its bytes without a NUL: copy, then end it */
		uint32_t n = v->size < maxstr - 1 ? v->size : maxstr - 1;
		const char *src = rec ? arena_printf(a, "(const void *)%s", rec)
				      : arena_printf(a, "(const char *)ctx + %u", v->offset);
		return arena_printf(a, "if (bpf_probe_read_kernel(%s, %u, %s)) %s[0] = 0; %s[%u] = 0;",
				    dst, n, src, dst, dst, n);
	}
	case TV_UREG:
		return arena_printf(a, "%s = (s64)bstap_ureg(ctx, %u);", dst, v->offset);
	case TV_USDT_ARG:
		return arena_printf(a, "{ long _ua = 0; bpf_usdt_arg(ctx, %u, &_ua); %s = (s64)_ua; }",
				    v->offset, dst);
	case TV_DATALOC: {
		/* offset | length << 16 of the string, from the start of the record */
		const char *loc = rec ? arena_printf(a, "(u32)%s", rec)
				      : arena_printf(a, "*(u32 *)((char *)ctx + %u)", v->offset);
		return arena_printf(a, "if (bpf_probe_read_kernel_str(%s, %u, (const char *)ctx + "
				    "((%s) & 0xffff)) < 0) %s[0] = 0;", dst, maxstr, loc, dst);
	}
	}
	return NULL;
}
