#!/usr/bin/env bash
# Runs a cell document (default: examples/hello.yml) with the gvisor-cell CLI
# from dist/ (self-contained: no `npm install` needed), on a runsc found or
# provisioned by scripts/provision-runsc.sh. The directory it is called from
# is the workspace, and a document's path is taken from there: npm runs
# scripts in the package's root, and says where it was called from in INIT_CWD.
# Usage: npm run sample [-- path/to/cell.yml [more CLI options]]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
caller=${INIT_CWD:-$PWD}
cd "$caller"
cell=${1:-$repo/examples/hello.yml}
shift || true
runsc=$(bash "$repo/scripts/provision-runsc.sh")
exec node "$repo/dist/cli/index.js" run "$cell" --runsc "$runsc" --workspace "$caller" "$@"
