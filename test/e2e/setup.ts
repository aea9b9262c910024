/**
 * Global setup of the end-to-end suite: a real, systrap-capable runsc (from
 * scripts/provision-runsc.sh, which honours $RUNSC), the local release bucket
 * built from it, and Node 24 to run the action on, as the runner does
 * (scripts/provision-node.sh, which honours $GVC_ACTION_NODE). All are handed
 * to the tests through `inject`.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { REPO } from '../support/action-yml.js';
import { buildBucket } from '../support/bucket.js';

declare module 'vitest' {
  export interface ProvidedContext {
    runsc: string;
    bucketDir: string;
    /** The Node the action runs on, as the runner's `node24`. */
    actionNode: string;
  }
}

export default function setup(project: TestProject): void {
  const runsc = execFileSync('bash', [path.join(REPO, 'scripts', 'provision-runsc.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  project.provide('runsc', runsc);
  const node = execFileSync('bash', [path.join(REPO, 'scripts', 'provision-node.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  project.provide('actionNode', node);
  project.provide('bucketDir', buildBucket(path.join(REPO, '.tmp', 'bucket'), runsc));
}
