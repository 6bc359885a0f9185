#!/usr/bin/env bash
# Checks the deployment files in deploy/:
# - the systemd unit with systemd's own tools: `systemd-analyze verify` (syntax, known
#   settings, the ExecStart binary) and `systemd-analyze security --offline` (its exposure
#   score must stay at most EXPOSURE, "OK" on systemd's scale);
# - the Dockerfile with `docker build`, when a Docker daemon answers (it needs the
#   network to fetch its base images); otherwise it says so and skips the build.
#
#   scripts/deploy-check.sh          # after cargo build --release
set -euo pipefail
cd "$(dirname "$0")/.."

EXPOSURE=${EXPOSURE:-2.0}

if ! command -v systemd-analyze >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd >/dev/null
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The unit names the installed paths; point them at this checkout's binary and example.
binary=$(realpath target/release/rosa)
ruleset=$(realpath rulesets/exempelkommun)
sed -e "s|/usr/local/bin/rosa|$binary|" \
    -e "s|/srv/rosa/rulesets/exempelkommun|$ruleset|" \
    -e "s|ReadOnlyPaths=/srv/rosa/rulesets|ReadOnlyPaths=$ruleset|" \
    deploy/rosa.service >"$work/rosa.service"

echo "systemd-analyze verify deploy/rosa.service"
if ! systemd-analyze verify "$work/rosa.service" >"$work/verify.log" 2>&1; then
    cat "$work/verify.log" >&2
    exit 1
fi
# verify exits 0 on some complaints too: any line about the unit is a finding.
if grep -q 'rosa.service' "$work/verify.log"; then
    cat "$work/verify.log" >&2
    exit 1
fi

echo "systemd-analyze security --offline (threshold $EXPOSURE)"
systemd-analyze security --offline=true --threshold="$(awk -v e="$EXPOSURE" 'BEGIN { print e * 10 }')" \
    "$work/rosa.service" | tail -n1

if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
    echo "docker build -f deploy/Dockerfile"
    docker build -q -f deploy/Dockerfile -t rosa-ci .
else
    echo "skipped: docker build (no Docker daemon answers here; deploy/Dockerfile not built)"
fi
