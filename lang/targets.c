/*
 * Target variables in probe handlers: $field resolved against the event's fields (a missing
 * one lists those there are), $name[N] for array fields, and the $$name, $$parms, $$vars and
 * $$locals forms expanded as stap expands them (sprintf of "name=%#x ..." over the fields).
 * Runs once per concrete probe, before type inference, which then types each field.
 */
#include "lang/elab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/kfuncs.h"
#include "prog/builtins.h"
#include "prog/strbuf.h"
#include "prog/visit.h"

static bool resolve(struct node *n, void *ctx);
struct tctx;
static bool resolve_index(struct tctx *t, struct node *n);
static struct node *str_node(struct arena *a, struct loc loc, const char *s);

static void node_reset_num(struct node *n, struct loc loc, int64_t v)
{
	memset(n, 0, sizeof(*n));
	n->kind = N_NUM;
	n->loc = loc;
	n->u.num = v;
}


struct tctx {
	struct arena *a;
	struct diag *d;
	const struct eprobe *ep;
	int errors;
	struct eprobe *epm;	/* ep, to give it a target variable set of its own */
};

/*
 * @defined($var...): 1 when the probe's event has $var (its name before any '->', '[' or
 * '$'), else 0, with no error either way; what follows $var is checked where it is read.
 */
static bool resolve_defined(struct tctx *t, struct node *n)
{
	const struct node *v = n->u.call.args.n == 1 ? n->u.call.args.v[0] : NULL;
	if (!v || v->kind != N_TARGET)
		return true;
	const char *name = v->u.var.name;
	if (!strncmp(name, "@entry(", 7))
		name += 7;
	name++;	/* past '$' */
	size_t nl = strcspn(name, "[$-)");
	bool has = false;
	const struct tvar_set *tv = t->ep->tvars;
	for (uint32_t i = 0; tv && i < tv->n && !has; i++)
		has = !tv->v[i].nsteps && strlen(tv->v[i].name) == nl &&
		      !strncmp(tv->v[i].name, name, nl);
	struct loc loc = n->loc;
	node_reset_num(n, loc, has);
	return false;
}

/* A condition that is @defined(...) or !@defined(...): resolve it, its value in *v. */
static bool defined_cond(struct tctx *t, struct node *c, int64_t *v)
{
	bool neg = false;
	if (c && c->kind == N_UNOP && c->u.un.op == OP_NOT) {
		neg = true;
		c = c->u.un.e;
	}
	if (!c || c->kind != N_CALL || strcmp(c->u.call.name, "@defined"))
		return false;
	resolve_defined(t, c);
	if (c->kind != N_NUM)
		return false;
	*v = neg ? !c->u.num : c->u.num;
	return true;
}

/*
 * "@cast"(ptr, "struct", "->a->b") as parsed: a chase from ptr, appended to the probe's own
 * target variables; the call becomes @cast(ptr, index) (or @cast$string for a char array).
 */
