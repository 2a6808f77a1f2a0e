/* Pass 2's output: the elaborated, typed program — concrete probes, used globals and functions. */
#ifndef BSTAP_PROGRAM_H
#define BSTAP_PROGRAM_H

#include "ast.h"

enum probe_kind {
	PK_BEGIN,	/* runs in userspace before attach */
	PK_END,		/* runs in userspace after detach */
	PK_ERROR,	/* runs in userspace when the session ends by an error */
	PK_TIMER,	/* one perf event system-wide: period_ns, randomize_ns */
	PK_PROFILE,	/* timer.profile: a perf event per online CPU at HZ */
	PK_NEVER,	/* never: checked like any probe, never run */
};

/* One concrete probe: one attach point plus one body (prologue + handler + epilogue). */
struct eprobe {
	enum probe_kind kind;
	uint64_t period_ns;	/* PK_TIMER / PK_PROFILE */
	uint64_t randomize_ns;	/* PK_TIMER .randomize(M), 0 if none */
	int64_t seq;		/* begin(N) / end(N) / error(N) order, default 0 */
	const char *pp;		/* what pp() returns: "timer.ms(100)" */
	const char *chain;	/* -p2 derivation " <- tick = timer.ms(100) <- tick", or "" */
	struct node *body;	/* N_BLOCK */
	struct node *cond;	/* probe point 'if (expr)' condition, or NULL */
	struct sym_list locals;	/* every local the body uses (prologue locals included) */
	struct loc loc;		/* the probe point the user wrote */
	uint32_t id;		/* 0.. in script order */
	uint32_t group;		/* probes with identical kernel attach specs share a group */
	bool optional;		/* written with '?' (or '!'): failing to attach is not an error */
};

struct eprobe_list {
	struct eprobe **v;
	uint32_t n, cap;
};

struct program {
	struct eprobe_list probes;	/* in script order */
	struct sym_list globals;	/* used globals; sym->index is the position here */
	struct func_list funcs;		/* used functions; func->id is the position here */
	uint32_t ngroups;
	const char *script_path;	/* first user file, for the generated code's header */
	uint32_t maxaction;		/* -D MAXACTION: statements per probe run (0: the default) */
	uint32_t maxmapentries;		/* -D MAXMAPENTRIES: default size of global arrays (0: default) */
};

void eprobe_list_push(struct arena *a, struct eprobe_list *l, struct eprobe *p);

#endif
