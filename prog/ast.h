/* The typed program's tree: expressions, statements, symbols and functions, as pass 1 builds
 * them, pass 2 types them and the generator and the evaluator run them. */
#ifndef BSTAP_AST_H
#define BSTAP_AST_H

#include <stdbool.h>
#include <stdint.h>
#include "prog/arena.h"
#include "prog/stat.h"

/* One source text; lines are found through line_off so diagnostics can quote them. */
struct src_file {
	const char *path;	/* as the user named it, e.g. "probes.stp" or "<input>" for -e */
	const char *text;	/* NUL-terminated, owned by the arena */
	uint32_t len;
	uint32_t *line_off;	/* line_off[i] = offset of line i+1 */
	uint32_t nlines;
};

struct expansion;

/* A place in a source file. A value type, copied into every node. */
struct loc {
	const struct src_file *file;
	uint32_t line, col, len;	/* 1-based line/col; len >= 1 drives the ^~~ underline */
	const struct expansion *via;	/* NULL, or the alias expansion this copy came from */
};

/* "in expansion of alias NAME used at USE" chains, innermost first. */
struct expansion {
	const char *alias;
	struct loc use;
	const struct expansion *outer;
};

enum type {
	T_UNKNOWN = 0,
	T_LONG,
	T_STRING,
	T_STATS,	/* only as a global's value type (x <<< v) */
	T_VOID,		/* functions without a value */
};

enum node_kind {
	/* expressions */
	N_NUM,		/* u.num */
	N_STR,		/* u.str */
	N_VAR,		/* u.var: a scalar local/global/param, or a whole array as foreach/delete/in target */
	N_TARGET,	/* u.var.name = "$name"; pass 2 sets u.var.tvar (prog/tvar.h) */
	N_INDEX,	/* u.index: arr[k1, k2] */
	N_CALL,		/* u.call: name(args) */
	N_STATOP,	/* u.statop: @count(x) @sum @min @max @avg; also @count(a[k]) */
	N_BINOP,	/* u.bin: arithmetic, comparison, logical, bitwise, '.' concatenation */
	N_UNOP,		/* u.un: - + ! ~ */
	N_ASSIGN,	/* u.assign: = += -= *= /= %= <<= >>= &= |= ^= .= and <<< (OP_AGG) */
	N_INCDEC,	/* u.incdec */
	N_TERNARY,	/* u.tern */
	N_IN,		/* u.in: k in arr, [k1,k2] in arr */
	/* statements */
	N_BLOCK,	/* u.block */
	N_EXPR,		/* u.expr: expression statement */
	N_IF,		/* u.ifs */
	N_WHILE,	/* u.loop (init/step NULL) */
	N_FOR,		/* u.loop */
	N_FOREACH,	/* u.foreach */
	N_BREAK,
	N_CONTINUE,
	N_NEXT,
	N_RETURN,	/* u.ret (value may be NULL) */
	N_DELETE,	/* u.del: delete arr / arr[k] / scalar */
	N_EMPTY,	/* ';' */
	N_TRY,		/* u.ifs: then = the try block, els = the catch block, cond = the catch
			 * variable (N_VAR, a string local) or NULL */
};

enum op {
	OP_NONE = 0,
	/* binary arithmetic / bitwise */
	OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
	OP_SHL, OP_SHR, OP_BAND, OP_BOR, OP_BXOR,
	/* logical */
	OP_LAND, OP_LOR,
	/* comparison (numbers or strings) */
	OP_LT, OP_LE, OP_GT, OP_GE, OP_EQ, OP_NE,
	/* string */
	OP_CONCAT,	/* '.' */
	/* unary */
	OP_NEG, OP_PLUS, OP_NOT, OP_BNOT,
	/* assignment: OP_NONE means plain '=', else the compound op (OP_CONCAT for .=) */
	OP_AGG,		/* '<<<' */
	/* statistics extractors */
	OP_COUNT, OP_SUM, OP_MIN, OP_MAX, OP_AVG,
	OP_VARIANCE,		/* @variance(s) / @variance(s, bit_shift) */
	OP_HIST_LOG, OP_HIST_LINEAR,	/* histograms: printed or iterated over, never values */
};

struct sym;
struct node;

struct node_list {
	struct node **v;
	uint32_t n, cap;
};

