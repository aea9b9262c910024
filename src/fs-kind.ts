/**
 * What kind of file is at a path: the one question the engine asks of the
 * host's file system before trusting a path (host facts, the bundle's checks,
 * collect's copy back). One answer, so that a link is never taken for what
 * it points to in one place and not in another. And whether a directory is
 * one only this user (or root) can change (the CLI's log pruning, the
 * action's code cache).
 */
import { lstatSync, promises, type Stats, statSync } from 'node:fs';
import path from 'node:path';

/** `other`: a device, socket or FIFO. `link`: a symbolic link, never followed. */
export type FileKind = 'file' | 'dir' | 'link' | 'other';

export function kindOfStats(s: Stats): FileKind {
  return s.isSymbolicLink() ? 'link' : s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';
}

/** The entry itself (a link is `link`); undefined when nothing can be seen there. */
export function entryKind(p: string): FileKind | undefined {
  try {
    return kindOfStats(lstatSync(p));
  } catch {
    return undefined;
  }
}

/** entryKind, without blocking the event loop (collect's copy back runs while output may still be flowing). */
export async function entryKindAsync(p: string): Promise<FileKind | undefined> {
  const s = await promises.lstat(p).catch(() => undefined);
  return s && kindOfStats(s);
}

/**
 * What the path leads to, through links (so never `link`); undefined when
 * nothing is there. Other failures (a file where a directory is expected on
 * the way, no permission) are thrown: they are not "missing".
 */
export function targetKind(p: string): Exclude<FileKind, 'link'> | undefined {
  const s = statSync(p, { throwIfNoEntry: false });
  return s ? (kindOfStats(s) as Exclude<FileKind, 'link'>) : undefined;
}

/**
 * The first `dir/name` of `dirs` that exists (a link not followed): how the
 * programs the action runs as root are found, in the system's own
 * directories and never through PATH, which an earlier step may have changed.
 */
export function findInDirs(name: string, dirs: readonly string[]): string | undefined {
  return dirs.map((d) => path.join(d, name)).find((p) => entryKind(p) !== undefined);
}

/**
 * Whether `dir` and every directory above it are real directories (no link
 * on the way) that only `uid` or root can change: owned by one of them, and
 * writable by others only with the sticky bit (/tmp), where others cannot
 * rename what is ours.
 */
export function trustedDir(dir: string, uid = process.geteuid?.() ?? 0): boolean {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const st = lstatSync(at, { throwIfNoEntry: false });
    if (!st?.isDirectory() || (st.uid !== uid && st.uid !== 0)) return false;
    if (st.mode & 0o022 && !(st.mode & 0o1000)) return false;
    if (at === path.dirname(at)) return true;
  }
}
