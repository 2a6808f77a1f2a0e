/* The tracepoint catalog: tracefs for names and formats, BTF for the record structs. */
#include "lang/tracepoints.h"

#include <bpf/btf.h>
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/kfuncs.h"
#include "lang/readfile.h"
#include "prog/tracefs.h"

struct btf_name {
	const char *name;
	uint32_t id;
	const char *sig;	/* structs: member names after 'ent', comma-separated (lazily) */
};

struct tp_catalog {
	struct arena *a;
	const char *root;
	const char **names;	/* "sys:event" */
	uint32_t n;
	struct btf *btf;	/* NULL when unreadable: fields then come from tracefs only */
	bool foreign;		/* btf is another kernel's (--kernel-btf): its records may be laid
				 * out differently from this kernel's formats, so only names match */
	struct btf_name *structs;	/* trace_event_raw_*, sorted by name */
	uint32_t nstructs;
	const char **raws;	/* btf_trace_* typedef names without the prefix, sorted */
	uint32_t nraws;
};

/* One catalog per compile: the front end runs once per process, and a wildcard over every
 * event must not read tracefs and BTF once per probe point. */
static struct tp_catalog *cached;
static struct arena *cached_arena;

static int cmp_name(const void *x, const void *y)
{
	return strcmp(((const struct btf_name *)x)->name, ((const struct btf_name *)y)->name);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Index the BTF names the catalog asks about: a linear libbpf lookup per event is too slow. */
static void index_btf(struct tp_catalog *c)
{
	uint32_t cnt = btf__type_cnt(c->btf);
	uint32_t ns = 0, nr = 0, caps = 64, capr = 64;
	c->structs = malloc(caps * sizeof(*c->structs));
	c->raws = malloc(capr * sizeof(*c->raws));
	for (uint32_t id = 1; id < cnt && c->structs && c->raws; id++) {
		const struct btf_type *t = btf__type_by_id(c->btf, id);
		const char *name = btf__name_by_offset(c->btf, t->name_off);
		if (!name || !*name)
			continue;
		if (btf_is_struct(t) && !strncmp(name, "trace_event_raw_", 16)) {
			if (ns == caps)
				c->structs = realloc(c->structs, (caps *= 2) * sizeof(*c->structs));
			if (c->structs)
				c->structs[ns++] = (struct btf_name){ name, id, NULL };
		} else if (btf_is_typedef(t) && !strncmp(name, "btf_trace_", 10)) {
			if (nr == capr)
				c->raws = realloc(c->raws, (capr *= 2) * sizeof(*c->raws));
			if (c->raws)
				c->raws[nr++] = name + 10;
		}
	}
	if (!c->structs || !c->raws) {
		free(c->structs);
		free(c->raws);
		c->structs = NULL;
		c->raws = NULL;
		return;
	}
	/* copied into the arena so that nothing outlives it */
	struct btf_name *s = arena_alloc(c->a, (ns + 1) * sizeof(*s));
	memcpy(s, c->structs, ns * sizeof(*s));
	const char **r = arena_alloc(c->a, (nr + 1) * sizeof(*r));
	memcpy(r, c->raws, nr * sizeof(*r));
	free(c->structs);
	free(c->raws);
	qsort(s, ns, sizeof(*s), cmp_name);
	qsort(r, nr, sizeof(*r), cmp_str);
	c->structs = s, c->nstructs = ns;
	c->raws = r, c->nraws = nr;
}

struct tp_catalog *tp_catalog_get(struct arena *a, const char *kernel_btf, char *why,
				  size_t whylen)
{
	if (cached && cached_arena == a)
		return cached;
	const char *root = tracefs_root(why, whylen);
	if (!root)
		return NULL;
	struct tp_catalog *c = arena_alloc(a, sizeof(*c));
	c->a = a;
	c->root = root;
	char path[256];
	snprintf(path, sizeof(path), "%s/available_events", root);
	char *text = file_text(a, path, NULL);
	if (!text) {
		snprintf(why, whylen, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	uint32_t cap = 256;
	c->names = arena_alloc(a, cap * sizeof(*c->names));
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strchr(line, ':'))
			continue;
		if (c->n == cap) {
			c->names = arena_realloc(a, c->names, cap * sizeof(*c->names),
						 2 * cap * sizeof(*c->names));
			cap *= 2;
		}
		c->names[c->n++] = line;
	}
	c->btf = kernel_btf ? btf__parse(kernel_btf, NULL) : btf__load_vmlinux_btf();
	c->foreign = kernel_btf != NULL;
	if (c->btf)
		index_btf(c);
	if (cached && cached->btf)
		btf__free(cached->btf);
	cached = c;
	cached_arena = a;
	return c;
}

void tp_catalog_release(void)
{
	kf_catalog_release();	/* the kernel functions' BTF goes with it */
	if (cached && cached->btf)
		btf__free(cached->btf);
	cached = NULL;
	cached_arena = NULL;
}

const char **tp_match(struct tp_catalog *c, const char *sys_pat, const char *ev_pat, uint32_t *n)
{
	const char **out = arena_alloc(c->a, (c->n + 1) * sizeof(*out));
	uint32_t k = 0;
	char sys[256];
	for (uint32_t i = 0; i < c->n; i++) {
		const char *colon = strchr(c->names[i], ':');
		size_t sl = (size_t)(colon - c->names[i]);
		if (sl >= sizeof(sys))
			continue;
		memcpy(sys, c->names[i], sl);
		sys[sl] = 0;
		if (!fnmatch(sys_pat, sys, 0) && !fnmatch(ev_pat, colon + 1, 0))
			out[k++] = c->names[i];
	}
	*n = k;
	return out;
}

const char **tp_all(struct tp_catalog *c, uint32_t *n)
{
	*n = c->n;
	return c->names;
}

static bool has_raw(const struct tp_catalog *c, const char *event)
{
	return c->raws && bsearch(&event, c->raws, c->nraws, sizeof(*c->raws), cmp_str);
}

/*
 * The width and signedness a field's declared type has, when the record stores it wider: the
 * syscalls:* events keep every argument as an unsigned long, so "int dfd" holds AT_FDCWD as
 * 0xffffff9c unless it is read as the int it is.
 */
static bool declared_width(const char *type, uint32_t *size, bool *sign)
{
	static const struct { const char *name; uint32_t size; bool sign; } types[] = {
		{ "int", 4, true },	       { "unsigned int", 4, false }, { "unsigned", 4, false },
		{ "short", 2, true },	       { "unsigned short", 2, false },
		{ "char", 1, true },	       { "unsigned char", 1, false },
		{ "bool", 1, false },	       { "s8", 1, true },	     { "u8", 1, false },
		{ "s16", 2, true },	       { "u16", 2, false },	     { "s32", 4, true },
		{ "u32", 4, false },	       { "__s32", 4, true },	     { "__u32", 4, false },
		{ "pid_t", 4, true },	       { "uid_t", 4, false },	     { "gid_t", 4, false },
		{ "qid_t", 4, false },	       { "umode_t", 2, false },	     { "key_serial_t", 4, true },
		{ "clockid_t", 4, true },      { "mqd_t", 4, true },	     { "timer_t", 4, true },
		{ "rwf_t", 4, true },	       { "aio_context_t", 8, false },
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(type, types[i].name)) {
			*size = types[i].size;
			*sign = types[i].sign;
			return true;
		}
	return false;
}

/* Parse "field:TYPE NAME[N];\toffset:O;\tsize:S;\tsigned:G;" into v; false if not a field. */
static bool parse_field(struct arena *a, const char *line, struct tvar *v)
{
	const char *p = strstr(line, "field:");
	if (!p)
		return false;
	p += 6;
	const char *semi = strchr(p, ';');
	if (!semi)
		return false;
	const char *o = strstr(semi, "offset:"), *s = strstr(semi, "size:"),
		   *g = strstr(semi, "signed:");
	if (!o || !s)
		return false;
	v->offset = (uint32_t)strtoul(o + 7, NULL, 10);
	v->size = (uint32_t)strtoul(s + 5, NULL, 10);
	v->is_signed = g && g[7] == '1';
	/* the declaration: TYPE NAME, TYPE NAME[N] or "__data_loc TYPE[] NAME" */
	const char *end = semi;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	uint32_t count = 0;
	const char *decl_end = end;
	if (end > p && end[-1] == ']') {
		const char *lb = end - 1;
		while (lb > p && *lb != '[')
			lb--;
		count = (uint32_t)strtoul(lb + 1, NULL, 0);
		end = lb;
	}
	const char *ns = end;
	while (ns > p && (isalnum((unsigned char)ns[-1]) || ns[-1] == '_'))
		ns--;
	if (ns == end)
		return false;
	v->name = arena_strndup(a, ns, (size_t)(end - ns));
	const char *te = ns;
	while (te > p && isspace((unsigned char)te[-1]))
		te--;
	const char *type = arena_strndup(a, p, (size_t)(te - p));
	v->ctype = count ? arena_printf(a, "%s[%u]", type, count) : type;
	(void)decl_end;
	if (!strncmp(type, "__data_loc", 10)) {
		v->kind = TV_DATALOC;
	} else if (count && (!strcmp(type, "char") || !strcmp(type, "const char") ||
			     !strcmp(type, "unsigned char") || !strcmp(type, "u8"))) {
		v->kind = TV_CHARS;
	} else if (count) {
		v->kind = TV_ARRAY;
		v->count = count;
		if (v->size % count)
			return false;
	} else {
		v->kind = TV_INT;
		uint32_t w;
		bool sign;
		if (declared_width(type, &w, &sign) && w < v->size) {
			v->size = w;	/* little-endian: the low bytes are at the field's offset */
			v->is_signed = sign;
		}
	}
	return true;
}

/* The BTF member name a field has in trace_event_raw_<class>. */
static const char *member_name(struct arena *a, const struct tvar *v)
{
	return v->kind == TV_DATALOC ? arena_printf(a, "__data_loc_%s", v->name) : v->name;
}

/* Does struct id lay out exactly these fields (names and offsets, after 'ent')? */
static bool struct_matches(struct tp_catalog *c, uint32_t id, const struct tvar *v, uint32_t n)
{
	const struct btf_type *t = btf__type_by_id(c->btf, id);
	const struct btf_member *m = btf_members(t);
	uint32_t k = 0;
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *name = btf__name_by_offset(c->btf, m[i].name_off);
		if (!name || !strcmp(name, "ent") || !strcmp(name, "__data"))
			continue;
		if (k >= n || strcmp(name, member_name(c->a, &v[k])) ||
		    (!c->foreign && btf_member_bit_offset(t, (uint32_t)i) != v[k].offset * 8))
			return false;
		k++;
	}
	return k == n;
}

