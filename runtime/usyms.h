/*
 * User-space stacks on the runtime side: a process's frames (print_ubacktrace()'s REC_USTACK
 * record, ubacktrace()'s placeholder) symbolized from /proc/PID/maps (read when first asked,
 * kept per pid) and the ELF symbol tables of the mapped files (.symtab, else .dynsym; file
 * offset to link-time address through the PT_LOAD headers, so PIE and shared libraries work).
 */
#ifndef BSTAP_USYMS_H
#define BSTAP_USYMS_H

#include <stdint.h>
#include "prog/strbuf.h"

/* kind 'P': print_ubacktrace()'s lines " 0x%016x : SYM+0xOFF/0xSIZE [PATH]" (the address
 * alone when no symbol holds it); 'Q': sprint_ubacktrace()'s "SYM+0xOFF [PATH]" lines;
 * 'B': the hex addresses separated by spaces (ubacktrace()); 'D': usymdata()'s
 * "SYM+0xOFF/0xSIZE [PATH]" of addr[0], its hex when no symbol holds it */
void usyms_format(struct strbuf *sb, int pid, const uint64_t *addr, uint32_t n, int kind);

/* Forget the cached process maps and symbol tables (the end of a session). */
void usyms_reset(void);

#endif
