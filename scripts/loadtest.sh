#!/usr/bin/env bash
# Bounded load test of `rosa serve` on loopback with wrk: single decisions against a
# static floor, then batches.
#
#   scripts/loadtest.sh                      # 3 rounds of 10 s each, 16 connections
#   DURATION=30s ROUNDS=5 CONNECTIONS=32 scripts/loadtest.sh
#   DECISION_LOG=1 scripts/loadtest.sh       # with the decision log on (to a temp file)
#   PIN=1 scripts/loadtest.sh                # each server on one worker on CPU 0, wrk on CPU 1
#
# Each RESULT line also gives `preempted_per_s`: how often per second the kernel took a
# CPU from the server's threads while they could still run (involuntary context
# switches, from /proc). On 2 cores wrk and two server workers want three CPUs; a
# request caught on a preempted worker waits out the other thread's time slice, which
# puts a second mode of 2–4 ms in both servers' latencies. p99 then depends on whether
# that mode holds more than 1 % of the requests. PIN=1 gives the client and the server
# a core each, so the servers' latencies are their own; their throughput is then bound
# by the server's own CPU per request.
#
# Builds the release binary and the floor (examples/static_floor.rs: the same tokio and
# hyper stack answering every POST with the bytes rosa gave for one inquiry), starts
# both on free 127.0.0.1 ports, warms both up, then runs wrk against each in turn for
# ROUNDS rounds and prints one RESULT line per run, the median of each and the ratio
# rosa/floor (median of the per-round ratios: each pair ran back to back). Batches run
# against rosa only. Stops the servers with SIGTERM. Needs wrk (apt-get install -y wrk).
# Only talks to 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

RULESET=${RULESET:-rulesets/exempelkommun}
KOMMUNKOD=${KOMMUNKOD:-1299}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-1}
BATCH=${BATCH:-100}
DECISION_LOG=${DECISION_LOG:-}
PIN=${PIN:-}
server_cpu=()
client_cpu=()
if [[ -n "$PIN" ]]; then
    command -v taskset >/dev/null || { echo "taskset is not installed (util-linux)" >&2; exit 2; }
    export TOKIO_WORKER_THREADS=1
    server_cpu=(taskset -c 0)
    client_cpu=(taskset -c 1)
fi

command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 2; }

cargo build --release --quiet --bin rosa --example static_floor

work=$(mktemp -d)
server_pid=""
floor_pid=""
cleanup() {
    for pid in "$server_pid" "$floor_pid"; do
        if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    rm -rf "$work"
}
trap cleanup EXIT

log_args=()
[[ -n "$DECISION_LOG" ]] && log_args=(--decision-log "$work/decisions.jsonl")
RUST_LOG=info "${server_cpu[@]}" ./target/release/rosa serve "$RULESET" --addr 127.0.0.1:0 --no-watch \
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
    "RESULT requests=%d errors=%d requests_per_s=%.0f decisions_per_s=%.0f p50_ms=%.3f p90_ms=%.3f p98_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
    summary.requests, errors, summary.requests / seconds, summary.requests * per_request / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(98) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
EOF

