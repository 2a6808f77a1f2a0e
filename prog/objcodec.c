/*
 * The ".bstap" section codec. Every record is described once, by a function that walks its
 * fields through a cursor: encoding, the cursor writes each field; decoding, it reads the
 * field back, allocating what the record points to and checking every count, index and enum
 * against its range, so a damaged section is refused instead of crashing the runner.
 */
#include "prog/objcodec.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prog/arena.h"
#include "prog/builtins.h"
#include "prog/objfmt.h"

#define MAX_NODE_DEPTH 2000	/* deeper trees are refused: the decoder recurses */
#define NULL_STR UINT32_MAX	/* string length that stands for a NULL pointer */

struct objprog {
	struct arena *a;	/* everything decoded lives here */
	struct program prog;
	struct meta meta;
};

/* The cursor. Encoding never changes the program: the casts to non-const are for decoding. */
struct cx {
	bool wr;
	/* encoding */
	FILE *f;
	const char **paths;	/* source paths seen, indexed from 1 in locs */
	uint32_t npaths, cap;
	/* decoding */
	const unsigned char *p, *end;
	bool bad;
	struct arena *a;
	struct src_file **files;
	uint32_t nfiles;
	/* both */
	struct program *prog;
	struct sym_list *locals, *params;	/* of the probe or function being coded */
	int depth;
};

static void raw(struct cx *c, void *v, size_t n)
{
	if (c->wr) {
		fwrite(v, 1, n, c->f);
		return;
	}
	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = true;
		memset(v, 0, n);
		return;
	}
	memcpy(v, c->p, n);
	c->p += n;
}

static void u32(struct cx *c, uint32_t *v) { raw(c, v, 4); }
static void u64(struct cx *c, uint64_t *v) { raw(c, v, 8); }
static void s64(struct cx *c, int64_t *v) { raw(c, v, 8); }

static void flag(struct cx *c, bool *b)
{
	uint8_t v = *b;
	raw(c, &v, 1);
	if (!c->wr) {
		if (v > 1)
			c->bad = true;
		*b = v == 1;
	}
}

static void s32(struct cx *c, int *v, int lo, int hi)
{
	int64_t x = *v;
	s64(c, &x);
	if (!c->wr) {
		if (x < lo || x > hi)
			c->bad = true;
		*v = c->bad ? 0 : (int)x;
	}
}

/* An enum field: a u32 on disk, below 'limit' when read back. */
#define ENUM(c, field, limit)                                          \
	do {                                                           \
		uint32_t v_ = (uint32_t)(field);                       \
		u32((c), &v_);                                         \
		if (!(c)->wr) {                                        \
			if (v_ >= (uint32_t)(limit))                   \
				(c)->bad = true;                       \
			else                                           \
				(field) = v_;                          \
		}                                                      \
	} while (0)

/* A count of elements that each take at least 'min' bytes: bounded by what is left. */
static void count(struct cx *c, uint32_t *n, size_t min)
{
	u32(c, n);
	if (!c->wr && (c->bad || (size_t)(c->end - c->p) / (min ? min : 1) < *n)) {
		c->bad = true;
		*n = 0;
	}
}

/* The array behind a counted field: decoding allocates it (zeroed, one spare element). */
static void *array(struct cx *c, void *v, uint32_t n, size_t elem)
{
	return c->wr ? v : arena_alloc(c->a, ((size_t)n + 1) * elem);
}

static void bytes(struct cx *c, const char **s, uint32_t *len)
{
	if (c->wr) {
		uint32_t n = *s ? *len : NULL_STR;
		u32(c, &n);
		if (*s && n)
			fwrite(*s, 1, n, c->f);
		return;
	}
	uint32_t n = 0;
	u32(c, &n);
	if (n == NULL_STR && !c->bad) {
		*s = NULL;
		*len = 0;
		return;
	}
	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = true;
		*s = "";
		*len = 0;
		return;
	}
	char *d = arena_alloc(c->a, (size_t)n + 1);
	raw(c, d, n);
	*s = d;
	*len = n;
}

static void str(struct cx *c, const char **s)
{
	uint32_t n = c->wr && *s ? (uint32_t)strlen(*s) : 0;
	bytes(c, s, &n);
}

