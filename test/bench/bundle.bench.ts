/**
 * Figure 4 of the benchmark: document → validated cell → OCI bundle, in
 * process. Host facts are gathered from this machine once per iteration too
 * (a handful of lstat calls), since the action pays for them on every step.
 * Run with `npx vitest bench --run --project bench`.
 */
import { bench, describe } from 'vitest';
import { gatherHostFacts } from '../../src/bundle/host.js';
import { bundlePaths } from '../../src/bundle/paths.js';
import { buildBundle } from '../../src/bundle/spec.js';
import { parseCell } from '../../src/cell/parse.js';

const PATHS = bundlePaths('/tmp/gvc-bench');
const SMALL = 'command: [/bin/true]';
const FULL = `
name: unit-tests
run: |
  npm ci
  npm test
env: { NODE_OPTIONS: --max-old-space-size=2048, CI: "true" }
pass-env: [HOME]
workspace: overlay
mounts:
  - { source: /usr/share, target: /data, mode: read-only }
network: host
limits: { timeout: 10m, memory: 4Gi, cpus: 1.5, pids: 512 }
`;

describe('document → bundle', () => {
  bench('trivial document', () => {
    buildBundle(parseCell(SMALL, 'bench'), gatherHostFacts(process.env, process.cwd()), PATHS);
  });
  bench('every key', () => {
    buildBundle(parseCell(FULL, 'bench'), gatherHostFacts(process.env, process.cwd()), PATHS);
  });
});
