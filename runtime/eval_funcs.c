/*
 * The standard function library in userspace (begin/end/error and userspace timers), with
 * SystemTap's results: its tapset sources are the specification. bpf/gen_funcs.c is the
 * kernel-probe half; the dual tests (tests/live/funcs-*-begin.stp, -timer.stp) keep them equal.
 */
#include "runtime/eval_funcs.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "prog/builtins.h"
#include "prog/funcnames.h"
#include "runtime/sysfuncs.h"
#include "runtime/eval_regex.h"

#define MAXSTR BSTAP_MAXSTRINGLEN	/* the buffers' size */

/* The program's MAXSTRINGLEN: where quoting and cutting functions stop (evalf_set_maxstr). */
static int maxstr = MAXSTR;

void evalf_set_maxstr(int n)
{
	maxstr = n > 0 && n <= MAXSTR ? n : MAXSTR;
}

static const char *errno_name(int64_t e)
{
	uint64_t m = e < 0 ? 0 - (uint64_t)e : (uint64_t)e;
	return m < FUNC_NERRNO ? func_errno_names[m] : "";
}

/* One character of in: its code and how many bytes it took (stap's _stp_decode_utf8). */
static int decode_utf8(const unsigned char *in, int size, int *c_ret)
{
	unsigned b = in[0];
	int n, c;
	size--;
	if ((b & 0xE0) == 0xC0 && size >= 1) {
		n = 2;
		c = b & 0x1F;
	} else if ((b & 0xF0) == 0xE0 && size >= 2) {
		n = 3;
		c = b & 0xF;
	} else if ((b & 0xF8) == 0xF0 && size >= 3) {
		n = 4;
		c = b & 0x7;
	} else {
		goto verbatim;
	}
	for (int i = 1; i < n; i++) {
		if ((in[i] & 0xC0) != 0x80)
			goto verbatim;
		c = (c << 6) | (in[i] & 0x3F);
	}
	if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF || c < 0x80 || (n == 3 && c < 0x800) ||
	    (n == 4 && c < 0x10000))
		goto verbatim;
	*c_ret = c;
	return n;
verbatim:
	*c_ret = (int)b;
	return 1;
}

void evalf_text_str(char *out, const char *instr, int inlen, int outlen, int quoted, int buffer)
{
	const unsigned char *in = (const unsigned char *)instr;
	char *o = out, *esc = NULL;
	int esc_len = 0, c = 0;
	if (inlen <= 0 || inlen > maxstr - 1)
		inlen = maxstr - 1;
	if (outlen <= 0 || outlen > maxstr - 1)
		outlen = maxstr - 1;
	if (quoted) {
		outlen = (outlen > 5 ? outlen : 5) - 2;
		*o++ = '"';
	}
	while (inlen > 0) {
		int num = 1;
		int n = decode_utf8(in, inlen, &c);
		if ((c == 0 && !buffer) || outlen <= 0)
			break;
		in += n;
		inlen -= n;
		if (n > 1) {
			num = c <= 0xFFFF ? 6 : 10;
			if (!esc && outlen - 3 < num)
				esc = o, esc_len = num;
			if (outlen < num)
				break;
			o += sprintf(o, c <= 0xFFFF ? "\\u%04X" : "\\U%08X", (unsigned)c);
		} else if (c < 128 && c >= 32 && c != 127 && c != '"' && c != '\\') {
			*o++ = (char)c;
		} else {
			static const char shortesc[] = "\a\b\f\n\r\t\v\"\\";
			static const char letter[] = "abfnrtv\"\\";
			const char *s = c ? strchr(shortesc, c) : NULL;
			num = s ? 2 : 4;
			if (!esc && outlen - 3 < num)
				esc = o, esc_len = num;
			if (outlen < num)
				break;
			*o++ = '\\';
			if (s) {
				*o++ = letter[s - shortesc];
			} else if (!c) {
				*o++ = '0';	/* stap: "\0", counted as the 4 bytes of "\000" */
			} else {
				*o++ = (char)('0' + ((c >> 6) & 3));
				*o++ = (char)('0' + ((c >> 3) & 7));
				*o++ = (char)('0' + (c & 7));
			}
		}
		outlen -= num;
	}
	if (quoted) {
		if (c && inlen > 0) {
			char *trunc = o - 3 + outlen;
			o = esc && esc < trunc && trunc < esc + esc_len ? esc : trunc;
			memcpy(o, "\"...", 4);
			o += 4;
		} else {
			*o++ = '"';
		}
	}
	*o = 0;
}

