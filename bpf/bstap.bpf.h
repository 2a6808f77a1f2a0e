/* The hand-written BPF-side runtime that generated programs include: maps, strings, output, errors. */
#ifndef BSTAP_BPF_H
#define BSTAP_BPF_H

/*
 * The generator defines before including this file:
 *   BSTAP_MAXSTR       bytes per string (NUL included): -D MAXSTRINGLEN
 *   BSTAP_STRBUF       bytes of a string buffer: BSTAP_MAXSTR rounded up to a power of two
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

#ifndef BSTAP_STRBUF	/* the generated program defines it when MAXSTRINGLEN is not a power of two */
#define BSTAP_STRBUF BSTAP_MAXSTR
#endif
/*
 * BSTAP_L: a string's most bytes before its NUL (MAXSTRINGLEN - 1), the limit every loop and
 * copy below stops at. BSTAP_M: the mask that keeps an index inside a string's buffer for the
 * verifier; buffers are BSTAP_STRBUF bytes, MAXSTRINGLEN rounded up to a power of two.
 */
#define BSTAP_L (BSTAP_MAXSTR - 1)
#define BSTAP_M (BSTAP_STRBUF - 1)

#include "bstap_abi.h"	/* prog/abi.h: records, states, error kinds, the state map value */

struct bstap_str {
	char s[BSTAP_STRBUF];
};

