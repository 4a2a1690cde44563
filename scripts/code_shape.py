#!/usr/bin/env python3
"""The shape of the code, as issue #19 measures it: functions over 60 lines,
files over 500 lines, the median function length, and the public surface
(`pub mod`, `pub fn`) of src/. Test modules (`#[cfg(test)]` to the end of
the file) are left out. Braces are counted naively, outside strings, chars
and comments, which is enough for this code base.

usage: python3 scripts/code_shape.py [SRC]"""

import os
import re
import statistics
import sys

FN = re.compile(r"^\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?(unsafe\s+)?fn\s+(\w+)")


def code_of(line, state):
    """The line without comments and string contents; `state` carries a
    block comment or raw string across lines."""
    out, i = [], 0
    while i < len(line):
        if state["block"]:
            end = line.find("*/", i)
            if end < 0:
                return "".join(out)
            state["block"], i = False, end + 2
            continue
        c = line[i]
        if line.startswith("//", i):
            break
        if line.startswith("/*", i):
            state["block"], i = True, i + 2
            continue
        if c == '"':
            j = i + 1
            while j < len(line) and line[j] != '"':
                j += 2 if line[j] == "\\" else 1
            i = j + 1
            out.append('""')
            continue
        if c == "'" and re.match(r"'(\\.|[^\\'])'", line[i:]):
            i += len(re.match(r"'(\\.|[^\\'])'", line[i:]).group(0))
            continue
        out.append(c)
        i += 1
    return "".join(out)


def functions(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    cut = next((i for i, l in enumerate(lines) if l.strip() == "#[cfg(test)]"), len(lines))
    lines = lines[:cut]
    state = {"block": False}
    found, i = [], 0
    while i < len(lines):
        m = FN.match(lines[i])
        if not m:
            i += 1
            continue
        depth, start, opened, j = 0, i, False, i
        while j < len(lines):
            code = code_of(lines[j], state)
            if not opened and ";" in code and "{" not in code:
                break  # a declaration without a body
            depth += code.count("{") - code.count("}")
            opened = opened or "{" in code
            if opened and depth <= 0:
                break
            j += 1
        if opened:
            found.append((m.group(6), j - start + 1, start + 1))
        i = max(j, i) + 1
    return found, cut


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "src"
    all_fns, big_files, pub_fns, pub_mods = [], [], 0, 0
    for root, _, names in os.walk(src):
        for name in sorted(names):
            if not name.endswith(".rs"):
                continue
            path = os.path.join(root, name)
            fns, length = functions(path)
            all_fns += [(path, *f) for f in fns]
            if length > 500:
                big_files.append((length, path))
            with open(path, encoding="utf-8") as f:
                text = f.read()
            pub_fns += len(re.findall(r"^\s*pub fn ", text, re.M))
            pub_mods += len(re.findall(r"^pub mod ", text, re.M))
    long = sorted((f for f in all_fns if f[2] > 60), key=lambda f: -f[2])
    print(f"functions: {len(all_fns)}, median {statistics.median(f[2] for f in all_fns)} lines")
    print(f"over 60 lines: {len(long)}")
    for path, name, n, line in long:
        print(f"  {n:4} {path}:{line} {name}")
    print(f"files over 500 lines (tests left out): {len(big_files)}")
    for n, path in sorted(big_files, reverse=True):
        print(f"  {n:5} {path}")
    print(f"pub fn: {pub_fns}, pub mod: {pub_mods}")


main()
