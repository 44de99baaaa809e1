#!/usr/bin/env bash
# Benchmark cold full builds of `briefing build` on synthetic corpora.
#
#   bench/run.sh [N...]            # default: 1000 10000
#
# Environment:
#   RUNS=5           timed builds per corpus size (median is reported)
#   WARMUP=0         untimed builds per size before the timed ones
#   SEED=1           corpus seed passed to gen_corpus.py
#   BENCH_DIR=/tmp/briefing-bench   where corpora and outputs live
#   BRIEFING_BIN=... use this binary and skip `cargo build`
#   SKIP_BUILD=1     do not run `cargo build --release -q`
#
# Needs only bash, python3 (standard library) and GNU time (/usr/bin/time).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-0}
SEED=${SEED:-1}
BENCH_DIR=${BENCH_DIR:-/tmp/briefing-bench}
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)

die() { echo "bench: error: $*" >&2; exit 1; }

[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer (got '$RUNS')"
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "WARMUP must be a non-negative integer (got '$WARMUP')"
for n in "${sizes[@]}"; do
  [[ "$n" =~ ^[0-9]+$ ]] || die "corpus size must be a number (got '$n')"
done
command -v python3 >/dev/null || die "python3 not found"

# GNU time, for peak RSS. Debian's package is called `time`.
if ! /usr/bin/time -v true >/dev/null 2>&1; then
  echo "bench: /usr/bin/time (GNU time) missing; installing the 'time' package" >&2
  if command -v apt-get >/dev/null; then
    apt-get install -y -q time >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; } \
      || die "could not install GNU time (apt-get install -y time)"
  fi
  /usr/bin/time -v true >/dev/null 2>&1 || die "GNU time is required at /usr/bin/time"
fi

# The binary.
if [ -n "${BRIEFING_BIN:-}" ]; then
  bin=$BRIEFING_BIN
else
  bin=$root/target/release/briefing
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    command -v cargo >/dev/null || die "cargo not found (set BRIEFING_BIN to a prebuilt binary)"
    echo "bench: cargo build --release -q" >&2
    (cd "$root" && cargo build --release -q) || die "cargo build --release failed"
  fi
fi
[ -x "$bin" ] || die "binary not found or not executable: $bin"

mkdir -p "$BENCH_DIR"
results=$BENCH_DIR/results.tsv
: >"$results"

for n in "${sizes[@]}"; do
  name=n$n
  [ "$SEED" = 1 ] || name=n$n-s$SEED
  corpus=$BENCH_DIR/$name
  out=$BENCH_DIR/$name-out
  if [ ! -f "$corpus/site.yaml" ]; then
    echo "bench: generating corpus N=$n seed=$SEED in $corpus" >&2
    rm -rf "$corpus.tmp"
    python3 "$here/gen_corpus.py" "$n" "$corpus.tmp" --seed "$SEED" || die "gen_corpus.py failed for N=$n"
    mv "$corpus.tmp" "$corpus"
  fi
  in_bytes=$(find "$corpus/content" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')

  times=()
  rss_max=0
  summary=
  total=$((WARMUP + RUNS))
  for ((r = 1; r <= total; r++)); do
    # Cold means cold: a fresh output folder, no spare copy of a previous build next to it.
    # Old outputs are deleted only after all runs: on ext4, creating files right after
    # deleting tens of thousands of others is several times slower (the allocator skips
    # recently deleted inodes for a few minutes), which would measure the file system.
    out=$BENCH_DIR/$name-out-$r
    rm -rf "$out" "$(dirname "$out")/.$(basename "$out").briefing-"*
    tlog=$BENCH_DIR/$name.time.log
    blog=$BENCH_DIR/$name.build.log
    t0=$(date +%s%N)
    set +e
    /usr/bin/time -v -o "$tlog" "$bin" build --root "$corpus" --output "$out" >"$blog" 2>&1
    rc=$?
    set -e
    t1=$(date +%s%N)
    if [ $rc -ne 0 ]; then
      echo "bench: error: '$bin build --root $corpus --output $out' exited with status $rc (N=$n, run $r)" >&2
      echo "bench: last lines of its output ($blog):" >&2
      tail -n 20 "$blog" | sed 's/^/    /' >&2
      exit 1
    fi
    summary=$(grep -v '^[[:space:]]*$' "$blog" | tail -n 1 || true)
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tlog")
    [ -n "$rss" ] || die "could not read peak RSS from $tlog"
    if ((r > WARMUP)); then
      times+=("$(((t1 - t0) / 1000))")  # microseconds
      if ((rss > rss_max)); then rss_max=$rss; fi
      printf 'bench: N=%s run %d/%d: %.3fs, peak RSS %d KiB\n' "$n" $((r - WARMUP)) "$RUNS" \
        "$(awk -v u=$(((t1 - t0) / 1000)) 'BEGIN {print u / 1e6}')" "$rss" >&2
    fi
  done

  files=$(find "$out" -type f | wc -l)
  out_bytes=$(find "$out" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
  index_gz=0
  [ -f "$out/search-index.json" ] && index_gz=$(gzip -9 -c "$out/search-index.json" | wc -c)

  # No-change rebuild: the last output is current; build it again RUNS times.
  rebuild=()
  for ((r = 1; r <= RUNS; r++)); do
    t0=$(date +%s%N)
    "$bin" build --root "$corpus" --output "$out" >"$BENCH_DIR/$name.rebuild.log" 2>&1 \
      || die "no-change rebuild failed (N=$n); see $BENCH_DIR/$name.rebuild.log"
    t1=$(date +%s%N)
    rebuild+=("$(((t1 - t0) / 1000))")
  done
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$in_bytes" "$rss_max" "$files" "$out_bytes" \
    "$(IFS=,; echo "${times[*]}")" "$summary" "$RUNS" "$(IFS=,; echo "${rebuild[*]}")" "$index_gz" >>"$results"
done
# Outputs go only now, after every size: deleting thousands of files right before the next
# size's cold builds would slow those builds' file creation (see below) and measure ext4.
for n in "${sizes[@]}"; do
  name=n$n
  [ "$SEED" = 1 ] || name=n$n-s$SEED
  rm -rf "$BENCH_DIR/$name"-out-* "$BENCH_DIR/.$name"-out-*.briefing-*
done

# Markdown table.
rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
python3 - "$results" "$bin" "$rev" <<'EOF'
import os, statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
bin_, rev = sys.argv[2], sys.argv[3]
print()
print("| Articles | Input MiB | Runs | Cold median s | Min s | Max s | Articles/s (median) | No-change rebuild median s | Peak RSS MiB | Output files | Output MiB | Search index gzip KiB |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for n, inb, rss, files, outb, times, summary, runs, rebuild, index_gz in rows:
    t = [int(x) / 1e6 for x in times.split(",")]
    med = statistics.median(t)
    rate = int(n) / med if med > 0 else float("inf")
    reb = statistics.median([int(x) / 1e6 for x in rebuild.split(",")])
    print(f"| {int(n):,} | {int(inb)/2**20:.1f} | {runs} | {med:.3f} | {min(t):.3f} | {max(t):.3f} | "
          f"{rate:,.0f} | {reb:.3f} | {int(rss)/1024:.1f} | {int(files):,} | {int(outb)/2**20:.1f} | {int(index_gz)/1024:,.0f} |")
print()
print(f"Machine: {os.cpu_count()} CPUs; binary: `{bin_}` (commit {rev}); cold builds into a fresh output folder; no-change rebuilds of the last one.")
for n, *_, summary, runs, _rebuild, _index in rows:
    print(f"- N={int(n):,}: binary's summary line: `{summary}`")
EOF