/* prog/stat.h's layout: count sum min max, @variance's Welford terms, then any buckets. */
struct bstap_stat {
	s64 count, sum, min, max;
	s64 avg_s, m2, var_s;
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
	char errmsg[BSTAP_STRBUF];	/* error()'s text */
	char tok[BSTAP_STRBUF];	/* tokenize()'s string, kept between calls as stap's context */
	s32 tok_pos;		/* where its next token starts; -1: none (0 in a fresh map: the
				 * empty string, which has none either) */
	u32 pad2;
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

/* a scratch temporary: gen.c places each at a multiple of 8, which lets clang zero and copy
 * them a word at a time */
#define BSTAP_T(off) ((void *)__builtin_assume_aligned(S->buf + (off), 8))
_Static_assert(__builtin_offsetof(struct bstap_scratch, buf) % 8 == 0, "scratch words aligned");

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

/* A record of one string (REC_WARN, REC_SYSTEM), in order with the probe's other output. */
static __always_inline void bstap_string_record(u32 type, const char *str)
{
	struct bstap_rec_hdr *h = bpf_ringbuf_reserve(&bstap_rb, sizeof(*h) + BSTAP_MAXSTR, 0);
	if (!h) {
		bstap_count_lost();
		return;
	}
	h->type = type;
	h->id = 0;
	bpf_probe_read_kernel_str(h + 1, BSTAP_MAXSTR, str);
	bpf_ringbuf_submit(h, 0);
}

/* warn(msg): a line for stderr, "WARNING: msg". */
static __always_inline void bstap_warn(const char *msg)
{
	bstap_string_record(REC_WARN, msg);
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
	static const char kinds[5][8] = { "long", "int", "short", "char", "pointer" };
	u64 args[3] = { (u64)kinds[what < 5 ? what : 4], (u64)-14, addr };
	bpf_snprintf(S->errmsg, BSTAP_MAXSTR, "kernel %s copy fault %lld at 0x%016llx "
		     "[man error::fault]", args, sizeof(args));
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

/*
 * bpf_snprintf(dst + n, ...) for one piece of a sprintf (gen.c: snprintf_expr) whose first n
 * bytes are written; the new length. A piece without values has size 0 (data: not read).
 */
static __always_inline long bstap_snprintf_at(char *dst, long n, const char *fmt, u64 *data, u32 size)
{
	if (n < 0 || n >= BSTAP_MAXSTR - 1)
		return n;
	n &= BSTAP_M;
	long room = BSTAP_MAXSTR - n;
	long r = bpf_snprintf(dst + n, room, fmt, size ? data : NULL, size);
	if (r <= 0)
		return n;
	return n + (r - 1 < room - 1 ? r - 1 : room - 1);
}

/*
 * A printf record's string (gen.c: emit_printf_c): s with its NUL at rec + off, in a record
 * of cap bytes in scratch; the offset after it. Bounds the verifier can follow, so that the
 * record's final size is known to fit its buffer.
 */
static __always_inline u32 bstap_rec_str(char *rec, u32 off, u32 cap, const char *s)
{
	if (off > cap - BSTAP_MAXSTR)
		return off;
	long n = bpf_probe_read_kernel_str(rec + off, BSTAP_MAXSTR, s);
	if (n <= 0) {
		rec[off] = 0;
		n = 1;
	}
	if (n > BSTAP_MAXSTR)
		n = BSTAP_MAXSTR;
	return off + (u32)n;
}

static __always_inline char *bstap_concat(char *dst, const char *a, const char *b)
{
	long n = bstap_strcpy(dst, a);
	if (n < 0 || n >= BSTAP_MAXSTR - 1)
		return dst;
	n &= BSTAP_M;
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

/* ---- the standard function library (bpf/gen_funcs.c writes the calls) ---- */

/*
 * The loops below keep their state in scratch (w: BSTAP_FN_WORK bytes), not on the stack: the
 * verifier tracks no values in map memory, so it checks each callback once instead of walking
 * every iteration. bpf_loop()'s context is a stack slot holding the pointer.
 */
#define BSTAP_FN_WORK 64
struct bstap_lp {
	void *st;		/* the scalar state, in scratch */
	const char *a, *b, *c;	/* pointers stay here: loaded from map memory they are scalars */
	char *o;
};

/* A runtime error with a fixed text (site: an ERR_FAULT site); the caller unwinds. */
static __always_inline void bstap_fn_error(struct bstap_scratch *S, u32 site, const char *msg)
{
	bpf_probe_read_kernel_str(S->errmsg, BSTAP_MAXSTR, msg);
	S->err = BSTAP_UNWIND_ERROR;
	S->err_site = site;
}

/* Row i of a table of n names w bytes wide, or "" */
static __always_inline char *bstap_name(char *dst, s64 i, const char *tab, u32 n, u32 w)
{
	dst[0] = 0;
	if (i < 0 || i >= n)
		return dst;
	/* the verifier must see the bound on the very register the offset is made from */
	u32 k = (u32)i;
	asm volatile("" : "+r"(k));
	if (k < n)
		bpf_probe_read_kernel_str(dst, w, tab + (u64)k * w);
	return dst;
}

/* sprintf("%#o", v) as stap's runtime: "0" and the digits, so 0 is "00" */
static __always_inline char *bstap_octal(char *dst, u64 v)
{
	char t[32];
	int n = 0;
	dst[0] = '0';
	dst[1] = 0;
	for (int i = 0; i < 22; i++) {
		t[i] = '0' + (v & 7);
		v >>= 3;
		n = i + 1;
		if (!v)
			break;
	}
	for (int k = 0; k < 22; k++) {
		if (k >= n)
			break;
		dst[1 + k] = t[(n - 1 - k) & 31];
		dst[2 + k] = 0;
	}
	return dst;
}

/* return_str(fmt, r); name: errno_str(r) */
/* sprintf's %.Ns in a kernel probe: the first size - 1 bytes of s (size 1..BSTAP_MAXSTR) */
static __always_inline char *bstap_str_cut(char *dst, const char *s, u32 size)
{
	if (bpf_probe_read_kernel_str(dst, size, s) < 0)
		dst[0] = 0;
	return dst;
}

/*
 * An integer in base 8 or 16 as stap prints %o, %#o, %#x and %p: '#' always adds its prefix
 * (%#x of 0 is "0x0"), a zero-pad width pads with zeros after it. For sprintf in a kernel probe,
 * whose bpf_snprintf has neither %o nor '#'. dst has 96 bytes.
 */
static __noinline char *bstap_fmt_radix(char *dst, u64 x, u32 how)
{
	/* how: base (8 or 16) | 0x100 '#' | 0x200 upper case | zero-pad width << 16 */
	u32 base = how & 0xff, alt = how & 0x100, upper = how & 0x200;
	s32 zero_width = (s32)(how >> 16);
	char rev[24];
	int nd = 0;
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	for (int i = 0; i < 23; i++) {
		rev[nd++] = set[x % (base == 8 ? 8 : 16)];
		x /= base == 8 ? 8 : 16;
		if (!x)
			break;
	}
	int o = 0;
	if (alt) {
		dst[o++] = '0';
		if (base != 8)
			dst[o++] = upper ? 'X' : 'x';
	}
	int pad = zero_width - o - nd;
	for (int i = 0; i < 64 && i < pad; i++) {
		dst[o++] = '0';
		asm volatile("" ::: "memory");	/* a loop, not a memset clang cannot call */
	}
	for (int i = 0; i < 24; i++) {
		if (nd <= 0 || nd > 24 || o < 0 || o > 94)
			break;
		dst[o++] = rev[--nd];
	}
	if (o >= 0 && o < 96)
		dst[o] = 0;
	return dst;
}

static __always_inline char *bstap_return_str(char *dst, s64 fmt, s64 r, const char *name)
{
	if (r < 0 && name[0]) {
		u64 d[2] = { (u64)r, (u64)name };
		bpf_snprintf(dst, BSTAP_MAXSTR, "%lld (%s)", d, sizeof(d));
	} else if (fmt == 2) {
		u64 d[1] = { (u64)r };
		bpf_snprintf(dst, BSTAP_MAXSTR, "0x%llx", d, sizeof(d));
	} else if (fmt == 3) {
		bstap_octal(dst, (u64)r);
	} else {
		u64 d[1] = { (u64)r };
		bpf_snprintf(dst, BSTAP_MAXSTR, "%lld", d, sizeof(d));
	}
	return dst;
}

/* stap's _stp_text_str, one character per bpf_loop() step */
struct bstap_txt {
	s32 ip, op, inlen, outlen, c, esc, esc_len, esc_set, buffer;
};

static long bstap_txt_step(u32 i, void *ctx)
{
	struct bstap_lp *lp = ctx;
	struct bstap_txt *t = lp->st;
	const char *in = lp->a;
	char *o = lp->o;
	if (t->inlen <= 0)
		return 1;
	u32 p = t->ip & BSTAP_M;
	int b = (unsigned char)in[p];
	int need = 0, c = b, n = 1, size = t->inlen - 1;
	if ((b & 0xE0) == 0xC0 && size >= 1) {
		need = 2;
		c = b & 0x1F;
	} else if ((b & 0xF0) == 0xE0 && size >= 2) {
		need = 3;
		c = b & 0xF;
	} else if ((b & 0xF8) == 0xF0 && size >= 3) {
		need = 4;
		c = b & 0x7;
	}
	if (need) {
		int ok = 1;
		for (int k = 1; k < 4; k++) {
			if (k >= need)
				break;
			int b2 = (unsigned char)in[(p + k) & BSTAP_M];
			if ((b2 & 0xC0) != 0x80) {
				ok = 0;
				break;
			}
			c = (c << 6) | (b2 & 0x3F);
		}
		if (ok && !((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF || c < 0x80 ||
			    (need == 3 && c < 0x800) || (need == 4 && c < 0x10000)))
			n = need;
		else
			c = b;
	}
	t->c = c;
	if ((c == 0 && !t->buffer) || t->outlen <= 0)
		return 1;
	t->ip += n;
	t->inlen -= n;
	u32 op = t->op;
	int num, adv = 0;
	if (n > 1) {
		num = c <= 0xFFFF ? 6 : 10;
		if (!t->esc_set && t->outlen - 3 < num) {
			t->esc = op;
			t->esc_len = num;
			t->esc_set = 1;
		}
		if (t->outlen < num)
			return 1;
		o[op & BSTAP_M] = '\\';
		o[(op + 1) & BSTAP_M] = c <= 0xFFFF ? 'u' : 'U';
		for (int k = 0; k < 8; k++) {
			if (k >= num - 2)
				break;
			int nib = (c >> ((num - 3 - k) * 4)) & 0xF;
			o[(op + 2 + k) & BSTAP_M] = nib < 10 ? '0' + nib : 'A' + nib - 10;
		}
	} else if (c >= 32 && c < 127 && c != '"' && c != '\\') {
		num = 1;
		o[op & BSTAP_M] = c;
	} else {
		char l = 0;
		switch (c) {
		case '\a': l = 'a'; break;
		case '\b': l = 'b'; break;
		case '\f': l = 'f'; break;
		case '\n': l = 'n'; break;
		case '\r': l = 'r'; break;
		case '\t': l = 't'; break;
		case '\v': l = 'v'; break;
		case '"': l = '"'; break;
		case '\\': l = '\\'; break;
		}
		num = l ? 2 : 4;
		if (!t->esc_set && t->outlen - 3 < num) {
			t->esc = op;
			t->esc_len = num;
			t->esc_set = 1;
		}
		if (t->outlen < num)
			return 1;
		o[op & BSTAP_M] = '\\';
		if (l) {
			o[(op + 1) & BSTAP_M] = l;
		} else if (!c) {
			o[(op + 1) & BSTAP_M] = '0';	/* stap: "\0", counted as 4 bytes */
			adv = 2;
		} else {
			o[(op + 1) & BSTAP_M] = '0' + ((c >> 6) & 3);
			o[(op + 2) & BSTAP_M] = '0' + ((c >> 3) & 7);
			o[(op + 3) & BSTAP_M] = '0' + (c & 7);
		}
	}
	t->op = op + (adv ? adv : num);
	t->outlen -= num;
	return 0;
}

static __always_inline char *bstap_text_str(char *w, char *out, const char *in, s64 inlen,
					    s64 outlen, int quoted, int buffer)
{
	struct bstap_txt *tp = (void *)w;
	*tp = (struct bstap_txt){ .buffer = buffer };
	struct bstap_lp lp = { tp, in, 0, 0, out };
	if (inlen <= 0 || inlen > BSTAP_L)
		inlen = BSTAP_L;
	if (outlen <= 0 || outlen > BSTAP_L)
		outlen = BSTAP_L;
	if (quoted) {
		outlen = (outlen > 5 ? outlen : 5) - 2;
		out[0] = '"';
		tp->op = 1;
	}
	tp->inlen = inlen;
	tp->outlen = outlen;
	bpf_loop(BSTAP_MAXSTR, bstap_txt_step, &lp, 0);
	s32 op = tp->op;
	if (quoted) {
		if (tp->c && tp->inlen > 0) {
			s32 tr = op - 3 + tp->outlen;
			op = tp->esc_set && tp->esc < tr && tr < tp->esc + tp->esc_len ? tp->esc : tr;
			out[op & BSTAP_M] = '"';
			out[(op + 1) & BSTAP_M] = '.';
			out[(op + 2) & BSTAP_M] = '.';
			out[(op + 3) & BSTAP_M] = '.';
			op += 4;
		} else {
			out[op & BSTAP_M] = '"';
			op++;
		}
	}
	out[op & BSTAP_M] = 0;
	return out;
}

/* user_string_quoted(addr), user_string_n_quoted(addr, n[, outlen]), kernel_string_quoted(addr)
 * (user 0): stap's catch gives the address as "0x.." when the read faults (tmp: a MAXSTR buffer
 * for the raw string) */
static __always_inline char *bstap_ustr_quoted(char *w, char *out, char *tmp, u64 addr, s64 n,
					       s64 outlen, int user)
{
	u32 lim = n < 0 || n >= BSTAP_MAXSTR ? BSTAP_MAXSTR : (u32)n + 1;
	if (lim < 1)
		lim = 1;
	if (lim > BSTAP_MAXSTR)
		lim = BSTAP_MAXSTR;
	long r = user ? bpf_probe_read_user_str(tmp, lim, (const void *)addr)
		      : bpf_probe_read_kernel_str(tmp, lim, (const void *)addr);
	if (r < 0 || (!user && !addr)) {
		u64 d[1] = { addr };
		bpf_snprintf(out, BSTAP_MAXSTR, "0x%llx", d, sizeof(d));
		return out;
	}
	bstap_text_str(w, out, tmp, BSTAP_MAXSTR, BSTAP_MAXSTR, 1, 0);
	if (outlen < 0)
		return out;
	long len = bpf_probe_read_kernel_str(tmp, BSTAP_MAXSTR, out) - 1;
	if (len > outlen - 2) {
		s64 k = outlen - 4;
		if (k < 0)
			k = 0;
		if (k > len)
			k = len;
		out[k & BSTAP_M] = '"';
		out[(k + 1) & BSTAP_M] = '.';
		out[(k + 2) & BSTAP_M] = '.';
		out[(k + 3) & BSTAP_M] = '.';
		out[(k + 4) & BSTAP_M] = 0;
		out[BSTAP_L] = 0;
	}
	return out;
}

/* user_buffer_quoted(addr, inlen, outlen), kernel_buffer_quoted (user 0) */
static __always_inline char *bstap_ubuf_quoted(char *w, char *out, char *tmp, u64 addr,
					       s64 inlen, s64 outlen, int user)
{
	out[0] = 0;
	if (outlen <= 0)
		return out;
	if (outlen > BSTAP_MAXSTR)
		outlen = BSTAP_MAXSTR;
	u32 il = inlen <= 0 || inlen > BSTAP_L ? BSTAP_L : (u32)inlen;
	if (il < 1)
		il = 1;
	if (il > BSTAP_L)
		il = BSTAP_L;
	if (user ? bpf_probe_read_user(tmp, il, (const void *)addr)
		 : bpf_probe_read_kernel(tmp, il, (const void *)addr)) {
		u64 d[1] = { addr };
		bpf_snprintf(out, (u32)outlen, "0x%llx", d, sizeof(d));
		return out;
	}
	return bstap_text_str(w, out, tmp, il, outlen, 1, 1);
}

/* substr(s, start, length) */
static __always_inline char *bstap_substr(char *out, char *tmp, const char *s, s64 start, s64 length)
{
	s64 len = length + 1;
	s64 sl = bstap_strlen(tmp, s);
	out[0] = 0;
	if (len < 0)
		len = 0;
	if (len > BSTAP_MAXSTR)
		len = BSTAP_MAXSTR;
	if (start >= 0 && start < sl && len > 0)
		bpf_probe_read_kernel_str(out, (u32)len, s + (start & BSTAP_M));
	return out;
}

/* strpos(h, n): first position of n in h, or -1; one (position, matched) pair per step */
struct bstap_find {
	s32 i, j, r;
};

static long bstap_find_step(u32 k, void *ctx)
{
	struct bstap_lp *lp = ctx;
	struct bstap_find *f = lp->st;
	char nc = lp->b[f->j & BSTAP_M];
	if (!nc || f->j >= BSTAP_L) {
		f->r = f->i;
		return 1;
	}
	char hc = f->i + f->j < BSTAP_L ? lp->a[(f->i + f->j) & BSTAP_M] : 0;
	if (hc == nc) {
		f->j++;
		return 0;
	}
	if (!hc)
		return 1;
	f->i++;
	f->j = 0;
	return 0;
}

static __always_inline s64 bstap_strpos(char *w, const char *h, const char *n)
{
	struct bstap_find *f = (void *)w;
	*f = (struct bstap_find){ 0, 0, -1 };
	struct bstap_lp lp = { f, h, n, 0, 0 };
	bpf_loop(BSTAP_MAXSTR * BSTAP_MAXSTR, bstap_find_step, &lp, 0);
	return f->r;
}

/*
 * s =~ "re": a walk of the DFA prog/regex_dfa.c built when the script was compiled (a static
 * const table in the generated C). acc bit 0: a match has ended; bit 1: one ends if the
 * string ends here. States are masked so that the verifier sees every index in the table.
 */
#define BSTAP_RE_STATES 64
struct bstap_re {
	u8 next[BSTAP_RE_STATES][256];
	u8 acc[BSTAP_RE_STATES];
};

struct bstap_re_st {
	u32 st;
	s32 r;
};

static long bstap_re_step(u32 i, void *ctx)
{
	struct bstap_lp *lp = ctx;
	struct bstap_re_st *x = lp->st;
	const struct bstap_re *re = (const void *)lp->a;
	u32 st = x->st & (BSTAP_RE_STATES - 1);
	unsigned char c = lp->b[i & BSTAP_M];
	if (!c) {
		x->r = (re->acc[st] & 2) != 0;
		return 1;
	}
	st = re->next[st][c] & (BSTAP_RE_STATES - 1);
	x->st = st;
	if (re->acc[st] & 1) {
		x->r = 1;
		return 1;
	}
	return 0;
}

static __always_inline s64 bstap_re_match(char *w, const struct bstap_re *re, const char *s)
{
	struct bstap_re_st *x = (void *)w;
	*x = (struct bstap_re_st){ 0, -1 };
	if (re->acc[0] & 1)
		return 1;
	struct bstap_lp lp = { x, (const char *)re, s, 0, 0 };
	bpf_loop(BSTAP_MAXSTR, bstap_re_step, &lp, 0);
	if (x->r < 0)
		x->r = (re->acc[x->st & (BSTAP_RE_STATES - 1)] & 2) != 0;
	return x->r;
}

/* str_replace(s, search, repl): out needs MAXSTR bytes of scratch after it */
struct bstap_repl {
	s32 p, j, op;
};

static long bstap_repl_step(u32 k, void *ctx)
{
	struct bstap_lp *lp = ctx;
	struct bstap_repl *x = lp->st;
	if (x->op >= BSTAP_L)
		return 1;
	char nc = lp->b[x->j & BSTAP_M];
	if (!nc) {
		u32 op = x->op & BSTAP_M;
		long room = BSTAP_MAXSTR - op;
		if (room > 0 && room <= BSTAP_MAXSTR) {
			long r = bpf_probe_read_kernel_str(lp->o + op, room, lp->c);
			if (r > 0)
				x->op += r - 1;
		}
		x->p += x->j;
		x->j = 0;
		return 0;
	}
	char hc = x->p + x->j < BSTAP_L ? lp->a[(x->p + x->j) & BSTAP_M] : 0;
	if (hc == nc) {
		x->j++;
		return 0;
	}
	char c = x->p < BSTAP_L ? lp->a[x->p & BSTAP_M] : 0;
	if (!c)
		return 1;
	lp->o[x->op & BSTAP_M] = c;
	x->op++;
	x->p++;
	x->j = 0;
	return 0;
}

static __always_inline char *bstap_str_replace(char *w, char *out, const char *s,
					       const char *n, const char *r)
{
	if (!n[0]) {
		bstap_strcpy(out, s);
		return out;
	}
	struct bstap_repl *x = (void *)w;
	*x = (struct bstap_repl){ 0, 0, 0 };
	struct bstap_lp lp = { x, s, n, r, out };
	bpf_loop(BSTAP_MAXSTR * BSTAP_MAXSTR, bstap_repl_step, &lp, 0);
	out[x->op & BSTAP_M] = 0;
	out[BSTAP_L] = 0;
	return out;
}

/* strtol(s, base) as the kernel's simple_strtol */
struct bstap_tol {
	s32 p;
	s64 base;
	u64 v;
};

static long bstap_tol_step(u32 k, void *ctx)
{
	struct bstap_lp *lp = ctx;
	struct bstap_tol *t = lp->st;
	if (t->p >= BSTAP_L)
		return 1;
	int ch = (unsigned char)lp->a[t->p & BSTAP_M], d;
	if (ch >= '0' && ch <= '9')
		d = ch - '0';
	else if (ch >= 'a' && ch <= 'z')
		d = ch - 'a' + 10;
	else if (ch >= 'A' && ch <= 'Z')
		d = ch - 'A' + 10;
	else
		return 1;
	if (d >= t->base)
		return 1;
	t->v = t->v * (u64)t->base + (u64)d;
	t->p++;
	return 0;
}

static __always_inline int bstap_isxdigit(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static __always_inline s64 bstap_strtol(char *w, const char *s, s64 base)
{
	struct bstap_tol *t = (void *)w;
	int neg = s[0] == '-';
	u32 p = neg;
	char c0 = s[p], c1 = s[p + 1], c2 = s[p + 2];
	if (base == 0) {
		if (c0 == '0' && (c1 == 'x' || c1 == 'X') && bstap_isxdigit(c2))
			base = 16;
		else if (c0 == '0')
			base = 8;
		else
			base = 10;
	}
	if (base == 16 && c0 == '0' && (c1 == 'x' || c1 == 'X'))
		p += 2;
	*t = (struct bstap_tol){ p, base, 0 };
	struct bstap_lp lp = { t, s, 0, 0, 0 };
	bpf_loop(BSTAP_MAXSTR, bstap_tol_step, &lp, 0);
	return neg ? (s64)(0 - t->v) : (s64)t->v;
}

/* stringat(s, pos) */
static __always_inline s64 bstap_stringat(struct bstap_scratch *S, u32 site, char *tmp,
					  const char *s, s64 pos)
{
	s64 sl = bstap_strlen(tmp, s);
	if (pos >= 0 && pos < sl)
		return (s64)(s8)s[pos & BSTAP_M];
	bstap_fn_error(S, site, "Position out of bounds");
	return 0;
}

/* tokenize(input, delim): stap's strsep() loop over S->tok, empty tokens skipped */
struct bstap_tokst {
	u8 set[32];	/* the delimiters, a bit per byte value */
	s32 p, start, end;
};

static long bstap_delim_step(u32 i, void *ctx)
{
	struct bstap_lp *lp = ctx;
	struct bstap_tokst *t = lp->st;
	if (i >= BSTAP_L)
		return 1;
	u8 c = lp->b[i & BSTAP_M];
	if (!c)
		return 1;
	t->set[(c >> 3) & 31] |= 1 << (c & 7);
	return 0;
}

static long bstap_tok_step(u32 i, void *ctx)
{
	struct bstap_lp *lp = ctx;
	struct bstap_tokst *t = lp->st;
	s32 p = t->p;
	u8 c = p >= 0 && p < BSTAP_L ? lp->a[p & BSTAP_M] : 0;
	if (c && !(t->set[(c >> 3) & 31] & (1 << (c & 7)))) {
		t->p = p + 1;
		return 0;
	}
	/* a token [start, p) ends here */
	t->end = p;
	t->p = c ? p + 1 : -1;
	if (p > t->start || !c)
		return 1;
	t->start = p + 1;	/* empty: skip it */
	return 0;
}

static __always_inline char *bstap_tokenize(struct bstap_scratch *S, char *w, char *out,
					    const char *input, const char *delim)
{
	struct bstap_tokst *t = (void *)w;
	out[0] = 0;
	if (input[0]) {
		bstap_strcpy(S->tok, input);
		S->tok_pos = 0;
	}
	s32 pos = S->tok_pos;
	if (pos < 0 || pos >= BSTAP_L || !S->tok[pos & BSTAP_M]) {
		S->tok_pos = -1;
		return out;
	}
	__builtin_memset(t->set, 0, sizeof(t->set));
	t->p = pos;
	t->start = pos;
	t->end = pos;
	struct bstap_lp lp = { t, S->tok, delim, 0, 0 };
	bpf_loop(BSTAP_MAXSTR, bstap_delim_step, &lp, 0);
	bpf_loop(2 * BSTAP_MAXSTR, bstap_tok_step, &lp, 0);
	S->tok_pos = t->p;
	s32 start = t->start, len = t->end - t->start;
	u32 n = (u32)len & BSTAP_M;
	if (len > 0 && len < BSTAP_MAXSTR && start >= 0 && start < BSTAP_MAXSTR && n)
		bpf_probe_read_kernel_str(out, n + 1, S->tok + (start & BSTAP_M));
	return out;
}

/* ctime(t): "Thu Jan  1 00:00:00 1970", for t in stap's 32-bit range */
static __always_inline char *bstap_ctime(struct bstap_scratch *S, u32 site, char *dst, s64 t)
{
	static const char wdays[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char mons[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	dst[0] = 0;
	if (t > 2147483647LL) {
		bstap_fn_error(S, site, "Time too far in the future to be converted");
		return dst;
	}
	if (t < -2147483648LL) {
		bstap_fn_error(S, site, "Time too far in the past to be converted");
		return dst;
	}
	/* t moved 400 eras (160000 years) on keeps every division unsigned */
	u64 ut = (u64)(t + 400LL * 146097 * 86400);
	u64 days = ut / 86400, rem = ut % 86400;
	u64 wday = (days + 4) % 7;	/* 146097 days are whole weeks */
	/* civil date from days since 1970-01-01 (+ 400 eras), eras of 400 years */
	u64 z = days + 719468;
	u64 era = z / 146097, doe = z - era * 146097;
	u64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	u64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	u64 mp = (5 * doy + 2) / 153;
	u64 d = doy - (153 * mp + 2) / 5 + 1;
	u64 m = mp < 10 ? mp + 3 : mp - 9;
	s64 y = (s64)(yoe + era * 400) - 400LL * 400 + (m <= 2);
	u64 a[7] = { (u64)&wdays[wday % 7][0], (u64)&mons[(m - 1) % 12][0], d, rem / 3600,
		     rem % 3600 / 60, rem % 60, (u64)y };
	bpf_snprintf(dst, BSTAP_MAXSTR, "%s %s %2llu %02llu:%02llu:%02llu %lld", a, sizeof(a));
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

/* ---- task functions (bpf/gen_task.c): task_struct fields read with CO-RE ---------------- */

struct cred___bstap_task {
	struct { u32 val; } uid;
	struct { u32 val; } gid;
	struct { u32 val; } euid;
	struct { u32 val; } egid;
} __attribute__((preserve_access_index));

struct upid___bstap_task {
	int nr;
} __attribute__((preserve_access_index));

struct pid___bstap_task {
	struct upid___bstap_task numbers[1];
} __attribute__((preserve_access_index));

struct signal_struct___bstap_task {
	struct pid___bstap_task *pids[4];
} __attribute__((preserve_access_index));

struct mm_struct___bstap_task {
	unsigned long arg_start;
	unsigned long arg_end;
} __attribute__((preserve_access_index));

struct thread_info___bstap_task {
	u32 cpu;
} __attribute__((preserve_access_index));

struct task_struct___bstap_task {
	struct thread_info___bstap_task thread_info;
	unsigned int __state;
	int prio;
	int static_prio;
	int pid;
	int tgid;
	char comm[16];
	struct task_struct___bstap_task *real_parent;
	const struct cred___bstap_task *real_cred;
	struct signal_struct___bstap_task *signal;
	struct mm_struct___bstap_task *mm;
} __attribute__((preserve_access_index));

/* stap's kread() fault: a runtime error at the call (site); the caller unwinds. */
static __always_inline void bstap_kread_fault(struct bstap_scratch *S, u32 site, u64 addr)
{
	u64 args[1] = { addr };
	bpf_snprintf(S->errmsg, BSTAP_MAXSTR, "kernel read fault at 0x%016llx [man error::fault]",
		     args, sizeof(args));
	S->err = BSTAP_UNWIND_ERROR;
	S->err_site = site;
}

/* A field of task t (a kernel address as a long), or a fault at site. */
#define BSTAP_TASK_FIELD(S, site, t, field) ({						\
	struct task_struct___bstap_task *_tk = (void *)(u64)(t);			\
	typeof(_tk->field) _fv = 0;							\
	if (bpf_core_read(&_fv, sizeof(_fv), &_tk->field))				\
		bstap_kread_fault(S, site, (u64)&_tk->field);				\
	_fv; })

/* task_state: __state since 5.14, state (a long) before */
struct task_struct___bstap_old {
	long state;
} __attribute__((preserve_access_index));

static __always_inline s64 bstap_task_state(struct bstap_scratch *S, u32 site, s64 t)
{
	struct task_struct___bstap_task *tk = (void *)(u64)t;
	if (bpf_core_field_exists(tk->__state))
		return (s64)BSTAP_TASK_FIELD(S, site, t, __state);
	struct task_struct___bstap_old *to = (void *)(u64)t;
	long v = 0;
	if (bpf_core_read(&v, sizeof(v), &to->state))
		bstap_kread_fault(S, site, (u64)&to->state);
	return (s64)v;
}

/* thread_info.cpu where the thread_info is in the task (x86-64), else the task's own cpu */
struct task_struct___bstap_cpu {
	unsigned int cpu;
} __attribute__((preserve_access_index));

static __always_inline s64 bstap_task_cpu(struct bstap_scratch *S, u32 site, s64 t)
{
	struct task_struct___bstap_task *tk = (void *)(u64)t;
	if (bpf_core_field_exists(tk->thread_info.cpu))
		return (s64)BSTAP_TASK_FIELD(S, site, t, thread_info.cpu);
	struct task_struct___bstap_cpu *tc = (void *)(u64)t;
	unsigned int v = 0;
	if (bpf_core_read(&v, sizeof(v), &tc->cpu))
		bstap_kread_fault(S, site, (u64)&tc->cpu);
	return (s64)v;
}

/* which: 0 uid, 1 gid, 2 euid, 3 egid of the task's real (objective) credentials */
static __always_inline s64 bstap_task_cred(struct bstap_scratch *S, u32 site, s64 t, int which)
{
	const struct cred___bstap_task *c = BSTAP_TASK_FIELD(S, site, t, real_cred);
	u32 v = 0;
	long r;
	if (S->err)
		return 0;
	if (which == 0)
		r = bpf_core_read(&v, sizeof(v), &c->uid.val);
	else if (which == 1)
		r = bpf_core_read(&v, sizeof(v), &c->gid.val);
	else if (which == 2)
		r = bpf_core_read(&v, sizeof(v), &c->euid.val);
	else
		r = bpf_core_read(&v, sizeof(v), &c->egid.val);
	if (r)
		bstap_kread_fault(S, site, (u64)c);
	return (s64)v;
}

static __always_inline char *bstap_task_comm(struct bstap_scratch *S, u32 site, char *dst, s64 t)
{
	struct task_struct___bstap_task *tk = (void *)(u64)t;
	if (bpf_core_read_str(dst, 16, &tk->comm) < 0) {
		dst[0] = 0;
		bstap_kread_fault(S, site, (u64)&tk->comm);
	}
	return dst;
}

/* sid() (type 3, PIDTYPE_SID) and pgrp() (2, PIDTYPE_PGID) of the current task */
static __always_inline s64 bstap_cur_pidtype(int type)
{
	struct task_struct___bstap_task *t = (void *)bpf_get_current_task();
	struct pid___bstap_task *p = type == 3 ? BPF_CORE_READ(t, signal, pids[3]) :
		BPF_CORE_READ(t, signal, pids[2]);
	return p ? (s64)BPF_CORE_READ(p, numbers[0].nr) : 0;
}

/* 0 uid, 1 gid, 2 euid, 3 egid of the current task */
static __always_inline s64 bstap_cur_cred(int which)
{
	struct task_struct___bstap_task *t = (void *)bpf_get_current_task();
	const struct cred___bstap_task *c = BPF_CORE_READ(t, real_cred);
	if (which == 0)
		return BPF_CORE_READ(c, uid.val);
	if (which == 1)
		return BPF_CORE_READ(c, gid.val);
	if (which == 2)
		return BPF_CORE_READ(c, euid.val);
	return BPF_CORE_READ(c, egid.val);
}

static __always_inline char *bstap_pexecname(char *dst)
{
	struct task_struct___bstap_task *t = (void *)bpf_get_current_task();
	struct task_struct___bstap_task *p = BPF_CORE_READ(t, real_parent);
	if (!p || bpf_core_read_str(dst, 16, &p->comm) < 0)
		dst[0] = 0;
	return dst;
}

/*
 * The current task's command line (mm->arg_start..arg_end, user memory), at most MAXSTR - 1
 * bytes, into buf; its length (0: none, a kernel thread, or a fault: stap's user_string2
 * default "").
 */
static __always_inline u32 bstap_cmdline_raw(char *buf)
{
	struct task_struct___bstap_task *t = (void *)bpf_get_current_task();
	struct mm_struct___bstap_task *mm = BPF_CORE_READ(t, mm);
	buf[0] = 0;
	if (!mm)
		return 0;
	u64 start = BPF_CORE_READ(mm, arg_start), end = BPF_CORE_READ(mm, arg_end);
	if (!start || end <= start)
		return 0;
	u64 len = end - start;
	if (len > BSTAP_L)
		len = BSTAP_L;
	if (bpf_probe_read_user(buf, (u32)len & BSTAP_M, (const void *)start)) {
		buf[0] = 0;
		return 0;
	}
	buf[len & BSTAP_M] = 0;
	return (u32)len;
}

struct bstap_cmdst {
	s32 len, n, at, start;
};

/* cmdline_arg(n): argument n (0: the program), "" past the last */
static long bstap_cmdarg_step(u32 i, void *ctx)
{
	struct bstap_lp *lp = ctx;
	struct bstap_cmdst *st = lp->st;
	if ((s32)i >= st->len)
		return 1;
	if (st->at == st->n) {
		st->start = (s32)i;
		return 1;
	}
	if (lp->a[i & BSTAP_M] == 0)
		st->at++;
	return 0;
}

static __always_inline char *bstap_cmdline_arg(void *w, char *out, char *tmp, s64 n)
{
	struct bstap_cmdst *st = w;
	out[0] = 0;
	st->len = (s32)bstap_cmdline_raw(tmp);
	if (n < 0 || n > BSTAP_MAXSTR)
		return out;
	st->n = (s32)n;
	st->at = 0;
	st->start = -1;
	struct bstap_lp lp = { .st = st, .a = tmp };
	bpf_loop(BSTAP_MAXSTR, bstap_cmdarg_step, &lp, 0);
	if (st->start >= 0 && st->start < st->len)
		bpf_probe_read_kernel_str(out, BSTAP_MAXSTR, tmp + (st->start & BSTAP_M));
	return out;
}

/* ---- dentry functions (bpf/gen_dentry.c): SystemTap's dentry.stp ------------------------
 * A path is walked from the dentry up: d_parent to its mount's root, then across mounts
 * (struct mount, the vfsmount's container: mnt_mountpoint in mnt_parent) up to the task's
 * fs->root, as the kernel's d_path. The walk keeps the dentries it passes in a ring of
 * BSTAP_DP_RING (the nearest the root last); a second loop writes their names left to right,
 * so a path longer than a string keeps its first MAXSTR - 1 bytes, as stap's cut does. At most
 * BSTAP_DP_MAXDEPTH levels: a deeper chain (or a loop in a damaged one) gives "<unknown>". */
#define BSTAP_DP_RING (BSTAP_STRBUF / 2)	/* a name and its '/' take two bytes or more */
#define BSTAP_DP_MAXDEPTH 4096
#define BSTAP_DP_MAXMOUNTS 1024	/* inode_path(): mounts of a superblock searched */

struct qstr___bstap_d {
	u32 len;
	unsigned char *name;
} __attribute__((preserve_access_index));

struct dentry_operations___bstap_d {
	void *d_dname;
} __attribute__((preserve_access_index));

struct super_block___bstap_d {
	unsigned long s_magic;
	struct mount___bstap_d *s_mounts;	/* 6.x: a list through mnt_next_for_sb */
} __attribute__((preserve_access_index));

struct list_head___bstap_d {
	struct list_head___bstap_d *next;
} __attribute__((preserve_access_index));

struct super_block___bstap_old {
	struct list_head___bstap_d s_mounts;	/* before: a list_head through mnt_instance */
} __attribute__((preserve_access_index));

struct inode___bstap_d {
	unsigned long i_ino;
	struct super_block___bstap_d *i_sb;
	void *i_private;
	struct {
		void *first;
	} i_dentry;
} __attribute__((preserve_access_index));

struct hlist_node___bstap_d {
	void *next;
} __attribute__((preserve_access_index));

struct dentry___bstap_d {
	struct dentry___bstap_d *d_parent;
	struct qstr___bstap_d d_name;
	struct inode___bstap_d *d_inode;
	struct dentry_operations___bstap_d *d_op;
	union {
		struct hlist_node___bstap_d d_alias;
	} d_u;
} __attribute__((preserve_access_index));

struct dentry___bstap_old {
	struct hlist_node___bstap_d d_alias;
} __attribute__((preserve_access_index));

struct vfsmount___bstap_d {
	struct dentry___bstap_d *mnt_root;
	struct super_block___bstap_d *mnt_sb;
} __attribute__((preserve_access_index));

struct mount___bstap_d {
	struct mount___bstap_d *mnt_parent;
	struct dentry___bstap_d *mnt_mountpoint;
	struct vfsmount___bstap_d mnt;
	void *mnt_ns;
	struct mount___bstap_d *mnt_next_for_sb;
} __attribute__((preserve_access_index));

struct mount___bstap_old {
	struct list_head___bstap_d mnt_instance;
} __attribute__((preserve_access_index));

struct path___bstap_d {
	struct vfsmount___bstap_d *mnt;
	struct dentry___bstap_d *dentry;
} __attribute__((preserve_access_index));

struct fs_struct___bstap_d {
	struct path___bstap_d root;
} __attribute__((preserve_access_index));

struct nsproxy___bstap_d {
	void *mnt_ns;
} __attribute__((preserve_access_index));

struct task_struct___bstap_d {
	struct fs_struct___bstap_d *fs;
	struct nsproxy___bstap_d *nsproxy;
} __attribute__((preserve_access_index));

struct file___bstap_d {
	struct path___bstap_d f_path;
} __attribute__((preserve_access_index));

struct nameidata___bstap_d {
	struct path___bstap_d path;
} __attribute__((preserve_access_index));

struct proc_ns_operations___bstap_d {
	char *name;
} __attribute__((preserve_access_index));

struct ns_common___bstap_d {
	struct proc_ns_operations___bstap_d *ops;
} __attribute__((preserve_access_index));

/* The walk's state, in scratch (gen_dentry.c allocates BSTAP_DP_SIZE bytes) */
struct bstap_dpath {
	u64 d, vm, m;	/* the dentry, its vfsmount and struct mount */
	u64 rd, rm;	/* the task's root dentry and vfsmount (the searched mnt_ns, list head) */
	u64 fault;	/* the address a read faulted at */
	s32 st;		/* 0 walking, 1 done, 2 "<unknown>", 3 a fault */
	s32 n;		/* dentries recorded in ring */
	s32 mounts;	/* 1: across mounts to the root (task_dentry_path); 0: to the fs root */
	s32 pos;	/* the result's length */
	s64 a, b, c;	/* the call's arguments */
	u32 which;	/* the function: its place after B_TASK_DENTRY_PATH (prog/builtins.h) */
	u32 site;	/* where a fault is reported */
	u64 ring[BSTAP_DP_RING];
};
#define BSTAP_DP_SIZE (96 + 4 * BSTAP_STRBUF)
_Static_assert(sizeof(struct bstap_dpath) == BSTAP_DP_SIZE, "bstap_dpath's size");

/* A kernel read at p (a CO-RE relocated address); the first fault is recorded in st */
#define BSTAP_DP_RD(st, p) ({								\
	typeof(*(p)) _dv = 0;								\
	if (bpf_core_read(&_dv, sizeof(_dv), (p)) && (st)->st != 3) {			\
		(st)->fault = (u64)(p);							\
		(st)->st = 3;								\
	}										\
	_dv; })

static long bstap_dp_step(u32 i, void *ctx)
{
	struct bstap_lp *lp = ctx;
	struct bstap_dpath *st = lp->st;
	struct dentry___bstap_d *d = (void *)st->d;
	if (st->mounts) {
		if (st->d == st->rd && st->vm == st->rm) {
			st->st = 1;
			return 1;
		}
		struct vfsmount___bstap_d *vm = (void *)st->vm;
		u64 parent = (u64)BSTAP_DP_RD(st, &d->d_parent);
		u64 mroot = (u64)BSTAP_DP_RD(st, &vm->mnt_root);
		if (st->st)
			return 1;
		if (st->d == mroot || st->d == parent) {
			if (st->d != mroot) {	/* escaped its mount */
				st->st = 2;
				return 1;
			}
			struct mount___bstap_d *m = (void *)st->m;
			u64 mp = (u64)BSTAP_DP_RD(st, &m->mnt_parent);
			u64 point = (u64)BSTAP_DP_RD(st, &m->mnt_mountpoint);
			if (st->st)
				return 1;
			if (mp == st->m) {	/* the global root */
				st->st = 1;
				return 1;
			}
			if (!mp) {
				st->st = 2;
				return 1;
			}
			st->d = point;
			st->m = mp;
			st->vm = mp + bpf_core_field_offset(struct mount___bstap_d, mnt);
			return 0;
		}
		st->ring[(u32)st->n & (BSTAP_DP_RING - 1)] = st->d;
		st->n++;
		st->d = parent;
		return 0;
	}
	/* reverse_path_walk: this dentry, then up while the parent is not a root */
	u64 parent = (u64)BSTAP_DP_RD(st, &d->d_parent);
	if (st->st)
		return 1;
	st->ring[(u32)st->n & (BSTAP_DP_RING - 1)] = st->d;
	st->n++;
	struct dentry___bstap_d *p = (void *)parent;
	u64 pp = (u64)BSTAP_DP_RD(st, &p->d_parent);
	if (st->st)
		return 1;
	if (pp == parent) {
		st->st = 1;
		return 1;
	}
	st->d = parent;
	return 0;
}

/* The recorded names, root side first: "/a/b" (mounts) or "a/b" */
static long bstap_dp_put(u32 i, void *ctx)
{
	struct bstap_lp *lp = ctx;
	struct bstap_dpath *st = lp->st;
	if ((s32)i >= st->n || st->pos >= BSTAP_L)
		return 1;
	struct dentry___bstap_d *d = (void *)st->ring[(u32)(st->n - 1 - (s32)i) & (BSTAP_DP_RING - 1)];
	if (i || st->mounts) {
		lp->o[(u32)st->pos & BSTAP_M] = '/';
		st->pos++;
		if (st->pos >= BSTAP_L)
			return 1;
	}
	u32 len = BSTAP_DP_RD(st, &d->d_name.len);
	unsigned char *nm = BSTAP_DP_RD(st, &d->d_name.name);
	if (st->st == 3)
		return 1;
	u32 room = BSTAP_L - (u32)st->pos;
	if (len > room)
		len = room;
	if (bpf_probe_read_kernel(lp->o + ((u32)st->pos & BSTAP_M), len & BSTAP_M, nm)) {
		st->fault = (u64)nm;
		st->st = 3;
		return 1;
	}
	st->pos += (s32)len;
	return 0;
}

/* Walks from st->d (st->mounts, st->vm, st->m, st->rd, st->rm set) and writes the path */
static __always_inline void bstap_dp_walk(struct bstap_dpath *st, char *out)
{
	struct bstap_lp lp = { .st = st, .o = out };
	st->n = 0;
	st->pos = 0;
	bpf_loop(BSTAP_DP_MAXDEPTH, bstap_dp_step, &lp, 0);
	if (st->st == 0)
		st->st = 2;	/* deeper than BSTAP_DP_MAXDEPTH */
	if (st->st != 1)
		return;
	bpf_loop(BSTAP_DP_RING, bstap_dp_put, &lp, 0);	/* the ring's, the root's side first */
	if (st->st == 3)
		return;
	if (st->pos == 0) {	/* the root itself */
		out[0] = '/';
		st->pos = 1;
	}
	out[(u32)st->pos & BSTAP_M] = 0;
}

#define BSTAP_SOCKFS_MAGIC 0x534F434B
#define BSTAP_PIPEFS_MAGIC 0x50495045
#define BSTAP_ANON_INODE_FS_MAGIC 0x09041934
#define BSTAP_NSFS_MAGIC 0x6e736673

/* A dentry of a filesystem that names its own (d_op->d_dname) and is not a mount's root:
 * stap's fixed names for sockets, pipes, anonymous inodes and namespaces; 1 if written */
static __always_inline int bstap_dp_synthetic(struct bstap_dpath *st, char *out)
{
	struct dentry___bstap_d *d = (void *)st->d;
	struct vfsmount___bstap_d *vm = (void *)st->vm;
	struct dentry_operations___bstap_d *op = BSTAP_DP_RD(st, &d->d_op);
	if (st->st || !op)
		return 0;
	void *dn = BSTAP_DP_RD(st, &op->d_dname);
	if (st->st || !dn)
		return 0;
	u64 parent = (u64)BSTAP_DP_RD(st, &d->d_parent);
	u64 mroot = (u64)BSTAP_DP_RD(st, &vm->mnt_root);
	if (st->st || (parent == st->d && st->d == mroot))
		return 0;
	struct super_block___bstap_d *sb = BSTAP_DP_RD(st, &vm->mnt_sb);
	if (st->st)
		return 0;
	unsigned long magic = BSTAP_DP_RD(st, &sb->s_magic);
	struct inode___bstap_d *ino = BSTAP_DP_RD(st, &d->d_inode);
	if (st->st)
		return 0;
	u64 args[2] = { 0, 0 };
	long r;
	if (magic == BSTAP_SOCKFS_MAGIC || magic == BSTAP_PIPEFS_MAGIC) {
		args[0] = BSTAP_DP_RD(st, &ino->i_ino);
		if (st->st)
			return 0;
		if (magic == BSTAP_SOCKFS_MAGIC)
			r = bpf_snprintf(out, BSTAP_MAXSTR, "socket:[%lu]", args, 8);
		else
			r = bpf_snprintf(out, BSTAP_MAXSTR, "pipe:[%lu]", args, 8);
	} else if (magic == BSTAP_ANON_INODE_FS_MAGIC) {
		args[0] = (u64)BSTAP_DP_RD(st, &d->d_name.name);
		if (st->st)
			return 0;
		r = bpf_snprintf(out, BSTAP_MAXSTR, "ANON_INODE:%s", args, 8);
	} else if (magic == BSTAP_NSFS_MAGIC) {
		/* the inode's i_private is its namespace's ns_common (the dentry's d_fsdata was
		 * its proc_ns_operations before 6.9, as stap's tapset reads it, and is not now) */
		struct ns_common___bstap_d *ns = BSTAP_DP_RD(st, &ino->i_private);
		if (st->st)
			return 0;
		struct proc_ns_operations___bstap_d *ops = BSTAP_DP_RD(st, &ns->ops);
		if (st->st)
			return 0;
		args[0] = (u64)BSTAP_DP_RD(st, &ops->name);
		args[1] = BSTAP_DP_RD(st, &ino->i_ino);
		if (st->st)
			return 0;
		r = bpf_snprintf(out, BSTAP_MAXSTR, "%s:[%lu]", args, 16);
	} else {
		args[0] = st->d;
		r = bpf_snprintf(out, BSTAP_MAXSTR, "UNKNOWN:[0x%016llx]", args, 8);
	}
	st->pos = r > 0 && r <= BSTAP_MAXSTR ? (s32)r - 1 : 0;
	return 1;
}

static __always_inline void bstap_dp_unknown(struct bstap_dpath *st, char *out)
{
	__builtin_memcpy(out, "<unknown>", 10);
	st->pos = 9;
}

/* task_dentry_path(task, dentry, vfsmnt) into out (2 * MAXSTR bytes) */
static __always_inline void bstap_dp_task_path(struct bstap_dpath *st, char *out, s64 task,
					       s64 dentry, s64 vfsmnt)
{
	st->mounts = 1;
	st->d = (u64)dentry;
	st->vm = (u64)vfsmnt;
	st->pos = 0;
	if (bstap_dp_synthetic(st, out) || st->st)
		return;
	struct task_struct___bstap_d *t = (void *)task;
	struct fs_struct___bstap_d *fs = BSTAP_DP_RD(st, &t->fs);
	if (st->st)
		return;
	st->rd = (u64)BSTAP_DP_RD(st, &fs->root.dentry);
	st->rm = (u64)BSTAP_DP_RD(st, &fs->root.mnt);
	if (st->st)
		return;
	u64 off = bpf_core_field_offset(struct mount___bstap_d, mnt);	/* real_mount() */
	if (!(vfsmnt < 0 || (u64)vfsmnt > off)) {
		bstap_dp_unknown(st, out);
		return;
	}
	st->m = (u64)vfsmnt - off;
	bstap_dp_walk(st, out);
	if (st->st == 2)
		bstap_dp_unknown(st, out);
}

static __always_inline void bstap_dp_reverse_walk(struct bstap_dpath *st, char *out, s64 dentry)
{
	st->mounts = 0;
	st->d = (u64)dentry;
	bstap_dp_walk(st, out);
	if (st->st == 2)
		bstap_dp_unknown(st, out);
}

/* inode_name()/inode_path(): the first dentry of the inode's alias list */
static __always_inline u64 bstap_dp_inode_dentry(struct bstap_dpath *st, s64 inode)
{
	struct inode___bstap_d *in = (void *)inode;
	u64 first = (u64)BSTAP_DP_RD(st, &in->i_dentry.first);
	if (bpf_core_field_exists(((struct dentry___bstap_d *)0)->d_u.d_alias))
		return first - bpf_core_field_offset(struct dentry___bstap_d, d_u.d_alias);
	return first - bpf_core_field_offset(struct dentry___bstap_old, d_alias);
}

/* The superblock's mount in mount namespace st->rd: st->vm (0: none) */
static long bstap_dp_mount_step(u32 i, void *ctx)
{
	struct bstap_lp *lp = ctx;
	struct bstap_dpath *st = lp->st;
	struct mount___bstap_d *m = (void *)st->m;
	if (!st->m)
		return 1;
	u64 ns = (u64)BSTAP_DP_RD(st, &m->mnt_ns);
	if (st->st)
		return 1;
	if (ns == st->rd) {
		st->vm = st->m + bpf_core_field_offset(struct mount___bstap_d, mnt);
		return 1;
	}
	if (bpf_core_field_exists(m->mnt_next_for_sb)) {
		st->m = (u64)BSTAP_DP_RD(st, &m->mnt_next_for_sb);
		return 0;
	}
	struct mount___bstap_old *mo = (void *)st->m;
	u64 next = (u64)BSTAP_DP_RD(st, &mo->mnt_instance.next);
	st->m = next == st->rm ? 0 : next - bpf_core_field_offset(struct mount___bstap_old, mnt_instance);
	return 0;
}

static __always_inline void bstap_dp_inode_path(struct bstap_dpath *st, char *out, s64 inode)
{
	u64 d = bstap_dp_inode_dentry(st, inode);
	struct inode___bstap_d *in = (void *)inode;
	struct task_struct___bstap_d *t = (void *)bpf_get_current_task();
	struct nsproxy___bstap_d *nsp = BSTAP_DP_RD(st, &t->nsproxy);
	struct super_block___bstap_d *sb = BSTAP_DP_RD(st, &in->i_sb);
	if (st->st)
		return;
	st->rd = (u64)BSTAP_DP_RD(st, &nsp->mnt_ns);
	if (st->st)
		return;
	st->vm = 0;
	if (bpf_core_field_exists(sb->s_mounts)) {
		st->m = (u64)BSTAP_DP_RD(st, &sb->s_mounts);
	} else {
		struct super_block___bstap_old *so = (void *)sb;
		st->rm = (u64)&so->s_mounts;
		u64 first = (u64)BSTAP_DP_RD(st, &so->s_mounts.next);
		st->m = first == st->rm ? 0 :
			first - bpf_core_field_offset(struct mount___bstap_old, mnt_instance);
	}
	if (st->st)
		return;
	struct bstap_lp lp = { .st = st };
	bpf_loop(BSTAP_DP_MAXMOUNTS, bstap_dp_mount_step, &lp, 0);
	if (st->st)
		return;
	u64 vm = st->vm;
	if (vm)
		bstap_dp_task_path(st, out, (s64)t, (s64)d, (s64)vm);
	else	/* no mount in this namespace: the path within its filesystem, as stap */
		bstap_dp_reverse_walk(st, out, (s64)d);
}

/* real_mount(vfsmnt): its struct mount, 0 if the address cannot be one */
static __always_inline s64 bstap_real_mount(s64 v)
{
	u64 off = bpf_core_field_offset(struct mount___bstap_d, mnt);
	return v < 0 || (u64)v > off ? v - (s64)off : 0;
}

/* The dentry function st->which of st->a, st->b, st->c into out (2 * MAXSTR bytes of scratch),
 * a subprogram of its own (its loops' contexts stay off the caller's stack). A fault is a
 * runtime error at st->site. */
static __noinline void bstap_dentry_fn(struct bstap_scratch *S, struct bstap_dpath *st, char *out)
{
	s64 cur = (s64)bpf_get_current_task();
	u32 which = st->which;
	s64 a = st->a, b = st->b, c = st->c;
	st->st = 0;
	st->pos = 0;
	st->fault = 0;
	out[0] = 0;
	if (which == 0) {	/* task_dentry_path(task, dentry, vfsmnt) */
		bstap_dp_task_path(st, out, a, b, c);
	} else if (which == 1) {	/* d_name(dentry) */
		struct dentry___bstap_d *d = (void *)a;
		u32 len = BSTAP_DP_RD(st, &d->d_name.len);
		unsigned char *nm = BSTAP_DP_RD(st, &d->d_name.name);
		u32 lim = len < BSTAP_L ? len : BSTAP_L;
		barrier_var(lim);	/* bounded where the verifier sees it (6.1's too) */
		lim = (lim & BSTAP_M) + 1;
		if (!st->st && bpf_probe_read_kernel_str(out, lim, nm) < 0) {
			st->fault = (u64)nm;
			st->st = 3;
		}
	} else if (which == 2) {	/* reverse_path_walk(dentry) */
		bstap_dp_reverse_walk(st, out, a);
	} else if (which == 3) {	/* inode_name(inode) */
		u64 d = bstap_dp_inode_dentry(st, a);
		if (!st->st)
			bstap_dp_reverse_walk(st, out, (s64)d);
	} else if (which == 4) {	/* inode_path(inode) */
		bstap_dp_inode_path(st, out, a);
	} else if (which == 5 || which == 6) {	/* d_path(nd), fullpath_struct_nameidata(nd) */
		struct nameidata___bstap_d *nd = (void *)a;
		s64 d = (s64)BSTAP_DP_RD(st, &nd->path.dentry);
		s64 m = (s64)BSTAP_DP_RD(st, &nd->path.mnt);
		if (!st->st)
			bstap_dp_task_path(st, out, cur, d, m);
		if (st->st != 3) {
			if (st->pos >= 0 && st->pos < BSTAP_L) {
				out[(u32)st->pos & BSTAP_M] = '/';
				out[(u32)(st->pos + 1) & BSTAP_M] = 0;
			}
		}
	} else if (which == 7) {	/* fullpath_struct_path(path) */
		struct path___bstap_d *p = (void *)a;
		s64 d = (s64)BSTAP_DP_RD(st, &p->dentry);
		s64 m = (s64)BSTAP_DP_RD(st, &p->mnt);
		if (!st->st)
			bstap_dp_task_path(st, out, cur, d, m);
	} else if (which == 8) {	/* fullpath_struct_file(task, file) */
		struct file___bstap_d *f = (void *)b;
		s64 d = (s64)BSTAP_DP_RD(st, &f->f_path.dentry);
		s64 m = (s64)BSTAP_DP_RD(st, &f->f_path.mnt);
		if (!st->st)
			bstap_dp_task_path(st, out, a, d, m);
	}
	if (st->st == 3) {
		out[0] = 0;
		bstap_kread_fault(S, st->site, st->fault);
	}
}

#ifdef BSTAP_INDENT	/* the program calls thread_indent(): its task-local map */
/* thread_indent(delta): stap's indent.stp, per thread, over gettimeofday_us() */
struct bstap_indent_val {
	s64 count;
	s64 ts;
};

/* per task, allocated on first use and freed with the task: costs nothing when unused */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct bstap_indent_val);
} bstap_indent SEC(".maps");

struct bstap_indentst {
	s64 n;
	s32 at;
};

static long bstap_indent_step(u32 i, void *ctx)
{
	struct bstap_lp *lp = ctx;
	struct bstap_indentst *st = lp->st;
	if ((s64)i >= st->n || st->at >= BSTAP_L)
		return 1;
	lp->o[st->at & BSTAP_M] = ' ';
	st->at++;
	return 0;
}

static __always_inline char *bstap_thread_indent(void *w, char *out, s64 delta)
{
	struct bstap_indentst *st = w;
	u32 tid = (u32)bpf_get_current_pid_tgid();
	s64 ts = bstap_div(bstap_realtime_ns(), 1000);
	struct bstap_indent_val *v = bpf_task_storage_get(&bstap_indent, bpf_get_current_task_btf(),
							  0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	s64 count = v ? v->count : 0, start = v ? v->ts : ts;
	if (!count)
		start = ts;
	s64 x = count + (delta > 0 ? delta : 0);
	if (v) {
		v->ts = start;
		v->count = count + delta;
	}
	char comm[16];
	if (bpf_get_current_comm(comm, sizeof(comm)))
		comm[0] = 0;
	u64 args[3] = { (u64)(ts - start), (u64)comm, tid };
	long n = bpf_snprintf(out, BSTAP_MAXSTR, "%6lld %s(%d):", args, sizeof(args));
	st->at = n > 0 ? (s32)(n - 1) : 0;
	st->n = x < 0 ? -x : x;
	struct bstap_lp lp = { .st = st, .o = out };
	bpf_loop(BSTAP_MAXSTR, bstap_indent_step, &lp, 0);
	out[st->at & BSTAP_M] = 0;
	return out;
}
#endif

/*
 * pid2task(pid) and pid2execname(pid), as stap's pid_task(find_vpid(pid), PIDTYPE_PID), without
 * the bpf_task_from_pid kfunc (which the kernel refuses to tracepoint, kprobe and perf event
 * programs): a lookup of the pid in the initial pid namespace's IDR (an xarray, the kernel's
 * own pid table, that find_vpid reads), then the first task of that struct pid. It costs one
 * read per level of the xarray (at most BSTAP_PID_LEVELS: pids up to 2^22 need 4 levels of 64
 * slots), not one per task. The namespace is the current task's level-0 one (init_pid_ns), the
 * one whose numbers pid() and tid() give. Unlocked reads, as stap's: a pid that is being freed
 * may give 0. 0 when there is no such task, and always on kernels older than 4.20.
 */
struct xarray___bstap_pid {
	void *xa_head;
} __attribute__((preserve_access_index));

struct idr___bstap_pid {
	struct xarray___bstap_pid idr_rt;
	unsigned int idr_base;
} __attribute__((preserve_access_index));

struct pid_namespace___bstap_pid {
	struct idr___bstap_pid idr;
} __attribute__((preserve_access_index));

struct upid___bstap_pid {
	int nr;
	struct pid_namespace___bstap_pid *ns;
} __attribute__((preserve_access_index));

struct hlist_node___bstap_pid {
	struct hlist_node___bstap_pid *next;
} __attribute__((preserve_access_index));

struct hlist_head___bstap_pid {
	struct hlist_node___bstap_pid *first;
} __attribute__((preserve_access_index));

struct pid___bstap_pid {
	struct hlist_head___bstap_pid tasks[4];
	struct upid___bstap_pid numbers[1];
} __attribute__((preserve_access_index));

struct xa_node___bstap_pid {
	unsigned char shift;
	void *slots[64];
} __attribute__((preserve_access_index));

struct task_struct___bstap_pid {
	struct pid___bstap_pid *thread_pid;
	struct hlist_node___bstap_pid pid_links[4];
} __attribute__((preserve_access_index));

#define BSTAP_PID_LEVELS 8

static __always_inline s64 bstap_pid2task(s64 nr)
{
	struct task_struct___bstap_pid *cur = (void *)bpf_get_current_task();
	struct xa_node___bstap_pid *xn = 0;
	struct pid_namespace___bstap_pid *ns;
	struct pid___bstap_pid *pid;
	if (nr <= 0 || nr > 0x7fffffff)
		return 0;
	/* kernels before 4.20 (no thread_pid, pid_links, xarray): none found */
	if (!bpf_core_field_exists(cur->thread_pid) || !bpf_core_field_exists(cur->pid_links) ||
	    !bpf_core_type_exists(struct xa_node___bstap_pid))
		return 0;
	pid = BPF_CORE_READ(cur, thread_pid);
	ns = pid ? BPF_CORE_READ(pid, numbers[0].ns) : 0;
	if (!ns)
		return 0;
	u64 base = BPF_CORE_READ(ns, idr.idr_base);
	if ((u64)nr < base)
		return 0;
	u64 index = (u64)nr - base;
	u64 e = (u64)BPF_CORE_READ(ns, idr.idr_rt.xa_head);
	u64 soff = bpf_core_field_offset(xn->slots);
	u64 mask = bpf_core_field_size(xn->slots) / sizeof(void *) - 1;	/* XA_CHUNK_MASK */
	for (int lvl = 0; lvl < BSTAP_PID_LEVELS; lvl++) {
		if ((e & 3) != 2 || e <= 4096) {	/* not a node (xa_is_node): an entry */
			if (lvl == 0 && index)
				e = 0;	/* a lone entry is index 0's */
			break;
		}
		xn = (void *)(e - 2);	/* xa_to_node */
		unsigned char shift = BPF_CORE_READ(xn, shift);
		if (lvl == 0 && (index >> shift) > mask)
			return 0;	/* beyond the tree */
		u64 off = (index >> shift) & mask;
		e = 0;
		if (bpf_probe_read_kernel(&e, sizeof(e), (void *)((u64)xn + soff + off * 8)))
			return 0;
		if (!shift)
			break;
	}
	if (!e || (e & 3))	/* a value or an internal entry (retry, zero): no pid */
		return 0;
	pid = (void *)e;
	struct hlist_node___bstap_pid *first = BPF_CORE_READ(pid, tasks[0].first);
	if (!first)
		return 0;
	return (s64)((u64)first - bpf_core_field_offset(cur->pid_links));
}

static __always_inline char *bstap_pid2execname(char *dst, s64 pid)
{
	struct task_struct___bstap_task *tk = (void *)bstap_pid2task(pid);
	dst[0] = 0;
	if (tk && bpf_core_read_str(dst, 16, &tk->comm) < 0)
		dst[0] = 0;
	return dst;
}

/* ---- end of task functions -------------------------------------------------------------- */

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

/* x <<< v; with var, Welford's integer terms scaled by 'shift' bits, as stap's runtime. */
static __always_inline void bstap_stat_addv(struct bstap_stat *st, s64 v, u32 shift, int var)
{
	if (st->count == 0) {
		st->avg_s = bstap_shl(v, shift);
		st->m2 = 0;
	} else if (var) {
		s64 vs = bstap_shl(v, shift);
		s64 d = (s32)bstap_sub(vs, st->avg_s);	/* an int in stap's runtime */
		st->avg_s = bstap_add(st->avg_s, bstap_div(d, st->count + 1));
		st->m2 = bstap_add(st->m2, bstap_mul(d, bstap_sub(vs, st->avg_s)));
		st->var_s = bstap_div(st->m2, st->count);
	}
	if (st->count == 0 || v < st->min)
		st->min = v;
	if (st->count == 0 || v > st->max)
		st->max = v;
	st->count++;
	st->sum = bstap_add(st->sum, v);
}

#define bstap_stat_add(st, v) bstap_stat_addv(st, v, 0, 0)

/* The log histogram bucket of v (prog/stat.c stat_log_bucket): 64 holds 0, 65.. positives. */
static __always_inline u32 bstap_log_bucket(s64 v)
{
	if (v == 0)
		return 64;
	u64 m = v < 0 ? 0 - (u64)v : (u64)v;
	u32 res = 128;
	if (m & 0xffffffffffff0000ull) {
		if (!(m & 0xffffffff00000000ull)) { m <<= 32; res -= 32; }
		if (!(m & 0xffff000000000000ull)) { m <<= 16; res -= 16; }
	} else {
		m <<= 48;
		res -= 48;
	}
	if (!(m & 0xff00000000000000ull)) { m <<= 8; res -= 8; }
	if (!(m & 0xf000000000000000ull)) { m <<= 4; res -= 4; }
	if (!(m & 0xc000000000000000ull)) { m <<= 2; res -= 2; }
	if (!(m & 0x8000000000000000ull)) { res -= 1; }
	if (v < 0)
		return 128 - res;
	return res > 127 ? 127 : res;
}

static __always_inline void bstap_hist_log(s64 *h, s64 v)
{
	u32 i = bstap_log_bucket(v);
	asm volatile("" : "+r"(i));
	h[i & 127]++;
}

/* Linear buckets: 0 underflow, 1.. one per interval, nb - 1 overflow. */
static __always_inline void bstap_hist_linear(s64 *h, s64 v, s64 start, u64 interval, u32 nb)
{
	s64 d = bstap_sub(v, start);
	u64 b = d < 0 ? 0 : (u64)d / interval + 1;
	if (b >= nb - 1)
		b = nb - 1;
	u32 i = (u32)b;
	asm volatile("" : "+r"(i));	/* keep the test below: it is what the verifier checks */
	if (i < nb)
		h[i]++;
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

/* @variance: stap's total variance over the CPUs' Welford terms (prog/stat.c stat_merge). */
static __always_inline s64 bstap_stat_variance(void *map, const void *key, const struct bstap_stat *all,
					       u32 shift)
{
	u32 zero = 0;
	struct bstap_state_val *stv = bpf_map_lookup_elem(&bstap_state, &zero);
	u32 ncpus = stv ? stv->ncpus : 1;
	s64 avg_s = bstap_div(bstap_shl(all->sum, shift), all->count), s1 = 0, s2 = 0;
	for (u32 cpu = 0; cpu < BSTAP_MAXCPUS; cpu++) {
		if (cpu >= ncpus)
			break;
		struct bstap_stat *st = bpf_map_lookup_percpu_elem(map, key, cpu);
		if (!st || !st->count)
			continue;
		s64 d = bstap_sub(st->avg_s, avg_s);
		s1 = bstap_add(s1, bstap_mul(bstap_mul(st->count, d), d));
		s2 = bstap_add(s2, bstap_mul(st->count - 1, st->var_s));
	}
	if (all->count == 1)
		return 0;
	return bstap_shr(bstap_div(bstap_add(s1, s2), all->count - 1), 2 * shift);
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

/* ---- user-space probes (process(...)) ------------------------------------------------- */

/*
 * A uprobe's context is the user registers as struct pt_regs (x86-64: rax at 80, rdi at 112,
 * ...). Handlers and functions reach it through S->ctx, which is no longer the verifier's
 * context pointer, so registers are read with a probe read.
 */
static __always_inline u64 bstap_ureg(const void *regs, u32 off)
{
	u64 v = 0;
	bpf_probe_read_kernel(&v, sizeof(v), (const char *)regs + off);
	return v;
}

/* Integer argument n (1-based) of a function entered just now: System V x86-64 registers,
 * then the stack above the return address. 0 when it cannot be read. */
static __always_inline u64 bstap_uarg(const void *regs, s64 n)
{
	switch (n) {
	case 1: return bstap_ureg(regs, 112);	/* rdi */
	case 2: return bstap_ureg(regs, 104);	/* rsi */
	case 3: return bstap_ureg(regs, 96);	/* rdx */
	case 4: return bstap_ureg(regs, 88);	/* rcx */
	case 5: return bstap_ureg(regs, 72);	/* r8 */
	case 6: return bstap_ureg(regs, 64);	/* r9 */
	}
	if (n < 1 || n > 64)
		return 0;
	u64 v = 0, sp = bstap_ureg(regs, 152);
	bpf_probe_read_user(&v, sizeof(v), (const void *)(sp + 8 * (n - 6)));
	return v;
}

/* user_int() and friends: the value at a user address, 0 when it cannot be read (as stap) */
#define BSTAP_USER_READ(T, addr)                                                       \
	({                                                                             \
		T _ur = 0;                                                             \
		bpf_probe_read_user(&_ur, sizeof(_ur), (const void *)(u64)(addr)) ? (s64)0 \
										  : (s64)_ur; \
	})

struct task_struct___bstap_tree {
	struct task_struct___bstap_tree *real_parent;
	int tgid;
} __attribute__((preserve_access_index));

/* process.function(...) under -c: is the current process target() or one it started? (its
 * ancestors, up to 16 generations) */
static __always_inline int bstap_target_tree(void)
{
	s64 target = bstap_target();
	struct task_struct___bstap_tree *t = (void *)bpf_get_current_task();
	if (!target)
		return 0;
#pragma unroll
	for (int i = 0; i < 16; i++) {
		if (!t)
			return 0;
		int tgid = BPF_CORE_READ(t, tgid);
		if (tgid == target)
			return 1;
		if (tgid <= 1)
			return 0;
		t = BPF_CORE_READ(t, real_parent);
	}
	return 0;
}

struct mm_struct___bstap_u {
	unsigned long start_code;
} __attribute__((preserve_access_index));

struct task_struct___bstap_u {
	struct mm_struct___bstap_u *mm;
} __attribute__((preserve_access_index));

/* usymname(): the current program's load base, given the lowest address of its code */
static __always_inline u64 bstap_ubase(u64 text_vaddr)
{
	struct task_struct___bstap_u *t = (void *)bpf_get_current_task();
	u64 start = BPF_CORE_READ(t, mm, start_code);
	return start ? start - text_vaddr : 0;
}

/* "0x..." of v into dst (BSTAP_MAXSTR bytes): usymname() of an unknown address */
static __always_inline char *bstap_hex(char *dst, u64 v)
{
	if (bpf_snprintf(dst, BSTAP_MAXSTR, "0x%llx", &v, sizeof(v)) < 0)
		dst[0] = 0;
	return dst;
}

/* ---- end of user-space probes ----------------------------------------------------------- */


/* ---- system(), raise(), symname(), symdata() (bpf/gen_sys.c) ------------------------------ */

/* system(cmd): a record; the runtime runs the command after the handler (runtime/sysfuncs.c) */
static __always_inline void bstap_system(const char *cmd)
{
	bstap_string_record(REC_SYSTEM, cmd);
}

/*
 * raise(sig): the signal to the current thread, as stap's send_sig(sig, current, 1). Only a
 * bad signal number is an error: a kernel thread ignores signals (send_sig succeeds there, the
 * helper says -EPERM), and signal 0 sends nothing.
 */
static __always_inline void bstap_raise(struct bstap_scratch *S, u32 site, s64 sig)
{
	if (sig < 0 || sig > 64) {
		bstap_fn_error(S, site, "raise(): invalid signal number");
		return;
	}
	if (sig)
		bpf_send_signal_thread((u32)sig);
}

/* symname()/symdata(): the placeholder prog/abi.h describes (kind 'N' or 'D') */
/*
 * caller_addr() in a kernel function probe: the return address in the probed function's caller,
 * the stack frame after the one inside the function (bpf_get_func_ip's address; a kprobe's or a
 * trampoline's frames come before it). 0 when the stack does not show it.
 */
static __always_inline u64 bstap_caller_addr(void *ctx)
{
	u64 ip = bpf_get_func_ip(ctx);
	u64 st[12];
	long n = bpf_get_stack(ctx, st, sizeof(st), 0);
	for (int i = 0; i < 11; i++) {
		if ((long)(i + 2) * 8 > n)
			break;
		if (st[i] >= ip && st[i] - ip < 0x10000)
			return st[i + 1];
	}
	return 0;
}

static __always_inline char *bstap_ksym_mark(char *dst, u64 addr, char kind)
{
	dst[0] = BSTAP_KSYM_MARK0;
	dst[1] = BSTAP_KSYM_MARK1;
	dst[2] = kind;
	for (int i = 0; i < 16; i++) {
		u32 d = (addr >> (60 - 4 * i)) & 0xf;
		dst[3 + i] = d < 10 ? '0' + d : 'a' + d - 10;
	}
	dst[BSTAP_KSYM_MARKLEN] = 0;
	return dst;
}

/* print_backtrace(): the current task's kernel stack, symbolized by the runtime */
struct task_struct;
static __always_inline void bstap_print_backtrace(void)
{
	u32 size = BSTAP_STACK_FRAMES * 8;
	struct bstap_rec_hdr *h = bpf_ringbuf_reserve(&bstap_rb, sizeof(*h) + BSTAP_STACK_FRAMES * 8, 0);
	if (!h) {
		bstap_count_lost();
		return;
	}
	long n = bpf_get_task_stack((struct task_struct *)bpf_get_current_task_btf(), h + 1, size, 0);
	h->type = REC_STACK;
	h->id = n > 0 ? (u32)n / 8 : 0;
	bpf_ringbuf_submit(h, 0);
}

#ifdef BSTAP_STACKS	/* the program calls backtrace() */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, u64);
	__type(value, struct bstap_stack);
} bstap_stacks SEC(".maps");

/* backtrace(): the stack saved under a hash of its frames; the string is a placeholder */
static __always_inline char *bstap_backtrace(char *dst, struct bstap_stack *st)
{
	long n = bpf_get_task_stack((struct task_struct *)bpf_get_current_task_btf(), st->addr,
				    sizeof(st->addr), 0);
	st->n = n > 0 ? (s64)((u64)n / 8) : 0;
	u64 h = 0xcbf29ce484222325ULL;
	for (int i = 0; i < BSTAP_STACK_FRAMES; i++) {
		if (i >= st->n)
			break;
		h = (h ^ (u64)st->addr[i]) * 0x100000001b3ULL;
	}
	bpf_map_update_elem(&bstap_stacks, &h, st, BPF_ANY);
	return bstap_ksym_mark(dst, h, 'B');
}
#endif

/* print_stack(s)/sprint_stack(s) and the user forms: a copy of s with a placeholder of kind
 * from (backtrace()'s 'B', ubacktrace()'s 'U') turned to kind to */
static __always_inline char *bstap_mark_as(char *dst, const char *s, char from, char to)
{
	bpf_probe_read_kernel_str(dst, BSTAP_MAXSTR, s);
	if (dst[0] == BSTAP_KSYM_MARK0 && dst[1] == BSTAP_KSYM_MARK1 && dst[2] == from)
		dst[2] = to;
	return dst;
}

/* print_ubacktrace(): the current task's user stack and its process, symbolized by the
 * runtime (runtime/usyms.c) from /proc/PID/maps and the mapped files' symbol tables */
static __always_inline void bstap_print_ubacktrace(void)
{
	struct bstap_rec_hdr *h = bpf_ringbuf_reserve(&bstap_rb, sizeof(*h) + 8 + BSTAP_STACK_FRAMES * 8, 0);
	if (!h) {
		bstap_count_lost();
		return;
	}
	u64 *p = (u64 *)(h + 1);
	p[0] = bpf_get_current_pid_tgid() >> 32;
	long n = bpf_get_task_stack((struct task_struct *)bpf_get_current_task_btf(), p + 1,
				    BSTAP_STACK_FRAMES * 8, 1ULL << 8 /* BPF_F_USER_STACK */);
	h->type = REC_USTACK;
	h->id = n > 0 ? (u32)n / 8 : 0;
	bpf_ringbuf_submit(h, 0);
}

#ifdef BSTAP_USTACKS	/* the program calls ubacktrace() or ucallers() */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, u64);
	__type(value, struct bstap_ustack);
} bstap_ustacks SEC(".maps");

/* ubacktrace() (max < 0) / ucallers(max): the user stack saved under a hash of its process and
 * frames; the string is a placeholder */
static __always_inline char *bstap_ubacktrace(char *dst, struct bstap_ustack *st, s64 max)
{
	long n = bpf_get_task_stack((struct task_struct *)bpf_get_current_task_btf(), st->addr,
				    sizeof(st->addr), 1ULL << 8 /* BPF_F_USER_STACK */);
	st->n = n > 0 ? (s64)((u64)n / 8) : 0;
	if (max >= 0 && st->n > max)
		st->n = max;
	st->pid = bpf_get_current_pid_tgid() >> 32;
	u64 h = (0xcbf29ce484222325ULL ^ (u64)st->pid) * 0x100000001b3ULL;
	for (int i = 0; i < BSTAP_STACK_FRAMES; i++) {
		if (i >= st->n)
			break;
		h = (h ^ (u64)st->addr[i]) * 0x100000001b3ULL;
	}
	h = (h ^ (u64)st->n) * 0x100000001b3ULL;
	if (!st->n) {
		dst[0] = 0;
		return dst;
	}
	bpf_map_update_elem(&bstap_ustacks, &h, st, BPF_ANY);
	return bstap_ksym_mark(dst, h, 'U');
}

/* usymdata(addr): the address and the current process, kept as a one-frame stack; the string
 * is a placeholder of kind 'X' */
static __always_inline char *bstap_usymdata(char *dst, struct bstap_ustack *st, u64 addr)
{
	st->n = 1;
	st->pid = bpf_get_current_pid_tgid() >> 32;
	st->addr[0] = (s64)addr;
	u64 h = (0xcbf29ce484222325ULL ^ (u64)st->pid) * 0x100000001b3ULL;
	h = ((h ^ addr) * 0x100000001b3ULL ^ 0x5859ULL) * 0x100000001b3ULL;
	bpf_map_update_elem(&bstap_ustacks, &h, st, BPF_ANY);
	return bstap_ksym_mark(dst, h, 'X');
}
#endif


/* ---- end of system(), raise(), symname(), symdata() --------------------------------------- */

/* ---- the probe's context: returnval(), user_mode(), cmdline_args(), sprint_syms() ---------- */
/* (bpf/gen_ctx.c writes the calls; prog/probectx.h says what each probe kind gives) */

/* returnval(): the u64 at off of the context (a pt_regs' ax, fexit's slot after the arguments,
 * a system call exit's ret); 0 where the probe has none (pass 2 allows no such call) */
static __always_inline s64 bstap_retval(const void *ctx, s32 off)
{
	return off < 0 ? 0 : (s64)bstap_ureg(ctx, (u32)off);
}

/* user_mode(): how (enum probectx_umode): 1 always, 2 the context's pt_regs, 3 the pt_regs a
 * perf_event's context points to (struct bpf_perf_event_data_kern: regs first); cs & 3 is the
 * privilege level the registers were taken at */
static __always_inline s64 bstap_user_mode(const void *ctx, u32 how)
{
	if (how == 1)
		return 1;
	if (how == 2)
		return (bstap_ureg(ctx, 136) & 3) != 0;
	if (how == 3) {
		u64 regs = bstap_ureg(ctx, 0);
		return regs ? (bstap_ureg((const void *)regs, 136) & 3) != 0 : 0;
	}
	return 0;
}

/* cmdline_args(n, m, delim), as stap's context.stp: arguments n..m (m < 0: to the last) of the
 * command line joined by delim, an empty one after the first as "" */
struct bstap_cargs {
	s32 len, nr, olen, start;
	s64 n, m;
};

static long bstap_cargs_step(u32 i, void *ctx)
{
	struct bstap_lp *lp = ctx;
	struct bstap_cargs *st = lp->st;
	if ((s32)i >= st->len)
		return 1;
	char c = lp->a[i & BSTAP_M];
	if (st->start) {
		if (st->m >= 0 && st->nr > st->m)
			return 1;
		if (st->nr > st->n && st->olen < BSTAP_L) {
			long r = bpf_probe_read_kernel_str(lp->o + (st->olen & BSTAP_M), BSTAP_MAXSTR, lp->b);
			if (r > 1)
				st->olen += (s32)r - 1;
			if (!c) {
				if (st->olen < BSTAP_L)
					lp->o[st->olen++ & BSTAP_M] = '"';
				if (st->olen < BSTAP_L)
					lp->o[st->olen++ & BSTAP_M] = '"';
			}
		}
		st->start = 0;
	}
	if (!c) {
		st->nr++;
		st->start = 1;
	} else if (st->nr >= st->n && st->olen < BSTAP_L) {
		lp->o[st->olen++ & BSTAP_M] = c;
	}
	return 0;
}

static __always_inline char *bstap_cmdline_args(void *w, char *out, char *tmp, s64 n, s64 m,
						const char *delim)
{
	struct bstap_cargs *st = w;
	*st = (struct bstap_cargs){ 0 };
	st->len = (s32)bstap_cmdline_raw(tmp);
	st->n = n;
	st->m = m;
	st->start = 1;
	out[0] = 0;
	struct bstap_lp lp = { .st = st, .a = tmp, .b = delim, .o = out };
	bpf_loop(BSTAP_MAXSTR, bstap_cargs_step, &lp, 0);
	s32 o = st->olen < BSTAP_L ? st->olen : BSTAP_L;
	out[o & BSTAP_M] = 0;
	return out;
}

/* sprint_syms(s) of a list of hex addresses built in the probe: one line per token,
 * " TOKEN : " and a symdata() placeholder, which the runtime replaces where it is printed */
struct bstap_syms {
	s32 ip, olen, tok, done;	/* done: the length of the whole lines written */
	u64 addr;
};

static long bstap_syms_step(u32 i, void *ctx)
{
	struct bstap_lp *lp = ctx;
	struct bstap_syms *st = lp->st;
	if (st->ip >= BSTAP_L || st->olen >= BSTAP_L - 48)
		return 1;
	char c = lp->a[st->ip & BSTAP_M];
	st->ip++;
	if (c && c != ' ') {
		if (!st->tok) {
			st->tok = 1;
			st->addr = 0;
			lp->o[st->olen++ & BSTAP_M] = ' ';
		}
		lp->o[st->olen++ & BSTAP_M] = c;
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (c == 'x' || c == 'X')
			d = st->addr ? -1 : 0;	/* the 0x prefix */
		if (d >= 0)
			st->addr = st->addr * 16 + (u64)d;
		if (st->olen >= BSTAP_L - 48)
			return 1;	/* no room for the line's end: dropped, as stap's cut */
		return 0;
	}
	if (st->tok) {
		st->tok = 0;
		char *o = lp->o + (st->olen & BSTAP_M);
		o[0] = ' ';
		o[1] = ':';
		o[2] = ' ';
		bstap_ksym_mark(o + 3, st->addr, 'D');
		o[3 + BSTAP_KSYM_MARKLEN] = '\n';
		st->olen += 4 + BSTAP_KSYM_MARKLEN;
		st->done = st->olen;
	}
	return !c;
}

static __always_inline char *bstap_sprint_syms(void *w, char *out, const char *s)
{
	if (s[0] == BSTAP_KSYM_MARK0 && s[1] == BSTAP_KSYM_MARK1 && s[2] == 'B') {
		bstap_mark_as(out, s, 'B', 'S');	/* a backtrace(): the runtime writes its lines */
		return out;
	}
	struct bstap_syms *st = w;
	*st = (struct bstap_syms){ 0 };
	struct bstap_lp lp = { .st = st, .a = s, .o = out };
	out[0] = 0;
	bpf_loop(BSTAP_MAXSTR, bstap_syms_step, &lp, 0);
	/* whole lines only: a token the room left cut has none */
	s32 o = st->done;
	out[(o < BSTAP_L ? o : BSTAP_L) & BSTAP_M] = 0;
	return out;
}

#endif