static uint32_t path_index(struct cx *c, const struct src_file *f)
{
	if (!f)
		return 0;
	for (uint32_t i = 0; i < c->npaths; i++)
		if (!strcmp(c->paths[i], f->path))
			return i + 1;
	if (c->npaths == c->cap) {
		uint32_t cap = c->cap ? c->cap * 2 : 8;
		const char **np = realloc(c->paths, cap * sizeof(*np));
		if (!np)
			return 0;
		c->paths = np;
		c->cap = cap;
	}
	c->paths[c->npaths++] = f->path;
	return c->npaths;
}

static void loc(struct cx *c, struct loc *l)
{
	uint32_t fi = c->wr ? path_index(c, l->file) : 0;
	u32(c, &fi);
	if (!c->wr) {
		if (fi > c->nfiles)
			c->bad = true;
		l->file = fi && fi <= c->nfiles ? c->files[fi - 1] : NULL;
		l->via = NULL;
	}
	u32(c, &l->line);
	u32(c, &l->col);
	u32(c, &l->len);
}

static int index_in(const struct sym_list *l, const struct sym *s)
{
	for (uint32_t i = 0; l && i < l->n; i++)
		if (l->v[i] == s)
			return (int)i;
	return -1;
}

/* A variable reference: which list (globals, the current params or locals) and where in it. */
static void symref(struct cx *c, struct sym **sp)
{
	uint32_t scope = OSR_NONE, i = 0;
	if (c->wr && *sp) {
		const struct sym *s = *sp;
		int k;
		if (s->kind == S_GLOBAL && (k = index_in(&c->prog->globals, s)) >= 0)
			scope = OSR_GLOBAL, i = (uint32_t)k;
		else if (s->kind == S_PARAM && (k = index_in(c->params, s)) >= 0)
			scope = OSR_PARAM, i = (uint32_t)k;
		else if ((k = index_in(c->locals, s)) >= 0)
			scope = OSR_LOCAL, i = (uint32_t)k;
	}
	uint8_t sc = (uint8_t)scope;
	raw(c, &sc, 1);
	u32(c, &i);
	if (c->wr)
		return;
	const struct sym_list *l = sc == OSR_GLOBAL ? &c->prog->globals
				   : sc == OSR_LOCAL ? c->locals
				   : sc == OSR_PARAM ? c->params : NULL;
	if (sc > OSR_PARAM || (sc != OSR_NONE && (!l || i >= l->n))) {
		c->bad = true;
		*sp = NULL;
		return;
	}
	*sp = l ? l->v[i] : NULL;
}

static void node(struct cx *c, struct node **np);

static void list(struct cx *c, struct node_list *l)
{
	count(c, &l->n, 1);
	l->v = array(c, l->v, l->n, sizeof(*l->v));
	if (!c->wr)
		l->cap = l->n;
	for (uint32_t i = 0; i < l->n && !c->bad; i++)
		node(c, &l->v[i]);
}

static void node_fields(struct cx *c, struct node *n)
{
	switch (n->kind) {
	case N_NUM: s64(c, &n->u.num); break;
	case N_STR: bytes(c, &n->u.str.s, &n->u.str.len); break;
	case N_VAR:
		str(c, &n->u.var.name);
		symref(c, &n->u.var.sym);
		break;
	case N_TARGET:	/* only in kernel probes, which the runtime never evaluates */
		str(c, &n->u.var.name);
		s32(c, &n->u.var.tvar, -1, INT32_MAX);
		break;
	case N_INDEX: node(c, &n->u.index.base); list(c, &n->u.index.keys); break;
	case N_CALL: {
		str(c, &n->u.call.name);
		list(c, &n->u.call.args);
		uint32_t fn = n->u.call.fn ? n->u.call.fn->id + 1 : 0;
		u32(c, &fn);
		if (!c->wr) {
			if (fn > c->prog->funcs.n)
				c->bad = true;
			n->u.call.fn = fn && !c->bad ? c->prog->funcs.v[fn - 1] : NULL;
		}
		s32(c, &n->u.call.builtin, -1, B__COUNT - 1);
		break;
	}
	case N_STATOP: ENUM(c, n->u.statop.op, OP_AVG + 1); node(c, &n->u.statop.arg); break;
	case N_BINOP:
		ENUM(c, n->u.bin.op, OP_AVG + 1);
		node(c, &n->u.bin.l);
		node(c, &n->u.bin.r);
		break;
	case N_UNOP: ENUM(c, n->u.un.op, OP_AVG + 1); node(c, &n->u.un.e); break;
	case N_ASSIGN:
		ENUM(c, n->u.assign.op, OP_AVG + 1);
		node(c, &n->u.assign.lhs);
		node(c, &n->u.assign.rhs);
		break;
	case N_INCDEC:
		flag(c, &n->u.incdec.inc);
		flag(c, &n->u.incdec.post);
		node(c, &n->u.incdec.lv);
		break;
	case N_TERNARY:
		node(c, &n->u.tern.cond);
		node(c, &n->u.tern.t);
		node(c, &n->u.tern.f);
		break;
	case N_IN: list(c, &n->u.in.keys); node(c, &n->u.in.arr); break;
	case N_BLOCK: list(c, &n->u.block); break;
	case N_EXPR: node(c, &n->u.expr); break;
	case N_IF:
	case N_TRY:
		node(c, &n->u.ifs.cond);
		node(c, &n->u.ifs.then);
		node(c, &n->u.ifs.els);
		break;
	case N_WHILE:
	case N_FOR:
		node(c, &n->u.loop.init);
		node(c, &n->u.loop.cond);
		node(c, &n->u.loop.step);
		node(c, &n->u.loop.body);
		break;
	case N_FOREACH:
		list(c, &n->u.foreach.vars);
		node(c, &n->u.foreach.value);
		node(c, &n->u.foreach.arr);
		s32(c, &n->u.foreach.sort_col, 0, FOREACH_SORT_VALUE);
		s32(c, &n->u.foreach.sort_dir, -1, 1);
		node(c, &n->u.foreach.limit);
		node(c, &n->u.foreach.body);
		break;
	case N_RETURN: node(c, &n->u.ret); break;
	case N_DELETE: node(c, &n->u.del); break;
	case N_BREAK:
	case N_CONTINUE:
	case N_NEXT:
	case N_EMPTY:
		break;
	}
}

