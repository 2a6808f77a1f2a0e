/* The built-in functions the language knows, with their types and where they may run. */
#ifndef BSTAP_BUILTINS_H
#define BSTAP_BUILTINS_H

#include "prog/ast.h"

enum builtin {
	B_PRINTF, B_PRINT, B_PRINTLN, B_PRINTD, B_PRINTDLN, B_SPRINTF,
	B_EXIT, B_ERROR,
	B_PID, B_TID, B_PPID, B_UID, B_EXECNAME, B_CPU,
	B_GETTIMEOFDAY_S, B_GETTIMEOFDAY_MS, B_GETTIMEOFDAY_US, B_GETTIMEOFDAY_NS,
	B_KTIME_GET_NS, B_PP, B_STRLEN, B_TARGET,
	B_SPRINT, B_SPRINTLN, B_SPRINTD, B_SPRINTDLN,
	B_LOG, B_WARN, B_ABORT,
	B_USER_STRING, B_USER_STRING_N, B_KERNEL_STRING, B_KERNEL_STRING_N, B_PROBEFUNC,
	/* the standard function library (bpf/gen_funcs.c, runtime/eval_funcs.c) */
	B_ERRNO_STR, B_RETURN_STR, B_SIGNAL_STR,
	B_STRING_QUOTED, B_TEXT_STR, B_TEXT_STRN,
	B_USER_STRING_QUOTED, B_USER_STRING_N_QUOTED, B_USER_BUFFER_QUOTED,
	B_SUBSTR, B_ISINSTR, B_STRPOS, B_STRINGAT, B_STR_REPLACE, B_STRTOL, B_ISDIGIT,
	B_MAJOR, B_MINOR, B_MKDEV, B_IP_NTOP,
	B_JIFFIES, B_HZ, B_RANDINT,
	B_LOCAL_CLOCK_NS, B_LOCAL_CLOCK_US, B_LOCAL_CLOCK_MS, B_LOCAL_CLOCK_S,
	B_CPU_CLOCK_NS, B_CPU_CLOCK_US, B_CPU_CLOCK_MS, B_CPU_CLOCK_S,
	B_CTIME, B_TZ_CTIME,
	B_ANSI_CLEAR_SCREEN, B_ANSI_SET_COLOR, B_ANSI_RESET_COLOR, B_ANSI_NEW_LINE,
	B_ANSI_CURSOR_MOVE, B_ANSI_CURSOR_HIDE, B_ANSI_CURSOR_SHOW, B_ANSI_CURSOR_SAVE,
	B_ANSI_CURSOR_RESTORE, B_TOKENIZE, B_KERNEL_STRING_QUOTED, B_KERNEL_BUFFER_QUOTED,
	/* user-space probes (process(...)): arguments and registers, and user memory */
	B_INT_ARG, B_UINT_ARG, B_LONG_ARG, B_ULONG_ARG, B_LONGLONG_ARG, B_ULONGLONG_ARG,
	B_POINTER_ARG, B_S32_ARG, B_U32_ARG, B_S64_ARG, B_U64_ARG, B_SHORT_ARG, B_USHORT_ARG,
	B_CHAR_ARG, B_UCHAR_ARG, B_U_REGISTER, B_RETURNVAL,
	B_USER_CHAR, B_USER_SHORT, B_USER_USHORT, B_USER_INT, B_USER_LONG, B_USER_INT8,
	B_USER_UINT8, B_USER_INT16, B_USER_UINT16, B_USER_INT32, B_USER_UINT32, B_USER_INT64,
	B_USER_UINT64, B_USYMNAME,
	B_KERNEL_LONG, B_KERNEL_INT, B_KERNEL_SHORT, B_KERNEL_CHAR, B_KERNEL_POINTER,
	B_CAST, B_CAST_STRING,	/* @cast(ptr, tvar index): pass 2 makes them of "@cast" */
	/* running commands, signals, kernel symbols (bpf/gen_sys.c, runtime/sysfuncs.c) */
	B_SYSTEM, B_RAISE, B_SYMNAME, B_SYMDATA, B_PRINT_BACKTRACE,
	B_BACKTRACE, B_PRINT_STACK, B_SPRINT_STACK, B_PRINT_SYMS,
	B_PRINT_UBACKTRACE, B_UBACKTRACE, B_UCALLERS, B_PRINT_USTACK, B_SPRINT_USTACK,
	B_SPRINT_UBACKTRACE, B_USYMDATA,
	B_CALLER, B_CALLER_ADDR, B_SPRINT_BACKTRACE,	/* kernel function probes' caller */
	/* the task functions (bpf/gen_task.c, runtime/eval_task.c) */
	B_TASK_CURRENT, B_TASK_PARENT, B_TASK_PID, B_TASK_TID, B_TASK_EXECNAME, B_TASK_STATE,
	B_TASK_PRIO, B_TASK_NICE, B_TASK_CPU, B_TASK_UID, B_TASK_GID, B_TASK_EUID, B_TASK_EGID,
	B_PID2TASK, B_PID2EXECNAME, B_PEXECNAME, B_SID, B_PGRP, B_EUID, B_GID, B_EGID,
	B_CMDLINE_STR, B_CMDLINE_ARG, B_THREAD_INDENT, B_IS_RETURN,
	/* regular expressions: s =~ "re" and s !~ "re" are calls of these two (the parser
	 * names them by their operators, which no script can call); the captures of the last =~ */
	B_REGEX_MATCH, B_REGEX_NOMATCH, B_MATCHED, B_MATCHED_STR, B_NGROUPS,
	/* the dentry functions (SystemTap's dentry.stp): paths of kernel dentries, files,
	 * inodes (bpf/gen_dentry.c; kernel probes only, lang/taskctx.c) */
	B_TASK_DENTRY_PATH, B_D_NAME, B_REVERSE_PATH_WALK, B_INODE_NAME, B_INODE_PATH, B_D_PATH,
	B_FULLPATH_STRUCT_NAMEIDATA, B_FULLPATH_STRUCT_PATH, B_FULLPATH_STRUCT_FILE, B_REAL_MOUNT,
	/* the probe's context: its return value, function, mode (prog/probectx.h, bpf/gen_ctx.c,
	 * runtime/eval_ctx.c), and the current task's arguments, symbol lists */
	B_RETURNSTR, B_PPFUNC, B_USER_MODE, B_CMDLINE_ARGS, B_SPRINT_SYMS,
	B__COUNT
};