static bool resolve_cast(struct tctx *t, struct node *n)
{
	struct node_list *args = &n->u.call.args;
	if (args->n != 3 || args->v[1]->kind != N_STR || args->v[2]->kind != N_STR)
		return true;
	ast_visit(args->v[0], resolve, t);
	struct tvar_set *tv = (struct tvar_set *)t->epm->tvars;
	if (!tv) {
		tv = arena_alloc(t->a, sizeof(*tv));
		tv->event = "";
		tv->v = arena_alloc(t->a, sizeof(*tv->v));
		t->epm->tvars = tv;
	}
	/* "->a->b[N]" (lang/parse.c): the chase and the index of the array member it ends at */
	const char *chase = args->v[2]->u.str.s, *br = strchr(chase, '[');
	long long index = br ? strtoll(br + 1, NULL, 10) : -1;
	if (br)
		chase = arena_strndup(t->a, chase, (size_t)(br - chase));
	if (br) {
		/* ->member[N] of a pointer member (not an array): element N, as "@index" reads */
		diag_mute(t->d, true);
		int m = kf_cast(t->a, t->d, &n->loc, tv, 0, args->v[1]->u.str.s, chase, false, -1);
		diag_mute(t->d, false);
		uint32_t size;
		bool sign;
		if (m >= 0 && kf_pointee_scalar(tv->v[m].btf_id, &size, &sign)) {
			struct node *base = node_new(t->a, N_CALL, n->loc);
			*base = *n;
			base->u.call.args = (struct node_list){ 0 };
			ARENA_LIST_PUSH(t->a, &base->u.call.args, args->v[0]);
			ARENA_LIST_PUSH(t->a, &base->u.call.args, args->v[1]);
			ARENA_LIST_PUSH(t->a, &base->u.call.args, str_node(t->a, n->loc, chase));
			struct node *i = node_new(t->a, N_NUM, n->loc);
			i->u.num = index;
			struct loc loc = n->loc;
			memset(n, 0, sizeof(*n));
			n->kind = N_CALL;
			n->loc = loc;
			n->u.call.name = "@index";
			n->u.call.builtin = -1;
			ARENA_LIST_PUSH(t->a, &n->u.call.args, base);
			ARENA_LIST_PUSH(t->a, &n->u.call.args, i);
			return resolve_index(t, n);
		}
	}
	int idx = kf_cast(t->a, t->d, &n->loc, tv, 0, args->v[1]->u.str.s, chase, false, index);
	if (idx < 0) {
		t->errors++;
		return false;
	}
	struct node *num = node_new(t->a, N_NUM, n->loc);
	num->u.num = idx;
	args->v[1] = num;
	args->n = 2;
	n->u.call.name = tv->v[idx].kind == TV_CHARS ? "@cast$string" : "@cast";
	n->u.call.builtin = 0;
	return false;
}

static struct node *str_node(struct arena *a, struct loc loc, const char *s)
{
	struct node *n = node_new(a, N_STR, loc);
	n->u.str.s = s;
	n->u.str.len = (uint32_t)strlen(s);
	return n;
}

static struct node *field_node(struct arena *a, struct loc loc, const struct tvar_set *tv,
			       uint32_t i, uint32_t elem)
{
	struct node *n = node_new(a, N_TARGET, loc);
	n->u.var.name = elem == UINT32_MAX ? tv->v[i].name
					   : arena_printf(a, "%s[%u]", tv->v[i].name, elem);
	n->u.var.tvar = (int32_t)i;
	n->u.var.elem = elem == UINT32_MAX ? 0 : elem;
	return n;
}

/*
 * How an integer prints: in $$parms as stap's %#x (written 0x%x: bpf_snprintf has no '#');
 * pretty-printed ($var$, $$parms$) in decimal as the type's signedness says, as stap's
 * pretty printer does, pointers still in hex.
 */
static const char *int_fmt(const struct tvar *v, bool pretty)
{
	if (!pretty || strchr(v->ctype, '*'))
		return "0x%x";
	return v->is_signed ? "%d" : "%u";
}

/*
 * "name=VALUE name=VALUE ...": integers as %#x (decimal when pretty), strings quoted (the record holds the string
 * itself, not its address), arrays as [a, b, ...] when pretty, else '?'. sprintf takes at
 * most a few arguments per call in BPF, so the text is a concatenation of several.
 */
