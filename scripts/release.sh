#!/usr/bin/env bash
# Build the release binary and pack it for a kommun's IT department:
#   target/dist/rosa-<version>-<target-triple>.tar.gz         the binary, README.md,
#       LICENSE (if there is one), docs/, editors/vscode/ and SHA256SUMS for those files
#   target/dist/rosa-<version>-<target-triple>.tar.gz.sha256  the tarball's checksum
# This repository publishes no binaries itself: run this script where you build, or let
# CI keep the tarball as an artifact. Reuses target/release (no rebuild when it is fresh).
# Usage: scripts/release.sh   (needs the Rust toolchain, tar, gzip and sha256sum)
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n1)
triple=$(rustc -vV | sed -n 's/^host: //p')
if [[ -z "$version" || -z "$triple" ]]; then
  echo "release.sh: could not read the version from Cargo.toml or the host triple from rustc" >&2
  exit 2
fi

cargo build --release --locked --quiet

name="rosa-$version-$triple"
dist=target/dist
stage="$dist/$name"
rm -rf "$stage"
mkdir -p "$stage/editors"
cp target/release/rosa "$stage/"
cp README.md "$stage/"
for license in LICENSE LICENSE.md LICENSE.txt; do
  [[ -f "$license" ]] && cp "$license" "$stage/"
done
cp -R docs "$stage/docs"
# The extension's sources, not what `npm install` put beside them.
mkdir -p "$stage/editors/vscode"
(cd editors/vscode && find . -path ./node_modules -prune -o -type f -print0 \
  | xargs -0 -I{} cp --parents {} "../../$stage/editors/vscode/")

(cd "$stage" && find . -type f ! -name SHA256SUMS -print0 | sort -z \
  | xargs -0 sha256sum > SHA256SUMS)

tarball="$dist/$name.tar.gz"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='@0' \
  -C "$dist" -cf - "$name" | gzip -n > "$tarball"
(cd "$dist" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
rm -rf "$stage"

echo "$tarball"
echo "$tarball.sha256"
