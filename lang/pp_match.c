/* Matching probe-point uses against alias names, component by component (stap's rules). */
#include "lang/pp_match.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static bool arg_equal(const struct node *x, const struct node *y)
{
	if (!x || !y)
		return x == y;
	if (x->kind != y->kind)
		return false;
	if (x->kind == N_NUM)
		return x->u.num == y->u.num;
	if (x->kind == N_STR)
		return x->u.str.len == y->u.str.len && !memcmp(x->u.str.s, y->u.str.s, x->u.str.len);
	return false;
}

/* One component of a use against one of a name: the functor (a glob if it has '*'), the argument. */
static bool comp_matches(const char *pat, const struct node *arg, const struct pp_comp *n)
{
	if (strchr(pat, '*') ? fnmatch(pat, n->functor, 0) != 0 : strcmp(pat, n->functor) != 0)
		return false;
	return arg_equal(n->arg, arg);
}

/*
 * Do the use's components u[0..nu) match the name's n[0..nn)? '*' matches within one component;
 * a component with '**' may match several at once, as stap: "foo**bar" is tried as "foo*bar"
 * (one component) and as "foo*" (no argument) followed by "**bar" from the next component on,
 * so 'a**' matches a, ab, a.b and a.b.c. pat, if not NULL, replaces u[0]'s functor.
 */
bool comps_match(const struct pp_comp *u, uint32_t nu, const char *pat,
			const struct pp_comp *n, uint32_t nn)
{
	if (nu == 0 || nn == 0)
		return nu == nn;
	if (!pat)
		pat = u->functor;
	const char *dd = strstr(pat, "**");
	if (!dd)
		return comp_matches(pat, u->arg, n) && comps_match(u + 1, nu - 1, NULL, n + 1, nn - 1);
	size_t pre = (size_t)(dd - pat);
	const char *suf = dd;
	while (*suf == '*')
		suf++;
	/* the three patterns in one heap block: a functor is as long as the script makes it */
	size_t len = strlen(pat) + 3;
	char *one = malloc(3 * len);
	if (!one)
		return false;
	char *head = one + len, *rest = head + len;
	snprintf(one, len, "%.*s*%s", (int)pre, pat, suf);
	snprintf(head, len, "%.*s*", (int)pre, pat);
	snprintf(rest, len, "**%s", suf);
	bool m = (comp_matches(one, u->arg, n) && comps_match(u + 1, nu - 1, NULL, n + 1, nn - 1)) ||
		 (comp_matches(head, NULL, n) && comps_match(u, nu, rest, n + 1, nn - 1));
	free(one);
	return m;
}

/* Does the alias name match the use's first upto components (all of them: an ordinary match)? */
bool alias_matches(const struct probe_point *name, const struct probe_point *use,
			  uint32_t upto)
{
	return comps_match(use->comps, upto, NULL, name->comps, name->ncomps);
}

