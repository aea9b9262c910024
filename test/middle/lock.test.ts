/**
 * withLock: one holder at a time, a lock left by a dead process broken, a
 * clear error when waiting takes too long, and only our own lock removed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { withLock } from '../../src/install/lock.js';

let dir: string;
let lock: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gvc-lock-'));
  lock = path.join(dir, '20260901.0.0-x86_64.lock');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync('sh', ['-c', 'echo $$']);
  return Number(child.stdout.toString().trim());
}

describe('withLock', () => {
  test('callers at the same time hold it one after the other', async () => {
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3].map((n) =>
        withLock(lock, async () => {
          inside++;
          most = Math.max(most, inside);
          // The lock file names its holder while it is held.
          expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
          await sleep(50);
          order.push(n);
          inside--;
        }),
      ),
    );
    expect(most).toBe(1);
    expect(order.sort()).toEqual([0, 1, 2, 3]);
    expect(existsSync(lock)).toBe(false);
  });

  test('returns what the function returns, and releases the lock when it throws', async () => {
    expect(await withLock(lock, async () => 'cached')).toBe('cached');
    await expect(
      withLock(lock, async () => {
        throw new Error('cacheDir failed');
      }),
    ).rejects.toThrow('cacheDir failed');
    expect(existsSync(lock)).toBe(false);
  });

  test('a lock left by a process that died is broken at once, leaving no trace', async () => {
    writeFileSync(lock, String(deadPid()));
    const started = Date.now();
    expect(await withLock(lock, async () => readFileSync(lock, 'utf8'), 5_000)).toBe(String(process.pid));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('a live holder is waited for until the timeout, which names the file and the holder', async () => {
    // pid 1 is alive (EPERM counts as alive for a process of another user).
    writeFileSync(lock, '1');
    const started = Date.now();
    await expect(withLock(lock, async () => 'never', 300)).rejects.toThrow(`timed out waiting for ${lock} (held by pid 1)`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(readFileSync(lock, 'utf8')).toBe('1');
  });

  test('a lock another process took meanwhile is not removed', async () => {
    await withLock(lock, async () => {
      // Ours was broken (wrongly) and another holder took the file.
      writeFileSync(lock, '1');
    });
    expect(readFileSync(lock, 'utf8')).toBe('1');
  });
});
