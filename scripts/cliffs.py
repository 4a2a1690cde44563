#!/usr/bin/env python3
"""The shapes of work where a matcher falls off a cliff: drifted records (the
fuzzy tier), records that all miss, one long `find` that misses, many edits on
one line, `correct record` on many edits, and peak memory on one-line inputs.
Every data set is built from the shared benchmark's 100 MB prose (run
scripts/bench.sh or ../shared/bench/setup.sh first), into $BENCH_DATA/cliffs.

needs: pip install pyahocorasick
usage: python3 scripts/cliffs.py [--bin PATH] [--only ROW,ROW] [--timeout S]
                                [--compare OLD_PATH]
       rows: drift, drift-scale, drift-curve, miss, long-find, long-line,
             record, memory (default: all)
       RUNS=3 (runs per command; the median is reported)

Prints one line per case (median seconds, peak RSS in MiB, exit code) and
writes $BENCH_DATA/cliffs/results-<binary name>.json. A case over --timeout
(default 600 s) is reported as such and not retried. With --compare, each
case also runs once under OLD_PATH, and its outputs and report (stdout) must
be byte-identical to the new binary's: the script says which differ.
"""
import collections
import json
import os

import ahocorasick  # PyPI pyahocorasick: counts thousands of candidate sentences in one pass

from scaling import svg, write_set
import random
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.environ.get("BENCH_DATA", os.path.join(ROOT, "target", "bench-data"))
WORK = os.path.join(DATA, "cliffs")
RUNS = int(os.environ.get("RUNS", "3"))
MB = 1_000_000


def arg(name, default):
    if name in sys.argv:
        return sys.argv[sys.argv.index(name) + 1]
    return default


BIN = os.path.abspath(arg("--bin", os.path.join(ROOT, "target", "release", "correct")))
ONLY = arg("--only", "drift,drift-scale,drift-curve,miss,long-find,long-line,record,memory").split(",")
TIMEOUT = float(arg("--timeout", "600"))
COMPARE = arg("--compare", None)


def prose():
    with open(os.path.join(DATA, "proj", "input", "100mb.txt"), encoding="utf-8") as f:
        return f.read()


def prefix(text, size):
    """The first `size` bytes of `text` (ASCII-dominated; cut at a line end)."""
    cut = text.encode()[:size].decode("utf-8", "ignore")
    return cut[: cut.rfind("\n") + 1] if "\n" in cut else cut


def sentence_lines(text, count, seed, avoid=None, skip_lines=frozenset()):
    """`count` lines of prose (50-160 characters, six words or more) that stand
    once in `text` (or, with `avoid`, never in it), spread evenly: their
    (start offset, line) pairs."""
    found, at = [], 0
    for number, line in enumerate(text.split("\n"), start=1):
        s = line.strip()
        # Sentences of prose, not table rows or code (whose near-copies make
        # a drifted record honestly ambiguous).
        if 50 <= len(s) <= 160 and len(s.split()) >= 6 and s.isascii() and "  " not in s \
                and sum(c.isalpha() or c == " " for c in s) >= 0.9 * len(s) \
                and number not in skip_lines:
            found.append((at + line.index(s), s))
        at += len(line) + 1
    if avoid is None:
        # A line that stands twice as a line stands twice in the text: most
        # of the prose is repeated documentation, so this cheap count leaves
        # few candidates for the automaton.
        lines = collections.Counter(line.strip() for line in text.split("\n"))
        found = [(start, s) for start, s in found if lines[s] == 1]
    rng = random.Random(seed)
    rng.shuffle(found)
    found = found[: 20 * count]
    # Counted in one pass (Aho-Corasick) over the haystack.
    hay = avoid if avoid is not None else text
    automaton = ahocorasick.Automaton()
    # A sentence whose head, middle or tail stands elsewhere too has a near-copy
    # (docs repeat themselves): its drifted record would be honestly
    # ambiguous, so it is left out.
    def keys(s):
        middle = len(s) // 2 - 12
        return s[:24], s[middle:middle + 24], s[-24:]

    for _, s in found:
        for key in (s,) + keys(s):
            automaton.add_word(key, key)
    automaton.make_automaton()
    counts = collections.Counter(key for _, key in automaton.iter(hay))
    picked, seen = [], set()
    for start, s in found:
        n = counts.get(s, 0)
        alone = all(counts.get(key, 0) == 1 for key in keys(s))
        if s not in seen and ((avoid is None and n == 1 and alone) or (avoid is not None and n == 0)):
            seen.add(s)
            picked.append((start, s))
            if len(picked) == count:
                break
    picked.sort()
    return picked


