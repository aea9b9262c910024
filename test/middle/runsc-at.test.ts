/**
 * A runsc the user points at (`runsc-path`, `--runsc`, `RUNSC`: obtain.ts
 * useRunscAt): run as given, but only once its --version says it is runsc.
 * Anything that exits 0 would otherwise "run" every cell and pass it.
 */
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useRunscAt } from '../../src/install/obtain.js';

const FAKE = fileURLToPath(new URL('./fake-runsc.sh', import.meta.url));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gvc-runsc-at-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('useRunscAt', () => {
  test('a runsc (the fake, as runsc words it) is taken, with its version line', () => {
    const fake = path.join(dir, 'runsc');
    copyFileSync(FAKE, fake);
    chmodSync(fake, 0o755);
    expect(useRunscAt({ path: fake, label: '--runsc' })).toEqual({ path: fake, version: 'runsc version release-20260824.0' });
    // A distribution's build words its version so.
    const debian = script('debian-runsc', 'echo "runsc version 0.0~20240729.0"');
    expect(useRunscAt({ path: debian, label: '--runsc' }).version).toBe('runsc version 0.0~20240729.0');
  });

  test('/usr/bin/true, which exits 0, is refused, named by the label', () => {
    // GNU's true prints its own version; busybox's prints nothing.
    expect(() => useRunscAt({ path: '/usr/bin/true', label: 'input runsc-path' })).toThrow(
      /^input runsc-path: \/usr\/bin\/true is not runsc: its --version printed ("true \(GNU coreutils\) [^"]*"|nothing), where runsc prints "runsc version release-…"$/,
    );
    const silent = script('silent', 'exit 0');
    expect(() => useRunscAt({ path: silent, label: '--runsc' })).toThrow(`--runsc: ${silent} is not runsc: its --version printed nothing`);
  });

  test('another program’s version is refused, quoting it', () => {
    const other = script('docker', 'echo "Docker version 27.0.3, build 7d4bcd8"');
    expect(() => useRunscAt({ path: other, label: '--runsc' })).toThrow(
      `--runsc: ${other} is not runsc: its --version printed "Docker version 27.0.3, build 7d4bcd8"`,
    );
  });

  test('a failing --version and a directory are refused as before', () => {
    const failing = script('broken', 'echo "no such flag" >&2; exit 2');
    expect(() => useRunscAt({ path: failing, label: 'RUNSC' })).toThrow(`RUNSC: ${failing} --version failed: no such flag`);
    expect(() => useRunscAt({ path: dir, label: 'RUNSC' })).toThrow(`RUNSC: ${dir} is not a file`);
  });
});
