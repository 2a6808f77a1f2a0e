/* User-space probe builtins in generated C (bpf/bstap.bpf.h has the helpers they use). */
#include "bpf/gen_uprobe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog/builtins.h"

/* x86-64 struct pt_regs byte offsets, by the names stap's u_register() takes. */
static const struct { const char *name; unsigned off, bits; } regs[] = {
	{ "r15", 0, 64 }, { "r14", 8, 64 }, { "r13", 16, 64 }, { "r12", 24, 64 },
	{ "rbp", 32, 64 }, { "rbx", 40, 64 }, { "r11", 48, 64 }, { "r10", 56, 64 },
	{ "r9", 64, 64 }, { "r8", 72, 64 }, { "rax", 80, 64 }, { "rcx", 88, 64 },
	{ "rdx", 96, 64 }, { "rsi", 104, 64 }, { "rdi", 112, 64 }, { "orig_rax", 120, 64 },
	{ "rip", 128, 64 }, { "cs", 136, 64 }, { "eflags", 144, 64 }, { "flags", 144, 64 },
	{ "rsp", 152, 64 }, { "ss", 160, 64 },
	{ "eax", 80, 32 }, { "ebx", 40, 32 }, { "ecx", 88, 32 }, { "edx", 96, 32 },
	{ "esi", 104, 32 }, { "edi", 112, 32 }, { "ebp", 32, 32 }, { "esp", 152, 32 },
	{ "ax", 80, 64 }, { "bx", 40, 64 }, { "cx", 88, 64 }, { "dx", 96, 64 },
	{ "si", 104, 64 }, { "di", 112, 64 }, { "bp", 32, 64 }, { "sp", 152, 64 },
	{ "ip", 128, 64 },
};

bool gen_uprobe_builtin_known(int b)
{
	return builtin_uregs(b) || (b >= B_USER_CHAR && b <= B_USER_UINT64) || b == B_USYMNAME;
}

#define USYM_NAMELEN 48	/* bytes kept of each function name for usymname() */

/*
 * usymname(addr): the function of the probe's program that holds addr, found by binary search
 * in a table of its functions (link-time addresses, sizes, names) once the program's load base
 * (mm->start_code less its lowest code address) is taken off; else the address in hex, as stap.
 */
static const char *usymname(struct arena *a, const char *addr, const char *buf,
			    const struct tvar_set *tv)
{
	if (!tv || !tv->nusyms)
		return arena_printf(a, "bstap_hex(%s, (u64)(%s))", buf, addr);
	struct strbuf_lite { char *s; size_t len; } t = { NULL, 0 };
	FILE *f = open_memstream(&t.s, &t.len);
	if (!f)
		return NULL;
	uint32_t n = tv->nusyms;
	fprintf(f, "({ u64 _ua = (u64)(%s); char *_us = %s; static const u64 _uaddr[%u] = {", addr,
		buf, n);
	for (uint32_t i = 0; i < n; i++)
		fprintf(f, "%s0x%llxULL", i ? ", " : " ", (unsigned long long)tv->usyms[i].addr);
	fprintf(f, " }; static const u64 _usize[%u] = {", n);
	/* a symbol of no size reaches to the next one; the last such holds nothing */
	for (uint32_t i = 0; i < n; i++) {
		uint64_t size = tv->usyms[i].size;
		if (!size && i + 1 < n)
			size = tv->usyms[i + 1].addr - tv->usyms[i].addr;
		fprintf(f, "%s%llu", i ? ", " : " ", (unsigned long long)size);
	}
	fprintf(f, " }; static const char _uname[%u][%u] = {", n, USYM_NAMELEN);
	for (uint32_t i = 0; i < n; i++) {
		fprintf(f, "%s\"", i ? ", " : " ");
		const char *nm = tv->usyms[i].name;
		for (size_t k = 0; nm[k] && k < USYM_NAMELEN - 1; k++)
			fputc(nm[k] == '"' || nm[k] == '\\' || (unsigned char)nm[k] < ' ' ||
			      (unsigned char)nm[k] > '~' ? '?' : nm[k], f);
		fprintf(f, "\"");
	}
	fprintf(f, " }; u64 _rel = _ua - bstap_ubase(0x%llxULL); u32 _lo = 0, _hi = %u; "
		"for (int _i = 0; _i < 32 && _lo + 1 < _hi; _i++) { u32 _m = (_lo + _hi) / 2; "
		"if (_m >= %u) break; if (_uaddr[_m] <= _rel) _lo = _m; else _hi = _m; } "
		"if (_lo < %u && _uaddr[_lo] <= _rel && _rel - _uaddr[_lo] < _usize[_lo]) "
		"bpf_probe_read_kernel_str(_us, %u, _uname[_lo]); "
		"else bstap_hex(_us, _ua); _us; })",
		(unsigned long long)tv->text_vaddr, n, n, n, USYM_NAMELEN);
	fclose(f);
	const char *r = arena_strdup(a, t.s ? t.s : "");
	free(t.s);
	return r;
}

