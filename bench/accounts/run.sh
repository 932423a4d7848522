#!/usr/bin/env bash
# Accounts benchmark (issue 13): signed-in pages and members' writes, on
# SQLite and then on PostgreSQL, with 10,000 members in the database.
#
# For each engine: 1,000 generated entries imported (bench/http/gen-journeys.py),
# MEMBERS members made with SQL (bench/accounts/members.py: a live session
# each, following the journey from a few days ago, its first days done), then
# one `abide serve` (release) measured on loopback:
#   read  (wrk -t2 -cCONNECTIONS --timeout 10s, DURATION s, RUNS rounds,
#          medians; the three pages alternate within each round):
#     guest   an entry page from the page cache (warmed first);
#     member  the same entry page with a member's session cookie, ROTATE
#             members in turn (bench/accounts/read.lua);
#     today   /today, the same members in turn;
#   write (bench/accounts/write.py): WRITERS members at once for
#          DURATION_WRITE s, each alternating "mark a day done" and "save a
#          journal answer"; then the database is compared with what the server
#          said it saved, row for row.
# Per phase, also the server's peak RSS (VmHWM, reset before each phase) and
# its CPU time per request (with PostgreSQL's processes' on PostgreSQL).
# Prints a table per engine; paste the figures into bench/RESULTS.md.
#
#   bench/accounts/run.sh     (DURATION=10 RUNS=3 CONNECTIONS=64 ENTRIES=1000
#                              MEMBERS=10000 ROTATE=1000 WRITERS=200
#                              DURATION_WRITE=30 WRITE_PROCS=2
#                              ENGINES="sqlite postgres")
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
cd "$ABIDE_ROOT"
DURATION=${DURATION:-10}
RUNS=${RUNS:-3}
CONNECTIONS=${CONNECTIONS:-64}
ENTRIES=${ENTRIES:-1000}
MEMBERS=${MEMBERS:-10000}
ROTATE=${ROTATE:-1000}
WRITERS=${WRITERS:-200}
DURATION_WRITE=${DURATION_WRITE:-30}
WRITE_PROCS=${WRITE_PROCS:-2}
ENGINES=${ENGINES:-sqlite postgres}
START_DAYS_AGO=3   # the members' day 1; today is their day 4
DONE_STEPS=2       # days 1 and 2 done, day 3 missed
JOURNEY=a-year-of-quiet-mornings
here=bench/accounts

abide_need_build_tools
abide_need_packages wrk time curl python3 sqlite3
abide_log "building abide (release)"
cargo build --release --locked -p abide
ABIDE="${CARGO_TARGET_DIR:-$ABIDE_ROOT/target}/release/abide"

work=$(mktemp -d /tmp/abide-bench-accounts.XXXXXX)
chmod 755 "$work"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  abide_stop_all
  rm -rf "$work"
}
trap cleanup EXIT

abide_log "generating $ENTRIES entries"
python3 bench/http/gen-journeys.py "$work/journeys/quiet-mornings" "$ENTRIES" >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
# wrk's latency figure ("812.00us", "1.23ms", "1.01s") in ms.
wrk_ms() { awk -v q="$1" '$1==q {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f\n", v}' "$2"; }
# The server's peak RSS (KB) since the last reset_peak.
reset_peak() { echo 5 > "/proc/$server/clear_refs" 2>/dev/null || peak_note=" (VmHWM could not be reset: peaks are cumulative)"; }
peak_kb() { awk '/VmHWM/ {print $2}' "/proc/$server/status"; }
peak_note=""
# CPU time (clock ticks) of the server, and of PostgreSQL's processes when it
# runs: divided by the requests served, it stays meaningful on a machine that
# other work keeps busy, where requests per second do not.
tick=$(getconf CLK_TCK)
cpu_of() { local p t=0; for p in "$@"; do [ -r "/proc/$p/stat" ] && t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0))); done; echo "$t"; }
server_cpu() { cpu_of "$server"; }
pg_cpu() {
  [ "$engine" = postgres ] || { echo 0; return; }
  local master; master=$(head -n 1 "$ABIDE_PG_DATA/postmaster.pid")
  # shellcheck disable=SC2046
  cpu_of "$master" $(pgrep -P "$master")
}
ms_per() { awk -v t="$1" -v n="$2" -v hz="$tick" 'BEGIN {if (n > 0) printf "%.3f", t * 1000 / hz / n; else print "-"}'; }

