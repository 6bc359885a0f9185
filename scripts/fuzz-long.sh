#!/usr/bin/env bash
# The property tests, longer than in `cargo test`: the rule parser (tests/fuzz.rs, whose
# case counts are fixed, so it runs ROUNDS times with new random seeds) and the dry-run's
# log reader (tests/log_fuzz.rs, CASES cases per property).
#
#   scripts/fuzz-long.sh                 # 100,000 log cases, 10 parser rounds
#   CASES=1000000 ROUNDS=50 scripts/fuzz-long.sh
#
# A failure prints the shrunk input; proptest saves its seed under tests/*.proptest-regressions
# so that `cargo test` tries it again from then on.
set -euo pipefail
cd "$(dirname "$0")/.."

CASES="${CASES:-100000}"
ROUNDS="${ROUNDS:-10}"

echo "log reader: $CASES cases per property"
PROPTEST_CASES="$CASES" cargo test --release --test log_fuzz

for round in $(seq 1 "$ROUNDS"); do
    echo "rule parser: round $round of $ROUNDS"
    cargo test --release --test fuzz
done
