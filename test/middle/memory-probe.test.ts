/**
 * The memory probe a timeout under limits.memory runs before the kill is a
 * diagnostic: it holds the kill up by about its bound at most, and nothing
 * that goes wrong with it keeps the kill from running.
 */
import { chmodSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, vi } from 'vitest';
import { sandboxProcesses } from '../../src/run/runsc.js';
import { runSandbox } from '../../src/run/sandbox.js';
import { makeFake } from './fake-runsc.js';

const probe = vi.hoisted(() => ({ fail: false }));
vi.mock('../../src/run/memory.js', async (orig) => {
  const real = (await orig()) as typeof import('../../src/run/memory.js');
  return {
    ...real,
    memoryInUse: (...args: Parameters<typeof real.memoryInUse>) =>
      probe.fail ? Promise.reject(new Error('EMFILE: too many open files, scandir /proc')) : real.memoryInUse(...args),
  };
});

test('a hanging `runsc events` holds the kill up by about a second, and is not left behind', async () => {
  const fake = makeFake();
  try {
    renameSync(fake.runsc.path, path.join(fake.dir, 'runsc-real'));
    writeFileSync(fake.runsc.path, `#!/bin/sh\ncase " $* " in *" events "*) exec sleep 30 ;; esac\nexec "${fake.dir}/runsc-real" "$@"\n`);
    chmodSync(fake.runsc.path, 0o755);
    fake.cell('sleep 60');
    const t0 = Date.now();
    const result = await runSandbox(fake.sandboxRun({ timeoutMs: 300, memoryLimit: 64 * 2 ** 20 }));
    expect(result.timedOut).toBe(true);
    expect(Date.now() - t0).toBeLessThan(300 + 1_000 + 2_000);
    expect(sandboxProcesses(fake.runsc)).toEqual([]);
  } finally {
    fake.cleanup();
  }
}, 20_000);

test('a probe that throws does not stop the kill', async () => {
  probe.fail = true;
  const fake = makeFake();
  try {
    fake.cell('sleep 60');
    const result = await runSandbox(fake.sandboxRun({ timeoutMs: 300, memoryLimit: 64 * 2 ** 20 }));
    expect(result).toMatchObject({ timedOut: true, exitCode: 137 });
    expect(sandboxProcesses(fake.runsc)).toEqual([]);
  } finally {
    probe.fail = false;
    fake.cleanup();
  }
}, 20_000);
