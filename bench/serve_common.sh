# Shared by the serve benchmarks (sourced, not run): starting `briefing serve` on a free port.
# Expects $bin (the binary), $work (with site/ in it) and a die() function; sets $serve_pid,
# $url and $address (host:port).

start_server() {
  : >"$work/serve.log"
  "$bin" serve --port 0 --root "$work/site" "$@" >"$work/serve.log" 2>&1 &
  serve_pid=$!
  for _ in $(seq 600); do
    grep -q "watching for changes" "$work/serve.log" && break
    kill -0 "$serve_pid" 2>/dev/null || { cat "$work/serve.log"; die "serve exited"; }
    sleep 0.1
  done
  grep -q "watching for changes" "$work/serve.log" || die "serve did not finish its first build"
  url=$(sed -n 's/^serving \(http[^ ]*\).*/\1/p' "$work/serve.log" | head -1)
  address=${url#http://}; address=${address%%/*}
}
