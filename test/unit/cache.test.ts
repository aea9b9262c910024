import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tc from '@actions/tool-cache';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { DEFAULT_DOWNLOAD_URL } from '../../src/constants.js';
import { findCached, findEntry, METADATA_FILE, toolName } from '../../src/install/cache.js';

let root: string;

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'gvc-cache-'));
  vi.stubEnv('RUNNER_TOOL_CACHE', root);
});

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
    for (const [tool, key, arch] of cases) expect(findEntry(tool, key, arch), `${tool} ${key} ${arch}`).toBe(tc.find(tool, key, arch));
    expect(findEntry('runsc', '20260901.0.0', 'x86_64')).not.toBe('');
  });

  test('RUNNER_TOOL_CACHE unset: a clear error', () => {
    vi.stubEnv('RUNNER_TOOL_CACHE', '');
    expect(() => findEntry('runsc', '20260901.0.0', 'x86_64')).toThrow(/RUNNER_TOOL_CACHE is not set/);
  });
});

describe('findCached', () => {
  const META = { artifact: 'https://example/runsc', sha512: 'ab'.repeat(64), version: 'runsc version release-20260901.0' };

  test('an entry of ours: its runsc and recorded version, said once', () => {
    const dir = entry('runsc', '20260901.0.0', 'x86_64', { meta: META });
    const said: string[] = [];
    expect(findCached('runsc', '20260901.0.0', 'x86_64', undefined, (l) => said.push(l))).toEqual({
      path: path.join(dir, 'runsc'),
      version: META.version,
      fromCache: true,
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
    for (const key of ['1.0.0', '2.0.0', '3.0.0']) expect(findCached('runsc', key, 'x86_64', undefined, say)).toBeUndefined();
    expect(findCached('runsc', '4.0.0', 'x86_64', 'cd'.repeat(64), say)).toBeUndefined();
  });

  test('pinned: only an entry that keeps its artifact, which it names for pinned.ts to hash', () => {
    const old = entry('runsc', '1.0.0', 'x86_64', { meta: META });
    const kept = entry('runsc', '2.0.0', 'x86_64', { meta: { ...META, kept: 'gvisor.tar.zstd' } });
    entry('runsc', '3.0.0', 'x86_64', { meta: { ...META, kept: '../../../etc/shadow' } });
    const said: string[] = [];
    expect(findCached('runsc', '1.0.0', 'x86_64', META.sha512, (l) => said.push(l))).toBeUndefined();
    expect(said).toEqual([
      `Cached runsc 1.0.0 in ${old} does not keep its artifact, so runsc-sha512 cannot be checked against it; downloading again`,
    ]);
    expect(findCached('runsc', '2.0.0', 'x86_64', META.sha512, () => {})?.entry).toEqual({ dir: kept, kept: 'gvisor.tar.zstd' });
    // A kept name we never write (a path, above all) is no kept artifact at all.
    expect(findCached('runsc', '3.0.0', 'x86_64', META.sha512, () => {})).toBeUndefined();
    // Unpinned, an entry from before artifacts were kept is used as it always was.
    expect(findCached('runsc', '1.0.0', 'x86_64', undefined, () => {})?.path).toBe(path.join(old, 'runsc'));
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
