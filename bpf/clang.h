/* Pass 4: compile generated BPF C into an ELF object with clang. */
#ifndef BSTAP_CLANG_H
#define BSTAP_CLANG_H

#include <stdbool.h>
#include "prog/diag.h"

/*
 * Writes NAME.bpf.c and bstap.bpf.h into dir and compiles NAME.bpf.o there. The bytes of
 * section (the object's ".bstap" section, see prog/objfmt.h) go in as a C array in that
 * section, so the one clang run produces the self-contained object.
 * On success *obj_path is the object (arena-owned). A clang failure is a bstap bug
 * (the generator should only emit valid C): it is reported with clang's output.
 */
int clang_compile(struct arena *a, struct diag *d, const char *dir, const char *name,
		  const char *c_text, const char *section, size_t section_len, bool verbose,
		  char **obj_path);

#endif