def record(i, find, replace, **more):
    r = {"id": "s%05d" % i, "find": find, "replace": replace, "category": "style",
         "reason": "A sentence-level correction for the cliffs benchmark."}
    r.update(more)
    return r


def changed(sentence):
    """The sentence with its longest word swapped to upper case (the correction)."""
    words = sentence.split(" ")
    k = max(range(len(words)), key=lambda j: len(words[j]))
    words[k] = words[k].upper() if words[k].upper() != words[k] else words[k] + "S"
    return " ".join(words)


def drifted(text, lines, share, seed, taken=frozenset()):
    """`text` with one character changed in the middle of `share` of the lines
    (each drifted line's record then needs the fuzzy tier), and how many drifted.
    A changed word never becomes one of `taken` (another record's `find`)."""
    rng = random.Random(seed)
    chosen = set(rng.sample(range(len(lines)), int(len(lines) * share)))
    out, last = [], 0
    for j, (start, s) in enumerate(lines):
        if j not in chosen:
            continue
        mid = start + len(s) // 2
        while not text[mid].isalpha() or word_at(text, mid, "q" if text[mid] != "q" else "z") in taken:
            mid += 1
        c = text[mid]
        out.append(text[last:mid])
        out.append("q" if c != "q" else "z")
        last = mid + 1
    out.append(text[last:])
    return "".join(out), len(chosen)


def word_at(text, at, c):
    """The word around `at` once its character there is `c`."""
    start, end = at, at + 1
    while start > 0 and text[start - 1].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum():
        end += 1
    return text[start:at] + c + text[at + 1:end]


def write_case(name, text, records):
    write_set(name, text, records, WORK)


