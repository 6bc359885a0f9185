#!/usr/bin/env bash
# A reload that truly hangs, end to end: part of a served ruleset directory is a FUSE file
# system (scripts/hung_fs.py) whose one file stops answering reads, as a stalled network
# disk does. Checks what docs/integration.md promises: the stuck reload is reported within
# its budget, requests are still answered, an edit made meanwhile is not lost, later edits
# reload, and SIGTERM ends the process within 5 s while a reload is still stuck.
#
#   scripts/hung-reload-test.sh      # exits non-zero on any failure; about 10 s
#
# Installs libfuse 2 (apt) and fusepy (a venv in target/hung-fs-venv, reused) if missing;
# builds the release binary if needed. Without FUSE (no /dev/fuse, or a mount is not
# permitted) it says "skipped: ..." and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."

FUSEPY_VERSION=${FUSEPY_VERSION:-3.0.1}
VENV=$(realpath -m "${VENV:-target/hung-fs-venv}")
BUDGET=2

skip() {
    echo "skipped: FUSE is not available here ($1)"
    exit 0
}

[[ -e /dev/fuse ]] || skip "there is no /dev/fuse"
[[ -r /dev/fuse && -w /dev/fuse ]] || skip "/dev/fuse cannot be opened by $(id -un)"
if ! ldconfig -p | grep -q 'libfuse\.so\.2 '; then
    [[ $(id -u) -eq 0 ]] || skip "libfuse 2 is not installed, and $(id -un) cannot install it"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libfuse2 >/dev/null
fi

source scripts/lib.sh
ensure_venv "$VENV" "fusepy==$FUSEPY_VERSION"
cargo build --release --quiet --bin rosa

passes=0 failures=0
pass() {
    echo "PASS: $*"
    passes=$((passes + 1))
}
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

make_work_dir
dir=$work/ruleset
mnt=$dir/natverk
hang=$work/hang
fs_pid=""

mounted() { grep -q " $mnt fuse" /proc/mounts; }

