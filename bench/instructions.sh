#!/usr/bin/env bash
# Counts the instructions one cold build executes, with valgrind's callgrind: unlike wall-clock
# time on a shared VM, the count repeats to within a fraction of a percent, so it shows what
# an optimisation saved even when the machine is busy.
#
# Usage: bench/instructions.sh [N] [BINARY]   (N articles, default 1000; default binary: a
# release build of this checkout). Needs valgrind (apt-get install valgrind) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
binary=${2:-}
if [[ -z $binary ]]; then
    cargo build --release -q
    binary=target/release/briefing
fi
command -v valgrind >/dev/null || { echo "instructions.sh: needs valgrind" >&2; exit 1; }
bench_dir=${BENCH_DIR:-/tmp/briefing-bench}
corpus=$bench_dir/n$n
[[ -d $corpus ]] || python3 bench/gen_corpus.py "$n" "$corpus"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
# One thread: the same work in the same order every run.
RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out" \
    "$binary" build --root "$corpus" --output "$out/site" 2>"$out/log" >/dev/null \
    || { tail -5 "$out/log" >&2; exit 1; }
refs=$(grep -o 'refs: *[0-9,]*' "$out/log" | tr -dc '0-9')
printf '%s articles: %s instructions (%s)\n' "$n" "$refs" "$binary"
