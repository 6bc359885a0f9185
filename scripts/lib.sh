# Shared by the scripts that test a running server. Source it, then call
# `start_server RULESET LOG`: builds nothing, starts ./target/release/rosa serve on a
# free 127.0.0.1 port, not watching, sets `addr` and `server_pid`, and stops it on exit.

server_pid=""
work=""
stop_server() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=""
}

start_server() {
    start_rosa "$2" "$1" --no-watch
}

# `start_rosa LOG ARGS...`: the same with your own arguments to `rosa serve` (the
# directories, and e.g. watching on or other limits).
start_rosa() {
    local log=$1
    shift
    RUST_LOG=info ./target/release/rosa serve "$@" --addr 127.0.0.1:0 --log-format json 2>"$log" &
    server_pid=$!
    addr=""
    for _ in $(seq 1 300); do
        addr=$(grep -o '"addr":"127\.0\.0\.1:[0-9]*"' "$log" | head -n1 | cut -d'"' -f4 || true)
        [[ -n "$addr" ]] && return 0
        kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; return 1; }
        sleep 0.1
    done
    echo "the server did not start" >&2
    cat "$log" >&2
    return 1
}

# `ensure_venv DIR PACKAGE==VERSION`: a venv with exactly that version, reused between runs.
ensure_venv() {
    local venv=$1 requirement=$2
    local name=${requirement%%==*} version=${requirement##*==}
    if [[ ! -x "$venv/bin/python" ]] ||
        ! "$venv/bin/pip" show "$name" 2>/dev/null | grep -qx "Version: $version"; then
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check "$requirement"
    fi
}

# A temporary directory in `work`, removed with the server on exit.
make_work_dir() {
    work=$(mktemp -d)
    trap 'stop_server; rm -rf "$work"' EXIT
}
