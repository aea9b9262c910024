/**
 * `collect`: the listed paths come back from the cell's view of the
 * workspace to the host's, after the run. They arrive as a tar stream made
 * inside the sandbox, so they are untrusted: the stream is unpacked by GNU tar
 * into an empty directory of ours (tar refuses `..` and absolute names, and
 * defers links that point out), then only regular files and directories are
 * moved into the workspace, and never through a symbolic link, on either side.
 * Streams all the way: hundreds of MB never sit in memory.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants, promises as fs, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { formatSize } from '../cell/units.js';
import { entryKindAsync } from '../fs-kind.js';

export interface Collected {
  files: number;
  warnings: string[];
  /** Why nothing was collected (too large, cancelled, not unpackable): the step fails with it. */
  error?: string;
}

/** What a member costs beyond its bytes in the stream: a file system block (and an inode). */
export const ENTRY_COST = 4096;
/** How long tar in the cell may send nothing before collecting gives up. */
const IDLE_MS = 15_000;

/** Thrown when what the cell sends back is larger than `limits.collect`. */
export class CollectLimitError extends Error {}

/**
 * Unpacks the tar stream `source` writes into `dir`, stopping (and failing)
 * past `limit` bytes of stream, when `signal` aborts, or when the stream
 * sends nothing for `idleMs`. What tar inside the cell said on stderr is kept
 * for the error.
 */
export async function unpack(source: ChildProcess, dir: string, limit: number, signal: AbortSignal, idleMs = IDLE_MS): Promise<void> {
  // Synchronous, like everything up to the listeners below: once `source` exits, Node discards
  // whatever of its output nobody listens to yet (a short tar can end within one await).
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // -v names each member on a line of its own (special characters escaped): counted, see ENTRY_COST.
  const tar = spawn('tar', ['-x', '-v', '-f', '-', '-C', dir, '--no-same-owner', '--no-same-permissions'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let inside = '';
  let outside = '';
  source.stderr?.on('data', (c: Buffer) => {
    if (inside.length < 64 * 1024) inside += c.toString();
  });
  tar.stderr.on('data', (c: Buffer) => {
    if (outside.length < 64 * 1024) outside += c.toString();
  });
  // Counted on the way: past the limit, the stream stops and nothing is collected. (Not
  // stream.pipeline: tar -x stops reading at the archive's end marker, before the padding.)
  let received = 0;
  let entries = 0;
  let overflow: CollectLimitError | undefined;
  const input = source.stdout as Readable;
  tar.stdin.on('error', () => {});
  // What unpacking costs on disk: the stream's bytes, and a block and an inode per member (an empty
  // directory is 512 bytes of stream and 4 KiB of disk).
  const spent = () => received + entries * ENTRY_COST;
  // Giving up must not wait for the cell's side to end: the caller destroys the sandbox, which ends it.
  let giveUp: (error: Error) => void = () => {};
  const gaveUp = new Promise<never>((_, reject) => {
    giveUp = reject;
  });
  gaveUp.catch(() => {}); // raced below; never an unhandled rejection if it comes late
  const overLimit = () => {
    overflow ??= new CollectLimitError(
      `collect: the cell sent back more than limits.collect (${formatSize(limit)}, counting ${formatSize(ENTRY_COST)} a file or directory); nothing was collected. Raise limits.collect, or collect less`,
    );
    input.destroy();
    tar.stdin.destroy();
    tar.kill('SIGKILL');
    giveUp(overflow);
  };
  tar.stdout.on('data', (c: Buffer) => {
    for (const byte of c) if (byte === 0x0a) entries++;
    if (spent() > limit) overLimit();
  });
  // A tar in the cell that goes quiet (the cell's own, with `rootfs: { path }`) does not hold the step.
  let idle: NodeJS.Timeout | undefined;
  let quiet: Error | undefined;
  const watchdog = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      quiet = new Error(`collect: tar in the cell sent nothing for ${idleMs / 1000} s; nothing was collected`);
      input.destroy();
      tar.kill('SIGKILL');
      giveUp(quiet);
    }, idleMs);
  };
  watchdog();
  input.on('data', (chunk: Buffer) => {
    watchdog();
    received += chunk.length;
    if (spent() > limit) {
      overLimit();
      return;
    }
    if (!tar.stdin.write(chunk)) {
      input.pause();
      tar.stdin.once('drain', () => input.resume());
    }
  });
  input.once('end', () => tar.stdin.end());
  const done = (p: ChildProcess) => new Promise<number | null>((resolve) => p.once('close', resolve).once('error', () => resolve(null)));
  const stopped = new Promise<never>((_, reject) => {
    const fail = () => reject(signal.reason instanceof Error ? signal.reason : new Error('stopped'));
    if (signal.aborted) fail();
    signal.addEventListener('abort', fail, { once: true });
  });
  try {
    const [, unpacked] = await Promise.race([Promise.all([done(source), done(tar)]), stopped, gaveUp]);
    if (overflow) throw overflow;
    if (quiet) throw quiet;
    if (unpacked !== 0) {
      const said = inside.trim() ? ` (tar in the cell said: ${inside.trim().slice(0, 500)})` : '';
      throw new Error(
        `collect: the cell's files could not be unpacked: ${outside.trim().slice(0, 2000) || `tar exited ${unpacked}`}${said}`,
      );
    }
  } catch (error) {
    tar.kill('SIGKILL');
    input.destroy();
    throw error;
  } finally {
    clearTimeout(idle);
  }
}

