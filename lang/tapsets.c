/* Finding, parsing and selecting the alias library files a script needs (stap(1), PROCESSING). */
#include "lang/tapsets.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lang/pp_match.h"
#include "prog/builtins.h"
#include "prog/visit.h"

#ifndef BSTAP_PREFIX
#define BSTAP_PREFIX "/usr/local"
#endif

struct lib {
	const char *path;
	struct stp_file *f;
	char *diags;		/* what parsing it reported, printed only if it is selected */
	size_t ndiags;
	int errors;
	bool selected;
};

struct libs {
	struct arena *a;
	struct lib *v;
	int n, cap;
	/* every alias name of every library, sorted by first functor, to find a use's candidates */
	struct alias_ref {
		const char *functor;
		const struct probe_point *name;
		int lib;
	} *names;
	uint32_t nnames;
};

static bool is_dir(const char *p)
{
	struct stat st;
	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

const char *tapsets_default_dir(struct arena *a, const char *exe_path)
{
	char exe[PATH_MAX];
	if (exe_path && realpath(exe_path, exe)) {
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			const char *d = arena_printf(a, "%s/../share/bstap/aliases", exe);
			if (is_dir(d))
				return d;
			d = arena_printf(a, "%s/../aliases", exe);
			if (is_dir(d))
				return d;
		}
	}
	return is_dir(BSTAP_PREFIX "/share/bstap/aliases") ? BSTAP_PREFIX "/share/bstap/aliases" : NULL;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The *.stp file names of one directory, sorted: the order files join in is reproducible. */
static char **list_stp(const char *dir, int *n)
{
	*n = 0;
	DIR *dp = opendir(dir);
	if (!dp)
		return NULL;
	char **v = NULL;
	int cap = 0;
	struct dirent *de;
	while ((de = readdir(dp))) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".stp") || de->d_name[0] == '.')
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 32;
			char **nv = realloc(v, (size_t)cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		v[(*n)++] = strdup(de->d_name);
	}
	closedir(dp);
	if (v)
		qsort(v, (size_t)*n, sizeof(*v), cmp_str);
	return v;
}

static void add_lib(struct libs *L, const char *path)
{
	/* the same file reached through two directories joins once */
	char real[PATH_MAX];
	const char *key = realpath(path, real) ? real : path;
	for (int i = 0; i < L->n; i++)
		if (!strcmp(L->v[i].path, key))
			return;
	if (L->n == L->cap) {
		L->cap = L->cap ? 2 * L->cap : 32;
		struct lib *nv = realloc(L->v, (size_t)L->cap * sizeof(*nv));
		if (!nv)
			return;
		L->v = nv;
	}
	L->v[L->n++] = (struct lib){ .path = arena_strdup(L->a, key) };
}

/* One library directory: its version subdirectories, most specific first, then itself. */
static void scan_dir(struct libs *L, const char *dir, const char *release)
{
	const char *sub[8];
	int nsub = 0;
	if (release && *release)
		sub[nsub++] = release;
	/* 6.18.44-fc-v782 -> 6.18.44 -> 6.18 -> 6 */
	char *v = arena_strdup(L->a, release ? release : "");
	v[strcspn(v, "-+_ ")] = 0;
	while (*v && nsub < 7) {
		if (!nsub || strcmp(v, sub[nsub - 1]))
			sub[nsub++] = arena_strdup(L->a, v);
		char *dot = strrchr(v, '.');
		if (!dot)
			break;
		*dot = 0;
	}
	sub[nsub++] = "";
	const char **taken = NULL;
	int ntaken = 0;
	for (int s = 0; s < nsub; s++) {
		const char *d = *sub[s] ? arena_printf(L->a, "%s/%s", dir, sub[s]) : dir;
		int n;
		char **names = list_stp(d, &n);
		for (int i = 0; i < n; i++) {
			bool hidden = false;
			for (int t = 0; t < ntaken; t++)
				hidden |= !strcmp(taken[t], names[i]);
			if (!hidden) {
				add_lib(L, arena_printf(L->a, "%s/%s", d, names[i]));
				const char **nt = realloc(taken, (size_t)(ntaken + 1) * sizeof(*nt));
				if (nt) {
					taken = nt;
					taken[ntaken++] = arena_strdup(L->a, names[i]);
				}
			}
			free(names[i]);
		}
		free(names);
	}
	free(taken);
}

