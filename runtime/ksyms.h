/* Kernel symbols from /proc/kallsyms, for print_backtrace(). */
#ifndef BSTAP_KSYMS_H
#define BSTAP_KSYMS_H

#include <stdbool.h>
#include <stdint.h>

#include "prog/strbuf.h"

/* " 0xADDR : name+0xoff/0xsize [module]" (stap's print_backtrace line), or " 0xADDR" alone
 * when no symbol covers it; /proc/kallsyms is read on first use. */
void ksyms_describe(struct strbuf *sb, uint64_t addr);

/* Is addr in a BPF program (kallsyms module [bpf])? */
bool ksyms_is_bpf(uint64_t addr);

#endif
