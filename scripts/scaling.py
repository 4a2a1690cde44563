#!/usr/bin/env python3
"""Scaling of `correct` in text size and in records: times the release binary on
prefixes of the benchmark's 100 MB input (1, 10, 100 MB, each with the records
that fall inside it) and on the 100 MB input with 100, 1k, 10k, all 22,152 records
and 100k records (the real ones plus no-op records pinned to common words), then
writes BENCHMARKS-scaling.svg and prints a table.

usage: python3 scripts/scaling.py            (after scripts/bench.sh built the data)
       python3 scripts/scaling.py --replot   (redraw the SVG from the last run)
"""
import json
import os
import re
import statistics
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.environ.get("BENCH_DATA", os.path.join(ROOT, "target", "bench-data"))
BIN = os.path.join(ROOT, "target", "release", "correct")
WORK = os.path.join(DATA, "scale")
RUNS = int(os.environ.get("RUNS", "3"))


def write_set(name, text, records, work=WORK):
    """input/NAME.txt and corrections/NAME.json below `work` (also used by cliffs.py)."""
    os.makedirs(os.path.join(work, "input"), exist_ok=True)
    os.makedirs(os.path.join(work, "corrections"), exist_ok=True)
    with open(os.path.join(work, "input", name + ".txt"), "w", encoding="utf-8", newline="") as f:
        f.write(text)
    with open(os.path.join(work, "corrections", name + ".json"), "w", encoding="utf-8") as f:
        json.dump(records, f)


def measure(name):
    times, peak = [], 0
    for _ in range(RUNS):
        # Every run writes its outputs (a current output would only be compared).
        shutil.rmtree(os.path.join(WORK, "out"), ignore_errors=True)
        start = time.perf_counter()
        out = subprocess.run(
            ["/usr/bin/time", "-f", "%M", BIN, "--out", "out", "input/%s.txt" % name],
            cwd=WORK, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if out.returncode != 0:
            sys.exit("correct failed on %s:\n%s" % (name, out.stderr[-2000:]))
        peak = max(peak, int(out.stderr.strip().splitlines()[-1]))
    return statistics.median(times), peak / 1024


def noop_records(text, count, taken):
    """Records replacing common words by themselves, pinned by occurrence."""
    words = ["the", "kernel", "function", "data", "device", "memory", "return", "value"]
    records = []
    for word in words:
        pattern = re.compile(r"(?<![^\W_])%s(?![^\W_])" % re.escape(word))
        for k, m in enumerate(pattern.finditer(text), start=1):
            if (m.start(), m.end()) in taken:
                continue
            records.append({"id": "n%s%d" % (word, k), "find": word, "replace": word,
                            "whole_word": True, "occurrence": k, "category": "style",
                            "reason": "No-op record for the scaling benchmark."})
            if len(records) == count:
                return records
    return records


def main():
    text = open(os.path.join(DATA, "proj", "input", "100mb.txt"), encoding="utf-8").read()
    records = json.load(open(os.path.join(DATA, "proj", "corrections", "100mb.json")))
    truth = [line.split("\t") for line in open(os.path.join(DATA, "truth", "100mb.tsv"))][1:]
    lines = text.split("\n")
    rows = []
    for mb in [1, 10, 100]:
        keep_lines, size = 0, 0
        while keep_lines < len(lines) and size < mb * 1_000_000:
            size += len(lines[keep_lines].encode()) + 1
            keep_lines += 1
        prefix = "\n".join(lines[:keep_lines])
        subset = [r for r, t in zip(records, truth) if int(t[1]) <= keep_lines]
        name = "size-%d" % mb
        write_set(name, prefix, subset)
        t, rss = measure(name)
        rows.append(("size", mb, len(subset), t, rss))
        print("%4d MB %6d records: %.3f s, %.0f MiB" % (mb, len(subset), t, rss), flush=True)
    for count in [100, 1000, 10000, len(records), 100000]:
        if count <= len(records):
            subset = records[:: max(1, len(records) // count)][:count]
        else:
            subset = records + noop_records(text, count - len(records), set())
        name = "records-%d" % count
        write_set(name, text, subset)
        t, rss = measure(name)
        rows.append(("records", 100, len(subset), t, rss))
        print("100 MB %6d records: %.3f s, %.0f MiB" % (len(subset), t, rss), flush=True)
    json.dump(rows, open(os.path.join(WORK, "scaling.json"), "w"))
    svg(rows, os.path.join(ROOT, "BENCHMARKS-scaling.svg"))


def replot():
    rows = json.load(open(os.path.join(WORK, "scaling.json")))
    svg(rows, os.path.join(ROOT, "BENCHMARKS-scaling.svg"))


SCALING_TITLES = ("correct: time vs text size (log-log)", "MB of text, with the records inside it",
                  "correct: time vs records, 100 MB text", "records (log scale)")


def svg(rows, path, titles=SCALING_TITLES):
    """Two panels: time against text size, and time against records (log x)."""
    import math
    w, h, pad = 360, 240, 48
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">' % (2 * w, h + 32)]
    parts.append('<rect width="100%" height="100%" fill="white"/>')

    def panel(x0, title, points, xlabel, log_y):
        xs = [math.log10(p[0]) for p in points]
        ys = [math.log10(p[1]) if log_y else p[1] for p in points]
        xmin, xmax = min(xs), max(xs)
        ylo = min(ys) - 0.3 if log_y else 0
        ymax = max(ys) + (0.3 if log_y else max(ys) * 0.15)
        X = lambda v: x0 + pad + (v - xmin) / (xmax - xmin or 1) * (w - 2 * pad)
        Y = lambda v: h - pad + 10 - (v - ylo) / (ymax - ylo) * (h - 2 * pad)
        parts.append('<text x="%d" y="16" font-weight="bold">%s</text>' % (x0 + pad, title))
        parts.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>' % (X(xmin), Y(ylo), X(xmax), Y(ylo)))
        parts.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>' % (X(xmin), Y(ylo), X(xmin), Y(ymax)))
        parts.append('<polyline fill="none" stroke="#1f77b4" stroke-width="2" points="%s"/>' % " ".join("%.1f,%.1f" % (X(a), Y(b)) for a, b in zip(xs, ys)))
        for k, ((raw, secs), a, b) in enumerate(zip(points, xs, ys)):
            parts.append('<circle cx="%.1f" cy="%.1f" r="3" fill="#1f77b4"/>' % (X(a), Y(b)))
            parts.append('<text x="%.1f" y="%.1f" text-anchor="middle">%.2f s</text>' % (X(a), Y(b) - 8, secs))
            parts.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (X(a), Y(ylo) + 14 + 12 * (k % 2), "{:,}".format(raw)))
        parts.append('<text x="%d" y="%d" text-anchor="middle">%s</text>' % (x0 + w // 2, h + 26, xlabel))

    panel(0, titles[0], [(r[1], r[3]) for r in rows if r[0] == "size"], titles[1], True)
    panel(w, titles[2], [(r[2], r[3]) for r in rows if r[0] == "records"], titles[3], False)
    parts.append("</svg>")
    open(path, "w").write("\n".join(parts) + "\n")


if __name__ == "__main__":
    replot() if sys.argv[1:] == ["--replot"] else main()
