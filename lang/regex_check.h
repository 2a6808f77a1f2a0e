/* Pass 2: the pattern of s =~ "re" / s !~ "re" is a literal POSIX extended expression. */
#ifndef BSTAP_REGEX_CHECK_H
#define BSTAP_REGEX_CHECK_H

#include "prog/ast.h"
#include "prog/diag.h"

/* call: the N_CALL the parser made of the operator; errors at the pattern's column */
void regex_check(struct diag *d, const struct node *call);

#endif
