/**
 * The one door to @actions/tool-cache (src/install/tool-cache.ts): the root
 * it is given, for the call only; tool-cache's `::debug::` lines kept off
 * stdout; the environment and stdout restored after every call, also when
 * calls overlap or fail.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { cachedVersions, cacheEntry } from '../../src/install/tool-cache.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'gvc-tool-cache-'));
  vi.stubEnv('RUNNER_TOOL_CACHE', '/somewhere/else');
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
});

function source(name: string): string {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'runsc'), 'x');
  return dir;
}

describe('the tool-cache door', () => {
  test('overlapping calls each use their own root, and leave the environment and stdout as they were', async () => {
    const write = process.stdout.write;
    const a = { root: path.join(root, 'a'), tool: 'runsc', arch: 'x86_64' };
    const b = { root: path.join(root, 'b'), tool: 'runsc', arch: 'x86_64' };
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
    try {
      const [entryA, failed, versionsB, entryB] = await Promise.all([
        cacheEntry(a, source('src-a'), '1.0.0'),
        cacheEntry(a, path.join(root, 'missing'), '2.0.0').catch((e: unknown) => e),
        cachedVersions(b),
        cacheEntry(b, source('src-b'), '3.0.0'),
      ]);
      expect(entryA).toBe(path.join(a.root, 'runsc', '1.0.0', 'x86_64'));
      expect(failed).toBeInstanceOf(Error);
      expect(versionsB).toEqual([]);
      expect(entryB).toBe(path.join(b.root, 'runsc', '3.0.0', 'x86_64'));
      expect(await cachedVersions(a)).toEqual(['1.0.0']);
    } finally {
      spy.mockRestore();
    }
    expect(process.env.RUNNER_TOOL_CACHE).toBe('/somewhere/else');
    expect(process.stdout.write).toBe(write);
    expect(written.filter((w) => w.includes('::debug::'))).toEqual([]);
  });
});
