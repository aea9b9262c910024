/**
 * The local release bucket (test/support/bucket.ts) built around a stand-in
 * runsc: a script that answers `--version` as a release does, which is all
 * the installer asks of the binary it downloads.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildBucket } from '../support/bucket.js';

export const FAKE_VERSION = 'runsc version release-20260824.0';

/** Builds the bucket under `root`; returns its directory. */
export function fakeBucket(root: string): string {
  mkdirSync(root, { recursive: true });
  const runsc = path.join(root, 'runsc');
  writeFileSync(runsc, `#!/bin/sh\necho '${FAKE_VERSION}'\necho 'spec: 1.1.0-rc.1'\n`, { mode: 0o755 });
  return buildBucket(path.join(root, 'bucket'), runsc);
}