struct node {
	enum node_kind kind;
	struct loc loc;		/* for binops: the operator; for calls: the name */
	enum type type;		/* filled by pass 2 */
	union {
		int64_t num;
		struct { const char *s; uint32_t len; } str;	/* escapes already decoded */
		struct {
			const char *name;
			struct sym *sym;	/* filled by pass 2 */
			int32_t tvar;		/* N_TARGET: its index in the probe's tvar_set,
						 * filled by pass 2 */
			uint32_t elem;		/* N_TARGET $name[N]: N */
		} var;
		struct {
			struct node *base;	/* N_VAR naming the array */
			struct node_list keys;
		} index;
		struct {
			const char *name;
			struct node_list args;
			struct func *fn;	/* filled by pass 2 when a script function */
			int builtin;		/* filled by pass 2: builtin id, or -1 */
		} call;
		struct {
			enum op op;		/* OP_COUNT .. OP_HIST_LINEAR */
			struct node *arg;	/* N_VAR or N_INDEX */
			int64_t p[3];		/* literal parameters: @variance's bit shift,
						 * @hist_linear's start, stop, interval */
			uint32_t np;		/* how many were written */
			struct node *bucket;	/* @hist_*(s)[b]: that bucket's count; or NULL */
		} statop;
		struct {
			enum op op;
			struct node *l, *r;
		} bin;
		struct {
			enum op op;
			struct node *e;
		} un;
		struct {
			enum op op;		/* OP_NONE for '=' */
			struct node *lhs;	/* N_VAR or N_INDEX */
			struct node *rhs;
		} assign;
		struct {
			bool inc;		/* ++ vs -- */
			bool post;		/* x++ vs ++x */
			struct node *lv;
		} incdec;
		struct {
			struct node *cond, *t, *f;
		} tern;
		struct {
			struct node_list keys;
			struct node *arr;	/* N_VAR */
		} in;
		struct node_list block;
		struct node *expr;
		struct {
			struct node *cond, *then, *els;	/* els may be NULL */
		} ifs;
		struct {
			struct node *init, *cond, *step;	/* any may be NULL */
			struct node *body;
		} loop;
		struct {
			struct node_list vars;	/* N_VAR key variables */
			struct node *value;	/* N_VAR for 'v = [k] in a', or NULL */
			struct node *arr;	/* N_VAR, or N_STATOP @hist_* over its buckets */
			int sort_col;		/* 0: unsorted; 1..n: key n; -1 (stored as 0x7fff): the value */
			int sort_dir;		/* +1 ascending, -1 descending, 0 none */
			enum op sort_agg;	/* statistics sorted by value: OP_COUNT (also for
						 * OP_NONE) .. OP_AVG, as in 'in s @sum-' */
			struct node *limit;	/* or NULL */
			struct node *body;
		} foreach;
		struct node *ret;
		struct node *del;
	} u;
};

#define FOREACH_SORT_VALUE 0x7fff

enum sym_kind { S_GLOBAL, S_LOCAL, S_PARAM };

/* A variable: global, probe/function local, or function parameter. */
struct sym {
	const char *name;
	enum sym_kind kind;
	enum type type;		/* value type (T_STATS for aggregates) */
	uint32_t nkeys;		/* 0 for scalars; >0 for arrays */
	enum type *key_types;	/* nkeys entries */
	bool is_array;		/* declared with [N] or used with [] */
	uint32_t max_entries;	/* global a[N]; 0 means default */
	struct node *init;	/* global x = 5 (N_NUM / N_STR, possibly negated) */
	struct loc loc;		/* declaration, or first use for implicit locals */
	struct loc type_loc;	/* where its type was first fixed (for "used as two types") */
	uint32_t index;		/* position among globals / among a scope's locals */
	bool printed;		/* read anywhere (so not auto-printed at exit) — pass 2 fills */
	bool written;		/* written anywhere */
	const char *tapset;	/* file it came from (tapset globals are never auto-printed) */
	struct stat_spec stat;	/* statistics: histogram and variance, from every @hist_* and
				 * @variance on it (pass 2) */
	struct loc stat_loc;	/* where stat was first fixed (for conflicting histograms) */
	bool wrap;		/* global a% / a%[N]: the oldest elements make room */
};

struct sym_list {
	struct sym **v;
	uint32_t n, cap;
};

struct func {
	const char *name;
	struct sym_list params;	/* S_PARAM */
	struct sym_list locals;	/* filled by pass 2 */
	enum type ret;		/* declared ':long'/':string' or inferred */
	struct loc ret_loc;
	struct node *body;
	struct loc loc;
	bool used;		/* reachable from a probe (pass 2) */
	bool in_kernel;		/* a kernel probe calls it, directly or not (pass 2 placement) */
	bool recursive;		/* it can call itself (pass 2 placement) */
	uint32_t id;
};

struct func_list {
	struct func **v;
	uint32_t n, cap;
};

/* Growable-list helpers, arena-backed. */
void node_list_push(struct arena *a, struct node_list *l, struct node *n);
void sym_list_push(struct arena *a, struct sym_list *l, struct sym *s);
void func_list_push(struct arena *a, struct func_list *l, struct func *f);

struct node *node_new(struct arena *a, enum node_kind kind, struct loc loc);

/* x && y, where either may be NULL (then the other is the result): stacked conditions. */
struct node *node_and(struct arena *a, struct node *x, struct node *y);

/* Deep copy of an expression/statement tree; every copied loc gets 'via' (if non-NULL). */
struct node *node_clone(struct arena *a, const struct node *n, const struct expansion *via);

const char *op_str(enum op op);		/* "+", "<<=", ".", "@count" ... */
const char *type_str(enum type t);	/* "long", "string", "stats", "unknown" */


#endif
