/**
 * The sandbox's lifetime around the action's: a cancelled job (SIGINT, then
 * SIGTERM), an action killed outright (then the post step cleans up), and
 * the post step's refusal to touch anything that is not this run's.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { errors, type Job, makeJob, removeJob, runAction } from './runner.js';

let job: Job;
const runsc = inject('runsc');

beforeAll(() => {
  job = makeJob('lifecycle');
});
afterAll(() => removeJob(job));

/** PIDs of processes whose command line mentions `needle` (runsc, its sandbox and gofer carry --root=<run dir>/state). */
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes(needle)) pids.push(Number(entry));
    } catch {
      // gone already
    }
  }
  return pids;
}

function runDirs(): string[] {
  return readdirSync(job.temp).filter((e) => e.startsWith('gvisor-cell-') && e !== 'gvisor-cell-logs');
}

async function waitFor(what: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (what()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return what();
}

/** Starts a long cell and calls `act` with the main process once the cell has printed "ready". */
function longCell(act: (child: import('node:child_process').ChildProcess) => void) {
  return runAction(job, {
    inputs: { cell: 'run: |\n  echo ready\n  sleep 600\n', 'runsc-path': runsc },
    onSpawn: (child) => {
      let seen = '';
      child.stdout?.on('data', (c: Buffer) => {
        seen += c.toString();
        if (seen.includes('ready\n') && !seen.includes('(acted)')) {
          seen += '(acted)';
          act(child);
        }
      });
    },
  });
}

describe('cancellation', () => {
  test.each(['SIGINT', 'SIGTERM'] as const)('%s stops and deletes the sandbox, and the action exits promptly', async (signal) => {
    let sentAt = 0;
    const run = await longCell((child) => {
      sentAt = Date.now();
      child.kill(signal);
    });
    const exitedAfter = Date.now() - sentAt;
    expect(run.main.exitCode).toBe(1);
    // The runner kills the process tree 10 s after SIGINT; we must be long gone by then.
    expect(exitedAfter).toBeLessThan(7_500);
    expect(errors(run.main)).toEqual(['Cell cell was cancelled; the sandbox was stopped and deleted']);
    expect(run.main.outputs.logs).toBe('ready\n');
    const runDir = run.main.state['run-dir'] as string;
    expect(processesMentioning(runDir)).toEqual([]);
    expect(existsSync(runDir)).toBe(false);
    // post-if (failure() || cancelled()) runs the post step; it finds nothing left to do.
    expect(run.post?.exitCode).toBe(0);
  });
});

describe('the action killed outright', () => {
  test('the post step removes the sandbox and the run directory', async () => {
    const run = await longCell((child) => child.kill('SIGKILL'));
    expect(run.main.signal).toBe('SIGKILL');
    const runDir = run.main.state['run-dir'] as string;
    expect(run.post?.exitCode).toBe(0);
    expect(run.post?.stdout).toContain(`Removing sandbox ${run.main.state['container-id']}`);
    expect(await waitFor(() => processesMentioning(runDir).length === 0, 5_000)).toBe(true);
    expect(existsSync(runDir)).toBe(false);
    expect(runDirs()).toEqual([]);
  });
});

describe('a failure while the sandbox boots', () => {
  test('the post step’s state cannot be written: the sandbox is stopped, the step fails, nothing is left', async () => {
    // @actions/core is loaded while runsc boots, and the state is written then;
    // a GITHUB_STATE that names no file makes that throw (as core does on a runner).
    const missing = path.join(job.temp, 'no-such-dir', 'state');
    const run = await runAction(job, {
      inputs: { cell: 'run: |\n  echo started > started.txt\n  sleep 600\n', 'runsc-path': runsc },
      env: { GITHUB_STATE: missing },
      noPost: true,
    });
    expect(run.main.exitCode).toBe(1);
    expect(errors(run.main)[0]).toMatch(/Missing file at path: .*no-such-dir\/state/);
    expect(run.main.outputs['exit-code']).toBeUndefined();
    expect(run.main.stdout).not.toContain('::stop-commands::');
    expect(await waitFor(() => processesMentioning(job.temp).length === 0, 5_000)).toBe(true);
    expect(runDirs()).toEqual([]);
  });
});

describe('the post step trusts no state it did not write', () => {
  test.each([
    ['a path outside RUNNER_TEMP', () => '/'],
    ['a directory without our prefix', () => path.join(job.temp, 'precious')],
    ['a relative path', () => 'gvisor-cell-x'],
    ['a path that climbs out', () => path.join(job.temp, 'gvisor-cell-x', '..', '..')],
  ])('%s is left alone', async (_what, dir) => {
    const precious = path.join(job.temp, 'precious');
    mkdirSync(precious, { recursive: true });
    writeFileSync(path.join(precious, 'keep'), 'keep');
    const run = await runAction(job, {
      inputs: { cell: 'run: exit 1', 'runsc-path': runsc },
      env: {},
    });
    expect(run.main.exitCode).toBe(1);
    // Replay the post step with a forged run-dir.
    const { spawnSync } = await import('node:child_process');
    const post = spawnSync(inject('actionNode'), [path.join(import.meta.dirname, '..', '..', 'dist', 'post', 'index.js')], {
      env: {
        PATH: process.env.PATH,
        RUNNER_TEMP: job.temp,
        STATE_run_dir: dir(),
        'STATE_run-dir': dir(),
        'STATE_container-id': 'x',
        STATE_runsc: runsc,
        STATE_sudo: 'false',
      },
      encoding: 'utf8',
    });
    expect(post.status).toBe(0);
    expect(readFileSync(path.join(precious, 'keep'), 'utf8')).toBe('keep');
    expect(existsSync(job.workspace)).toBe(true);
  });
});