# sql ENGINE: runs SQL from stdin; query ENGINE SQL: prints rows, tab-separated.
sql() {
  case $1 in
    sqlite) sqlite3 -bail "$data/abide.db" >/dev/null ;;
    postgres) psql -X -q -v ON_ERROR_STOP=1 "$ABIDE_DATABASE_URL" >/dev/null ;;
  esac
}
query() {
  case $1 in
    sqlite) sqlite3 -bail -noheader -separator $'\t' "$data/abide.db" "$2" ;;
    postgres) psql -X -q -At -F $'\t' -v ON_ERROR_STOP=1 "$ABIDE_DATABASE_URL" -c "$2" ;;
  esac
}

bench_engine() {
  local engine=$1
  data="$work/$engine"
  mkdir -p "$data"
  export ABIDE_DATA_DIR="$data" ABIDE_LOG_FILTER=warn
  if [ "$engine" = postgres ]; then
    [ -n "${ABIDE_TEST_PG_URL:-}" ] || abide_start_postgres
    psql -X -q -v ON_ERROR_STOP=1 "$ABIDE_TEST_PG_URL" -c 'CREATE DATABASE abide_bench' >/dev/null
    export ABIDE_DATABASE_URL="${ABIDE_TEST_PG_URL%/*}/abide_bench"
  else
    unset ABIDE_DATABASE_URL
  fi
  abide_log "[$engine] migrating and importing $ENTRIES entries"
  "$ABIDE" migrate >/dev/null
  /usr/bin/time -f '%e %M' -o "$work/import.time" "$ABIDE" import "$work/journeys" >/dev/null
  read -r import_secs import_kb < "$work/import.time"

  query "$engine" "SELECT e.slug FROM entries e JOIN journeys j ON j.id = e.journey_id
    WHERE j.slug = '$JOURNEY' AND e.kind = 'day' ORDER BY e.week, e.day, e.id" > "$data/steps.txt"
  local nsteps; nsteps=$(wc -l < "$data/steps.txt")
  [ "$nsteps" -eq "$ENTRIES" ] || abide_die "$nsteps steps imported, expected $ENTRIES"
  # The write test saves q1, p1 and note: every entry must have a question and a practice.
  local lacking
  lacking=$(query "$engine" "SELECT COUNT(*) FROM entries WHERE questions NOT LIKE '[\"%' OR practices NOT LIKE '[{%'")
  [ "$lacking" -eq 0 ] || abide_die "$lacking entries without a question or a practice"

  abide_log "[$engine] making $MEMBERS members (SQL)"
  python3 "$here/members.py" "$data/members.sql" "$data/tokens.txt" "$JOURNEY" "$MEMBERS" "$START_DAYS_AGO" "$DONE_STEPS"
  local t0 t1; t0=$(date +%s.%N)
  sql "$engine" < "$data/members.sql"
  t1=$(date +%s.%N)
  members_secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b-a}')
  read -r n_users n_sessions n_enrolments n_done < <(query "$engine" "SELECT
    (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM sessions),
    (SELECT COUNT(*) FROM enrolments), (SELECT COUNT(*) FROM step_done)" | tr '\t' ' ')
  [ "$n_users" -eq "$MEMBERS" ] && [ "$n_sessions" -eq "$MEMBERS" ] && [ "$n_enrolments" -eq "$MEMBERS" ] \
    && [ "$n_done" -eq $((MEMBERS * DONE_STEPS)) ] \
    || abide_die "members not made: $n_users users, $n_sessions sessions, $n_enrolments enrolments, $n_done done"

  local port; port=$(abide_free_port)
  "$ABIDE" serve --addr "127.0.0.1:$port" >"$work/serve-$engine.out" 2>"$work/serve-$engine.err" &
  server=$!
  abide_wait_port "$port" "abide serve"
  local base="http://127.0.0.1:$port"
  local step10; step10=$(sed -n 10p "$data/steps.txt")
  local entry="/journeys/$JOURNEY/$step10"
  read -r _ _ session csrf < "$data/tokens.txt"
  local cookie="abide_session=$session; abide_csrf=$csrf"

  # The pages are what they should be: the guest's from the cache, the
  # member's with their walk, Today with their day; a guest is sent to sign in.
  curl -sf -o /dev/null "$base$entry"
  curl -sf -D "$work/h" -o "$work/guest.html" "$base$entry"
  ! grep -q 'walk-label' "$work/guest.html" || abide_die "the guest's entry page shows a member's walk"
  curl -sf -H "Cookie: $cookie" -o "$work/member.html" "$base$entry"
  grep -q 'Day 10 of your journey' "$work/member.html" || abide_die "the member's entry page lacks their walk (Day 10)"
  curl -sf -H "Cookie: $cookie" -o "$work/today.html" "$base/today"
  grep -q "$(sed -n 4p "$data/steps.txt")" "$work/today.html" || abide_die "Today does not show day 4"
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$base/today")" = 303 ] || abide_die "/today without a session is not a redirect"
  local bytes_guest bytes_member bytes_today
  bytes_guest=$(stat -c %s "$work/guest.html"); bytes_member=$(stat -c %s "$work/member.html"); bytes_today=$(stat -c %s "$work/today.html")

  declare -A url=([guest]="$base$entry" [member]="$base$entry" [today]="$base/today")
  declare -A args=([guest]="" [member]="$data/tokens.txt $ROTATE" [today]="$data/tokens.txt $ROTATE")
  declare -A rps p50 p99 errs peak reqs cpu dbcpu
  local phase run
  for phase in guest member today; do errs[$phase]=0; peak[$phase]=0; reqs[$phase]=0; cpu[$phase]=0; dbcpu[$phase]=0; done
  for run in $(seq 1 "$RUNS"); do
    for phase in guest member today; do
      abide_log "[$engine] read round $run/$RUNS: $phase"
      reset_peak
      local c0 d0; c0=$(server_cpu); d0=$(pg_cpu)
      # shellcheck disable=SC2086
      wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s --latency -s "$here/read.lua" "${url[$phase]}" -- ${args[$phase]} > "$work/wrk.out"
      local k; k=$(peak_kb); [ "$k" -gt "${peak[$phase]}" ] && peak[$phase]=$k
      cpu[$phase]=$(( cpu[$phase] + $(server_cpu) - c0 )); dbcpu[$phase]=$(( dbcpu[$phase] + $(pg_cpu) - d0 ))
      reqs[$phase]=$(( reqs[$phase] + $(awk '/requests in/ {print $1}' "$work/wrk.out") ))
      rps[$phase]+="$(awk '/Requests\/sec/ {print $2}' "$work/wrk.out") "
      p50[$phase]+="$(wrk_ms 50% "$work/wrk.out") "
      p99[$phase]+="$(wrk_ms 99% "$work/wrk.out") "
      errs[$phase]=$(( errs[$phase] + $(awk '/Non-2xx/ {s+=$NF} /Socket errors/ {gsub(/,/,""); s+=$4+$6+$8+$10} END {print s+0}' "$work/wrk.out") ))
    done
  done

  abide_log "[$engine] write: $WRITERS members for ${DURATION_WRITE}s"
  reset_peak
  local wc0 wd0; wc0=$(server_cpu); wd0=$(pg_cpu)
  python3 "$here/write.py" run "$base" "$data/tokens.txt" "$data/steps.txt" "$JOURNEY" \
    "$WRITERS" "$DURATION_WRITE" "$WRITE_PROCS" "$work/write-$engine.json" > "$work/write-$engine.summary"
  peak[write]=$(peak_kb)
  cpu[write]=$(( $(server_cpu) - wc0 )); dbcpu[write]=$(( $(pg_cpu) - wd0 ))
  reqs[write]=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["requests"])' "$work/write-$engine.json")
  query "$engine" "SELECT u.email, e.slug FROM step_done d JOIN users u ON u.id = d.user_id
    JOIN entries e ON e.id = d.entry_id" > "$work/step_done.tsv"
  query "$engine" "SELECT u.email, l.entry_slug, l.item, l.body FROM journal l
    JOIN users u ON u.id = l.user_id" > "$work/journal.tsv"
  local verified=yes
  python3 "$here/write.py" verify "$work/write-$engine.json" "$data/tokens.txt" "$data/steps.txt" \
    "$DONE_STEPS" "$work/step_done.tsv" "$work/journal.tsv" > "$work/verify-$engine.out" || verified=NO
  local rss_kb; rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")
  kill "$server"; wait "$server" 2>/dev/null || true; server=""

  # The figures.
  local m_guest; m_guest=$(printf '%s\n' ${rps[guest]} | median)
  {
    printf '\n### %s\n\n' "$engine"
    printf 'import %s s (max RSS %s KB); %s members made in %s s\n\n' "$import_secs" "$import_kb" "$MEMBERS" "$members_secs"
    printf '| read | bytes | req/s | p50 ms | p99 ms | / guest | errors | peak RSS KB |\n|---|---:|---:|---:|---:|---:|---:|---:|\n'
    for phase in guest member today; do
      local r q50 q99 ratio bytes
      r=$(printf '%s\n' ${rps[$phase]} | median); q50=$(printf '%s\n' ${p50[$phase]} | median); q99=$(printf '%s\n' ${p99[$phase]} | median)
      ratio=$(awk -v a="$r" -v g="$m_guest" 'BEGIN {printf "%.2f", a/g}')
      case $phase in guest) bytes=$bytes_guest ;; member) bytes=$bytes_member ;; today) bytes=$bytes_today ;; esac
      printf '| %s (%s) | %s | %s | %s | %s | %s | %s | %s |\n' "$phase" "${url[$phase]#"$base"}" "$bytes" "$r" "$q50" "$q99" "$ratio" "${errs[$phase]}" "${peak[$phase]}"
    done
    printf '\nCPU per request (all rounds; server = abide serve, db = PostgreSQL processes):\n'
    for phase in guest member today write; do
      printf -- '- %s: %s requests, server %s ms, db %s ms\n' "$phase" "${reqs[$phase]}" \
        "$(ms_per "${cpu[$phase]}" "${reqs[$phase]}")" "$(ms_per "${dbcpu[$phase]}" "${reqs[$phase]}")"
    done
    for phase in guest member today; do
      printf '%s, each round: req/s %s; p99 ms %s\n' "$phase" "${rps[$phase]% }" "${p99[$phase]% }"
    done
    python3 - "$work/write-$engine.json" "${peak[write]}" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print("\n| write | members | requests | req/s | ok (done + journal) | not ok | statuses | p50 ms | p99 ms | max ms | peak RSS KB |")
