/* The kernel's functions from BTF: names, parameters, return types, struct members. */
#include "lang/kfuncs.h"

#include <bpf/btf.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/readfile.h"
#include "prog/strbuf.h"
#include "prog/tracefs.h"

struct kf_fn {
	const char *name;
	uint32_t proto;		/* its FUNC_PROTO type id */
};

struct kf_catalog {
	struct arena *a;
	struct btf *btf;
	struct btf *base;	/* modules: vmlinux's BTF they refer to, or NULL */
	const char *module;
	struct kf_fn *fns;	/* sorted by name, one per name */
	uint32_t n;
	const char **traceable;	/* ftrace's list, sorted (NULL: not read or unreadable) */
	uint32_t ntraceable;
	bool traceable_read;
};

/* One catalog per module per compile (the kernel's is the one with module NULL). */
enum { KF_CACHE = 8 };
static struct kf_catalog *cache[KF_CACHE];
static uint32_t ncache;
static struct arena *cache_arena;
/* the catalog whose BTF the tvar sets handed out refer to (kf_chase reads it) */
static struct kf_catalog *last;

static int cmp_fn(const void *x, const void *y)
{
	return strcmp(((const struct kf_fn *)x)->name, ((const struct kf_fn *)y)->name);
}

void kf_catalog_release(void)
{
	for (uint32_t i = 0; i < ncache; i++) {
		btf__free(cache[i]->btf);
		btf__free(cache[i]->base);
		free(cache[i]->fns);
		free(cache[i]);
	}
	ncache = 0;
	cache_arena = NULL;
	last = NULL;
}

static bool same_module(const char *x, const char *y)
{
	return x == y || (x && y && !strcmp(x, y));
}

