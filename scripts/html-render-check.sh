#!/usr/bin/env bash
# Render the dry-run HTML report of the example kommun in headless Chromium and check
# that it produced a real picture. Usage: scripts/html-render-check.sh [OUT_DIR]
# Needs Debian's `chromium` (CI installs it); the page itself needs no network.
set -euo pipefail
out="${1:-target/html-check}"
mkdir -p "$out"
out="$(realpath "$out")"
rosa="${ROSA:-target/release/rosa}"
[ -x "$rosa" ] || cargo build --release --quiet
"$rosa" dry-run rulesets/exempelkommun --log rulesets/exempelkommun/logg/2026.csv --format html --out "$out/rapport.html"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$(mktemp -d)" --window-size=1200,2400 --hide-scrollbars \
  --screenshot="$out/rapport.png" "file://$out/rapport.html" 2>/dev/null
size=$(stat -c %s "$out/rapport.png")
# A blank or failed render is a few kilobytes; charts and tables make it far larger.
if [ "$size" -lt 50000 ]; then
  echo "html-render-check: screenshot is only $size bytes: the page did not render" >&2
  exit 1
fi
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --user-data-dir="$(mktemp -d)" --dump-dom "file://$out/rapport.html" 2>/dev/null > "$out/dom.html"
for needle in "<svg" "Utfall per förvaltning" "Telefonbemanning per timme"; do
  grep -q "$needle" "$out/dom.html" || { echo "html-render-check: rendered page lacks '$needle'" >&2; exit 1; }
done
echo "html-render-check: ok ($size bytes, $out/rapport.png)"
