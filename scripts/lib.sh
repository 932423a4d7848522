# Shared by scripts/test and scripts/demo: installs what is missing and starts
# and stops the real components the tests use. Source it; don't run it.
# Everything started here is stopped by abide_stop_all (scripts set it as a trap).

ABIDE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ABIDE_PIDS=()
ABIDE_RUN_DIR=""
ABIDE_PG_DATA=""
ABIDE_PG_BIN=""

abide_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
abide_die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# abide_need_packages PKG...: installs the Debian packages that are missing.
abide_need_packages() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    # Without root, only a sudo that needs no password can install them; a
    # password prompt in the middle of a build helps nobody.
    if ! command -v sudo >/dev/null || ! sudo -n true 2>/dev/null; then
      abide_die "missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]}) or run this as root"
    fi
    local SUDO=sudo
  fi
  abide_log "installing Debian packages: ${missing[*]}"
  local log; log=$(mktemp /tmp/abide-apt.XXXXXX)
  ${SUDO:-} env DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$log" 2>&1 \
    || abide_die "apt-get update failed (no network to the Debian mirror?): $(tail -n 1 "$log")"
  ${SUDO:-} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1 \
    || abide_die "apt-get install ${missing[*]} failed: $(grep -E '^E:' "$log" | head -n 1)"
  rm -f "$log"
}

# A free TCP port on 127.0.0.1.
abide_free_port() {
  [ -x /usr/bin/python3 ] || abide_need_packages python3
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# abide_wait_port PORT NAME: waits until something listens on 127.0.0.1:PORT.
abide_wait_port() {
  local port=$1 name=$2 i
  for i in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
    sleep 0.1
  done
  abide_die "$name did not start listening on 127.0.0.1:$port"
}

abide_run_dir() {
  if [ -z "$ABIDE_RUN_DIR" ]; then
    ABIDE_RUN_DIR=$(mktemp -d /tmp/abide-run.XXXXXX)
    chmod 755 "$ABIDE_RUN_DIR"
  fi
}

# Runs a command as the unprivileged `postgres` user when we are root.
abide_as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Starts a throwaway PostgreSQL cluster on a free loopback port; exports
# ABIDE_TEST_PG_URL (its admin URL).
abide_start_postgres() {
  abide_need_packages postgresql
  abide_run_dir
  ABIDE_PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$ABIDE_PG_BIN/initdb" ] || abide_die "PostgreSQL's initdb not found under /usr/lib/postgresql"
  ABIDE_PG_DATA="$ABIDE_RUN_DIR/pg"
  mkdir -p "$ABIDE_PG_DATA"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$ABIDE_PG_DATA"
  local port; port=$(abide_free_port)
  abide_as_pg "$ABIDE_PG_BIN/initdb" -D "$ABIDE_PG_DATA" -U postgres -A trust -E UTF8 --no-locale >"$ABIDE_RUN_DIR/initdb.log" 2>&1 \
    || { cat "$ABIDE_RUN_DIR/initdb.log" >&2; abide_die "initdb failed"; }
  # Durability is pointless for a throwaway cluster; speed is not.
  abide_as_pg "$ABIDE_PG_BIN/pg_ctl" -D "$ABIDE_PG_DATA" -l "$ABIDE_PG_DATA/server.log" -w -t 60 start \
    -o "-p $port -c listen_addresses=127.0.0.1 -k $ABIDE_PG_DATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    >/dev/null || { cat "$ABIDE_PG_DATA/server.log" >&2; abide_die "PostgreSQL did not start"; }
  export ABIDE_TEST_PG_URL="postgres://postgres@127.0.0.1:$port/postgres"
  abide_log "PostgreSQL $("$ABIDE_PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $ABIDE_PG_DATA)"
}

# Starts the SMTP test server (aiosmtpd, from Debian) writing every message it
# receives into a Maildir; exports ABIDE_TEST_SMTP and ABIDE_TEST_MAILDIR. The
# mail tests also need dkimpy (python3-dkim), the independent DKIM verifier,
# and openssl, which makes their throwaway DKIM keys.
abide_start_smtp() {
  abide_need_packages python3-aiosmtpd python3-dkim openssl
  abide_run_dir
  local port; port=$(abide_free_port)
  export ABIDE_TEST_MAILDIR="$ABIDE_RUN_DIR/maildir"
  mkdir -p "$ABIDE_TEST_MAILDIR"/{tmp,new,cur}
  /usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$port" -c aiosmtpd.handlers.Mailbox "$ABIDE_TEST_MAILDIR" \
    >"$ABIDE_RUN_DIR/smtp.log" 2>&1 &
  ABIDE_PIDS+=($!)
  abide_wait_port "$port" "the SMTP test server"
  export ABIDE_TEST_SMTP="127.0.0.1:$port"
  abide_log "SMTP test server (aiosmtpd) on $ABIDE_TEST_SMTP, mail in $ABIDE_TEST_MAILDIR"
}

