/*
 * The standard function library in kernel probes: each call becomes a call of a helper of
 * bstap.bpf.h's library section on strings in whole MAXSTR scratch buffers. runtime/eval_funcs.c
 * is the userspace half; both follow SystemTap's tapset sources.
 */
#include "bpf/gen_funcs.h"
#include "bpf/gen_sys.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "prog/abi.h"
#include "prog/builtins.h"
#include "prog/funcnames.h"
#include "prog/strbuf.h"
#include "prog/regex_dfa.h"

#define MAXSTR (x->maxstr)

const char *gen_api_printf(struct gen_api *x, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = arena_vprintf(x->a, fmt, ap);
	va_end(ap);
	return s;
}

#define S gen_api_printf

static const char *ARG(struct gen_api *x, struct node *n, uint32_t i)
{
	return x->ex(x->g, n->u.call.args.v[i]);
}

static const char *FULL(struct gen_api *x, struct node *n, uint32_t i)
{
	return x->full(x->g, n->u.call.args.v[i]);
}

static uint32_t T(struct gen_api *x)
{
	return x->tmp(x->g, x->strbuf);
}

/* scratch for a library loop's state (BSTAP_FN_WORK in bstap.bpf.h) */
static const char *W(struct gen_api *x)
{
	return S(x, "BSTAP_T(%u)", x->tmp(x->g, 64));
}

/* A name table as a C initializer: rows of w bytes. */
static const char *table(struct gen_api *x, const char *rows, uint32_t n, uint32_t w)
{
	struct strbuf sb = { 0 };
	strbuf_puts(&sb, "{ ");
	for (uint32_t i = 0; i < n; i++)
		strbuf_printf(&sb, "\"%s\", ", rows + (size_t)i * w);
	strbuf_puts(&sb, "}");
	const char *r = arena_strdup(x->a, strbuf_str(&sb));
	strbuf_free(&sb);
	return r;
}

static const char *errno_name(struct gen_api *x, const char *e)
{
	uint32_t k = x->uniq(x->g);
	return S(x, "({ static const char _et%u[%u][%u] = %s; s64 _e%u = (s64)(%s); "
		 "bstap_name(BSTAP_T(%u), _e%u < 0 ? bstap_neg(_e%u) : _e%u, &_et%u[0][0], %u, %u); })",
		 k, FUNC_NERRNO, FUNC_ERRNO_WIDTH,
		 table(x, &func_errno_names[0][0], FUNC_NERRNO, FUNC_ERRNO_WIDTH), k, e, T(x), k, k, k,
		 k, FUNC_NERRNO, FUNC_ERRNO_WIDTH);
}

/* A call that may raise a runtime error: the handler unwinds after it. */
static const char *checked(struct gen_api *x, const char *type, const char *call)
{
	uint32_t k = x->uniq(x->g);
	return S(x, "({ %s _v%u = %s; if (S->err) { %s; } _v%u; })", type, k, call, x->abort, k);
}

static uint32_t site(struct gen_api *x, struct node *n)
{
	return x->site(x->g, S(x, "identifier '%s'", n->u.call.name), &n->loc);
}

static const char *print_longs(struct gen_api *x, const char *fmt, uint32_t nargs, const char **c)
{
	enum type t[4] = { T_LONG, T_LONG, T_LONG, T_LONG };
	return x->printf_c(x->g, fmt, nargs, t, c);
}

/* s =~ "re": the pattern's DFA as a static const table, walked by bstap_re_match() */
static const char *regex_call(struct gen_api *x, struct node *n)
{
	const struct node *re = n->u.call.args.v[1];
	static struct regex_dfa d;
	char why[160];
	if (re->kind != N_STR || regex_dfa_build(re->u.str.s, re->u.str.len, &d, why, sizeof(why)))
		return NULL;	/* gen.c says why (gen_regex_why) */
	struct strbuf sb = { 0 };
	strbuf_puts(&sb, "{ .next = {");
	for (uint32_t k = 0; k < d.nstates; k++) {
		strbuf_printf(&sb, " [%u] = {", k);
		for (int c = 1; c < 256;) {
			int e = c;
			while (e + 1 < 256 && d.next[k][e + 1] == d.next[k][c])
				e++;
			if (d.next[k][c])
				strbuf_printf(&sb, " [%d ... %d] = %u,", c, e, d.next[k][c]);
			c = e + 1;
		}
		strbuf_puts(&sb, " },");
	}
	strbuf_puts(&sb, " }, .acc = {");
	for (uint32_t k = 0; k < d.nstates; k++)
		if (d.acc[k])
			strbuf_printf(&sb, " [%u] = %u,", k, d.acc[k]);
	strbuf_puts(&sb, " } }");
	uint32_t k = x->uniq(x->g);
	const char *r = S(x, "({ static const struct bstap_re _re%u = %s; s64 _m%u = "
			  "bstap_re_match(%s, &_re%u, %s); %s_m%u; })", k, strbuf_str(&sb), k, W(x), k,
			  FULL(x, n, 0), n->u.call.builtin == B_REGEX_NOMATCH ? "!" : "", k);
	strbuf_free(&sb);
	return r;
}

