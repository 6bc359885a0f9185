#!/usr/bin/env bash
# `rosa uppföljning` on a generated year of the example kommun, its outputs read by
# programs independent of rosa: the workbook by openpyxl (sheets, numbers as numbers,
# a frozen header, financing shares summing to 1 and equal to the JSON report), the
# HTML page rendered by headless Chromium (charts drawn, no console error).
# Usage: scripts/followup-check.sh [OUT_DIR]. Installs openpyxl into a venv under
# target/ (as scripts/xlsx-check.sh does); needs Debian's `chromium` (CI installs it).
set -euo pipefail
out="${1:-target/followup-check}"
rm -rf "$out"
mkdir -p "$out"
out="$(realpath "$out")"
rosa="${ROSA:-target/release/rosa}"
[ -x "$rosa" ] || cargo build --release --quiet
venv=target/xlsx-check-venv
if ! "$venv/bin/python" -c 'import openpyxl' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check openpyxl
fi
"$rosa" uppföljning rulesets/exempelkommun --generera "$out/ar" --contacts 30000 >/dev/null
report() {
  "$rosa" uppföljning rulesets/exempelkommun --log "$out/ar/loggar" --tidigare "$out/ar/regler-fore" \
    --arenden "$out/ar/arenden.csv" --cost-per-fte 650000 "$@"
}
report --format xlsx --out "$out/uppfoljning.xlsx"
report --format json --out "$out/uppfoljning.json"
report --format html --out "$out/uppfoljning.html"

"$venv/bin/python" - "$out/uppfoljning.xlsx" "$out/uppfoljning.json" <<'PY'
import json, sys
import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
report = json.load(open(sys.argv[2], encoding="utf-8"))
for wanted in ["Sammanfattning", "Per månad", "Finansiering", "Avvikelser", "Nyckeltal KKiK",
               "Överenskommelser", "Lästa rader"]:
    assert wanted in wb.sheetnames, f"no sheet {wanted!r} in {wb.sheetnames}"
for ws in wb.worksheets:
    assert ws.freeze_panes == "A2", f"{ws.title}: header row not frozen ({ws.freeze_panes})"

def numeric(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)

financing = wb["Finansiering"]
header = [c.value for c in financing[1]]
rows = list(financing.iter_rows(min_row=2, values_only=True))
adjusted = header.index("justerad andel")
agreed = header.index("överenskommen andel")
assert all(numeric(r[adjusted]) and numeric(r[agreed]) for r in rows), rows
assert abs(sum(r[adjusted] for r in rows) - 1.0) < 1e-9, "adjusted shares sum to 1"
assert abs(sum(r[agreed] for r in rows) - 1.0) < 1e-9, "agreed shares sum to 1"
by_id = {f["id"]: f for f in report["financing"]}
for r in rows:
    assert abs(r[adjusted] - by_id[r[1]]["adjusted_share"]) < 1e-12, r
months = wb["Per månad"]
header = [c.value for c in months[1]]
body = list(months.iter_rows(min_row=2, values_only=True))
assert len(body) >= 12, f"{len(body)} month rows"
for name in ["kontakter", "andel"]:
    i = header.index(name)
    assert all(numeric(r[i]) for r in body), name
# No forecast for contacts of unknown ärendetyper: an empty cell, never text.
i = header.index("prognos andel")
assert all(numeric(r[i]) or r[i] is None for r in body), "prognos andel"
assert sum(numeric(r[i]) for r in body) >= 12, "prognos andel: too few forecasts"
print(f"followup-check: xlsx ok ({len(wb.sheetnames)} sheets, {len(body)} month rows)")
PY

# Console messages go to stderr with --enable-logging, each as a CONSOLE line (an
# uncaught error as "Uncaught …"); the report writes nothing there, so any is a fault.
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$(mktemp -d)" --enable-logging=stderr --v=0 --window-size=1200,2400 \
  --hide-scrollbars --screenshot="$out/uppfoljning.png" "file://$out/uppfoljning.html" \
  2>"$out/console.log" || true
if grep -E ':CONSOLE|Uncaught' "$out/console.log"; then
  echo "followup-check: the page wrote errors to the console" >&2
  exit 1
fi
size=$(stat -c %s "$out/uppfoljning.png")
if [ "$size" -lt 50000 ]; then
  echo "followup-check: screenshot is only $size bytes: the page did not render" >&2
  exit 1
fi
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
  --user-data-dir="$(mktemp -d)" --dump-dom "file://$out/uppfoljning.html" 2>/dev/null >"$out/dom.html"
grep -q "<svg" "$out/dom.html" || { echo "followup-check: no chart in the rendered page" >&2; exit 1; }
echo "followup-check: html ok ($size bytes, $out/uppfoljning.png)"