/* The C type an n_arg() or user_X() builtin reads its value as. */
static const char *value_type(int b)
{
	switch (b) {
	case B_INT_ARG: case B_S32_ARG: case B_USER_INT: case B_USER_INT32: return "s32";
	case B_UINT_ARG: case B_U32_ARG: case B_USER_UINT32: return "u32";
	case B_SHORT_ARG: case B_USER_SHORT: case B_USER_INT16: return "s16";
	case B_USHORT_ARG: case B_USER_USHORT: case B_USER_UINT16: return "u16";
	case B_CHAR_ARG: case B_USER_CHAR: case B_USER_INT8: return "s8";
	case B_UCHAR_ARG: case B_USER_UINT8: return "u8";
	case B_ULONG_ARG: case B_ULONGLONG_ARG: case B_POINTER_ARG: case B_U64_ARG:
	case B_USER_UINT64: return "u64";
	default: return "s64";
	}
}

const char *gen_uprobe_builtin(struct arena *a, const struct node *n, const char *arg0,
			       const char *strbuf, const struct tvar_set *tv, const char **why)
{
	int b = n->u.call.builtin;
	if (b == B_USYMNAME) {
		const char *r = usymname(a, arg0, strbuf, tv);
		if (!r)
			*why = "out of memory";
		return r;
	}
	if (b == B_U_REGISTER) {
		const struct node *r = n->u.call.args.v[0];
		if (r->kind != N_STR) {
			*why = "u_register() needs the register's name as a literal string: "
			       "u_register(\"rax\")";
			return NULL;
		}
		for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
			if (strlen(regs[i].name) == r->u.str.len &&
			    !memcmp(regs[i].name, r->u.str.s, r->u.str.len))
				return arena_printf(a, "(s64)(%s)bstap_ureg(S->ctx, %u)",
						    regs[i].bits == 32 ? "u32" : "u64", regs[i].off);
		*why = arena_printf(a, "u_register(): unknown register '%.*s' (x86-64: rax, rbx, rcx, "
				    "rdx, rsi, rdi, rbp, rsp, r8-r15, rip, eax, ...)",
				    (int)r->u.str.len, r->u.str.s);
		return NULL;
	}
	if (builtin_uregs(b))
		return arena_printf(a, "(s64)(%s)bstap_uarg(S->ctx, %s)", value_type(b), arg0);
	return arena_printf(a, "BSTAP_USER_READ(%s, %s)", value_type(b), arg0);
}

bool gen_uses_usdt(const struct program *p)
{
	for (uint32_t i = 0; i < p->probes.n; i++)
		if (p->probes.v[i]->at.kind == PK_USDT && p->probes.v[i]->place == PLACE_KERNEL)
			return true;
	return false;
}
