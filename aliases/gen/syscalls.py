#!/usr/bin/env python3
"""Generate aliases/syscalls.stp: syscall.NAME and syscall.NAME.return for every system call
this kernel has tracepoints for, from the tracepoint formats (argument names and types) and the
system-call numbers of <asm/unistd_64.h>.

  python3 aliases/gen/syscalls.py [TRACEFS] [UNISTD_H] > aliases/syscalls.stp

Each alias attaches to raw_syscalls:sys_enter (or sys_exit) and starts with
`if ($id != NR) next`, so `syscall.*` is one program whose events are dispatched by number
(lang/guards.c). Argument variables take stap's names (pointers NAME_uaddr, strings quoted),
argstr is built from per-type formats, and the decoders of aliases/syscall_decode.stp take the
arguments they know (flags, modes, signals, AT_FDCWD). OVERRIDES below holds what the formats
cannot say.
"""
import os
import re
import sys

TRACEFS = sys.argv[1] if len(sys.argv) > 1 else "/sys/kernel/tracing"
UNISTD = sys.argv[2] if len(sys.argv) > 2 else "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"

SIGNED32 = {"int", "pid_t", "key_t", "mqd_t", "timer_t", "clockid_t", "const clockid_t", "const int"}
SIGNED64 = {"long", "loff_t", "off_t", "__kernel_old_time_t"}
UNSIGNED = {"unsigned int", "u32", "uid_t", "gid_t", "umode_t", "unsigned", "const __u32", "__u32",
            "qid_t", "rwf_t", "old_uid_t", "old_gid_t", "unsigned short", "u16"}
UNSIGNED64 = {"size_t", "unsigned long", "u64", "aio_context_t", "__u64", "const unsigned long",
              "cap_user_header_t", "cap_user_data_t"}
STRING_NAMES = re.compile(r"(name|path|file|^special|^library|^type$|^key$|^dev_name$|^dir_name$|^uargs$)")

# stap's own spellings where a kernel's argument name differs, per syscall: {arg: var}
RENAME = {
    "exit_group": {"error_code": "status"},
    "exit": {"error_code": "status"},
    "mmap": {"addr": "start", "off": "pgoffset"},
}

# argstr formats and extra variables that the types cannot give (stap's tapset is the reference)
OVERRIDES = {
    "openat": {
        "vars": ["dfd_str = _dfd_str(dfd)", "flags_str = _sys_open_flag_str(flags)"],
        "argstr": 'flags & 0x410040 ? sprintf("%s, %s, %s, %#o", dfd_str, filename, flags_str, mode) '
                  ': sprintf("%s, %s, %s", dfd_str, filename, flags_str)',
    },
    "open": {
        "vars": ["flags_str = _sys_open_flag_str(flags)"],
        "argstr": 'flags & 0x410040 ? sprintf("%s, %s, %#o", filename, flags_str, mode) '
                  ': sprintf("%s, %s", filename, flags_str)',
    },
    "creat": {"argstr": 'sprintf("%s, %#o", pathname, mode)'},
    "write": {
        "vars": ["buf_str = _user_buffer_quoted(buf_uaddr, count)"],
        "argstr": 'sprintf("%d, %s, %u", fd, buf_str, count)',
    },
    "mmap": {
        "vars": ["prot_str = _mprotect_prot_str(prot)", "flags_str = _mmap_flags(flags)"],
        "argstr": 'sprintf("%p, %u, %s, %s, %d, %d", start, len, prot_str, flags_str, fd, pgoffset)',
        "fix": {"fd": "__int32"},
        "retfmt": 2,
    },
    "mprotect": {
        "vars": ["prot_str = _mprotect_prot_str(prot)"],
        "argstr": 'sprintf("%p, %u, %s", start, len, prot_str)',
        "rename": {"start": "start"},
    },
    "clone": {
        "vars": ["clone_flags_str = _clone_flags_str(clone_flags)"],
        "argstr": 'sprintf("%s, %p, %p, %p, %p", clone_flags_str, newsp, parent_tid_uaddr, child_tid_uaddr, tls)',
        "rename": {"parent_tidptr": "parent_tid", "child_tidptr": "child_tid"},
        "hexvars": ["newsp", "tls"],
    },
    "kill": {"argstr": 'sprintf("%d, %s", pid, sig_str)'},
    "tkill": {"argstr": 'sprintf("%d, %s", pid, sig_str)'},
    "tgkill": {"argstr": 'sprintf("%d, %d, %s", tgid, pid, sig_str)'},
    "brk": {"retfmt": 2},
    "munmap": {"argstr": 'sprintf("%p, %u", addr, len)', "hexvars": ["addr"]},
}


