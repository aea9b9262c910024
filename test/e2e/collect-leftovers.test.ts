/**
 * Attacks from the second reviewer of the boundary fix, each of which failed
 * on the fix as first written: a cell that leaves thousands of processes
 * behind, a `limits.collect` that bounded the stream but not the disk, and a
 * cell that replaces the collecting tar in its own root.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { type Job, makeJob, removeJob } from '../support/job.js';
import { processesMentioning, waitFor } from '../support/procs.js';
import { errors } from '../support/workflow-commands.js';
import { runAction } from './action.js';

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

// Enough that one runsc command per process would show (peak) and cost seconds; starting them in the cell costs seconds too.
const N = 300;

describe('collect: what the cell leaves running is reaped without flooding the host', () => {
  test(`${N} background processes left by the cell: the step ends within 15 s of the cell`, {
    timeout: 300_000,
  }, async () => {
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, runscKills());
    }, 25);
    let cellDone = 0;
    try {
      const run = await runAction(job, {
        inputs: {
          cell: `collect: [out]\nrun: |\n  mkdir -p out; echo kept > out/a.txt\n  for i in $(seq ${N}); do (sleep 100000 &) ; done\n  echo spawned\n`,
          'runsc-path': runsc,
        },
        onSpawn: (child) => {
          let seen = '';
          child.stdout?.on('data', (c: Buffer) => {
            seen += c.toString();
            if (!cellDone && seen.includes('spawned\n')) cellDone = Date.now();
          });
        },
      });
      expect(run.main.exitCode).toBe(0);
    } finally {
      clearInterval(sampler);
    }
    // Not one `runsc kill` per process the cell left (about 45 ms each, all at once: 10,000 took minutes).
    // (Starting the processes in the cell takes a while itself; the step is measured from its end.)
    expect(peak).toBeLessThanOrEqual(2);
    expect(Date.now() - cellDone).toBeLessThan(15_000);
    expect(await waitFor(() => processesMentioning(job.temp).length === 0, 5_000)).toBe(true);
  });
});

describe('limits.collect bounds what lands on the runner’s disk', () => {
  test('empty directories count against limits.collect as the disk they take, not as their bytes of stream', {
    timeout: 300_000,
  }, async () => {
    const run = await runAction(job, {
      inputs: {
        cell: 'collect: [dirs]\nlimits: { collect: 10Mi }\nrun: |\n  mkdir -p dirs; cd dirs; seq 1 19000 | xargs mkdir\n',
        'runsc-path': runsc,
      },
    });
    // 19,000 directories are 9.5 MB of stream but 78 MB of disk: refused, and nothing is placed.
    expect(run.main.exitCode).toBe(1);
    expect(errors(run.main)[0]).toMatch(
      /^collect: the cell sent back more than limits\.collect \(10Mi, counting 4Ki a file or directory\)/,
    );
    expect(existsSync(path.join(job.workspace, 'dirs'))).toBe(false);
  });
});

describe('cancel while the leftovers are being reaped', () => {
  test(`SIGTERM after the cell ended, with ${N} processes left: the action exits within 7.5 s`, { timeout: 300_000 }, async () => {
    let sentAt = 0;
    const run = await runAction(job, {
      inputs: {
        cell: `collect: [out]\nrun: |\n  mkdir -p out\n  for i in $(seq ${N}); do (sleep 100000 &) ; done\n  echo ready\n`,
        'runsc-path': runsc,
      },
      onSpawn: (child) => {
        let seen = '';
        child.stdout?.on('data', (c: Buffer) => {
          seen += c.toString();
          if (!sentAt && seen.includes('ready\n')) {
            sentAt = -1;
            // The cell is ending; the action is about to stop what it left and collect.
            setTimeout(() => {
              if (child.exitCode !== null) return;
              sentAt = Date.now();
              child.kill('SIGTERM');
            }, 500);
          }
        });
      },
    });
    // Done before the signal could be sent is done promptly too.
    const took = sentAt > 0 ? Date.now() - sentAt : 0;
    expect(run.main.exitCode === 0 || sentAt > 0).toBe(true);
    expect(took).toBeLessThan(7_500);
    expect(await waitFor(() => processesMentioning(job.temp).length === 0, 5_000)).toBe(true);
  });
});

describe('limits.timeout with collect and a prepared rootfs', () => {
  test('a cell that replaces tar in its own root holds the step at most 15 s past its end', { timeout: 300_000 }, async () => {
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
      expect(errors(run.main), JSON.stringify(errors(run.main))).toContain(
        'collect: tar in the cell sent nothing for 15 s; nothing was collected',
      );
      expect(Date.now() - started).toBeLessThan(40_000);
    } finally {
      execFileSync('rm', ['-rf', path.join(job.workspace, 'images'), path.join(job.workspace, 'out')]);
    }
    // limits.timeout is 3 s: the step should be over within seconds of it.
    expect(killedAt).toBe(0);
  });
});
