/**
 * runSandbox without a collect list (`runsc run`), against a fake runsc: the
 * cell's status, runsc's own failures told apart from the cell's, timeout and
 * cancellation, the bounded drain, the `started` hook, and what is left of a
 * sandbox. Runs as any user, without gVisor.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { ensureGone, sandboxProcesses } from '../../src/run/runsc.js';
import { runSandbox } from '../../src/run/sandbox.js';
import { waitFor } from '../support/procs.js';
import { alive, type Fake, gone, makeFake, pidFrom } from './fake-runsc.js';

/** A fake runsc of its own for each test (so that slow ones can run concurrently), cleaned up after it. */
const it = test.extend<{ fake: Fake }>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads a fixture's dependencies from this pattern
  fake: async ({}, use) => {
    const fake = makeFake();
    await use(fake);
    fake.cleanup();
  },
});

describe('the cell’s status', () => {
  it('its exit code, and its stdout and stderr kept apart', async ({ fake }) => {
    fake.cell('echo out; echo err >&2; exit 3');
    const run = fake.sandboxRun();
    const result = await runSandbox(run);
    expect(result).toMatchObject({ exitCode: 3, timedOut: false, cancelled: false, runscError: undefined });
    expect(run.output.stdout.text()).toBe('out\n');
    expect(run.output.stderr.text()).toBe('err\n');
    expect(fake.calls()).toEqual([`run --bundle=${fake.bundleDir} cell-1`]);
  });

  it('a cell killed by a signal is 128+N', async ({ fake }) => {
    fake.cell('kill -TERM $$');
    expect((await runSandbox(fake.sandboxRun())).exitCode).toBe(128 + 15);
  });

  it('runsc itself killed by a signal after it started is 128+N, not a runsc error', async ({ fake }) => {
    fake.cell('exit 0');
    fake.control({ fail: { run: { signal: 'SIGHUP' } } });
    const result = await runSandbox(fake.sandboxRun());
    expect(result).toMatchObject({ exitCode: 128 + 1, runscError: undefined });
  });
});

