/* The hand-written BPF-side runtime that generated programs include: maps, strings, output, errors. */
#ifndef BSTAP_BPF_H
#define BSTAP_BPF_H

/*
 * The generator defines before including this file:
 *   BSTAP_MAXSTR       bytes per string (NUL included), a power of two
 *   BSTAP_SCRATCH_SIZE bytes of per-CPU scratch (locals, temporaries, keys)
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

typedef __s64 s64;
typedef __u64 u64;
typedef __u32 u32;
typedef __s32 s32;
typedef __u16 u16;
typedef __s16 s16;
typedef __u8 u8;
typedef __s8 s8;

/* bpf_loop() runs at most 1 << 23 iterations: a loop stops with MAXACTION at the smaller */
#define BSTAP_LOOP_MAX (BSTAP_MAXACTION < (1 << 23) ? BSTAP_MAXACTION + 1 : (1 << 23))

#include "bstap_abi.h"	/* prog/abi.h: records, states, error kinds, the state map value */

struct bstap_str {
	char s[BSTAP_MAXSTR];
};

struct bstap_stat {
	s64 count, sum, min, max;
};

/*
 * Why a handler is unwinding (S->err): every function and loop callback returns at once while
 * it is set, a catch stops the first two kinds that can be caught, the probe reports errors.
 */
#define BSTAP_UNWIND_ERROR 1	/* a runtime error or error(): try can catch it */
#define BSTAP_UNWIND_MAXACTION 2	/* an error no try catches */
#define BSTAP_UNWIND_END 3	/* next or abort(): the handler ends, nothing to report */
#define BSTAP_UNWIND_RETURN 4	/* return inside a loop: its function returns the value kept in
				 * its frame */

/* Per-CPU working memory: probe locals and temporaries (the BPF stack is only 512 bytes). */
struct bstap_scratch {
	u32 err;	/* BSTAP_UNWIND_*, or 0 */
	u32 ppidx;	/* which probe runs: pp() is bstap_pps[ppidx] */
	void *ctx;
	u32 err_site;	/* where the error arose (prog/meta.h error sites) */
	u32 pad;
	char errmsg[BSTAP_MAXSTR];	/* error()'s text */
	char buf[BSTAP_SCRATCH_SIZE];
};

/* Indexed by CPU id * BSTAP_SCRATCH_NEST + nesting level; the loader sizes it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct bstap_scratch);
} bstap_scratch SEC(".maps");

/* How many handlers this CPU is running, one inside another. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u32);
} bstap_depth SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct bstap_state_val);
} bstap_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);
} bstap_rb SEC(".maps");

/* Records dropped because the ring buffer was full: reported at exit, never silent. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} bstap_lost SEC(".maps");

static __always_inline void bstap_count_lost(void)
{
	u32 zero = 0;
	u64 *n = bpf_map_lookup_elem(&bstap_lost, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
}

/* Per-group next firing time for timer.X(N).randomize(M). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, u32);
	__type(value, u64);
} bstap_due SEC(".maps");

#define BSTAP_T(off) ((void *)(S->buf + (off)))

/*
 * A handler's scratch slot: its CPU's next free nesting level. A handler that interrupts
 * another (an NMI perf event inside a tracepoint) returns before the one it interrupted goes
 * on, so the level read here is still right when it is stored: no atomics needed.
 */
static __always_inline struct bstap_scratch *bstap_enter(u32 **depth)
{
	u32 zero = 0;
	u32 *d = bpf_map_lookup_elem(&bstap_depth, &zero);
	if (!d)
		return NULL;
	u32 lv = *d;
	if (lv >= BSTAP_SCRATCH_NEST)
		return NULL;
	u32 key = bpf_get_smp_processor_id() * BSTAP_SCRATCH_NEST + lv;
	struct bstap_scratch *S = bpf_map_lookup_elem(&bstap_scratch, &key);
	if (!S)
		return NULL;
	*d = lv + 1;
	*depth = d;
	return S;
}

static __always_inline void bstap_leave(u32 *depth)
{
	*depth -= 1;
}

static __always_inline int bstap_running(void)
{
	u32 zero = 0;
	struct bstap_state_val *st = bpf_map_lookup_elem(&bstap_state, &zero);
	return st && st->state == BSTAP_RUNNING;
}

static __always_inline void bstap_set_state(u32 state)
{
	u32 zero = 0;
	struct bstap_state_val *st = bpf_map_lookup_elem(&bstap_state, &zero);
	if (st && st->state == BSTAP_RUNNING)
		st->state = state;
}

