import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { checkRunDir, loadPostState, RECORD_FILE, readPostRecord, savePostState, writePostRecord } from '../../src/action/post-state.js';
import { RUN_DIR_PREFIX, runDirUnique } from '../../src/run/run-dir.js';

const uid = process.getuid?.() ?? 0;
let temp: string;
let runDir: string;
const runsc = process.execPath; // any absolute path to a regular file
/** This run's container id, as containerIdFor makes it (the cell's name, then the run directory's suffix). */
const ownId = () => `cell-${runDirUnique(runDir)}`;

beforeEach(() => {
  temp = mkdtempSync(path.join(os.tmpdir(), 'gvc-post-record-'));
  // As planCell makes it.
  runDir = mkdtempSync(path.join(temp, RUN_DIR_PREFIX));
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

describe('the record main writes', () => {
  test('reads back with its nonce; 0600; a second write does not replace it', () => {
    const nonce = writePostRecord(runDir, { containerId: ownId(), runsc });
    expect(nonce).toMatch(/^[0-9a-f]{32}$/);
    expect(statSync(path.join(runDir, RECORD_FILE)).mode & 0o777).toBe(0o600);
    expect(readPostRecord(runDir, nonce, uid)).toEqual({ record: { containerId: ownId(), runsc } });
    expect(() => writePostRecord(runDir, { containerId: 'other', runsc: '/bin/sh' })).toThrow(/EEXIST/);
  });

  test('nonces differ between runs', () => {
    const other = mkdtempSync(path.join(temp, RUN_DIR_PREFIX));
    expect(writePostRecord(runDir, { containerId: 'a', runsc })).not.toBe(writePostRecord(other, { containerId: 'a', runsc }));
  });

  test('is never written through a link planted at its name', () => {
    const target = path.join(temp, 'target');
    symlinkSync(target, path.join(runDir, RECORD_FILE));
    expect(() => writePostRecord(runDir, { containerId: 'a', runsc })).toThrow(/EEXIST/);
  });
});

describe('the post step refuses a record', () => {
  const nonce = 'ab'.repeat(16);
  const put = (content: string) => writeFileSync(path.join(runDir, RECORD_FILE), content, { mode: 0o600 });
  const refusal = () => {
    const r = readPostRecord(runDir, nonce, uid);
    return 'refused' in r ? r.refused : 'accepted';
  };

  test.each([
    ['with another nonce', () => put(JSON.stringify({ nonce: 'cd'.repeat(16), containerId: 'a', runsc })), /nonce is not the one/],
    ['naming a relative runsc', () => put(JSON.stringify({ nonce, containerId: 'a', runsc: 'runsc' })), /runsc is not an absolute/],
    ['naming runsc through ..', () => put(JSON.stringify({ nonce, containerId: 'a', runsc: '/usr/../bin/sh' })), /normalized/],
    ['naming a directory as runsc', () => put(JSON.stringify({ nonce, containerId: 'a', runsc: '/usr' })), /not a regular file/],
    ['with a container id runsc would read as a flag', () => put(JSON.stringify({ nonce, containerId: '--x y', runsc })), /container id/],
    // The cgroups the post step removes are named by the id: not another run's, nor a system one.
    [
      'with another run’s container id',
      () => put(JSON.stringify({ nonce, containerId: 'cell-abc123', runsc })),
      /containerId is not this run's/,
    ],
    [
      'with a system cgroup’s name as container id',
      () => put(JSON.stringify({ nonce, containerId: 'system.slice', runsc })),
      /containerId is not this run's/,
    ],
    ['that is not JSON', () => put('{'), /not JSON/],
    ['that is too large', () => put(' '.repeat(5000)), /larger than/],
    ['that is missing', () => undefined, /cannot be opened \(ENOENT\)/],
    ['that is a directory', () => mkdirSync(path.join(runDir, RECORD_FILE)), /not a regular file/],
    ['that is a FIFO (without hanging)', () => execFileSync('mkfifo', [path.join(runDir, RECORD_FILE)]), /not a regular file/],
    [
      'that others can write',
      () => {
        put(JSON.stringify({ nonce, containerId: 'a', runsc }));
        chmodSync(path.join(runDir, RECORD_FILE), 0o646);
      },
      /writable by group or others/,
    ],
  ])('%s', (_what, setUp, reason) => {
    setUp();
    expect(refusal()).toMatch(reason);
  });

  test('owned by another uid', () => {
    put(JSON.stringify({ nonce, containerId: 'a', runsc }));
    const r = readPostRecord(runDir, nonce, uid + 1);
    expect('refused' in r && r.refused).toMatch(/owned by uid/);
  });
});

describe('the run directory the state names', () => {
  test('is accepted only as planCell makes it', () => {
    expect(checkRunDir(runDir, temp, uid)).toEqual({ dir: runDir });
    expect(checkRunDir(`${runDir}/`, temp, uid)).toHaveProperty('refused');
    expect(checkRunDir(path.join(temp, 'gvisor-cell-logs'), temp, uid)).toHaveProperty('refused');
    expect(checkRunDir(`${temp}/x/../${path.basename(runDir)}`, temp, uid)).toHaveProperty('refused');
    expect(checkRunDir(path.join(temp, 'gvisor-cell-AbC123'), temp, uid)).toEqual({ gone: true });
    expect(checkRunDir(runDir, temp, uid + 1)).toHaveProperty('refused');
    chmodSync(runDir, 0o770);
    expect(checkRunDir(runDir, temp, uid)).toHaveProperty('refused');
  });
});

describe('the state main saves and the post step loads', () => {
  test('round trip: the record first, then the state that points at it', () => {
    const saved: [string, string][] = [];
    savePostState((name, value) => saved.push([name, value]), runDir, { containerId: ownId(), runsc });
    expect(saved.map(([name]) => name)).toEqual(['nonce', 'run-dir']);
    const state = Object.fromEntries(saved);
    expect(loadPostState((name) => state[name] ?? '', temp, uid)).toEqual({ runDir, record: { containerId: ownId(), runsc } });
  });

  test('nothing saved, a run directory gone, a forged nonce', () => {
    expect(loadPostState(() => '', temp, uid)).toEqual({ none: true });
    const gone = path.join(temp, 'gvisor-cell-AbC123');
    expect(loadPostState((name) => (name === 'run-dir' ? gone : ''), temp, uid)).toEqual({ gone: true });
    writePostRecord(runDir, { containerId: 'cell-abc123', runsc });
    const forged = { 'run-dir': runDir, nonce: 'f'.repeat(32) } as Record<string, string>;
    expect(loadPostState((name) => forged[name] ?? '', temp, uid)).toEqual({
      refused: `the state's nonce is not the one in ${RECORD_FILE}`,
    });
    expect(loadPostState((name) => (name === 'run-dir' ? runDir : 'x'), temp, uid)).toEqual({ refused: 'nonce is missing or malformed' });
  });
});
