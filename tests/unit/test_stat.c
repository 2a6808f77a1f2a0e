/* Unit tests for prog/stat.c: stap's log/linear buckets, integer variance, histogram text. */
#include <stdint.h>
#include <string.h>

#include "prog/stat.h"
#include "prog/strbuf.h"
#include "tests/unit/harness.h"

TEST(log_buckets)
{
	ASSERT_EQ(stat_log_bucket(0), 64);
	ASSERT_EQ(stat_log_bucket(1), 65);
	ASSERT_EQ(stat_log_bucket(2), 66);
	ASSERT_EQ(stat_log_bucket(3), 66);
	ASSERT_EQ(stat_log_bucket(1000), 74);
	ASSERT_EQ(stat_log_bucket(-1), 63);
	ASSERT_EQ(stat_log_bucket(-3), 62);
	ASSERT_EQ(stat_log_bucket(INT64_MAX), 127);
	ASSERT_EQ(stat_log_bucket(INT64_MIN), 0);
	ASSERT_EQ(stat_log_bucket_val(64), 0);
	ASSERT_EQ(stat_log_bucket_val(65), 1);
	ASSERT_EQ(stat_log_bucket_val(74), 512);
	ASSERT_EQ(stat_log_bucket_val(63), -1);
	ASSERT_EQ(stat_log_bucket_val(62), -2);
	ASSERT_TRUE(stat_log_bucket_val(0) == INT64_MIN);
}

TEST(linear_buckets)
{
	ASSERT_EQ(stat_linear_buckets(0, 100, 10), 13);
	ASSERT_EQ(stat_linear_buckets(0, 0, 1), 3);
	ASSERT_EQ(stat_linear_buckets(-20, 20, 10), 7);
	ASSERT_EQ(stat_linear_buckets(0, 125, 1), 128);
	ASSERT_EQ(stat_linear_buckets(0, 126, 1), 0);	/* too many */
	ASSERT_EQ(stat_linear_buckets(0, 10, 0), 0);
	ASSERT_EQ(stat_linear_buckets(10, 0, 1), 0);
	struct stat_spec sp = { STAT_HIST_LINEAR, 7, -20, 20, 10, 0, 0 };
	ASSERT_EQ(stat_linear_bucket(&sp, -21), 0);
	ASSERT_EQ(stat_linear_bucket(&sp, -20), 1);
	ASSERT_EQ(stat_linear_bucket(&sp, -1), 2);
	ASSERT_EQ(stat_linear_bucket(&sp, 29), 5);
	ASSERT_EQ(stat_linear_bucket(&sp, 30), 6);
	/* v - start wraps below zero: the underflow bucket, as stap's 64-bit arithmetic gives */
	ASSERT_EQ(stat_linear_bucket(&sp, INT64_MAX), 0);
	ASSERT_EQ(stat_linear_bucket(&sp, INT64_MAX - 20), 6);
	ASSERT_EQ(stat_linear_bucket(&sp, INT64_MIN), 0);
}

/* stap(1): x <<< 1..5 gives @variance(x) 12 and @variance(x, 1) 2. */
TEST(variance_stap_example)
{
	for (uint32_t shift = 0; shift < 2; shift++) {
		struct stat_spec sp = { STAT_HIST_NONE, 0, 0, 0, 0, 1, shift };
		int64_t w[STAT_HDR_WORDS] = { 0 };
		for (int i = 1; i <= 5; i++)
			stat_add(&sp, w, i);
		struct stat_value v;
		stat_merge(&sp, w, 1, &v);
		ASSERT_EQ(v.count, 5);
		ASSERT_EQ(v.sum, 15);
		ASSERT_EQ(v.variance, shift ? 2 : 12);
	}
}

/* Two CPUs' Welford terms combine with the total-variance formula: worked out by hand. */
TEST(variance_two_cpus)
{
	struct stat_spec sp = { STAT_HIST_NONE, 0, 0, 0, 0, 1, 0 };
	int64_t w[2 * STAT_HDR_WORDS] = { 0 };
	for (int i = 1; i <= 3; i++)
		stat_add(&sp, w, i);
	for (int i = 4; i <= 5; i++)
		stat_add(&sp, w + STAT_HDR_WORDS, i);
	struct stat_value v;
	stat_merge(&sp, w, 2, &v);
	ASSERT_EQ(v.count, 5);
	ASSERT_EQ(v.min, 1);
	ASSERT_EQ(v.max, 5);
	ASSERT_EQ(v.variance, 4);	/* (3*4 + 2*1 + 2*2 + 1*1) / 4 */
	int64_t one[STAT_HDR_WORDS] = { 0 };
	stat_add(&sp, one, 42);
	stat_merge(&sp, one, 1, &v);
	ASSERT_EQ(v.variance, 0);
}

