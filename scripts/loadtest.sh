#!/usr/bin/env bash
# Bounded load test of `rosa serve` on loopback with wrk: single decisions, then batches.
#
#   scripts/loadtest.sh                      # 10 s each, 16 connections, batches of 100
#   DURATION=30s CONNECTIONS=32 scripts/loadtest.sh
#   DECISION_LOG=1 scripts/loadtest.sh       # with the decision log on (to a temp file)
#
# Builds the release binary, starts the server on a free 127.0.0.1 port, warms up, runs
# wrk for a fixed duration per scenario, prints one RESULT line per scenario, and stops
# the server with SIGTERM. Needs wrk (apt-get install -y wrk). Only talks to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

RULESET=${RULESET:-rulesets/exempelkommun}
KOMMUNKOD=${KOMMUNKOD:-1299}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-1}
BATCH=${BATCH:-100}
DECISION_LOG=${DECISION_LOG:-}

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 2; }

cargo build --release --quiet --bin rosa

work=$(mktemp -d)
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

log_args=()
[[ -n "$DECISION_LOG" ]] && log_args=(--decision-log "$work/decisions.jsonl")
RUST_LOG=info ./target/release/rosa serve "$RULESET" --addr 127.0.0.1:0 --no-watch \
    --log-format json "${log_args[@]}" 2>"$work/server.log" &
server_pid=$!

addr=""
for _ in $(seq 1 300); do
    addr=$(grep -o '"addr":"127\.0\.0\.1:[0-9]*"' "$work/server.log" | head -n1 | cut -d'"' -f4 || true)
    [[ -n "$addr" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.1
done
[[ -n "$addr" ]] || { echo "the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }

# A realistic mix: plain lookups, delmoment, a Rhai condition on an attribute, a time
# rule, an unknown case type.
cat >"$work/inquiries.lua" <<'EOF'
inquiries = {
  '{"case_type":"bygglov-status","channel":"telefon"}',
  '{"case_type":"vaxel-koppla","channel":"telefon"}',
  '{"case_type":"va-faktura","part":"avbetalning","channel":"telefon","attributes":{"belopp":12000}}',
  '{"case_type":"ekonomiskt-bistand","part":"nodprovning","channel":"telefon","time":"2026-03-02T18:30"}',
  '{"case_type":"eldning","channel":"chatt","attributes":{"akut":false}}',
  '{"case_type":"sophamtning","part":"utebliven","channel":"e-post"}',
  '{"case_type":"allmanna-handlingar","part":"sekretessprovning","channel":"besök"}',
  '{"case_type":"finns-inte","channel":"telefon"}',
}
EOF

cat >"$work/scenario.lua" <<'EOF'
-- Requests are built once in init; request() only picks the next one.
dofile(os.getenv("INQUIRIES"))
local path = os.getenv("ROSA_PATH")
local batch = tonumber(os.getenv("ROSA_BATCH") or "0")
local requests, n = {}, 0
local headers = { ["Content-Type"] = "application/json" }

function init(args)
  if batch > 0 then
    local items = {}
    for i = 1, batch do items[i] = inquiries[((i - 1) % #inquiries) + 1] end
    requests[1] = wrk.format("POST", path, headers, "[" .. table.concat(items, ",") .. "]")
  else
    for i, body in ipairs(inquiries) do requests[i] = wrk.format("POST", path, headers, body) end
  end
end

function request()
  n = n + 1
  return requests[(n % #requests) + 1]
end

function done(summary, latency, _)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.status + e.timeout
  local seconds = summary.duration / 1e6
  local per_request = batch > 0 and batch or 1
  io.write(string.format(
    "RESULT requests=%d errors=%d requests_per_s=%.0f decisions_per_s=%.0f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests, errors, summary.requests / seconds, summary.requests * per_request / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
EOF

run() { # name, path, batch size (0 = single), duration
    echo "== $1: POST $2, ${CONNECTIONS} connections, ${THREADS} wrk thread(s), $4"
    INQUIRIES="$work/inquiries.lua" ROSA_PATH="$2" ROSA_BATCH="$3" \
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$4" -s "$work/scenario.lua" "http://$addr" | grep RESULT
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "server: http://$addr, ruleset $(curl -s "http://$addr/$KOMMUNKOD/ruleset" | grep -o '"id":"[0-9a-f]*"')"
run warm-up "/$KOMMUNKOD/decisions" 0 3s >/dev/null
run single "/$KOMMUNKOD/decisions" 0 "$DURATION"
run "batch of $BATCH" "/$KOMMUNKOD/decisions/batch" "$BATCH" "$DURATION"

if [[ -n "$DECISION_LOG" ]]; then
    echo "decision log: $(curl -s "http://$addr/health" | grep -o '"decision_log":{[^}]*}')"
fi
kill -TERM "$server_pid"
wait "$server_pid"
server_pid=""
echo "server stopped cleanly"
if [[ -n "$DECISION_LOG" ]]; then
    echo "decision log lines on disk: $(wc -l <"$work/decisions.jsonl")"
fi
