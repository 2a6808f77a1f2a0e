/* Serialize struct meta and the typed program into the ".bstap" section (see loader/objfmt.h). */
#include "objwrite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader/objfmt.h"

struct w {
	FILE *f;
	const struct program *p;
	const char **files;	/* source paths seen, indexed from 1 in locs */
	uint32_t nfiles, cap;
	const struct sym_list *locals;	/* of the probe or function being written */
	const struct sym_list *params;
};

static void u8(struct w *w, uint8_t v) { fwrite(&v, 1, 1, w->f); }
static void u32(struct w *w, uint32_t v) { fwrite(&v, 4, 1, w->f); }
static void u64(struct w *w, uint64_t v) { fwrite(&v, 8, 1, w->f); }
static void s64(struct w *w, int64_t v) { fwrite(&v, 8, 1, w->f); }

static void str(struct w *w, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : 0;
	u32(w, n);
	if (n)
		fwrite(s, 1, n, w->f);
}

static void bytes(struct w *w, const char *s, uint32_t n)
{
	u32(w, n);
	if (n)
		fwrite(s, 1, n, w->f);
}

static uint32_t file_index(struct w *w, const struct src_file *f)
{
	if (!f)
		return 0;
	for (uint32_t i = 0; i < w->nfiles; i++)
		if (!strcmp(w->files[i], f->path))
			return i + 1;
	if (w->nfiles == w->cap) {
		uint32_t cap = w->cap ? w->cap * 2 : 8;
		const char **nf = realloc(w->files, cap * sizeof(*nf));
		if (!nf)
			return 0;
		w->files = nf;
		w->cap = cap;
	}
	w->files[w->nfiles++] = f->path;
	return w->nfiles;
}

static void loc(struct w *w, const struct loc *l)
{
	u32(w, file_index(w, l->file));
	u32(w, l->line);
	u32(w, l->col);
	u32(w, l->len);
}

static int index_in(const struct sym_list *l, const struct sym *s)
{
	for (uint32_t i = 0; l && i < l->n; i++)
		if (l->v[i] == s)
			return (int)i;
	return -1;
}

static void symref(struct w *w, const struct sym *s)
{
	int i;
	if (!s) {
		u8(w, OSR_NONE);
		u32(w, 0);
	} else if (s->kind == S_GLOBAL && (i = index_in(&w->p->globals, s)) >= 0) {
		u8(w, OSR_GLOBAL);
		u32(w, (uint32_t)i);
	} else if (s->kind == S_PARAM && (i = index_in(w->params, s)) >= 0) {
		u8(w, OSR_PARAM);
		u32(w, (uint32_t)i);
	} else if ((i = index_in(w->locals, s)) >= 0) {
		u8(w, OSR_LOCAL);
		u32(w, (uint32_t)i);
	} else {
		u8(w, OSR_NONE);
		u32(w, 0);
	}
}

static void node(struct w *w, const struct node *n);

static void list(struct w *w, const struct node_list *l)
{
	u32(w, l->n);
	for (uint32_t i = 0; i < l->n; i++)
		node(w, l->v[i]);
}

static void node(struct w *w, const struct node *n)
{
	u8(w, n != NULL);
	if (!n)
		return;
	u32(w, n->kind);
	u32(w, n->type);
	loc(w, &n->loc);
	switch (n->kind) {
	case N_NUM: s64(w, n->u.num); break;
	case N_STR: bytes(w, n->u.str.s, n->u.str.len); break;
	case N_VAR:
	case N_TARGET:
		str(w, n->u.var.name);
		symref(w, n->u.var.sym);
		break;
	case N_INDEX: node(w, n->u.index.base); list(w, &n->u.index.keys); break;
	case N_CALL:
		str(w, n->u.call.name);
		list(w, &n->u.call.args);
		u32(w, n->u.call.fn ? n->u.call.fn->id + 1 : 0);
		s64(w, n->u.call.builtin);
		break;
	case N_STATOP: u32(w, n->u.statop.op); node(w, n->u.statop.arg); break;
	case N_BINOP: u32(w, n->u.bin.op); node(w, n->u.bin.l); node(w, n->u.bin.r); break;
	case N_UNOP: u32(w, n->u.un.op); node(w, n->u.un.e); break;
	case N_ASSIGN:
		u32(w, n->u.assign.op);
		node(w, n->u.assign.lhs);
		node(w, n->u.assign.rhs);
		break;
	case N_INCDEC:
		u8(w, n->u.incdec.inc);
		u8(w, n->u.incdec.post);
		node(w, n->u.incdec.lv);
		break;
	case N_TERNARY:
		node(w, n->u.tern.cond);
		node(w, n->u.tern.t);
		node(w, n->u.tern.f);
		break;
	case N_IN: list(w, &n->u.in.keys); node(w, n->u.in.arr); break;
	case N_BLOCK: list(w, &n->u.block); break;
	case N_EXPR: node(w, n->u.expr); break;
	case N_IF:
	case N_TRY:
		node(w, n->u.ifs.cond); node(w, n->u.ifs.then); node(w, n->u.ifs.els); break;
	case N_WHILE:
	case N_FOR:
		node(w, n->u.loop.init);
		node(w, n->u.loop.cond);
		node(w, n->u.loop.step);
		node(w, n->u.loop.body);
		break;
	case N_FOREACH:
		list(w, &n->u.foreach.vars);
		node(w, n->u.foreach.value);
		node(w, n->u.foreach.arr);
		s64(w, n->u.foreach.sort_col);
		s64(w, n->u.foreach.sort_dir);
		node(w, n->u.foreach.limit);
		node(w, n->u.foreach.body);
		break;
	case N_RETURN: node(w, n->u.ret); break;
	case N_DELETE: node(w, n->u.del); break;
	default: break;
	}
}

