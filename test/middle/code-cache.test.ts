/**
 * runScript (src/action/code-cache.ts): the main step's bundle run through
 * node:vm with a code cache made after the run. Real files and a real V8:
 * the cache is written once and then used; it never runs bytecode made for
 * other source (V8 itself would accept a cache made for any source of the
 * same length); it is neither read nor written where another user could
 * have planted it; and nothing that goes wrong with it stops the script.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runScript } from '../../src/action/code-cache.js';

let dir: string;
let cacheDir: string;
let bundle: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gvc-code-cache-'));
  cacheDir = path.join(dir, 'cache');
  mkdirSync(cacheDir, { mode: 0o700 });
  mkdirSync(path.join(dir, 'main'));
  bundle = path.join(dir, 'main', 'index.cjs');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

interface Exports {
  answer(): string;
  where: string;
  sibling: string;
}

/** A bundle whose answer is `word` (always four letters: the same length whatever the word). */
function writeBundle(word: string): void {
  expect(word).toHaveLength(4);
  writeFileSync(path.join(dir, 'main', 'sibling.cjs'), "module.exports = 'required';\n");
  writeFileSync(
    bundle,
    [
      "'use strict';",
      `function answer() { return ${JSON.stringify(word)}; }`,
      "module.exports = { answer, where: __dirname, sibling: require('./sibling.cjs') };",
      '',
    ].join('\n'),
  );
}

const cacheFiles = () => readdirSync(cacheDir);

const STEP = path.join(import.meta.dirname, 'code-cache-step.ts');

/** Runs the bundle as the main step would (load, do the work, save), in a new process. */
function step(into: string | undefined): { answer: string; cacheUsed: boolean; where: string; sibling: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', STEP, bundle, into ?? '-'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`code-cache-step failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('runScript', () => {
  test('runs the bundle as CommonJS: its exports, its own require and __dirname', () => {
    writeBundle('four');
    const { answer, where, sibling } = step(cacheDir);
    expect(answer).toBe('four');
    expect(where).toBe(path.join(dir, 'main'));
    expect(sibling).toBe('required');
  });

  test('the first run writes the cache (this user only), the next run uses it and writes nothing', () => {
    writeBundle('four');
    expect(step(cacheDir).cacheUsed).toBe(false);
    const files = cacheFiles();
    expect(files).toHaveLength(1);
    const file = path.join(cacheDir, files[0] as string);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = statSync(file).mtimeMs;

    const again = step(cacheDir);
    expect(again.cacheUsed).toBe(true);
    expect(again.answer).toBe('four');
    expect(statSync(file).mtimeMs).toBe(written);
    expect(cacheFiles()).toEqual(files);
  });

  test('never runs bytecode made for another bundle of the same length (V8 checks only the length), timestamps alike', () => {
    writeBundle('aaaa');
    const before = statSync(bundle);
    expect(step(cacheDir).answer).toBe('aaaa');
    writeBundle('bbbb');
    // As `cp -a` or `touch -r` would leave it, or a rewrite within the clock's tick on older kernels.
    utimesSync(bundle, before.atime, before.mtime);
    const changed = step(cacheDir);
    expect(changed.cacheUsed).toBe(false);
    expect(changed.answer).toBe('bbbb');
    // And the cache is made again, for the new bundle.
    expect(step(cacheDir).cacheUsed).toBe(true);
  });

  test('a cache that V8 refuses is ignored and made again', () => {
    writeBundle('four');
    step(cacheDir);
    const file = path.join(cacheDir, cacheFiles()[0] as string);
    const data = readFileSync(file);
    // The header and the bundle's bytes still fit; what follows them is not V8's.
    const v8Data = data.indexOf(10) + 1 + statSync(bundle).size;
    writeFileSync(file, Buffer.concat([data.subarray(0, v8Data), Buffer.alloc(data.length - v8Data, 0x5a)]), { mode: 0o600 });
    const refused = step(cacheDir);
    expect(refused.cacheUsed).toBe(false);
    expect(refused.answer).toBe('four');
    expect(step(cacheDir).cacheUsed).toBe(true);
  });

  test('a cache file others may write, or another user’s, is not used', () => {
    writeBundle('four');
    step(cacheDir);
    const file = path.join(cacheDir, cacheFiles()[0] as string);
    chmodSync(file, 0o666);
    expect(step(cacheDir).cacheUsed).toBe(false);
    if (process.getuid?.() !== 0) return;
    chmodSync(file, 0o600);
    expect(step(cacheDir).cacheUsed).toBe(true);
    chownSync(file, 65534, 65534);
    expect(step(cacheDir).cacheUsed).toBe(false);
  });

  test('a symlink in place of the cache file is not followed', () => {
    writeBundle('four');
    step(cacheDir);
    const name = cacheFiles()[0] as string;
    const elsewhere = path.join(dir, 'elsewhere.v8cache');
    writeFileSync(elsewhere, readFileSync(path.join(cacheDir, name)), { mode: 0o600 });
    rmSync(path.join(cacheDir, name));
    symlinkSync(elsewhere, path.join(cacheDir, name));
    expect(step(cacheDir).cacheUsed).toBe(false);
  });

  test('without a cache directory (none safe, or the compile cache off), or with one that is gone, the script still runs', () => {
    writeBundle('four');
    const none = step(undefined);
    expect(none.answer).toBe('four');
    expect(none.cacheUsed).toBe(false);
    const gone = step(path.join(dir, 'missing'));
    expect(gone.answer).toBe('four');
    expect(cacheFiles()).toEqual([]);
  });

  test('a cache that cannot be written leaves no partial file and does not throw', () => {
    writeBundle('four');
    const loaded = runScript<Exports>(bundle, cacheDir);
    // The rename fails after the write: a directory holds the cache's name.
    step(cacheDir);
    const cacheName = cacheFiles()[0] as string;
    rmSync(path.join(cacheDir, cacheName));
    mkdirSync(path.join(cacheDir, cacheName));
    writeFileSync(path.join(cacheDir, cacheName, 'keep'), '');
    expect(() => loaded.saveCache()).not.toThrow();
    expect(cacheFiles()).toEqual([cacheName]);
  });

  test('an import() left in the bundle works as in any CommonJS module', async () => {
    writeFileSync(bundle, "module.exports = import('node:path').then((p) => p.posix.join('a', 'b'));\n");
    expect(await runScript<Promise<string>>(bundle, cacheDir).exports).toBe('a/b');
  });

  test('errors in the script are the script’s own (line numbers are the bundle’s)', () => {
    writeFileSync(bundle, "'use strict';\n\nthrow new Error('from line 3');\n");
    let caught: unknown;
    try {
      runScript(bundle, cacheDir);
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).message).toBe('from line 3');
    expect((caught as Error).stack).toContain(`${bundle}:3`);
  });
});