static struct node *parms_expr(struct tctx *t, struct loc loc, bool pretty, bool ret)
{
	const struct tvar_set *tv = t->ep->tvars;
	struct node *all = NULL;
	uint32_t i = 0;
	bool any = false;	/* a name=value written: the next one after a space */
	while (i < tv->n || !all) {
		struct node *call = node_new(t->a, N_CALL, loc);
		call->u.call.name = "sprintf";
		call->u.call.builtin = 0;
		struct strbuf fmt = { 0 };
		struct node_list args = { 0 };
		ARENA_LIST_PUSH(t->a, &args, NULL);	/* the format, set below */
		for (uint32_t used = 0; i < tv->n; i++) {
			const struct tvar *v = &tv->v[i];
			if (v->kind == TV_UREG)
				continue;	/* $return: $$return's, not a parameter */
			if (v->nsteps)
				continue;	/* a chase or a cast, not a field */
			/* a kernel function's $return is $$return's, not $$parms' */
			if (tv->kfunc && ret != !strcmp(v->name, "return"))
				continue;
			uint32_t need = v->kind != TV_ARRAY ? 1 : pretty ? v->count : 0;
			if (used && used + need > 8)
				break;
			strbuf_printf(&fmt, "%s%s=", any ? " " : "", v->name);
			any = true;
			if (v->kind == TV_CHARS || v->kind == TV_DATALOC) {
				strbuf_printf(&fmt, "\"%%s\"");
				ARENA_LIST_PUSH(t->a, &args, field_node(t->a, loc, tv, i, UINT32_MAX));
				used++;
			} else if (v->kind == TV_ARRAY && !pretty) {
				strbuf_printf(&fmt, "?");
			} else if (v->kind == TV_ARRAY) {
				strbuf_printf(&fmt, "[");
				for (uint32_t e = 0; e < v->count; e++) {
					strbuf_printf(&fmt, "%s%s", e ? ", " : "", int_fmt(v, true));
					ARENA_LIST_PUSH(t->a, &args, field_node(t->a, loc, tv, i, e));
					used++;
				}
				strbuf_printf(&fmt, "]");
			} else {
				strbuf_printf(&fmt, "%s", int_fmt(v, pretty));
				ARENA_LIST_PUSH(t->a, &args, field_node(t->a, loc, tv, i, UINT32_MAX));
				used++;
			}
		}
		args.v[0] = str_node(t->a, loc, arena_strdup(t->a, strbuf_str(&fmt)));
		strbuf_free(&fmt);
		call->u.call.args = args;
		if (args.n == 1) {
			call = args.v[0];	/* nothing to format: the text itself */
		}
		if (!all) {
			all = call;
		} else {
			struct node *cat = node_new(t->a, N_BINOP, loc);
			cat->u.bin.op = OP_CONCAT;
			cat->u.bin.l = all;
			cat->u.bin.r = call;
			all = cat;
		}
	}
	return all;
}

static void list_fields(struct tctx *t, const struct loc *loc)
{
	const struct tvar_set *tv = t->ep->tvars;
	struct strbuf sb = { 0 };
	for (uint32_t i = 0; i < tv->n; i++)
		if (!tv->v[i].nsteps)	/* not the chases found so far */
			strbuf_printf(&sb, "%s$%s:%s", i ? " " : "", tv->v[i].name, tv->v[i].ctype);
	diag_note(t->d, loc, "%s has: %s", t->ep->pp, tv->n ? strbuf_str(&sb) : "no fields");
	strbuf_free(&sb);
}

/*
 * "@index"(base, i) (lang/parse.c): element i of base, a kernel pointer to integers or
 * pointers (a BTF-typed target variable: a kernel function's parameter or member, a @cast
 * member), read as stap reads ptr[i]: kernel_long/int/short/char(base + i * size), unsigned
 * elements masked to their width. A fault is kernel_long's runtime error at the index.
 */