struct kf_catalog *kf_catalog_get(struct arena *a, const char *kernel_btf, const char *module,
				  char *why, size_t whylen)
{
	if (cache_arena && cache_arena != a)
		kf_catalog_release();
	for (uint32_t i = 0; i < ncache; i++)
		if (same_module(cache[i]->module, module))
			return last = cache[i];
	if (ncache == KF_CACHE) {
		snprintf(why, whylen, "too many modules");
		return NULL;
	}
	struct btf *btf, *base = NULL;
	if (!module) {
		btf = kernel_btf ? btf__parse(kernel_btf, NULL) : btf__load_vmlinux_btf();
		if (!btf) {
			snprintf(why, whylen, "cannot read the kernel's BTF %s: %s",
				 kernel_btf ? kernel_btf : "(/sys/kernel/btf/vmlinux)", strerror(errno));
			return NULL;
		}
	} else {
		if (kernel_btf) {
			snprintf(why, whylen, "module functions need the running kernel's BTF, not "
				 "--kernel-btf");
			return NULL;
		}
		base = btf__load_vmlinux_btf();
		btf = base ? btf__load_module_btf(module, base) : NULL;
		if (!btf) {
			snprintf(why, whylen, "no BTF for module '%s' (/sys/kernel/btf/%s): %s", module,
				 module, strerror(errno));
			btf__free(base);
			return NULL;
		}
	}
	/* the catalog outlives no arena: kf_catalog_release frees it (its strings are the
	 * arena's, but the arena changes only after a release) */
	struct kf_catalog *c = calloc(1, sizeof(*c));
	if (!c) {
		btf__free(btf);
		btf__free(base);
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	c->a = a;
	c->btf = btf;
	c->base = base;
	c->module = module ? arena_strdup(a, module) : NULL;
	uint32_t cnt = btf__type_cnt(btf), cap = 1024;
	uint32_t first = base ? btf__type_cnt(base) : 1;
	c->fns = malloc(cap * sizeof(*c->fns));
	for (uint32_t id = first; id < cnt && c->fns; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		if (!btf_is_func(t))
			continue;
		const char *name = btf__name_by_offset(btf, t->name_off);
		if (!name || !*name)
			continue;
		if (c->n == cap) {
			struct kf_fn *v = realloc(c->fns, (cap *= 2) * sizeof(*v));
			if (!v)
				break;
			c->fns = v;
		}
		c->fns[c->n++] = (struct kf_fn){ name, t->type };
	}
	if (!c->fns) {
		btf__free(btf);
		btf__free(base);
		free(c);
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	qsort(c->fns, c->n, sizeof(*c->fns), cmp_fn);
	uint32_t k = 0;
	for (uint32_t i = 0; i < c->n; i++)
		if (!k || strcmp(c->fns[k - 1].name, c->fns[i].name))
			c->fns[k++] = c->fns[i];
	c->n = k;
	cache[ncache++] = c;
	cache_arena = a;
	return last = c;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* ftrace's traceable functions of the catalog's kernel or module, sorted; NULL: unreadable */
static void load_traceable(struct kf_catalog *c)
{
	c->traceable_read = true;
	char rootbuf[256];
	const char *root = tracefs_root(rootbuf, sizeof(rootbuf));
	if (!root)
		return;
	char path[512];
	snprintf(path, sizeof(path), "%s/available_filter_functions", root);
	char *text = file_text(c->a, path, NULL);
	if (!text)
		return;
	uint32_t cap = 4096, n = 0;
	const char **v = arena_alloc(c->a, cap * sizeof(*v));
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *sp = strchr(line, ' ');
		const char *mod = sp ? strchr(sp, '[') : NULL;
		if (sp)
			*sp = 0;
		/* "name [module]": only the catalog's module's; plain names: the kernel's */
		if (c->module ? !mod || strncmp(mod + 1, c->module, strlen(c->module)) ||
					mod[1 + strlen(c->module)] != ']'
			      : mod != NULL)
			continue;
		if (n == cap) {
			v = arena_realloc(c->a, v, cap * sizeof(*v), 2 * cap * sizeof(*v));
			cap *= 2;
		}
		v[n++] = line;
	}
	qsort(v, n, sizeof(*v), cmp_str);
	c->traceable = v;
	c->ntraceable = n;
}

const char **kf_match(struct kf_catalog *c, const char *pattern, bool traceable, uint32_t *n)
{
	if (traceable && !c->traceable_read)
		load_traceable(c);
	*n = 0;
	if (!strpbrk(pattern, "*?[")) {
		struct kf_fn key = { pattern, 0 };
		if (!bsearch(&key, c->fns, c->n, sizeof(key), cmp_fn))
			return NULL;
		const char **v = arena_alloc(c->a, sizeof(*v));
		v[0] = arena_strdup(c->a, pattern);
		*n = 1;
		return v;
	}
	const char **v = arena_alloc(c->a, (c->n + 1) * sizeof(*v));
	for (uint32_t i = 0; i < c->n; i++)
		if (!fnmatch(pattern, c->fns[i].name, 0) &&
		    (!traceable || !c->traceable ||
		     bsearch(&c->fns[i].name, c->traceable, c->ntraceable, sizeof(char *), cmp_str)))
			v[(*n)++] = arena_strdup(c->a, c->fns[i].name);
	return v;
}

static const struct btf_type *skip_mods(const struct btf *btf, uint32_t *id)
{
	const struct btf_type *t = btf__type_by_id(btf, *id);
	while (t && (btf_is_typedef(t) || btf_is_mod(t))) {
		*id = t->type;
		t = btf__type_by_id(btf, *id);
	}
	return t;
}

/* The kernel's spelling of a type as stap -L gives it: "struct file*", "size_t", "const char*". */
static void spell(const struct btf *btf, uint32_t id, struct strbuf *sb, int depth)
{
	const struct btf_type *t = id ? btf__type_by_id(btf, id) : NULL;
	if (!t || depth > 16) {
		strbuf_puts(sb, "void");
		return;
	}
	const char *name = btf__name_by_offset(btf, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
		/* as stap -L spells them: "struct file*", "char**" */
		spell(btf, t->type, sb, depth + 1);
		strbuf_puts(sb, "*");
		return;
	case BTF_KIND_CONST:
		strbuf_puts(sb, "const ");
		spell(btf, t->type, sb, depth + 1);
		return;
	case BTF_KIND_VOLATILE:
		strbuf_puts(sb, "volatile ");
		spell(btf, t->type, sb, depth + 1);
		return;
	case BTF_KIND_STRUCT:
		strbuf_printf(sb, "struct %s", name && *name ? name : "{...}");
		return;
	case BTF_KIND_UNION:
		strbuf_printf(sb, "union %s", name && *name ? name : "{...}");
		return;
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		strbuf_printf(sb, "enum %s", name && *name ? name : "{...}");
		return;
	case BTF_KIND_ARRAY:
		spell(btf, btf_array(t)->type, sb, depth + 1);
		strbuf_printf(sb, "[%u]", btf_array(t)->nelems);
		return;
	case BTF_KIND_FUNC_PROTO:
		strbuf_puts(sb, "void (*)()");
		return;
	default:
		strbuf_puts(sb, name && *name ? name : "void");
	}
}

static const char *type_text(struct arena *a, const struct btf *btf, uint32_t id)
{
	struct strbuf sb = { 0 };
	spell(btf, id, &sb, 0);
	const char *s = arena_strdup(a, strbuf_str(&sb));
	strbuf_free(&sb);
	return s;
}

/* An integer, enum or pointer value of a parameter, a return or a chased member. */
static bool scalar(const struct btf *btf, uint32_t id, uint32_t *size, bool *sign)
{
	const struct btf_type *t = skip_mods(btf, &id);
	if (!t)
		return false;
	if (btf_is_ptr(t)) {
		*size = 8, *sign = false;
		return true;
	}
	if (btf_is_int(t)) {
		*size = t->size;
		*sign = btf_int_encoding(t) & BTF_INT_SIGNED;
		return t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8;
	}
	if (btf_is_any_enum(t)) {
		*size = t->size, *sign = false;
		return t->size == 4 || t->size == 8;
	}
	return false;
}

static const char *const regs[] = { "di", "si", "dx", "cx", "r8", "r9" };

struct tvar_set *kf_params(struct kf_catalog *c, const char *fn, bool ret, bool fentry)
{
	struct kf_fn key = { fn, 0 };
	struct kf_fn *hit = bsearch(&key, c->fns, c->n, sizeof(key), cmp_fn);
	if (!hit)
		return NULL;
	const struct btf_type *proto = btf__type_by_id(c->btf, hit->proto);
	if (!proto || !btf_is_func_proto(proto))
		return NULL;
	const struct btf_param *p = btf_params(proto);
	uint32_t np = btf_vlen(proto);
	struct tvar *v = arena_alloc(c->a, (np + 2) * sizeof(*v));
	struct tvar_set *tv = arena_alloc(c->a, sizeof(*tv));
	tv->event = arena_strdup(c->a, fn);
	tv->btf_struct = fentry ? NULL : "pt_regs";	/* fentry: u64 args[], at offsets */
	tv->kfunc = true;
	tv->v = v;
	/* at a return the argument registers hold whatever the function left there: parameters
	 * are read at its entry and kept for the return, as stap's @entry */
	for (uint32_t i = 0; i < np && i < 6; i++) {
		const char *name = btf__name_by_offset(c->btf, p[i].name_off);
		uint32_t size;
		bool sign;
		if (!name || !*name || !scalar(c->btf, p[i].type, &size, &sign))
			continue;	/* a struct passed by value, or varargs: not offered */
		struct tvar *f = &v[tv->n++];
		f->name = arena_strdup(c->a, name);
		f->ctype = type_text(c->a, c->btf, p[i].type);
		f->kind = TV_INT;
		f->size = size;
		f->is_signed = sign;
		f->member = fentry ? NULL : regs[i];
		f->member_type = fentry ? NULL : "unsigned long";
		f->btf_id = p[i].type;
		f->offset = 8 * i;	/* fentry/fexit: where the trampoline puts it */
		f->entry = ret && !fentry;	/* fexit still has them */
	}
	uint32_t size;
	bool sign;
	if (ret && proto->type && scalar(c->btf, proto->type, &size, &sign)) {
		struct tvar *f = &v[tv->n++];
		f->name = "return";
		f->ctype = type_text(c->a, c->btf, proto->type);
		f->kind = TV_INT;
		f->size = size;
		f->is_signed = sign;
		f->member = fentry ? NULL : "ax";
		f->member_type = fentry ? NULL : "unsigned long";
		f->btf_id = proto->type;
		f->offset = 8 * np;	/* fexit: after the arguments */
	}
	return tv;
}

bool kf_is_function_set(const struct tvar_set *tv)
{
	return tv && tv->kfunc;
}

/* Edit distance, for "did you mean". */
static uint32_t distance(const char *x, const char *y)
{
	size_t n = strlen(y);
	if (n > 63)
		n = 63;
	uint32_t row[64];
	for (size_t j = 0; j <= n; j++)
		row[j] = (uint32_t)j;
	for (size_t i = 1; x[i - 1]; i++) {
		uint32_t diag = row[0];
		row[0] = (uint32_t)i;
		for (size_t j = 1; j <= n; j++) {
			uint32_t up = row[j];
			uint32_t best = diag + (x[i - 1] != y[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[n];
}

/* Member name of struct/union sid, searched through anonymous members too. */
static bool find_member(const struct btf *btf, uint32_t sid, const char *name, uint32_t *type,
			int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, sid);
	if (!t || !btf_is_composite(t) || depth > 8)
		return false;
	const struct btf_member *m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *mn = btf__name_by_offset(btf, m[i].name_off);
		if (mn && !strcmp(mn, name)) {
			if (btf_member_bitfield_size(t, (uint32_t)i))
				return false;
			*type = m[i].type;
			return true;
		}
		if ((!mn || !*mn) && find_member(btf, m[i].type, name, type, depth + 1))
			return true;
	}
	return false;
}

/* The three members of sid nearest to name (anonymous members' included). */
static void nearest(const struct btf *btf, uint32_t sid, const char *name, const char *best[3],
		    uint32_t dist[3], int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, sid);
	if (!t || !btf_is_composite(t) || depth > 8)
		return;
	const struct btf_member *m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *mn = btf__name_by_offset(btf, m[i].name_off);
		if (!mn || !*mn) {
			nearest(btf, m[i].type, name, best, dist, depth + 1);
			continue;
		}
		uint32_t dd = distance(name, mn);
		for (int k = 0; k < 3; k++) {
			if (!best[k] || dd < dist[k]) {
				for (int j = 2; j > k; j--)
					best[j] = best[j - 1], dist[j] = dist[j - 1];
				best[k] = mn, dist[k] = dd;
				break;
			}
		}
	}
}

static void add_member(struct arena *a, struct tvar_set *tv, const char *sname, const char *mname,
		       const char *mtype)
{
	for (uint32_t i = 0; i < tv->nmembers; i++)
		if (!strcmp(tv->members[i].sname, sname) && !strcmp(tv->members[i].mname, mname))
			return;
	struct tvar_member *v = arena_alloc(a, (tv->nmembers + 1) * sizeof(*v));
	if (tv->nmembers)
		memcpy(v, tv->members, tv->nmembers * sizeof(*v));
	v[tv->nmembers++] = (struct tvar_member){ sname, mname, mtype };
	tv->members = v;
}

bool kf_pointee_scalar(uint32_t btf_id, uint32_t *size, bool *sign)
{
	if (!last || !btf_id)
		return false;
	uint32_t id = btf_id;
	const struct btf_type *t = skip_mods(last->btf, &id);
	if (!t || !btf_is_ptr(t))
		return false;
	return scalar(last->btf, t->type, size, sign);
}

int kf_chase(struct arena *a, struct diag *d, const struct loc *loc, struct tvar_set *tv,
	     uint32_t base, const char *chase, bool addr, int64_t index)
{
	return kf_cast(a, d, loc, tv, base, NULL, chase, addr, index);
}

int kf_cast(struct arena *a, struct diag *d, const struct loc *loc, struct tvar_set *tv,
	    uint32_t base, const char *cast, const char *chase, bool addr, int64_t index)
{
	if (!last) {
		char why[256];
		if (!cast || !kf_catalog_get(a, NULL, NULL, why, sizeof(why))) {
			diag_error(d, loc, "no kernel BTF to chase '%s' in", chase);
			return -1;
		}
	}
	const struct btf *btf = last->btf;
	const struct tvar *bv = cast ? NULL : &tv->v[base];
	uint32_t cur = bv ? bv->btf_id : 0;
	const char *curtext = bv ? bv->ctype : NULL;
	struct tvar_step *steps = arena_alloc(a, (strlen(chase) / 2 + 1) * sizeof(*steps));
	uint32_t nsteps = 0;
	const char *sname = NULL;	/* the struct the current path is in */
	struct strbuf path = { 0 };
	const char *walked = bv ? arena_printf(a, "$%s", bv->name) : NULL;
	bool indexed = false;
	if (cast) {
		/* @cast(ptr, "name"): as if ptr pointed to struct (or union) name */
		const char *sn = !strncmp(cast, "struct ", 7) ? cast + 7 : cast;
		int id = btf__find_by_name_kind(btf, sn, BTF_KIND_STRUCT);
		if (id < 0)
			id = btf__find_by_name_kind(btf, sn, BTF_KIND_UNION);
		if (id < 0) {
			diag_error(d, loc, "@cast: the kernel's BTF has no struct or union '%s'", sn);
			return -1;
		}
		cur = (uint32_t)id;
		sname = arena_strdup(a, sn);
		curtext = arena_printf(a, "struct %s", sn);
		walked = arena_printf(a, "@cast(..., \"%s\")", sn);
		base = UINT32_MAX;
	}
	const char *p = chase;
	int ret = -1;
	while (!strncmp(p, "->", 2)) {
		p += 2;
		size_t nl = strcspn(p, "-");
		const char *mname = arena_strndup(a, p, nl);
		p += nl;
		uint32_t id = cur;
		const struct btf_type *t = skip_mods(btf, &id);
		uint32_t sid = 0;
		if (t && btf_is_ptr(t) && !sname) {
			/* a pointer: follow it */
			sid = t->type;
			const struct btf_type *st = skip_mods(btf, &sid);
			if (!st || !btf_is_composite(st)) {
				diag_error(d, loc, "'%s' is %s, not a pointer to a struct: '->%s' cannot "
					   "follow it", walked, curtext, mname);
				goto out;
			}
		} else if (t && btf_is_composite(t) && sname) {
			sid = id;	/* a struct inside the last one: the path goes on */
		} else {
			diag_error(d, loc, "'%s' is %s, not a pointer to a struct: '->%s' cannot follow "
				   "it", walked, curtext, mname);
			goto out;
		}
		const struct btf_type *st = btf__type_by_id(btf, sid);
		const char *stn = btf__name_by_offset(btf, st->name_off);
		if (!stn || !*stn) {
			diag_error(d, loc, "'%s' is an unnamed %s: bstap cannot read it with CO-RE",
				   walked, btf_is_union(st) ? "union" : "struct");
			goto out;
		}
		uint32_t mt;
		if (!find_member(btf, sid, mname, &mt, 0)) {
			const char *best[3] = { 0 };
			uint32_t dist[3] = { 0 };
			nearest(btf, sid, mname, best, dist, 0);
			diag_error(d, loc, "%s %s has no member '%s'%s%s%s%s%s%s",
				   btf_is_union(st) ? "union" : "struct", stn, mname,
				   best[0] ? "; nearest: " : "", best[0] ? best[0] : "",
				   best[1] ? ", " : "", best[1] ? best[1] : "", best[2] ? ", " : "",
				   best[2] ? best[2] : "");
			goto out;
		}
		if (!sname) {
			sname = arena_strdup(a, stn);
			strbuf_free(&path);
		} else if (strbuf_str(&path)[0]) {
			strbuf_puts(&path, ".");
		}
		strbuf_puts(&path, mname);
		/* what the local struct declares the member as */
		uint32_t mid = mt;
		const struct btf_type *m = skip_mods(btf, &mid);
		const char *mtype;
		uint32_t size;
		bool sign;
		if (m && btf_is_composite(m)) {
			const char *mn = btf__name_by_offset(btf, m->name_off);
			if (!mn || !*mn) {
				diag_error(d, loc, "'%s->%s' is an unnamed struct or union: bstap cannot "
					   "read it with CO-RE", walked, mname);
				goto out;
			}
			mtype = arena_printf(a, "%s %s", btf_is_union(m) ? "union" : "struct", mn);
		} else if (m && btf_is_ptr(m)) {
			uint32_t pid = m->type;
			const struct btf_type *pt = skip_mods(btf, &pid);
			const char *pn = pt ? btf__name_by_offset(btf, pt->name_off) : NULL;
			mtype = pt && btf_is_composite(pt) && pn && *pn
					? arena_printf(a, "%s %s *", btf_is_union(pt) ? "union" : "struct", pn)
					: "void *";
		} else if (m && btf_is_array(m) && index >= 0 && !*p) {
			/* ->member[N]: one element of an array of integers or pointers */
			uint32_t esize;
			bool esign;
			if (!scalar(btf, btf_array(m)->type, &esize, &esign)) {
				diag_error(d, loc, "'%s->%s' is %s: bstap indexes only arrays of integers "
					   "and pointers", walked, mname, type_text(a, btf, mt));
				goto out;
			}
			if ((uint64_t)index >= btf_array(m)->nelems) {
				diag_error(d, loc, "index %lld is past the end of '%s->%s' (%s)",
					   (long long)index, walked, mname, type_text(a, btf, mt));
				goto out;
			}
			mtype = arena_printf(a, "%s [%u]", esize == 8 && !esign ? "u64" :
					     tvar_int_type(esize, esign), btf_array(m)->nelems);
			strbuf_printf(&path, "[%lld]", (long long)index);
			mt = btf_array(m)->type;	/* the value is the element */
			indexed = true;
		} else if (m && btf_is_array(m)) {
			uint32_t eid = btf_array(m)->type;
			const struct btf_type *et = skip_mods(btf, &eid);
			if (!et || !btf_is_int(et) || et->size != 1) {
				diag_error(d, loc, "'%s->%s' is %s: bstap reads only char arrays of a "
					   "struct", walked, mname, type_text(a, btf, mt));
				goto out;
			}
			mtype = arena_printf(a, "char [%u]", btf_array(m)->nelems);
		} else if (m && btf_is_any_enum(m) && m->size == 4) {
			mtype = "enum";
		} else if (scalar(btf, mt, &size, &sign)) {
			mtype = tvar_int_type(size, sign);
		} else {
			diag_error(d, loc, "'%s->%s' is %s, which bstap cannot read", walked, mname,
				   type_text(a, btf, mt));
			goto out;
		}
		add_member(a, tv, arena_strdup(a, stn), mname, mtype);
		walked = arena_printf(a, "%s->%s", walked, mname);
		cur = mt;
		curtext = type_text(a, btf, mt);
		if (!(m && btf_is_composite(m))) {
			/* a value: one read of the path from the pointer followed last */
			steps[nsteps++] = (struct tvar_step){ sname, arena_strdup(a, strbuf_str(&path)) };
			sname = NULL;
		}	/* else an embedded struct: the path goes on inside it */
	}
	if (sname && addr && nsteps < (uint32_t)(strlen(chase) / 2 + 1) && strbuf_str(&path)[0]) {
		/* &$p->embedded: the address of a struct inside the last one */
		steps[nsteps++] = (struct tvar_step){ sname, arena_strdup(a, strbuf_str(&path)) };
		sname = NULL;
	} else if (sname) {
		diag_error(d, loc, "'%s' is %s, a struct: read one of its members", walked, curtext);
		goto out;
	}
	/* the value: an integer or pointer, or a char array read as a string */
	struct tvar nv = { 0 };
	if (index >= 0 && !indexed) {
		diag_error(d, loc, "'%s' is %s, not an array: bstap indexes only array members",
			   walked, curtext);
		goto out;
	}
	if (index >= 0)
		walked = arena_printf(a, "%s[%lld]", walked, (long long)index);
	nv.name = arena_strdup(a, walked + (walked[0] == '$'));
	nv.ctype = curtext;
	uint32_t id = cur;
	const struct btf_type *t = skip_mods(btf, &id);
	uint32_t size;
	bool sign;
	if (addr) {
		if (!nsteps) {
			diag_error(d, loc, "'&%s': '&' takes a member, as in &$file->f_pos", walked);
			goto out;
		}
		nv.name = arena_printf(a, "&%s", nv.name);
		nv.ctype = arena_printf(a, "%s*", curtext);
		nv.kind = TV_INT;
		nv.size = 8;
		nv.addr = true;
	} else if (t && btf_is_array(t)) {
		nv.kind = TV_CHARS;
		nv.size = btf_array(t)->nelems;
	} else if (scalar(btf, cur, &size, &sign)) {
		nv.kind = TV_INT;
		nv.size = size;
		nv.is_signed = sign;
	} else {
		diag_error(d, loc, "'%s' is %s, which bstap cannot read", walked, curtext);
		goto out;
	}
	nv.btf_id = addr ? 0 : cur;
	nv.entry = false;	/* the chase runs where it is read; @entry(...) sets it (targets.c) */
	nv.base = base;
	nv.steps = steps;
	nv.nsteps = nsteps;
	struct tvar *v = arena_alloc(a, (tv->n + 1) * sizeof(*v));
	memcpy(v, tv->v, tv->n * sizeof(*v));
	v[tv->n] = nv;
	tv->v = v;
	ret = (int)tv->n++;
out:
	strbuf_free(&path);
	return ret;
}