/* A node: a presence byte, then kind, type, place and the kind's own fields. */
static void node(struct cx *c, struct node **np)
{
	uint8_t present = c->wr && *np;
	raw(c, &present, 1);
	if (!c->wr) {
		*np = NULL;
		if (present > 1 || c->depth >= MAX_NODE_DEPTH)
			c->bad = true;
		if (c->bad || !present)
			return;
		c->depth++;
		*np = arena_alloc(c->a, sizeof(**np));
	} else if (!present) {
		return;
	}
	struct node *n = *np;
	ENUM(c, n->kind, N_TRY + 1);
	ENUM(c, n->type, T_VOID + 1);
	loc(c, &n->loc);
	if (!c->bad)
		node_fields(c, n);
	if (!c->wr)
		c->depth--;
}

static void sym_decl(struct cx *c, struct sym **sp)
{
	if (!c->wr)
		*sp = arena_alloc(c->a, sizeof(**sp));
	struct sym *s = *sp;
	str(c, &s->name);
	ENUM(c, s->kind, S_PARAM + 1);
	ENUM(c, s->type, T_VOID + 1);
	count(c, &s->nkeys, 4);
	s->key_types = array(c, s->key_types, s->nkeys, sizeof(*s->key_types));
	for (uint32_t k = 0; k < s->nkeys; k++)
		ENUM(c, s->key_types[k], T_VOID + 1);
	u32(c, &s->max_entries);
	flag(c, &s->is_array);
	loc(c, &s->loc);
}

static void sym_list(struct cx *c, struct sym_list *l)
{
	count(c, &l->n, 8);
	l->v = array(c, l->v, l->n, sizeof(*l->v));
	if (!c->wr)
		l->cap = l->n;
	for (uint32_t i = 0; i < l->n && !c->bad; i++) {
		sym_decl(c, &l->v[i]);
		if (!c->wr)
			l->v[i]->index = i;
	}
}

static void attach_spec(struct cx *c, struct attach_spec *at)
{
	ENUM(c, at->kind, PK__COUNT);
	str(c, &at->target);
	str(c, &at->path);
	u64(c, &at->period_ns);
	u64(c, &at->randomize_ns);
	u64(c, &at->arg);
	u32(c, &at->perf_type);
	u32(c, &at->flags);
}

static void meta_global(struct cx *c, struct meta_global *g)
{
	str(c, &g->name);
	str(c, &g->map);
	ENUM(c, g->type, MT_STATS + 1);
	u32(c, &g->nkeys);
	if (g->nkeys > 9) {
		c->bad = true;
		return;
	}
	for (uint32_t k = 0; k < g->nkeys && !c->bad; k++) {
		ENUM(c, g->keys[k], MT_STATS + 1);
		u32(c, &g->key_off[k]);
		u32(c, &g->key_len[k]);
		if (g->key_len[k] < 1 || g->key_len[k] > BSTAP_MAXSTRINGLEN ||
		    g->key_off[k] + g->key_len[k] > 9 * BSTAP_MAXSTRINGLEN + 72)
			c->bad = true;
	}
	u32(c, &g->key_size);
	u32(c, &g->value_size);
	flag(c, &g->autoprint);
	flag(c, &g->percpu);
	flag(c, &g->has_init);
	s64(c, &g->init_num);
	str(c, &g->init_str);
}

