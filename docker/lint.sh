#!/usr/bin/env bash
# Lints both Dockerfiles with dockerfile-utils (a maintained Dockerfile linter from the npm registry).
# Needs Node.js and npm; installs the linter into a temporary directory.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm install --silent --no-audit --no-fund dockerfile-utils@0.16.3 >/dev/null)
status=0
for f in "$here/Dockerfile.cpu" "$here/Dockerfile.cuda"; do
  if "$tmp/node_modules/.bin/dockerfile-utils" lint "$f"; then
    echo "$(basename "$f"): no problems"
  else
    status=1
  fi
done
exit $status