# Every thread of PID has ended (a zombie not yet reaped counts as ended).
ended() {
    local task
    for task in /proc/"$1"/task/*/stat; do
        [[ -e $task ]] || continue
        [[ $(sed 's/.*) //' "$task" 2>/dev/null | cut -d' ' -f1) == Z ]] || return 1
    done
}

cleanup() {
    rm -f "$hang" # answers any read still waiting
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do ended "$server_pid" && break; sleep 0.1; done
        ended "$server_pid" || kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if mounted; then
        umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
    fi
    if [[ -n $fs_pid ]]; then
        for _ in $(seq 1 50); do kill -0 "$fs_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$fs_pid" 2>/dev/null || true
        wait "$fs_pid" 2>/dev/null || true
    fi
    mounted || rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A small valid ruleset; `natverk/` is where the network disk is mounted. Files load in
# path order, so kansli.rosa is read before natverk/extra.rosa, policy.rosa after it.
mkdir -p "$mnt"
cat >"$dir/policy.rosa" <<'EOF'
kundtjänst "Kontaktcenter Testby" {
    kommun "Testby" kommunkod 1234
    kanaler telefon, e-post
    frekvensgräns 10 per månad
    reserv vidarekoppla till kansli
}
EOF
kansli() {
    cat <<'EOF'
förvaltning kansli "Kansliet" {
    vidarekoppla kö "Kansliet"
    ärendetyp oppettider "Öppettider" {
        rosa 1
        frekvens 20 per dag
    }
EOF
    local extra
    for extra in "$@"; do
        printf '    ärendetyp %s "%s" {\n        rosa 2\n        frekvens 5 per dag\n    }\n' "$extra" "$extra"
    done
    echo "}"
}
kansli >"$dir/kansli.rosa"
cat >"$work/extra.rosa" <<'EOF'
förvaltning it "IT-avdelningen" {
    vidarekoppla kö "IT"
    ärendetyp skrivare "Skrivaren krånglar" {
        rosa 1
        frekvens 20 per dag
    }
}
EOF

"$VENV/bin/python" scripts/hung_fs.py "$work/extra.rosa" "$mnt" "$hang" 2>"$work/fs.log" &
fs_pid=$!
for _ in $(seq 1 100); do
    mounted && break
    kill -0 "$fs_pid" 2>/dev/null || break
    sleep 0.1
done
if ! mounted; then
    if grep -qiE 'fuse: |fusermount|not permitted|permission denied' "$work/fs.log"; then
        skip "$(grep -iE 'fuse: |fusermount|not permitted|permission denied' "$work/fs.log" | head -n1)"
    fi
    cat "$work/fs.log" >&2
    echo "FAIL: the FUSE file system did not mount"
    exit 1
fi
timeout 5 cmp -s "$mnt/extra.rosa" "$work/extra.rosa" ||
    { echo "FAIL: the FUSE file system does not serve extra.rosa"; exit 1; }

start_rosa "$work/server.log" "$dir" --reload-budget "$BUDGET"
url=http://$addr/v1/1234

status() { curl -sf --max-time 3 "$url/ruleset"; }
field() { status | jq -r "$1"; }
# `wait_for SECONDS JQ_CONDITION`: poll /ruleset until the condition holds.
wait_for() {
    local deadline=$((SECONDS + $1))
    while ((SECONDS < deadline)); do
        [[ $(status | jq -r "$2" 2>/dev/null) == true ]] && return 0
        sleep 0.1
    done
    return 1
}
# `decide ÄRENDETYP`: one decision, as `ÄRENDETYP'S NAME RULESET` (the name is null
# when the ruleset has no such ärendetyp), or the curl error.
decide() {
    curl -sS -f --max-time 3 -X POST "$url/decisions" -H 'Content-Type: application/json' \
        -d "{\"arendetyp\": \"$1\", \"kanal\": \"telefon\"}" 2>&1 |
        jq -Rr 'fromjson? // . | if type == "object" then "\(.case_type_name) \(.ruleset)" else . end'
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

first_id=$(field .id)
echo "serving ruleset $first_id at $addr, the network disk mounted at $mnt"

# 1. A reload walks into the hung file: reported within the budget.
touch "$hang"
started=$(now)
kill -HUP "$server_pid"
if wait_for $((BUDGET + 3)) '.last_reload_error.message // "" | contains("did not finish within")'; then
    pass "a reload stuck on the network disk is reported after $(since "$started") s: $(field .last_reload_error.message)"
else
    fail "no reload error within $((BUDGET + 3)) s of SIGHUP: $(status)"
fi
if grep -q 'a read of /extra.rosa hangs' "$work/fs.log"; then
    pass "the reload is stuck in a read of natverk/extra.rosa"
else
    fail "the reload never read natverk/extra.rosa"
fi

# 2. Requests are answered while the reload hangs.
live=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' --max-time 2 "http://$addr/v1/health/live" || true)
if [[ $live == 200\ * ]] && below "${live#* }" 1; then
    pass "/health/live answers 200 in ${live#* } s"
else
    fail "/health/live: '$live'"
fi
health=$(curl -s --max-time 2 "http://$addr/v1/health" | jq -r .status)
[[ $health == degraded ]] && pass "/health says degraded" || fail "/health says '$health'"
decision=$(decide oppettider)
if [[ $decision == "Öppettider $first_id" ]]; then
    pass "decisions are answered, on the previous ruleset"
else
    fail "a decision on the previous ruleset: $decision"
fi

# 3. An edit while the reload still hangs: refused (one reload at a time), and said so.
kansli parkering >"$dir/kansli.rosa"
if wait_for 5 '.last_reload_error.message // "" | contains("earlier reload is still reading")'; then
    pass "an edit while the reload hangs is reported as waiting: $(field .last_reload_error.message)"
else
    fail "the edit while the reload hangs is not reported: $(status)"
fi

# 4. The disk answers again: the edit made meanwhile is served, without another edit.
rm "$hang"
started=$(now)
if wait_for 5 '.last_reload_error == null and .counts.arendetyper == 3'; then
    pass "when the disk answers again, the edit made while it hung is served after $(since "$started") s"
else
    fail "the disk answers again, but the edit made while it hung is not served: $(status)"
fi
decision=$(decide parkering)
[[ $decision == "parkering $(field .id)" ]] && pass "a decision finds the ärendetyp the edit added" ||
    fail "a decision on the ärendetyp the edit added: $decision"

# 5. A later edit reloads as usual.
kansli parkering snorojning >"$dir/kansli.rosa"
if wait_for 5 '.last_reload_error == null and .counts.arendetyper == 4'; then
    pass "a later edit reloads"
else
    fail "a later edit does not reload: $(status)"
fi

# 6. SIGTERM while a reload is still stuck: the process ends within 5 s.
touch "$hang"
kill -HUP "$server_pid"
if wait_for $((BUDGET + 3)) '.last_reload_error.message // "" | contains("did not finish within")' &&
    [[ $(grep -c 'a read of /extra.rosa hangs' "$work/fs.log") -ge 2 ]]; then
    pass "a second reload is stuck on the network disk and reported"
else
    fail "the second reload did not get stuck: $(status)"
fi
started=$(now)
kill -TERM "$server_pid"
for _ in $(seq 1 100); do
    ended "$server_pid" && break
    sleep 0.05
done
took=$(since "$started")
if ended "$server_pid"; then
    code=0
    wait "$server_pid" || code=$?
    server_pid=""
    if [[ $code == 0 ]] && below "$took" 5; then
        pass "SIGTERM ends the process in $took s while the reload is stuck (exit code 0)"
    else
        fail "after SIGTERM the process ended in $took s with exit code $code"
    fi
else
    fail "the process is still running 5 s after SIGTERM, with a reload stuck"
fi
[[ -e $hang ]] && pass "the network disk was still hung when the process ended" ||
    fail "the hang was released before the process ended"

if grep -q '"level":"ERROR"' "$work/server.log"; then
    fail "the server logged errors: $(grep '"level":"ERROR"' "$work/server.log")"
fi

if ((failures > 0)); then
    echo "the server's log:"
    cat "$work/server.log"
fi
echo "hung-reload: $passes passed, $failures failed"
((failures == 0))
