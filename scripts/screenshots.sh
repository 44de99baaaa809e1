#!/usr/bin/env bash
# Remakes the README's screenshots (docs/screenshots/*.png) from the real build: builds
# briefing in release mode, serves a copy of the bundled site from memory, photographs it
# with scripts/screenshots.mjs in headless Chromium, then stops the server.
#
# Usage: scripts/screenshots.sh   Needs: cargo, node and npm, Chromium (or CHROMIUM=path).
# Runs the PNGs through optipng when it is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --quiet
briefing="${CARGO_TARGET_DIR:-target}/release/briefing"

# The Node packages the browser tests pin (playwright-core); installed once.
if [[ ! -f tests/browser/node_modules/playwright-core/package.json ]]; then
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi
export CHROMIUM="${CHROMIUM:-$(command -v chromium || true)}"
[[ -n "$CHROMIUM" ]] || { echo "screenshots: Chromium not found; install it or set CHROMIUM" >&2; exit 1; }

site="$(mktemp -d)"
cp -r content site.yaml "$site/"
# The server's stdout comes through a pipe, so its first line (the URL) is read as soon as
# it is printed, with a time limit instead of a guess at how long start-up takes.
coproc SERVER { exec "$briefing" serve --port 0 --root "$site"; }
server_pid=$SERVER_PID
trap 'kill -INT "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$site"' EXIT

read -r -t 60 first <&"${SERVER[0]}" || { echo "screenshots: the server printed nothing" >&2; exit 1; }
url="${first#serving }"
url="${url%% *}"
[[ "$url" == http://* ]] || { echo "screenshots: unexpected first line: $first" >&2; exit 1; }
# The second line says the first build is done and being served.
read -r -t 60 built <&"${SERVER[0]}" || { echo "screenshots: no build reported" >&2; exit 1; }
[[ "$built" == built* ]] || { echo "screenshots: the build failed: $built" >&2; exit 1; }

node scripts/screenshots.mjs "$url" docs/screenshots

if command -v optipng >/dev/null 2>&1; then
    optipng -quiet -o2 docs/screenshots/*.png
fi
ls -l docs/screenshots/*.png