# Starts ChromeDriver for headless Chromium; exports ABIDE_TEST_WEBDRIVER.
abide_start_chromedriver() {
  abide_need_packages chromium chromium-driver fonts-dejavu-core fonts-liberation
  abide_run_dir
  local port; port=$(abide_free_port)
  /usr/bin/chromedriver --port="$port" --allowed-ips=127.0.0.1 >"$ABIDE_RUN_DIR/chromedriver.log" 2>&1 &
  ABIDE_PIDS+=($!)
  abide_wait_port "$port" "ChromeDriver"
  export ABIDE_TEST_WEBDRIVER="http://127.0.0.1:$port"
  export ABIDE_TEST_CHROMIUM=/usr/bin/chromium
  abide_log "ChromeDriver $(/usr/bin/chromedriver --version | awk '{print $2}') on $ABIDE_TEST_WEBDRIVER"
}

# Installs axe-core (the accessibility checker the browser tests inject) from
# npm into a cache folder; exports ABIDE_TEST_AXE, the path of axe.min.js.
abide_need_axe() {
  command -v npm >/dev/null || abide_need_packages npm
  local dir="${XDG_CACHE_HOME:-$HOME/.cache}/abide/axe-core-4"
  if [ ! -f "$dir/node_modules/axe-core/axe.min.js" ]; then
    abide_log "installing axe-core from npm"
    mkdir -p "$dir"
    local log; log=$(mktemp /tmp/abide-npm.XXXXXX)
    npm install --no-audit --no-fund --prefix "$dir" axe-core@4 >"$log" 2>&1 \
      || abide_die "npm install axe-core failed (the browser tests need it; no network to the npm registry?): $(grep -m 1 -E 'npm (error|ERR!) (code|network|[a-z])' "$log")"
    rm -f "$log"
  fi
  export ABIDE_TEST_AXE="$dir/node_modules/axe-core/axe.min.js"
}

abide_stop_all() {
  local pid
  for pid in "${ABIDE_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${ABIDE_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  ABIDE_PIDS=()
  if [ -n "$ABIDE_PG_DATA" ] && [ -f "$ABIDE_PG_DATA/postmaster.pid" ]; then
    abide_as_pg "$ABIDE_PG_BIN/pg_ctl" -D "$ABIDE_PG_DATA" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if [ -n "$ABIDE_RUN_DIR" ] && [ -z "${ABIDE_KEEP_RUN_DIR:-}" ]; then
    rm -rf "$ABIDE_RUN_DIR"
  fi
}

# The 2020 World English Bible as a SWORD module (sword-text-web) and mod2imp
# (libsword-utils), which `abide` uses to import it: where it is installed, the
# WEB is the default translation (imported into <data_dir>/translations on
# first use). The ASV and KJV are compiled in and need nothing.
abide_need_bible() {
  abide_need_packages sword-text-web libsword-utils
}

# The build tools every cargo build here needs (a C compiler for the bundled SQLite).
abide_need_build_tools() {
  command -v cargo >/dev/null || abide_die "cargo not found: install the Rust toolchain (rustup) first"
  abide_need_packages gcc libc6-dev
}

# Prints each message that arrives in $ABIDE_TEST_MAILDIR (who it is for, its
# subject, its links), decoded, so that the demo's sign-in links can be
# followed from the terminal: the files themselves are quoted-printable.
abide_show_mail() {
  /usr/bin/python3 - "$ABIDE_TEST_MAILDIR/new" <<'PY' &
import email, email.policy, os, re, sys, time
folder, seen = sys.argv[1], set()
while True:
    for name in sorted(os.listdir(folder)):
        if name in seen:
            continue
        seen.add(name)
        with open(os.path.join(folder, name), "rb") as f:
            message = email.message_from_binary_file(f, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body else ""
        links = sorted(set(re.findall(r"https?://\S+", text)))
        print(f"\n==> mail to {message['To']}: {message['Subject']}", flush=True)
        for link in links:
            print(f"    {link}", flush=True)
    time.sleep(0.5)
PY
  ABIDE_PIDS+=($!)
}
