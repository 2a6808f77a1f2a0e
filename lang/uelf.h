/*
 * User-space programs as process(...) probes see them: the program file found as stap finds it
 * ($PATH, libraries where the dynamic loader looks), its function symbols (.symtab, else
 * .dynsym; no debuginfo needed) and its SDT markers (.note.stapsdt), read with libelf.
 */
#ifndef BSTAP_UELF_H
#define BSTAP_UELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prog/arena.h"

struct uelf_sym {
	const char *name;
	uint64_t addr;		/* its virtual address in the file (link time) */
	uint64_t offset;	/* its offset in the file: what a uprobe attaches at */
	uint64_t size;		/* st_size, 0 when unknown */
};

struct uelf_note {
	const char *provider, *name;
	const char *args;	/* the argument spec: "-4@%edi 8@%rax" */
	uint32_t nargs;
	uint64_t pc, semaphore;
};

struct uelf {
	const char *path;
	struct uelf_sym *syms;	/* defined functions, sorted by name, one per address */
	uint32_t nsyms;
	struct uelf_note *notes;
	uint32_t nnotes;
	bool dyn;		/* ET_DYN: a PIE or a shared library */
	struct { uint64_t vaddr, offset, filesz; } *segs;	/* its PT_LOAD segments */
	uint32_t nsegs;
	uint64_t text_vaddr;	/* lowest address of an executable PT_LOAD */
};

/* The program path names: itself when it has a '/', else the first executable file of that
 * name on $PATH; an absolute, canonical path in *out. false with why. */
bool uelf_find_program(struct arena *a, const char *path, const char **out, char *why, size_t len);
/* A library as the dynamic loader finds it: a path with '/', else in the program's RUNPATH and
 * the system's library directories. false with why. */
bool uelf_find_library(struct arena *a, const char *prog, const char *lib, const char **out,
		       char *why, size_t len);
/* The target process's program: -c CMD's first word (on $PATH), or -x PID's /proc/PID/exe.
 * NULL when there is no target or it cannot be found. */
const char *uelf_target_exe(struct arena *a, const char *cmd, int64_t pid);
/* Read the file's symbols, segments and SDT notes; NULL with why. */
struct uelf *uelf_open(struct arena *a, const char *path, char *why, size_t len);
/* The file offset of a virtual address, or false when no loaded segment holds it. */
bool uelf_addr_offset(const struct uelf *u, uint64_t addr, uint64_t *off);

#endif
