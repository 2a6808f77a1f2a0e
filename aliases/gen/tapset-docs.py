#!/usr/bin/env python3
"""Write docs/tapsets.md from the alias libraries' own doc comments.

  python3 aliases/gen/tapset-docs.py [ALIASES_DIR] > docs/tapsets.md

A doc comment precedes each alias and function:

  /**
   * probe NAME - summary            (or: sfunction NAME - summary)
   * @var: what it holds
   *
   * Free text.
   */

A file's leading // lines describe the file. Files with many entries (the generated system-call
library) are listed as one table row per alias; the others in full. tests/live/tapset-docs.sh
fails when docs/tapsets.md is not what this prints.
"""
import os
import re
import sys

ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
COMPACT = 40


def entries(text):
    out = []
    for m in re.finditer(r"/\*\*(.*?)\*/", text, re.S):
        lines = [re.sub(r"^\s*\* ?", "", l) for l in m.group(1).strip("\n").split("\n")]
        lines = [l.rstrip() for l in lines]
        head = re.match(r"(probe|sfunction)\s+(\S+)\s+-\s+(.*)", lines[0].strip()) if lines else None
        if not head:
            continue
        kind, name, summary = head.groups()
        params, text_lines = [], []
        for l in lines[1:]:
            p = re.match(r"@(\w+):\s*(.*)", l.strip())
            if p:
                params.append(p.groups())
            elif l.strip() or text_lines:
                text_lines.append(l.strip())
        out.append((kind, name, summary, params, " ".join(t for t in text_lines if t)))
    return out


def header(text):
    lines = []
    for l in text.split("\n"):
        if l.startswith("//"):
            lines.append(l[2:].strip())
        else:
            break
    return " ".join(l for l in lines if l)


def main():
    files = []
    for dirpath, dirnames, names in os.walk(ROOT):
        dirnames[:] = sorted(d for d in dirnames if d != "gen")
        for n in sorted(names):
            if n.endswith(".stp"):
                files.append(os.path.relpath(os.path.join(dirpath, n), ROOT))
    files.sort(key=lambda f: (f.count("/"), f))
    o = sys.stdout
    o.write("# Tapset reference\n\n")
    o.write("The alias libraries bstap installs (`aliases/`), generated from their doc comments by\n"
            "`aliases/gen/tapset-docs.py`; do not edit by hand. A script uses an alias or function by\n"
            "its name: the file that defines it joins the script (docs/language.md, *Alias\n"
            "libraries*).\n\n")
    for f in files:
        with open(os.path.join(ROOT, f)) as fh:
            text = fh.read()
        es = entries(text)
        if not es:
            continue
        o.write("## %s\n\n" % f)
        h = header(text)
        if h:
            o.write(h + "\n\n")
        if len(es) > COMPACT:
            o.write("| %s | variables | summary |\n| --- | --- | --- |\n" % ("alias or function"))
            for kind, name, summary, params, _ in es:
                o.write("| `%s` | %s | %s |\n" % (name, ", ".join("`%s`" % p for p, _ in params),
                                                 summary.replace("|", "\\|")))
            o.write("\n")
            continue
        for kind, name, summary, params, free in es:
            o.write("### `%s`%s\n\n%s\n\n" % (name, " (function)" if kind == "sfunction" else "", summary))
            for p, d in params:
                o.write("- `%s`: %s\n" % (p, d))
            if params:
                o.write("\n")
            if free:
                o.write(free + "\n\n")


main()