def timed(argv, cwd, prepare=None):
    """Median seconds, peak MiB and exit code of `argv` over RUNS runs."""
    times, peak, code = [], 0, None
    for _ in range(RUNS):
        if prepare:
            prepare()
        start = time.perf_counter()
        try:
            out = subprocess.run(["/usr/bin/time", "-f", "%M"] + argv, cwd=cwd,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                 timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            return None, None, "timeout"
        times.append(time.perf_counter() - start)
        code = out.returncode
        if code not in (0, 1):
            sys.exit("%s failed (%d):\n%s" % (" ".join(argv), code, out.stderr[-3000:]))
        peak = max(peak, int(out.stderr.strip().splitlines()[-1]))
    return statistics.median(times), peak / 1024, code


RESULTS = []


def run(row, case, name, flags=(), note="", fmt="json"):
    out = os.path.join(WORK, "out")
    t, rss, code = timed([BIN, "--out", "out", "--format", fmt] + list(flags) + ["input/%s.txt" % name],
                         WORK, prepare=lambda: shutil.rmtree(out, ignore_errors=True))
    size = os.path.getsize(os.path.join(WORK, "input", name + ".txt"))
    if COMPARE and t is not None:
        note = (note + " " + same_as_before(name, flags, fmt)).strip()
    report(row, case, t, rss, code, size, note)
    return t


def outputs(binary, name, flags, fmt):
    """The report and every output file of one run of `binary`."""
    out = os.path.join(WORK, "out")
    shutil.rmtree(out, ignore_errors=True)
    done = subprocess.run([binary, "--out", "out", "--format", fmt] + list(flags) + ["input/%s.txt" % name],
                          cwd=WORK, capture_output=True, timeout=TIMEOUT)
    files = {}
    for base, _, names in os.walk(out):
        for n in names:
            with open(os.path.join(base, n), "rb") as f:
                files[os.path.relpath(os.path.join(base, n), out)] = f.read()
    return done.returncode, done.stdout, files


def same_as_before(name, flags, fmt):
    try:
        old = outputs(COMPARE, name, flags, fmt)
    except subprocess.TimeoutExpired:
        return "(old binary timed out: not compared)"
    new = outputs(BIN, name, flags, fmt)
    if old == new:
        return "same outputs as before"
    which = [k for k in sorted(set(old[2]) | set(new[2])) if old[2].get(k) != new[2].get(k)]
    if old[1] != new[1]:
        which.append("the report")
    if old[0] != new[0]:
        which.append("the exit code")
    return "DIFFERENT from before: " + ", ".join(which)


def report(row, case, t, rss, code, size=None, note=""):
    ratio = "" if (rss is None or size is None) else "%.1f× input" % (rss * 1024 * 1024 / size)
    shown = "> %.0f s (timeout)" % TIMEOUT if t is None else "%.3f s" % t
    rss_shown = "" if rss is None else "%.0f MiB" % rss
    print("%-12s %-58s %18s %9s %-11s exit %s %s" % (row, case, shown, rss_shown, ratio, code, note), flush=True)
    RESULTS.append({"row": row, "case": case, "seconds": t, "peak_mib": rss, "exit": code,
                    "input_bytes": size, "note": note})


def drift_cases(text):
    for mb in [5, 10]:
        base = prefix(text, mb * MB)
        lines = sentence_lines(base, 2000, seed=mb)
        records = [record(i, s, changed(s)) for i, (_, s) in enumerate(lines)]
        moved, n = drifted(base, lines, 0.2, seed=mb)
        write_case("exact-%d" % mb, base, records)
        write_case("drift-%d" % mb, moved, records)
        run("drift", "%d MB, %d sentence records, no drift" % (mb, len(records)), "exact-%d" % mb)
        run("drift", "%d MB, %d sentence records, %d drifted (--tolerant)" % (mb, len(records), n),
            "drift-%d" % mb, ["--tolerant"])


def tagged_lines(text, count, seed, skip_lines):
    """`text` with `count` prose lines made unique, and those lines' (start
    offset, line, line before its tag) triples. The 100 MB prose is
    documentation repeated three or four times, so almost no sentence stands
    once in it: each chosen line ends in a code word of 24 random letters,
    longer than its record's fuzzy bound (10% of at most 185 characters), which
    keeps its copies elsewhere out of reach, so a drifted record stays
    unambiguous. The code words are all different, as sentences are: a phrase
    shared by every record would put each record's pieces on every tagged line."""
    lines = text.split("\n")
    seen, candidates = set(), []
    for j, line in enumerate(lines):
        s = line.strip()
        if 50 <= len(s) <= 160 and len(s.split()) >= 6 and s.isascii() and s == line \
                and sum(c.isalpha() or c == " " for c in s) >= 0.9 * len(s) \
                and j + 1 not in skip_lines and s not in seen:
            seen.add(s)
            candidates.append(j)
    rng = random.Random(seed)
    chosen = sorted(rng.sample(candidates, count))
    plain = {}
    for j in chosen:
        plain[j] = lines[j]
        lines[j] += " " + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(24))
    starts, at = {}, 0
    for j, line in enumerate(lines):
        if j in plain:
            starts[j] = at
        at += len(line) + 1
    return "\n".join(lines), [(starts[j], lines[j], plain[j]) for j in chosen]


