#!/usr/bin/env bash
# Search benchmark (issue 16).
#
# In process (crates/search/examples/latency.rs, release): ENTRIES entries
# made of Bible chapters (text we did not write), indexed on disk from scratch
# (timed, with the index's size), then QUERIES queries of each kind (word,
# phrase, prefix, typo, reference, mixed) drawn from that text; p50 and p99
# per kind and for the mix; peak memory of the whole run (/usr/bin/time -v).
#
# Over HTTP (PARTS includes http): ENTRIES generated entries
# (bench/http/gen-journeys.py) imported into SQLite, `abide serve` (release),
# its index built at start (timed from the log), then wrk -cCONNECTIONS for
# DURATION s on /api/search with a mix of queries (bench/search/queries.lua),
# asked again and again (`search`: guests' answers are kept, so this is
# mostly the kept-answer path) and made unique (`unique`: each request a new
# one, never answered from kept answers), beside the same server's cached
# home page in the same run; the server's peak RSS and the index's size on
# disk.
#
# Builds into $CARGO_TARGET_DIR when set (else target/).
#
#   bench/search/run.sh     (ENTRIES=10000 QUERIES=500 DURATION=10
#                            CONNECTIONS=64 PARTS="inprocess http")
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
cd "$ABIDE_ROOT"
ENTRIES=${ENTRIES:-10000}
QUERIES=${QUERIES:-500}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
PARTS=${PARTS:-inprocess http}
TARGET="${CARGO_TARGET_DIR:-$ABIDE_ROOT/target}"

abide_need_build_tools
abide_need_packages wrk time curl python3

work=$(mktemp -d /tmp/abide-bench-search.XXXXXX)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); $(date -u +%Y-%m-%d)"

if [[ " $PARTS " == *" inprocess "* ]]; then
  abide_log "building the in-process benchmark (release)"
  cargo build --release --locked -p abide-search --example latency
  abide_log "in process: $ENTRIES entries, $QUERIES queries of each kind"
  /usr/bin/time -v "$TARGET/release/examples/latency" "$ENTRIES" "$QUERIES" 2>"$work/time.txt"
  awk -F': ' '/Maximum resident/ {printf "peak memory of the whole run (corpus, index, queries): %.0f MB\n", $2/1024}' "$work/time.txt"
fi

if [[ " $PARTS " == *" http "* ]]; then
  abide_log "building abide (release)"
  cargo build --release --locked -p abide
  ABIDE="$TARGET/release/abide"
  python3 bench/http/gen-journeys.py "$work/journeys/quiet-mornings" "$ENTRIES" >/dev/null
  # Every entry published by now (one a day from 1990), so every one can be found.
  sed -i 's/^start = .*/start = 1990-01-01/' "$work/journeys/quiet-mornings/journey.toml"
  export ABIDE_DATA_DIR="$work/data" ABIDE_LOG_FILTER=info
  mkdir -p "$ABIDE_DATA_DIR"
  "$ABIDE" migrate >/dev/null
  "$ABIDE" import "$work/journeys" >/dev/null
  port=$(abide_free_port)
  started=$(date +%s.%N)
  "$ABIDE" serve --addr "127.0.0.1:$port" >"$work/serve.out" 2>"$work/serve.err" &
  server=$!
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/api/search?q=rest"; do
    kill -0 "$server" 2>/dev/null || { cat "$work/serve.err"; abide_die "the server stopped"; }
    sleep 0.1
  done
  ready=$(date +%s.%N)
  echo "index built at start: $(awk -v a="$started" -v b="$ready" 'BEGIN {printf "%.1f", b-a}') s from launch to the first answer; on disk $(du -sh "$ABIDE_DATA_DIR/search" | cut -f1)"
  # The mix: words, a phrase, the word being typed, typos, references
  # (written several ways) and both together.
  cat > "$work/queries.txt" <<'QUERIES'
stillness
rest+
thirst+
%22the+vine%22
%22quiet+places%22
restle
stilln
invit
unbelif+
compnion+
prophit+
Psalm+46%3A10
jn+15+5
psalm+63
Matthew+11%3A28-30
1+kings+19
thirsty+psalm+63
rest+matthew+11
vine+john+15
QUERIES
  curl -fsS -o /dev/null "http://127.0.0.1:$port/"
  for round in 1 2; do
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/search/queries.lua \
      "http://127.0.0.1:$port/" -- "$work/queries.txt" > "$work/search-$round.txt"
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s bench/search/queries.lua \
      "http://127.0.0.1:$port/" -- "$work/queries.txt" unique > "$work/unique-$round.txt"
    wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$port/" > "$work/home-$round.txt"
  done
  for round in 1 2; do
    for what in search unique home; do
      awk -v w="$what" -v r="$round" '
        /Requests\/sec/ {rps=$2}
        $1=="50%" {p50=$2} $1=="99%" {p99=$2}
        /Non-2xx/ {bad=$NF}
        END {printf "round %s %-6s %10s req/s  p50 %8s  p99 %8s  non-2xx %s\n", r, w, rps, p50, p99, (bad ? bad : 0)}
      ' "$work/$what-$round.txt"
    done
  done
  echo "server peak RSS: $(awk '/VmHWM/ {printf "%.0f MB", $2/1024}' "/proc/$server/status")"
fi