def syscall_numbers():
    nr = {}
    with open(UNISTD) as f:
        for line in f:
            m = re.match(r"#define __NR_(\w+)\s+(\d+)", line)
            if m:
                nr[m.group(1)] = int(m.group(2))
    return nr


def fields(event):
    out = []
    with open(os.path.join(TRACEFS, "events/syscalls", event, "format")) as f:
        for line in f:
            m = re.match(r"\s*field:(.*?)\s*(\w+);\s*offset:(\d+);\s*size:(\d+);", line)
            if not m:
                continue
            ctype, name = m.group(1).strip(), m.group(2)
            if name.startswith("common_") or name == "__syscall_nr":
                continue
            out.append((ctype, name))
    return out


def arg_var(sc, i, ctype, name, renames, fix):
    """(variable, expression, argstr format) for argument i."""
    var = renames.get(name, name)
    raw = "$args[%d]" % i
    if ctype.endswith("*"):
        bare = ctype.replace("const ", "").replace(" ", "")
        if bare in ("char*",) and STRING_NAMES.search(name):
            return [(var + "_uaddr", raw), (var, "user_string_quoted(%s_uaddr)" % var)], "%s", var
        return [(var + "_uaddr", raw)], "%p", var + "_uaddr"
    if name in ("sig", "signum") and ctype in SIGNED32:
        # a signal number: its name, as stap prints it (SIGTERM)
        return [(var, "__int32(%s)" % raw), (var + "_str", "_signal_name(%s)" % var)], "%s", var + "_str"
    if name in ("addr", "brk", "start", "uaddr", "uaddr2", "new_addr", "old_addr") and \
            ctype in UNSIGNED64:
        # an address held in an integer: printed as a pointer
        return [(var, raw)], "%p", var
    if fix.get(name) == "__int32" or ctype in SIGNED32 or name in ("fd", "dfd", "olddfd", "newdfd"):
        return [(var, "__int32(%s)" % raw)], "%d", var
    if ctype in SIGNED64:
        return [(var, raw)], "%d", var
    if ctype in UNSIGNED:
        return [(var, "__uint32(%s)" % raw)], ("%#o" if ctype == "umode_t" else "%u"), var
    if ctype in UNSIGNED64:
        return [(var, raw)], "%u", var
    return [(var, raw)], "%d", var


def name_tree(items, depth):
    """A balanced tree of ifs over sorted (number, name) pairs: a handful of tests per lookup."""
    pad = "\t" * depth
    if len(items) <= 4:
        return "".join('%sif (nr == %d) return "%s"\n' % (pad, n, name) for n, name in items)
    mid = len(items) // 2
    return ("%sif (nr < %d) {\n%s%s}\n" % (pad, items[mid][0], name_tree(items[:mid], depth + 1), pad)
            + name_tree(items[mid:], depth))


def write_any(nr):
    """aliases/syscall_any.stp: syscall_any and its name table (small, so that a script using it
    does not parse the whole syscalls.stp)."""
    path = os.environ.get("SYSCALL_ANY_OUT")
    if not path:
        return
    items = sorted((n, name) for name, n in nr.items())
    with open(path, "w") as f:
        f.write("""// syscall_any and syscall_any.return: every system call, cheaply (one tracepoint, no
// argument decoding). GENERATED by aliases/gen/syscalls.py from <asm/unistd_64.h>; do not edit.

/**
 * sfunction syscall_name - The name of a system call, from its number
 * @nr: the system call number (x86_64)
 *
 * Returns "" for a number this table does not know.
 */
function syscall_name:string(nr:long)
{
""")
        f.write(name_tree(items, 1))
        f.write("""	return ""
}

/**
 * probe syscall_any - Any system call is entered
 * @syscall_nr: the system call number
 * @name: the system call's name
 *
 * One raw_syscalls:sys_enter program for every system call; no arguments are decoded.
 */
probe syscall_any = kernel.trace("raw_syscalls:sys_enter")
{
	syscall_nr = $id
	name = syscall_name(syscall_nr)
}

/**
 * probe syscall_any.return - Any system call returns
 * @syscall_nr: the system call number
 * @name: the system call's name
 * @retval: the return value
 */
probe syscall_any.return = kernel.trace("raw_syscalls:sys_exit")
{
	syscall_nr = $id
	name = syscall_name(syscall_nr)
	retval = $ret
}
""")