static void parse_lib(struct lib *l, struct arena *a, const struct parse_env *env)
{
	struct src_file *src = src_file_read(a, l->path);
	FILE *mem = open_memstream(&l->diags, &l->ndiags);
	if (!src || !mem) {
		if (mem)
			fclose(mem);
		return;
	}
	struct diag *d = diag_new(a, mem);
	l->f = parse_file(a, d, src, env);
	l->f->is_tapset = true;
	l->errors = diag_error_count(d);
	fclose(mem);
}

static int cmp_ref(const void *x, const void *y)
{
	const struct alias_ref *p = x, *q = y;
	int c = strcmp(p->functor, q->functor);
	return c ? c : p->lib - q->lib;
}

static void index_names(struct libs *L)
{
	uint32_t n = 0;
	for (int i = 0; i < L->n; i++)
		for (uint32_t k = 0; L->v[i].f && k < L->v[i].f->probes.n; k++)
			n += L->v[i].f->probes.v[k]->names.n;
	L->names = arena_alloc(L->a, (n + 1) * sizeof(*L->names));
	for (int i = 0; i < L->n; i++)
		for (uint32_t k = 0; L->v[i].f && k < L->v[i].f->probes.n; k++) {
			const struct probe_def *pd = L->v[i].f->probes.v[k];
			for (uint32_t j = 0; j < pd->names.n; j++)
				L->names[L->nnames++] = (struct alias_ref){
					pd->names.v[j]->comps[0].functor, pd->names.v[j], i };
		}
	qsort(L->names, L->nnames, sizeof(*L->names), cmp_ref);
}

/* --- selection --- */

struct sel {
	struct libs *L;
	struct stp_file **files;	/* selected, user first */
	int nfiles;
};

static bool defines_func(const struct stp_file *f, const char *name)
{
	for (uint32_t i = 0; f && i < f->funcs.n; i++)
		if (!strcmp(f->funcs.v[i]->name, name))
			return true;
	return false;
}

static bool defines_global(const struct stp_file *f, const char *name)
{
	for (uint32_t i = 0; f && i < f->globals.n; i++)
		if (!strcmp(f->globals.v[i]->name, name))
			return true;
	return false;
}

static void select_lib(struct sel *s, int i)
{
	struct lib *l = &s->L->v[i];
	if (l->selected || !l->f)
		return;
	l->selected = true;
	s->files[s->nfiles++] = l->f;
}

static bool selected_defines(const struct sel *s, const char *name, bool func)
{
	for (int i = 0; i < s->nfiles; i++)
		if (func ? defines_func(s->files[i], name) : defines_global(s->files[i], name))
			return true;
	return false;
}

/* The first library (in search order) that defines name joins, unless a selected file has it. */
static void need_symbol(struct sel *s, const char *name, bool func)
{
	if (selected_defines(s, name, func))
		return;
	if (func) {
		int b = builtin_lookup(name);
		if (b >= 0 && !builtin_table[b].tapset)
			return;
	}
	for (int i = 0; i < s->L->n; i++) {
		const struct stp_file *f = s->L->v[i].f;
		if (!s->L->v[i].selected && (func ? defines_func(f, name) : defines_global(f, name))) {
			select_lib(s, i);
			return;
		}
	}
}