/* stap's ctime(): "Thu Jan  1 00:00:00 1970"; 0 when out of its 32-bit range (err set). */
static int ctime_str(int64_t t, char *out, char *err, size_t errlen)
{
	static const char days[7][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char mons[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	if (t > 2147483647LL) {
		snprintf(err, errlen, "Time too far in the future to be converted");
		return -1;
	}
	if (t < -2147483648LL) {
		snprintf(err, errlen, "Time too far in the past to be converted");
		return -1;
	}
	int64_t days_ = t / 86400, rem = t % 86400;
	if (rem < 0) {
		rem += 86400;
		days_--;
	}
	int hour = (int)(rem / 3600), min = (int)(rem % 3600 / 60), sec = (int)(rem % 60);
	int wday = (int)((4 + days_) % 7);
	if (wday < 0)
		wday += 7;
	int year = 1970;
#define LEAP(y) ((((y) % 4) == 0 && ((y) % 100) != 0) || ((y) % 400) == 0)
	if (days_ >= 0) {
		while (days_ >= (LEAP(year) ? 366 : 365)) {
			days_ -= LEAP(year) ? 366 : 365;
			year++;
		}
	} else {
		do {
			year--;
			days_ += LEAP(year) ? 366 : 365;
		} while (days_ < 0);
	}
	static const int ml[2][12] = { { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 },
				       { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 } };
	int mon = 0;
	while (days_ >= ml[LEAP(year)][mon])
		days_ -= ml[LEAP(year)][mon++];
#undef LEAP
	snprintf(out, MAXSTR, "%s %s %2d %02d:%02d:%02d %d", days[wday], mons[mon], (int)days_ + 1,
		 hour, min, sec, year);
	return 0;
}

static int64_t now_ns(clockid_t c)
{
	struct timespec ts;
	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The kernel's jiffies counter, as /proc/timer_list shows it (0 when it cannot be read). */
static int64_t read_jiffies(void)
{
	FILE *f = fopen("/proc/timer_list", "re");
	char line[256];
	long long j = 0;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "jiffies: %lld", &j) == 1)
			break;
	if (f)
		fclose(f);
	return j;
}

/* strtol as the kernel's simple_strtol (stap's strtol): no error, stops at the first non-digit */
static int64_t simple_strtol(const char *s, int64_t base)
{
	bool neg = false;
	if (*s == '-') {
		neg = true;
		s++;
	}
	if (base == 0) {
		if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2]))
			base = 16;
		else if (s[0] == '0')
			base = 8;
		else
			base = 10;
	}
	if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	uint64_t v = 0;
	for (;; s++) {
		int d;
		unsigned char ch = (unsigned char)*s;
		if (ch >= '0' && ch <= '9')
			d = ch - '0';
		else if (ch >= 'a' && ch <= 'z')
			d = ch - 'a' + 10;
		else if (ch >= 'A' && ch <= 'Z')
			d = ch - 'A' + 10;
		else
			break;
		if (d >= base)
			break;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	return neg ? (int64_t)(0 - v) : (int64_t)v;
}

/* tokenize()'s string and where its next token starts (-1: none), as stap's context keeps them */
static char tok_str[MAXSTR];
static int tok_pos = -1;

static void tokenize(const char *input, const char *delim, char *out)
{
	out[0] = 0;
	if (input[0]) {
		snprintf(tok_str, sizeof(tok_str), "%s", input);
		tok_pos = 0;
	}
	while (tok_pos >= 0) {
		char *start = tok_str + tok_pos;
		size_t len = strcspn(start, delim);
		tok_pos = start[len] ? (int)(start - tok_str + (ptrdiff_t)len + 1) : -1;
		if (len) {
			memcpy(out, start, len);
			out[len] = 0;
			return;
		}
	}
}

