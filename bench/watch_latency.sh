#!/usr/bin/env bash
# Save to disk under `briefing watch` (the issue's target: one article saved on a 10,000-article
# site, its page and every list that shows it on disk within 100 ms, median). Runs the real
# release binary on a copy of a corpus, then N times: notes the time, appends a sentence to one
# article (a plain write, as an editor saving in place), and waits until watch prints its
# rebuild line (printed after the new output is swapped in) and until the article's page holds
# the sentence. Prints each edit's save→page and save→log times and the rebuild's own ms, then
# the medians. The corpus is copied, never changed.
#
# Usage: [WHAT=title] bench/watch_latency.sh [CORPUS [EDITS]]
#   WHAT=title changes the article's title instead of appending to its text.
#   CORPUS defaults to $BENCH_DIR/e10k, made with `python3 bench/gen_corpus.py 10000 CORPUS`
#   if missing; EDITS defaults to 15. Set BRIEFING to time another binary.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-${BENCH_DIR:-/tmp/briefing-bench}/e10k}
edits=${2:-15}
if [[ -z ${BRIEFING:-} ]]; then
    cargo build --release -q --bin briefing
    BRIEFING=${CARGO_TARGET_DIR:-target}/release/briefing
fi
if [[ ! -d $corpus ]]; then
    python3 bench/gen_corpus.py 10000 "$corpus"
fi
site=$(mktemp -d)
trap 'rm -rf "$site"' EXIT
cp -r "$corpus/." "$site/"
rm -rf "$site/output"
echo "load average before: $(cat /proc/loadavg)"
python3 - "$BRIEFING" "$site" "$edits" <<'PY'
import os, queue, re, statistics, subprocess, sys, threading, time

binary, site, edits = sys.argv[1], sys.argv[2], int(sys.argv[3])
what = os.environ.get("WHAT", "text")
watch = subprocess.Popen([binary, "watch", "--root", site], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, bufsize=1)
lines = queue.Queue()
def pump(stream, tag):
    for line in stream:
        lines.put((time.monotonic(), tag, line.rstrip("\n")))
threading.Thread(target=pump, args=(watch.stdout, "out"), daemon=True).start()
threading.Thread(target=pump, args=(watch.stderr, "err"), daemon=True).start()

def next_line(timeout=120):
    while True:
        at, tag, line = lines.get(timeout=timeout)
        if tag == "out":
            return at, line
        print("  stderr: " + line)

at, first = next_line(600)
print("first build: " + first)
articles = sorted(f for f in os.listdir(site + "/content/articles") if f.endswith(".md"))
rows = []
for i in range(edits):
    name = articles[(i * 7919 + 13) % len(articles)]
    path = f"{site}/content/articles/{name}"
    page = f"{site}/output/articles/{name[:-3]}/index.html"
    marker = f"Latency marker {i} {time.time_ns()}."
    with open(path, encoding="utf-8") as f:
        text = f.read()
    time.sleep(0.5)  # let the previous round's events and writes settle
    saved = time.monotonic()
    if what == "title":
        # A new title: the article's tag, source and home pages, the archive, the feeds
        # and the search index show it too (all swapped in with the page, in one step).
        lines_ = text.split("\n")
        at = next(n for n, l in enumerate(lines_) if l.startswith("title:"))
        lines_[at] = f'title: "{marker}"'
        saved_text = "\n".join(lines_)
    else:
        saved_text = text + f"\n{marker}\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(saved_text)
    # Poll the page while waiting for the log line.
    on_page = None
    logged = None
    deadline = saved + 120
    while logged is None or on_page is None:
        if on_page is None:
            try:
                with open(page, encoding="utf-8") as f:
                    if marker in f.read():
                        on_page = time.monotonic()
            except OSError:
                pass
        if logged is None:
            try:
                at, tag, line = lines.get(timeout=0.0005)
                if tag == "out":
                    logged, log = at, line
                else:
                    print("  stderr: " + line)
            except queue.Empty:
                pass
        if time.monotonic() > deadline:
            sys.exit(f"edit {i}: no rebuild within 120 s")
    ms = re.search(r"in (\d+) ms", log)
    built = int(ms.group(1)) if ms else -1
    rows.append(((on_page - saved) * 1000, (logged - saved) * 1000, built))
    print(f"edit {i:2} {name}: on disk {rows[-1][0]:6.1f} ms, log line {rows[-1][1]:6.1f} ms, "
          f"rebuild {built} ms ({log})")
watch.send_signal(2)
watch.wait(timeout=30)
med = lambda k: statistics.median(r[k] for r in rows)
print(f"median over {len(rows)} edits: save→page on disk {med(0):.1f} ms, "
      f"save→log line {med(1):.1f} ms, rebuild itself {med(2):.0f} ms")
PY
echo "load average after: $(cat /proc/loadavg)"
