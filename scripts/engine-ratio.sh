#!/usr/bin/env bash
# The README's engine bench as a ratio that a noisy host blurs less: ROUNDS criterion
# runs (default 5) of `borrowed_inquiry_vs_floor`, each deciding the example's 804 keys
# and then looking them up in the bare FxHash floor, one right after the other. Prints
# per round criterion's slope estimate (what its `time:` line shows) and its median of
# the samples, both as decide/floor, then the median over the rounds of each.
#
#   ROUNDS=5 scripts/engine-ratio.sh      # needs python3 to read criterion's JSON
#
# A burst of stolen CPU lands on one sample or one of the pair; the median of the
# samples ignores the first, the median over rounds the second.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v python3 >/dev/null || { echo "python3 is needed to read criterion's estimates" >&2; exit 2; }
rounds=${ROUNDS:-5}
dir=target/criterion/borrowed_inquiry_vs_floor
cargo bench --quiet --bench engine --no-run
ratios=()
for round in $(seq 1 "$rounds"); do
    cargo bench --quiet --bench engine -- --noplot \
        'borrowed_inquiry_vs_floor/(decide|floor_fxhash_lookup)$' >/dev/null 2>&1
    ratios+=("$(python3 - "$dir" "$round" <<'EOF'
import json, sys
base, round_ = sys.argv[1], sys.argv[2]
def estimate(bench, kind):
    with open(f"{base}/{bench}/new/estimates.json") as f:
        data = json.load(f)
    return (data.get(kind) or data["mean"])["point_estimate"] / 1000
d_slope, f_slope = estimate("decide", "slope"), estimate("floor_fxhash_lookup", "slope")
d_med, f_med = estimate("decide", "median"), estimate("floor_fxhash_lookup", "median")
print(f"round {round_}: slope {d_slope:.2f} / {f_slope:.2f} us = {d_slope / f_slope:.2f}x, "
      f"median {d_med:.2f} / {f_med:.2f} us = {d_med / f_med:.2f}x", file=sys.stderr)
print(f"{d_slope / f_slope:.4f} {d_med / f_med:.4f}")
EOF
)")
done
printf '%s\n' "${ratios[@]}" | python3 -c '
import statistics, sys
rows = [tuple(map(float, line.split())) for line in sys.stdin if line.strip()]
slope = statistics.median(r[0] for r in rows)
median = statistics.median(r[1] for r in rows)
print(f"MEDIAN over {len(rows)} rounds: slope {slope:.2f}x, median of samples {median:.2f}x (aim: <= 1.5x)")
'
