/**
 * Attacks from the security review of the read-only / collect / job-log fix
 * (review/attack). Each test states what the fix promises and FAILS on the
 * code as it is at the time of the review.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { processesMentioning, waitFor } from './procs.js';
import { type Job, makeJob, removeJob, runAction } from './runner.js';

let job: Job;
const runsc = inject('runsc');

beforeAll(() => {
  job = makeJob('review-attacks');
});
afterAll(() => removeJob(job));

/** Host processes of this job's runsc commands that are `runsc … kill …`, sampled. */
function runscKills(): number {
  let n = 0;
  for (const pid of processesMentioning(job.temp)) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv.includes('kill') && !argv[0]?.endsWith('sudo')) n++;
    } catch {
      // gone
    }
  }
  return n;
}

const N = Number(process.env.GVC_REVIEW_N ?? 1000);

describe('collect: what the cell leaves running is reaped without flooding the host', () => {
  test('1000 background processes left by the cell: the step ends within 20 s', {
    timeout: 300_000,
  }, async () => {
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, runscKills());
    }, 25);
    const started = Date.now();
    try {
      const run = await runAction(job, {
        inputs: {
          cell: `collect: [out]\nrun: |\n  mkdir -p out; echo kept > out/a.txt\n  for i in $(seq ${N}); do (sleep 100000 &) ; done\n  echo spawned\n`,
          'runsc-path': runsc,
        },
      });
      console.log(`peak concurrent runsc kill processes: ${peak}; wall ${Date.now() - started} ms; exit ${run.main.exitCode}`);
      expect(run.main.exitCode).toBe(0);
    } finally {
      clearInterval(sampler);
    }
    // One `runsc kill` (through sudo for a non-root action) per process the cell left, all spawned at
    // once, and no deadline or cancellation check: about 45 ms each here, so 10,000 take minutes.
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await waitFor(() => processesMentioning(job.temp).length === 0, 5_000)).toBe(true);
  });
});

describe('limits.collect bounds what lands on the runner’s disk', () => {
  test('empty directories: the stream stays under limits.collect, the disk use does not', { timeout: 300_000 }, async () => {
    const run = await runAction(job, {
      inputs: {
        cell: 'collect: [dirs]\nlimits: { collect: 10Mi }\nrun: |\n  mkdir -p dirs; cd dirs; seq 1 19000 | xargs mkdir\n',
        'runsc-path': runsc,
      },
    });
    const used = Number(
      execFileSync('du', ['-s', '--block-size=1', path.join(job.workspace, 'dirs')], { encoding: 'utf8' }).split('\t')[0],
    );
    console.log(`exit ${run.main.exitCode}; ${used} bytes on disk for limits.collect 10Mi`);
    execFileSync('rm', ['-rf', path.join(job.workspace, 'dirs')]);
    // Either the step refuses (nothing collected) or what it placed fits the bound.
    if (run.main.exitCode === 0) expect(used).toBeLessThanOrEqual(10 * 2 ** 20);
  });
});

describe('cancel while the leftovers are being reaped', () => {
  test('SIGTERM after the cell ended, with 1500 processes left: the action exits within 7.5 s', { timeout: 300_000 }, async () => {
    let sentAt = 0;
    const run = await runAction(job, {
      inputs: {
        cell: 'collect: [out]\nrun: |\n  mkdir -p out\n  for i in $(seq 1500); do (sleep 100000 &) ; done\n  echo ready\n',
        'runsc-path': runsc,
      },
      onSpawn: (child) => {
        let seen = '';
        child.stdout?.on('data', (c: Buffer) => {
          seen += c.toString();
          if (!sentAt && seen.includes('ready\n')) {
            sentAt = -1;
            // The cell has ended; the action is reaping what it left.
            setTimeout(() => {
              sentAt = Date.now();
              child.kill('SIGTERM');
            }, 3_000);
          }
        });
      },
    });
    const took = Date.now() - sentAt;
    console.log(`exited ${took} ms after SIGTERM, exit ${run.main.exitCode}`);
    expect(took).toBeLessThan(7_500);
  });
});

describe('limits.timeout with collect and a prepared rootfs', () => {
  test('a cell that replaces tar in its own root keeps the step going long past the timeout', { timeout: 300_000 }, async () => {
    const root = path.join(job.workspace, 'images', 'r');
    execFileSync('mkdir', ['-p', path.join(root, job.workspace)]);
    // A usable root made of hard links to the host's /usr (same filesystem as /home here).
    execFileSync('cp', ['-al', '/usr', path.join(root, 'usr')]);
    for (const l of ['bin', 'sbin', 'lib', 'lib64']) execFileSync('ln', ['-s', `usr/${l}`, path.join(root, l)]);
    execFileSync('mkdir', ['-p', path.join(root, 'etc'), path.join(root, 'tmp')]);
    let killedAt = 0;
    const started = Date.now();
    try {
      const run = await runAction(job, {
        inputs: {
          cell: [
            'user: root',
            'rootfs: { path: images/r }',
            'collect: [out]',
            'limits: { timeout: 3s }',
            'run: |',
            '  mkdir -p out; echo x > out/a',
            // Only in the cell's in-memory overlay of its root: the collecting `tar` is now the cell's.
            `  printf '#!/bin/sh\\nexec sleep 100000\\n' > /usr/bin/tar`,
            '  sleep 1000',
          ].join('\n'),
          'runsc-path': runsc,
        },
        onSpawn: (child) => {
          // Backstop for the test only: without it the step runs until the 10-minute collect deadline.
          setTimeout(() => {
            killedAt = Date.now();
            child.kill('SIGTERM');
          }, 45_000).unref();
        },
      });
      console.log(
        `wall ${Date.now() - started} ms; SIGTERM needed: ${killedAt !== 0}; exit ${run.main.exitCode}; ${run.main.stdout.slice(-600)}`,
      );
    } finally {
      execFileSync('rm', ['-rf', path.join(job.workspace, 'images'), path.join(job.workspace, 'out')]);
    }
    // limits.timeout is 3 s: the step should be over within seconds of it.
    expect(killedAt).toBe(0);
  });
});