bool gen_regex_why(struct arena *a, const struct node *n, const char **why)
{
	int b = n->u.call.builtin;
	if (b == B_MATCHED || b == B_MATCHED_STR || b == B_NGROUPS) {
		*why = arena_printf(a, "'%s' reads the captures of the last =~, which kernel probes "
				    "do not keep: use it in begin/end/error, or in a timer probe that "
				    "uses no task context (pid(), execname(), ...), which then runs in "
				    "userspace", n->u.call.name);
		return true;
	}
	if (b != B_REGEX_MATCH && b != B_REGEX_NOMATCH)
		return false;
	const struct node *re = n->u.call.args.v[1];
	static struct regex_dfa d;
	char msg[160] = "a literal pattern";
	if (re->kind == N_STR)
		regex_dfa_build(re->u.str.s, re->u.str.len, &d, msg, sizeof(msg));
	*why = arena_printf(a, "this regular expression cannot run in a kernel probe, whose "
			    "matcher has no %s: match in begin/end/error, or in a timer probe that "
			    "uses no task context, which then runs in userspace", msg);
	return true;
}

const char *gen_func_call(struct gen_api *x, struct node *n)
{
	uint32_t na = n->u.call.args.n;
	switch (n->u.call.builtin) {
	case B_ERRNO_STR:
		return errno_name(x, ARG(x, n, 0));
	case B_SIGNAL_STR: {
		uint32_t k = x->uniq(x->g);
		return S(x, "({ static const char _st%u[%u][%u] = %s; "
			 "bstap_name(BSTAP_T(%u), (s64)(%s), &_st%u[0][0], %u, %u); })", k, FUNC_NSIG,
			 FUNC_SIG_WIDTH, table(x, &func_signal_names[0][0], FUNC_NSIG, FUNC_SIG_WIDTH),
			 T(x), ARG(x, n, 0), k, FUNC_NSIG, FUNC_SIG_WIDTH);
	}
	case B_RETURN_STR: {
		uint32_t k = x->uniq(x->g);
		return S(x, "({ s64 _f%u = (s64)(%s); s64 _r%u = (s64)(%s); "
			 "bstap_return_str(BSTAP_T(%u), _f%u, _r%u, %s); })", k, ARG(x, n, 0), k,
			 ARG(x, n, 1), T(x), k, k, errno_name(x, S(x, "_r%u", k)));
	}
	case B_STRING_QUOTED:
		return S(x, "bstap_text_str(%s, BSTAP_T(%u), %s, %d, %d, 1, 0)", W(x), T(x), FULL(x, n, 0), MAXSTR,
			 MAXSTR);
	case B_TEXT_STR:
		return S(x, "bstap_text_str(%s, BSTAP_T(%u), %s, 0, 0, 0, 0)", W(x), T(x), FULL(x, n, 0));
	case B_TEXT_STRN: {
		uint32_t k = x->uniq(x->g);
		return S(x, "({ char *_i%u = %s; s64 _l%u = (s64)(%s); s64 _q%u = (s64)(%s); "
			 "if (_l%u < 0) _l%u = 0; if (_l%u > %d) _l%u = %d; "
			 "bstap_text_str(%s, BSTAP_T(%u), _i%u, 0, _l%u, _q%u != 0, 0); })",
			 k, FULL(x, n, 0), k, ARG(x, n, 1), k, ARG(x, n, 2), k, k, k, MAXSTR, k, MAXSTR,
			 W(x), T(x), k, k, k);
	}
	case B_USER_STRING_QUOTED:
	case B_KERNEL_STRING_QUOTED:
		return S(x, "bstap_ustr_quoted(%s, BSTAP_T(%u), BSTAP_T(%u), (u64)(%s), -1, -1, %d)", W(x),
			 T(x), T(x), ARG(x, n, 0), n->u.call.builtin == B_USER_STRING_QUOTED);
	case B_USER_STRING_N_QUOTED: {
		uint32_t k = x->uniq(x->g);
		return S(x, "({ u64 _a%u = (u64)(%s); s64 _n%u = (s64)(%s); s64 _o%u = %s; "
			 "bstap_ustr_quoted(%s, BSTAP_T(%u), BSTAP_T(%u), _a%u, _n%u < 0 ? 0 : _n%u, _o%u, 1); })",
			 k, ARG(x, n, 0), k, ARG(x, n, 1), k, na > 2 ? ARG(x, n, 2) : S(x, "%d", MAXSTR),
			 W(x), T(x), T(x), k, k, k, k);
	}
	case B_USER_BUFFER_QUOTED:
	case B_KERNEL_BUFFER_QUOTED: {
		uint32_t k = x->uniq(x->g);
		return S(x, "({ u64 _a%u = (u64)(%s); s64 _n%u = (s64)(%s); s64 _o%u = (s64)(%s); "
			 "bstap_ubuf_quoted(%s, BSTAP_T(%u), BSTAP_T(%u), _a%u, _n%u, _o%u, %d); })",
			 k, ARG(x, n, 0), k, ARG(x, n, 1), k, na > 2 ? ARG(x, n, 2) : S(x, "%d", MAXSTR),
			 W(x), T(x), T(x), k, k, k, n->u.call.builtin == B_USER_BUFFER_QUOTED);
	}
	case B_SUBSTR: {
		uint32_t k = x->uniq(x->g);
		return S(x, "({ char *_s%u = %s; s64 _b%u = (s64)(%s); s64 _l%u = (s64)(%s); "
			 "bstap_substr(BSTAP_T(%u), BSTAP_T(%u), _s%u, _b%u, _l%u); })",
			 k, FULL(x, n, 0), k, ARG(x, n, 1), k, ARG(x, n, 2), T(x), T(x), k, k, k);
	}
	case B_REGEX_MATCH:
	case B_REGEX_NOMATCH:
		return regex_call(x, n);
	case B_ISINSTR:
	case B_STRPOS: {
		uint32_t k = x->uniq(x->g);
		return S(x, "({ char *_h%u = %s; char *_n%u = %s; s64 _p%u = bstap_strpos(%s, _h%u, _n%u); %s; })",
			 k, FULL(x, n, 0), k, FULL(x, n, 1), k, W(x), k, k,
			 n->u.call.builtin == B_ISINSTR ? S(x, "(s64)(_p%u >= 0)", k) : S(x, "_p%u", k));
	}
	case B_STRINGAT: {
		uint32_t k = x->uniq(x->g);
		return checked(x, "s64", S(x, "({ char *_s%u = %s; s64 _i%u = (s64)(%s); "
					 "bstap_stringat(S, %u, BSTAP_T(%u), _s%u, _i%u); })", k,
					 FULL(x, n, 0), k, ARG(x, n, 1), site(x, n), T(x), k, k));
	}
	case B_STR_REPLACE: {
		uint32_t k = x->uniq(x->g);
		uint32_t out = x->tmp(x->g, 2 * x->strbuf);	/* room after it: see bstap_repl_step */
		return S(x, "({ char *_s%u = %s; char *_n%u = %s; char *_r%u = %s; "
			 "bstap_str_replace(%s, BSTAP_T(%u), _s%u, _n%u, _r%u); })", k, FULL(x, n, 0), k,
			 FULL(x, n, 1), k, FULL(x, n, 2), W(x), out, k, k, k);
	}
	case B_STRTOL: {
		uint32_t k = x->uniq(x->g);
		return S(x, "({ char *_s%u = %s; s64 _b%u = (s64)(%s); bstap_strtol(%s, _s%u, _b%u); })", k,
			 FULL(x, n, 0), k, ARG(x, n, 1), W(x), k, k);
	}
	case B_ISDIGIT:
		return S(x, "({ char *_d = %s; (s64)(_d[0] >= '0' && _d[0] <= '9'); })", FULL(x, n, 0));
	case B_MAJOR:
		return S(x, "((s64)(((u64)(%s) >> 20) & 0xfff))", ARG(x, n, 0));
	case B_MINOR:
		return S(x, "((s64)((u64)(%s) & 0xfffff))", ARG(x, n, 0));
	case B_MKDEV:
		return S(x, "((s64)(u32)(((u32)(%s) << 20) | (u32)(%s)))", ARG(x, n, 0), ARG(x, n, 1));
	case B_IP_NTOP: {
		uint32_t k = x->uniq(x->g), t = T(x);
		return S(x, "({ u32 _v%u = (u32)(%s); u64 _d%u[4] = { _v%u & 0xff, (_v%u >> 8) & 0xff, "
			 "(_v%u >> 16) & 0xff, _v%u >> 24 }; bpf_snprintf(BSTAP_T(%u), BSTAP_MAXSTR, "
			 "\"%%llu.%%llu.%%llu.%%llu\", _d%u, sizeof(_d%u)); (char *)BSTAP_T(%u); })",
			 k, ARG(x, n, 0), k, k, k, k, k, t, k, k, t);
	}
	case B_TOKENIZE:
		return S(x, "({ char *_ti = %s; char *_td = %s; bstap_tokenize(S, %s, BSTAP_T(%u), _ti, _td); })",
			 na > 1 ? FULL(x, n, 0) : "(char *)\"\"", FULL(x, n, na - 1), W(x), T(x));
	case B_JIFFIES:
		return "((s64)bpf_jiffies64())";
	case B_RANDINT: {
		uint32_t k = x->uniq(x->g);
		return checked(x, "s64", S(x, "({ u64 _n%u = (u64)(%s); s64 _r%u = 0; "
					 "if (_n%u > 1024 * 1024) bstap_fn_error(S, %u, \"range too wide\"); "
					 "else _r%u = (s64)(((u64)bpf_get_prandom_u32() * _n%u) >> 32); _r%u; })",
					 k, ARG(x, n, 0), k, k, site(x, n), k, k, k));
	}
	case B_LOCAL_CLOCK_NS: return "((s64)bpf_ktime_get_ns())";
	case B_LOCAL_CLOCK_US: return "((s64)(bpf_ktime_get_ns() / 1000))";
	case B_LOCAL_CLOCK_MS: return "((s64)(bpf_ktime_get_ns() / 1000000))";
	case B_LOCAL_CLOCK_S: return "((s64)(bpf_ktime_get_ns() / 1000000000))";
	case B_CPU_CLOCK_NS:
	case B_CPU_CLOCK_US:
	case B_CPU_CLOCK_MS:
	case B_CPU_CLOCK_S: {
		static const char *const div[] = { "1", "1000", "1000000", "1000000000" };
		/* the argument is evaluated; every CPU reads the one monotonic clock */
		return S(x, "({ (void)(%s); (s64)(bpf_ktime_get_ns() / %s); })", ARG(x, n, 0),
			 div[n->u.call.builtin - B_CPU_CLOCK_NS]);
	}
	case B_CTIME:
		return checked(x, "char *", S(x, "bstap_ctime(S, %u, BSTAP_T(%u), (s64)(%s))", site(x, n),
					    T(x), na ? ARG(x, n, 0) :
					    "bstap_div(bstap_realtime_ns(), 1000000000)"));
	case B_ANSI_CLEAR_SCREEN: return x->printf_c(x->g, "\033[1;1H\033[J", 0, NULL, NULL);
	case B_ANSI_RESET_COLOR: return x->printf_c(x->g, "\033[0;0m", 0, NULL, NULL);
	case B_ANSI_NEW_LINE: return x->printf_c(x->g, "\n", 0, NULL, NULL);
	case B_ANSI_CURSOR_HIDE: return x->printf_c(x->g, "\033[>5I", 0, NULL, NULL);
	case B_ANSI_CURSOR_SHOW: return x->printf_c(x->g, "\033[>5h", 0, NULL, NULL);
	case B_ANSI_CURSOR_SAVE: return x->printf_c(x->g, "\033[s", 0, NULL, NULL);
	case B_ANSI_CURSOR_RESTORE: return x->printf_c(x->g, "\033[u", 0, NULL, NULL);
	case B_ANSI_CURSOR_MOVE: {
		uint32_t k = x->uniq(x->g);
		const char *c[2] = { S(x, "_y%u", k), S(x, "_x%u", k) };
		return S(x, "({ s64 _x%u = (s64)(%s); s64 _y%u = (s64)(%s); %s; })", k, ARG(x, n, 0), k,
			 ARG(x, n, 1), print_longs(x, "\033[%d;%dH", 2, c));
	}
	case B_ANSI_SET_COLOR: {
		uint32_t k = x->uniq(x->g);
		const char *c[3] = { S(x, "_b%u", k), S(x, "_f%u", k), S(x, "_t%u", k) };
		if (na == 1)
			return S(x, "({ s64 _f%u = (s64)(%s); %s; })", k, ARG(x, n, 0),
				 print_longs(x, "\033[%dm", 1, c + 1));
		return S(x, "({ s64 _f%u = (s64)(%s); s64 _b%u = (s64)(%s); s64 _t%u = %s; "
			 "if (_t%u) %s; else %s; 0; })", k, ARG(x, n, 0), k, ARG(x, n, 1), k,
			 na > 2 ? ARG(x, n, 2) : "0", k, print_longs(x, "\033[%d;%d;%dm", 3, c),
			 print_longs(x, "\033[%d;%dm", 2, c));
	}
	default:
	{
		const char *r = gen_sys_call(x, n);	/* bpf/gen_sys.c */
		return r ? r : gen_task_call(x, n);	/* bpf/gen_task.c */
	}
	}
}
