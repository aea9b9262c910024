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
import { cachedVersions } from '../../src/install/tool-cache.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'gvc-tool-cache-'));
  vi.stubEnv('RUNNER_TOOL_CACHE', '/somewhere/else');
});
afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
});

/** A complete entry, as tool-cache lays one out. */
function entry(shelf: { root: string; tool: string; arch: string }, key: string): void {
  const dir = path.join(shelf.root, shelf.tool, key, shelf.arch);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'runsc'), 'x');
  writeFileSync(`${dir}.complete`, '');
}

describe('the tool-cache door', () => {
  test('overlapping calls each use their own root, and leave the environment and stdout as they were', async () => {
    const write = process.stdout.write;
    const a = { root: path.join(root, 'a'), tool: 'runsc', arch: 'x86_64' };
    const b = { root: path.join(root, 'b'), tool: 'runsc', arch: 'x86_64' };
    const c = { root: path.join(root, 'c'), tool: 'runsc', arch: 'x86_64' };
    entry(a, '1.0.0');
    entry(b, '3.0.0');
    entry(b, '3.1.0');
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
    try {
      const [versionsA, versionsC, versionsB] = await Promise.all([cachedVersions(a), cachedVersions(c), cachedVersions(b)]);
      expect(versionsA).toEqual(['1.0.0']);
      expect(versionsC).toEqual([]);
      expect(versionsB.sort()).toEqual(['3.0.0', '3.1.0']);
    } finally {
      spy.mockRestore();
    }
    expect(process.env.RUNNER_TOOL_CACHE).toBe('/somewhere/else');
    expect(process.stdout.write).toBe(write);
    expect(written.filter((w) => w.includes('::debug::'))).toEqual([]);
  });
});
