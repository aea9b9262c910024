/**
 * The sandbox's lifetime around the action's: a cancelled job (SIGINT, then
 * SIGTERM), an action killed outright (then the post step cleans up), and
 * the post step's refusal to touch anything that is not this run's.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, inject, test } from 'vitest';
import { type Job, makeJob, removeJob } from '../support/job.js';
import { processesMentioning, waitFor } from '../support/procs.js';
import { errors } from '../support/workflow-commands.js';
import { runAction } from './action.js';

let job: Job;
const runsc = inject('runsc');

beforeAll(() => {
  job = makeJob('lifecycle');
});
afterAll(() => removeJob(job));

function runDirs(): string[] {
  return readdirSync(job.temp).filter((e) => e.startsWith('gvisor-cell-') && e !== 'gvisor-cell-logs');
}

/** Starts a long cell and calls `act` with the main process once the cell has printed "ready". */
function longCell(act: (child: import('node:child_process').ChildProcess) => void, options: { noPost?: boolean } = {}) {
  return runAction(job, {
    ...options,
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
    // The container id is `<cell name>-<the run directory's random suffix>`.
    expect(run.post?.stdout).toContain(`Removing sandbox cell-${path.basename(runDir).slice('gvisor-cell-'.length)} `);
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
    expect(post.stdout).toContain('refused the saved state, removed nothing');
    expect(readFileSync(path.join(precious, 'keep'), 'utf8')).toBe('keep');
    expect(existsSync(job.workspace)).toBe(true);
  });
});

