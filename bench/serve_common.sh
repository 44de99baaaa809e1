# Shared by the serve benchmarks (sourced, not run): a copy of the site to serve, and
# `briefing serve` started on a free port. Expects $bin (the binary) and a die() function.

# Copies SITE's content/ and site.yaml into $work/site (a temp folder removed on exit, with
# the server stopped first): the benchmarks edit the copy, never the site given.
copy_site() {
  work=$(mktemp -d)
  trap 'kill -INT "${serve_pid:-0}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
  mkdir -p "$work/site"
  cp -r "$1/content" "$work/site/content"
  if [[ -f "$1/site.yaml" ]]; then cp "$1/site.yaml" "$work/site/"; fi
}

# Starts `briefing serve` on $work/site; sets $serve_pid, $url and $address (host:port).

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