static bool use_matches(const struct probe_point *name, const struct probe_point *use)
{
	/* an ordinary match, or the alias-suffix rule's match of a prefix */
	for (uint32_t upto = use->ncomps; upto >= 1; upto--)
		if (alias_matches(name, use, upto))
			return true;
	return false;
}

/* Every library with an alias this probe point may expand through joins. */
static void need_point(struct sel *s, const struct probe_point *use)
{
	if (!use->ncomps)
		return;
	const char *fn = use->comps[0].functor;
	struct libs *L = s->L;
	uint32_t lo = 0, hi = L->nnames;
	if (!strchr(fn, '*')) {
		/* only names with this first functor, or with a wildcard in it, can match */
		while (lo < hi) {
			uint32_t mid = (lo + hi) / 2;
			if (strcmp(L->names[mid].functor, fn) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (uint32_t k = lo; k < L->nnames && !strcmp(L->names[k].functor, fn); k++)
			if (!L->v[L->names[k].lib].selected && use_matches(L->names[k].name, use))
				select_lib(s, L->names[k].lib);
		lo = 0;
		hi = L->nnames;
		for (uint32_t k = lo; k < hi; k++)
			if (strchr(L->names[k].functor, '*') && !L->v[L->names[k].lib].selected &&
			    use_matches(L->names[k].name, use))
				select_lib(s, L->names[k].lib);
		return;
	}
	for (uint32_t k = 0; k < L->nnames; k++)
		if (!L->v[L->names[k].lib].selected && use_matches(L->names[k].name, use))
			select_lib(s, L->names[k].lib);
}

static bool note_use(struct node *n, void *ctx)
{
	struct sel *s = ctx;
	if (n->kind == N_CALL)
		need_symbol(s, n->u.call.name, true);
	else if (n->kind == N_VAR)
		need_symbol(s, n->u.var.name, false);
	return true;
}

static void scan_file(struct sel *s, const struct stp_file *f)
{
	for (uint32_t i = 0; i < f->probes.n; i++) {
		const struct probe_def *pd = f->probes.v[i];
		for (uint32_t j = 0; j < pd->points.n; j++) {
			need_point(s, pd->points.v[j]);
			ast_visit(pd->points.v[j]->cond, note_use, s);
		}
		ast_visit(pd->body, note_use, s);
	}
	for (uint32_t i = 0; i < f->funcs.n; i++)
		ast_visit(f->funcs.v[i]->body, note_use, s);
}

int tapsets_load(struct arena *a, struct stp_file *user,
		 const struct tapset_search *s, const struct parse_env *env,
		 struct tapset_result *out)
{
	struct libs L = { .a = a };
	for (int i = 0; i < s->ndirs; i++)
		if (s->dirs[i] && *s->dirs[i])
			scan_dir(&L, s->dirs[i], s->release);
	for (int i = 0; i < L.n; i++)
		parse_lib(&L.v[i], a, env);
	index_names(&L);

	struct sel sel = { &L, arena_alloc(a, (size_t)(L.n + 1) * sizeof(*sel.files)), 0 };
	sel.files[sel.nfiles++] = user;
	/* breadth-first: each newly joined file may need more */
	for (int i = 0; i < sel.nfiles; i++)
		scan_file(&sel, sel.files[i]);

	int rc = 0;
	for (int i = 0; i < L.n; i++) {
		struct lib *l = &L.v[i];
		if (l->selected && l->errors) {
			/* its own path, line and column, as parsing it reported them */
			fwrite(l->diags, 1, l->ndiags, stderr);
			rc = -1;
		} else if (l->errors && s->verbose > 1) {
			fprintf(stderr, "bstap: library file %s has errors; it is not needed\n", l->path);
		}
		if (s->verbose > 1 && l->selected)
			fprintf(stderr, "bstap: library file %s joins\n", l->path);
		free(l->diags);
	}
	free(L.v);
	out->files = sel.files;
	out->nfiles = sel.nfiles;
	out->nscanned = L.n;
	return rc;
}