/* exit(): stop starting new handlers; this one finishes. */
static __always_inline void bstap_exit(void)
{
	bstap_set_state(BSTAP_STOPPING);
	struct bstap_rec_hdr *h = bpf_ringbuf_reserve(&bstap_rb, sizeof(*h), 0);
	if (!h) {
		bstap_count_lost();
		return;
	}
	h->type = REC_EXIT;
	h->id = 0;
	bpf_ringbuf_submit(h, 0);
}

/*
 * A runtime error at error site 'site'; msg (may be NULL) is error()'s text. The handler
 * unwinds to the nearest try (which may catch it) or to its probe, which reports it.
 */
static __always_inline void bstap_error(struct bstap_scratch *S, u32 site, const char *msg)
{
	S->err = BSTAP_UNWIND_ERROR;
	S->err_site = site;
	S->errmsg[0] = 0;
	if (msg)
		bpf_probe_read_kernel_str(S->errmsg, BSTAP_MAXSTR, msg);
}

/* An error that reached its probe uncaught ends the session: tell userspace where and why. */
/* a subprogram: every probe program calls it, and clang compiles it once */
static __noinline void bstap_report(struct bstap_scratch *S)
{
	bstap_set_state(BSTAP_ERRORED);
	struct bstap_rec_hdr *h =
		bpf_ringbuf_reserve(&bstap_rb, sizeof(*h) + BSTAP_MAXSTR, 0);
	if (!h) {
		bstap_count_lost();
		return;
	}
	h->type = REC_ERROR;
	h->id = S->err_site;
	__builtin_memcpy(h + 1, S->errmsg, BSTAP_MAXSTR);
	bpf_ringbuf_submit(h, 0);
}

/* warn(msg): a line for stderr, "WARNING: msg", in order with the probe's other output. */
/* print_backtrace(): the kernel stack of the event, symbolized by the reader (REC_BACKTRACE) */
static __always_inline void bstap_print_backtrace(void *ctx)
{
	struct bstap_rec_hdr *h = bpf_ringbuf_reserve(&bstap_rb, sizeof(*h) + 8 * BSTAP_BT_FRAMES, 0);
	if (!h) {
		bstap_count_lost();
		return;
	}
	long n = ctx ? bpf_get_stack(ctx, h + 1, 8 * BSTAP_BT_FRAMES, 0) : 0;
	h->type = REC_BACKTRACE;
	h->id = n > 0 ? (u32)(n / 8) : 0;
	bpf_ringbuf_submit(h, 0);
}

static __always_inline void bstap_warn(const char *msg)
{
	struct bstap_rec_hdr *h = bpf_ringbuf_reserve(&bstap_rb, sizeof(*h) + BSTAP_MAXSTR, 0);
	if (!h) {
		bstap_count_lost();
		return;
	}
	h->type = REC_WARN;
	h->id = 0;
	bpf_probe_read_kernel_str(h + 1, BSTAP_MAXSTR, msg);
	bpf_ringbuf_submit(h, 0);
}

/* catch(msg): the text stap gives, by the kind of the error site. */
static __always_inline void bstap_caught(struct bstap_scratch *S, char *dst, u32 kind)
{
	const char *t;
	switch (kind) {
	case ERR_DIV0:
	case ERR_MOD0: t = "division by 0"; break;
	case ERR_ARRAY_FULL: t = "Array overflow, check MAXMAPENTRIES"; break;
	case ERR_EMPTY_AGG: t = "empty aggregate"; break;
	default: t = S->errmsg; break;
	}
	bpf_probe_read_kernel_str(dst, BSTAP_MAXSTR, t);
}

/* 64-bit arithmetic with SystemTap's wraparound semantics (no C signed overflow). */
#define bstap_add(a, b) ((s64)((u64)(a) + (u64)(b)))
#define bstap_sub(a, b) ((s64)((u64)(a) - (u64)(b)))
#define bstap_mul(a, b) ((s64)((u64)(a) * (u64)(b)))
#define bstap_neg(a) ((s64)(0 - (u64)(a)))
#define bstap_shl(a, b) ((s64)((u64)(a) << ((u64)(b) & 63)))
#define bstap_shr(a, b) ((s64)(a) >> ((u64)(b) & 63))

