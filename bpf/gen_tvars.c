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

/* "struct dentry *" -> "struct dentry___bstap *": chased structs are local CO-RE flavours */
static const char *local_type(struct arena *a, const char *t)
{
	if (strncmp(t, "struct ", 7) && strncmp(t, "union ", 6))
		return t;
	const char *sp = strchr(t, ' ') + 1;
	size_t n = strcspn(sp, " *");
	return arena_printf(a, "%.*s___bstap%s", (int)(sp - t + n), t, sp + n);
}

/* The members chases read, over all probes: one local struct each, embedded ones first. */
static void chase_decls(struct arena *a, FILE *o, const struct program *p)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < p->probes.n; i++)
		if (p->probes.v[i]->place == PLACE_KERNEL && p->probes.v[i]->tvars)
			n += p->probes.v[i]->tvars->nmembers;
	if (!n)
		return;
	const struct tvar_member **m = arena_alloc(a, n * sizeof(*m));
	uint32_t k = 0;
	for (uint32_t i = 0; i < p->probes.n; i++) {
		const struct tvar_set *tv = p->probes.v[i]->tvars;
		if (p->probes.v[i]->place != PLACE_KERNEL || !tv)
			continue;
		for (uint32_t j = 0; j < tv->nmembers; j++) {
			bool dup = false;
			for (uint32_t x = 0; x < k && !dup; x++)
				dup = !strcmp(m[x]->sname, tv->members[j].sname) &&
				      !strcmp(m[x]->mname, tv->members[j].mname);
			if (!dup)
				m[k++] = &tv->members[j];
		}
	}
	/* the structs, in first-use order */
	const char **s = arena_alloc(a, k * sizeof(*s));
	bool *done = arena_alloc(a, k * sizeof(*done));
	uint32_t ns = 0;
	s = arena_alloc(a, 2 * k * sizeof(*s));
	done = arena_alloc(a, 2 * k * sizeof(*done));
	for (uint32_t x = 0; x < k; x++)
		if (!seen(s, ns, m[x]->sname)) {
			s[ns++] = m[x]->sname;
			fprintf(o, "struct %s___bstap;\n", m[x]->sname);
		}
	/* an embedded struct none of whose members is read (&$file->f_path) is defined empty */
	for (uint32_t x = 0; x < k; x++) {
		const char *t = m[x]->mtype;
		if (!strncmp(t, "struct ", 7) && !strchr(t, '*') && !seen(s, ns, t + 7)) {
			s[ns++] = t + 7;
			fprintf(o, "struct %s___bstap;\n", t + 7);
		}
	}
	/* a struct is complete once every struct it embeds is: repeat until all are */
	for (uint32_t left = ns, progress = 1; left && progress;) {
		progress = 0;
		for (uint32_t si = 0; si < ns; si++) {
			if (done[si])
				continue;
			bool ready = true;
			for (uint32_t x = 0; x < k && ready; x++) {
				const char *t = m[x]->mtype;
				if (strcmp(m[x]->sname, s[si]) || strchr(t, '*') || strncmp(t, "struct ", 7))
					continue;
				for (uint32_t sj = 0; sj < ns; sj++)
					if (!strcmp(s[sj], t + 7) && !done[sj])
						ready = false;
			}
			if (!ready)
				continue;
			fprintf(o, "struct %s___bstap {", s[si]);
			for (uint32_t x = 0; x < k; x++) {
				if (strcmp(m[x]->sname, s[si]))
					continue;
				if (!strcmp(m[x]->mtype, "enum"))
					fprintf(o, " enum { %s___bstap_%s_0 } %s;", s[si], m[x]->mname,
						m[x]->mname);
				else
					fprintf(o, " %s;", declare(a, local_type(a, m[x]->mtype), m[x]->mname));
			}
			fprintf(o, " } __attribute__((preserve_access_index));\n");
			done[si] = true;
			left--;
			progress = 1;
		}
	}
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
		/* every member any probe reads from this struct (kernel functions: each its own
		 * registers) */
		const char **mem = arena_alloc(a, 1 * sizeof(*mem));
		uint32_t nmem = 0;
		fprintf(o, "struct %s___bstap {", tv->btf_struct);
		for (uint32_t j = i; j < p->probes.n; j++) {
			const struct tvar_set *tj = p->probes.v[j]->tvars;
			if (p->probes.v[j]->place != PLACE_KERNEL || !tj || !tj->btf_struct ||
			    strcmp(tj->btf_struct, tv->btf_struct))
				continue;
			for (uint32_t k = 0; k < tj->n; k++) {
				if (!tj->v[k].member || tj->v[k].nsteps || seen(mem, nmem, tj->v[k].member))
					continue;
				mem = arena_realloc(a, mem, (nmem + 1) * sizeof(*mem), (nmem + 2) * sizeof(*mem));
				mem[nmem++] = tj->v[k].member;
				fprintf(o, " %s;", declare(a, tj->v[k].member_type, tj->v[k].member));
			}
		}
		fprintf(o, " } __attribute__((preserve_access_index));\n");
	}
	chase_decls(a, o, p);
}

/* A chase: from the base value, one bpf_probe_read_kernel per step, each at a CO-RE
 * relocated address (fa); when one faults (a NULL pointer on the way included), on_fault runs
 * with fa set, or dst is 0 (or "") without one. */