static void meta(struct cx *c, struct meta *m)
{
	count(c, &m->nfmts, 8);
	m->fmts = array(c, m->fmts, m->nfmts, sizeof(*m->fmts));
	for (uint32_t i = 0; i < m->nfmts && !c->bad; i++) {
		struct meta_fmt *f = &m->fmts[i];
		str(c, &f->fmt);
		count(c, &f->nargs, 4);
		f->args = array(c, f->args, f->nargs, sizeof(*f->args));
		for (uint32_t k = 0; k < f->nargs; k++)
			ENUM(c, f->args[k], MT_STATS + 1);
	}
	count(c, &m->nerrs, 20);
	m->errs = array(c, m->errs, m->nerrs, sizeof(*m->errs));
	for (uint32_t i = 0; i < m->nerrs && !c->bad; i++) {
		struct meta_err *e = &m->errs[i];
		ENUM(c, e->kind, ERR_FAULT + 1);
		str(c, &e->near);
		str(c, &e->file);
		u32(c, &e->line);
		u32(c, &e->col);
	}
	count(c, &m->nglobals, 30);
	m->globals = array(c, m->globals, m->nglobals, sizeof(*m->globals));
	for (uint32_t i = 0; i < m->nglobals && !c->bad; i++)
		meta_global(c, &m->globals[i]);
	count(c, &m->ngroups, 16);
	m->groups = array(c, m->groups, m->ngroups, sizeof(*m->groups));
	for (uint32_t i = 0; i < m->ngroups && !c->bad; i++) {
		struct meta_group *g = &m->groups[i];
		attach_spec(c, &g->at);
		str(c, &g->prog);
		str(c, &g->pp);
		flag(c, &g->optional);
	}
	count(c, &m->nuser_timers, 20);
	m->user_timers = array(c, m->user_timers, m->nuser_timers, sizeof(*m->user_timers));
	for (uint32_t i = 0; i < m->nuser_timers && !c->bad; i++) {
		struct meta_user_timer *t = &m->user_timers[i];
		u32(c, &t->probe_id);
		u64(c, &t->period_ns);
		u64(c, &t->randomize_ns);
	}
}

static void func_decl(struct cx *c, struct func **fp, uint32_t id)
{
	if (!c->wr)
		*fp = arena_alloc(c->a, sizeof(**fp));
	struct func *fn = *fp;
	str(c, &fn->name);
	ENUM(c, fn->ret, T_VOID + 1);
	loc(c, &fn->loc);
	sym_list(c, &fn->params);
	sym_list(c, &fn->locals);
	flag(c, &fn->in_kernel);
	flag(c, &fn->recursive);
	if (!c->wr) {
		fn->id = id;
		fn->used = true;
	}
}

static void eprobe(struct cx *c, struct eprobe **pp)
{
	if (!c->wr)
		*pp = arena_alloc(c->a, sizeof(**pp));
	struct eprobe *ep = *pp;
	attach_spec(c, &ep->at);
	ENUM(c, ep->place, PLACE_NOWHERE + 1);
	s64(c, &ep->seq);
	str(c, &ep->pp);
	str(c, &ep->chain);
	loc(c, &ep->loc);
	u32(c, &ep->id);
	u32(c, &ep->group);
	flag(c, &ep->optional);
	sym_list(c, &ep->locals);
	c->locals = &ep->locals;
	c->params = NULL;
	node(c, &ep->cond);
	node(c, &ep->body);
}

