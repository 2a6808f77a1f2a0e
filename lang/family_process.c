/*
 * process(...): user-space probes (stapprobes(3stap), USER-SPACE), without debuginfo:
 *
 *   process("PATH").function("NAME")[.call | .return]	a uprobe on each function NAME matches
 *   process("PATH").library("LIB").function("NAME")[...]	one in a library PATH loads, kept for
 *							PATH's processes
 *   process("PATH").statement(ADDR)			a uprobe at a link-time address
 *   process("PATH").[provider("P").]mark("NAME")		SDT markers (sys/sdt.h)
 *   process.function(...), process.mark(...), ...		the -c command's or -x process's program
 *
 * PATH without a '/' is looked up on $PATH, as stap does; functions come from the symbol table
 * (.symtab, else .dynsym) and markers from .note.stapsdt, so no debuginfo is needed. Names may
 * have wildcards (fnmatch). The probes see every process running the file, unless -x PID
 * limits them to that process; process.X without a path sees the -x process, or the -c
 * command and its descendants.
 */
#include "lang/probe_families.h"

#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/uelf.h"

/* An argument that must be a string literal; NULL after an error at the component. */
static const char *str_arg(const struct fctx *f, const struct pp_comp *c, const char *example)
{
	if (!c->arg || c->arg->kind != N_STR) {
		diag_error(f->d, &c->loc, "'%s' needs a string argument: %s", c->functor, example);
		return NULL;
	}
	return arena_strndup(f->a, c->arg->u.str.s, c->arg->u.str.len);
}

