#!/usr/bin/env bash
# HTTP benchmark: abide (release) against nginx serving the same bytes as static
# files, in the same run, on loopback. Also: import time of 1,000 entries, and
# warm memory after the load. Prints a table; paste it into bench/RESULTS.md.
#
#   bench/http/run.sh            (DURATION=10 RUNS=3 CONNECTIONS=64 ENTRIES=1000)
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
cd "$ABIDE_ROOT"
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
CONNECTIONS=${CONNECTIONS:-64}
ENTRIES=${ENTRIES:-1000}

abide_need_build_tools
abide_need_packages nginx wrk time curl python3
abide_log "building abide (release)"
cargo build --release --locked -p abide
ABIDE="${CARGO_TARGET_DIR:-$ABIDE_ROOT/target}/release/abide"

work=$(mktemp -d /tmp/abide-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx/nginx.pid" ] && kill "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

abide_log "generating $ENTRIES entries"
python3 bench/http/gen-journeys.py "$work/journeys/quiet-mornings" "$ENTRIES"
export ABIDE_DATA_DIR="$work/data" ABIDE_LOG_FILTER=warn
"$ABIDE" migrate >/dev/null
abide_log "importing"
/usr/bin/time -v "$ABIDE" import "$work/journeys" 2>"$work/import.time" >"$work/import.out"
import_secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/import.time")
import_rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/import.time")
cat "$work/import.out"
reimport_secs=$( { /usr/bin/time -f %e "$ABIDE" import "$work/journeys" >/dev/null; } 2>&1 )

port=$(abide_free_port)
"$ABIDE" serve --addr "127.0.0.1:$port" >"$work/serve.out" 2>"$work/serve.err" &
server=$!
pids+=($server)
abide_wait_port "$port" "abide serve"
base="http://127.0.0.1:$port"

entry_path=$(curl -s "$base/journeys/a-year-of-quiet-mornings" | grep -o 'href="/journeys/a-year-of-quiet-mornings/[^"]*"' | sed -n 10p | cut -d'"' -f2)
declare -A paths=([entry]="$entry_path" [home]="/" [journey]="/journeys/a-year-of-quiet-mornings")
if curl -sf -o /dev/null "$base/bible/Ps.46.10"; then paths[passage]="/bible/Ps.46.10"; fi

# nginx serves exactly the bytes abide served.
mkdir -p "$work/nginx/root" "$work/nginx/tmp"
for name in "${!paths[@]}"; do
  curl -s "$base${paths[$name]}" > "$work/nginx/root/$name.html"
done
nport=$(abide_free_port)
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp; proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp; uwsgi_temp_path $work/nginx/tmp; scgi_temp_path $work/nginx/tmp;
  types { text/html html; }
  server { listen 127.0.0.1:$nport; root $work/nginx/root; location / { try_files \$uri =404; } }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -g 'daemon on;'
abide_wait_port "$nport" nginx

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# Prints "rps p99_ms" for one wrk run.
run_wrk() {
  wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$1" > "$work/wrk.out"
  local rps p99
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out")
  p99=$(awk '$1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$work/wrk.out")
  echo "$rps $p99"
}

printf '\n| page | bytes | abide req/s | abide p99 ms | nginx req/s | nginx p99 ms | abide/nginx |\n|---|---:|---:|---:|---:|---:|---:|\n'
for name in entry home journey passage; do
  [ -n "${paths[$name]:-}" ] || continue
  curl -s -o /dev/null "$base${paths[$name]}"  # warm the page cache
  a_rps=(); a_p99=(); n_rps=(); n_p99=()
  for _ in $(seq 1 "$RUNS"); do
    read -r r p < <(run_wrk "$base${paths[$name]}"); a_rps+=("$r"); a_p99+=("$p")
    read -r r p < <(run_wrk "http://127.0.0.1:$nport/$name.html"); n_rps+=("$r"); n_p99+=("$p")
  done
  ar=$(printf '%s\n' "${a_rps[@]}" | median); ap=$(printf '%s\n' "${a_p99[@]}" | median)
  nr=$(printf '%s\n' "${n_rps[@]}" | median); np=$(printf '%s\n' "${n_p99[@]}" | median)
  bytes=$(stat -c %s "$work/nginx/root/$name.html")
  ratio=$(awk -v a="$ar" -v n="$nr" 'BEGIN {printf "%.2f", a/n}')
  printf '| %s (%s) | %s | %s | %s | %s | %s | %s |\n' "$name" "${paths[$name]}" "$bytes" "$ar" "$ap" "$nr" "$np" "$ratio"
done

rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")
hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
printf '\nimport of %s entries: %s wall, max RSS %s KB; unchanged re-import: %ss\n' "$ENTRIES" "$import_secs" "$import_rss" "$reimport_secs"
printf 'abide serve after the load: RSS %s KB (peak %s KB) with %s entries\n' "$rss_kb" "$hwm_kb" "$ENTRIES"
printf 'wrk -t2 -c%s -d%ss, median of %s runs; machine: %s cores, %s\n' "$CONNECTIONS" "$DURATION" "$RUNS" "$(nproc)" "$(lscpu | awk -F: '/Model name/ {gsub(/^ +/,"",$2); print $2}')"
