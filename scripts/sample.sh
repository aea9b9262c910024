#!/usr/bin/env bash
# Runs a cell document (default: examples/hello.yml) through the built action,
# dist/index.js, the way the GitHub runner starts it: INPUT_* variables, the
# GITHUB_OUTPUT/GITHUB_STATE/GITHUB_STEP_SUMMARY files, this clone as the
# workspace. Needs no `npm install`: dist/ is self-contained. Prints the step's
# outputs afterwards.
# Usage: npm run sample [-- path/to/cell.yml]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cell=${1:-examples/hello.yml}
runsc=$(bash "$repo/scripts/provision-runsc.sh")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/tool-cache"
: >"$tmp/output"; : >"$tmp/state"; : >"$tmp/summary"

cd "$repo"
status=0
env -i PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" HOME="${HOME:-/root}" LANG=C.UTF-8 CI=true \
  GITHUB_WORKSPACE="$repo" GITHUB_REPOSITORY=acme/sample RUNNER_OS=Linux RUNNER_TEMP="$tmp" RUNNER_TOOL_CACHE="$tmp/tool-cache" \
  GITHUB_OUTPUT="$tmp/output" GITHUB_STATE="$tmp/state" GITHUB_STEP_SUMMARY="$tmp/summary" \
  ACTIONS_RUNTIME_TOKEN=a-secret-the-cell-must-not-see \
  "INPUT_CELL-FILE=$cell" "INPUT_RUNSC-PATH=$runsc" INPUT_PLATFORM=systrap INPUT_FAIL-ON-ERROR=true INPUT_OUTPUT-LIMIT=32768 \
  node "$repo/dist/index.js" || status=$?

echo
echo "--- step outputs (GITHUB_OUTPUT) ---"
# name<<DELIMITER … DELIMITER blocks (as @actions/core writes them) → "name: value"
awk '
  delim == "" && match($0, /<</) { name = substr($0, 1, RSTART - 1); delim = substr($0, RSTART + 2); value = ""; n = 0; next }
  delim != "" && $0 == delim { printf "%-14s %s\n", name ":", (n > 1 ? "\n" value : value); delim = ""; next }
  delim != "" { value = value (n++ ? "\n" : "") "    " $0 }
' "$tmp/output"
echo "--- step exit status: $status ---"
exit "$status"
