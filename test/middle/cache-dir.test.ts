/**
 * privateCacheDir (src/action/cache-dir.ts): where the code cache and Node's
 * compile cache may live, bytecode from there running as the step. Made in
 * RUNNER_TEMP, 0700; refused — so no cache at all — where another user could
 * write it or put something in its place: a directory that is not ours, one
 * others may read or write, a link in its place, or a directory above it that
 * others may write (a sticky one only above an entry of ours or root's).
 */
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CACHE_DIR_NAME, privateCacheDir } from '../../src/action/cache-dir.js';

const asRoot = process.getuid?.() === 0;
let base: string;
let temp: string;
beforeEach(() => {
  // Under os.tmpdir(): a sticky directory of root's, above an entry of ours, as /tmp is.
  base = mkdtempSync(path.join(os.tmpdir(), 'gvc-cache-dir-'));
  temp = path.join(base, 'runner-temp');
  mkdirSync(temp, { mode: 0o755 });
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

const at = () => path.join(temp, CACHE_DIR_NAME);

describe('privateCacheDir', () => {
  test('makes RUNNER_TEMP/gvisor-cell.code-cache, 0700, and gives it again next time', () => {
    expect(lstatSync(os.tmpdir()).mode & 0o1000).toBe(0o1000);
    expect(privateCacheDir({ RUNNER_TEMP: temp })).toBe(at());
    expect(lstatSync(at()).mode & 0o777).toBe(0o700);
    expect(privateCacheDir({ RUNNER_TEMP: temp })).toBe(at());
  });

  test('none without RUNNER_TEMP, or with a relative one', () => {
    expect(privateCacheDir({})).toBeUndefined();
    expect(privateCacheDir({ RUNNER_TEMP: 'relative/temp' })).toBeUndefined();
  });

  test('RUNNER_TEMP through a link: the real directory is the one checked and used', () => {
    const link = path.join(base, 'link');
    symlinkSync(temp, link);
    expect(privateCacheDir({ RUNNER_TEMP: link })).toBe(at());
  });

  test('a directory others may read or write in its place is refused', () => {
    mkdirSync(at(), { mode: 0o700 });
    chmodSync(at(), 0o755);
    expect(privateCacheDir({ RUNNER_TEMP: temp })).toBeUndefined();
    chmodSync(at(), 0o777);
    expect(privateCacheDir({ RUNNER_TEMP: temp })).toBeUndefined();
  });

  test('a link in its place is refused, even to a directory of ours', () => {
    const ours = path.join(base, 'elsewhere');
    mkdirSync(ours, { mode: 0o700 });
    symlinkSync(ours, at());
    expect(privateCacheDir({ RUNNER_TEMP: temp })).toBeUndefined();
  });

  test('a directory above it that others may write is refused; a sticky one above an entry of ours is not', () => {
    chmodSync(temp, 0o777);
    expect(privateCacheDir({ RUNNER_TEMP: temp })).toBeUndefined();
    chmodSync(temp, 0o1777);
    expect(privateCacheDir({ RUNNER_TEMP: temp })).toBe(at());
    chmodSync(temp, 0o775);
    expect(privateCacheDir({ RUNNER_TEMP: temp })).toBeUndefined();
  });

  test.runIf(asRoot)('another user’s directory in its place, or above it, is refused (as root)', () => {
    mkdirSync(at(), { mode: 0o700 });
    chownSync(at(), 65534, 65534);
    expect(privateCacheDir({ RUNNER_TEMP: temp })).toBeUndefined();
    rmSync(at(), { recursive: true });
    // RUNNER_TEMP itself another user's: they could swap what is in it.
    chownSync(temp, 65534, 65534);
    expect(privateCacheDir({ RUNNER_TEMP: temp })).toBeUndefined();
    // And a sticky directory above an entry of another user's.
    chownSync(temp, 0, 0);
    const sticky = path.join(base, 'sticky');
    mkdirSync(sticky, { mode: 0o1777 });
    chmodSync(sticky, 0o1777);
    const theirs = path.join(sticky, 'theirs');
    mkdirSync(theirs, { mode: 0o755 });
    chownSync(theirs, 65534, 65534);
    expect(privateCacheDir({ RUNNER_TEMP: theirs })).toBeUndefined();
  });
});
