/*
 * User-space stack symbolization (runtime/usyms.h). A process's maps are read the first time
 * one of its stacks is formatted and kept (a process that has exited by then gives addresses
 * alone); each mapped file's function symbols are read once with libelf.
 */
#include "runtime/usyms.h"

#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct umap {
	uint64_t start, end, off;
	int file;	/* index into files */
};

struct uproc {
	int pid;
	struct umap *v;
	size_t n;
};

struct usym {
	uint64_t addr, size;
	char *name;
};

struct uload {
	uint64_t off, vaddr, filesz;
};

struct ufile {
	char *path;
	int loaded;
	struct usym *v;
	size_t n;
	struct uload *ld;
	size_t nld;
};

static struct {
	struct uproc *v;
	size_t n;
} procs;

static struct {
	struct ufile *v;
	size_t n;
} files;

static int file_index(const char *path)
{
	for (size_t i = 0; i < files.n; i++)
		if (!strcmp(files.v[i].path, path))
			return (int)i;
	struct ufile *v = realloc(files.v, (files.n + 1) * sizeof(*v));
	if (!v)
		return -1;
	files.v = v;
	char *p = strdup(path);
	if (!p)
		return -1;
	files.v[files.n] = (struct ufile){ .path = p };
	return (int)files.n++;
}

static struct uproc *proc_get(int pid)
{
	for (size_t i = 0; i < procs.n; i++)
		if (procs.v[i].pid == pid)
			return &procs.v[i];
	char fn[64];
	snprintf(fn, sizeof(fn), "/proc/%d/maps", pid);
	FILE *f = fopen(fn, "re");
	if (!f)
		return NULL;	/* gone: not cached, so nothing is kept for a reused pid */
	struct uproc p = { .pid = pid };
	size_t cap = 0;
	char line[4096];
	while (fgets(line, sizeof(line), f)) {
		uint64_t s, e, off;
		char perm[8], path[4096] = "";
		unsigned long ino;
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %*s %lu %4095[^\n]", &s, &e,
			   perm, &off, &ino, path) < 5 || !ino || path[0] != '/' || perm[2] != 'x')
			continue;
		if (p.n == cap) {
			cap = cap ? 2 * cap : 16;
			struct umap *v = realloc(p.v, cap * sizeof(*v));
			if (!v)
				break;
			p.v = v;
		}
		int fi = file_index(path);
		if (fi >= 0)
			p.v[p.n++] = (struct umap){ s, e, off, fi };
	}
	fclose(f);
	struct uproc *v = realloc(procs.v, (procs.n + 1) * sizeof(*v));
	if (!v) {
		free(p.v);
		return NULL;
	}
	procs.v = v;
	procs.v[procs.n] = p;
	return &procs.v[procs.n++];
}

static int sym_cmp(const void *a, const void *b)
{
	const struct usym *x = a, *y = b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The function symbols of one section (a symbol table), appended to f. */
static void read_syms(struct ufile *f, Elf *e, Elf_Scn *scn, GElf_Shdr *sh)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d || !sh->sh_entsize)
		return;
	size_t cnt = sh->sh_size / sh->sh_entsize, cap = f->n;
	for (size_t i = 0; i < cnt; i++) {
		GElf_Sym s;
		if (!gelf_getsym(d, (int)i, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC ||
		    !s.st_value || s.st_shndx == SHN_UNDEF)
			continue;
		const char *name = elf_strptr(e, sh->sh_link, s.st_name);
		if (!name || !*name)
			continue;
		if (f->n == cap) {
			cap = cap ? 2 * cap : 256;
			struct usym *v = realloc(f->v, cap * sizeof(*v));
			if (!v)
				return;
			f->v = v;
		}
		char *nm = strdup(name);
		if (!nm)
			return;
		f->v[f->n++] = (struct usym){ s.st_value, s.st_size, nm };
	}
}

