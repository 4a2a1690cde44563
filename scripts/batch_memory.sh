#!/usr/bin/env bash
# Peak memory of a batch run as the number of inputs grows: each input is held
# only while it is processed, so the peak should stay flat.
# Usage: bash scripts/batch_memory.sh [BINARY]   (default: target/release/correct)
set -euo pipefail
BIN="$(realpath "${1:-target/release/correct}")"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
python3 - "$WORK" <<'PY'
import os, sys
root = sys.argv[1]
para = ("The Soviet Union and Japan signed a neutrality pact in 1941 in Moscow. " * 12 + "\n") * 80
for n in (100, 400, 1600):
    base = os.path.join(root, str(n))
    for i in range(n):
        os.makedirs(f"{base}/input", exist_ok=True)
        os.makedirs(f"{base}/corrections", exist_ok=True)
        open(f"{base}/input/a{i:05}.txt", "w").write(para + f"Article {i}, teh end.\n")
        open(f"{base}/corrections/a{i:05}.json", "w").write(
            '{"id":"t","find":"teh","replace":"the","category":"spelling","reason":"A typo."}')
PY
printf '%-8s %-12s %s\n' inputs "input MB" "peak RSS (MB)"
for n in 100 400 1600; do
  cd "$WORK/$n"
  mb=$(du -sm input | cut -f1)
  kb=$( /usr/bin/time -f %M "$BIN" 2>&1 >/dev/null | tail -1 )
  printf '%-8s %-12s %s\n' "$n" "$mb" "$((kb / 1024))"
  rm -rf output
done
