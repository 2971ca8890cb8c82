#!/usr/bin/env bash
# Prints the bin folder of an official Node.js release, fetched once from the npm registry (the
# node-<os>-<arch> packages carry the official binaries; npm checks them against the registry's
# integrity hash) into .tmp/node-lines/<version>/. For running the suite or a benchmark on another
# supported line:
#   PATH="$(bash scripts/node-line.sh 24.21.0):$PATH" node --import tsx bench/exchange-verify.bench.ts …
set -euo pipefail
cd "$(dirname "$0")/.."
v="${1:?usage: node-line.sh VERSION (e.g. 24.21.0)}"
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "node-line: no Node package for $(uname -m)" >&2; exit 2 ;;
esac
dir=.tmp/node-lines
bin="$dir/$v/package/bin"
if [ ! -x "$bin/node" ]; then
  # npm's own errors (an unknown version, no registry) go to stderr; a half-unpacked folder is not kept.
  rm -rf "${dir:?}/$v"
  mkdir -p "$dir/$v"
  (cd "$dir" && npm pack --silent "node-linux-$arch@$v" >/dev/null) || { rm -rf "${dir:?}/$v"; echo "node-line: could not fetch node-linux-$arch@$v" >&2; exit 1; }
  tar xzf "$dir/node-linux-$arch-$v.tgz" -C "$dir/$v" || { rm -rf "${dir:?}/$v"; exit 1; }
  rm "$dir/node-linux-$arch-$v.tgz"
fi
echo "$PWD/$bin"
