/* The contract between generated BPF programs and userspace: limits, record layouts, map names. */
#ifndef BSTAP_ABI_H
#define BSTAP_ABI_H

/* Compiled by both halves: userspace C, and BPF C (embedded, written beside bstap.bpf.h). */
#ifdef __bpf__
typedef __u32 uint32_t;
typedef __s64 int64_t;
#else
#include <stdint.h>
#endif

#ifndef __bpf__	/* BPF C gets this run's values from the generated program (-D MAXACTION=N) */
#define BSTAP_MAXSTRINGLEN 512	/* bytes per string, NUL included (stap: MAXSTRINGLEN); the
				 * default and the most -D MAXSTRINGLEN can ask for: userspace
				 * values hold this many */
#define BSTAP_MINSTRINGLEN 32	/* the least -D MAXSTRINGLEN: a long's text */
#define BSTAP_MAXMAPENTRIES 2048	/* default entries per global array (stap: MAXMAPENTRIES) */
#define BSTAP_MAXACTION 1000	/* statements per probe firing (stap: MAXACTION) */
#define BSTAP_RINGBUF_SIZE (1u << 20)
#endif
#define BSTAP_MAXKEYSIZE 512	/* bytes of a hash map key: the kernel's limit (MAX_BPF_STACK) */

/*
 * Map names: the maps bpf/bstap.bpf.h defines, and the prefix of each global's map (the
 * generator names global x's map "g_x"). The loader and the runtime find maps by these.
 */
#define BSTAP_MAP_STATE "bstap_state"	/* one struct bstap_state_val */
#define BSTAP_MAP_RINGBUF "bstap_rb"	/* the output records */
#define BSTAP_MAP_SCRATCH "bstap_scratch"	/* per-CPU working memory: BSTAP_SCRATCH_NEST
						 * slots per CPU */
/*
 * Handlers a CPU can be running at once, one inside another: a raw tracepoint in task context
 * can be interrupted by one in a softirq, that by a hardirq one, that by a perf event (NMI).
 * Each level has its own scratch slot; a handler deeper than this is skipped.
 */
#define BSTAP_SCRATCH_NEST 4
#define BSTAP_MAP_LOST "bstap_lost"	/* records the ring buffer had no room for */
#define BSTAP_MAP_PERF_EXE "bstap_perf_exe"	/* perf .process("path"): group -> the program's
					 * (kernel dev, inode), set at attach */
#define BSTAP_MAP_GLOBAL_PREFIX "g_"

/* Session states kept in map BSTAP_MAP_STATE slot 0; kernel handlers run only while RUNNING. */
enum bstap_state {
	BSTAP_RUNNING = 0,
	BSTAP_STOPPING = 1,	/* exit() was called */
	BSTAP_ERRORED = 2,	/* a runtime error or error() */
};

/* The value of map BSTAP_MAP_STATE slot 0. */
struct bstap_state_val {
	uint32_t state;
	uint32_t target;	/* target(): the pid of -x PID or -c CMD, else 0 */
	int64_t realtime_off;	/* CLOCK_REALTIME - CLOCK_MONOTONIC, ns: gettimeofday_*() in BPF */
	uint32_t ncpus;		/* possible CPUs, for merging statistics in BPF */
	uint32_t pad2;
};

/* Ring-buffer records. Each starts with this header; len covers the whole record. */
enum bstap_rec_type {
	REC_PRINTF = 1,	/* u32 fmt_id, then the s64 arguments in order, then the strings in
			 * order, each as long as it is with its NUL (at most MAXSTRINGLEN) */
	REC_EXIT = 2,	/* exit() was called */
	REC_ERROR = 3,	/* u32 err_id (runtime error site) , then char msg[MAXSTRINGLEN] for error() */
	REC_WARN = 4,	/* warn(msg): char msg[MAXSTRINGLEN], for stderr */
	REC_SYSTEM = 5,	/* system(cmd): char cmd[MAXSTRINGLEN], run with /bin/sh -c */
	REC_STACK = 6,	/* print_backtrace(): id frames, then u64 addr[BSTAP_STACK_FRAMES] */
	REC_USTACK = 7,	/* print_ubacktrace(): id frames, then u64 pid (tgid), u64 addr[FRAMES] */
};


struct bstap_rec_hdr {
	uint32_t type;
	uint32_t id;	/* fmt_id for REC_PRINTF, error site id for REC_ERROR */
};

/*
 * symname(addr) / symdata(addr) in a kernel probe: a placeholder string, ESC SOH, then 'N'
 * (name) or 'D' (data), then the address in 16 lowercase hex digits; the runtime replaces it
 * with the symbol's text from /proc/kallsyms wherever it is printed.
 */
#define BSTAP_KSYM_MARK0 0x1b
#define BSTAP_KSYM_MARK1 0x01
#define BSTAP_KSYM_MARKLEN 19
/*
 * backtrace() in a kernel probe: the stack goes to map BSTAP_MAP_STACKS (key: a hash of its
 * frames, value: struct bstap_stack) and the string is a placeholder of kind 'B' with that key;
 * print_stack()/sprint_stack() of it are kinds 'P' and 'Q'.
 */
#define BSTAP_MAP_STACKS "bstap_stacks"

/* print_backtrace(): the kernel stack frames a record carries (BPF's own frames included) */
#define BSTAP_STACK_FRAMES 48

struct bstap_stack {
	int64_t n;	/* frames */
	int64_t addr[BSTAP_STACK_FRAMES];
};

/*
 * ubacktrace()/ucallers(n) in a kernel probe: the user stack and its process go to map
 * BSTAP_MAP_USTACKS (key: a hash of both) and the string is a placeholder of kind 'U' with
 * that key; print_ustack()/sprint_ustack() of it are kinds 'V' and 'W'. The runtime symbolizes
 * the frames with /proc/PID/maps and the mapped files' ELF symbol tables (runtime/usyms.c).
 */
#define BSTAP_MAP_USTACKS "bstap_ustacks"

struct bstap_ustack {
	int64_t n;	/* frames */
	int64_t pid;	/* the process (tgid) whose address space the frames are in */
	int64_t addr[BSTAP_STACK_FRAMES];
};

/* Runtime error kinds, each reported at a source location. */
enum bstap_err_kind {
	ERR_USER = 0,	/* error("msg") */
	ERR_DIV0,	/* division by 0 */
	ERR_MOD0,	/* modulo by 0 — stap says "division by 0" for both */
	ERR_ARRAY_FULL,	/* array overflow */
	ERR_MAXACTION,	/* MAXACTION exceeded */
	ERR_EMPTY_AGG,	/* @min/@max/@avg of an empty statistic */
	ERR_FAULT,	/* a bad address read by user_string() and the like: the message says which */
};

#endif
