/* Probe definitions as written: list helpers and the probe point's source text. */
#include "lang/syntax.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

void pp_list_push(struct arena *a, struct pp_list *l, struct probe_point *p)
{
	ARENA_LIST_PUSH(a, l, p);
}

void probe_def_list_push(struct arena *a, struct probe_def_list *l, struct probe_def *p)
{
	ARENA_LIST_PUSH(a, l, p);
}

/* A string literal as source text: quoted, with everything unprintable escaped. */
static void quote_into(char **buf, size_t *len, size_t *cap, struct arena *a, const char *s,
		       uint32_t n);

static void put(struct arena *a, char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t ncap = (*cap ? *cap * 2 : 64);
		while (ncap < *len + n + 1)
			ncap *= 2;
		*buf = arena_realloc(a, *buf, *cap, ncap);
		*cap = ncap;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = 0;
}

static void quote_into(char **buf, size_t *len, size_t *cap, struct arena *a, const char *s,
		       uint32_t n)
{
	put(a, buf, len, cap, "\"", 1);
	for (uint32_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char tmp[8];
		const char *e = NULL;
		switch (c) {
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '\n': e = "\\n"; break;
		case '\t': e = "\\t"; break;
		case '\r': e = "\\r"; break;
		default:
			if (c < 0x20 || c == 0x7f) {
				snprintf(tmp, sizeof(tmp), "\\%03o", c);
				e = tmp;
			}
		}
		if (e)
			put(a, buf, len, cap, e, strlen(e));
		else
			put(a, buf, len, cap, (const char *)&c, 1);
	}
	put(a, buf, len, cap, "\"", 1);
}

char *pp_to_string(struct arena *a, const struct probe_point *pp)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	put(a, &buf, &len, &cap, "", 0);
	for (uint32_t i = 0; i < pp->ncomps; i++) {
		const struct pp_comp *c = &pp->comps[i];
		if (i)
			put(a, &buf, &len, &cap, ".", 1);
		put(a, &buf, &len, &cap, c->functor, strlen(c->functor));
		if (!c->arg)
			continue;
		put(a, &buf, &len, &cap, "(", 1);
		if (c->arg->kind == N_STR) {
			quote_into(&buf, &len, &cap, a, c->arg->u.str.s, c->arg->u.str.len);
		} else {
			char num[32];
			snprintf(num, sizeof(num), "%lld", (long long)c->arg->u.num);
			put(a, &buf, &len, &cap, num, strlen(num));
		}
		put(a, &buf, &len, &cap, ")", 1);
	}
	if (pp->optional)
		put(a, &buf, &len, &cap, "?", 1);
	if (pp->sufficient)
		put(a, &buf, &len, &cap, "!", 1);
	return buf;
}

struct node *node_and(struct arena *a, struct node *x, struct node *y)
{
	if (!x)
		return y;
	if (!y)
		return x;
	struct node *n = node_new(a, N_BINOP, x->loc);
	n->u.bin.op = OP_LAND;
	n->u.bin.l = x;
	n->u.bin.r = y;
	return n;
}