int evalf_call(int b, const struct value *a, int na, struct value *out, struct strbuf *obuf,
	       char *err, size_t errlen)
{
	char buf[MAXSTR * 4];
	if (b >= B_REGEX_MATCH && b <= B_NGROUPS)
		return evalr_call(b, a, out, err, errlen);	/* runtime/eval_regex.c */
	switch (b) {
	case B_ERRNO_STR:
		value_str(out, errno_name(a[0].num));
		return EVALF_OK;
	case B_SIGNAL_STR:
		value_str(out, a[0].num >= 0 && a[0].num < FUNC_NSIG ? func_signal_names[a[0].num] : "");
		return EVALF_OK;
	case B_RETURN_STR: {
		int64_t f = a[0].num, r = a[1].num;
		if (r < 0 && errno_name(r)[0])
			snprintf(buf, sizeof(buf), "%" PRId64 " (%s)", r, errno_name(r));
		else if (f == 2)
			snprintf(buf, sizeof(buf), "0x%" PRIx64, (uint64_t)r);
		else if (f == 3)
			snprintf(buf, sizeof(buf), "0%" PRIo64, (uint64_t)r);	/* stap: 0 is "00" */
		else
			snprintf(buf, sizeof(buf), "%" PRId64, r);
		value_str(out, buf);
		return EVALF_OK;
	}
	case B_STRING_QUOTED:
		evalf_text_str(buf, a[0].str, maxstr, maxstr, 1, 0);
		value_str(out, buf);
		return EVALF_OK;
	case B_TEXT_STR:
		evalf_text_str(buf, a[0].str, 0, 0, 0, 0);
		value_str(out, buf);
		return EVALF_OK;
	case B_TEXT_STRN: {
		int64_t len = a[1].num < 0 ? 0 : a[1].num > maxstr ? maxstr : a[1].num;
		evalf_text_str(buf, a[0].str, 0, (int)len, a[2].num != 0, 0);
		value_str(out, buf);
		return EVALF_OK;
	}
	case B_USER_STRING_QUOTED:
	case B_USER_STRING_N_QUOTED:
	case B_KERNEL_STRING_QUOTED:
		/* no traced task's or kernel memory here: every read faults, and stap gives this */
		snprintf(buf, sizeof(buf), "0x%" PRIx64, (uint64_t)a[0].num);
		value_str(out, buf);
		return EVALF_OK;
	case B_USER_BUFFER_QUOTED:
	case B_KERNEL_BUFFER_QUOTED: {
		int64_t o = na > 2 ? a[2].num : maxstr;
		int64_t ol = o < 0 ? 0 : o > maxstr ? maxstr : o;
		snprintf(buf, sizeof(buf), "0x%" PRIx64, (uint64_t)a[0].num);
		if (ol < (int64_t)sizeof(buf))
			buf[ol ? ol - 1 : 0] = 0;
		value_str(out, buf);
		return EVALF_OK;
	}
	case B_SUBSTR: {
		int64_t len = a[2].num + 1 < 0 ? 0 : a[2].num + 1 > MAXSTR ? MAXSTR : a[2].num + 1;
		int64_t start = a[1].num, sl = (int64_t)strlen(a[0].str);
		buf[0] = 0;
		if (start >= 0 && start < sl && len > 0)
			snprintf(buf, (size_t)len, "%s", a[0].str + start);
		value_str(out, buf);
		return EVALF_OK;
	}
	case B_ISINSTR:
		value_long(out, strstr(a[0].str, a[1].str) != NULL);
		return EVALF_OK;
	case B_STRPOS: {
		const char *p = strstr(a[0].str, a[1].str);
		value_long(out, p ? p - a[0].str : -1);
		return EVALF_OK;
	}
	case B_STRINGAT:
		if (a[1].num >= 0 && a[1].num < (int64_t)strlen(a[0].str)) {
			value_long(out, (signed char)a[0].str[a[1].num]);
			return EVALF_OK;
		}
		snprintf(err, errlen, "Position out of bounds");
		return EVALF_ERROR;
	case B_STR_REPLACE: {
		const char *p = a[0].str, *s = a[1].str, *r = a[2].str, *q;
		size_t sl = strlen(s);
		if (!sl) {
			value_str(out, p);
			return EVALF_OK;
		}
		struct strbuf sb = { 0 };
		while ((q = strstr(p, s))) {
			strbuf_append(&sb, p, (size_t)(q - p));
			strbuf_puts(&sb, r);
			p = q + sl;
		}
		strbuf_puts(&sb, p);
		value_str(out, strbuf_str(&sb));
		strbuf_free(&sb);
		return EVALF_OK;
	}
	case B_STRTOL:
		value_long(out, simple_strtol(a[0].str, a[1].num));
		return EVALF_OK;
	case B_ISDIGIT:
		value_long(out, a[0].str[0] >= '0' && a[0].str[0] <= '9');
		return EVALF_OK;
	case B_MAJOR:
		value_long(out, (int64_t)((uint64_t)a[0].num >> 20 & 0xfff));
		return EVALF_OK;
	case B_MINOR:
		value_long(out, (int64_t)((uint64_t)a[0].num & 0xfffff));
		return EVALF_OK;
	case B_MKDEV:
		value_long(out, (int64_t)(uint32_t)(((uint32_t)a[0].num << 20) | (uint32_t)a[1].num));
		return EVALF_OK;
	case B_IP_NTOP: {
		uint32_t v = (uint32_t)a[0].num;
		snprintf(buf, sizeof(buf), "%u.%u.%u.%u", v & 0xff, v >> 8 & 0xff, v >> 16 & 0xff,
			 v >> 24);
		value_str(out, buf);
		return EVALF_OK;
	}
	case B_RANDINT: {
		if ((uint64_t)a[0].num > 1024 * 1024) {
			snprintf(err, errlen, "range too wide");
			return EVALF_ERROR;
		}
		uint32_t r = 0;
		if (getrandom(&r, sizeof(r), 0) != sizeof(r))
			r = (uint32_t)now_ns(CLOCK_MONOTONIC);
		value_long(out, a[0].num ? (int64_t)(((uint64_t)r * (uint64_t)a[0].num) >> 32) : 0);
		return EVALF_OK;
	}
	case B_TOKENIZE:
		tokenize(na > 1 ? a[0].str : "", a[na - 1].str, buf);
		value_str(out, buf);
		return EVALF_OK;
	case B_JIFFIES: value_long(out, read_jiffies()); return EVALF_OK;
	case B_LOCAL_CLOCK_NS: value_long(out, now_ns(CLOCK_MONOTONIC)); return EVALF_OK;
	case B_LOCAL_CLOCK_US: value_long(out, now_ns(CLOCK_MONOTONIC) / 1000); return EVALF_OK;
	case B_LOCAL_CLOCK_MS: value_long(out, now_ns(CLOCK_MONOTONIC) / 1000000); return EVALF_OK;
	case B_LOCAL_CLOCK_S: value_long(out, now_ns(CLOCK_MONOTONIC) / 1000000000); return EVALF_OK;
	case B_CPU_CLOCK_NS: value_long(out, now_ns(CLOCK_MONOTONIC)); return EVALF_OK;
	case B_CPU_CLOCK_US: value_long(out, now_ns(CLOCK_MONOTONIC) / 1000); return EVALF_OK;
	case B_CPU_CLOCK_MS: value_long(out, now_ns(CLOCK_MONOTONIC) / 1000000); return EVALF_OK;
	case B_CPU_CLOCK_S: value_long(out, now_ns(CLOCK_MONOTONIC) / 1000000000); return EVALF_OK;
	case B_CTIME:	/* ctime(): now */
		if (ctime_str(na ? a[0].num : now_ns(CLOCK_REALTIME) / 1000000000, buf, err, errlen) < 0)
			return EVALF_ERROR;
		value_str(out, buf);
		return EVALF_OK;
	case B_ANSI_CLEAR_SCREEN: strbuf_puts(obuf, "\033[1;1H\033[J"); return EVALF_OK;
	case B_ANSI_SET_COLOR:
		if (na == 1)
			strbuf_printf(obuf, "\033[%" PRId64 "m", a[0].num);
		else if (na == 2 || !a[2].num)
			strbuf_printf(obuf, "\033[%" PRId64 ";%" PRId64 "m", a[1].num, a[0].num);
		else
			strbuf_printf(obuf, "\033[%" PRId64 ";%" PRId64 ";%" PRId64 "m", a[1].num,
				      a[0].num, a[2].num);
		return EVALF_OK;
	case B_ANSI_RESET_COLOR: strbuf_puts(obuf, "\033[0;0m"); return EVALF_OK;
	case B_ANSI_NEW_LINE: strbuf_puts(obuf, "\n"); return EVALF_OK;
	case B_ANSI_CURSOR_MOVE:
		strbuf_printf(obuf, "\033[%" PRId64 ";%" PRId64 "H", a[1].num, a[0].num);
		return EVALF_OK;
	case B_ANSI_CURSOR_HIDE: strbuf_puts(obuf, "\033[>5I"); return EVALF_OK;
	case B_ANSI_CURSOR_SHOW: strbuf_puts(obuf, "\033[>5h"); return EVALF_OK;
	case B_ANSI_CURSOR_SAVE: strbuf_puts(obuf, "\033[s"); return EVALF_OK;
	case B_ANSI_CURSOR_RESTORE: strbuf_puts(obuf, "\033[u"); return EVALF_OK;
	default:
	{
		int r = evalf_sys_call(b, a, na, out, obuf, err, errlen);	/* runtime/sysfuncs.c */
		return r != EVALF_UNKNOWN ? r : evalt_call(b, a, na, out);	/* runtime/eval_task.c */
	}
	}
}
