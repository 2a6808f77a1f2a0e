/* Probe definitions as written: probe points, aliases, and the parsed files that hold them. */
#ifndef BSTAP_SYNTAX_H
#define BSTAP_SYNTAX_H

#include "prog/ast.h"

/* One component of a probe point: kernel . function("f") . return */
struct pp_comp {
	const char *functor;	/* "timer", "ms", "*", "open*" ... */
	struct node *arg;	/* N_NUM or N_STR, or NULL */
	struct loc loc;
};

struct probe_point {
	struct pp_comp *comps;
	uint32_t ncomps;
	bool optional;		/* '?' */
	bool sufficient;	/* '!' */
	struct node *cond;	/* 'if (expr)' or NULL */
	struct loc loc;
};

struct pp_list {
	struct probe_point **v;
	uint32_t n, cap;
};

enum probe_def_kind {
	PD_PROBE,	/* probe P1, P2 { body } */
	PD_ALIAS,	/* probe NAME = P1, P2 { prologue } */
	PD_ALIAS_EPI,	/* probe NAME += P1, P2 { epilogue } */
};

struct probe_def {
	enum probe_def_kind kind;
	struct pp_list names;	/* alias names (PD_ALIAS*) — may be several */
	struct pp_list points;	/* probe points (or the alias's expansion) */
	struct node *body;	/* N_BLOCK */
	struct loc loc;		/* the 'probe' keyword */
	uint32_t order;		/* position in the whole set of parsed files */
};

struct probe_def_list {
	struct probe_def **v;
	uint32_t n, cap;
};

/* One parsed file. */
struct stp_file {
	const struct src_file *src;
	struct probe_def_list probes;	/* probes and alias definitions, in order */
	struct sym_list globals;	/* 'global' declarations, in order */
	struct func_list funcs;
	bool is_tapset;
};

void pp_list_push(struct arena *a, struct pp_list *l, struct probe_point *p);
void probe_def_list_push(struct arena *a, struct probe_def_list *l, struct probe_def *p);

/* Text of a probe point as written: kernel.function("f").return, or with '?', '!'. */
char *pp_to_string(struct arena *a, const struct probe_point *pp);

#endif
