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
#include "lang/readfile.h"
#include "prog/builtins.h"
#include "prog/visit.h"

#ifndef BSTAP_PREFIX
#define BSTAP_PREFIX "/usr/local"
#endif

struct lib {
	const char *path;
	const char *text;	/* read when the directory is scanned; parsed only if selected */
	size_t len;
	const char **funcs, **globals;	/* what a scan of its text says it defines */
	uint32_t nfuncs, nglobals, capfuncs, capglobals;
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

/* Parse a selected file; what parsing reports is printed only if that fails. */
static void parse_lib(struct lib *l, struct arena *a, const struct parse_env *env)
{
	struct src_file *src = src_file_new(a, l->path, l->text, l->len);
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

/* --- the index: what each file defines, from a scan of its text, without parsing it --- */

/* Append to an arena vector whose capacity doubles (cap in *cap). */
static void *grow(struct arena *a, void *v, uint32_t n, uint32_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? 2 * *cap : 16;
	void *nv = arena_alloc(a, *cap * size);
	if (n)
		memcpy(nv, v, n * size);
	return nv;
}

static void push_name(struct arena *a, const char ***v, uint32_t *n, uint32_t *cap,
		      const char *s, size_t len)
{
	*v = grow(a, *v, *n, cap, sizeof(**v));
	(*v)[(*n)++] = arena_strndup(a, s, len);
}

static bool ident_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool ident_char(char c)
{
	return ident_start(c) || (c >= '0' && c <= '9');
}

static const char *skip_space(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* Past a string literal starting at p (its opening quote). */
static const char *skip_string(const char *p, const char *end)
{
	for (p++; p < end && *p != '"'; p++)
		if (*p == '\\' && p + 1 < end)
			p++;
	return p < end ? p + 1 : end;
}

struct scan {
	struct libs *L;
	int lib;
	struct probe_point **names;	/* alias names found, with functors only */
	uint32_t nnames, cap;
};

/*
 * "probe NAME[, NAME] =" or "+=": an alias definition, whose names are recorded with their
 * functors (a name's argument is not kept: a use matching the functors selects the file,
 * which costs at most a parse). Returns where the scan goes on.
 */
static const char *scan_probe(struct scan *sc, const char *p, const char *end)
{
	struct arena *a = sc->L->a;
	struct probe_point *pts[16];
	uint32_t npts = 0;
	for (;;) {
		struct pp_comp comps[32];
		uint32_t nc = 0;
		p = skip_space(p, end);
		for (;;) {
			const char *f = p;
			while (p < end && (ident_char(*p) || *p == '*'))
				p++;
			if (p == f || nc == 32)
				return p;
			comps[nc++] = (struct pp_comp){ .functor = arena_strndup(a, f, (size_t)(p - f)) };
			if (p < end && *p == '(') {
				int depth = 0;
				for (; p < end; p++) {
					if (*p == '"') {
						p = skip_string(p, end) - 1;
						continue;
					}
					depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
					if (!depth)
						break;
				}
				p++;
			}
			if (p < end && *p == '.') {
				p++;
				continue;
			}
			break;
		}
		if (npts < 16) {
			struct probe_point *pp = arena_alloc(a, sizeof(*pp));
			pp->ncomps = nc;
			pp->comps = arena_alloc(a, nc * sizeof(*pp->comps));
			memcpy(pp->comps, comps, nc * sizeof(*comps));
			pts[npts++] = pp;
		}
		p = skip_space(p, end);
		if (p < end && *p == ',') {
			p++;
			continue;
		}
		break;
	}
	bool alias = (p < end && *p == '=' && (p + 1 >= end || p[1] != '=')) ||
		     (p + 1 < end && p[0] == '+' && p[1] == '=');
	if (!alias)
		return p;
	for (uint32_t i = 0; i < npts; i++) {
		sc->names = grow(a, sc->names, sc->nnames, &sc->cap, sizeof(*sc->names));
		sc->names[sc->nnames++] = pts[i];
	}
	return p;
}

/* "global a, b[100], c = 5": the names up to the end of the declaration. */
static const char *scan_globals(struct lib *l, struct arena *a, const char *p, const char *end)
{
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		const char *n = p;
		while (p < end && ident_char(*p))
			p++;
		if (p > n && ident_start(*n))
			push_name(a, &l->globals, &l->nglobals, &l->capglobals, n, (size_t)(p - n));
		/* past a size, a '%', an initial value, to the next ',' or the end of the line */
		while (p < end && *p != ',' && *p != '\n' && *p != ';') {
			if (*p == '"')
				p = skip_string(p, end);
			else
				p++;
		}
		if (p < end && *p == ',') {
			p = skip_space(p + 1, end);
			continue;
		}
		return p;
	}
}

static void index_text(struct scan *sc, struct lib *l)
{
	struct arena *a = sc->L->a;
	const char *p = l->text, *end = l->text + l->len;
	int depth = 0;
	while (p < end) {
		char c = *p;
		if (c == '#' || (c == '/' && p + 1 < end && p[1] == '/')) {
			while (p < end && *p != '\n')
				p++;
		} else if (c == '/' && p + 1 < end && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			p = e ? e + 2 : end;
		} else if (c == '"') {
			p = skip_string(p, end);
		} else if (c == '{') {
			depth++;
			p++;
		} else if (c == '}') {
			depth -= depth > 0;
			p++;
		} else if (ident_start(c) && (p == l->text || !ident_char(p[-1]))) {
			const char *w = p;
			while (p < end && ident_char(*p))
				p++;
			size_t n = (size_t)(p - w);
			if (depth)
				continue;
			if (n == 5 && !memcmp(w, "probe", 5)) {
				p = scan_probe(sc, p, end);
			} else if (n == 8 && !memcmp(w, "function", 8)) {
				p = skip_space(p, end);
				const char *f = p;
				while (p < end && ident_char(*p))
					p++;
				if (p > f)
					push_name(a, &l->funcs, &l->nfuncs, &l->capfuncs, f, (size_t)(p - f));
			} else if (n == 6 && !memcmp(w, "global", 6)) {
				p = scan_globals(l, a, p, end);
			}
		} else {
			p++;
		}
	}
}

static int cmp_ref(const void *x, const void *y)
{
	const struct alias_ref *p = x, *q = y;
	int c = strcmp(p->functor, q->functor);
	return c ? c : p->lib - q->lib;
}

/* Every alias name of every library, sorted by first functor. */
static void index_names(struct libs *L, struct scan *scans)
{
	uint32_t n = 0;
	for (int i = 0; i < L->n; i++)
		n += scans[i].nnames;
	L->names = arena_alloc(L->a, (n + 1) * sizeof(*L->names));
	for (int i = 0; i < L->n; i++)
		for (uint32_t k = 0; k < scans[i].nnames; k++)
			L->names[L->nnames++] = (struct alias_ref){
				scans[i].names[k]->comps[0].functor, scans[i].names[k], i };
	qsort(L->names, L->nnames, sizeof(*L->names), cmp_ref);
}

/* --- selection --- */

struct sel {
	struct libs *L;
	const struct parse_env *env;
	struct stp_file **files;	/* selected, user first */
	int nfiles;
	const struct stp_file *user;
};

static bool in_list(const char *const *v, uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (!strcmp(v[i], name))
			return true;
	return false;
}

static bool user_defines(const struct stp_file *f, const char *name, bool func)
{
	if (func) {
		for (uint32_t i = 0; i < f->funcs.n; i++)
			if (!strcmp(f->funcs.v[i]->name, name))
				return true;
		return false;
	}
	for (uint32_t i = 0; i < f->globals.n; i++)
		if (!strcmp(f->globals.v[i]->name, name))
			return true;
	return false;
}

static bool lib_defines(const struct lib *l, const char *name, bool func)
{
	return func ? in_list(l->funcs, l->nfuncs, name) : in_list(l->globals, l->nglobals, name);
}

/* A file joins: parsed now, its own uses looked at later (breadth-first). */
static void select_lib(struct sel *s, int i)
{
	struct lib *l = &s->L->v[i];
	if (l->selected)
		return;
	l->selected = true;
	parse_lib(l, s->L->a, s->env);
	if (l->f)
		s->files[s->nfiles++] = l->f;
}

/* The first library (in search order) that defines name joins, unless a selected file has it. */
static void need_symbol(struct sel *s, const char *name, bool func)
{
	if (user_defines(s->user, name, func))
		return;
	for (int i = 0; i < s->L->n; i++)
		if (s->L->v[i].selected && lib_defines(&s->L->v[i], name, func))
			return;
	if (func) {
		int b = builtin_lookup(name);
		if (b >= 0 && !builtin_table[b].tapset)
			return;
	}
	for (int i = 0; i < s->L->n; i++)
		if (lib_defines(&s->L->v[i], name, func)) {
			select_lib(s, i);
			return;
		}
}

/* An ordinary match of the use, or the alias-suffix rule's match of a prefix of it. */
static bool use_matches(const struct probe_point *name, const struct probe_point *use)
{
	for (uint32_t upto = use->ncomps; upto >= 1; upto--)
		if (alias_matches(name, use, upto))
			return true;
	return false;
}

/* Every library with an alias this probe point may expand through joins. */
static void need_point(struct sel *s, const struct probe_point *written)
{
	if (!written->ncomps)
		return;
	/* index names keep no arguments: compare functors only */
	struct probe_point use = *written;
	use.comps = arena_alloc(s->L->a, use.ncomps * sizeof(*use.comps));
	for (uint32_t i = 0; i < use.ncomps; i++)
		use.comps[i] = (struct pp_comp){ .functor = written->comps[i].functor };
	const char *fn = use.comps[0].functor;
	struct libs *L = s->L;
	bool literal = !strchr(fn, '*');
	uint32_t lo = 0, hi = L->nnames;
	while (literal && lo < hi) {
		uint32_t mid = (lo + hi) / 2;
		if (strcmp(L->names[mid].functor, fn) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (uint32_t k = literal ? lo : 0; k < L->nnames; k++) {
		const struct alias_ref *r = &L->names[k];
		if (literal && strcmp(r->functor, fn))
			break;
		if (!L->v[r->lib].selected && use_matches(r->name, &use))
			select_lib(s, r->lib);
	}
	/* alias names with a wildcard of their own */
	for (uint32_t k = 0; literal && k < L->nnames; k++) {
		const struct alias_ref *r = &L->names[k];
		if (strchr(r->functor, '*') && !L->v[r->lib].selected && use_matches(r->name, &use))
			select_lib(s, r->lib);
	}
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
	struct scan *scans = arena_alloc(a, (size_t)(L.n + 1) * sizeof(*scans));
	for (int i = 0; i < L.n; i++) {
		L.v[i].text = file_text(a, L.v[i].path, &L.v[i].len);
		if (!L.v[i].text)
			continue;
		scans[i] = (struct scan){ &L, i, NULL, 0, 0 };
		index_text(&scans[i], &L.v[i]);
	}
	index_names(&L, scans);

	struct sel sel = { &L, env, arena_alloc(a, (size_t)(L.n + 1) * sizeof(*sel.files)), 0,
			   user };
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