static const char *chase_read(struct arena *a, const struct tvar_set *tv, const struct tvar *v,
			      const char *dst, uint32_t maxstr, const char *base, const char *on_fault)
{
	const struct tvar *b = base ? NULL : &tv->v[v->base];
	if (b)
		base = b->member ? arena_printf(a, "((struct %s___bstap *)ctx)->%s", tv->btf_struct,
						b->member)
				 : arena_printf(a, "*(u64 *)((char *)ctx + %u)", b->offset);
	const char *s = arena_printf(a, "{ const void *q = (const void *)%s; u64 fa = 0; int ok = 1;",
				     base);
	for (uint32_t i = 0; i + 1 < v->nsteps; i++)
		s = arena_printf(a, "%s ok = ok && (fa = (u64)&((struct %s___bstap *)q)->%s, "
			 "!bpf_probe_read_kernel(&q, sizeof(q), (const void *)fa));", s,
			 v->steps[i].sname, v->steps[i].path);
	const struct tvar_step *l = &v->steps[v->nsteps - 1];
	const char *last = arena_printf(a, "(fa = (u64)&((struct %s___bstap *)q)->%s, (const void *)fa)",
					l->sname, l->path);
	const char *fault = on_fault ? arena_printf(a, " if (!ok) { %s }", on_fault) : "";
	if (v->addr)	/* &$p->member: where it is, nothing read there */
		return arena_printf(a, "%s %s = ok ? (s64)(u64)%s : 0;%s }", s, dst, last, fault);
	if (v->kind == TV_CHARS) {
		uint32_t n = v->size < maxstr - 1 ? v->size : maxstr - 1;
		return arena_printf(a, "%s ok = ok && !bpf_probe_read_kernel(%s, %u, %s); if (!ok) "
				    "%s[0] = 0; %s[%u] = 0;%s }", s, dst, n, last, dst, dst, n, fault);
	}
	const char *t = tvar_int_type(v->size, v->is_signed);
	if (!t)
		return NULL;
	return arena_printf(a, "%s u64 r = 0; ok = ok && !bpf_probe_read_kernel(&r, %u, %s); "
			    "%s = ok ? (s64)(%s)r : 0;%s }", s, v->size, last, dst, t, fault);
}

const char *gen_tvar_read(struct arena *a, const struct tvar_set *tv, uint32_t i, uint32_t elem,
			  const char *dst, uint32_t maxstr, const char *on_fault)
{
	const struct tvar *v = &tv->v[i];
	if (v->nsteps)
		return v->base == UINT32_MAX ? NULL : chase_read(a, tv, v, dst, maxstr, NULL, on_fault);
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

const char *gen_chase_from(struct arena *a, const struct tvar_set *tv, uint32_t i,
			   const char *base_expr, const char *dst, uint32_t maxstr, const char *on_fault)
{
	const struct tvar *v = &tv->v[i];
	if (!v->nsteps)
		return NULL;
	return chase_read(a, tv, v, dst, maxstr, arena_printf(a, "(%s)", base_expr), on_fault);
}

void gen_entry_map(FILE *o, uint32_t id, uint32_t n)
{
	fprintf(o, "struct bstap_entry_%u { s64 v[%u]; };\n"
		"struct {\n\t__uint(type, BPF_MAP_TYPE_HASH);\n\t__uint(max_entries, 10240);\n"
		"\t__uint(map_flags, BPF_F_NO_PREALLOC);\n\t__type(key, u64);\n"
		"\t__type(value, struct bstap_entry_%u);\n} bstap_entry_%u SEC(\".maps\");\n",
		id, n, id, id);
}

int gen_entry_prog(struct arena *a, FILE *o, const struct eprobe *ep, const uint32_t *idx,
		   const uint32_t *elem, uint32_t n, uint32_t maxstr, struct meta_group *mg)
{
	/* fexit keeps the parameters, so only @entry chases need it, from an fentry program */
	fprintf(o, "SEC(\"%s/%s\")\nint entry_%u(void *ctx)\n{\n"
		"\tstruct bstap_entry_%u e = { 0 };\n", ep->at.flags & ATTACH_FENTRY ? "fentry" : "kprobe",
		ep->at.target, ep->id, ep->id);
	for (uint32_t k = 0; k < n; k++) {
		/* a fault here gives 0: the return probe has no error site to report it at */
		const char *st = gen_tvar_read(a, ep->tvars, idx[k], elem[k],
					       arena_printf(a, "e.v[%u]", k), maxstr, NULL);
		if (!st)
			return -1;
		fprintf(o, "\t%s\n", st);
	}
	fprintf(o, "\tu64 id = bpf_get_current_pid_tgid();\n"
		"\tbpf_map_update_elem(&bstap_entry_%u, &id, &e, BPF_ANY);\n\treturn 0;\n}\n\n",
		ep->id);
	memset(mg, 0, sizeof(*mg));
	mg->at = ep->at;
	mg->at.flags &= ~(uint32_t)ATTACH_RETURN;
	mg->prog = arena_printf(a, "entry_%u", ep->id);
	mg->pp = ep->pp;
	mg->optional = ep->optional;
	mg->loc = ep->loc;
	return 0;
}