/* BPF has only unsigned division before cpu v4: divide magnitudes and fix the sign. */
static __always_inline s64 bstap_div(s64 a, s64 b)
{
	u64 ua = a < 0 ? 0 - (u64)a : (u64)a;
	u64 ub = b < 0 ? 0 - (u64)b : (u64)b;
	u64 q = ua / ub;
	return (a < 0) != (b < 0) ? (s64)(0 - q) : (s64)q;
}

static __always_inline s64 bstap_mod(s64 a, s64 b)
{
	u64 ua = a < 0 ? 0 - (u64)a : (u64)a;
	u64 ub = b < 0 ? 0 - (u64)b : (u64)b;
	u64 r = ua % ub;
	return a < 0 ? (s64)(0 - r) : (s64)r;
}

/* Copy a string into a MAXSTR buffer; returns the length without the NUL. */
static __always_inline long bstap_strcpy(char *dst, const char *src)
{
	long n = bpf_probe_read_kernel_str(dst, BSTAP_MAXSTR, src);
	if (n <= 0) {
		dst[0] = 0;
		return 0;
	}
	return n - 1;
}

/*
 * user_string(addr[, default]), user_string_n(addr, n[, default]) and the kernel_ twins: at
 * most n bytes (n < 0: as many as fit). A bad address gives the default when there is one,
 * else a runtime error at site with stap's text; the caller unwinds on S->err.
 */
/* A chase ($p->a->b, @cast) read at addr faulted: a runtime error at the site */
static __always_inline void bstap_read_fault(struct bstap_scratch *S, u64 addr, u32 site)
{
	u64 args[1] = { addr };
	bpf_snprintf(S->errmsg, BSTAP_MAXSTR, "kernel read fault at 0x%016llx [man error::fault]",
		     args, sizeof(args));
	S->err = BSTAP_UNWIND_ERROR;
	S->err_site = site;
}

/* kernel_long/int/short/char/pointer (what: 0..4): the value at addr, sign-extended as stap's
 * are (pointers and longs are 64-bit); a fault is a runtime error at the call site */
static __always_inline s64 bstap_read_kernel_num(struct bstap_scratch *S, u64 addr, u32 size,
						 u32 what, u32 site)
{
	u64 v = 0;
	long r = bpf_probe_read_kernel(&v, size & 15, (const void *)addr);
	if (!r)
		return size == 4 ? (s64)(s32)v : size == 2 ? (s64)(s16)v : size == 1 ? (s64)(s8)v
									 : (s64)v;
	/* stap says -14 (EFAULT) whatever the cause; newer kernels return -ERANGE below the
	 * kernel's address range */
	u64 args[2] = { (u64)-14, addr };
	switch (what) {
	case 0:
		bpf_snprintf(S->errmsg, BSTAP_MAXSTR, "kernel long copy fault %lld at 0x%016llx "
			     "[man error::fault]", args, sizeof(args));
		break;
	case 1:
		bpf_snprintf(S->errmsg, BSTAP_MAXSTR, "kernel int copy fault %lld at 0x%016llx "
			     "[man error::fault]", args, sizeof(args));
		break;
	case 2:
		bpf_snprintf(S->errmsg, BSTAP_MAXSTR, "kernel short copy fault %lld at 0x%016llx "
			     "[man error::fault]", args, sizeof(args));
		break;
	case 3:
		bpf_snprintf(S->errmsg, BSTAP_MAXSTR, "kernel char copy fault %lld at 0x%016llx "
			     "[man error::fault]", args, sizeof(args));
		break;
	default:
		bpf_snprintf(S->errmsg, BSTAP_MAXSTR, "kernel pointer copy fault %lld at 0x%016llx "
			     "[man error::fault]", args, sizeof(args));
	}
	S->err = BSTAP_UNWIND_ERROR;
	S->err_site = site;
	return 0;
}

static __always_inline char *bstap_read_str(struct bstap_scratch *S, char *dst, u64 addr, s64 n,
					    int user, u32 site, const char *dflt)
{
	u32 lim = n < 0 || n >= BSTAP_MAXSTR ? BSTAP_MAXSTR : (u32)n + 1;
	long r;
	if (lim > BSTAP_MAXSTR)
		lim = BSTAP_MAXSTR;
	if (lim < 1)
		lim = 1;
	if (user)
		r = bpf_probe_read_user_str(dst, lim, (const void *)addr);
	else
		r = bpf_probe_read_kernel_str(dst, lim, (const void *)addr);
	if (r >= 0)
		return dst;
	dst[0] = 0;
	if (dflt) {
		bstap_strcpy(dst, dflt);
		return dst;
	}
	u64 args[2] = { (u64)r, addr };
	if (user)
		bpf_snprintf(S->errmsg, BSTAP_MAXSTR, "user string copy fault %lld at 0x%016llx "
			     "[man error::fault]", args, sizeof(args));
	else
		bpf_snprintf(S->errmsg, BSTAP_MAXSTR, "kernel string copy fault %lld at 0x%016llx "
			     "[man error::fault]", args, sizeof(args));
	S->err = BSTAP_UNWIND_ERROR;
	S->err_site = site;
	return dst;
}

