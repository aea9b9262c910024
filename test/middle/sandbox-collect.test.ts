/**
 * runSandbox with a collect list, against a fake runsc: create, start, the
 * cell through exec, every process left stopped with `kill --all STOP` until
 * `ps` agrees, a real tar stream out through exec into unpack(), and the
 * sandbox destroyed before runSandbox returns, whatever happened.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { copyBack, unpack } from '../../src/run/collect.js';
import { sandboxProcesses } from '../../src/run/runsc.js';
import { runSandbox, type SandboxRun } from '../../src/run/sandbox.js';
import { type Fake, gone, makeFake, pidFrom } from './fake-runsc.js';

let fake: Fake;
let inCell: string;
let unpacked: string;
beforeEach(() => {
  fake = makeFake();
  inCell = fake.file('cell-root');
  unpacked = fake.file('unpacked');
  mkdirSync(inCell);
});
afterEach(() => fake.cleanup());

const processFile = () => fake.file('process.json');
const tarFile = () => fake.file('collect.json');

/** A collecting run: the cell's script, tar's argv, and what receiving does (unpack by default). */
function collecting(
  script: string,
  opts: { tar?: string[]; receive?: NonNullable<SandboxRun['collect']>['receive']; deadlineMs?: number } = {},
): SandboxRun {
  writeFileSync(processFile(), JSON.stringify({ args: ['sh', '-c', script], cwd: inCell }));
  writeFileSync(tarFile(), JSON.stringify({ args: opts.tar ?? ['tar', '-cf', '-', '-C', inCell, 'out'], cwd: inCell }));
  return fake.sandboxRun({
    collect: {
      processFile: processFile(),
      tarFile: tarFile(),
      pidFile: fake.file('cell.pid'),
      deadlineMs: opts.deadlineMs ?? 10_000,
      receive: opts.receive ?? ((tar, signal) => unpack(tar, unpacked, 1 << 20, signal)),
    },
  });
}

/** The fake's calls with the run's own file names shortened. */
function calls(): string[] {
  return fake.calls().map((c) => c.replaceAll(`${fake.dir}/`, ''));
}

describe('a cell that collects', () => {
  test('runs through create, start and exec; its files come back through tar; the sandbox is gone after', async () => {
    const run = collecting('mkdir -p out/sub; echo report > out/sub/r.txt; echo ran; exit 3');
    const result = await runSandbox(run);
    expect(result).toMatchObject({ exitCode: 3, timedOut: false, cancelled: false, runscError: undefined, collectError: undefined });
    expect(run.output.stdout.text()).toBe('ran\n');
    expect(calls()).toEqual([
      'create --bundle=bundle cell-1',
      'start cell-1',
      'exec --process=process.json --internal-pid-file=cell.pid cell-1',
      'kill --all cell-1 STOP',
      'ps --format=json cell-1',
      'kill --all cell-1 STOP',
      'ps --format=json cell-1',
      'exec --process=collect.json cell-1',
      'kill --all cell-1 KILL',
      'delete --force cell-1',
    ]);
    expect(sandboxProcesses(fake.runsc)).toEqual([]);
    mkdirSync(fake.file('workspace'));
    const placed = await copyBack(unpacked, fake.file('workspace'), ['out']);
    expect(placed).toEqual({ files: 1, warnings: [] });
    expect(readFileSync(fake.file('workspace/out/sub/r.txt'), 'utf8')).toBe('report\n');
  });

  test('a process the cell left running is stopped while tar reads, and killed with the sandbox', async () => {
    let state = '';
    const run = collecting(
      // Builtins only: a shell stopped inside vfork() waits in D for a child that is stopped too (the
      // fake's processes are host processes; in runsc the Sentry stops them).
      'mkdir out; (while :; do echo tick >> out/clock; done) >/dev/null 2>&1 & echo $! > leftover; echo $! > ../leftover.pid',
      {
        receive: async (tar, signal) => {
          const pid = Number(readFileSync(path.join(inCell, 'leftover'), 'utf8'));
          // /proc/N/stat: "pid (comm) STATE ...": T is stopped. A process the stop caught inside a
          // system call (D, on a busy machine) shows T once it leaves it: look for up to 2 s.
          const stateOf = () => /^\d+ \(.*\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1] ?? '';
          const until = Date.now() + 2_000;
          state = stateOf();
          while (state !== 'T' && Date.now() < until) {
            await new Promise((resolve) => setTimeout(resolve, 20));
            state = stateOf();
          }
          await unpack(tar, unpacked, 64 << 20, signal);
        },
      },
    );
    const result = await runSandbox(run);
    expect(result.collectError).toBeUndefined();
    expect(state).toBe('T');
    expect(await gone(await pidFrom(fake, 'leftover.pid'))).toBe(true);
  });

  test('a cell that times out is killed by its pid, and what it wrote is still collected', async () => {
    const run = collecting('mkdir out; echo partial > out/p.txt; exec sleep 30');
    // Long enough for the fake's exec to have started the cell on a busy machine.
    const result = await runSandbox({ ...run, timeoutMs: 1_000 });
    expect(result).toMatchObject({ exitCode: 137, timedOut: true, cancelled: false, collectError: undefined });
    const pid = await pidFrom(fake, 'cell.pid');
    expect(calls()).toContain(`kill --pid=${pid} cell-1 KILL`);
    expect(readFileSync(path.join(unpacked, 'out', 'p.txt'), 'utf8')).toBe('partial\n');
  });

  test('a `runsc create` that hangs past the start limit: the clear error, nothing run, the sandbox gone', async () => {
    fake.control({ startDelay: 20 });
    const result = await runSandbox({ ...collecting('echo ran'), startLimitMs: 1_000, platform: 'kvm' });
    expect(result).toMatchObject({ exitCode: undefined, timedOut: false, cancelled: false });
    expect(result.runscError).toEqual({
      message: expect.stringMatching(
        /^runsc did not start the sandbox within 1 s on platform kvm, and was stopped\. .*use platform: systrap/,
      ),
      neverStarted: false,
    });
    expect(calls()).not.toContain('start cell-1');
    expect(calls()).not.toContain('exec --process=process.json --internal-pid-file=cell.pid cell-1');
    expect(sandboxProcesses(fake.runsc)).toEqual([]);
  });

  test('a runsc that cannot be started is not called a stall', async () => {
    const result = await runSandbox({ ...collecting('echo ran'), runsc: { ...fake.runsc, path: fake.file('no-such-runsc') } });
    expect(result.runscError?.message).not.toMatch(/did not start the sandbox within/);
  });

  test('a cancelled cell collects nothing, and the sandbox is gone', async () => {
    const abort = new AbortController();
    let received = false;
    const run = collecting('mkdir out; echo $$ > ../cell-shell.pid; sleep 30', {
      receive: async () => {
        received = true;
      },
    });
    const pending = runSandbox({ ...run, signal: abort.signal });
    await pidFrom(fake, 'cell-shell.pid');
    abort.abort();
    const result = await pending;
    expect(result).toMatchObject({ cancelled: true, timedOut: false });
    expect(received).toBe(false);
    expect(calls()).not.toContain('exec --process=collect.json cell-1');
    expect(await gone(await pidFrom(fake, 'cell-shell.pid'))).toBe(true);
    expect(sandboxProcesses(fake.runsc)).toEqual([]);
  });
});

