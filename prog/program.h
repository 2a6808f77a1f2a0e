/* Pass 2's output: the elaborated, typed program — concrete probes, used globals and functions. */
#ifndef BSTAP_PROGRAM_H
#define BSTAP_PROGRAM_H

#include "prog/abi.h"
#include "prog/ast.h"
#include "prog/attach.h"
#include "prog/tvar.h"

/* Where a probe's handler runs, decided in pass 2 (lang/placement.c). */
enum probe_place {
	PLACE_USER,	/* begin/end/error, and timers that sort or read statistics */
	PLACE_KERNEL,	/* a BPF program */
	PLACE_NOWHERE,	/* never */
};

/* One concrete probe: one attach point plus one body (prologue + handler + epilogue). */
struct eprobe {
	struct attach_spec at;
	enum probe_place place;
	int64_t seq;		/* begin(N) / end(N) / error(N) order, default 0 */
	const char *pp;		/* what pp() returns: "timer.ms(100)" */
	const char *listed;	/* what -l prints: the alias name the user's point matched (with
				 * its suffix), else pp */
	const char *chain;	/* -p2 derivation " <- tick = timer.ms(100) <- tick", or "" */
	struct node *body;	/* N_BLOCK */
	struct node *cond;	/* probe point 'if (expr)' condition, or NULL */
	struct sym_list locals;	/* every local the body uses (prologue locals included) */
	struct loc loc;		/* the probe point the user wrote */
	uint32_t id;		/* 0.. in script order */
	uint32_t group;		/* kernel probes with equal attach specs share a group (one BPF
				 * program, probes in script order); UINT32_MAX for the others */
	bool optional;		/* written with '?' (or '!'): failing to attach is not an error */
	const struct tvar_set *tvars;	/* the event's target variables, or NULL (pass 2 and the
					 * generator only: not kept in the object) */
	struct {
		bool on;		/* the handler starts with `if ($tvar != value) next` */
		uint32_t tvar, elem;	/* which target variable ($name[elem]) */
		int64_t value;
	} guard;			/* pass 2 (lang/guards.c) finds it; the generator dispatches */
};

struct eprobe_list {
	struct eprobe **v;
	uint32_t n, cap;
};

struct program {
	struct eprobe_list probes;	/* in script order */
	struct sym_list globals;	/* used globals; sym->index is the position here */
	struct func_list funcs;		/* used functions; func->id is the position here */
	uint32_t ngroups;	/* kernel event groups: group ids 0 .. ngroups-1 */
	const char *script_path;	/* first user file, for the generated code's header */
	uint32_t maxaction;		/* -D MAXACTION: statements per probe run (0: the default) */
	uint32_t maxmapentries;		/* -D MAXMAPENTRIES: default size of global arrays (0: default) */
	uint32_t maxstringlen;		/* -D MAXSTRINGLEN: bytes per string, NUL included (0: default) */
};

/* The bytes of a string in this program, NUL included: BSTAP_MAXSTRINGLEN unless -D said less. */
static inline uint32_t program_maxstr(const struct program *p)
{
	return p->maxstringlen ? p->maxstringlen : BSTAP_MAXSTRINGLEN;
}

/* The bytes of a string buffer in its BPF code and maps: that rounded up to a power of two. */
static inline uint32_t program_strbuf(const struct program *p)
{
	uint32_t b = 32;
	while (b < program_maxstr(p))
		b *= 2;
	return b;
}

void eprobe_list_push(struct arena *a, struct eprobe_list *l, struct eprobe *p);


#endif
