/* Read a compiled object's ".bstap" section back into struct meta and the typed program. */
#include "objread.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "loader/objfmt.h"

/* Everything decoded lives in blocks freed together. */
struct block {
	struct block *next;
	_Alignas(16) unsigned char data[];
};

struct objprog {
	struct block *blocks;
	struct program prog;
	struct meta meta;
};

struct r {
	const unsigned char *p, *end;
	bool bad;
	struct objprog *o;
	struct src_file **files;
	uint32_t nfiles;
	struct sym_list *locals, *params;
};

static void *alloc(struct r *r, size_t n)
{
	struct block *b = calloc(1, sizeof(*b) + (n ? n : 1));
	if (!b) {
		r->bad = true;
		return NULL;
	}
	b->next = r->o->blocks;
	r->o->blocks = b;
	return b->data;
}

static void take(struct r *r, void *dst, size_t n)
{
	if (r->bad || (size_t)(r->end - r->p) < n) {
		r->bad = true;
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, r->p, n);
	r->p += n;
}

static uint8_t u8(struct r *r) { uint8_t v; take(r, &v, 1); return v; }
static uint32_t u32(struct r *r) { uint32_t v; take(r, &v, 4); return v; }
static uint64_t u64(struct r *r) { uint64_t v; take(r, &v, 8); return v; }
static int64_t s64(struct r *r) { int64_t v; take(r, &v, 8); return v; }

/* A count that must fit in what is left of the section (each element takes >= min bytes). */
static uint32_t count(struct r *r, size_t min)
{
	uint32_t n = u32(r);
	if ((size_t)(r->end - r->p) / (min ? min : 1) < n)
		r->bad = true;
	return r->bad ? 0 : n;
}

static char *str_len(struct r *r, uint32_t *len)
{
	uint32_t n = count(r, 1);
	char *s = alloc(r, (size_t)n + 1);
	if (s)
		take(r, s, n);
	if (len)
		*len = n;
	return r->bad ? (char *)"" : s;
}

static char *str(struct r *r)
{
	return str_len(r, NULL);
}

static struct loc loc(struct r *r)
{
	struct loc l = { 0 };
	uint32_t f = u32(r);
	l.file = f && f <= r->nfiles ? r->files[f - 1] : NULL;
	l.line = u32(r);
	l.col = u32(r);
	l.len = u32(r);
	return l;
}

static struct sym *symref(struct r *r)
{
	uint8_t scope = u8(r);
	uint32_t i = u32(r);
	const struct sym_list *l = scope == OSR_GLOBAL ? &r->o->prog.globals
				   : scope == OSR_LOCAL ? r->locals
				   : scope == OSR_PARAM ? r->params : NULL;
	if (scope != OSR_NONE && (!l || i >= l->n)) {
		r->bad = true;
		return NULL;
	}
	return l ? l->v[i] : NULL;
}

static struct node *node(struct r *r, int depth);

static void list(struct r *r, struct node_list *l, int depth)
{
	l->n = l->cap = count(r, 1);
	l->v = alloc(r, (l->n + 1) * sizeof(*l->v));
	for (uint32_t i = 0; l->v && i < l->n && !r->bad; i++)
		l->v[i] = node(r, depth + 1);
}

