#!/usr/bin/env bash
# Load on `briefing serve` over loopback: requests per second and errors with 200
# concurrent connections (wrk), then N live-reload listeners all told of one rebuild.
#
#   bench/serve_load.sh [SITE]     # default: a copy of the bundled site
#
# Environment: CONNECTIONS=200  DURATION=10s  LISTENERS=1000
# Needs: wrk (Debian package `wrk`; installed when missing), cargo, python3.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
CONNECTIONS=${CONNECTIONS:-200}
DURATION=${DURATION:-10s}
LISTENERS=${LISTENERS:-1000}
source_site=${1:-$root}

die() { echo "serve_load: error: $*" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
  echo "serve_load: installing wrk" >&2
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo=sudo
  $sudo apt-get install -y -qq wrk >/dev/null || die "could not install wrk"
fi
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

target=${CARGO_TARGET_DIR:-$root/target}
(cd "$root" && cargo build --release -q && cargo build --release -q --example live_listeners)
bin="$target/release/briefing"
listeners="$target/release/examples/live_listeners"

# The edits below go to a copy, never to the site given.
source "$(dirname "$0")/serve_common.sh"
copy_site "$source_site"
start_server
echo "serve: $(sed -n 2p "$work/serve.log")"

# An article page by its percent-encoded URL (the first one the sitemap lists).
article=$(grep -o '<loc>[^<]*/articles/[^<]*</loc>' <(curl -s "${url}sitemap.xml") | head -1 | sed 's/<[^>]*>//g')
for target in "$url" "$article" "${url}style.css"; do
  echo "wrk -t2 -c$CONNECTIONS -d$DURATION $target"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$target" \
    | grep -E "Requests/sec|Non-2xx|Socket errors|50%|99%|requests in" | sed 's/^/  /'
done

# Many listeners, one rebuild: every one must hear it.
mkfifo "$work/signal"
"$listeners" "$address" "$LISTENERS" <"$work/signal" >"$work/listeners.log" 2>&1 &
listeners_pid=$!
exec 3>"$work/signal"
for _ in $(seq 600); do
  grep -q ready "$work/listeners.log" && break
  kill -0 "$listeners_pid" 2>/dev/null || { cat "$work/listeners.log"; die "listeners exited"; }
  sleep 0.1
done
echo "$LISTENERS live-reload listeners connected: $(curl -s "http://$address/__briefing/status")"
first=$(find "$work/site/content/articles" -name '*.md' | sort | head -1)
printf '\nEdited by serve_load.sh.\n' >>"$first"
echo go >&3
wait "$listeners_pid" || die "$(cat "$work/listeners.log")"
grep -v ready "$work/listeners.log" | sed 's/^/  /'
exec 3>&-
echo "after they left: $(curl -s "http://$address/__briefing/status")"
