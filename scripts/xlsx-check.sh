#!/usr/bin/env bash
# Read the dry-run workbook of the example kommun with openpyxl, a reader independent
# of the one rosa uses, and check that it is what Excel users get: sheets, numbers as
# numbers, a frozen header row, and the same share as the JSON report.
# Usage: scripts/xlsx-check.sh [OUT_DIR]. Installs openpyxl into a venv under target/.
set -euo pipefail
out="${1:-target/xlsx-check}"
mkdir -p "$out"
rosa="${ROSA:-target/release/rosa}"
[ -x "$rosa" ] || cargo build --release --quiet
venv=target/xlsx-check-venv
if ! "$venv/bin/python" -c 'import openpyxl' 2>/dev/null; then
  if ! python3 -m venv "$venv" 2>/dev/null; then
    # Debian's python3 needs python3-venv for ensurepip.
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
    rm -rf "$venv"
    python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check openpyxl
fi
log=rulesets/exempelkommun/logg/2026.csv
start=$(date +%s.%N)
"$rosa" dry-run rulesets/exempelkommun --log "$log" --format xlsx --out "$out/rapport.xlsx" --cost-per-fte 650000
end=$(date +%s.%N)
"$rosa" dry-run rulesets/exempelkommun --log "$log" --format json --out "$out/rapport.json" --cost-per-fte 650000
"$venv/bin/python" - "$out/rapport.xlsx" "$out/rapport.json" <<'PY'
import json, sys
import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
report = json.load(open(sys.argv[2], encoding="utf-8"))
names = wb.sheetnames
assert len(names) >= 4, names
for wanted in ["Sammanfattning", "Förvaltningar", "Ärendetyper", "Bemanning per timme",
               "System", "Kandidater", "Avvisade rader", "Antaganden"]:
    assert wanted in names, f"no sheet {wanted!r} in {names}"
assert "Jämförelse" not in names, "no comparison asked for"

def numeric(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)

for ws in wb.worksheets:
    assert ws.freeze_panes == "A2", f"{ws.title}: header row not frozen ({ws.freeze_panes})"

summary = wb["Sammanfattning"]
rows = {r[0]: r[1] for r in summary.iter_rows(min_row=2, values_only=True)}
share = rows["andel som kundtjänst hanterar"]
assert numeric(share), f"share is {share!r}"
assert abs(share - report["total"]["share"]) < 1e-9, (share, report["total"]["share"])
assert numeric(rows["kontakter per år"]) and rows["kontakter per år"] > 0
share_cell = next(c for c in summary["B"] if c.value == share)
assert "%" in share_cell.number_format, share_cell.number_format

forv = wb["Förvaltningar"]
header = [c.value for c in forv[1]]
assert header[:3] == ["förvaltning", "id", "volym per år"], header
body = list(forv.iter_rows(min_row=2, values_only=True))
assert len(body) >= len(report["forvaltningar"]), len(body)
for row in body[: len(report["forvaltningar"])]:
    assert isinstance(row[0], str) and isinstance(row[1], str), row
    assert all(numeric(v) for v in row[2:]), row
budget = header.index("andel av kundtjänstens tid")
assert abs(sum(r[budget] for r in body) - 1.0) < 1e-9, "budget shares sum to 1"
print(f"xlsx-check: ok ({len(names)} sheets: {', '.join(names)})")
PY
echo "xlsx-check: wrote $out/rapport.xlsx in $(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }') s (154 000-row log, decide and write)"