/*
 * A string key field of width bytes (less than MAXSTR): every string the script stores there
 * fits. A longer one, looked up, gets a field with no NUL in it, which no stored key has.
 */
static __always_inline void bstap_key_str(char *dst, u32 width, const char *src)
{
	long n = bpf_probe_read_kernel_str(dst, width, src);
	if (n < (long)width)
		return;
	char last = 1;
	bpf_probe_read_kernel(&last, 1, src + width - 1);
	if (last)
		__builtin_memset(dst, 0xff, width);
}

/* The helper's returned length: no loop for the verifier to walk (tmp: a MAXSTR buffer). */
static __always_inline s64 bstap_strlen(char *tmp, const char *s)
{
	long n = bpf_probe_read_kernel_str(tmp, BSTAP_MAXSTR, s);
	return n > 0 ? n - 1 : 0;
}

static __always_inline char *bstap_concat(char *dst, const char *a, const char *b)
{
	long n = bstap_strcpy(dst, a);
	if (n < 0 || n >= BSTAP_MAXSTR - 1)
		return dst;
	n &= BSTAP_MAXSTR - 1;
	long room = BSTAP_MAXSTR - n;
	if (room > 0 && room <= BSTAP_MAXSTR)
		bpf_probe_read_kernel_str(dst + n, room, b);
	return dst;
}

/* strcmp of two MAXSTR buffers, one bpf_loop() step per byte: the verifier checks it once. */
struct bstap_cmp {
	const char *a, *b;
	long r;
};

static long bstap_cmp_step(u32 i, void *ctx)
{
	struct bstap_cmp *c = ctx;
	if (i >= BSTAP_MAXSTR)
		return 1;
	unsigned char x = c->a[i], y = c->b[i];
	if (x != y) {
		c->r = x < y ? -1 : 1;
		return 1;
	}
	return !x;
}

static __always_inline long bstap_strcmp(const char *a, const char *b)
{
	struct bstap_cmp c = { a, b, 0 };
	bpf_loop(BSTAP_MAXSTR, bstap_cmp_step, &c, 0);
	return c.r;
}

static __always_inline char *bstap_execname(char *dst)
{
	if (bpf_get_current_comm(dst, 16))
		dst[0] = 0;
	return dst;
}

/* The kernel's task_struct, reduced to the fields we read; CO-RE relocates them against BTF. */
struct task_struct {
	struct task_struct *real_parent;
	int tgid;
} __attribute__((preserve_access_index));

static __always_inline s64 bstap_ppid(void)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	return BPF_CORE_READ(t, real_parent, tgid);
}

static __always_inline s64 bstap_pid(void)
{
	return (s64)(bpf_get_current_pid_tgid() >> 32);
}

static __always_inline s64 bstap_tid(void)
{
	return (s64)(u32)bpf_get_current_pid_tgid();
}

static __always_inline s64 bstap_uid(void)
{
	return (s64)(u32)bpf_get_current_uid_gid();
}

static __always_inline s64 bstap_realtime_ns(void)
{
	u32 zero = 0;
	struct bstap_state_val *st = bpf_map_lookup_elem(&bstap_state, &zero);
	return (s64)bpf_ktime_get_ns() + (st ? st->realtime_off : 0);
}

static __always_inline s64 bstap_target(void)
{
	u32 zero = 0;
	struct bstap_state_val *st = bpf_map_lookup_elem(&bstap_state, &zero);
	return st ? (s64)st->target : 0;
}

/*
 * Pointer to a global's slot, created zeroed when missing; NULL when the map is full. A slot
 * can vanish between its insertion and the lookup (a userspace handler's 'delete' runs at the
 * same time): then it is inserted again, and only a refused insertion means a full array.
 */