static void file_load(struct ufile *f)
{
	if (f->loaded)
		return;
	f->loaded = 1;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e) {
		close(fd);
		return;
	}
	size_t nph = 0;
	if (!elf_getphdrnum(e, &nph) && nph) {
		f->ld = calloc(nph, sizeof(*f->ld));
		for (size_t i = 0; f->ld && i < nph; i++) {
			GElf_Phdr ph;
			if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD)
				f->ld[f->nld++] = (struct uload){ ph.p_offset, ph.p_vaddr, ph.p_filesz };
		}
	}
	Elf_Scn *symtab = NULL, *dynsym = NULL;
	GElf_Shdr sst, sdy;
	for (Elf_Scn *scn = NULL; (scn = elf_nextscn(e, scn));) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB && !symtab) {
			symtab = scn;
			sst = sh;
		} else if (sh.sh_type == SHT_DYNSYM && !dynsym) {
			dynsym = scn;
			sdy = sh;
		}
	}
	if (symtab)
		read_syms(f, e, symtab, &sst);
	if (!f->n && dynsym)
		read_syms(f, e, dynsym, &sdy);
	if (f->n)
		qsort(f->v, f->n, sizeof(*f->v), sym_cmp);
	elf_end(e);
	close(fd);
}

/* The function of f holding link-time address va; NULL when none. */
static const struct usym *file_sym(const struct ufile *f, uint64_t va)
{
	size_t lo = 0, hi = f->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (f->v[mid].addr <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* the innermost symbol that holds it (a sized one; else the nearest below, unsized) */
	for (size_t i = lo; i-- > 0;) {
		const struct usym *s = &f->v[i];
		if (va < s->addr + s->size || (!s->size && i + 1 == lo))
			return s;
		if (lo - i > 8)
			break;
	}
	return NULL;
}

/* The symbol holding a process's address addr, its file; NULL when none. */
static const struct usym *lookup(struct uproc *p, uint64_t addr, const struct ufile **fp,
				 uint64_t *va)
{
	if (!p)
		return NULL;
	for (size_t i = 0; i < p->n; i++) {
		const struct umap *m = &p->v[i];
		if (addr < m->start || addr >= m->end)
			continue;
		struct ufile *f = &files.v[m->file];
		file_load(f);
		uint64_t off = addr - m->start + m->off;
		for (size_t j = 0; j < f->nld; j++) {
			const struct uload *l = &f->ld[j];
			if (off < l->off || off >= l->off + l->filesz)
				continue;
			*fp = f;
			*va = off - l->off + l->vaddr;
			return file_sym(f, *va);
		}
		return NULL;
	}
	return NULL;
}

void usyms_format(struct strbuf *sb, int pid, const uint64_t *addr, uint32_t n, int kind)
{
	struct uproc *p = kind == 'B' ? NULL : proc_get(pid);
	for (uint32_t i = 0; i < n; i++) {
		if (!addr[i] && kind != 'D')
			break;	/* the frame-pointer walk ended (a zero frame pointer) */
		if (kind == 'B') {
			strbuf_printf(sb, "%s0x%" PRIx64, i ? " " : "", addr[i]);
			continue;
		}
		const struct ufile *f = NULL;
		uint64_t va = 0;
		const struct usym *s = lookup(p, addr[i], &f, &va);
		uint64_t off = s ? va - s->addr : 0;
		if (kind == 'D') {	/* usymdata() */
			if (s)
				strbuf_printf(sb, "%s+0x%" PRIx64 "/0x%" PRIx64 " [%s]", s->name, off,
					      s->size, f->path);
			else
				strbuf_printf(sb, "0x%" PRIx64, addr[i]);
			continue;
		}
		if (kind == 'Q') {
			if (s)
				strbuf_printf(sb, "%s+0x%" PRIx64 " [%s]\n", s->name, off, f->path);
			else
				strbuf_printf(sb, "0x%" PRIx64 "\n", addr[i]);
		} else if (s)
			strbuf_printf(sb, " 0x%016" PRIx64 " : %s+0x%" PRIx64 "/0x%" PRIx64 " [%s]\n",
				      addr[i], s->name, off, s->size, f->path);
		else
			strbuf_printf(sb, " 0x%016" PRIx64 "\n", addr[i]);
	}
}

void usyms_reset(void)
{
	for (size_t i = 0; i < procs.n; i++)
		free(procs.v[i].v);
	free(procs.v);
	procs.v = NULL;
	procs.n = 0;
	for (size_t i = 0; i < files.n; i++) {
		for (size_t j = 0; j < files.v[i].n; j++)
			free(files.v[i].v[j].name);
		free(files.v[i].v);
		free(files.v[i].ld);
		free(files.v[i].path);
	}
	free(files.v);
	files.v = NULL;
	files.n = 0;
}
