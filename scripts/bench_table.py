#!/usr/bin/env python3
"""Prints the benchmark table from hyperfine's JSON: median wall time, peak RSS,
and each peer's time as a multiple of correct's (measured in the same run)."""
import json
import os
import statistics
import sys

res = sys.argv[1]
peak = {}
for line in open(os.path.join(res, "peak.txt")):
    parts = line.split()
    if len(parts) == 2 and parts[1].isdigit():
        peak[parts[0]] = int(parts[1]) / 1024


def median(name):
    path = os.path.join(res, name + ".json")
    if not os.path.exists(path):
        return None
    return statistics.median(json.load(open(path))["results"][0]["times"])


print("| set | tool | median s | peak MiB | tool / correct | tool / correct-fresh |")
print("|---|---|---|---|---|---|")
for s in ["article", "1mb", "100mb", "tree"]:
    base = median(f"correct-{s}")
    if base is None:
        continue
    # The tree is also run into a new output folder (see scripts/bench.sh).
    fresh = median(f"correct-fresh-{s}")
    tools = ["correct", "correct-static", "correct-fresh"]
    for tool in tools + ["cat", "cp", "perl", "codespell", "typos"]:
        t = median(f"{tool}-{s}")
        if t is None:
            continue
        ratio = "" if tool in tools else f"{t / base:.2f}"
        ratio_fresh = "" if tool in tools or fresh is None else f"{t / fresh:.2f}"
        print(f"| {s} | {tool} | {t:.3g} | {peak.get(f'{tool}-{s}', 0):.0f} | {ratio} | {ratio_fresh} |")
    recall = os.path.join(res, f"recall-{s}.json")
    if os.path.exists(recall):
        r = json.load(open(recall))
        print(f"| {s} | correct recall | {r['fixed']}/{r['injected']} fixed, {r['other_edits']} other edits | | | |")
