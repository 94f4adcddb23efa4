#!/usr/bin/env bash
# Vitrina's browser tests: Debian's Chromium, driven by playwright-core and node's test
# runner, works through the pages of a `vitrina serve --demo` started here on a free
# loopback port with a fresh data directory. Run it from anywhere as
# `bash tests/e2e/browser.sh`. It installs what is missing: the `chromium` package with
# apt-get (as root) and the pinned npm packages with `npm ci`. The server is stopped and its
# data removed at the end, also when a test fails.
#
# With CI=true a Chromium that cannot be installed or started fails the run. Without it,
# the suite is skipped with a message instead.
#
# Screenshots of the main pages go to target/screenshots/.
#
# Environment:
#   CI                 "true" makes Chromium mandatory
#   CHROMIUM           the browser binary [default: /usr/bin/chromium]
#   CARGO_TARGET_DIR   where cargo builds the vitrina binary [default: target]

set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
suite="$repo/tests/e2e/browser"
ci="${CI:-false}"
chromium="${CHROMIUM:-/usr/bin/chromium}"
started_at=$(date +%s)

fail() {
    echo "error: $*" >&2
    exit 1
}

# Stops the run: a failure with CI=true, otherwise a skip with the reason.
unavailable() {
    if [ "$ci" = "true" ]; then
        fail "$*; with CI=true the browser tests may not be skipped"
    fi
    echo "skipped: $*"
    exit 0
}

# Installs Debian packages as root with apt-get.
apt_install() {
    command -v apt-get >/dev/null || return 1
    [ "$(id -u)" = 0 ] || return 1
    apt-get update -qq || return 1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || return 1
}

# --- Chromium, node and the npm packages ----------------------------------------------------

if [ ! -x "$chromium" ]; then
    echo "Chromium is not installed at $chromium; installing Debian's chromium package"
    apt_install chromium || unavailable "the chromium package could not be installed"
    [ -x "$chromium" ] || unavailable "the chromium package did not install $chromium"
fi
version=$("$chromium" --version 2>/dev/null) || unavailable "$chromium --version failed"
echo "using $version"

# One headless start with a throwaway profile, so a browser that installs but cannot run
# (missing libraries, no /dev/shm) is reported here rather than as failing tests.
probe_profile=$(mktemp -d)
probe=$(timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
    --user-data-dir="$probe_profile" --dump-dom 'data:text/html,<p>started</p>' 2>/dev/null) ||
    true
rm -rf "$probe_profile"
[[ "$probe" == *"<p>started</p>"* ]] || unavailable "$chromium did not start headless"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "node or npm is missing; installing Debian's nodejs and npm packages"
    apt_install nodejs npm || fail "node and npm could not be installed"
fi
if [ ! -d "$suite/node_modules" ]; then
    echo "installing the pinned npm packages with npm ci"
    (cd "$suite" && npm ci --no-audit --no-fund) || fail "npm ci failed in $suite"
fi

# --- Vitrina --------------------------------------------------------------------------------

echo "building vitrina"
cargo build -p vitrina --locked --manifest-path "$repo/Cargo.toml"
binary="${CARGO_TARGET_DIR:-$repo/target}/debug/vitrina"
[ -x "$binary" ] || fail "cargo build finished but $binary is missing; check CARGO_TARGET_DIR"

work=$(mktemp -d)
server_pid=""
tests_pid=""
# Stops the test runner with its browsers (one process group), then the server.
stop_all() {
    if [ -n "$tests_pid" ] && kill -0 "$tests_pid" 2>/dev/null; then
        kill -TERM -- "-$tests_pid" 2>/dev/null || true
        wait "$tests_pid" 2>/dev/null || true
    fi
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid"
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap stop_all EXIT
# An interrupted run exits through the EXIT trap as well, so nothing it started outlives it.
# The test runner runs in the background under `wait`, which a signal interrupts at once.
trap 'exit 130' INT
trap 'exit 143' TERM

# Host forecast-demo gets two weeks of hourly CPU use, a daily cycle plus some noise so that
# the band has width, for the forecast chart's test. The demo data loads as well, because the
# import creates no tickets.
forecast_csv="$work/forecast-demo.csv"
node -e '
const start = Date.UTC(2026, 2, 2);
const rows = ["timestamp,value"];
for (let hour = 0; hour < 14 * 24; hour++) {
  const time = new Date(start + hour * 3600e3).toISOString().slice(0, 19).replace("T", " ");
  const noise = 3 * Math.sin(hour * 1.7);
  rows.push(`${time},${(50 + 20 * Math.sin((2 * Math.PI * (hour % 24)) / 24) + noise).toFixed(2)}`);
}
console.log(rows.join("\n"));
' >"$forecast_csv"
VITRINA_DATA_DIR="$work/data" RUST_LOG="warn" "$binary" import metrics "$forecast_csv" \
    --host forecast-demo --metric cpu_utilization --unit percent >/dev/null ||
    fail "vitrina import metrics failed for the forecast chart's host"

# The webhook secret is set here rather than generated by --demo, so the tests know it.
webhook_secret="browser-tests-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
log="$work/serve.log"
: >"$log"
VITRINA_DATA_DIR="$work/data" \
    VITRINA_ZABBIX_WEBHOOK_SECRET="$webhook_secret" \
    VITRINA_LISTEN="127.0.0.1:0" \
    RUST_LOG="warn" \
    "$binary" serve --demo >"$log" 2>&1 &
server_pid=$!

# Port 0 lets the kernel choose a free port; the server prints the URL it listens on.
url=""
for _ in $(seq 120); do
    url=$(sed -n 's|^Vitrina is listening on \(http://[^ ]*\)/$|\1|p' "$log")
    [ -n "$url" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.5
done
if [ -z "$url" ]; then
    cat "$log" >&2
    fail "vitrina serve --demo did not start within 60 s; its output is above"
fi
echo "vitrina serves the demo at $url"

# --- Tests ----------------------------------------------------------------------------------

screenshots="$repo/target/screenshots"
mkdir -p "$screenshots"
status=0
tests_started_at=$(date +%s)
cd "$suite"
# The files run one after another, each with its own browser, against the one server.
VITRINA_URL="$url" \
    VITRINA_WEBHOOK_SECRET="$webhook_secret" \
    CHROMIUM="$chromium" \
    SCREENSHOT_DIR="$screenshots" \
    setsid node --test --test-concurrency=1 tests/*.test.mjs &
tests_pid=$!
wait "$tests_pid" || status=$?
tests_pid=""

if [ "$status" != 0 ]; then
    echo "the server's log:" >&2
    tail -n 50 "$log" >&2
fi
finished_at=$(date +%s)
echo "browser tests: $((finished_at - tests_started_at)) s for the tests," \
    "$((finished_at - started_at)) s with setup; screenshots in $screenshots"
exit "$status"
