/* Statistics arithmetic and histogram printing, as SystemTap's runtime does them (see stat.h). */
#include "prog/stat.h"

#include <inttypes.h>
#include <string.h>
#include "prog/strbuf.h"

uint32_t stat_linear_buckets(int64_t start, int64_t stop, int64_t interval)
{
	if (interval <= 0 || stop < start)
		return 0;
	uint64_t n = ((uint64_t)stop - (uint64_t)start) / (uint64_t)interval + 3;
	return n > STAT_MAX_BUCKETS ? 0 : (uint32_t)n;
}

int stat_log_bucket(int64_t v)
{
	if (v == 0)
		return STAT_LOG_BUCKET0;
	uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	int res = STAT_LOG_BUCKETS - __builtin_clzll(m);	/* 65..128 for 1..2^63 */
	return v < 0 ? STAT_LOG_BUCKETS - res : res >= STAT_LOG_BUCKETS ? STAT_LOG_BUCKETS - 1 : res;
}

int64_t stat_log_bucket_val(int b)
{
	if (b == STAT_LOG_BUCKET0)
		return 0;
	if (b < STAT_LOG_BUCKET0)
		return INT64_MIN >> b;
	return (int64_t)((uint64_t)1 << (b - STAT_LOG_BUCKET0 - 1));
}

uint32_t stat_linear_bucket(const struct stat_spec *sp, int64_t v)
{
	int64_t d = (int64_t)((uint64_t)v - (uint64_t)sp->start);
	uint64_t b = d < 0 ? 0 : (uint64_t)d / (uint64_t)sp->interval + 1;
	return b >= sp->nbuckets - 1 ? sp->nbuckets - 1 : (uint32_t)b;
}

/* stap's _stp_div64: a zero divisor gives 0, INT64_MIN / -1 wraps. */
static int64_t div64(int64_t a, int64_t b)
{
	if (b == 0)
		return 0;
	if (b == -1)
		return (int64_t)(0 - (uint64_t)a);
	return a / b;
}

static int64_t shl(int64_t v, uint32_t s)
{
	return (int64_t)((uint64_t)v << (s & 63));
}

static int64_t mul(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a * (uint64_t)b);
}