describe('runsc failing, told apart from the cell', () => {
  it('exit 128 with an error in --log is runsc’s: the error is the message, there is no exit code', async ({ fake }) => {
    fake.cell('exit 0');
    fake.control({ fail: { run: { exit: 128, error: 'creating container: cannot allocate memory' } } });
    const result = await runSandbox(fake.sandboxRun());
    expect(result.exitCode).toBeUndefined();
    expect(result.runscError).toEqual({ message: 'creating container: cannot allocate memory', neverStarted: false });
  });

  it('a cell that exits 128 with a clean log is the cell’s exit 128', async ({ fake }) => {
    fake.cell('echo about to fail; exit 128');
    const result = await runSandbox(fake.sandboxRun());
    expect(result).toMatchObject({ exitCode: 128, runscError: undefined });
  });

  it('another status with errors in the log is still the cell’s', async ({ fake }) => {
    fake.control({ fail: { run: { exit: 2, error: 'something runsc logged' } } });
    const result = await runSandbox(fake.sandboxRun());
    expect(result).toMatchObject({ exitCode: 2, runscError: undefined });
  });

  it('no log at all: runsc never started', async ({ fake }) => {
    fake.control({ fail: { run: { exit: 1, noLog: true, stderr: 'sudo: a password is required\n' } } });
    const run = fake.sandboxRun();
    const result = await runSandbox(run);
    expect(result.exitCode).toBeUndefined();
    expect(result.runscError).toEqual({ message: 'runsc never started (exit 1); see the output above', neverStarted: true });
    expect(run.output.stderr.text()).toBe('sudo: a password is required\n');
  });

  it('the read-only wrapper failing (exit 125, no log) is named as such', async ({ fake }) => {
    const result = await runSandbox(fake.sandboxRun({ wrap: () => ['sh', '-c', 'echo could not bind >&2; exit 125'] }));
    expect(result.runscError?.neverStarted).toBe(true);
    expect(result.runscError?.message).toMatch(/^runsc never started: the cell's read-only paths could not be made read-only/);
  });

  it('a runsc binary that is not there', async ({ fake }) => {
    const missing = fake.file('no-such-runsc');
    const run = fake.sandboxRun();
    const result = await runSandbox({ ...run, runsc: { ...run.runsc, path: missing } });
    expect(result.exitCode).toBeUndefined();
    expect(result.runscError?.neverStarted).toBe(true);
    expect(result.runscError?.message).toContain(`could not start ${missing}: spawn ${missing} ENOENT`);
  });
});

describe('timeout and cancellation', () => {
  it('a timeout kills the cell through runsc: timedOut, 137, soon after the limit', async ({ fake }) => {
    fake.cell('echo $$ > cell.pid; echo started; sleep 30');
    const run = fake.sandboxRun({ timeoutMs: 1_000 });
    const result = await runSandbox(run);
    expect(result).toMatchObject({ exitCode: 137, timedOut: true, cancelled: false, runscError: undefined });
    expect(result.durationMs).toBeGreaterThanOrEqual(1_000);
    expect(result.durationMs).toBeLessThan(2_500);
    expect(run.output.stdout.text()).toBe('started\n');
    expect(fake.calls()).toContain('kill --all cell-1 KILL');
    expect(await gone(await pidFrom(fake, 'cell.pid'))).toBe(true);
  });

  it('a cell that ends before the limit has not timed out', async ({ fake }) => {
    fake.cell('exit 4');
    const result = await runSandbox(fake.sandboxRun({ timeoutMs: 5_000 }));
    expect(result).toMatchObject({ exitCode: 4, timedOut: false });
  });

  it('aborting the signal cancels: the cell is killed, cancelled, not timedOut', async ({ fake }) => {
    fake.cell('echo $$ > cell.pid; sleep 30');
    const abort = new AbortController();
    const run = fake.sandboxRun({ signal: abort.signal, timeoutMs: 60_000 });
    const pending = runSandbox(run);
    await pidFrom(fake, 'cell.pid');
    abort.abort();
    const result = await pending;
    expect(result).toMatchObject({ exitCode: 137, timedOut: false, cancelled: true, runscError: undefined });
    expect(await gone(await pidFrom(fake, 'cell.pid'))).toBe(true);
  });

  it.concurrent('a cancel that comes before the container exists is repeated until it takes', async ({ fake }) => {
    fake.cell('echo $$ > cell.pid; sleep 30');
    fake.control({ startDelay: 0.8 });
    const abort = new AbortController();
    abort.abort();
    const started = Date.now();
    const result = await runSandbox(fake.sandboxRun({ signal: abort.signal }));
    expect(result.cancelled).toBe(true);
    expect(Date.now() - started).toBeLessThan(3_500);
    // The first kill failed (no container yet); a later one reached the cell, before the grace
    // period ran out and the sandbox was destroyed instead.
    expect(fake.calls().filter((c) => c === 'kill --all cell-1 KILL').length).toBeGreaterThanOrEqual(2);
    expect(fake.calls()).not.toContain('delete --force cell-1');
    expect(await gone(await pidFrom(fake, 'cell.pid'))).toBe(true);
  });

  it.concurrent('a runsc that ignores every kill is destroyed and SIGKILLed after the grace period', async ({ fake }) => {
    // The cell's output goes elsewhere, so that only runsc holds the pipes.
    fake.cell('echo $$ > cell.pid; exec sleep 30 >/dev/null 2>&1');
    fake.control({ deaf: true });
    const result = await runSandbox(fake.sandboxRun({ timeoutMs: 200 }));
    expect(result).toMatchObject({ exitCode: 137, timedOut: true });
    // KILL_GRACE_MS (3 s) of kills, then destroy and SIGKILL.
    expect(result.durationMs).toBeGreaterThan(3_000);
    expect(result.durationMs).toBeLessThan(6_000);
    expect(fake.calls()).toContain('delete --force cell-1');
    expect(sandboxProcesses(fake.runsc)).toEqual([]);
  });
});

describe('the start limit (a runsc that hangs before the cell starts, as on an unusable /dev/kvm)', () => {
  it.concurrent('a container not running within the limit: runsc killed by its --root, a clear error, no exit code', async ({ fake }) => {
    fake.cell('echo ran');
    fake.control({ startDelay: 20, stuckGofer: true });
    const run = fake.sandboxRun({ startLimitMs: 1_000 });
    const result = await runSandbox(run);
    expect(result).toMatchObject({ exitCode: undefined, timedOut: false, cancelled: false });
    expect(result.runscError).toEqual({
      message: expect.stringMatching(
        /^runsc did not start the sandbox within 1 s on platform systrap, and was stopped\. Re-run with debug/,
      ),
      neverStarted: false,
    });
    // The limit, a second look 2 s later, then the kill (and the drain of a helper's pipes).
    expect(result.durationMs).toBeGreaterThanOrEqual(3_000);
    expect(result.durationMs).toBeLessThan(8_000);
    expect(fake.calls().filter((c) => c === 'state cell-1')).toHaveLength(2);
    expect(run.output.stdout.text()).toBe('');
    expect(sandboxProcesses(fake.runsc)).toEqual([]);
  });

  it.concurrent('on kvm, the error says to use systrap', async ({ fake }) => {
    fake.control({ startDelay: 20 });
    const result = await runSandbox(fake.sandboxRun({ startLimitMs: 1_000, platform: 'kvm' }));
    expect(result.runscError?.message).toMatch(/within 1 s on platform kvm.*KVM does not work on this host.*use platform: systrap/);
    expect(sandboxProcesses(fake.runsc)).toEqual([]);
  });

  it.concurrent('on kvm, the start limit striking while the timeout looks: the look decides, and the stall is said at the timeout', async ({
    fake,
  }) => {
    fake.control({ startDelay: 20 });
    // The look starts at 800 ms and lasts about 2 s: the start limit (1.2 s) strikes in the middle of it.
    const run = fake.sandboxRun({ startLimitMs: 1_200, timeoutMs: 800, platform: 'kvm' });
    const result = await runSandbox(run);
    expect(result).toMatchObject({ exitCode: undefined, timedOut: false, cancelled: false });
    expect(result.runscError?.message).toMatch(/^runsc did not start the sandbox within 800ms, the cell's timeout, on platform kvm/);
    expect(sandboxProcesses(fake.runsc)).toEqual([]);
  });

  it.concurrent('on kvm, a timeout shorter than the limit, on a sandbox that never started: the stall is said, at the timeout', async ({
    fake,
  }) => {
    fake.control({ startDelay: 20 });
    const run = fake.sandboxRun({ startLimitMs: 30_000, timeoutMs: 800, platform: 'kvm' });
    const result = await runSandbox(run);
    expect(result).toMatchObject({ exitCode: undefined, timedOut: false, cancelled: false });
    expect(result.runscError?.message).toMatch(
      /^runsc did not start the sandbox within 800ms, the cell's timeout, on platform kvm, and was stopped\. \/dev\/kvm is there/,
    );
    // The timeout, looks for 2 s, then the kill: long before the start limit.
    expect(result.durationMs).toBeGreaterThanOrEqual(2_800);
    expect(result.durationMs).toBeLessThan(8_000);
    expect(fake.calls().filter((c) => c === 'state cell-1').length).toBeGreaterThanOrEqual(2);
    expect(sandboxProcesses(fake.runsc)).toEqual([]);
  });

  it.concurrent('on kvm, a sandbox that starts during the look is killed at the next one: timed out, not run to its end', async ({
    fake,
  }) => {
    fake.cell('sleep 1; echo ran-to-the-end');
    fake.control({ startDelay: 0.3 });
    const run = fake.sandboxRun({ startLimitMs: 30_000, timeoutMs: 100, platform: 'kvm' });
    const result = await runSandbox(run);
    expect(result).toMatchObject({ exitCode: 137, timedOut: true, runscError: undefined });
    expect(run.output.stdout.text()).toBe('');
    expect(result.durationMs).toBeLessThan(1_500);
  });

  it.concurrent.for(['true', 'exit 3'])(
    'on kvm, a late cell (%s) that ends between two looks still timed out, and nothing runs after the result',
    async (cell, { fake }) => {
      fake.cell(cell);
      fake.control({ startDelay: 0.3 });
      const result = await runSandbox(
        fake.sandboxRun({ startLimitMs: 30_000, timeoutMs: 100, platform: 'kvm', memoryLimit: 64 * 2 ** 20 }),
      );
      expect(result).toMatchObject({ timedOut: true, runscError: undefined });
      const calls = fake.calls().length;
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(fake.calls()).toHaveLength(calls);
    },
  );

  it.concurrent('on kvm, a quiet cell that started and runs past its timeout timed out: runsc was asked once, and said running', async ({
    fake,
  }) => {
    fake.cell('sleep 30');
    const result = await runSandbox(fake.sandboxRun({ timeoutMs: 800, platform: 'kvm' }));
    expect(result).toMatchObject({ exitCode: 137, timedOut: true, runscError: undefined });
    expect(result.durationMs).toBeLessThan(2_500);
    expect(fake.calls().filter((c) => c === 'state cell-1')).toHaveLength(1);
  });

  it.concurrent('on kvm, a cell that has printed is not asked about: timed out', async ({ fake }) => {
    fake.cell('echo early; sleep 30');
    const result = await runSandbox(fake.sandboxRun({ timeoutMs: 800, platform: 'kvm' }));
    expect(result).toMatchObject({ exitCode: 137, timedOut: true, runscError: undefined });
    expect(fake.calls().filter((c) => c === 'state cell-1')).toHaveLength(0);
  });

  it.concurrent('on kvm, a `runsc state` that does not answer is given up on after a second: timed out', async ({ fake }) => {
    fake.control({ startDelay: 20, stateDelay: 30 });
    const result = await runSandbox(fake.sandboxRun({ startLimitMs: 30_000, timeoutMs: 800, platform: 'kvm' }));
    expect(result).toMatchObject({ timedOut: true, runscError: undefined });
    // The timeout, one look given up on at 1 s, then the kill of a sandbox that never came (3 s of kills, and destroy).
    expect(result.durationMs).toBeLessThan(8_000);
    expect(sandboxProcesses(fake.runsc)).toEqual([]);
  });

  it.concurrent('on systrap, a slow start under a short timeout stays a timeout: nothing is asked', async ({ fake }) => {
    fake.control({ startDelay: 20 });
    const result = await runSandbox(fake.sandboxRun({ startLimitMs: 30_000, timeoutMs: 800 }));
    expect(result).toMatchObject({ timedOut: true, runscError: undefined });
    expect(fake.calls().filter((c) => c === 'state cell-1')).toHaveLength(0);
    expect(sandboxProcesses(fake.runsc)).toEqual([]);
  });

  it.concurrent('a cell that runs past the limit is left alone: runsc was asked once, and said running', async ({ fake }) => {
    fake.cell('sleep 1.5; echo done');
    const run = fake.sandboxRun({ startLimitMs: 300 });
    const result = await runSandbox(run);
    expect(result).toMatchObject({ exitCode: 0, runscError: undefined });
    expect(run.output.stdout.text()).toBe('done\n');
    expect(fake.calls().filter((c) => c === 'state cell-1')).toHaveLength(1);
  });

  it.concurrent('a cell that has printed is running, whatever `runsc state` says', async ({ fake }) => {
    fake.cell('echo early; sleep 2.5; echo done');
    fake.control({ fail: { state: { exit: 128, stderr: 'container cell-1 not found' } } });
    const run = fake.sandboxRun({ startLimitMs: 500 });
    const result = await runSandbox(run);
    expect(result).toMatchObject({ exitCode: 0, runscError: undefined });
    expect(run.output.stdout.text()).toBe('early\ndone\n');
    expect(fake.calls().filter((c) => c === 'state cell-1')).toHaveLength(0);
  });

  it.concurrent('`runsc state` failing otherwise is not taken for a stall: the cell runs on and ends', async ({ fake }) => {
    fake.cell('sleep 1.5; echo done');
    fake.control({ fail: { state: { exit: 1, stderr: 'permission denied' } } });
    const run = fake.sandboxRun({ startLimitMs: 1_000 });
    const result = await runSandbox(run);
    expect(result).toMatchObject({ exitCode: 0, runscError: undefined });
    expect(run.output.stdout.text()).toBe('done\n');
  });

  it.concurrent('a start that never answers at all is a stall once another limit has passed', async ({ fake }) => {
    fake.control({ startDelay: 20, fail: { state: { exit: 1, stderr: 'permission denied' } } });
    const result = await runSandbox(fake.sandboxRun({ startLimitMs: 1_000 }));
    expect(result.runscError?.message).toMatch(/^runsc did not start the sandbox within 1 s/);
    expect(result.durationMs).toBeGreaterThanOrEqual(2_000);
    expect(sandboxProcesses(fake.runsc)).toEqual([]);
  });

  it.concurrent('a cell that ends before the limit costs no `runsc state`', async ({ fake }) => {
    fake.cell('exit 0');
    await runSandbox(fake.sandboxRun({ startLimitMs: 2_000 }));
    expect(fake.calls()).toEqual([`run --bundle=${fake.bundleDir} cell-1`]);
  });
});

// sudo -n as root needs no password: the same path hosted runners take, with the fake behind sudo.
describe.skipIf(process.getuid?.() !== 0)('the start limit through sudo', () => {
  it.concurrent('through sudo, a `runsc state` that blocks (its lock held) is given up on after 5 s, and the stall still ends the run', async ({
    fake,
  }) => {
    fake.control({ startDelay: 20, stateDelay: 8 });
    const started = Date.now();
    const result = await runSandbox(fake.sandboxRun({ startLimitMs: 1_000, runsc: { ...fake.runsc, sudo: true } }));
    expect(result.runscError?.message).toMatch(/^runsc did not start the sandbox within 1 s/);
    // The limit, one probe given up on at 5 s, the kill: well before the fake's own 20 s.
    expect(Date.now() - started).toBeLessThan(12_000);
    expect(sandboxProcesses(fake.runsc)).toEqual([]);
  }, 20_000);
});

describe('what is left of the sandbox', () => {
  it.concurrent('after a timeout, a gofer that outlives runsc is found by its --root and SIGKILLed', async ({ fake }) => {
    fake.cell('sleep 30');
    fake.control({ stuckGofer: true });
    const result = await runSandbox(fake.sandboxRun({ timeoutMs: 300 }));
    expect(result.timedOut).toBe(true);
    expect(sandboxProcesses(fake.runsc)).toEqual([]);
  });

  it.concurrent('sandboxProcesses matches --root=<state> exactly, not a state directory that merely starts the same', async ({ fake }) => {
    const spawnHelper = (root: string) =>
      spawn(fake.runsc.path, [`--root=${root}`, 'gofer', 'cell-1'], { stdio: 'ignore', detached: true, env: process.env });
    const ours = spawnHelper(fake.runsc.root);
    const other = spawnHelper(`${fake.runsc.root}-other`);
    try {
      expect(await waitFor(() => sandboxProcesses(fake.runsc).includes(ours.pid as number), 5_000)).toBe(true);
      expect(sandboxProcesses(fake.runsc)).toEqual([ours.pid]);
      // Nothing stops it but SIGKILL from ensureGone, once its wait for the processes to go (3 s) is over.
      await ensureGone(fake.runsc, 'cell-1');
      expect(sandboxProcesses(fake.runsc)).toEqual([]);
      expect(alive(other.pid as number)).toBe(true);
    } finally {
      other.kill('SIGKILL');
      ours.kill('SIGKILL');
    }
  });

  it('ensureGone returns at once when nothing is left', async ({ fake }) => {
    const started = Date.now();
    await ensureGone(fake.runsc, 'cell-1');
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe('output after the cell’s process exits', () => {
  it.concurrent('flows for a while, and a process holding the pipes does not hold the step past the drain bound', async ({ fake }) => {
    fake.cell('(sleep 0.3; echo late; exec sleep 30) & echo $! > leftover.pid; echo early');
    const run = fake.sandboxRun();
    const result = await runSandbox(run);
    expect(result).toMatchObject({ exitCode: 0, timedOut: false });
    expect(run.output.stdout.text()).toBe('early\nlate\n');
    // DRAIN_MS is 2 s.
    expect(result.durationMs).toBeGreaterThanOrEqual(1_900);
    expect(result.durationMs).toBeLessThan(4_000);
  }, 10_000);
});

describe('the started hook', () => {
  it('runs once, right after the spawn; the cell’s output is read only once it resolved', async ({ fake }) => {
    fake.cell('echo early; echo done > printed');
    const run = fake.sandboxRun();
    let calls = 0;
    let seenDuringHook = 'not checked';
    const result = await runSandbox({
      ...run,
      started: async () => {
        calls++;
        // The cell has printed, into the pipe: nothing of it may have reached the output yet.
        expect(await waitFor(() => existsSync(fake.file('printed')), 5_000)).toBe(true);
        seenDuringHook = run.output.logs.text();
      },
    });
    expect(calls).toBe(1);
    expect(seenDuringHook).toBe('');
    expect(result.exitCode).toBe(0);
    expect(run.output.stdout.text()).toBe('early\n');
  });

  it('a runsc that fails while the hook still runs keeps its message (the error says “see the output above”)', async ({ fake }) => {
    fake.control({ fail: { run: { exit: 1, noLog: true, stderr: 'sudo: a password is required\n' } } });
    const run = fake.sandboxRun();
    const result = await runSandbox({ ...run, started: () => new Promise((resolve) => setTimeout(resolve, 400)) });
    expect(result.runscError?.message).toMatch(/see the output above/);
    expect(run.output.stderr.text()).toBe('sudo: a password is required\n');
  });

  it('a hook that throws stops the sandbox, and its error is rethrown', async ({ fake }) => {
    fake.cell('echo $$ > cell.pid; sleep 30');
    const run = fake.sandboxRun();
    const started = Date.now();
    await expect(
      runSandbox({
        ...run,
        started: async () => {
          await pidFrom(fake, 'cell.pid');
          throw new Error('saving the post step’s state failed');
        },
      }),
    ).rejects.toThrow('saving the post step’s state failed');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await gone(await pidFrom(fake, 'cell.pid'))).toBe(true);
  });

  it('a hook that throws while runsc cannot stop the sandbox: what it left is killed by its state directory before the error', async ({
    fake,
  }) => {
    // kill and delete do nothing, and a gofer outlives `runsc run` (as when the runsc just downloaded
    // failed its proof): only the processes carrying --root=<state> can be found and killed.
    fake.control({ deaf: true, stuckGofer: true });
    fake.cell('echo $$ > cell.pid; sleep 30');
    const run = fake.sandboxRun();
    await expect(
      runSandbox({
        ...run,
        started: async () => {
          await pidFrom(fake, 'cell.pid');
          throw new Error('the runsc downloaded from … does not run on this machine');
        },
      }),
    ).rejects.toThrow('does not run on this machine');
    expect(sandboxProcesses(fake.runsc)).toEqual([]);
  }, 20_000);
});
