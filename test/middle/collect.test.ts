/**
 * Collecting, on the host's side: unpack() reads a real tar stream from a
 * child process within its limits and its idle watchdog, and copyBack()
 * places only regular files and directories, never through a link on either
 * side. Plain tar and sh stand in for tar inside the cell.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CollectLimitError, copyBack, ENTRY_COST, unpack } from '../../src/run/collect.js';

let root: string;
let cell: string;
let unpacked: string;
let workspace: string;
const sources: ChildProcess[] = [];

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'gvc-collect-'));
  cell = path.join(root, 'cell');
  unpacked = path.join(root, 'unpacked');
  workspace = path.join(root, 'workspace');
  mkdirSync(cell);
  mkdirSync(workspace);
});
afterEach(() => {
  for (const s of sources.splice(0)) s.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

/** What tar inside the cell would send: a child whose stdout is the stream. */
function source(command: string, args: string[]): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  sources.push(child);
  return child;
}
const tarOf = (dir: string, ...members: string[]) => source('tar', ['-cf', '-', '-C', dir, ...(members.length ? members : ['.'])]);
const never = () => new AbortController().signal;

describe('unpack', () => {
  test('unpacks a real stream, modes and nested directories included', async () => {
    mkdirSync(path.join(cell, 'out', 'deep'), { recursive: true });
    writeFileSync(path.join(cell, 'out', 'deep', 'report.xml'), '<ok/>');
    writeFileSync(path.join(cell, 'out', 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    await unpack(tarOf(cell, 'out'), unpacked, 1 << 20, never());
    expect(readFileSync(path.join(unpacked, 'out', 'deep', 'report.xml'), 'utf8')).toBe('<ok/>');
    expect(statSync(path.join(unpacked, 'out', 'run.sh')).mode & 0o777).toBe(0o755);
  });

  test('a stream whose tar has already ended is read whole', async () => {
    writeFileSync(path.join(cell, 'small'), 'all of it');
    const ended = tarOf(cell, 'small');
    // Block until the source has exited, its stream waiting in the pipe: Node discards the unread
    // output of an exited child on its next turn of the event loop unless a listener is there by then.
    const until = Date.now() + 5_000;
    while (existsSync(`/proc/${ended.pid}/cmdline`) && !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${ended.pid}/stat`, 'utf8'))) {
      if (Date.now() > until) throw new Error('tar did not end');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
    const unpacking = unpack(ended, unpacked, 1 << 20, never(), 2_000);
    // Listening before unpack first yields: that turn of the loop may be the one that discards it.
    expect(ended.stdout?.listenerCount('data')).toBe(1);
    await unpacking;
    expect(readFileSync(path.join(unpacked, 'small'), 'utf8')).toBe('all of it');
  });

  test('more bytes than the limit: CollectLimitError, naming limits.collect', async () => {
    writeFileSync(path.join(cell, 'big'), Buffer.alloc(100_000, 1));
    await expect(unpack(tarOf(cell, 'big'), unpacked, 50_000, never())).rejects.toThrow(CollectLimitError);
    await expect(unpack(tarOf(cell, 'big'), path.join(root, 'again'), 50_000, never())).rejects.toThrow(
      /^collect: the cell sent back more than limits\.collect \(50000, counting 4Ki a file or directory\); nothing was collected/,
    );
  });

  test('each member costs a block beyond its bytes: many empty files hit a limit their stream is far below', async () => {
    mkdirSync(path.join(cell, 'many'));
    for (let i = 0; i < 40; i++) writeFileSync(path.join(cell, 'many', `f${i}`), '');
    // 41 members: 30 KiB of stream (three 10 KiB records), 41 × 4 KiB on disk.
    const limit = 100_000;
    expect(41 * ENTRY_COST).toBeGreaterThan(limit);
    await expect(unpack(tarOf(cell, 'many'), unpacked, limit, never())).rejects.toThrow(CollectLimitError);
    await unpack(tarOf(cell, 'many'), path.join(root, 'roomy'), 41 * ENTRY_COST + 40_000, never());
    expect(readdirSync(path.join(root, 'roomy', 'many'))).toHaveLength(40);
  });

  test('a stream that goes quiet is given up on after the idle time, without waiting for its end', async () => {
    const quiet = source('sh', ['-c', 'exec sleep 30']);
    const started = Date.now();
    await expect(unpack(quiet, unpacked, 1 << 20, never(), 300)).rejects.toThrow(
      'collect: tar in the cell sent nothing for 0.3 s; nothing was collected',
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  test('a slow stream that keeps sending is not idle', async () => {
    writeFileSync(path.join(cell, 'file'), 'slow but steady');
    const tarball = path.join(root, 'whole.tar');
    await new Promise((resolve) => spawn('tar', ['-cf', tarball, '-C', cell, 'file']).once('close', resolve));
    // 10 KiB sent in 2 KiB pieces, 0.2 s apart: a second in all, never 0.5 s quiet.
    const slow = source('sh', ['-c', `for i in 0 1 2 3 4; do dd if='${tarball}' bs=2048 skip=$i count=1 2>/dev/null; sleep 0.2; done`]);
    await unpack(slow, unpacked, 1 << 20, never(), 500);
    expect(readFileSync(path.join(unpacked, 'file'), 'utf8')).toBe('slow but steady');
  });

  test('an abort stops it at once, with the signal’s reason', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(new Error('deadline')), 200);
    await expect(unpack(source('sh', ['-c', 'exec sleep 30']), unpacked, 1 << 20, abort.signal)).rejects.toThrow('deadline');
  });

  test('a stream that is not a tar fails, with what both tars said', async () => {
    const garbage = source('sh', ['-c', 'echo not a tar archive; echo "tar: out: Cannot stat" >&2']);
    await expect(unpack(garbage, unpacked, 1 << 20, never())).rejects.toThrow(
      /^collect: the cell's files could not be unpacked: tar: .*\(tar in the cell said: tar: out: Cannot stat\)$/s,
    );
  });

  test('a link out of the directory followed by a member through it writes nothing outside', async () => {
    const outside = path.join(root, 'outside');
    mkdirSync(outside);
    const first = path.join(root, 's1');
    const second = path.join(root, 's2');
    mkdirSync(first);
    mkdirSync(path.join(second, 'out'), { recursive: true });
    symlinkSync(outside, path.join(first, 'out'));
    writeFileSync(path.join(second, 'out', 'planted'), 'pwned');
    const crafted = source('tar', ['-cf', '-', '-C', first, 'out', '-C', second, 'out/planted']);
    await unpack(crafted, unpacked, 1 << 20, never()).catch(() => {});
    expect(readdirSync(outside)).toEqual([]);
  });
});

describe('copyBack', () => {
  const stage = (rel: string, content: string, mode = 0o644) => {
    mkdirSync(path.dirname(path.join(unpacked, rel)), { recursive: true });
    writeFileSync(path.join(unpacked, rel), content, { mode });
  };

  test('files and directories land in the workspace, modes kept, existing files replaced', async () => {
    stage('out/a.txt', 'a');
    stage('out/sub/tool', '#!/bin/sh\n', 0o750);
    mkdirSync(path.join(workspace, 'out'));
    writeFileSync(path.join(workspace, 'out', 'a.txt'), 'old');
    const result = await copyBack(unpacked, workspace, ['out']);
    expect(result).toEqual({ files: 2, warnings: [] });
    expect(readFileSync(path.join(workspace, 'out', 'a.txt'), 'utf8')).toBe('a');
    expect(statSync(path.join(workspace, 'out', 'sub', 'tool')).mode & 0o777).toBe(0o750);
  });

  test('a path the cell did not create is a warning', async () => {
    expect(await copyBack(unpacked, workspace, ['missing'])).toEqual({
      files: 0,
      warnings: ['collect: missing was not created by the cell; nothing to copy'],
    });
  });

  test('a link made in the cell is not copied', async () => {
    mkdirSync(path.join(unpacked, 'out'), { recursive: true });
    symlinkSync('/etc/passwd', path.join(unpacked, 'out', 'passwd'));
    const result = await copyBack(unpacked, workspace, ['out']);
    expect(result.warnings).toEqual(['collect: out/passwd is a symbolic link in the cell; not copied']);
    expect(existsSync(path.join(workspace, 'out', 'passwd'))).toBe(false);
  });

  test('a link on the runner where a directory goes is not followed', async () => {
    const outside = path.join(root, 'outside');
    mkdirSync(outside);
    symlinkSync(outside, path.join(workspace, 'out'));
    stage('out/a.txt', 'pwned');
    const result = await copyBack(unpacked, workspace, ['out']);
    expect(result.files).toBe(0);
    expect(result.warnings).toEqual(['collect: out not copied: out on the runner is not a directory (links are never followed)']);
    expect(readdirSync(outside)).toEqual([]);
  });

  test('a link on the runner where a file goes is not written through', async () => {
    const victim = path.join(root, 'victim');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, path.join(workspace, 'report.xml'));
    stage('report.xml', 'pwned');
    const result = await copyBack(unpacked, workspace, ['report.xml']);
    expect(result.warnings).toEqual([
      'collect: report.xml not copied: report.xml on the runner is not a plain file or directory (links are never followed)',
    ]);
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });

  test('a hard link on the runner is replaced, not written through', async () => {
    const victim = path.join(root, 'victim');
    writeFileSync(victim, 'precious');
    linkSync(victim, path.join(workspace, 'report.xml'));
    stage('report.xml', 'new report');
    expect((await copyBack(unpacked, workspace, ['report.xml'])).files).toBe(1);
    expect(readFileSync(path.join(workspace, 'report.xml'), 'utf8')).toBe('new report');
    expect(readFileSync(victim, 'utf8')).toBe('precious');
  });
});