def drift_scale(text):
    bench = json.load(open(os.path.join(DATA, "proj", "corrections", "100mb.json")))
    # The sentence lines hold none of the bench's typos: the records must not
    # overlap, and the drift must not change a typo's occurrence count.
    truth = open(os.path.join(DATA, "truth", "100mb.tsv")).read().splitlines()[1:]
    typo_lines = frozenset(int(row.split("\t")[1]) for row in truth)
    text, tagged = tagged_lines(text, 2000, seed=100, skip_lines=typo_lines)
    lines = [(start, s) for start, s, _ in tagged]
    sentences = [record(i, s, changed(plain) + s[len(plain):]) for i, (_, s, plain) in enumerate(tagged)]
    moved, n = drifted(text, lines, 1.0, seed=100, taken=frozenset(r["find"] for r in bench))
    write_case("bench-100", text, bench)
    write_case("bench-drift-100", moved, bench + sentences)
    run("drift-scale", "100 MB, the %d bench records" % len(bench), "bench-100")
    run("drift-scale", "100 MB, bench records + %d drifted sentence records (--tolerant)" % n,
        "bench-drift-100", ["--tolerant"])


def drift_curve(text):
    """Time against text size and against the number of drifting records. The
    lines are tagged as in the 100 MB case (`tagged_lines`), at every size,
    so the points differ only in what the curve varies."""
    def case(name, base, count, seed):
        base, tagged = tagged_lines(base, count, seed=seed, skip_lines=frozenset())
        records = [record(i, s, changed(plain) + s[len(plain):]) for i, (_, s, plain) in enumerate(tagged)]
        moved, n = drifted(base, [(start, s) for start, s, _ in tagged], 1.0, seed=seed)
        write_case(name, moved, records)
        return n

    rows = []
    for mb in [1, 10, 100]:
        n = case("curve-size-%d" % mb, prefix(text, mb * MB), 1000, mb + 7)
        t = run("drift-curve", "%d MB, %d drifted records (--tolerant)" % (mb, n), "curve-size-%d" % mb, ["--tolerant"])
        rows.append(("size", mb, n, t, None))
    for count in [100, 1000, 10000]:
        n = case("curve-records-%d" % count, prefix(text, 10 * MB), count, count)
        t = run("drift-curve", "10 MB, %d drifted records (--tolerant)" % n, "curve-records-%d" % count, ["--tolerant"])
        rows.append(("records", 10, n, t, None))
    if all(r[3] is not None for r in rows):
        svg(rows, os.path.join(ROOT, "BENCHMARKS-drift.svg"),
            ("drifted records: time vs text size (log-log)", "MB of text, 1,000 drifted records",
             "drifted records: time vs their number, 10 MB", "drifted records (log scale)"))


def miss_cases(text):
    rest = text[60 * MB:]
    for size, count in [(256_000, 1250), (512_000, 1250), (1 * MB, 1250), (10 * MB, 10000)]:
        base = prefix(text, size)
        lines = sentence_lines(rest, count, seed=size, avoid=base)
        records = [record(i, s, changed(s)) for i, (_, s) in enumerate(lines)]
        name = "miss-%d" % size
        write_case(name, base, records)
        label = "%s, %d records that all miss" % (human(size), len(records))
        run("miss", label, name)
        run("miss", label + " (--strict)", name, ["--strict"])


def long_find(text):
    rest = text[60 * MB:]
    start = rest.index("\n", 1000) + 1
    find = rest[start:start + 2000]
    for size in [1 * MB, 10 * MB]:
        base = prefix(text, size)
        assert find not in base
        write_case("long-find-%d" % size, base, [record(0, find, find.upper())])
        run("long-find", "one 2,000-character find that misses, %s" % human(size), "long-find-%d" % size)


