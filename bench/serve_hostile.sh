#!/usr/bin/env bash
# Hostile clients against `briefing serve` over loopback: N idle connections, then N
# slowloris clients (a header byte a second), then N live-reload WebSockets that never
# read, each held for a while (reopened whenever the server closes one, as an attacker
# would) while ordinary page requests are timed one after another. Before them, the same
# requests with nobody else connected. For each phase: request latency, how many hostile
# connections the server closed, and the server's peak and current resident memory.
#
#   bench/serve_hostile.sh [SITE]     # default: a copy of the bundled site
#
# Environment: CONNECTIONS=10000  SECONDS_EACH=25  PHASES="none idle slow ws"
#              BRIEFING_BIN=path   (serve with this binary instead of building one)
# One more phase, not run by default: `stall`, clients that pipeline a thousand requests
# and never read the answers. Their unread responses sit in kernel socket buffers (up to
# megabytes each), so run it with fewer connections and longer than the 30 s write-stall
# timeout: PHASES=stall CONNECTIONS=1000 SECONDS_EACH=40.
# Needs: cargo, curl, Linux (/proc/PID/status).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
CONNECTIONS=${CONNECTIONS:-10000}
# Longer than the 10 s header timeout, so that the server's closing and the attacker's
# reopening are part of what is measured.
SECONDS_EACH=${SECONDS_EACH:-25}
PHASES=${PHASES:-none idle slow ws}
source_site=${1:-$root}
target=${CARGO_TARGET_DIR:-$root/target}

die() { echo "serve_hostile: error: $*" >&2; exit 1; }
# Both ends hold a descriptor per connection.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(( $(ulimit -n) > CONNECTIONS + 100 )) \
  || die "the open-file limit ($(ulimit -n)) is too low for $CONNECTIONS connections"

(cd "$root" && cargo build --release -q --example hostile_clients)
if [[ -n ${BRIEFING_BIN:-} ]]; then
  bin=$BRIEFING_BIN
else
  (cd "$root" && cargo build --release -q)
  bin="$target/release/briefing"
fi
clients="$target/release/examples/hostile_clients"

source "$(dirname "$0")/serve_common.sh"
copy_site "$source_site"
stop_server() {
  kill -0 "$serve_pid" 2>/dev/null || die "serve died"
  kill -INT "$serve_pid"; wait "$serve_pid" || true
  grep -v -e "^serving" -e "^built" "$work/serve.log" | sed 's/^/  serve said: /' || true
}
memory() {  # peak and current resident memory of the server, in MiB
  awk '/^VmHWM/ {peak = $2} /^VmRSS/ {now = $2}
       END {printf "peak RSS %.1f MiB, RSS now %.1f MiB", peak / 1024, now / 1024}' \
    "/proc/$serve_pid/status"
}

# A new server for each phase, so that each peak is that phase's alone (freed memory
# stays with the process and would hide the next phase's).
for phase in $PHASES; do
  start_server
  echo "== $phase: $CONNECTIONS connections, $SECONDS_EACH s"
  echo "  server after its first build: $(memory)"
  "$clients" "$address" "$phase" "$CONNECTIONS" "$SECONDS_EACH" / 2>"$work/clients.err" \
    | sed 's/^/  /' || { cat "$work/clients.err"; die "the $phase phase failed"; }
  echo "  server: $(memory); $(curl -s "http://$address/__briefing/status")"
  stop_server
done
