#!/usr/bin/env bash
# Compares two briefing binaries on one corpus with interleaved cold builds (A, B, A, B, ...),
# so that a slow spell on this shared VM hits both alike. Each build goes into a fresh output
# folder under $OUT_DIR (default /dev/shm: tmpfs, so the disk's writeback is not measured) and
# is timed with GNU time. Prints, per binary, the median wall-clock time, the median CPU time
# (user + system), the median system time and the highest peak memory, then every wall time.
#
# Usage: bench/interleave.sh RUNS CORPUS BINARY_A BINARY_B
#   e.g. bench/interleave.sh 9 /tmp/briefing-bench/n10000 /tmp/briefing-old target/release/briefing
set -euo pipefail

if [[ $# -ne 4 ]]; then
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
fi
runs=$1 corpus=$2 bin_a=$3 bin_b=$4
out_dir=${OUT_DIR:-/dev/shm}
[[ -x /usr/bin/time ]] || { echo "interleave: needs GNU time at /usr/bin/time (apt-get install time)" >&2; exit 1; }
log=$(mktemp -d)
trap 'rm -rf "$log" "$out_dir/interleave-out" "$out_dir"/.interleave-out.*' EXIT

for ((i = 1; i <= runs; i++)); do
    for side in a b; do
        bin=$bin_a
        [[ $side == b ]] && bin=$bin_b
        # A fresh folder, and no record beside it: every build is a cold one.
        rm -rf "$out_dir/interleave-out" "$out_dir"/.interleave-out.*
        if ! /usr/bin/time -o "$log/time" -f "%e %U %S %M" \
            "$bin" build --root "$corpus" --output "$out_dir/interleave-out" >"$log/out" 2>&1; then
            echo "interleave: $bin failed:" >&2
            tail -5 "$log/out" >&2
            exit 1
        fi
        cat "$log/time" >>"$log/$side"
    done
done

python3 - "$log" "$bin_a" "$bin_b" <<'PY'
import statistics, sys
log, names = sys.argv[1], {"a": sys.argv[2], "b": sys.argv[3]}
for side in "ab":
    rows = [list(map(float, line.split())) for line in open(f"{log}/{side}") if line.strip()]
    wall = [r[0] for r in rows]
    cpu = [r[1] + r[2] for r in rows]
    sys_ = [r[2] for r in rows]
    peak = max(r[3] for r in rows) / 1024
    print(f"{side.upper()} {names[side]}: wall {statistics.median(wall):.3f} s, "
          f"CPU {statistics.median(cpu):.2f} s (system {statistics.median(sys_):.2f} s), "
          f"peak {peak:.0f} MiB; walls {' '.join(f'{w:.2f}' for w in wall)}")
PY
