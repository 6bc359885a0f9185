#!/usr/bin/env bash
# The desk and the studio in a real browser: Debian's chromium driven by Playwright
# for Python (pointed at /usr/bin/chromium; it cannot download its own), with axe-core
# from the npm registry injected for the accessibility check. See tests/browser/.
#
#   scripts/browser-test.sh            # exits non-zero on any failure
#   SHOTS=docs scripts/browser-test.sh # also refreshes the screenshots in docs/
#
# Creates target/browser-venv and target/browser-node (reused between runs), builds
# and starts the release server on a free port, runs the desk's checks, then the
# studio's on a copy of the example.
set -euo pipefail
cd "$(dirname "$0")/.."

PLAYWRIGHT_VERSION=${PLAYWRIGHT_VERSION:-1.65.2}
AXE_VERSION=${AXE_VERSION:-4.14.1}
VENV=$(realpath -m "${VENV:-target/browser-venv}")
NODE_DIR=$(realpath -m target/browser-node)
SHOTS=$(realpath -m "${SHOTS:-target/browser-shots}")

source scripts/lib.sh
if ! command -v chromium >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
ensure_venv "$VENV" "playwright==$PLAYWRIGHT_VERSION"
axe="$NODE_DIR/node_modules/axe-core/axe.min.js"
if ! grep -qs "\"version\": \"$AXE_VERSION\"" "$NODE_DIR/node_modules/axe-core/package.json"; then
    mkdir -p "$NODE_DIR"
    npm install --silent --no-audit --no-fund --prefix "$NODE_DIR" "axe-core@$AXE_VERSION" >/dev/null
fi

cargo build --release --quiet --bin rosa

make_work_dir

start_server rulesets/exempelkommun "$work/server.log"
status=0
"$VENV/bin/python" tests/browser/desk.py "http://$addr" "$axe" "$SHOTS" || status=1
stop_server
# The studio writes: it works on a copy of the example, made by the test.
"$VENV/bin/python" tests/browser/studio.py ./target/release/rosa rulesets/exempelkommun "$axe" "$SHOTS" || status=1
exit "$status"
