#!/usr/bin/env bash
# Tokenise every .rosa file of the example kommun (and the diagnostics corpus) with the
# VS Code extension's TextMate grammar, using VS Code's own engine (vscode-textmate with
# the Oniguruma regex library), and check that keywords, levels and comments come out
# coloured. tests/editor_grammar.rs checks the grammar against grammar/rosa.pest without
# network; this checks it the way the editor runs it. Needs node and npm (CI installs
# them); the two packages are installed into a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
modules_dir="$(mktemp -d)"
trap 'rm -rf "$modules_dir"' EXIT
npm install --prefix "$modules_dir" --no-audit --no-fund --no-save --silent \
  vscode-textmate@9.3.2 vscode-oniguruma@2.0.1 >/dev/null
node scripts/vscode-grammar-check.cjs "$modules_dir/node_modules" \
  editors/vscode/syntaxes/rosa.tmLanguage.json grammar/rosa.pest \
  rulesets/exempelkommun tests/corpus