/**
 * Makes the directories of `rel` under `workspace`, refusing to pass through
 * anything on the host that is not a real directory.
 */
async function parents(workspace: string, rel: string): Promise<string | undefined> {
  let at = workspace;
  for (const part of path
    .dirname(rel)
    .split('/')
    .filter((p) => p && p !== '.')) {
    at = path.join(at, part);
    const k = await entryKindAsync(at);
    if (k === undefined) await fs.mkdir(at, { mode: 0o755 });
    else if (k !== 'dir') return path.relative(workspace, at);
  }
  return undefined;
}

/**
 * Puts the file `src` (ours, in the private unpack directory) at `dest`, with
 * its mode set on our copy first. `rename` replaces whatever name is at
 * `dest` and never follows a link there; across filesystems the copy goes to
 * a fresh name next to `dest` (created exclusively, so not through a link)
 * and is renamed over it. Called only once the sandbox is gone: nothing of
 * the cell can change the workspace meanwhile.
 */
async function moveIn(src: string, dest: string): Promise<void> {
  const mode = (await fs.lstat(src)).mode & 0o777;
  await fs.chmod(src, mode);
  try {
    await fs.rename(src, dest);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    const temp = path.join(path.dirname(dest), `.gvisor-cell-${process.pid}-${Date.now().toString(36)}`);
    await fs.copyFile(src, temp, constants.COPYFILE_EXCL);
    try {
      await fs.chmod(temp, mode);
      await fs.rename(temp, dest);
    } catch (e) {
      await fs.rm(temp, { force: true });
      throw e;
    }
  }
}

/** Moves what was unpacked in `from` for each of `paths` into `workspace`. */
export async function copyBack(from: string, workspace: string, paths: readonly string[]): Promise<Collected> {
  const result: Collected = { files: 0, warnings: [] };
  const place = async (rel: string): Promise<void> => {
    const src = path.join(from, rel);
    const k = await entryKindAsync(src);
    if (k === 'dir') {
      const blocked = await parents(workspace, `${rel}/x`);
      if (blocked) {
        result.warnings.push(`collect: ${rel} not copied: ${blocked} on the runner is not a directory (links are never followed)`);
        return;
      }
      for (const entry of await fs.readdir(src)) await place(path.join(rel, entry));
      return;
    }
    if (k !== 'file') {
      result.warnings.push(`collect: ${rel} is ${k === 'link' ? 'a symbolic link' : 'not a regular file'} in the cell; not copied`);
      return;
    }
    const blocked = await parents(workspace, rel);
    const dest = path.join(workspace, rel);
    const existing = await entryKindAsync(dest);
    if (blocked || (existing !== undefined && existing !== 'file')) {
      result.warnings.push(
        `collect: ${rel} not copied: ${blocked ?? rel} on the runner is not a plain file or directory (links are never followed)`,
      );
      return;
    }
    await moveIn(src, dest);
    result.files++;
  };
  for (const p of paths) {
    if ((await entryKindAsync(path.join(from, p))) === undefined) {
      result.warnings.push(`collect: ${p} was not created by the cell; nothing to copy`);
      continue;
    }
    await place(p);
  }
  return result;
}