static __always_inline void *bstap_elem(void *map, const void *key, const void *zero)
{
	for (int i = 0; i < 4; i++) {
		void *p = bpf_map_lookup_elem(map, key);
		if (p)
			return p;
		long r = bpf_map_update_elem(map, key, zero, BPF_NOEXIST);
		if (r && r != -17 /* EEXIST: another CPU inserted it */)
			return NULL;
	}
	return NULL;
}

static __always_inline void bstap_stat_add(struct bstap_stat *st, s64 v)
{
	if (st->count == 0 || v < st->min)
		st->min = v;
	if (st->count == 0 || v > st->max)
		st->max = v;
	st->count++;
	st->sum = bstap_add(st->sum, v);
}

#define BSTAP_MAXCPUS 512

/* Merge one statistic over every CPU's slot (per-CPU maps: no locks on the hot path). */
static __always_inline void bstap_stat_read(void *map, const void *key, struct bstap_stat *out)
{
	u32 zero = 0;
	struct bstap_state_val *stv = bpf_map_lookup_elem(&bstap_state, &zero);
	u32 ncpus = stv ? stv->ncpus : 1;
	out->count = out->sum = out->min = out->max = 0;
	for (u32 cpu = 0; cpu < BSTAP_MAXCPUS; cpu++) {
		if (cpu >= ncpus)
			break;
		struct bstap_stat *st = bpf_map_lookup_percpu_elem(map, key, cpu);
		if (!st || !st->count)
			continue;
		if (!out->count || st->min < out->min)
			out->min = st->min;
		if (!out->count || st->max > out->max)
			out->max = st->max;
		out->count += st->count;
		out->sum = bstap_add(out->sum, st->sum);
	}
}

/* randomize: fire when the per-group due time has passed, then pick the next one. */
static __always_inline int bstap_due_check(u32 group, u64 period, u64 spread)
{
	u64 *due = bpf_map_lookup_elem(&bstap_due, &group);
	if (!due)
		return 0;
	u64 now = bpf_ktime_get_ns();
	if (*due && now < *due)
		return 0;
	u64 r = spread ? bpf_get_prandom_u32() % (2 * spread + 1) : 0;
	int fire = *due != 0;	/* the first tick only schedules: the first firing is a period away */
	*due = now + period - spread + r;
	return fire;
}

char LICENSE[] SEC("license") = "GPL";

/* ---- perf.* probes (loader/perf.c, bpf/gen_kinds.c) ------------------------------------ */

/*
 * perf.X.process("path"): group -> the program's executable, as the kernel names it: the
 * superblock's dev_t (MAJOR << 20 | MINOR) and the inode number. The loader fills it at attach
 * time (stat() of the path), so the object stays portable. Layout shared with loader/perf.c.
 */
struct bstap_perf_exe {
	u64 dev;
	u64 ino;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, u32);
	__type(value, struct bstap_perf_exe);
} bstap_perf_exe SEC(".maps");

/* Only the fields read, relocated by CO-RE against the running kernel's BTF. */
struct super_block___bstap_perf {
	u32 s_dev;
} __attribute__((preserve_access_index));

struct inode___bstap_perf {
	unsigned long i_ino;
	struct super_block___bstap_perf *i_sb;
} __attribute__((preserve_access_index));

struct file___bstap_perf {
	struct inode___bstap_perf *f_inode;
} __attribute__((preserve_access_index));

struct mm_struct___bstap_perf {
	struct file___bstap_perf *exe_file;
} __attribute__((preserve_access_index));

struct task_struct___bstap_perf {
	struct mm_struct___bstap_perf *mm;
} __attribute__((preserve_access_index));

/* Is the current task running the program the loader put in group's slot? */
static __always_inline int bstap_perf_exe_match(u32 group)
{
	struct bstap_perf_exe *want = bpf_map_lookup_elem(&bstap_perf_exe, &group);
	if (!want)
		return 0;
	struct task_struct___bstap_perf *t = (void *)bpf_get_current_task();
	struct inode___bstap_perf *inode = BPF_CORE_READ(t, mm, exe_file, f_inode);
	if (!inode)
		return 0;	/* a kernel thread: no executable */
	u64 ino = BPF_CORE_READ(inode, i_ino);
	u64 dev = BPF_CORE_READ(inode, i_sb, s_dev);
	return ino == want->ino && dev == want->dev;
}

/* perf.X.process: is the current task the target() process (-c CMD, -x PID)? */
static __always_inline int bstap_perf_target_match(void)
{
	s64 target = bstap_target();
	return target != 0 && bstap_pid() == target;
}

/* ---- end of perf.* probes ------------------------------------------------------------- */

#endif
