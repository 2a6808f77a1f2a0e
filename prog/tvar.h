/*
 * Target variables: the $name values a probe's event offers (a tracepoint's fields), as pass 2
 * found them in the running kernel. Pass 2 types $name against them; the generator reads them.
 */
#ifndef BSTAP_TVAR_H
#define BSTAP_TVAR_H

#include <stdbool.h>
#include <stdint.h>

enum tvar_kind {
	TV_INT,		/* an integer (or a pointer, read as a long) of size bytes */
	TV_CHARS,	/* char name[size]: read as a string */
	TV_DATALOC,	/* __data_loc char[] name: a u32 locator (offset | length << 16) of a
			 * string later in the record */
	TV_ARRAY,	/* an array of integers (unsigned long args[6]): $name[N] reads one */
	TV_UREG,	/* a user probe's register: offset in struct pt_regs, size bytes ($return) */
	TV_USDT_ARG,	/* an SDT marker's argument number offset (0-based), as its note says */
};

struct tvar {
	const char *name;	/* as the script writes it, without '$': "prev_comm" */
	const char *ctype;	/* the kernel's spelling of its type: "pid_t", "char[16]" */
	enum tvar_kind kind;
	uint32_t offset, size;	/* in this kernel's record */
	uint32_t count;		/* TV_ARRAY: elements (each size / count bytes) */
	bool is_signed;
	const char *member;	/* its member in the BTF struct ("__data_loc_filename" for a
				 * locator), read with a CO-RE relocation; NULL: at offset */
	const char *member_type;	/* the member's C type as CO-RE must see it (a pointer, an
					 * enum or an integer of its size): "u32", "void *",
					 * "enum pid_type", "u64 [6]" */
	/* kernel functions: a parameter's BTF type id (what '->' chases from), and a chase:
	 * the value of tvar 'base' followed through steps, each a CO-RE relocated read */
	uint32_t btf_id;
	bool entry;		/* read at the function's entry and kept for its return (.return
				 * probes: parameters, @entry(...)) */
	uint32_t base;		/* with nsteps > 0: the tvar the chase starts from (UINT32_MAX:
				 * an @cast's pointer, which the handler computes) */
	bool addr;		/* &$p->member: the chase's last address, not what is there */
	const struct tvar_step *steps;
	uint32_t nsteps;
};

/* One step of a chase: read member path (dotted through embedded structs, "f_path.dentry") of
 * the struct sname that the value so far points to. */
struct tvar_step {
	const char *sname;
	const char *path;
};

/* A member that chases read, declared in the local CO-RE struct "sname___bstap": mtype is the
 * kernel's type as CO-RE must see it ("struct path", "struct dentry *", "void *", "u32",
 * "char [16]"). */
struct tvar_member {
	const char *sname, *mname, *mtype;
};

/* A function of a user-space program, for usymname(): link-time address, size, name. */
struct tvar_usym {
	uint64_t addr, size;
	const char *name;
};

struct tvar_set {
	const char *event;	/* $$name: "sched_switch" */
	const char *provider;	/* $$provider of an SDT marker, else NULL */
	const struct tvar_usym *usyms;	/* process(...) probes: the program's functions by
					 * address, for usymname(); NULL for libraries */
	uint32_t nusyms;
	uint64_t text_vaddr;	/* the lowest address of the program's code segments: its load
				 * base is mm->start_code minus this */
	const char *btf_struct;	/* the record's BTF struct ("trace_event_raw_sched_switch"), or
				 * NULL when the kernel's BTF has none (offsets from tracefs) */
	const struct tvar *v;
	uint32_t n;
	const struct tvar_member *members;	/* what chases read (the generator declares the
						 * union of them over all probes) */
	uint32_t nmembers;
	bool kfunc;		/* a kernel function's: '->' may chase its parameters */
	bool raw_ok;		/* the kernel has a raw tracepoint of the same name (BTF
				 * btf_trace_<event>): the cheaper attach when no field is read */
};

/* The BPF side's name of an integer type of size bytes ("s32"), or NULL for other sizes. */
static inline const char *tvar_int_type(uint32_t size, bool sign)
{
	switch (size) {
	case 1: return sign ? "s8" : "u8";
	case 2: return sign ? "s16" : "u16";
	case 4: return sign ? "s32" : "u32";
	case 8: return sign ? "s64" : "u64";
	default: return NULL;
	}
}

#endif