def main():
    nr = syscall_numbers()
    events = sorted(e[len("sys_enter_"):] for e in os.listdir(os.path.join(TRACEFS, "events/syscalls"))
                    if e.startswith("sys_enter_"))
    out = sys.stdout
    out.write("""// syscall.NAME and syscall.NAME.return: every system call this kernel traces.
// GENERATED by aliases/gen/syscalls.py from the kernel's tracepoint formats and
// <asm/unistd_64.h>; do not edit (make aliases-regen; tests/live/syscalls-fresh.sh checks it).
//
// Each alias runs on raw_syscalls:sys_enter / sys_exit and starts with `if ($id != NR) next`:
// bstap dispatches a group of such probes with one switch on the system-call number.

""")
    names = []
    for sc in events:
        n = nr.get(sc)
        if n is None:
            continue
        names.append(sc)
        ov = OVERRIDES.get(sc, {})
        renames = dict(RENAME.get(sc, {}))
        renames.update(ov.get("rename", {}))
        assigns, fmts, vals, doc = [], [], [], []
        for i, (ctype, name) in enumerate(fields("sys_enter_" + sc)):
            pairs, fmt, shown = arg_var(sc, i, ctype, name, renames, ov.get("fix", {}))
            if shown in ov.get("hexvars", []):
                fmt = "%p"
            if sc in ("mmap", "mprotect", "munmap") and shown in ("start", "addr"):
                fmt = "%p"
            assigns += pairs
            fmts.append(fmt)
            vals.append(shown)
            for v, _ in pairs:
                doc.append((v, ctype, name))
        for extra in ov.get("vars", []):
            v, e = [x.strip() for x in extra.split("=", 1)]
            assigns.append((v, e))
        argstr = ov.get("argstr") or (
            'sprintf("%s", %s)' % (", ".join(fmts), ", ".join(vals)) if vals else '""')
        out.write("/**\n * probe syscall.%s - The %s system call (number %d)\n" % (sc, sc, n))
        out.write(" * @name: \"%s\"\n" % sc)
        for v, ctype, name in doc:
            kind = "quoted string at " if v == name and ctype.endswith("*") and v + "_uaddr" in [d[0] for d in doc] else ""
            out.write(" * @%s: argument %s (%s)\n" % (v, name, ctype))
        for extra in ov.get("vars", []):
            v = extra.split("=", 1)[0].strip()
            out.write(" * @%s: %s decoded\n" % (v, v[:-4] if v.endswith("_str") else v))
        out.write(" * @argstr: the arguments as stap prints them\n */\n")
        out.write("probe syscall.%s = kernel.trace(\"raw_syscalls:sys_enter\")\n{\n" % sc)
        out.write("\tif ($id != %d) next\n\tname = \"%s\"\n" % (n, sc))
        for v, e in assigns:
            out.write("\t%s = %s\n" % (v, e))
        out.write("\targstr = %s\n}\n" % argstr)
        out.write("/**\n * probe syscall.%s.return - The %s system call returns\n" % (sc, sc))
        out.write(" * @name: \"%s\"\n * @retval: the return value\n" % sc)
        out.write(" * @retstr: the return value as stap prints it (-2 (ENOENT))\n */\n")
        out.write("probe syscall.%s.return = kernel.trace(\"raw_syscalls:sys_exit\")\n{\n" % sc)
        out.write("\tif ($id != %d) next\n\tname = \"%s\"\n\tretval = $ret\n" % (n, sc))
        out.write("\tretstr = return_str(%d, retval)\n}\n" % ov.get("retfmt", 1))
    write_any(nr)
    out.write("\n// nd_syscall.NAME: the same events (stap's non-debuginfo variants)\n")
    for sc in names:
        out.write("probe nd_syscall.%s = syscall.%s { }\n" % (sc, sc))
        out.write("probe nd_syscall.%s.return = syscall.%s.return { }\n" % (sc, sc))


main()
