/* One walk over the typed program that every pass shares: the children of each node kind. */
#ifndef BSTAP_VISIT_H
#define BSTAP_VISIT_H

#include <stdbool.h>
#include "prog/ast.h"

/* Called for each node before its children; return false to skip the children. */
typedef bool (*visit_fn)(struct node *n, void *ctx);

/* Walk n (which may be NULL) and every node below it, in source order. */
void ast_visit(struct node *n, visit_fn fn, void *ctx);

/*
 * The slots of n's children: one(slot) for each single child (NULL ones too), list(l) for each
 * list of them. The one table of which kind has which children: ast_children reads through
 * it, node_clone replaces what it points to.
 */
void ast_slots(struct node *n, void (*one)(struct node **slot, void *ctx),
	       void (*list)(struct node_list *l, void *ctx), void *ctx);

/* Call fn on each direct child of n (never on NULL children), in source order. */
void ast_children(struct node *n, void (*fn)(struct node *child, void *ctx), void *ctx);

#endif
