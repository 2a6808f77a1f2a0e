/* What the runtime needs to know about a compiled program besides its BPF code. */
#ifndef BSTAP_META_H
#define BSTAP_META_H

#include <stdbool.h>
#include <stdint.h>
#include "prog/abi.h"
#include "prog/ast.h"
#include "prog/attach.h"
#include "prog/stat.h"

enum meta_type { MT_LONG = 1, MT_STRING = 2, MT_STATS = 3 };

/* A printf-family call site in a kernel probe: the record carries its arguments. */
struct meta_fmt {
	const char *fmt;	/* SystemTap format string, already expanded for print/println */
	uint32_t nargs;
	enum meta_type *args;	/* MT_LONG (8 bytes) or MT_STRING (MAXSTRINGLEN bytes), in order */
};

/* A place where a kernel probe can fail at run time. */
struct meta_err {
	enum bstap_err_kind kind;
	const char *near;	/* "operator '/'", "identifier 'a'", ... */
	const char *file;
	uint32_t line, col;
};

/* The largest key a global's map may have: nine strings and nine longs (the stores' key buffer). */
#define META_MAXKEYS 9
#define META_MAXKEYSIZE (META_MAXKEYS * BSTAP_MAXSTRINGLEN + META_MAXKEYS * 8)

struct meta_global {
	const char *name;	/* script name */
	const char *map;	/* BPF map name: "g_<name>" */
	enum meta_type type;	/* value type */
	uint32_t nkeys;		/* 0: scalar (array map with one slot) */
	enum meta_type keys[9];
	uint32_t key_size, value_size;	/* bytes, as laid out by the generator */
	uint32_t key_off[9];	/* offset of each key field */
	uint32_t key_len[9];	/* bytes of each key field: 8 for a long; for a string, as many as
				 * the longest string the script ever stores there needs (a longer
				 * one read from it cannot be a key of the array) */
	uint32_t key_cut;	/* bit k: string column k is narrower than MAXSTRINGLEN only because
				 * the key must fit BSTAP_MAXKEYSIZE: its strings are cut to it */
	bool autoprint;		/* written but never read: printed at exit */
	bool percpu;		/* statistics: one value per CPU, merged when read */
	bool has_init;		/* global x = 5 / global s = "a": set before begin runs */
	int64_t init_num;
	const char *init_str;
	struct stat_spec stat;	/* statistics: value_size is 8 * stat_words(&stat) */
	bool wrap;		/* global a%: an LRU map, the oldest elements make room */
};

/* One BPF program = all probes on one kernel event, run in script order. */
struct meta_group {
	struct attach_spec at;	/* where it attaches (the loader's file for at.kind knows how) */
	const char *prog;	/* BPF program name */
	const char *pp;		/* first probe point, for messages */
	bool optional;		/* every probe in it was marked '?': skip it if it cannot attach */
	struct loc loc;		/* the first probe point as written, for attach errors */
};

/* A timer probe that pass 2 placed in userspace: the runtime runs it on its own clock. */
struct meta_user_timer {
	uint32_t probe_id;
	uint64_t period_ns, randomize_ns;
};

struct meta {
	struct meta_fmt *fmts;
	uint32_t nfmts;
	struct meta_err *errs;
	uint32_t nerrs;
	struct meta_global *globals;
	uint32_t nglobals;
	struct meta_group *groups;
	uint32_t ngroups;
	struct meta_user_timer *user_timers;
	uint32_t nuser_timers;
};

#endif
