/**
 * `collect` against a cell that fights back: a process left behind that
 * races the copy into the workspace, holds the output pipe open, or stops
 * the collecting tar; a cell that sends back more than it may. Nothing
 * outside the workspace changes, every step ends within seconds, and no
 * sandbox process is left on the runner.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { type Job, makeJob, removeJob } from '../support/job.js';
import { processesMentioning, waitFor } from '../support/procs.js';
import { errors } from '../support/workflow-commands.js';
import { runAction } from './action.js';

let job: Job;
const runsc = inject('runsc');

beforeAll(() => {
  job = makeJob('collect-attacks');
});
afterAll(() => removeJob(job));

async function nothingLeft(): Promise<boolean> {
  return waitFor(() => processesMentioning(job.temp).length === 0, 5_000);
}

describe('the copy into the workspace cannot be raced', () => {
  test('a process that swaps a collected directory for a link into the tool cache writes nothing there (20 attempts)', {
    timeout: 300_000,
  }, async () => {
    // Visible read-only in the cell (the tool cache), writable by the runner's user on the host: the prize.
    const victim = path.join(job.toolCache, 'node', '22.0.0', 'x64', 'bin');
    mkdirSync(victim, { recursive: true });
    writeFileSync(path.join(victim, 'node'), 'the real node\n');
    const cell = [
      'workspace: read-write',
      'collect: [out]',
      'run: |',
      '  rm -rf out; mkdir -p out/sub',
      '  for i in $(seq 1 50); do echo pwned > out/sub/node$i; done; echo pwned > out/sub/node',
      // Left behind, in a new session: once the collecting tar is done, swap out/sub and a link as fast as possible.
      `  setsid sh -c 'while :; do mv out/sub out/real; ln -s ${victim} out/sub; rm -f out/sub; mv out/real out/sub; done' </dev/null >/dev/null 2>&1 &`,
      '  sleep 0.2',
    ].join('\n');
    for (let attempt = 0; attempt < 20; attempt++) {
      const run = await runAction(job, { inputs: { cell, 'runsc-path': runsc } });
      expect(run.main.exitCode, run.main.stdout).toBe(0);
      expect(readdirSync(victim)).toEqual(['node']);
      expect(readFileSync(path.join(victim, 'node'), 'utf8')).toBe('the real node\n');
      expect(await nothingLeft()).toBe(true);
    }
  });
});

/** Runs the action; `act` gets the main process once the cell has printed `ready`. */
function runUntilReady(cell: string, act?: (child: ChildProcess) => void) {
  return runAction(job, {
    inputs: { cell, 'runsc-path': runsc },
    onSpawn: (child) => {
      let seen = '';
      child.stdout?.on('data', (c: Buffer) => {
        seen += c.toString();
        if (act && seen.includes('ready\n') && !seen.includes('(acted)')) {
          seen += '(acted)';
          act(child);
        }
      });
    },
  });
}

describe('a cell that holds its output open after it ends', () => {
  test('with collect and a timeout: the step ends promptly, collects, and leaves no sandbox', async () => {
    const started = Date.now();
    const run = await runUntilReady(
      'collect: [out]\nlimits: { timeout: 5s }\nrun: |\n  mkdir -p out; echo kept > out/a.txt\n  (sleep 100000 &); echo done\n',
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(run.main.exitCode).toBe(0);
    expect(run.main.outputs['exit-code']).toBe('0');
    expect(readFileSync(path.join(job.workspace, 'out', 'a.txt'), 'utf8')).toBe('kept\n');
    expect(await nothingLeft()).toBe(true);
  });

  test.each([
    ['with collect', 'collect: [out]\n'],
    ['without collect', ''],
  ])('%s, SIGTERM after the cell is done: the action exits promptly and no sandbox is left', async (_what, extra) => {
    let sentAt = 0;
    const run = await runUntilReady(`${extra}run: |\n  mkdir -p out\n  (sleep 100000 &); echo ready\n  sleep 100000\n`, (child) => {
      sentAt = Date.now();
      child.kill('SIGTERM');
    });
    expect(Date.now() - sentAt).toBeLessThan(7_500);
    expect(run.main.exitCode).toBe(1);
    expect(errors(run.main)).toEqual(['Cell cell was cancelled; the sandbox was stopped and deleted']);
    expect(await nothingLeft()).toBe(true);
  });

  test('with collect, SIGTERM while only a background process holds the output: the action exits promptly', async () => {
    let sentAt = 0;
    const run = await runUntilReady('collect: [out]\nrun: |\n  mkdir -p out\n  (sleep 100000 &); echo ready\n', (child) => {
      sentAt = Date.now();
      child.kill('SIGTERM');
    });
    expect(Date.now() - sentAt).toBeLessThan(7_500);
    expect(run.main.exitCode).toBe(1);
    expect(await nothingLeft()).toBe(true);
  });

  test('without collect: a background process does not keep the step waiting', async () => {
    const started = Date.now();
    const run = await runUntilReady('run: (sleep 100000 &); echo done\n');
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(run.main.exitCode).toBe(0);
    expect(await nothingLeft()).toBe(true);
  });
});

describe('a cell that interferes with the collection', () => {
  test('a process that stops every tar it sees is gone before the paths are read out', async () => {
    const started = Date.now();
    const run = await runUntilReady(
      [
        'collect: [out]',
        'run: |',
        '  mkdir -p out; echo kept > out/b.txt',
        `  setsid sh -c 'while :; do for p in /proc/[0-9]*; do [ "$(cat $p/comm 2>/dev/null)" = tar ] && kill -STOP \${p#/proc/}; done; done' </dev/null >/dev/null 2>&1 &`,
        '  sleep 0.2',
      ].join('\n'),
    );
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(errors(run.main)).toEqual([]);
    expect(readFileSync(path.join(job.workspace, 'out', 'b.txt'), 'utf8')).toBe('kept\n');
    expect(await nothingLeft()).toBe(true);
  });
});

describe('limits.collect bounds what comes back', () => {
  test('a sparse file far past the bound fails the step naming the key; nothing lands on the runner', async () => {
    const run = await runAction(job, {
      inputs: {
        cell: 'collect: [big]\nlimits: { collect: 8Mi }\nrun: |\n  mkdir -p big; truncate -s 2G big/file; echo small > big/small.txt\n',
        'runsc-path': runsc,
      },
    });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.outputs['exit-code']).toBe('0');
    expect(errors(run.main)).toEqual([
      'collect: the cell sent back more than limits.collect (8Mi, counting 4Ki a file or directory); nothing was collected. Raise limits.collect, or collect less',
    ]);
    expect(existsSync(path.join(job.workspace, 'big'))).toBe(false);
    expect(readdirSync(job.temp).filter((e) => e.startsWith('gvisor-cell-') && e !== 'gvisor-cell-logs')).toEqual([]);
    expect(await nothingLeft()).toBe(true);
  });

  test('within the bound, everything comes back', async () => {
    const run = await runAction(job, {
      inputs: {
        cell: 'collect: [fits]\nlimits: { collect: 8Mi }\nrun: mkdir -p fits; head -c 4000000 /dev/zero > fits/file\n',
        'runsc-path': runsc,
      },
    });
    expect(errors(run.main)).toEqual([]);
    expect(readFileSync(path.join(job.workspace, 'fits', 'file')).length).toBe(4_000_000);
  });
});
