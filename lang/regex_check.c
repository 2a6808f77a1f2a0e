/*
 * Pass 2 for regular expressions. SystemTap requires the right operand of =~ and !~ to be a
 * literal string, and rejects a bad expression when it compiles the script; so does bstap,
 * with the same POSIX regcomp (REG_EXTENDED) the userspace evaluator matches with. Kernel
 * probes match with a DFA that prog/regex_dfa.c builds from the same text.
 */
#include "lang/regex_check.h"

#include <regex.h>
#include <stdlib.h>
#include <string.h>

void regex_check(struct diag *d, const struct node *call)
{
	const struct node *re = call->u.call.args.v[1];
	if (re->kind != N_STR) {
		diag_error(d, &re->loc, "the regular expression of '%s' must be a literal string",
			   call->u.call.name);
		return;
	}
	if (memchr(re->u.str.s, 0, re->u.str.len)) {
		diag_error(d, &re->loc, "a regular expression cannot contain a NUL byte");
		return;
	}
	char *pat = strndup(re->u.str.s, re->u.str.len);
	regex_t r;
	int rc = pat ? regcomp(&r, pat, REG_EXTENDED) : REG_ESPACE;
	if (rc) {
		char msg[160];
		regerror(rc, pat ? &r : NULL, msg, sizeof(msg));
		diag_error(d, &re->loc, "bad regular expression \"%s\": %s", pat ? pat : "", msg);
	} else {
		regfree(&r);
	}
	free(pat);
}
