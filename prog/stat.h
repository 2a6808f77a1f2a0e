/*
 * Statistics as SystemTap keeps them: count/sum/min/max, the integer Welford terms of
 * @variance, and the buckets of @hist_log / @hist_linear. One layout of 64-bit words per
 * value (per CPU in the BPF maps), shared by the generator (bpf/bstap.bpf.h does the same
 * arithmetic), the stores and the evaluator.
 */
#ifndef BSTAP_STAT_H
#define BSTAP_STAT_H

#include <stdbool.h>
#include <stdint.h>

/* stap's runtime/stat.h: log histograms have 128 buckets, bucket 64 holds 0. */
#define STAT_LOG_BUCKETS 128
#define STAT_LOG_BUCKET0 64
/* the most buckets of a linear histogram, its under- and overflow buckets included */
#define STAT_MAX_BUCKETS 128
#define STAT_HIST_WIDTH 50
#define STAT_MAX_SHIFT 62

enum stat_hist { STAT_HIST_NONE = 0, STAT_HIST_LOG = 1, STAT_HIST_LINEAR = 2 };

/* How a statistics global is kept: fixed by pass 2 from every @hist_* and @variance on it. */
struct stat_spec {
	uint32_t hist;		/* enum stat_hist */
	uint32_t nbuckets;	/* 0, STAT_LOG_BUCKETS, or (stop - start) / interval + 3 */
	int64_t start, stop, interval;	/* linear only */
	uint32_t variance;	/* 1 when @variance reads it: adds keep the Welford terms */
	uint32_t shift;		/* @variance(s, bit_shift) */
};

/* Words of one value: count sum min max avg_s m2 var_s, then the buckets. */
enum { STAT_W_COUNT, STAT_W_SUM, STAT_W_MIN, STAT_W_MAX, STAT_W_AVG_S, STAT_W_M2, STAT_W_VAR_S,
       STAT_HDR_WORDS };

static inline uint32_t stat_words(const struct stat_spec *sp)
{
	return STAT_HDR_WORDS + (sp ? sp->nbuckets : 0);
}

/* An aggregate as read back (over CPUs, merged). */
struct stat_value {
	int64_t count, sum, min, max;
	int64_t variance;	/* merged as stap merges it (only when the spec asks for it) */
	uint32_t nbuckets;
	int64_t hist[STAT_MAX_BUCKETS];
};

/* Number of buckets for @hist_linear(start, stop, interval), or 0 when they are out of range. */
uint32_t stat_linear_buckets(int64_t start, int64_t stop, int64_t interval);

/* Bucket of v in a log histogram (0..127) and the value a bucket's row is labelled with. */
int stat_log_bucket(int64_t v);
int64_t stat_log_bucket_val(int b);
/* Bucket of v in a linear histogram (0 underflow .. nbuckets-1 overflow). */
uint32_t stat_linear_bucket(const struct stat_spec *sp, int64_t v);

/* x <<< v on one value of stat_words(sp) words. */
void stat_add(const struct stat_spec *sp, int64_t *w, int64_t v);

/* Merge n values of stat_words(sp) words each (one per CPU) as stap's _stp_stat_get does. */
void stat_merge(const struct stat_spec *sp, const int64_t *w, uint32_t n, struct stat_value *out);

struct strbuf;
/* stap's ASCII histogram (runtime/stat-common.c), ending with its empty line. */
void stat_print_hist(const struct stat_spec *sp, const struct stat_value *v, struct strbuf *out);

#endif