static bool resolve_index(struct tctx *t, struct node *n)
{
	struct node_list *args = &n->u.call.args;
	if (args->n != 2)
		return true;
	ast_visit(args->v[0], resolve, t);
	ast_visit(args->v[1], resolve, t);
	const struct node *b = args->v[0];
	const struct tvar_set *tv = t->epm->tvars;
	int32_t idx = b->kind == N_TARGET ? b->u.var.tvar
		      : b->kind == N_CALL && !strncmp(b->u.call.name, "@cast", 5) &&
				b->u.call.args.n == 2 && b->u.call.args.v[1]->kind == N_NUM
			? (int32_t)b->u.call.args.v[1]->u.num : -1;
	uint32_t size;
	bool sign;
	if (idx < 0 && b->kind == N_TARGET && t->errors)
		return false;	/* the target variable's own error is reported */
	bool known = idx >= 0 && tv && (uint32_t)idx < tv->n;
	if (!known || !kf_pointee_scalar(tv->v[idx].btf_id, &size, &sign)) {
		diag_error(t->d, &n->loc, "'[...]' with a computed index reads an element of a "
			   "kernel pointer to integers or pointers (a kernel function's parameter or "
			   "member, or a @cast member)%s%s", known ? ": this is " : "",
			   known ? tv->v[idx].ctype : "");
		t->errors++;
		return false;
	}
	static const int read[9] = { [1] = B_KERNEL_CHAR, [2] = B_KERNEL_SHORT, [4] = B_KERNEL_INT,
				     [8] = B_KERNEL_LONG };
	struct loc loc = n->loc;
	struct node *scale = node_new(t->a, N_NUM, loc);
	scale->u.num = size;
	struct node *off = node_new(t->a, N_BINOP, loc);
	off->u.bin.op = OP_MUL;
	off->u.bin.l = args->v[1];
	off->u.bin.r = scale;
	struct node *addr = node_new(t->a, N_BINOP, loc);
	addr->u.bin.op = OP_ADD;
	addr->u.bin.l = args->v[0];
	addr->u.bin.r = off;
	struct node *call = node_new(t->a, N_CALL, loc);
	call->u.call.name = builtin_table[read[size]].name;
	call->u.call.builtin = read[size] + 1;	/* stored +1 (lang/types.c) */
	ARENA_LIST_PUSH(t->a, &call->u.call.args, addr);
	if (sign || size == 8) {
		*n = *call;
		return false;
	}
	/* kernel_int/short/char sign-extend: an unsigned element keeps its own width */
	struct node *mask = node_new(t->a, N_NUM, loc);
	mask->u.num = (int64_t)((1ull << (8 * size)) - 1);
	memset(n, 0, sizeof(*n));
	n->kind = N_BINOP;
	n->loc = loc;
	n->u.bin.op = OP_BAND;
	n->u.bin.l = call;
	n->u.bin.r = mask;
	return false;
}

