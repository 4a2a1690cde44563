#!/usr/bin/env python3
"""The drift targets of issue #18, measured alternately: the exact case and
its drifted twin (`--tolerant`), run one after the other N times, so that both
see the same machine. CASE `100` (the default): the 22,152 bench records alone
(`bench-100`) against them with 2,000 drifted sentence records
(`bench-drift-100`); CASE `10`: 10 MB with 2,000 sentence records, none
drifted (`exact-10`) against 400 drifted (`drift-10`). Prints each binary's
median times and the ratio. Build the data first: python3 scripts/cliffs.py
--only drift,drift-scale.

usage: CASE=10 python3 scripts/drift_ab.py [N] [BINARY ...]   (default: 10, target/release/correct)
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.environ.get("BENCH_DATA", os.path.join(ROOT, "target", "bench-data"))
WORK = os.path.join(DATA, "cliffs")


def timed(binary, out, args):
    start = time.perf_counter()
    subprocess.run([binary, "--out", out, "--format", "json", *args], cwd=WORK,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    binaries = [os.path.abspath(b) for b in sys.argv[2:]] or [os.path.join(ROOT, "target", "release", "correct")]
    exact, drifted = {"100": ("bench-100", "bench-drift-100"), "10": ("exact-10", "drift-10")}[
        os.environ.get("CASE", "100")]
    times = {b: ([], []) for b in binaries}
    with tempfile.TemporaryDirectory() as out:
        for _ in range(n):
            for b in binaries:
                times[b][0].append(timed(b, out, [f"input/{exact}.txt"]))
                times[b][1].append(timed(b, out, ["--tolerant", f"input/{drifted}.txt"]))
    for b, (bench, drift) in times.items():
        mb, md = statistics.median(bench), statistics.median(drift)
        print(f"{b}: exact {mb:.3f} s (range {min(bench):.3f}-{max(bench):.3f}), "
              f"drift {md:.3f} s (range {min(drift):.3f}-{max(drift):.3f}), ratio {md / mb:.2f}x")


if __name__ == "__main__":
    main()