/*
 * The record struct for an event: trace_event_raw_<event>, else the struct of its event class
 * (sched_wakeup's is trace_event_raw_sched_wakeup_template): one whose members match the
 * format, the one whose name shares most with the event's when several do.
 */
static const char *record_struct(struct tp_catalog *c, const char *event, const struct tvar *v,
				 uint32_t n, uint32_t *id)
{
	if (!c->structs)
		return NULL;
	const char *want = arena_printf(c->a, "trace_event_raw_%s", event);
	struct btf_name key = { want, 0, NULL };
	struct btf_name *hit = bsearch(&key, c->structs, c->nstructs, sizeof(key), cmp_name);
	if (hit && struct_matches(c, hit->id, v, n)) {
		*id = hit->id;
		return hit->name;
	}
	const char *best = NULL;
	size_t best_len = 0;
	for (uint32_t i = 0; i < c->nstructs; i++) {
		const char *cls = c->structs[i].name + 16;
		size_t l = 0;
		while (cls[l] && cls[l] == event[l])
			l++;
		if ((!best || l > best_len) && struct_matches(c, c->structs[i].id, v, n))
			best = c->structs[i].name, best_len = l, *id = c->structs[i].id;
	}
	return best;
}

/* The C type a member is declared with, as CO-RE matches it: kinds must agree, sizes need not. */
static const char *scalar_type(struct tp_catalog *c, uint32_t tid, uint32_t size, bool sign)
{
	const struct btf_type *t = btf__type_by_id(c->btf, tid);
	while (t && (btf_is_typedef(t) || btf_is_mod(t))) {
		tid = t->type;
		t = btf__type_by_id(c->btf, tid);
	}
	if (!t)
		return NULL;
	if (btf_is_ptr(t))
		return "void *";
	if (btf_is_enum(t)) {
		const char *name = btf__name_by_offset(c->btf, t->name_off);
		return name && *name && t->size == 4 ? arena_printf(c->a, "enum %s", name) : NULL;
	}
	return btf_is_int(t) ? tvar_int_type(size, sign) : NULL;
}