static bool resolve(struct node *n, void *ctx)
{
	struct tctx *t = ctx;
	if (n->kind == N_CALL && !strcmp(n->u.call.name, "@cast"))
		return resolve_cast(t, n);
	if (n->kind == N_CALL && !strcmp(n->u.call.name, "@index"))
		return resolve_index(t, n);
	if (n->kind == N_CALL && !strcmp(n->u.call.name, "@defined"))
		return resolve_defined(t, n);
	if (n->kind == N_IF || n->kind == N_TERNARY) {
		/* if (@defined($x)) ... / @defined($x) ? ... : ...: the branch that is not taken
		 * is dropped unchecked, as stap does, so that it may name what the event lacks */
		int64_t c;
		if (!defined_cond(t, n->kind == N_IF ? n->u.ifs.cond : n->u.tern.cond, &c))
			return true;
		struct node *keep = n->kind == N_IF ? (c ? n->u.ifs.then : n->u.ifs.els)
						    : (c ? n->u.tern.t : n->u.tern.f);
		if (!keep) {
			struct loc loc = n->loc;
			memset(n, 0, sizeof(*n));
			n->kind = N_EMPTY;
			n->loc = loc;
			return false;
		}
		*n = *keep;
		ast_visit(n, resolve, t);
		return false;
	}
	if (n->kind != N_TARGET || n->u.var.tvar >= 0)
		return true;
	const struct tvar_set *tv = t->ep->tvars;
	if (!tv)
		return true;	/* type inference says the probe has no target variables */
	const char *name = n->u.var.name + 1;	/* past '$' */
	struct loc loc = n->loc;
	bool addr = n->u.var.name[0] == '&';
	if (addr) {
		if (!strchr(name, '>') || !kf_is_function_set(tv)) {
			diag_error(t->d, &loc, "'%s': '&' takes a member of a kernel function's "
				   "parameter, as in &$file->f_pos", n->u.var.name);
			t->errors++;
			return false;
		}
		name++;	/* past "&$" */
	}
	bool at_entry = !strncmp(n->u.var.name, "@entry(", 7);
	if (at_entry) {
		/* @entry($var...): the value at the function's entry, in a .return probe */
		name = arena_strndup(t->a, n->u.var.name + 8, strlen(n->u.var.name) - 9);
		if (!kf_is_function_set(tv) || !(t->ep->at.flags & ATTACH_RETURN)) {
			diag_error(t->d, &loc, "@entry is only for the .return probes of kernel "
				   "functions");
			t->errors++;
			return false;
		}
	}
	if (name[0] == '$') {
		const char *meta = name + 1;
		size_t ml = strcspn(meta, "$");
		bool pretty = meta[ml] == '$';
		if (!strcmp(meta, "name")) {
			*n = *str_node(t->a, loc, tv->event);
		} else if (!strcmp(meta, "provider") && tv->provider) {
			*n = *str_node(t->a, loc, tv->provider);
		} else if (ml == 6 && !strncmp(meta, "return", 6) && tv->n && tv->v[0].kind == TV_UREG) {
			/* a user function's .return: "return=0x..." ($$return$: in decimal) */
			struct node *call = node_new(t->a, N_CALL, loc);
			call->u.call.name = "sprintf";
			ARENA_LIST_PUSH(t->a, &call->u.call.args,
					str_node(t->a, loc, pretty ? "return=%d" : "return=0x%x"));
			ARENA_LIST_PUSH(t->a, &call->u.call.args, field_node(t->a, loc, tv, 0, UINT32_MAX));
			*n = *call;
		} else if ((ml == 5 && !strncmp(meta, "parms", 5)) ||
			   (ml == 4 && !strncmp(meta, "vars", 4))) {
			*n = *parms_expr(t, loc, pretty, false);
		} else if (ml == 6 && !strncmp(meta, "return", 6) && kf_is_function_set(tv)) {
			/* $$return: "return=VALUE" in a .return, "" elsewhere (as stap) */
			bool has = false;
			for (uint32_t i = 0; i < tv->n && !has; i++)
				has = !strcmp(tv->v[i].name, "return");
			*n = has ? *parms_expr(t, loc, pretty, true) : *str_node(t->a, loc, "");
		} else if (ml == 6 && !strncmp(meta, "locals", 6)) {
			*n = *str_node(t->a, loc, "");	/* a tracepoint has no locals */
		} else {
			diag_error(t->d, &loc, "unknown target variable '%s': expected $$name, $$parms, "
				   "$$vars%s or $$locals", n->u.var.name,
				   kf_is_function_set(tv) ? ", $$return" : "");
			t->errors++;
		}
		return false;
	}
	size_t nl = strcspn(name, "[$-");
	const char *rest = name + nl;
	for (uint32_t i = 0; i < tv->n; i++) {
		const struct tvar *v = &tv->v[i];
		if (v->nsteps || strlen(v->name) != nl || strncmp(v->name, name, nl))
			continue;
		if (!strncmp(rest, "->", 2) && kf_is_function_set(tv)) {
			/* $ptr->member->member: a CO-RE chase, one target variable of its own */
			size_t cl = strcspn(rest, "[$");
			/* ...->member[N]: one element */
			long long index = rest[cl] == '[' ? strtoll(rest + cl + 1, NULL, 10) : -1;
			const char *whole = arena_printf(t->a, "%s%s%.*s%s", at_entry ? "@entry " : "",
							 addr ? "&" : "", (int)(nl + cl), name,
							 index >= 0 ? arena_printf(t->a, "[%lld]", index)
								    : "");
			int idx = -1;
			for (uint32_t k = 0; k < tv->n && idx < 0; k++)
				if (tv->v[k].nsteps && !strcmp(tv->v[k].name, whole))
					idx = (int)k;
			if (idx < 0) {
				idx = kf_chase(t->a, t->d, &loc, (struct tvar_set *)tv, i,
					       arena_strndup(t->a, rest, cl), addr, index);
				/*
				 * @entry($p->a): chased at the entry (an entry program saves it);
				 * $p->a in a .return: $p from the entry, chased at the return, as stap
				 */
				if (idx >= 0 && at_entry) {
					struct tvar *nv = (struct tvar *)&tv->v[idx];
					nv->entry = true;
					nv->name = whole;
				}
			}
			if (idx < 0) {
				t->errors++;
				return false;
			}
			v = &tv->v[idx];
			i = (uint32_t)idx;
			rest += cl;
			if (rest[0] == '[')
				rest += strcspn(rest, "]") + (strchr(rest, ']') != NULL);
		} else if (!strncmp(rest, "->", 2)) {
			diag_error(t->d, &loc, "'$%s' is %s, not a pointer to a struct: '->' cannot follow "
				   "it here", v->name, v->ctype);
			t->errors++;
			return false;
		}
		if (rest[0] == '[') {
			unsigned long e = strtoul(rest + 1, NULL, 10);
			if (v->kind != TV_ARRAY) {
				diag_error(t->d, &loc, "'$%s' is %s, not an array", v->name, v->ctype);
				t->errors++;
			} else if (e >= v->count) {
				diag_error(t->d, &loc, "index %lu is past the end of '$%s' (%s)", e,
					   v->name, v->ctype);
				t->errors++;
			} else {
				*n = *field_node(t->a, loc, tv, i, (uint32_t)e);
			}
			return false;
		}
		if (v->kind == TV_ARRAY) {
			diag_error(t->d, &loc, "'$%s' is an array (%s): read one element, as in "
				   "$%s[0]", v->name, v->ctype, v->name);
			t->errors++;
			return false;
		}
		if (rest[0] == '$' && v->kind == TV_INT) {
			/* $var$: the value pretty-printed, as a string */
			struct node *call = node_new(t->a, N_CALL, loc);
			call->u.call.name = "sprintf";
			ARENA_LIST_PUSH(t->a, &call->u.call.args, str_node(t->a, loc, int_fmt(v, true)));
			ARENA_LIST_PUSH(t->a, &call->u.call.args, field_node(t->a, loc, tv, i, UINT32_MAX));
			*n = *call;
		} else if (rest[0] == '$') {
			struct node *call = node_new(t->a, N_CALL, loc);
			call->u.call.name = "sprintf";
			ARENA_LIST_PUSH(t->a, &call->u.call.args, str_node(t->a, loc, "\"%s\""));
			ARENA_LIST_PUSH(t->a, &call->u.call.args, field_node(t->a, loc, tv, i, UINT32_MAX));
			*n = *call;
		} else {
			n->u.var.tvar = (int32_t)i;
		}
		/* @entry of what the entry has: not $return (fexit keeps the parameters itself) */
		const struct tvar *root = v->nsteps && v->base < tv->n ? &tv->v[v->base] : v;
		if (at_entry && !root->entry && !strcmp(root->name, "return")) {
			diag_error(t->d, &loc, "@entry($%s): $%s is not a value at the function's entry",
				   name, v->name);
			t->errors++;
		}
		return false;
	}
	diag_error(t->d, &loc, "target variable '$%.*s' is not a field of %s", (int)nl, name,
		   t->ep->pp);
	list_fields(t, &loc);
	t->errors++;
	return false;
}

int targets_resolve(struct arena *a, struct diag *d, struct program *p)
{
	struct tctx t = { a, d, NULL, 0, NULL };
	for (uint32_t i = 0; i < p->probes.n; i++) {
		t.ep = p->probes.v[i];
		t.epm = p->probes.v[i];
		if (t.ep->tvars) {
			/* chases and casts add target variables: each probe gets its own set */
			struct tvar_set *own = arena_alloc(a, sizeof(*own));
			*own = *t.ep->tvars;
			p->probes.v[i]->tvars = own;
		}
		ast_visit(t.ep->cond, resolve, &t);
		ast_visit(t.ep->body, resolve, &t);
	}
	return t.errors ? -1 : 0;
}