def long_line(_text):
    for n in [62_500, 125_000, 250_000, 500_000, 1_000_000]:
        rec = [record(0, "ab", "cd", whole_word=True, occurrence="all")]
        write_case("one-line-%d" % n, "ab " * n, rec)
        write_case("lines-%d" % n, "ab\n" * n, rec)
        run("long-line", "%s occurrence-all edits on one line" % "{:,}".format(n), "one-line-%d" % n)
        run("long-line", "%s occurrence-all edits on %s lines" % ("{:,}".format(n), "{:,}".format(n)), "lines-%d" % n)


def record_cases(text):
    def case(size, edits):
        base = prefix(text, size)
        words = base.split(" ")
        # `edits` words spread evenly, each changed by one letter.
        alpha = [j for j, w in enumerate(words) if w.isalpha()]
        chosen = alpha[len(alpha) // (2 * edits)::max(1, len(alpha) // edits)][:edits]
        for j in chosen:
            words[j] = words[j] + "x"
        done = len(chosen)
        d = os.path.join(WORK, "record")
        os.makedirs(os.path.join(d, "input"), exist_ok=True)
        name = "r-%d-%d" % (size, edits)
        open(os.path.join(d, "input", name + ".txt"), "w", newline="").write(base)
        open(os.path.join(d, name + ".edited"), "w", newline="").write(" ".join(words))
        # --dry-run prints the records: writing thousands of files right after
        # deleting the last run's costs ext4 more than the derivation does.
        t, rss, code = timed([BIN, "record", "--dry-run", "--category", "style", "--reason",
                              "Benchmark edits.", "input/%s.txt" % name, name + ".edited"], d)
        note = ""
        if COMPARE:
            argv = ["record", "--dry-run", "--category", "style", "--reason", "Benchmark edits.",
                    "input/%s.txt" % name, name + ".edited"]
            old, new = (subprocess.run([b] + argv, cwd=d, capture_output=True) for b in (COMPARE, BIN))
            same = (old.returncode, old.stdout) == (new.returncode, new.stdout)
            note = "same records as before" if same else "DIFFERENT records from before"
        report("record", "correct record, %d edits on %s" % (done, human(size)), t, rss, code, size, note)
    for edits in [1000, 2000, 4000]:
        case(200_000, edits)
    for size in [400_000, 800_000]:
        case(size, 1000)


def memory_cases(text):
    bench = json.load(open(os.path.join(DATA, "proj", "corrections", "100mb.json")))
    # The text twice over: each record pinned to its occurrence in the first copy.
    for r in bench:
        r.setdefault("occurrence", 1)
    one = text.replace("\n", " ")
    write_case("one-line-200mb", one + " " + one, bench)
    write_case("lines-200mb", text + "\n" + text, bench)
    for name, label in [("one-line-200mb", "200 MB on one line"), ("lines-200mb", "200 MB on many lines")]:
        run("memory", label + ", 22,152 records", name)
        run("memory", label + ", 22,152 records, --dry-run", name, ["--dry-run"])
        run("memory", label + ", 22,152 records, --dry-run, text report (the diff on stdout)", name,
            ["--dry-run"], fmt="text")


def human(size):
    return "%d KB" % (size // 1000) if size < MB else "%d MB" % (size // MB)


def main():
    text = prose()
    os.makedirs(WORK, exist_ok=True)
    print("binary: %s, runs: %d" % (BIN, RUNS), flush=True)
    for row, fn in [("drift", drift_cases), ("drift-scale", drift_scale), ("drift-curve", drift_curve),
                    ("miss", miss_cases), ("long-find", long_find), ("long-line", long_line),
                    ("record", record_cases), ("memory", memory_cases)]:
        if row in ONLY:
            fn(text)
    name = os.path.basename(os.path.dirname(os.path.dirname(BIN))) + "-" + os.path.basename(BIN)
    with open(os.path.join(WORK, "results-%s.json" % name), "w") as f:
        json.dump(RESULTS, f, indent=1)


if __name__ == "__main__":
    main()
