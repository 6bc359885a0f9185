#!/bin/sh
# `rosa uppföljning` on N decision-log lines (default 10 million) against reading and
# JSON-parsing the same lines; /usr/bin/time gives the peak memory (maximum resident
# set size), which stays flat: one chunk of lines at a time, whatever the log's size.
set -eu
cd "$(dirname "$0")/.."
LINES="${1:-10000000}"
cargo bench --bench followup --no-run
BIN=$(ls -t target/release/deps/followup-* | grep -v '\.d$' | head -n 1)
/usr/bin/time -v "$BIN" "$LINES" 2>&1 | grep -E 'rader|golvet|uppföljning|kvot|Maximum resident|Elapsed'
