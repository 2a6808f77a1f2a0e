/* Table of built-in functions: names, arity and types, shared by pass 2 and both back ends. */
#include "prog/builtins.h"

#include <string.h>

const struct builtin_info builtin_table[B__COUNT] = {
	[B_PRINTF] = { "printf", T_VOID, 1, -1, T_STRING, false },
	[B_PRINT] = { "print", T_VOID, 0, -1, T_UNKNOWN, false },
	[B_PRINTLN] = { "println", T_VOID, 0, -1, T_UNKNOWN, false },
	[B_PRINTD] = { "printd", T_VOID, 2, -1, T_STRING, false },
	[B_PRINTDLN] = { "printdln", T_VOID, 2, -1, T_STRING, false },
	[B_SPRINTF] = { "sprintf", T_STRING, 1, -1, T_STRING, false },
	[B_EXIT] = { "exit", T_VOID, 0, 0, T_UNKNOWN, true },
	[B_ERROR] = { "error", T_VOID, 1, 1, T_STRING, true },
	[B_PID] = { "pid", T_LONG, 0, 0, T_UNKNOWN, true },
	[B_TID] = { "tid", T_LONG, 0, 0, T_UNKNOWN, true },
	[B_PPID] = { "ppid", T_LONG, 0, 0, T_UNKNOWN, true },
	[B_UID] = { "uid", T_LONG, 0, 0, T_UNKNOWN, true },
	[B_EXECNAME] = { "execname", T_STRING, 0, 0, T_UNKNOWN, true },
	[B_CPU] = { "cpu", T_LONG, 0, 0, T_UNKNOWN, true },
	[B_GETTIMEOFDAY_S] = { "gettimeofday_s", T_LONG, 0, 0, T_UNKNOWN, true },
	[B_GETTIMEOFDAY_MS] = { "gettimeofday_ms", T_LONG, 0, 0, T_UNKNOWN, true },
	[B_GETTIMEOFDAY_US] = { "gettimeofday_us", T_LONG, 0, 0, T_UNKNOWN, true },
	[B_GETTIMEOFDAY_NS] = { "gettimeofday_ns", T_LONG, 0, 0, T_UNKNOWN, true },
	[B_KTIME_GET_NS] = { "ktime_get_ns", T_LONG, 0, 0, T_UNKNOWN, true },
	[B_PP] = { "pp", T_STRING, 0, 0, T_UNKNOWN, true },
	[B_STRLEN] = { "strlen", T_LONG, 1, 1, T_STRING, true },
	[B_USER_STRING] = { "user_string", T_STRING, 1, 2, T_UNKNOWN, true, "ls" },
	[B_USER_STRING_N] = { "user_string_n", T_STRING, 2, 3, T_UNKNOWN, true, "lls" },
	[B_KERNEL_STRING] = { "kernel_string", T_STRING, 1, 2, T_UNKNOWN, true, "ls" },
	[B_KERNEL_STRING_N] = { "kernel_string_n", T_STRING, 2, 3, T_UNKNOWN, true, "lls" },
	[B_PROBEFUNC] = { "probefunc", T_STRING, 0, 0, T_UNKNOWN, true },
	[B_KERNEL_LONG] = { "kernel_long", T_LONG, 1, 1, T_LONG, true },
	[B_KERNEL_INT] = { "kernel_int", T_LONG, 1, 1, T_LONG, true },
	[B_KERNEL_SHORT] = { "kernel_short", T_LONG, 1, 1, T_LONG, true },
	[B_KERNEL_CHAR] = { "kernel_char", T_LONG, 1, 1, T_LONG, true },
	[B_KERNEL_POINTER] = { "kernel_pointer", T_LONG, 1, 1, T_LONG, true },
	/* @cast(ptr, "struct")->chase after pass 2: (ptr, index of its target variable) */
	[B_CAST] = { "@cast", T_LONG, 2, 2, T_LONG, false },
	[B_CAST_STRING] = { "@cast$string", T_STRING, 2, 2, T_LONG, false },
	[B_PRINT_BACKTRACE] = { "print_backtrace", T_VOID, 0, 0, T_UNKNOWN, true },
	[B_TARGET] = { "target", T_LONG, 0, 0, T_UNKNOWN, true },
	[B_SPRINT] = { "sprint", T_STRING, 0, -1, T_UNKNOWN, false },
	[B_SPRINTLN] = { "sprintln", T_STRING, 0, -1, T_UNKNOWN, false },
	[B_SPRINTD] = { "sprintd", T_STRING, 2, -1, T_STRING, false },
	[B_SPRINTDLN] = { "sprintdln", T_STRING, 2, -1, T_STRING, false },
	[B_LOG] = { "log", T_VOID, 1, 1, T_STRING, true },
	[B_WARN] = { "warn", T_VOID, 1, 1, T_STRING, true },
	[B_ABORT] = { "abort", T_VOID, 0, 0, T_UNKNOWN, true },
};

int builtin_lookup(const char *name)
{
	for (int i = 0; i < B__COUNT; i++)
		if (!strcmp(builtin_table[i].name, name))
			return i;
	return -1;
}
