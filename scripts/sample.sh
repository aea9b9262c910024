#!/usr/bin/env bash
# Runs a cell document (default: examples/hello.yml) with the gvisor-cell CLI
# from dist/ (self-contained: no `npm install` needed), on a runsc found or
# provisioned by scripts/provision-runsc.sh. This clone is the workspace.
# Usage: npm run sample [-- path/to/cell.yml [more CLI options]]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cell=${1:-$repo/examples/hello.yml}
shift || true
runsc=$(bash "$repo/scripts/provision-runsc.sh")
exec node "$repo/dist/cli/index.js" run "$cell" --runsc "$runsc" --workspace "$repo" "$@"
