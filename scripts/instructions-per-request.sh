#!/usr/bin/env bash
# Work per request that a busy or stolen CPU cannot blur: user-space instructions per
# single decision, counted by valgrind's callgrind, for rosa and for the static floor
# (examples/static_floor.rs: the same tokio and hyper stack answering rosa's bytes).
#
#   scripts/instructions-per-request.sh     # needs valgrind and wrk (apt-get install)
#   KEEP=DIR scripts/instructions-per-request.sh   # keep the callgrind files in DIR, for
#                                                  # callgrind_annotate --inclusive=yes
#
# Each server runs under callgrind; after a warm-up the counters are zeroed, wrk sends
# single decisions (the load test's mix) for DURATION, and the counters are dumped. The
# kernel's share (loopback TCP, about half the wall time in perf) is not counted: it is
# about the same for both, since both put the same bytes on the wire.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
KEEP=${KEEP:-}
export INQUIRIES=$PWD/scripts/inquiries.lua
KOMMUNKOD=1299
for tool in valgrind wrk; do
    command -v "$tool" >/dev/null || { echo "$tool is not installed: apt-get install -y $tool" >&2; exit 2; }
done

cargo build --release --quiet --bin rosa --example static_floor

work=$(mktemp -d)
pid=""
cleanup() {
    [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/scenario.lua" <<'EOF'
-- The load test's mix of single inquiries (scripts/inquiries.lua).
dofile(os.getenv("INQUIRIES"))
local requests, n = {}, 0
function init(args)
  for i, body in ipairs(inquiries) do
    requests[i] = wrk.format("POST", "/1299/decisions", { ["Content-Type"] = "application/json" }, body)
  end
end
function request() n = n + 1; return requests[(n % #requests) + 1] end
EOF

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# measure NAME PORT COMMAND...: prints "NAME requests=N instructions_per_request=I".
measure() {
    local name=$1 port=$2
    shift 2
    valgrind --tool=callgrind --callgrind-out-file="$work/$name.%p" "$@" >/dev/null 2>"$work/$name.log" &
    pid=$!
    for _ in $(seq 1 200); do
        curl -s -o /dev/null "http://127.0.0.1:$port/" && break
        kill -0 "$pid" 2>/dev/null || { cat "$work/$name.log" >&2; exit 1; }
        sleep 0.2
    done
    wrk -t1 -c4 -d3s -s "$work/scenario.lua" "http://127.0.0.1:$port" >/dev/null
    callgrind_control --zero "$pid" >/dev/null
    local requests
    requests=$(wrk -t1 -c4 -d"$DURATION" -s "$work/scenario.lua" "http://127.0.0.1:$port" |
        awk '/requests in/ { print $1 }')
    callgrind_control --dump=measured "$pid" >/dev/null
    local dump=""
    for _ in $(seq 1 100); do
        dump=$(ls "$work/$name".*.1 2>/dev/null | head -n1 || true)
        [[ -n "$dump" ]] && grep -q '^totals:' "$dump" && break
        sleep 0.1
    done
    local total
    total=$(awk '/^totals:/ { print $2 }' "$dump")
    echo "$name requests=$requests instructions_per_request=$((total / requests))"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=""
    if [[ -n "$KEEP" ]]; then
        mkdir -p "$KEEP"
        cp "$dump" "$KEEP/$name.callgrind"
    fi
}

rosa_port=$(free_port)
measure rosa "$rosa_port" ./target/release/rosa serve rulesets/exempelkommun \
    --addr "127.0.0.1:$rosa_port" --no-watch | tee "$work/rosa.result"

# The floor answers with the bytes rosa gives for one of the inquiries.
./target/release/rosa serve rulesets/exempelkommun --addr "127.0.0.1:$rosa_port" --no-watch 2>/dev/null &
pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$rosa_port/" && break; sleep 0.1; done
curl -s -D "$work/floor.headers" -o "$work/floor.body" -H 'Content-Type: application/json' \
    --data '{"case_type":"va-faktura","part":"avbetalning","channel":"telefon","attributes":{"belopp":12000}}' \
    "http://127.0.0.1:$rosa_port/$KOMMUNKOD/decisions"
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=""

floor_port=$(free_port)
measure floor "$floor_port" ./target/release/examples/static_floor "127.0.0.1:$floor_port" \
    "$work/floor.body" "$work/floor.headers" | tee "$work/floor.result"

rosa=$(grep -o 'instructions_per_request=[0-9]*' "$work/rosa.result" | cut -d= -f2)
floor=$(grep -o 'instructions_per_request=[0-9]*' "$work/floor.result" | cut -d= -f2)
awk -v r="$rosa" -v f="$floor" 'BEGIN { printf "RATIO rosa/floor instructions per request: %.2f×\n", r / f }'