static void program(struct cx *c, struct program *p)
{
	str(c, &p->script_path);
	u32(c, &p->maxaction);
	u32(c, &p->maxmapentries);
	u32(c, &p->ngroups);
	sym_list(c, &p->globals);
	c->locals = c->params = NULL;
	for (uint32_t i = 0; i < p->globals.n && !c->bad; i++)
		node(c, &p->globals.v[i]->init);
	/* function signatures first: calls in any body refer to them by index */
	count(c, &p->funcs.n, 16);
	p->funcs.v = array(c, p->funcs.v, p->funcs.n, sizeof(*p->funcs.v));
	if (!c->wr)
		p->funcs.cap = p->funcs.n;
	for (uint32_t i = 0; i < p->funcs.n && !c->bad; i++)
		func_decl(c, &p->funcs.v[i], i);
	for (uint32_t i = 0; i < p->funcs.n && !c->bad; i++) {
		struct func *fn = p->funcs.v[i];
		c->locals = &fn->locals;
		c->params = &fn->params;
		node(c, &fn->body);
	}
	count(c, &p->probes.n, 40);
	p->probes.v = array(c, p->probes.v, p->probes.n, sizeof(*p->probes.v));
	if (!c->wr)
		p->probes.cap = p->probes.n;
	for (uint32_t i = 0; i < p->probes.n && !c->bad; i++) {
		eprobe(c, &p->probes.v[i]);
		if (!c->wr && p->probes.v[i]->id != i)
			c->bad = true;
	}
}

int objcodec_encode(const struct program *p, const struct meta *m, char **buf, size_t *len)
{
	/* the file table is only known after the records are written: it goes first, written last */
	char *body = NULL;
	size_t body_len = 0;
	struct cx c = { .wr = true, .prog = (struct program *)p };
	c.f = open_memstream(&body, &body_len);
	if (!c.f)
		return -ENOMEM;
	meta(&c, (struct meta *)m);
	program(&c, (struct program *)p);
	fclose(c.f);

	c.f = open_memstream(buf, len);
	if (!c.f) {
		free(body);
		free(c.paths);
		return -ENOMEM;
	}
	fwrite(BSTAP_OBJ_MAGIC, 1, 8, c.f);
	uint32_t version = BSTAP_OBJ_VERSION;
	u32(&c, &version);
	u32(&c, &c.npaths);
	for (uint32_t i = 0; i < c.npaths; i++)
		str(&c, &c.paths[i]);
	fwrite(body, 1, body_len, c.f);
	fclose(c.f);
	free(body);
	free(c.paths);
	return 0;
}

int objcodec_decode(const void *buf, size_t len, struct objprog **out, uint32_t *version_out)
{
	struct objprog *o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->a = arena_new();
	struct cx c = { .p = buf, .end = (const unsigned char *)buf + len, .a = o->a,
			.prog = &o->prog };
	char magic[8];
	raw(&c, magic, 8);
	uint32_t version = 0;
	u32(&c, &version);
	if (version_out)
		*version_out = version;
	if (c.bad || memcmp(magic, BSTAP_OBJ_MAGIC, 8)) {
		objprog_free(o);
		return -EPROTO;
	}
	if (version != BSTAP_OBJ_VERSION) {
		objprog_free(o);
		return -EPROTONOSUPPORT;
	}
	count(&c, &c.nfiles, 4);
	c.files = arena_alloc(o->a, ((size_t)c.nfiles + 1) * sizeof(*c.files));
	for (uint32_t i = 0; i < c.nfiles && !c.bad; i++) {
		c.files[i] = arena_alloc(o->a, sizeof(*c.files[i]));
		str(&c, &c.files[i]->path);
		if (!c.files[i]->path)
			c.bad = true;
	}
	meta(&c, &o->meta);
	program(&c, &o->prog);
	if (c.bad || c.p != c.end) {
		objprog_free(o);
		return -EPROTO;
	}
	*out = o;
	return 0;
}

int objcodec_load(const char *obj_path, struct objprog **out, uint32_t *version_out)
{
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -EINVAL;
	int fd = open(obj_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	int err = -ENODATA;	/* until the section is found */
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	size_t shstrndx;
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &shstrndx)) {
		err = -ENOEXEC;
		goto done;
	}
	for (Elf_Scn *scn = elf_nextscn(e, NULL); scn; scn = elf_nextscn(e, scn)) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		const char *name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name || strcmp(name, BSTAP_OBJ_SECTION))
			continue;
		Elf_Data *data = elf_getdata(scn, NULL);
		err = data && data->d_buf ? objcodec_decode(data->d_buf, data->d_size, out, version_out)
					  : -EPROTO;
		break;
	}
done:
	if (e)
		elf_end(e);
	close(fd);
	return err;
}

const struct program *objprog_program(const struct objprog *o)
{
	return &o->prog;
}

const struct meta *objprog_meta(const struct objprog *o)
{
	return &o->meta;
}

void objprog_free(struct objprog *o)
{
	if (!o)
		return;
	arena_free(o->a);
	free(o);
}