describe('when collecting fails', () => {
  test('create failing with an error in --log is runsc’s error; start is never called, the sandbox is destroyed', async () => {
    fake.control({ fail: { create: { exit: 128, error: 'cannot create sandbox: no space left on device' } } });
    const result = await runSandbox(collecting('exit 0'));
    expect(result.exitCode).toBeUndefined();
    expect(result.runscError).toEqual({ message: 'cannot create sandbox: no space left on device', neverStarted: false });
    expect(calls()).not.toContain('start cell-1');
    expect(calls()).toContain('delete --force cell-1');
  });

  test('start failing without a runsc error is named by its step', async () => {
    fake.control({ fail: { start: { exit: 1 } } });
    const result = await runSandbox(collecting('exit 0'));
    expect(result.runscError).toEqual({ message: 'runsc start failed (exit 1)', neverStarted: true });
    expect(sandboxProcesses(fake.runsc)).toEqual([]);
  });

  test('a sandbox that cannot be listed: nothing is collected, saying why', async () => {
    fake.control({ fail: { ps: { exit: 1 } } });
    const result = await runSandbox(collecting('mkdir out; echo x > out/x'));
    expect(result.exitCode).toBe(0);
    expect(result.collectError).toBe('collect: the sandbox could not be inspected; nothing was collected');
    expect(calls()).not.toContain('exec --process=collect.json cell-1');
  });

  test('a tar that never ends is given up on at the deadline, and the sandbox destroyed', async () => {
    const run = collecting('mkdir out', { tar: ['sh', '-c', 'echo $$ > ../tar.pid; exec sleep 30'], deadlineMs: 1_000 });
    const result = await runSandbox(run);
    expect(result.collectError).toBe('collect: reading the paths out took longer than 1 s; nothing was collected');
    expect(result.durationMs).toBeLessThan(4_000);
    expect(await gone(await pidFrom(fake, 'tar.pid'))).toBe(true);
    expect(sandboxProcesses(fake.runsc)).toEqual([]);
  });

  test('more than the limit comes back: the receiver’s error is the collect error', async () => {
    const run = collecting('mkdir out; head -c 200000 /dev/zero > out/big', {
      receive: (tar, signal) => unpack(tar, unpacked, 50_000, signal),
    });
    const result = await runSandbox(run);
    expect(result.exitCode).toBe(0);
    expect(result.collectError).toMatch(/^collect: the cell sent back more than limits\.collect/);
  });
});
