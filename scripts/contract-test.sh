#!/usr/bin/env bash
# Contract test: the OpenAPI document at /api-docs checked against the running server
# with schemathesis (every check: status codes, content types, response schemas,
# negative and positive data, unsupported methods, Allow headers).
#
#   scripts/contract-test.sh                 # exits non-zero on any failure
#   MAX_EXAMPLES=500 scripts/contract-test.sh
#
# Creates a venv (target/contract-venv, reused between runs), installs a pinned
# schemathesis, builds and starts the release server on a free 127.0.0.1 port, runs
# schemathesis for a bounded number of examples (about a minute on 2 cores; stopped
# after TIME_LIMIT seconds), and stops the server.
#
# One worker: with two, schemathesis 4.32 on CPython 3.11 sometimes fails inside
# hypothesis with "AST constructor recursion depth mismatch" (a Python error, not ours).
set -euo pipefail
cd "$(dirname "$0")/.."

RULESET=${RULESET:-rulesets/exempelkommun}
SCHEMATHESIS_VERSION=${SCHEMATHESIS_VERSION:-4.32.5}
MAX_EXAMPLES=${MAX_EXAMPLES:-200}
TIME_LIMIT=${TIME_LIMIT:-170}
SEED=${SEED:-20261122}
VENV=$(realpath -m "${VENV:-target/contract-venv}")

source scripts/lib.sh
ensure_venv "$VENV" "schemathesis==$SCHEMATHESIS_VERSION"

cargo build --release --quiet --bin rosa

make_work_dir

start_server "$RULESET" "$work/server.log"

# 413 counts as a rejection: a batch over `maxItems` is refused as too large.
cat >"$work/schemathesis.toml" <<'TOML'
[checks.negative_data_rejection]
expected-statuses = ["400", "404", "405", "406", "413", "415", "422"]
TOML

# Run inside the temp dir: schemathesis keeps a `.schemathesis` cache in its working dir.
status=0
(cd "$work" && timeout "$TIME_LIMIT" "$VENV/bin/schemathesis" --config-file "$work/schemathesis.toml" --no-color \
    run "http://$addr/api-docs" \
    --checks all \
    --phases examples,coverage,fuzzing \
    --max-examples "$MAX_EXAMPLES" \
    --seed "$SEED" \
    --request-timeout 5 \
    --workers 1) || status=$?
if [[ $status -eq 124 ]]; then
    echo "schemathesis did not finish within ${TIME_LIMIT}s" >&2
fi

if grep -q '"level":"ERROR"' "$work/server.log"; then
    echo "the server logged errors during the contract test:" >&2
    grep '"level":"ERROR"' "$work/server.log" >&2
    status=1
fi

kill -TERM "$server_pid"
wait "$server_pid" || status=1
server_pid=""
exit "$status"
