#!/usr/bin/env bash
# Times `correct` and the tools a user would reach for instead, in one run, on the
# shared benchmark data, and prints a table of medians, peak memory and ratios.
#
#   bash scripts/bench.sh              # article, 1 MB, 100 MB and the 10,000-file tree
#   QUICK=1 bash scripts/bench.sh      # article and 1 MB only
#   RUNS=5 bash scripts/bench.sh       # runs per command (default: 10 small, 3 large)
#
# The data (about 600 MB) is built by ../shared/bench/setup.sh into BENCH_DATA
# (default target/bench-data, never committed). Results: $BENCH_DATA/results-correct/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared/bench}"
export BENCH_DATA="${BENCH_DATA:-$ROOT/target/bench-data}"
bash "$SHARED/setup.sh" > /dev/null
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml"
BIN="$ROOT/target/release/correct"
# The same program linked statically (no dynamic loader, no libgcc_s start-up),
# where the host can build it: the figure for a single article's start-up.
HOST="$(rustc -vV | sed -n 's/^host: //p')"
STATIC=""
if [ "$HOST" = x86_64-unknown-linux-gnu ]; then
  RUSTFLAGS="-C target-feature=+crt-static" cargo build --release --quiet \
    --manifest-path "$ROOT/Cargo.toml" --target "$HOST" --target-dir "$ROOT/target/static"
  STATIC="$ROOT/target/static/$HOST/release/correct"
fi

cd "$BENCH_DATA"
RES=results-correct; rm -rf "$RES"; mkdir -p "$RES"
CS="$(python3 -c 'import sys,os;print(os.path.join(os.path.dirname(sys.executable),"codespell"))')"
[ -x "$CS" ] || CS="$(command -v codespell)"
TY="$(python3 -c 'import sys,os;print(os.path.join(os.path.dirname(sys.executable),"typos"))')"
[ -x "$TY" ] || TY="$(command -v typos)"
TY="$TY --config $SHARED/typos.toml"
for t in co cs ty pl cp; do rm -rf "work/$t"; mkdir -p "work/$t"; done

hf() { # name runs prepare command
  local name=$1 runs=$2 prep=$3 cmd=$4
  hyperfine -N -w 1 -r "$runs" -i --prepare "$prep" --export-json "$RES/$name.json" \
    -n "$name" "$cmd" > /dev/null
  /usr/bin/time -f "$name %M" sh -c "$prep >/dev/null 2>&1; $cmd >/dev/null 2>&1" 2>> "$RES/peak.txt" || true
}

SETS="article 1mb 100mb"; [ "${QUICK:-0}" = 1 ] && SETS="article 1mb"
for s in $SETS; do
  r="${RUNS:-10}"; [ "$s" = 100mb ] && r="${RUNS:-3}"
  echo "== $s" >&2
  hf "cat-$s" "$r" "true" "cat proj/input/$s.txt"
  hf "cp-$s" "$r" "rm -f work/cp/$s.txt" "cp proj/input/$s.txt work/cp/$s.txt"
  # No shell in between: the records are named with --corrections.
  hf "correct-$s" "$r" "rm -rf work/co/$s" "$BIN --out work/co/$s --corrections proj/corrections/$s.json proj/input/$s.txt"
  if [ -n "$STATIC" ] && [ "$s" = article ]; then
    hf "correct-static-$s" "$r" "rm -rf work/co/$s" "$STATIC --out work/co/$s --corrections proj/corrections/$s.json proj/input/$s.txt"
  fi
  hf "perl-$s" "$r" "cp proj/input/$s.txt work/pl/$s.txt" "perl -CSD -i rules/$s.pl work/pl/$s.txt"
  hf "codespell-$s" "$r" "cp proj/input/$s.txt work/cs/$s.txt" "$CS -w work/cs/$s.txt"
  hf "typos-$s" "$r" "cp proj/input/$s.txt work/ty/$s.txt" "$TY -w work/ty/$s.txt"
  python3 "$SHARED/eval.py" . "$s" "work/co/$s" > "$RES/recall-$s.json"
done
if [ "${QUICK:-0}" != 1 ]; then
  echo "== tree" >&2
  r="${RUNS:-3}"
  R="rm -rf work/XX/tree && cp -r proj/input/tree work/XX/tree"
  hf cp-tree "$r" "rm -rf work/cp/tree" "cp -r proj/input/tree work/cp/tree"
  # Into a new output folder (the previous outputs moved aside, deleted after
  # the last timing), then after `rm -rf` of the previous outputs. Deleting
  # 40,000 files right before creating 40,000 makes ext4 without a journal scan
  # past every recently freed inode on each create (see BENCHMARKS.md).
  mkdir -p work/aside
  hf correct-fresh-tree "$r" "sh -c 'mv work/co/tree work/aside/\$\$ 2>/dev/null || true'" \
    "sh -c 'cd proj && $BIN --out ../work/co input/tree'"
  hf correct-tree "$r" "rm -rf work/co/tree" "sh -c 'cd proj && $BIN --out ../work/co input/tree'"
  hf typos-tree "$r" "sh -c '${R//XX/ty}'" "$TY -w work/ty/tree"
  hf perl-tree "$r" "sh -c '${R//XX/pl}'" "sh -c 'perl -CSD -i rules/tree.pl work/pl/tree/*/*'"
  python3 "$SHARED/eval.py" . tree work/co > "$RES/recall-tree.json"
  rm -rf work/aside
fi
python3 "$ROOT/scripts/bench_table.py" "$RES"