# Involuntary context switches of process $1's threads so far.
preempted() {
    cat /proc/"$1"/task/*/status 2>/dev/null | awk '/^nonvoluntary_ctxt_switches/ { n += $2 } END { print n + 0 }'
}

run() { # name, address, path, batch size (0 = single), duration, server pid
    echo "== $1: POST $3, ${CONNECTIONS} connections, ${THREADS} wrk thread(s), $5" >&2
    local before started result
    before=$(preempted "$6")
    started=$(date +%s.%N)
    result=$(INQUIRIES="$PWD/scripts/inquiries.lua" ROSA_PATH="$3" ROSA_BATCH="$4" \
        "${client_cpu[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$5" -s "$work/scenario.lua" "http://$2" | grep RESULT)
    awk -v r="$result" -v n="$(( $(preempted "$6") - before ))" -v t0="$started" -v t1="$(date +%s.%N)" \
        'BEGIN { printf "%s preempted_per_s=%.0f\n", r, n / (t1 - t0) }'
}

# The floor answers with what rosa answers to one of the inquiries (headers included,
# a fixed request id among them), so both put the same bytes on the wire.
curl -s -D "$work/floor.headers" -o "$work/floor.body" -H 'Content-Type: application/json' \
    --data '{"case_type":"va-faktura","part":"avbetalning","channel":"telefon","attributes":{"belopp":12000}}' \
    "http://$addr/$KOMMUNKOD/decisions"
grep -q '^HTTP/1.1 200' "$work/floor.headers" || { cat "$work/floor.headers" >&2; exit 1; }
"${server_cpu[@]}" ./target/release/examples/static_floor 127.0.0.1:0 "$work/floor.body" "$work/floor.headers" \
    >"$work/floor.log" 2>&1 &
floor_pid=$!
floor=""
for _ in $(seq 1 100); do
    floor=$(grep -so '127\.0\.0\.1:[0-9]*' "$work/floor.log" | head -n1 || true)
    [[ -n "$floor" ]] && break
    kill -0 "$floor_pid" 2>/dev/null || { cat "$work/floor.log" >&2; exit 1; }
    sleep 0.1
done
[[ -n "$floor" ]] || { echo "the floor did not start" >&2; exit 1; }

# The median of field $1 (e.g. p99_ms) over the RESULT lines on stdin.
median() {
    grep -o " $1=[0-9.]*" | cut -d= -f2 | sort -g |
        awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "server: http://$addr, ruleset $(curl -s "http://$addr/$KOMMUNKOD/ruleset" | grep -o '"id":"[0-9a-f]*"')"
echo "floor: http://$floor, $(wc -c <"$work/floor.body") bytes of body"
single="/$KOMMUNKOD/decisions"
run warm-up "$addr" "$single" 0 3s "$server_pid" >/dev/null
run warm-up "$floor" "$single" 0 3s "$floor_pid" >/dev/null
for round in $(seq 1 "$ROUNDS"); do
    # Alternate which goes first, so neither always follows the other's aftermath.
    order=(rosa floor)
    (( round % 2 == 0 )) && order=(floor rosa)
    for who in "${order[@]}"; do
        target=$addr pid=$server_pid
        [[ $who == floor ]] && target=$floor pid=$floor_pid
        line=$(run "single, $who, round $round" "$target" "$single" 0 "$DURATION" "$pid")
        echo "$line" | sed "s/^RESULT /RESULT server=$who round=$round /"
        echo "$line" >>"$work/$who.results"
    done
    paste -d' ' "$work/rosa.results" "$work/floor.results" | tail -n1 | awk '
        { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1], (i <= NF / 2) ? "r" : "f"] = kv[2] } }
        END { printf "RATIO round=%d requests_per_s=%.2f p50=%.2f p99=%.2f\n", '"$round"',
              v["requests_per_s", "r"] / v["requests_per_s", "f"], v["p50_ms", "r"] / v["p50_ms", "f"],
              v["p99_ms", "r"] / v["p99_ms", "f"] }' | tee -a "$work/ratios"
done
for who in rosa floor; do
    echo "MEDIAN server=$who requests_per_s=$(median requests_per_s <"$work/$who.results")" \
        "p50_ms=$(median p50_ms <"$work/$who.results") p98_ms=$(median p98_ms <"$work/$who.results")" \
        "p99_ms=$(median p99_ms <"$work/$who.results")" \
        "preempted_per_s=$(median preempted_per_s <"$work/$who.results")"
done
echo "RATIO rosa/floor (median of $ROUNDS rounds): throughput $(median requests_per_s <"$work/ratios")×," \
    "p50 $(median p50 <"$work/ratios")×, p99 $(median p99 <"$work/ratios")×"

kill -TERM "$floor_pid"
wait "$floor_pid" 2>/dev/null || true
floor_pid=""
run "batch of $BATCH" "$addr" "/$KOMMUNKOD/decisions/batch" "$BATCH" "$DURATION" "$server_pid" |
    sed 's/^RESULT /RESULT server=rosa batch='"$BATCH"' /'

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
