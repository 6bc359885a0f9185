#!/usr/bin/env bash
# Work per decision that a busy or stolen CPU cannot blur: instructions and mispredicted
# branches per `Engine::decide` over the example's 804 keys, against the floor of
# benches/engine.rs (one FxHash lookup of the same borrowed strings), both counted by
# valgrind's callgrind with its branch simulator (examples/decide_cost.rs).
#
#   scripts/decide-instructions.sh       # needs valgrind (apt-get install -y valgrind)
#
# COST is instructions + 15 x mispredicted branches, a rough cycle count. Its ratio
# follows the criterion bench `borrowed_inquiry_vs_floor` but reads lower: on
# 2026-12-07 it gave 2.15x where the bench measured 2.4x on a quiet machine. Its branch
# predictor is simpler than a real CPU's: a channel lookup table that cut the simulated
# mispredictions from 2.3 to 1.0 a decision, for 17 more instructions, made the bench
# slower (16.3 against 14.9 us). Use it to find where the work is; decide with the bench.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is not installed: apt-get install -y valgrind" >&2; exit 2; }
cargo build --release --quiet --example decide_cost
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rounds=100
declare -A cost
for mode in decide floor; do
    valgrind --tool=callgrind --branch-sim=yes --callgrind-out-file="$work/$mode" \
        target/release/examples/decide_cost "$mode" "$rounds" >/dev/null 2>&1
    fn=one; [[ $mode == floor ]] && fn=floor_one
    # Inclusive events of the one function: Ir Bc Bcm Bi Bim (a "." is zero).
    line=$(callgrind_annotate --inclusive=yes "$work/$mode" 2>/dev/null \
        | grep -E "decide_cost::$fn \[" | sed -E 's/\([^)]*\)//g')
    read -r ir _bc bcm _bi bim _ <<<"${line//,/}"
    [[ $bcm == . ]] && bcm=0
    [[ $bim == . ]] && bim=0
    calls=$((804 * rounds))
    c=$(awk -v i="$ir" -v m1="$bcm" -v m2="$bim" -v n="$calls" 'BEGIN { printf "%.0f", (i + 15 * (m1 + m2)) / n }')
    awk -v i="$ir" -v m1="$bcm" -v m2="$bim" -v n="$calls" -v m="$mode" -v c="$c" \
        'BEGIN { printf "%s instructions=%.0f mispredicted=%.2f COST=%s\n", m, i / n, (m1 + m2) / n, c }'
    cost[$mode]=$c
done
awk -v a="${cost[decide]}" -v b="${cost[floor]}" 'BEGIN { printf "RATIO decide/floor cost per decision: %.2fx\n", a / b }'
