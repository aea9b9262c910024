/**
 * The cost of `runsc-sha512` on a cache hit, in process: hashing the artifact
 * kept in the tool-cache entry and unpacking runsc (and gvisor-bin/) from those
 * bytes into a private directory (pinned.ts), for both layouts, made from the
 * provisioned runsc ($RUNSC). The whole-step figure is in test/bench/main.ts
 * (`--only step`). Run with `npx vitest bench --run --project bench`.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { copyVerified, sha512Hex } from '../../src/install/pinned.js';

const runsc = process.env.RUNSC ?? '';
const root = mkdtempSync(path.join(os.tmpdir(), 'gvc-bench-pinned-'));
let n = 0;

function entryWith(name: 'runsc' | 'gvisor.tar.zstd'): { dir: string; pin: string } {
  const dir = path.join(root, name);
  mkdirSync(dir);
  if (name === 'runsc') {
    copyFileSync(runsc, path.join(dir, 'runsc'));
  } else {
    const stage = path.join(root, 'stage');
    mkdirSync(path.join(stage, 'gvisor-bin'), { recursive: true });
    copyFileSync(runsc, path.join(stage, 'runsc'));
    writeFileSync(path.join(stage, 'gvisor-bin', 'gvisor_sentry'), '#!/bin/sh\n', { mode: 0o755 });
    execFileSync('tar', ['--zstd', '-cf', path.join(dir, name), '-C', stage, '.']);
  }
  return { dir, pin: sha512Hex(readFileSync(path.join(dir, name))) };
}

// Each iteration unpacks into a directory of its own, as each step does; they are removed at the end.
const opts = { time: 0, iterations: 15, warmupTime: 0, warmupIterations: 2 };

describe.skipIf(!existsSync(runsc))('runsc-sha512 on a cache hit: hash the kept artifact, unpack a private copy', () => {
  const loose = existsSync(runsc) ? entryWith('runsc') : { dir: '', pin: '' };
  const zstd = existsSync(runsc) ? entryWith('gvisor.tar.zstd') : { dir: '', pin: '' };
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  bench(
    'loose runsc',
    () => {
      const dest = path.join(root, `run-${++n}`);
      mkdirSync(dest, { mode: 0o700 });
      copyVerified(loose.dir, 'runsc', loose.pin, dest);
    },
    opts,
  );

  bench(
    'gvisor.tar.zstd',
    () => {
      const dest = path.join(root, `run-${++n}`);
      mkdirSync(dest, { mode: 0o700 });
      copyVerified(zstd.dir, 'gvisor.tar.zstd', zstd.pin, dest);
    },
    opts,
  );
});
