/* User-space program files for process(...) probes: finding them, their symbols, their SDT notes. */
#include "lang/uelf.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool canonical(struct arena *a, const char *p, const char **out, char *why, size_t len)
{
	char buf[PATH_MAX];
	struct stat st;
	if (!realpath(p, buf) || stat(buf, &st)) {
		snprintf(why, len, "cannot find %s: %s", p, strerror(errno));
		return false;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, len, "%s is not a program file", p);
		return false;
	}
	*out = arena_strdup(a, buf);
	return true;
}

bool uelf_find_program(struct arena *a, const char *path, const char **out, char *why, size_t len)
{
	if (strchr(path, '/'))
		return canonical(a, path, out, why, len);
	const char *dirs = getenv("PATH");
	if (!dirs || !*dirs)
		dirs = "/usr/local/bin:/usr/bin:/bin";
	for (const char *d = dirs; *d;) {
		size_t n = strcspn(d, ":");
		char buf[PATH_MAX];
		struct stat st;
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, n ? d : ".", path);
		if (!stat(buf, &st) && S_ISREG(st.st_mode) && !access(buf, X_OK))
			return canonical(a, buf, out, why, len);
		d += n + (d[n] == ':');
	}
	snprintf(why, len, "cannot find program '%s' on $PATH", path);
	return false;
}

const char *uelf_target_exe(struct arena *a, const char *cmd, int64_t pid)
{
	char why[256];
	const char *out = NULL;
	if (cmd) {
		cmd += strspn(cmd, " \t");
		if (!strncmp(cmd, "exec ", 5))
			cmd += 5 + strspn(cmd + 5, " \t");
		char *w = arena_strndup(a, cmd, strcspn(cmd, " \t\n;|&<>()"));
		return *w && uelf_find_program(a, w, &out, why, sizeof(why)) ? out : NULL;
	}
	if (pid > 0) {
		char buf[64];
		snprintf(buf, sizeof(buf), "/proc/%lld/exe", (long long)pid);
		return uelf_find_program(a, buf, &out, why, sizeof(why)) ? out : NULL;
	}
	return NULL;
}

/* DT_RUNPATH or DT_RPATH of the program, "" when it has none. */
static const char *runpath(struct arena *a, Elf *e)
{
	Elf_Scn *scn = NULL;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC)
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && i < sh.sh_size / (sh.sh_entsize ? sh.sh_entsize : 1); i++) {
			GElf_Dyn dyn;
			if (!gelf_getdyn(d, (int)i, &dyn))
				break;
			if (dyn.d_tag == DT_RUNPATH || dyn.d_tag == DT_RPATH) {
				const char *s = elf_strptr(e, sh.sh_link, dyn.d_un.d_val);
				if (s)
					return arena_strdup(a, s);
			}
		}
	}
	return "";
}

bool uelf_find_library(struct arena *a, const char *prog, const char *lib, const char **out,
		       char *why, size_t len)
{
	if (strchr(lib, '/'))
		return canonical(a, lib, out, why, len);
	const char *rp = "";
	int fd = open(prog, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		elf_version(EV_CURRENT);
		Elf *e = elf_begin(fd, ELF_C_READ, NULL);
		if (e)
			rp = runpath(a, e);
		elf_end(e);
		close(fd);
	}
	/* the program's own search path, then the directories ld.so.conf names on Debian */
	const char *dirs = arena_printf(a, "%s:/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu:"
					"/usr/local/lib:/lib64:/usr/lib64:/lib:/usr/lib", rp);
	for (const char *d = dirs; *d;) {
		size_t n = strcspn(d, ":");
		char buf[PATH_MAX];
		struct stat st;
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, d, lib);
		if (n && !stat(buf, &st) && S_ISREG(st.st_mode))
			return canonical(a, buf, out, why, len);
		d += n + (d[n] == ':');
	}
	snprintf(why, len, "cannot find library '%s' of %s", lib, prog);
	return false;
}

bool uelf_addr_offset(const struct uelf *u, uint64_t addr, uint64_t *off)
{
	for (uint32_t i = 0; i < u->nsegs; i++)
		if (addr >= u->segs[i].vaddr && addr < u->segs[i].vaddr + u->segs[i].filesz) {
			*off = addr - u->segs[i].vaddr + u->segs[i].offset;
			return true;
		}
	return false;
}

static int sym_cmp(const void *x, const void *y)
{
	const struct uelf_sym *a = x, *b = y;
	int c = strcmp(a->name, b->name);
	return c ? c : a->addr < b->addr ? -1 : a->addr > b->addr;
}

/* The defined functions of one symbol table section. */
static void read_syms(struct arena *a, Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, struct uelf *u)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
	if (!d)
		return;
	u->syms = arena_alloc(a, (n + 1) * sizeof(*u->syms));
	for (size_t i = 0; i < n; i++) {
		GElf_Sym s;
		if (!gelf_getsym(d, (int)i, &s))
			break;
		int type = GELF_ST_TYPE(s.st_info);
		if ((type != STT_FUNC && type != STT_GNU_IFUNC) || s.st_shndx == SHN_UNDEF ||
		    !s.st_value)
			continue;
		const char *name = elf_strptr(e, sh->sh_link, s.st_name);
		uint64_t off;
		if (!name || !*name || !uelf_addr_offset(u, s.st_value, &off))
			continue;
		/* versioned dynamic names ("getpid@@GLIBC_2.2.5") are the plain name */
		struct uelf_sym *y = &u->syms[u->nsyms++];
		y->name = arena_strndup(a, name, strcspn(name, "@"));
		y->addr = s.st_value;
		y->offset = off;
		y->size = s.st_size;
	}
}