static int64_t add(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

void stat_add(const struct stat_spec *sp, int64_t *w, int64_t v)
{
	if (w[STAT_W_COUNT] == 0) {
		w[STAT_W_COUNT] = 1;
		w[STAT_W_SUM] = w[STAT_W_MIN] = w[STAT_W_MAX] = v;
		w[STAT_W_AVG_S] = shl(v, sp ? sp->shift : 0);
		w[STAT_W_M2] = 0;
	} else {
		w[STAT_W_COUNT]++;
		w[STAT_W_SUM] = add(w[STAT_W_SUM], v);
		if (v > w[STAT_W_MAX])
			w[STAT_W_MAX] = v;
		if (v < w[STAT_W_MIN])
			w[STAT_W_MIN] = v;
		if (sp && sp->variance) {
			/* Welford's online algorithm in integers, scaled by the bit shift; stap's
			 * runtime keeps the difference from the running mean in an int (32 bits) */
			int64_t vs = shl(v, sp->shift);
			int64_t delta = (int32_t)(uint32_t)(uint64_t)(vs - (uint64_t)w[STAT_W_AVG_S]);
			w[STAT_W_AVG_S] = add(w[STAT_W_AVG_S], div64(delta, w[STAT_W_COUNT]));
			w[STAT_W_M2] = add(w[STAT_W_M2], mul(delta, vs - w[STAT_W_AVG_S]));
			w[STAT_W_VAR_S] = div64(w[STAT_W_M2], w[STAT_W_COUNT] - 1);
		}
	}
	if (!sp || !sp->nbuckets)
		return;
	uint32_t b = sp->hist == STAT_HIST_LOG ? (uint32_t)stat_log_bucket(v)
						 : stat_linear_bucket(sp, v);
	if (b < sp->nbuckets)
		w[STAT_HDR_WORDS + b]++;
}

void stat_merge(const struct stat_spec *sp, const int64_t *w, uint32_t n, struct stat_value *out)
{
	memset(out, 0, sizeof(*out));
	uint32_t nw = stat_words(sp);
	uint32_t nb = sp ? sp->nbuckets : 0;
	out->nbuckets = nb;
	for (uint32_t c = 0; c < n; c++) {
		const int64_t *x = w + (size_t)c * nw;
		if (!x[STAT_W_COUNT])
			continue;
		if (!out->count || x[STAT_W_MIN] < out->min)
			out->min = x[STAT_W_MIN];
		if (!out->count || x[STAT_W_MAX] > out->max)
			out->max = x[STAT_W_MAX];
		out->count += x[STAT_W_COUNT];
		out->sum = add(out->sum, x[STAT_W_SUM]);
		for (uint32_t b = 0; b < nb && b < STAT_MAX_BUCKETS; b++)
			out->hist[b] += x[STAT_HDR_WORDS + b];
	}
	if (!out->count || !sp || !sp->variance)
		return;
	/* the total variance over the CPUs' partial results, as stap's _stp_stat_get */
	int64_t avg_s = div64(shl(out->sum, sp->shift), out->count), s1 = 0, s2 = 0;
	for (uint32_t c = 0; c < n; c++) {
		const int64_t *x = w + (size_t)c * nw;
		if (!x[STAT_W_COUNT])
			continue;
		int64_t d = x[STAT_W_AVG_S] - avg_s;
		s1 = add(s1, mul(mul(x[STAT_W_COUNT], d), d));
		s2 = add(s2, mul(x[STAT_W_COUNT] - 1, x[STAT_W_VAR_S]));
	}
	out->variance = div64(add(s1, s2), out->count - 1) >> ((2 * sp->shift) & 63);
}

static int needed_space(int64_t v)
{
	if (v == 0)
		return 1;
	int space = v < 0;
	uint64_t t = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	for (; t; t /= 10)
		space++;
	return space;
}

static int imax(int a, int b)
{
	return a > b ? a : b;
}

void stat_print_hist(const struct stat_spec *sp, const struct stat_value *v, struct strbuf *o)
{
	if (!sp || !sp->nbuckets)
		return;
	int nb = (int)sp->nbuckets;
	bool lin = sp->hist == STAT_HIST_LINEAR;
	const int64_t *h = v->hist;
	int low = -1, high = 0;
	int64_t valmax = 0;
	for (int i = 0; i < nb; i++) {
		if (h[i] > 0 && low == -1)
			low = i;
		if (h[i] > 0)
			high = i;
		if (h[i] > valmax)
			valmax = h[i];
	}
	/* up to two empty rows on either side of the data; log rows go negative only for data */
	for (int i = 0; i < 2; i++) {
		if (lin ? low > 0 : low != STAT_LOG_BUCKET0 && low > 0)
			low--;
		if (high < nb - 1)
			high++;
	}
	bool under = false, over = false;
	if (lin) {
		if (low == 0 && h[0] == 0)
			low++;
		if (high == nb - 1 && h[high] == 0)
			high--;
		under = low == 0;
		over = high == nb - 1;
	}
	int64_t scale = valmax <= STAT_HIST_WIDTH ? 1 : (valmax + STAT_HIST_WIDTH - 1) / STAT_HIST_WIDTH;
	int cnt_space = needed_space(valmax);
	int val_space;
	if (lin)
		val_space = imax(needed_space(sp->start) + under,
				 needed_space(sp->start + sp->interval * high) + over);
	else
		val_space = imax(needed_space(stat_log_bucket_val(high)),
				 needed_space(stat_log_bucket_val(low)));
	val_space = imax(val_space, 5);
	strbuf_printf(o, "%*s |", val_space, "value");
	for (int j = 0; j < STAT_HIST_WIDTH; j++)
		strbuf_putc(o, '-');
	strbuf_puts(o, " count\n");
	bool eliding = false;
	for (int i = low; i <= high; i++) {
		/* a row that is empty with its two neighbours on each side empty is left out */
		int lo = i - 2 > low ? i - 2 : low, hi = i + 2 < high ? i + 2 : high;
		bool elide = true;
		for (int k = lo; k <= hi; k++)
			if (h[k])
				elide = false;
		if (elide) {
			eliding = true;
			continue;
		}
		if (eliding) {
			strbuf_printf(o, "%*s ~\n", val_space, "");
			eliding = false;
		}
		const char *prefix = "";
		int64_t val;
		if (!lin) {
			val = stat_log_bucket_val(i);
		} else if (i == 0) {
			val = sp->start;
			prefix = "<";
		} else if (i == nb - 1) {
			val = sp->start + (int64_t)(i - 2) * sp->interval;
			prefix = ">";
		} else {
			val = sp->start + (int64_t)(i - 1) * sp->interval;
		}
		strbuf_printf(o, "%*s%" PRId64 " |", val_space - needed_space(val), prefix, val);
		int64_t bar = h[i] / scale;
		for (int64_t j = 0; j < bar; j++)
			strbuf_putc(o, '@');
		strbuf_printf(o, "%*" PRId64 "\n", (int)(STAT_HIST_WIDTH - bar + 1 + cnt_space), h[i]);
	}
	strbuf_putc(o, '\n');
}
