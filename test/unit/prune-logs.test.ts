/**
 * The CLI's log pruning (src/cli/prune-logs.ts) on real files: the newest
 * and the recent stay, the rest go, and nothing but a regular file named as
 * the engine names logs is ever touched.
 */
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { KEEP_NEWEST, KEEP_YOUNGER_MS, pruneLogs } from '../../src/cli/prune-logs.js';
import { trustedDir } from '../../src/fs-kind.js';
import { containerIdFor, LOG_FILE_NAME } from '../../src/run/cell.js';

const DAY = 24 * 3600 * 1000;
const NOW = Date.parse('2026-03-01T12:00:00Z');
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gvc-prune-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A file aged `ageMs` before NOW. */
function aged(name: string, ageMs: number, at = dir): string {
  const file = path.join(at, name);
  writeFileSync(file, name);
  const t = (NOW - ageMs) / 1000;
  utimesSync(file, t, t);
  return file;
}

describe('pruneLogs', () => {
  test(`keeps the ${KEEP_NEWEST} newest and those younger than a day; deletes the older rest`, () => {
    // 30 old logs, one a day; the newest KEEP_NEWEST stay.
    const old = Array.from({ length: 30 }, (_, i) => aged(`cell-old${String(i).padStart(3, '0')}.log`, (i + 2) * DAY));
    // Younger than the limit, but past the newest KEEP_NEWEST by count after the next line: kept for their age.
    const recent = Array.from({ length: 25 }, (_, i) =>
      aged(`tests-rec${String(i).padStart(3, '0')}.log`, KEEP_YOUNGER_MS - (i + 1) * 60_000),
    );
    expect(pruneLogs(dir, NOW)).toBe(30);
    for (const file of recent) expect(existsSync(file), file).toBe(true);
    for (const file of old) expect(existsSync(file), file).toBe(false);
  });

  test('with fewer than the newest to keep, deletes nothing however old', () => {
    const files = Array.from({ length: KEEP_NEWEST }, (_, i) => aged(`cell-abc${String(i).padStart(3, '0')}.log`, 400 * DAY));
    expect(pruneLogs(dir, NOW)).toBe(0);
    expect(readdirSync(dir).length).toBe(files.length);
  });

  test('touches only regular files named as logs: not other names, directories, links or what they point at', () => {
    for (let i = 0; i < KEEP_NEWEST; i++) aged(`new-abc${String(i).padStart(3, '0')}.log`, 2 * DAY);
    const outside = mkdtempSync(path.join(os.tmpdir(), 'gvc-prune-outside-'));
    try {
      const target = aged('precious-Abc123.log', 100 * DAY, outside);
      symlinkSync(target, path.join(dir, 'linked-Abc123.log'));
      mkdirSync(path.join(dir, 'adir-Abc123.log'));
      const others = [aged('notes.txt', 100 * DAY), aged('cell-abc12.log', 100 * DAY), aged('cell-Abc123.log.bak', 100 * DAY)];
      const doomed = aged('cell-Zzz999.log', 100 * DAY);
      expect(pruneLogs(dir, NOW)).toBe(1);
      expect(existsSync(doomed)).toBe(false);
      for (const file of [...others, target, path.join(dir, 'linked-Abc123.log'), path.join(dir, 'adir-Abc123.log')]) {
        expect(existsSync(file), file).toBe(true);
      }
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  test('a missing directory is nothing to prune', () => {
    expect(pruneLogs(path.join(dir, 'none'), NOW)).toBe(0);
  });
});

describe('LOG_FILE_NAME', () => {
  test.each(['cell', 'tests', 'a b/c', '..hidden', '-dash-', 'ünïcode', 'x'.repeat(80), '', 'trailing-.', 'name_with.dots'])(
    'matches the log of a cell named %j',
    (name) => {
      expect(`${containerIdFor(name, '/tmp/gvisor-cell-Ab3dE9')}.log`).toMatch(LOG_FILE_NAME);
    },
  );
});

describe('only in a directory nobody else could have swapped', () => {
  test('a log directory that is a link is not followed: nothing in its target is deleted', () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'gvc-prune-link-'));
    try {
      const elsewhere = path.join(base, 'var-log');
      mkdirSync(elsewhere);
      for (let i = 0; i < 25; i++) {
        const f = path.join(elsewhere, `service-${String(i).padStart(6, '0')}.log`);
        writeFileSync(f, 'x');
        const t = Date.now() / 1000 - (30 + i) * 86400;
        utimesSync(f, t, t);
      }
      const logDir = path.join(base, 'gvisor-cell-logs');
      symlinkSync(elsewhere, logDir);
      expect(pruneLogs(logDir)).toBe(0);
      expect(readdirSync(elsewhere)).toHaveLength(25);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  test('trustedDir: a directory above that others may write (without the sticky bit), or owned by another user, is not', () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'gvc-prune-trust-'));
    try {
      const logDir = path.join(base, 'a', 'gvisor-cell-logs');
      mkdirSync(logDir, { recursive: true });
      expect(trustedDir(logDir)).toBe(true);
      chmodSync(path.join(base, 'a'), 0o777);
      expect(trustedDir(logDir)).toBe(false);
      chmodSync(path.join(base, 'a'), 0o1777);
      expect(trustedDir(logDir)).toBe(true);
      chmodSync(path.join(base, 'a'), 0o755);
      // Owned by somebody else (a HOME that is not this user's): only root can make the case.
      if (process.getuid?.() === 0) {
        chownSync(path.join(base, 'a'), 4242, 4242);
        expect(trustedDir(logDir)).toBe(false);
        expect(trustedDir(logDir, 4242)).toBe(true);
      }
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });
});
