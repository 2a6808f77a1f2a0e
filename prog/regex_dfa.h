/*
 * Regular expressions in kernel probes: a POSIX extended expression compiled, when the script
 * is compiled, to a DFA over bytes that bstap.bpf.h's bstap_re_match() walks. It answers
 * whether the string holds a match (=~ and !~), not where: the captures are userspace's.
 */
#ifndef BSTAP_REGEX_DFA_H
#define BSTAP_REGEX_DFA_H

#include <stddef.h>
#include <stdint.h>

#define REGEX_DFA_MAXSTATES 64	/* BSTAP_RE_STATES in bstap.bpf.h */

struct regex_dfa {
	uint32_t nstates;			/* state 0 is the start */
	uint8_t next[REGEX_DFA_MAXSTATES][256];	/* the state after a byte (byte 0 ends) */
	uint8_t acc[REGEX_DFA_MAXSTATES];	/* bit 0: a match ends here; bit 1: one ends
						 * here if the string ends here ('$') */
};

/*
 * Build the DFA of pattern pat (len bytes). 0, or -1 with why filled when the expression uses
 * what the DFA does not have (back-references, collating elements, word boundaries) or needs
 * more than REGEX_DFA_MAXSTATES states.
 */
int regex_dfa_build(const char *pat, size_t len, struct regex_dfa *out, char *why, size_t whylen);

/* Does s (NUL-terminated) hold a match? The same walk as the BPF helper, for unit tests. */
int regex_dfa_match(const struct regex_dfa *d, const char *s);

#endif