print("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|")
st = ", ".join(f"{k}: {v}" for k, v in sorted(s["statuses"].items()))
print(f"| mark done / save journal | {s['members']} | {s['requests']} | {s['rps']} | {s['ok']['done']} + {s['ok']['journal']} | {s['non_success']} | {st} | {s['p50_ms']} | {s['p99_ms']} | {s['max_ms']} | {sys.argv[2]} |")
for e in s["errors"][:5]:
    print(f"  error: {e}")
PY
    printf '\n'
    cat "$work/verify-$engine.out"
    printf 'database matches the successful responses: %s\n' "$verified"
    printf 'server RSS after the runs: %s KB%s\n' "$rss_kb" "$peak_note"
    local logged; logged=$(grep -c . "$work/serve-$engine.err" || true)
    printf 'server log lines at warn or above: %s\n' "$logged"
    [ "$logged" -eq 0 ] || sed -n 1,5p "$work/serve-$engine.err"
  } | tee -a "$work/results.md"
}

for engine in $ENGINES; do
  bench_engine "$engine"
done
printf '\nwrk -t2 -c%s -d%ss --timeout 10s --latency, median of %s rounds; write: %s members, %ss, %s generator processes\n' \
  "$CONNECTIONS" "$DURATION" "$RUNS" "$WRITERS" "$DURATION_WRITE" "$WRITE_PROCS"
printf 'machine: %s cores, %s, %s RAM; %s; load average now %s\n' "$(nproc)" \
  "$(lscpu | awk -F: '/Model name/ {gsub(/^ +/,"",$2); print $2}')" \
  "$(free -h | awk '/Mem:/ {print $2}')" "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(cut -d' ' -f1-3 /proc/loadavg)"