/* The notes of type 3 by owner "stapsdt" in .note.stapsdt (sys/sdt.h's layout). */
static void read_notes(struct arena *a, Elf *e, struct uelf *u, uint64_t base_addr, bool have_base)
{
	Elf_Scn *scn = NULL;
	size_t shstr;
	if (elf_getshdrstrndx(e, &shstr))
		return;
	int cls = gelf_getclass(e);
	size_t w = cls == ELFCLASS32 ? 4 : 8;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		const char *sn = elf_strptr(e, shstr, sh.sh_name);
		if (!sn || strcmp(sn, ".note.stapsdt"))
			continue;
		Elf_Data *d = elf_getdata(scn, NULL);
		size_t off = 0, noff, doff;
		GElf_Nhdr nh;
		uint32_t cap = 0;
		while (d && (off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			const char *owner = (const char *)d->d_buf + noff;
			const char *desc = (const char *)d->d_buf + doff;
			if (nh.n_type != 3 || nh.n_namesz != 8 || memcmp(owner, "stapsdt", 8) ||
			    nh.n_descsz < 3 * w + 3)
				continue;
			uint64_t v[3] = { 0 };
			for (int k = 0; k < 3; k++) {
				if (w == 8) {
					memcpy(&v[k], desc + 8 * k, 8);
				} else {
					uint32_t x;
					memcpy(&x, desc + 4 * k, 4);
					v[k] = x;
				}
			}
			const char *s = desc + 3 * w, *end = desc + nh.n_descsz;
			const char *prov = s, *name = prov + strnlen(prov, (size_t)(end - prov)) + 1;
			if (name >= end)
				continue;
			const char *args = name + strnlen(name, (size_t)(end - name)) + 1;
			if (args > end)
				continue;
			if (u->nnotes == cap) {
				uint32_t nc = cap ? 2 * cap : 8;
				u->notes = arena_realloc(a, u->notes, cap * sizeof(*u->notes),
							 nc * sizeof(*u->notes));
				cap = nc;
			}
			struct uelf_note *n = &u->notes[u->nnotes++];
			n->provider = arena_strdup(a, prov);
			n->name = arena_strdup(a, name);
			n->args = args < end ? arena_strndup(a, args, strnlen(args, (size_t)(end - args)))
					     : "";
			n->nargs = 0;
			for (const char *p = n->args; *p;) {
				p += strspn(p, " ");
				if (!*p)
					break;
				n->nargs++;
				p += strcspn(p, " ");
			}
			/* prelink and the like move the program: .stapsdt.base says by how much */
			n->pc = v[0] + (have_base ? base_addr - v[1] : 0);
			n->semaphore = v[2];
		}
	}
}

struct uelf *uelf_open(struct arena *a, const char *path, char *why, size_t len)
{
	if (elf_version(EV_CURRENT) == EV_NONE) {
		snprintf(why, len, "libelf: %s", elf_errmsg(-1));
		return NULL;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, len, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	Elf *e = elf_begin(fd, ELF_C_READ, NULL);
	GElf_Ehdr eh;
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		snprintf(why, len, "%s is not an ELF file", path);
		elf_end(e);
		close(fd);
		return NULL;
	}
	struct uelf *u = arena_alloc(a, sizeof(*u));
	memset(u, 0, sizeof(*u));
	u->path = arena_strdup(a, path);
	u->dyn = eh.e_type == ET_DYN;
	size_t nph = 0;
	elf_getphdrnum(e, &nph);
	u->segs = arena_alloc(a, (nph + 1) * sizeof(*u->segs));
	for (size_t i = 0; i < nph; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_LOAD) {
			if ((ph.p_flags & PF_X) && (!u->text_vaddr || ph.p_vaddr < u->text_vaddr))
				u->text_vaddr = ph.p_vaddr;
			u->segs[u->nsegs].vaddr = ph.p_vaddr;
			u->segs[u->nsegs].offset = ph.p_offset;
			u->segs[u->nsegs].filesz = ph.p_filesz;
			u->nsegs++;
		}
	}
	Elf_Scn *scn = NULL, *symtab = NULL, *dynsym = NULL;
	GElf_Shdr symsh, dynsh;
	size_t shstr = 0;
	elf_getshdrstrndx(e, &shstr);
	uint64_t base_addr = 0;
	bool have_base = false;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			symtab = scn, symsh = sh;
		else if (sh.sh_type == SHT_DYNSYM)
			dynsym = scn, dynsh = sh;
		const char *sn = elf_strptr(e, shstr, sh.sh_name);
		if (sn && !strcmp(sn, ".stapsdt.base"))
			base_addr = sh.sh_addr, have_base = true;
	}
	if (symtab)
		read_syms(a, e, symtab, &symsh, u);
	else if (dynsym)
		read_syms(a, e, dynsym, &dynsh, u);
	/* one symbol per name and address (local and global twins alike) */
	if (u->nsyms)
		qsort(u->syms, u->nsyms, sizeof(*u->syms), sym_cmp);
	uint32_t k = 0;
	for (uint32_t i = 0; i < u->nsyms; i++)
		if (!k || strcmp(u->syms[i].name, u->syms[k - 1].name) ||
		    u->syms[i].addr != u->syms[k - 1].addr)
			u->syms[k++] = u->syms[i];
	u->nsyms = k;
	read_notes(a, e, u, base_addr, have_base);
	elf_end(e);
	close(fd);
	return u;
}