/** Replays the post step with this state, as the runner passes it (STATE_<name>). */
function replayPost(state: Record<string, string>) {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', RUNNER_TEMP: job.temp };
  for (const [name, value] of Object.entries(state)) env[`STATE_${name}`] = value;
  return spawnSync(inject('actionNode'), [path.join(import.meta.dirname, '..', '..', 'dist', 'post', 'index.js')], {
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('the post step runs only what main recorded (forged state)', () => {
  // What a forger would like the post step to run as root: a "runsc" that leaves a marker.
  let evil: string;
  let marker: string;
  const forgedNonce = 'ab'.repeat(16);
  /** State as the forger writes it: their runsc, sudo on, and a nonce that matches their planted records. */
  const forged = (runDir: string) => ({ 'run-dir': runDir, nonce: forgedNonce, 'container-id': 'x', runsc: evil, sudo: 'true' });
  const forgedRecord = () => JSON.stringify({ nonce: forgedNonce, containerId: 'x', runsc: evil });

  beforeAll(() => {
    evil = path.join(job.home, 'evil-runsc');
    marker = path.join(job.home, 'evil-ran');
    writeFileSync(evil, `#!/bin/sh\necho "uid $(id -u): $*" >> ${marker}\n`, { mode: 0o755 });
  });
  afterEach(() => {
    rmSync(marker, { force: true });
    for (const entry of readdirSync(job.temp)) {
      if (entry === 'gvisor-cell-x' || entry.startsWith('gvisor-cell-Pl4nt'))
        rmSync(path.join(job.temp, entry), { recursive: true, force: true });
    }
  });

  /** A planted directory in RUNNER_TEMP with a forged record; returns [run-dir, the files that must survive]. */
  function plant(
    name: string,
    how: { dirMode?: number; owner?: number; recordMode?: number; record?: 'file' | 'symlink' | 'hardlink'; dirLink?: boolean } = {},
  ): [string, string[]] {
    const runDir = path.join(job.temp, name);
    const dir = how.dirLink ? path.join(job.home, `planted-${name}`) : runDir;
    mkdirSync(dir, { mode: 0o700 });
    const record = path.join(dir, 'post-record.json');
    const elsewhere = path.join(job.home, `record-${name}.json`);
    if (how.record === 'symlink' || how.record === 'hardlink') {
      writeFileSync(elsewhere, forgedRecord(), { mode: 0o600 });
      (how.record === 'symlink' ? symlinkSync : linkSync)(elsewhere, record);
    } else {
      writeFileSync(record, forgedRecord(), { mode: 0o600 });
    }
    if (how.recordMode !== undefined) chmodSync(record, how.recordMode);
    if (how.dirMode !== undefined) chmodSync(dir, how.dirMode);
    if (how.owner !== undefined) {
      chownSync(record, how.owner, how.owner);
      chownSync(dir, how.owner, how.owner);
    }
    if (how.dirLink) symlinkSync(dir, runDir);
    return [runDir, [dir, record]];
  }

  test.each([
    [
      'gvisor-cell-logs, where every run’s log is kept',
      (): [string, string[]] => {
        const logs = path.join(job.temp, 'gvisor-cell-logs');
        mkdirSync(logs, { recursive: true });
        writeFileSync(path.join(logs, 'keep.log'), 'keep');
        return [logs, [path.join(logs, 'keep.log')]];
      },
    ],
    [
      'a path through `..` that lands on gvisor-cell-logs',
      (): [string, string[]] => {
        const logs = path.join(job.temp, 'gvisor-cell-logs');
        mkdirSync(logs, { recursive: true });
        writeFileSync(path.join(logs, 'keep.log'), 'keep');
        return [`${job.temp}/gvisor-cell-x/../gvisor-cell-logs`, [path.join(logs, 'keep.log')]];
      },
    ],
    ['a planted gvisor-cell-x with a forged record', () => plant('gvisor-cell-x')],
    ['a planted run directory owned by another user', () => plant('gvisor-cell-Pl4nt1', { owner: 65534 })],
    ['a planted run directory others can write to', () => plant('gvisor-cell-Pl4nt2', { dirMode: 0o777 })],
    ['a forged record others can write to', () => plant('gvisor-cell-Pl4nt3', { recordMode: 0o666 })],
    ['a forged record that is a symbolic link', () => plant('gvisor-cell-Pl4nt4', { record: 'symlink' })],
    ['a forged record that is a hard link', () => plant('gvisor-cell-Pl4nt5', { record: 'hardlink' })],
    ['a run directory that is a symbolic link to a planted one', () => plant('gvisor-cell-Pl4nt6', { dirLink: true })],
  ])('%s: the forged runsc never runs, nothing is deleted', (_what, setUp) => {
    const [runDir, keep] = setUp();
    const post = replayPost(forged(runDir));
    expect(post.status).toBe(0);
    expect(post.stdout).toContain('refused the saved state, removed nothing');
    expect(existsSync(marker)).toBe(false);
    for (const file of keep) expect(existsSync(file)).toBe(true);
  });

  test('another run’s directory: its sandbox and directory are left alone; its own state still cleans up', async () => {
    // Run B: killed outright, so its sandbox and run directory are left for its post step.
    const b = await longCell((child) => child.kill('SIGKILL'), { noPost: true });
    const bDir = b.main.state['run-dir'] as string;
    // Run A: a finished run whose genuine nonce a forger in it could get no further than.
    const a = await runAction(job, { inputs: { cell: 'run: exit 1', 'runsc-path': runsc }, noPost: true });
    expect(processesMentioning(bDir).length).toBeGreaterThan(0);

    for (const nonce of [forgedNonce, a.main.state.nonce ?? forgedNonce]) {
      const post = replayPost({ ...forged(bDir), nonce });
      expect(post.status).toBe(0);
      expect(post.stdout).toContain('refused the saved state, removed nothing');
      expect(existsSync(marker)).toBe(false);
      expect(existsSync(path.join(bDir, 'post-record.json'))).toBe(true);
      expect(processesMentioning(bDir).length).toBeGreaterThan(0);
    }
    expect(a.main.state.nonce).toMatch(/^[0-9a-f]{32}$/);

    // B's genuine state, with a forged runsc and sudo added (as a `::save-state` would): the recorded runsc runs.
    const post = replayPost({ ...b.main.state, runsc: evil, sudo: 'true', 'container-id': 'x' });
    expect(post.status).toBe(0);
    expect(post.stdout).toContain(`Removing sandbox cell-${path.basename(bDir).slice('gvisor-cell-'.length)} `);
    expect(existsSync(marker)).toBe(false);
    expect(await waitFor(() => processesMentioning(bDir).length === 0, 5_000)).toBe(true);
    expect(existsSync(bDir)).toBe(false);
  });
});
