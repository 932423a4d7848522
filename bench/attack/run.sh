#!/usr/bin/env bash
# Replays hostile and careless traffic against `abide serve --demo` (release),
# one kind at a time, while wrk measures the home page: the server must never
# exit, its memory must stay bounded and the home page fast. Loopback only;
# every phase stops by itself. Prints one table row per phase; paste the table
# into bench/RESULTS.md.
#
#   bench/attack/run.sh              (DURATION=15 per phase)
#   PHASES="idle slowread" bench/attack/run.sh
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
cd "$ABIDE_ROOT"
DURATION=${DURATION:-15}
PHASES=${PHASES:-"baseline api-repeat page-repeat lookup many-ranges huge-url other-books distinct-large api-distinct cache-query cache-query-home cache-cookie cache-chapters expensive slowread idle slowloris"}

abide_need_build_tools
abide_need_bible
abide_need_packages wrk python3 curl
abide_log "building abide (release)"
cargo build --release --locked -p abide
ABIDE="${CARGO_TARGET_DIR:-$ABIDE_ROOT/target}/release/abide"

work=$(mktemp -d /tmp/abide-attack.XXXXXX)
server=""
sampler=""
cleanup() {
  [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port=$(abide_free_port)
ABIDE_LOG_FILTER=warn "$ABIDE" serve --demo --data "$work/data" --addr "127.0.0.1:$port" >"$work/serve.out" 2>"$work/serve.err" &
server=$!
abide_wait_port "$port" "abide serve"
base="http://127.0.0.1:$port"
# Warm the pages the measurement reads.
curl -sf -o /dev/null "$base/"

# Resident memory of the server, sampled every 100 ms into a file per phase.
sample_rss() {
  while kill -0 "$server" 2>/dev/null; do
    awk '/VmRSS/ {print $2}' "/proc/$server/status" 2>/dev/null >> "$work/rss.current" || true
    sleep 0.1
  done
}
: > "$work/rss.current"
sample_rss &
sampler=$!

attack() {
  local phase=$1
  local py="python3 bench/attack/attack.py"
  case "$phase" in
    baseline) sleep "$DURATION"; echo '{"kind": "baseline"}' ;;
    idle) $py idle --port "$port" --count 20000 --sources 100 --duration "$DURATION" ;;
    slowloris) $py slowloris --port "$port" --count 2000 --sources 10 --duration "$DURATION" ;;
    slowread) $py slowread --port "$port" --path /bible/Ps.1-Ps.40 --count 200 --duration "$((DURATION * 3))" ;;
    expensive) $py urls --base "$base" --kind expensive --concurrency 200 --duration "$DURATION" ;;
    cache-*|distinct-large|api-distinct) $py urls --base "$base" --kind "$phase" --concurrency 64 --duration "$DURATION" ;;
    *) $py urls --base "$base" --kind "$phase" --concurrency 32 --duration "$DURATION" ;;
  esac
}

printf '| attack | what the server answered | home p50 | home p99 | home req/s | peak RSS |\n'
printf '| --- | --- | ---: | ---: | ---: | ---: |\n'
for phase in $PHASES; do
  : > "$work/rss.current"
  attack "$phase" > "$work/attack.json" 2>"$work/attack.err" &
  attacker=$!
  sleep 1
  # The home page, from its own connections, while the attack runs.
  measure=$((DURATION - 2)); [ "$phase" = slowread ] && measure=$((DURATION * 3 - 2))
  wrk -t1 -c4 -d"${measure}s" --latency "$base/" > "$work/wrk.out" 2>&1 || true
  wait "$attacker" || true
  p50=$(awk '$1 == "50%" {print $2}' "$work/wrk.out")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.out")
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  peak=$(sort -n "$work/rss.current" | tail -n 1)
  result=$(tr -d '\n' < "$work/attack.json")
  alive=yes; kill -0 "$server" 2>/dev/null || alive=NO
  printf '| %s | %s | %s | %s | %s | %s MB%s |\n' "$phase" "$result" "${p50:-?}" "${p99:-?}" "${rps:-?}" \
    "$(( ${peak:-0} / 1024 ))" "$([ $alive = yes ] || echo ' — SERVER EXITED')"
  [ "$alive" = yes ] || { cat "$work/serve.err" >&2; exit 1; }
done
printf '\nafter all phases: RSS %s MB\n' "$(( $(awk '/VmRSS/ {print $2}' /proc/$server/status) / 1024 ))"
