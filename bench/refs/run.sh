#!/usr/bin/env bash
# Scripture reference extraction: Abide's extractor against the JavaScript
# bible-passage-reference-parser (npm package, default options), on the same
# generated corpus, single-threaded, in the same run.
#
#   bash bench/refs/run.sh            # 5.5 MB corpus
#   SIZE=20000000 bash bench/refs/run.sh
#
# Prints throughput (MB/s, citations/s) of each, the ratio, line-by-line
# agreement with the disagreement classes, and peak memory (max RSS) of
# `abide refs` on the corpus and on a corpus four times as large.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE="${SIZE:-5500000}"
SEED="${SEED:-20261124}"
OUT=bench/refs/out
TARGET="${CARGO_TARGET_DIR:-target}"
mkdir -p "$OUT"

command -v node >/dev/null || { echo "node is required (apt-get install nodejs)"; exit 1; }
if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time for peak-memory figures"
  apt-get install -y time >/dev/null
fi

NPM_DIR="$(mktemp -d)"
trap 'rm -rf "$NPM_DIR"' EXIT
(cd "$NPM_DIR" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund bible-passage-reference-parser@4 >/dev/null)
echo "JS parser: bible-passage-reference-parser $(node -p "require('$NPM_DIR/node_modules/bible-passage-reference-parser/package.json').version")"

cargo build --quiet --release -p abide -p abide-scripture --example canon
ABIDE="$TARGET/release/abide"
"$TARGET/release/examples/canon" > bench/refs/chapters.json

node bench/refs/gen-corpus.js "$SIZE" "$SEED" > "$OUT/corpus.txt"

# Ours: the whole process (start, read, extract, write), best of 5.
best_ns=""
for _ in 1 2 3 4 5; do
  t0=$(date +%s%N)
  "$ABIDE" refs < "$OUT/corpus.txt" > "$OUT/ours.txt"
  t=$(( $(date +%s%N) - t0 ))
  if [ -z "$best_ns" ] || [ "$t" -lt "$best_ns" ]; then best_ns=$t; fi
done
best=$(node -p "$best_ns / 1e9")

# JS: the parse loop only (file read and node start-up excluded), one run.
js_sec=$(node bench/refs/js-refs.js "$NPM_DIR/node_modules" "$OUT/corpus.txt" 2> "$OUT/js-time.json" > "$OUT/js.txt"; node -p "require('./$OUT/js-time.json').seconds")

node bench/refs/compare.js "$OUT/corpus.txt" "$OUT/ours.txt" "$OUT/js.txt" "$best" "$js_sec"

# Peak memory on two corpus sizes: streaming keeps it flat.
for n in 1 4; do
  for _ in $(seq "$n"); do cat "$OUT/corpus.txt"; done > "$OUT/corpus-x$n.txt"
  rss=$(/usr/bin/time -v "$ABIDE" refs < "$OUT/corpus-x$n.txt" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {print $2}')
  echo "peak memory: $(du -m "$OUT/corpus-x$n.txt" | cut -f1) MB input -> max RSS ${rss} KB"
done
rm -f "$OUT"/corpus-x*.txt