/* stap's runtime keeps x - mean in an int: a jump of 2^32 + 5 counts as 5 (and the total
 * variance then wraps), worked out by hand from runtime/stat-common.c and stat.c. */
TEST(variance_delta_is_an_int)
{
	struct stat_spec sp = { STAT_HIST_NONE, 0, 0, 0, 0, 1, 0 };
	int64_t w[STAT_HDR_WORDS] = { 0 };
	stat_add(&sp, w, 0);
	stat_add(&sp, w, ((int64_t)1 << 32) + 5);
	ASSERT_EQ(w[STAT_W_AVG_S], 2);
	ASSERT_EQ(w[STAT_W_M2], 21474836495LL);
	struct stat_value v;
	stat_merge(&sp, w, 1, &v);
	ASSERT_EQ(v.variance, -9223372015379939313LL);
}

TEST(linear_histogram_text)
{
	struct stat_spec sp = { STAT_HIST_LINEAR, 5, 0, 20, 10, 0, 0 };
	int64_t w[STAT_HDR_WORDS + 5] = { 0 };
	stat_add(&sp, w, 5);
	stat_add(&sp, w, 25);
	stat_add(&sp, w, 100);
	struct stat_value v;
	stat_merge(&sp, w, 1, &v);
	struct strbuf sb = { 0 };
	stat_print_hist(&sp, &v, &sb);
	char want[1024], sp50[51], sp51[52];
	memset(sp50, ' ', 50);
	sp50[50] = 0;
	memset(sp51, ' ', 51);
	sp51[51] = 0;
	snprintf(want, sizeof(want),
		 "value |--------------------------------------------------"
		 " count\n"
		 "    0 |@%s1\n"
		 "   10 |%s0\n"
		 "   20 |@%s1\n"
		 "  >20 |@%s1\n"
		 "\n", sp50, sp51, sp50, sp50);
	ASSERT_STREQ(strbuf_str(&sb), want);
	strbuf_free(&sb);
}

TEST(log_histogram_elides_and_scales)
{
	struct stat_spec sp = { STAT_HIST_LOG, STAT_LOG_BUCKETS, 0, 0, 0, 0, 0 };
	int64_t w[STAT_HDR_WORDS + STAT_LOG_BUCKETS] = { 0 };
	stat_add(&sp, w, 1);
	for (int i = 0; i < 101; i++)
		stat_add(&sp, w, 70000);	/* bucket 65536 */
	struct stat_value v;
	stat_merge(&sp, w, 1, &v);
	struct strbuf sb = { 0 };
	stat_print_hist(&sp, &v, &sb);
	const char *s = strbuf_str(&sb);
	/* 101 samples: bars scaled by 3 (33 '@'); the values take 6 columns (262144); rows 0, 1,
	 * 2, 4, ~, 16384 .. 262144 */
	ASSERT_CONTAINS(s, " value |---");
	ASSERT_CONTAINS(s, "\n     0 |");
	ASSERT_CONTAINS(s, "\n     4 |");
	ASSERT_CONTAINS(s, "\n       ~\n");
	ASSERT_CONTAINS(s, "\n 65536 |@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@                  101\n");
	ASSERT_CONTAINS(s, "\n262144 |");
	ASSERT_TRUE(strstr(s, "\n     8 |") == NULL);
	ASSERT_TRUE(strstr(s, "\n    -1 |") == NULL);	/* no negative rows without negative data */
	strbuf_free(&sb);
}

TH_MAIN(TH_CASE(log_buckets), TH_CASE(linear_buckets), TH_CASE(variance_stap_example),
	TH_CASE(variance_two_cpus), TH_CASE(variance_delta_is_an_int), TH_CASE(linear_histogram_text),
	TH_CASE(log_histogram_elides_and_scales))