static void sym_decl(struct w *w, const struct sym *s)
{
	str(w, s->name);
	u32(w, s->kind);
	u32(w, s->type);
	u32(w, s->nkeys);
	for (uint32_t k = 0; k < s->nkeys; k++)
		u32(w, s->key_types[k]);
	u32(w, s->max_entries);
	u8(w, s->is_array);
	loc(w, &s->loc);
}

static void sym_list(struct w *w, const struct sym_list *l)
{
	u32(w, l->n);
	for (uint32_t i = 0; i < l->n; i++)
		sym_decl(w, l->v[i]);
}

static void write_meta(struct w *w, const struct meta *m)
{
	u32(w, m->nfmts);
	for (uint32_t i = 0; i < m->nfmts; i++) {
		str(w, m->fmts[i].fmt);
		u32(w, m->fmts[i].nargs);
		for (uint32_t k = 0; k < m->fmts[i].nargs; k++)
			u32(w, m->fmts[i].args[k]);
	}
	u32(w, m->nerrs);
	for (uint32_t i = 0; i < m->nerrs; i++) {
		const struct meta_err *e = &m->errs[i];
		u32(w, e->kind);
		str(w, e->near);
		str(w, e->file);
		u32(w, e->line);
		u32(w, e->col);
	}
	u32(w, m->nglobals);
	for (uint32_t i = 0; i < m->nglobals; i++) {
		const struct meta_global *g = &m->globals[i];
		str(w, g->name);
		str(w, g->map);
		u32(w, g->type);
		u32(w, g->nkeys);
		for (uint32_t k = 0; k < g->nkeys; k++) {
			u32(w, g->keys[k]);
			u32(w, g->key_off[k]);
			u32(w, g->key_len[k]);
		}
		u32(w, g->key_size);
		u32(w, g->value_size);
		u8(w, g->autoprint);
		u8(w, g->percpu);
		u8(w, g->has_init);
		s64(w, g->init_num);
		str(w, g->init_str);
	}
	u32(w, m->ngroups);
	for (uint32_t i = 0; i < m->ngroups; i++) {
		u32(w, m->groups[i].kind);
		str(w, m->groups[i].prog);
		str(w, m->groups[i].pp);
		u64(w, m->groups[i].period_ns);
		u8(w, m->groups[i].optional);
	}
	u32(w, m->nuser_timers);
	for (uint32_t i = 0; i < m->nuser_timers; i++) {
		u32(w, m->user_timers[i].probe_id);
		u64(w, m->user_timers[i].period_ns);
		u64(w, m->user_timers[i].randomize_ns);
	}
}

static void write_program(struct w *w, const struct program *p)
{
	str(w, p->script_path);
	u32(w, p->maxaction);
	u32(w, p->maxmapentries);
	sym_list(w, &p->globals);
	w->locals = w->params = NULL;
	for (uint32_t i = 0; i < p->globals.n; i++)
		node(w, p->globals.v[i]->init);
	/* function signatures first: calls in any body refer to them by index */
	u32(w, p->funcs.n);
	for (uint32_t i = 0; i < p->funcs.n; i++) {
		const struct func *fn = p->funcs.v[i];
		str(w, fn->name);
		u32(w, fn->ret);
		loc(w, &fn->loc);
		sym_list(w, &fn->params);
		sym_list(w, &fn->locals);
	}
	for (uint32_t i = 0; i < p->funcs.n; i++) {
		const struct func *fn = p->funcs.v[i];
		w->locals = &fn->locals;
		w->params = &fn->params;
		node(w, fn->body);
	}
	u32(w, p->probes.n);
	for (uint32_t i = 0; i < p->probes.n; i++) {
		const struct eprobe *ep = p->probes.v[i];
		u32(w, ep->kind);
		u64(w, ep->period_ns);
		u64(w, ep->randomize_ns);
		s64(w, ep->seq);
		str(w, ep->pp);
		str(w, ep->chain);
		loc(w, &ep->loc);
		u32(w, ep->id);
		u32(w, ep->group);
		u8(w, ep->optional);
		sym_list(w, &ep->locals);
		w->locals = &ep->locals;
		w->params = NULL;
		node(w, ep->cond);
		node(w, ep->body);
	}
}

int objwrite_encode(const struct program *p, const struct meta *m, char **buf, size_t *len)
{
	/* the file table is only known after the nodes are written: write it last */
	char *body = NULL;
	size_t body_len = 0;
	struct w w = { .p = p };
	w.f = open_memstream(&body, &body_len);
	if (!w.f)
		return -ENOMEM;
	write_meta(&w, m);
	write_program(&w, p);
	fclose(w.f);

	w.f = open_memstream(buf, len);
	if (!w.f) {
		free(body);
		free(w.files);
		return -ENOMEM;
	}
	fwrite(BSTAP_OBJ_MAGIC, 1, 8, w.f);
	u32(&w, BSTAP_OBJ_VERSION);
	u32(&w, w.nfiles);
	for (uint32_t i = 0; i < w.nfiles; i++)
		str(&w, w.files[i]);
	fwrite(body, 1, body_len, w.f);
	fclose(w.f);
	free(body);
	free(w.files);
	return 0;
}
