#!/usr/bin/env bash
# Many tiny articles (issue 8: "100,000 tiny articles build within memory limits"): generates
# N articles of one sentence each (a title, a date, one or two of 50 tags, every third in
# Bengali) and reports the cold build's time and peak memory (GNU time).
#
# Usage: bench/tiny.sh [N]   (default 100000; the corpus is kept in $BENCH_DIR/tinyN)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
cargo build --release -q
corpus=${BENCH_DIR:-/tmp/briefing-bench}/tiny$n
if [[ ! -d $corpus ]]; then
    python3 - "$n" "$corpus" <<'PY'
import os, sys
n, root = int(sys.argv[1]), sys.argv[2]
os.makedirs(root + "/content/articles")
with open(root + "/site.yaml", "w") as f:
    f.write('title: "Tiny"\nbase_url: "https://example.org/"\n')
for i in range(n):
    bn = i % 3 == 0
    title = "সংক্ষিপ্ত খবর %d" % i if bn else "Short item %d" % i
    tags = ["tag-%d" % (i % 50)] + (["বিষয়-%d" % (i % 7)] if i % 2 else [])
    day = "20%02d-%02d-%02d" % (20 + i % 5, 1 + i % 12, 1 + i % 28)
    with open("%s/content/articles/t-%d.md" % (root, i), "w", encoding="utf-8") as f:
        f.write('---\ntitle: "%s"\ndate: %s\n%stags: [%s]\n---\n\n%s\n' % (
            title, day, "lang: bn\n" if bn else "", ", ".join(tags),
            "একটি বাক্য।" if bn else "One sentence."))
PY
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
/usr/bin/time -v target/release/briefing build --root "$corpus" --output "$out/site" \
    2>"$out/time" | tail -1
grep -E "Elapsed|Maximum resident" "$out/time"