static void member_types(struct tp_catalog *c, uint32_t sid, struct tvar *v, uint32_t n)
{
	const struct btf_type *t = btf__type_by_id(c->btf, sid);
	const struct btf_member *m = btf_members(t);
	uint32_t k = 0;
	for (int i = 0; i < btf_vlen(t) && k < n; i++) {
		const char *name = btf__name_by_offset(c->btf, m[i].name_off);
		if (!name || !strcmp(name, "ent") || !strcmp(name, "__data"))
			continue;
		struct tvar *f = &v[k++];
		f->member = arena_strdup(c->a, name);	/* BTF strings go with the catalog */
		const struct btf_type *mt = btf__type_by_id(c->btf, m[i].type);
		while (mt && (btf_is_typedef(mt) || btf_is_mod(mt)))
			mt = btf__type_by_id(c->btf, mt->type);
		if (f->kind == TV_CHARS && mt && btf_is_array(mt)) {
			f->member_type = arena_printf(c->a, "char [%u]", btf_array(mt)->nelems);
		} else if (f->kind == TV_ARRAY && mt && btf_is_array(mt)) {
			const char *et = scalar_type(c, btf_array(mt)->type, f->size / f->count,
						     f->is_signed);
			f->member_type = et ? arena_printf(c->a, "%s [%u]", et, btf_array(mt)->nelems)
					    : NULL;
		} else if (f->kind == TV_DATALOC) {
			f->member_type = "u32";
		} else {
			f->member_type = scalar_type(c, m[i].type, f->size, f->is_signed);
		}
		if (!f->member_type)
			f->member = NULL;	/* read at the format's offset instead */
	}
}