static struct node *node(struct r *r, int depth)
{
	if (depth > 2000)
		r->bad = true;
	if (r->bad || !u8(r))
		return NULL;
	struct node *n = alloc(r, sizeof(*n));
	if (!n)
		return NULL;
	n->kind = u32(r);
	n->type = u32(r);
	n->loc = loc(r);
	switch (n->kind) {
	case N_NUM: n->u.num = s64(r); break;
	case N_STR: n->u.str.s = str_len(r, &n->u.str.len); break;
	case N_VAR:
	case N_TARGET:
		n->u.var.name = str(r);
		n->u.var.sym = symref(r);
		break;
	case N_INDEX:
		n->u.index.base = node(r, depth + 1);
		list(r, &n->u.index.keys, depth);
		break;
	case N_CALL: {
		n->u.call.name = str(r);
		list(r, &n->u.call.args, depth);
		uint32_t fn = u32(r);
		if (fn > r->o->prog.funcs.n)
			r->bad = true;
		else if (fn)
			n->u.call.fn = r->o->prog.funcs.v[fn - 1];
		n->u.call.builtin = (int)s64(r);
		break;
	}
	case N_STATOP: n->u.statop.op = u32(r); n->u.statop.arg = node(r, depth + 1); break;
	case N_BINOP:
		n->u.bin.op = u32(r);
		n->u.bin.l = node(r, depth + 1);
		n->u.bin.r = node(r, depth + 1);
		break;
	case N_UNOP: n->u.un.op = u32(r); n->u.un.e = node(r, depth + 1); break;
	case N_ASSIGN:
		n->u.assign.op = u32(r);
		n->u.assign.lhs = node(r, depth + 1);
		n->u.assign.rhs = node(r, depth + 1);
		break;
	case N_INCDEC:
		n->u.incdec.inc = u8(r);
		n->u.incdec.post = u8(r);
		n->u.incdec.lv = node(r, depth + 1);
		break;
	case N_TERNARY:
		n->u.tern.cond = node(r, depth + 1);
		n->u.tern.t = node(r, depth + 1);
		n->u.tern.f = node(r, depth + 1);
		break;
	case N_IN:
		list(r, &n->u.in.keys, depth);
		n->u.in.arr = node(r, depth + 1);
		break;
	case N_BLOCK: list(r, &n->u.block, depth); break;
	case N_EXPR: n->u.expr = node(r, depth + 1); break;
	case N_IF:
	case N_TRY:
		n->u.ifs.cond = node(r, depth + 1);
		n->u.ifs.then = node(r, depth + 1);
		n->u.ifs.els = node(r, depth + 1);
		break;
	case N_WHILE:
	case N_FOR:
		n->u.loop.init = node(r, depth + 1);
		n->u.loop.cond = node(r, depth + 1);
		n->u.loop.step = node(r, depth + 1);
		n->u.loop.body = node(r, depth + 1);
		break;
	case N_FOREACH:
		list(r, &n->u.foreach.vars, depth);
		n->u.foreach.value = node(r, depth + 1);
		n->u.foreach.arr = node(r, depth + 1);
		n->u.foreach.sort_col = (int)s64(r);
		n->u.foreach.sort_dir = (int)s64(r);
		n->u.foreach.limit = node(r, depth + 1);
		n->u.foreach.body = node(r, depth + 1);
		break;
	case N_RETURN: n->u.ret = node(r, depth + 1); break;
	case N_DELETE: n->u.del = node(r, depth + 1); break;
	case N_BREAK:
	case N_CONTINUE:
	case N_NEXT:
	case N_EMPTY:
		break;
	default:
		r->bad = true;
		break;
	}
	return n;
}

static struct sym *sym_decl(struct r *r)
{
	struct sym *s = alloc(r, sizeof(*s));
	if (!s)
		return NULL;
	s->name = str(r);
	s->kind = u32(r);
	s->type = u32(r);
	s->nkeys = count(r, 4);
	s->key_types = alloc(r, (s->nkeys + 1) * sizeof(enum type));
	for (uint32_t k = 0; s->key_types && k < s->nkeys; k++)
		s->key_types[k] = u32(r);
	s->max_entries = u32(r);
	s->is_array = u8(r);
	s->loc = loc(r);
	return s;
}

static void sym_list(struct r *r, struct sym_list *l)
{
	l->n = l->cap = count(r, 8);
	l->v = alloc(r, (l->n + 1) * sizeof(*l->v));
	for (uint32_t i = 0; l->v && i < l->n && !r->bad; i++) {
		l->v[i] = sym_decl(r);
		if (l->v[i])
			l->v[i]->index = i;
	}
}

static void read_meta(struct r *r, struct meta *m)
{
	m->nfmts = count(r, 8);
	m->fmts = alloc(r, (m->nfmts + 1) * sizeof(*m->fmts));
	for (uint32_t i = 0; m->fmts && i < m->nfmts && !r->bad; i++) {
		m->fmts[i].fmt = str(r);
		m->fmts[i].nargs = count(r, 4);
		m->fmts[i].args = alloc(r, (m->fmts[i].nargs + 1) * sizeof(enum meta_type));
		for (uint32_t k = 0; m->fmts[i].args && k < m->fmts[i].nargs; k++)
			m->fmts[i].args[k] = u32(r);
	}
	m->nerrs = count(r, 20);
	m->errs = alloc(r, (m->nerrs + 1) * sizeof(*m->errs));
	for (uint32_t i = 0; m->errs && i < m->nerrs && !r->bad; i++) {
		m->errs[i].kind = u32(r);
		m->errs[i].near = str(r);
		m->errs[i].file = str(r);
		m->errs[i].line = u32(r);
		m->errs[i].col = u32(r);
	}
	m->nglobals = count(r, 30);
	m->globals = alloc(r, (m->nglobals + 1) * sizeof(*m->globals));
	for (uint32_t i = 0; m->globals && i < m->nglobals && !r->bad; i++) {
		struct meta_global *g = &m->globals[i];
		g->name = str(r);
		g->map = str(r);
		g->type = u32(r);
		g->nkeys = u32(r);
		if (g->nkeys > 9)
			r->bad = true;
		for (uint32_t k = 0; k < g->nkeys && !r->bad; k++) {
			g->keys[k] = u32(r);
			g->key_off[k] = u32(r);
			g->key_len[k] = u32(r);
			if (g->key_len[k] < 1 || g->key_len[k] > BSTAP_MAXSTRINGLEN ||
			    g->key_off[k] + g->key_len[k] > 9 * BSTAP_MAXSTRINGLEN + 72)
				r->bad = true;
		}
		g->key_size = u32(r);
		g->value_size = u32(r);
		g->autoprint = u8(r);
		g->percpu = u8(r);
		g->has_init = u8(r);
		g->init_num = s64(r);
		g->init_str = str(r);
	}
	m->ngroups = count(r, 16);
	m->groups = alloc(r, (m->ngroups + 1) * sizeof(*m->groups));
	for (uint32_t i = 0; m->groups && i < m->ngroups && !r->bad; i++) {
		m->groups[i].kind = u32(r);
		m->groups[i].prog = str(r);
		m->groups[i].pp = str(r);
		m->groups[i].period_ns = u64(r);
		m->groups[i].optional = u8(r);
	}
	m->nuser_timers = count(r, 20);
	m->user_timers = alloc(r, (m->nuser_timers + 1) * sizeof(*m->user_timers));
	for (uint32_t i = 0; m->user_timers && i < m->nuser_timers && !r->bad; i++) {
		m->user_timers[i].probe_id = u32(r);
		m->user_timers[i].period_ns = u64(r);
		m->user_timers[i].randomize_ns = u64(r);
	}
}