/* The printf and print families take at most this many values (not counting a format or
 * delimiter; '*' widths count): the most one output record carries. */
#define BUILTIN_MAXVALUES 64

struct builtin_info {
	const char *name;
	enum type ret;
	int min_args, max_args;	/* max -1: variadic */
	enum type arg0;		/* T_UNKNOWN: any; for printf-family, the format string type */
	bool tapset;		/* stap defines it in its tapset library, so a script may define its
				 * own function of that name, which then wins (the print family is
				 * the language's own) */
	const char *argtypes;	/* per argument, 'l' long or 's' string, where arg0 does not
				 * say it for all; NULL: arg0's rule */
};

extern const struct builtin_info builtin_table[B__COUNT];

/* Reads the registers of a user-space probe (int_arg(), u_register(), returnval()). */
static inline bool builtin_uregs(int b)
{
	return b >= B_INT_ARG && b <= B_RETURNVAL;
}

/* A task function that reads the running task or a task_struct (bpf/gen_task.c). */
static inline bool builtin_task(int b)
{
	return b >= B_TASK_CURRENT && b <= B_THREAD_INDENT;
}

/* Takes or gives a kernel task address: only a kernel probe has one (lang/taskctx.c). */
static inline bool builtin_task_addr(int b)
{
	return b >= B_TASK_CURRENT && b <= B_PID2TASK;
}

/* A dentry function: reads kernel structures at the addresses it is given (bpf/gen_dentry.c). */
static inline bool builtin_dentry(int b)
{
	return b >= B_TASK_DENTRY_PATH && b <= B_REAL_MOUNT;
}

/* -1 if NAME is not a builtin. */
int builtin_lookup(const char *name);

#endif