const struct tvar_set *tp_fields(struct tp_catalog *c, const char *sys_event, char *why,
				 size_t whylen)
{
	const char *colon = strchr(sys_event, ':');
	if (!colon) {
		snprintf(why, whylen, "'%s' is not subsystem:event", sys_event);
		return NULL;
	}
	const char *event = colon + 1;
	char path[512];
	snprintf(path, sizeof(path), "%s/events/%.*s/%s/format", c->root, (int)(colon - sys_event),
		 sys_event, event);
	char *text = file_text(c->a, path, NULL);
	if (!text) {
		snprintf(why, whylen, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	uint32_t cap = 16, n = 0;
	struct tvar *v = arena_alloc(c->a, cap * sizeof(*v));
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		struct tvar f = { 0 };
		if (!parse_field(c->a, line, &f) || !strncmp(f.name, "common_", 7))
			continue;
		if (n == cap) {
			v = arena_realloc(c->a, v, cap * sizeof(*v), 2 * cap * sizeof(*v));
			cap *= 2;
		}
		v[n++] = f;
	}
	struct tvar_set *set = arena_alloc(c->a, sizeof(*set));
	set->event = arena_strdup(c->a, event);
	set->v = v;
	set->n = n;
	uint32_t sid = 0;
	set->btf_struct = record_struct(c, event, v, n, &sid);
	if (set->btf_struct)
		set->btf_struct = arena_strdup(c->a, set->btf_struct);
	if (set->btf_struct)
		member_types(c, sid, v, n);
	/* the syscalls:* events are made by the syscall tracer, not by tracepoints of their own */
	set->raw_ok = strncmp(sys_event, "syscalls:", 9) && has_raw(c, event);
	return set;
}