static void read_program(struct r *r, struct program *p)
{
	p->script_path = str(r);
	p->maxaction = u32(r);
	p->maxmapentries = u32(r);
	sym_list(r, &p->globals);
	r->locals = r->params = NULL;
	for (uint32_t i = 0; i < p->globals.n && !r->bad; i++)
		p->globals.v[i]->init = node(r, 0);
	p->funcs.n = p->funcs.cap = count(r, 16);
	p->funcs.v = alloc(r, (p->funcs.n + 1) * sizeof(*p->funcs.v));
	for (uint32_t i = 0; p->funcs.v && i < p->funcs.n && !r->bad; i++) {
		struct func *fn = alloc(r, sizeof(*fn));
		if (!fn)
			return;
		fn->name = str(r);
		fn->ret = u32(r);
		fn->loc = loc(r);
		sym_list(r, &fn->params);
		sym_list(r, &fn->locals);
		fn->id = i;
		fn->used = true;
		p->funcs.v[i] = fn;
	}
	for (uint32_t i = 0; p->funcs.v && i < p->funcs.n && !r->bad; i++) {
		struct func *fn = p->funcs.v[i];
		r->locals = &fn->locals;
		r->params = &fn->params;
		fn->body = node(r, 0);
	}
	p->probes.n = p->probes.cap = count(r, 40);
	p->probes.v = alloc(r, (p->probes.n + 1) * sizeof(*p->probes.v));
	for (uint32_t i = 0; p->probes.v && i < p->probes.n && !r->bad; i++) {
		struct eprobe *ep = alloc(r, sizeof(*ep));
		if (!ep)
			return;
		ep->kind = u32(r);
		if (ep->kind > PK_NEVER)
			r->bad = true;
		ep->period_ns = u64(r);
		ep->randomize_ns = u64(r);
		ep->seq = s64(r);
		ep->pp = str(r);
		ep->chain = str(r);
		ep->loc = loc(r);
		ep->id = u32(r);
		ep->group = u32(r);
		ep->optional = u8(r);
		sym_list(r, &ep->locals);
		r->locals = &ep->locals;
		r->params = NULL;
		ep->cond = node(r, 0);
		ep->body = node(r, 0);
		p->probes.v[i] = ep;
	}
}

int objread_decode(const void *buf, size_t len, struct objprog **out)
{
	struct objprog *o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	struct r r = { .p = buf, .end = (const unsigned char *)buf + len, .o = o };
	char magic[8];
	take(&r, magic, 8);
	if (r.bad || memcmp(magic, BSTAP_OBJ_MAGIC, 8) || u32(&r) != BSTAP_OBJ_VERSION) {
		objprog_free(o);
		return -EPROTO;
	}
	r.nfiles = count(&r, 4);
	r.files = alloc(&r, (r.nfiles + 1) * sizeof(*r.files));
	for (uint32_t i = 0; r.files && i < r.nfiles && !r.bad; i++) {
		struct src_file *f = alloc(&r, sizeof(*f));
		if (f)
			f->path = str(&r);
		r.files[i] = f;
	}
	read_meta(&r, &o->meta);
	read_program(&r, &o->prog);
	if (r.bad || r.p != r.end) {
		objprog_free(o);
		return -EPROTO;
	}
	*out = o;
	return 0;
}

int objread_load(const char *obj_path, struct objprog **out)
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
		err = data && data->d_buf ? objread_decode(data->d_buf, data->d_size, out) : -EPROTO;
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
	for (struct block *b = o->blocks, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	free(o);
}
