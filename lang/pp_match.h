/* Probe-point names against uses: the one matcher of alias names, shared by pass 2 and the
 * library selection that runs before it. */
#ifndef BSTAP_PP_MATCH_H
#define BSTAP_PP_MATCH_H

#include <stdbool.h>
#include <stdint.h>
#include "lang/syntax.h"

/*
 * Do the use's components u[0..nu) match the name's n[0..nn)? '*' matches within one
 * component, '**' across several. pat, if not NULL, replaces u[0]'s functor.
 */
bool comps_match(const struct pp_comp *u, uint32_t nu, const char *pat, const struct pp_comp *n,
		 uint32_t nn);

/* Does the alias name match the use's first upto components (all of them: an ordinary match)? */
bool alias_matches(const struct probe_point *name, const struct probe_point *use, uint32_t upto);

#endif
