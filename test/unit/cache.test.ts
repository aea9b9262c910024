import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tc from '@actions/tool-cache';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { DEFAULT_DOWNLOAD_URL, findCached, findEntry, METADATA_FILE, type Shelf, toolName } from '../../src/install/cache.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'gvc-cache-'));
  // Only for tc.find, the reference: our lookup is given its root.
  vi.stubEnv('RUNNER_TOOL_CACHE', root);
});

const shelf = (tool: string, arch: string): Shelf => ({ root, tool, arch });

/**
 * tc.find, the reference, with what it writes kept out of the test output:
 * @actions/core's `::debug::` lines on stdout ("checking cache: …"). Anything
 * else it writes fails the test.
 */
function tcFind(tool: string, key: string, arch: string): string {
  const written: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    return tc.find(tool, key, arch);
  } finally {
    stdout.mockRestore();
    const lines = written
      .join('')
      .split(os.EOL)
      .filter((line) => line !== '');
    expect(
      lines.filter((line) => !line.startsWith('::debug::')),
      'tc.find wrote more than debug lines',
    ).toEqual([]);
  }
}

afterEach(() => {
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
});

function entry(tool: string, key: string, arch: string, opts: { complete?: boolean; meta?: object | string } = {}): string {
  const dir = path.join(root, tool, key, arch);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'runsc'), '');
  if (opts.meta !== undefined) {
    writeFileSync(path.join(dir, METADATA_FILE), typeof opts.meta === 'string' ? opts.meta : JSON.stringify(opts.meta));
  }
  if (opts.complete ?? true) writeFileSync(`${dir}.complete`, '');
  return dir;
}

describe('findEntry: the lookup tc.find does, without loading tool-cache', () => {
  test('agrees with tc.find on complete, incomplete and missing entries', () => {
    entry('runsc', '20260901.0.0', 'x86_64');
    entry('runsc', '20260824.1.0', 'x86_64', { complete: false });
    entry('runsc', '20260901.0.0', 'aarch64');
    const cases: Array<[string, string, string]> = [
      ['runsc', '20260901.0.0', 'x86_64'],
      ['runsc', '20260901.0.0', 'aarch64'],
      ['runsc', '20260824.1.0', 'x86_64'],
      ['runsc', '20260101.0.0', 'x86_64'],
      ['runsc-mirror-0123456789ab', '20260901.0.0', 'x86_64'],
    ];
    for (const [tool, key, arch] of cases)
      expect(findEntry(shelf(tool, arch), key), `${tool} ${key} ${arch}`).toBe(tcFind(tool, key, arch));
    expect(findEntry(shelf('runsc', 'x86_64'), '20260901.0.0')).not.toBe('');
  });

  test('reads only the root it is given, never RUNNER_TOOL_CACHE', () => {
    entry('runsc', '20260901.0.0', 'x86_64');
    vi.stubEnv('RUNNER_TOOL_CACHE', '/nonexistent');
    expect(findEntry(shelf('runsc', 'x86_64'), '20260901.0.0')).toBe(path.join(root, 'runsc', '20260901.0.0', 'x86_64'));
  });
});

describe('findCached', () => {
  const META = { artifact: 'https://example/runsc', sha512: 'ab'.repeat(64), version: 'runsc version release-20260901.0' };

  test('an entry of ours: its runsc and recorded version, said once', () => {
    const dir = entry('runsc', '20260901.0.0', 'x86_64', { meta: META });
    const said: string[] = [];
    expect(findCached(shelf('runsc', 'x86_64'), '20260901.0.0', undefined, (l) => said.push(l))).toEqual({
      path: path.join(dir, 'runsc'),
      version: META.version,
      entry: { dir, kept: undefined },
    });
    expect(said).toEqual([`Using cached ${META.version} from ${dir}`]);
  });

  test('no metadata, broken metadata or another artifact than the pinned sha512: not used', () => {
    const say = () => {};
    entry('runsc', '1.0.0', 'x86_64');
    entry('runsc', '2.0.0', 'x86_64', { meta: '{not json' });
    entry('runsc', '3.0.0', 'x86_64', { meta: { ...META, sha512: undefined } });
    entry('runsc', '4.0.0', 'x86_64', { meta: META });
    for (const key of ['1.0.0', '2.0.0', '3.0.0']) expect(findCached(shelf('runsc', 'x86_64'), key, undefined, say)).toBeUndefined();
    expect(findCached(shelf('runsc', 'x86_64'), '4.0.0', 'cd'.repeat(64), say)).toBeUndefined();
  });

  test('pinned: only an entry that keeps its artifact, which it names for pinned.ts to hash', () => {
    const old = entry('runsc', '1.0.0', 'x86_64', { meta: META });
    const kept = entry('runsc', '2.0.0', 'x86_64', { meta: { ...META, kept: 'gvisor.tar.zstd' } });
    entry('runsc', '3.0.0', 'x86_64', { meta: { ...META, kept: '../../../etc/shadow' } });
    const said: string[] = [];
    expect(findCached(shelf('runsc', 'x86_64'), '1.0.0', META.sha512, (l) => said.push(l))).toBeUndefined();
    expect(said).toEqual([
      `Cached runsc 1.0.0 in ${old} does not keep its artifact, so runsc-sha512 cannot be checked against it; downloading again`,
    ]);
    expect(findCached(shelf('runsc', 'x86_64'), '2.0.0', META.sha512, () => {})?.entry).toEqual({ dir: kept, kept: 'gvisor.tar.zstd' });
    // A kept name we never write (a path, above all) is no kept artifact at all.
    expect(findCached(shelf('runsc', 'x86_64'), '3.0.0', META.sha512, () => {})).toBeUndefined();
    // Unpinned, an entry from before artifacts were kept is used as it always was.
    expect(findCached(shelf('runsc', 'x86_64'), '1.0.0', undefined, () => {})?.path).toBe(path.join(old, 'runsc'));
  });
});

describe('toolName', () => {
  test('the official bucket is runsc; each mirror gets a name of its own', () => {
    expect(toolName(DEFAULT_DOWNLOAD_URL)).toBe('runsc');
    const a = toolName('https://mirror.example/gvisor');
    expect(a).toMatch(/^runsc-mirror-[0-9a-f]{12}$/);
    expect(toolName('https://other.example/gvisor')).not.toBe(a);
    expect(toolName('https://mirror.example/gvisor')).toBe(a);
  });
});
