#!/usr/bin/env bash
# Mail benchmark (issue 15).
#
# 1. CSV import: SUBSCRIBERS rows in a Mailchimp-style export
#    (gen-subscribers.py), `abide subscribers import` into SQLite: rows/s and
#    peak memory.
# 2. The machine's SMTP ceiling: Postfix's smtp-source sends SUBSCRIBERS
#    messages of the newsletter's size to Postfix's smtp-sink over
#    CONNECTIONS connections (Debian `postfix`, installed with no mail
#    configuration; only its two test programs are used).
# 3. End to end: one newsletter (`abide send`) to the SUBSCRIBERS imported,
#    rendered per recipient and delivered by `abide worker --until-idle`
#    (mail.concurrency = CONNECTIONS) into the same sink: messages/s, peak
#    memory, and the sink's count of messages received.
#
#   bench/mail/run.sh     (SUBSCRIBERS=100000 CONNECTIONS=20)
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib.sh"
cd "$ABIDE_ROOT"
SUBSCRIBERS=${SUBSCRIBERS:-100000}
CONNECTIONS=${CONNECTIONS:-20}
TARGET="${CARGO_TARGET_DIR:-$ABIDE_ROOT/target}"

abide_need_build_tools
abide_need_packages time python3
if ! command -v smtp-sink >/dev/null 2>&1 && [ ! -x /usr/sbin/smtp-sink ]; then
  # Only the test programs are wanted: no mail configuration, no daemon.
  echo "postfix postfix/main_mailer_type select No configuration" | ${SUDO:-} debconf-set-selections
  abide_need_packages postfix
fi
PATH="$PATH:/usr/sbin"

work=$(mktemp -d /tmp/abide-bench-mail.XXXXXX)
sink=""
cleanup() {
  [ -n "$sink" ] && kill "$sink" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); $(date -u +%Y-%m-%d)"

abide_log "building abide (release)"
cargo build --release --locked -p abide
ABIDE="$TARGET/release/abide"

export ABIDE_DATA_DIR="$work/data" ABIDE_LOG_FILTER=warn
mkdir -p "$ABIDE_DATA_DIR"
"$ABIDE" migrate >/dev/null

# 1. Import.
python3 bench/mail/gen-subscribers.py "$SUBSCRIBERS" >"$work/export.csv"
abide_log "import: $SUBSCRIBERS rows"
/usr/bin/time -v "$ABIDE" subscribers import "$work/export.csv" >"$work/import.txt" 2>"$work/import-time.txt"
cat "$work/import.txt"
secs=$(grep -oE 'in [0-9.]+ s' "$work/import.txt" | grep -oE '[0-9.]+')
awk -v n="$SUBSCRIBERS" -v s="$secs" 'BEGIN {printf "import: %.0f rows/s\n", n / s}'
awk -F': ' '/Maximum resident/ {printf "import: peak memory %.0f MB\n", $2/1024}' "$work/import-time.txt"

# The newsletter: a few paragraphs with citations, as a ministry writes them.
cat >"$work/news.md" <<'EOF'
# Evening prayer moves to Fridays

From next week we gather on **Friday evenings** at seven, in the small hall.
Come as you are; bring a friend, and a question if you have one.

We will read Psalm 46 together and sit in silence for a while, as in
1 Kings 19:12, listening for the still small voice. Then tea.

If you cannot come, pray with us from home: the readings are on the site.
EOF

port=$(abide_free_port)
smtp-sink -c -u nobody "127.0.0.1:$port" 1000 >"$work/sink.txt" 2>&1 &
sink=$!
abide_wait_port "$port" "smtp-sink"
count() { tr '\r' '\n' <"$work/sink.txt" | grep -oE '[0-9]+' | tail -n 1 || echo 0; }

# 2. The ceiling, with messages of the newsletter's size as rendered (one
#    test copy caught by aiosmtpd and measured).
abide_need_packages python3-aiosmtpd
catch=$(abide_free_port)
mkdir -p "$work/caught"/{tmp,new,cur}
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$catch" -c aiosmtpd.handlers.Mailbox "$work/caught" &
catcher=$!
abide_wait_port "$catch" "aiosmtpd"
"$ABIDE" send "$work/news.md" --test size@bench.test >/dev/null
ABIDE_MAIL_SMTP_URL="smtp://127.0.0.1:$catch" "$ABIDE" worker --until-idle >/dev/null
kill "$catcher"
size=$(find "$work/caught/new" -type f -printf '%s\n' | head -n 1)
[ -n "$size" ] || abide_die "the test copy of the newsletter did not arrive"
abide_log "ceiling: smtp-source, $SUBSCRIBERS messages of $size bytes over $CONNECTIONS connections"
before=$(count)
start=$(date +%s.%N)
smtp-source -s "$CONNECTIONS" -m "$SUBSCRIBERS" -l "$size" -f news@bench.test -t reader@bench.test "127.0.0.1:$port"
end=$(date +%s.%N)
after=$(count)
ceiling=$(awk -v n="$SUBSCRIBERS" -v a="$start" -v b="$end" 'BEGIN {printf "%.0f", n / (b - a)}')
echo "ceiling: $((after - before)) received, $ceiling messages/s"

# 3. End to end.
abide_log "end to end: one newsletter to $SUBSCRIBERS subscribers"
before=$(count)
start=$(date +%s.%N)
"$ABIDE" send "$work/news.md" >"$work/send.txt"
cat "$work/send.txt"
ABIDE_MAIL_SMTP_URL="smtp://127.0.0.1:$port" ABIDE_MAIL_CONCURRENCY="$CONNECTIONS" \
  /usr/bin/time -v "$ABIDE" worker --until-idle >/dev/null 2>"$work/worker-time.txt"
end=$(date +%s.%N)
sleep 1
after=$(count)
received=$((after - before))
rate=$(awk -v n="$received" -v a="$start" -v b="$end" 'BEGIN {printf "%.0f", n / (b - a)}')
echo "end to end: $received received, $rate messages/s ($(awk -v r="$rate" -v c="$ceiling" 'BEGIN {printf "%.2f", r / c}') of the ceiling)"
awk -F': ' '/Maximum resident/ {printf "end to end: worker peak memory %.0f MB\n", $2/1024}' "$work/worker-time.txt"