static bool is_wild(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* The tvars of a function's return: $return, the value in the return register. */
static struct tvar_set *return_tvars(struct arena *a, const char *event)
{
	struct tvar *v = arena_alloc(a, sizeof(*v));
	memset(v, 0, sizeof(*v));
	v->name = "return";
	v->ctype = "long";
	v->kind = TV_UREG;
	v->offset = 80;	/* struct pt_regs: rax (x86-64) */
	v->size = 8;
	v->is_signed = true;
	struct tvar_set *tv = arena_alloc(a, sizeof(*tv));
	memset(tv, 0, sizeof(*tv));
	tv->event = event;
	tv->v = v;
	tv->n = 1;
	return tv;
}

static struct tvar_set *no_tvars(struct arena *a, const char *event)
{
	struct tvar_set *tv = arena_alloc(a, sizeof(*tv));
	memset(tv, 0, sizeof(*tv));
	tv->event = event;
	return tv;
}

/* $arg1..$argN of a marker, as its note's argument spec gives them (libbpf decodes them). */
static struct tvar_set *mark_tvars(struct arena *a, const struct uelf_note *n)
{
	struct tvar *v = arena_alloc(a, (n->nargs + 1) * sizeof(*v));
	memset(v, 0, (n->nargs + 1) * sizeof(*v));
	for (uint32_t i = 0; i < n->nargs; i++) {
		v[i].name = arena_printf(a, "arg%u", i + 1);
		v[i].ctype = "long";
		v[i].kind = TV_USDT_ARG;
		v[i].offset = i;
		v[i].size = 8;
		v[i].is_signed = true;
	}
	struct tvar_set *tv = arena_alloc(a, sizeof(*tv));
	memset(tv, 0, sizeof(*tv));
	tv->event = n->name;
	tv->provider = n->provider;
	tv->v = v;
	tv->n = n->nargs;
	return tv;
}

static int usym_cmp(const void *x, const void *y)
{
	const struct tvar_usym *a = x, *b = y;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

/* For usymname(): the program's functions by address, one per address (none for a library,
 * whose load base the probe cannot know). */
static void add_usyms(struct arena *a, struct tvar_set *tv, const struct uelf *u, bool lib)
{
	if (lib || !u->nsyms)
		return;
	struct tvar_usym *v = arena_alloc(a, u->nsyms * sizeof(*v));
	for (uint32_t i = 0; i < u->nsyms; i++)
		v[i] = (struct tvar_usym){ u->syms[i].addr, u->syms[i].size, u->syms[i].name };
	qsort(v, u->nsyms, sizeof(*v), usym_cmp);
	uint32_t n = 0;
	for (uint32_t i = 0; i < u->nsyms; i++)
		if (!n || v[i].addr != v[n - 1].addr)
			v[n++] = v[i];
	tv->usyms = v;
	tv->nusyms = n;
	tv->text_vaddr = u->text_vaddr;
}

struct proc_point {
	const char *prog;	/* the program, absolute */
	const char *file;	/* where the probe is: prog or a library */
	const char *lib;	/* the library as pp() shows it, or NULL */
	const char *prefix;	/* pp() up to the last component */
	uint32_t flags;		/* ATTACH_TARGET */
};

static struct uelf *open_file(const struct fctx *f, const struct pp_comp *c, const char *path)
{
	char why[512];
	struct uelf *u = uelf_open(f->a, path, why, sizeof(why));
	if (!u)
		diag_error(f->d, &c->loc, "%s", why);
	return u;
}

/* .function("NAME")[.call | .return] at component i */
static int resolve_function(const struct fctx *f, const struct proc_point *pt, uint32_t i,
			    struct pp_resolved_list *out)
{
	const struct pp_comp *c = f->c;
	const char *name = str_arg(f, &c[i], "function(\"main\")");
	if (!name)
		return -1;
	uint32_t flags = pt->flags;
	const char *suffix = "";
	if (i + 1 < f->pp->ncomps) {
		const char *fn = c[i + 1].functor;
		if ((strcmp(fn, "call") && strcmp(fn, "return")) || i + 2 < f->pp->ncomps) {
			const struct pp_comp *bad = &c[strcmp(fn, "call") && strcmp(fn, "return") ? i + 1 : i + 2];
			diag_error(f->d, &bad->loc, "unexpected '%s' after .function(\"...\"): only .call "
				   "or .return may follow", bad->functor);
			return -1;
		}
		if (!family_no_arg(f, &c[i + 1]))
			return -1;
		if (!strcmp(fn, "return"))
			flags |= ATTACH_RETURN;
		suffix = !strcmp(fn, "return") ? ".return" : ".call";
	}
	if (strchr(name, '@') || strchr(name, ':')) {
		diag_error(f->d, &c[i].loc, "function(\"%s\"): source files and lines need debuginfo, "
			   "which bstap does not read: name the function alone", name);
		return -1;
	}
	struct uelf *u = open_file(f, &c[i], pt->file);
	if (!u)
		return -1;
	uint32_t n = 0;
	uint64_t last = UINT64_MAX;
	bool wild = is_wild(name);
	for (uint32_t k = 0; k < u->nsyms; k++) {
		const struct uelf_sym *s = &u->syms[k];
		if (wild ? fnmatch(name, s->name, 0) : strcmp(name, s->name))
			continue;
		if (!wild && s->offset == last)
			continue;	/* the same function under the same name twice */
		last = s->offset;
		struct pp_resolved *r = pp_resolved_push(f->a, out);
		r->at.kind = PK_UPROBE;
		r->at.path = pt->file;
		r->at.arg = s->offset;
		r->at.target = pt->lib ? pt->prog : NULL;
		r->at.flags = flags;
		r->place = PLACE_KERNEL;
		r->name = arena_printf(f->a, "%s.function(\"%s\")%s", pt->prefix, s->name, suffix);
		struct tvar_set *tv = flags & ATTACH_RETURN ? return_tvars(f->a, s->name)
							    : no_tvars(f->a, s->name);
		add_usyms(f->a, tv, u, pt->lib != NULL);
		r->tvars = tv;
		n++;
		if (!wild)
			break;
	}
	if (!n) {
		diag_error(f->d, &c[i].loc, "no function %s '%s' in %s%s", wild ? "matches" : "named",
			   name, pt->file, u->nsyms ? "" : " (it has no function symbols: stripped?)");
		return -1;
	}
	return (int)n;
}

/* .statement(ADDR): ADDR is a link-time address of the file */
static int resolve_statement(const struct fctx *f, const struct proc_point *pt, uint32_t i,
			     struct pp_resolved_list *out)
{
	const struct pp_comp *c = f->c;
	if (c[i].arg && c[i].arg->kind == N_STR) {
		diag_error(f->d, &c[i].loc, "statement(\"...\") needs debuginfo, which bstap does not "
			   "read: give an address, as in statement(0x401136)");
		return -1;
	}
	int64_t addr;
	if (!family_num_arg(f, &c[i], &addr))
		return -1;
	if (i + 1 < f->pp->ncomps) {
		diag_error(f->d, &c[i + 1].loc, "unexpected '%s' after .statement(ADDR)",
			   c[i + 1].functor);
		return -1;
	}
	struct uelf *u = open_file(f, &c[i], pt->file);
	if (!u)
		return -1;
	uint64_t off;
	if (!uelf_addr_offset(u, (uint64_t)addr, &off)) {
		diag_error(f->d, &c[i].loc, "address 0x%" PRIx64 " is in no loaded segment of %s",
			   (uint64_t)addr, pt->file);
		return -1;
	}
	struct pp_resolved *r = pp_resolved_push(f->a, out);
	r->at.kind = PK_UPROBE;
	r->at.path = pt->file;
	r->at.arg = off;
	r->at.target = pt->lib ? pt->prog : NULL;
	r->at.flags = pt->flags;
	r->place = PLACE_KERNEL;
	r->name = arena_printf(f->a, "%s.statement(0x%" PRIx64 ")", pt->prefix, (uint64_t)addr);
	struct tvar_set *tv = no_tvars(f->a, "");
	add_usyms(f->a, tv, u, pt->lib != NULL);
	r->tvars = tv;
	return 1;
}

/* [.provider("P")].mark("NAME") from component i */
static int resolve_mark(const struct fctx *f, const struct proc_point *pt, uint32_t i,
			struct pp_resolved_list *out)
{
	const struct pp_comp *c = f->c;
	const char *prov = "*";
	if (!strcmp(c[i].functor, "provider")) {
		if (!(prov = str_arg(f, &c[i], "provider(\"myapp\").mark(\"start\")")))
			return -1;
		if (++i >= f->pp->ncomps || strcmp(c[i].functor, "mark")) {
			diag_error(f->d, i < f->pp->ncomps ? &c[i].loc : &c[i - 1].loc,
				   ".provider(\"%s\") must be followed by .mark(\"NAME\")", prov);
			return -1;
		}
	}
	const char *name = str_arg(f, &c[i], "mark(\"start\")");
	if (!name)
		return -1;
	if (i + 1 < f->pp->ncomps) {
		diag_error(f->d, &c[i + 1].loc, "unexpected '%s' after .mark(\"...\")", c[i + 1].functor);
		return -1;
	}
	if (pt->lib) {
		diag_error(f->d, &c[i].loc, "markers in a library are not supported by bstap yet: "
			   "probe process(\"%s\").mark(...)", pt->file);
		return -1;
	}
	struct uelf *u = open_file(f, &c[i], pt->file);
	if (!u)
		return -1;
	uint32_t n = 0;
	for (uint32_t k = 0; k < u->nnotes; k++) {
		const struct uelf_note *m = &u->notes[k];
		if (fnmatch(prov, m->provider, 0) || fnmatch(name, m->name, 0))
			continue;
		/* one probe per marker name: libbpf attaches every site of it */
		const char *target = arena_printf(f->a, "%s:%s", m->provider, m->name);
		bool dup = false;
		for (uint32_t j = out->n - n; j < out->n && !dup; j++)
			dup = !strcmp(out->v[j].at.target, target);
		if (dup)
			continue;
		struct pp_resolved *r = pp_resolved_push(f->a, out);
		r->at.kind = PK_USDT;
		r->at.path = pt->file;
		r->at.target = target;
		r->at.flags = pt->flags;
		r->place = PLACE_KERNEL;
		r->name = arena_printf(f->a, "%s.provider(\"%s\").mark(\"%s\")", pt->prefix,
				       m->provider, m->name);
		struct tvar_set *tv = mark_tvars(f->a, m);
		add_usyms(f->a, tv, u, false);
		r->tvars = tv;
		n++;
	}
	if (!n) {
		diag_error(f->d, &c[i].loc, "no marker %s '%s'%s%s%s in %s%s",
			   is_wild(name) ? "matches" : "named", name,
			   strcmp(prov, "*") ? " of provider '" : "", strcmp(prov, "*") ? prov : "",
			   strcmp(prov, "*") ? "'" : "", pt->file,
			   u->nnotes ? "" : " (it has no .note.stapsdt)");
		return -1;
	}
	return (int)n;
}

/*
 * [.thread].begin / [.thread].end: a process starting to run the program (exec) and its end;
 * a thread other than the main one starting (its return from clone) and ending. Tracepoints
 * that run in the task's own context.
 */
static int resolve_lifecycle(const struct fctx *f, const char *prog, const char *prefix,
			     uint32_t i, struct pp_resolved_list *out)
{
	const struct pp_comp *c = f->c;
	bool thread = !strcmp(c[i].functor, "thread");
	if (thread && ++i >= f->pp->ncomps) {
		diag_error(f->d, &c[i - 1].loc, "incomplete probe point: .thread needs .begin or .end");
		return -1;
	}
	const char *ev = c[i].functor;
	if ((strcmp(ev, "begin") && strcmp(ev, "end")) || !family_no_arg(f, &c[i])) {
		if (!strcmp(ev, "begin") || !strcmp(ev, "end"))
			return -1;
		diag_error(f->d, &c[i].loc, "unexpected '%s': expected .begin or .end", ev);
		return -1;
	}
	if (i + 1 < f->pp->ncomps) {
		diag_error(f->d, &c[i + 1].loc, "unexpected '%s' after .%s", c[i + 1].functor, ev);
		return -1;
	}
	struct pp_resolved *r = pp_resolved_push(f->a, out);
	r->at.kind = PK_PROC_EVENT;
	r->at.target = !strcmp(ev, "begin") ? "sched:sched_process_exec" : "sched:sched_process_exit";
	r->at.path = prog;
	r->at.arg = !strcmp(ev, "begin") ? 0 : thread ? 2 : 1;
	if (thread && !strcmp(ev, "begin")) {
		/* no scheduler tracepoint runs in a new thread, but its first act is to return
		 * 0 from clone/clone3, in its own context: the system-call exit (arg 3) */
		r->at.target = "raw_syscalls:sys_exit";
		r->at.arg = 3;
	}
	r->place = PLACE_KERNEL;
	r->name = arena_printf(f->a, "%s%s.%s", prefix, thread ? ".thread" : "", ev);
	return 1;
}

int resolve_process(const struct fctx *f, struct pp_resolved_list *out)
{
	const struct pp_comp *c = f->c;
	struct proc_point pt = { 0 };
	char why[512];
	if (!c[0].arg && f->pp->ncomps > 1 &&
	    (!strcmp(c[1].functor, "begin") || !strcmp(c[1].functor, "end") ||
	     !strcmp(c[1].functor, "thread")))
		return resolve_lifecycle(f, NULL, "process", 1, out);
	if (c[0].arg && c[0].arg->kind == N_STR) {
		const char *p = arena_strndup(f->a, c[0].arg->u.str.s, c[0].arg->u.str.len);
		if (!uelf_find_program(f->a, p, &pt.prog, why, sizeof(why))) {
			diag_error(f->d, &c[0].loc, "%s", why);
			return -1;
		}
	} else if (c[0].arg) {
		diag_error(f->d, &c[0].loc, "process(PID) is not supported by bstap yet: use "
			   "process(\"PATH\") or -x PID with process.function(...)");
		return -1;
	} else {
		if (!f->env->target_exe) {
			diag_error(f->d, &c[0].loc, "'process' without a path probes the target process's "
				   "program: give one with -c CMD or -x PID, or name it: "
				   "process(\"PATH\")");
			return -1;
		}
		pt.prog = f->env->target_exe;
		/* -x: that process; -c: the command and the processes it starts, as stap */
		pt.flags |= f->env->target_only ? ATTACH_TARGET : ATTACH_TARGET_TREE;
	}
	if (f->env->target_only)
		pt.flags |= ATTACH_TARGET;
	pt.file = pt.prog;
	pt.prefix = arena_printf(f->a, "process(\"%s\")", pt.prog);
	if (f->pp->ncomps < 2) {
		diag_error(f->d, &f->pp->loc, "incomplete probe point 'process': expected "
			   ".function(\"NAME\"), .statement(ADDR), .mark(\"NAME\"), .library(\"LIB\")...");
		return -1;
	}
	uint32_t i = 1;
	if (!strcmp(c[1].functor, "library")) {
		const char *lib = str_arg(f, &c[1], "library(\"libc.so.6\")");
		if (!lib)
			return -1;
		if (!uelf_find_library(f->a, pt.prog, lib, &pt.file, why, sizeof(why))) {
			diag_error(f->d, &c[1].loc, "%s", why);
			return -1;
		}
		pt.lib = pt.file;
		pt.prefix = arena_printf(f->a, "%s.library(\"%s\")", pt.prefix, pt.file);
		if (++i >= f->pp->ncomps) {
			diag_error(f->d, &c[1].loc, "incomplete probe point: .library(\"%s\") needs "
				   ".function(\"NAME\") after it", lib);
			return -1;
		}
	}
	const char *fn = c[i].functor;
	if (!strcmp(fn, "function"))
		return resolve_function(f, &pt, i, out);
	if (!strcmp(fn, "statement"))
		return resolve_statement(f, &pt, i, out);
	if (!strcmp(fn, "mark") || !strcmp(fn, "provider"))
		return resolve_mark(f, &pt, i, out);
	if (!pt.lib && (!strcmp(fn, "begin") || !strcmp(fn, "end") || !strcmp(fn, "thread")))
		return resolve_lifecycle(f, pt.prog, arena_printf(f->a, "process(\"%s\")", pt.prog),
					 i, out);
	if (!strcmp(fn, "syscall") || !strcmp(fn, "plt") || !strcmp(fn, "insn")) {
		diag_error(f->d, &c[i].loc, "probe point '%s' is not supported by bstap yet",
			   pp_to_string(f->a, f->pp));
		return -1;
	}
	diag_error(f->d, &c[i].loc, "unknown process probe '%s': expected .function(\"NAME\"), "
		   ".statement(ADDR), .mark(\"NAME\"), .provider(\"P\").mark(\"NAME\") or "
		   ".library(\"LIB\").function(\"NAME\")", fn);
	return -1;
}
