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
import { promises as fs } from 'node:fs';
import path from 'node:path';

export interface Collected {
  files: number;
  warnings: string[];
}

/** Unpacks the tar stream `source` writes into `dir`; returns what tar inside the cell complained about. */
export async function unpack(source: ChildProcess, dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const tar = spawn('tar', ['-x', '-f', '-', '-C', dir, '--no-same-owner', '--no-same-permissions'], { stdio: ['pipe', 'ignore', 'pipe'] });
  source.stdout?.pipe(tar.stdin);
  let inside = '';
  let outside = '';
  source.stderr?.on('data', (c: Buffer) => {
    if (inside.length < 64 * 1024) inside += c.toString();
  });
  tar.stderr.on('data', (c: Buffer) => {
    if (outside.length < 64 * 1024) outside += c.toString();
  });
  const done = (p: ChildProcess) => new Promise<number | null>((resolve) => p.once('close', resolve).once('error', () => resolve(null)));
  const [, unpacked] = await Promise.all([done(source), done(tar)]);
  if (unpacked !== 0) throw new Error(`collect: the cell's files could not be unpacked: ${outside.trim() || `tar exited ${unpacked}`}`);
  return inside;
}

async function kind(p: string): Promise<'file' | 'dir' | 'link' | 'other' | undefined> {
  const s = await fs.lstat(p).catch(() => undefined);
  if (!s) return undefined;
  return s.isSymbolicLink() ? 'link' : s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';
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
    const k = await kind(at);
    if (k === undefined) await fs.mkdir(at, { mode: 0o755 });
    else if (k !== 'dir') return path.relative(workspace, at);
  }
  return undefined;
}

/** Moves what was unpacked in `from` for each of `paths` into `workspace`. */
export async function copyBack(from: string, workspace: string, paths: readonly string[]): Promise<Collected> {
  const result: Collected = { files: 0, warnings: [] };
  const place = async (rel: string): Promise<void> => {
    const src = path.join(from, rel);
    const k = await kind(src);
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
    const existing = await kind(dest);
    if (blocked || (existing !== undefined && existing !== 'file')) {
      result.warnings.push(
        `collect: ${rel} not copied: ${blocked ?? rel} on the runner is not a plain file or directory (links are never followed)`,
      );
      return;
    }
    const mode = (await fs.lstat(src)).mode & 0o777;
    await fs.rename(src, dest).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EXDEV') throw error;
      await fs.rm(dest, { force: true });
      await fs.copyFile(src, dest);
    });
    await fs.chmod(dest, mode);
    result.files++;
  };
  for (const p of paths) {
    if ((await kind(path.join(from, p))) === undefined) {
      result.warnings.push(`collect: ${p} was not created by the cell; nothing to copy`);
      continue;
    }
    await place(p);
  }
  return result;
}
