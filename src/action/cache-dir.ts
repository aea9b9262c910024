/**
 * The one directory where the step's caches may live (the main bundle's code
 * cache, code-cache.ts, and Node's own compile cache): bytecode read from it
 * runs as the step, so nobody else may be able to write there.
 *
 * It is RUNNER_TEMP/gvisor-cell.code-cache (RUNNER_TEMP is emptied for each
 * job and hidden from cells), made 0700, and used only if it and every
 * directory above it belong to this user or root and others cannot write
 * them, but for a sticky directory such as /tmp above an entry of ours or
 * root's. Node's default, /tmp/node-compile-cache, is a name any local user
 * can take first. Without such a directory no cache is used at all.
 */
import { lstatSync, mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** The directory in RUNNER_TEMP that holds the caches. */
export const CACHE_DIR_NAME = 'gvisor-cell.code-cache';

/** Owned by this user (or root, for directories above ours). */
export function ownedBy(st: { uid: number }, alsoRoot: boolean): boolean {
  const uid = process.geteuid?.();
  return uid !== undefined && (st.uid === uid || (alsoRoot && st.uid === 0));
}

/**
 * `dir` and every directory above it (symlinks already resolved) belong to
 * this user or root, and none that others may write is without the sticky
 * bit (which keeps others from renaming what is ours or root's in it).
 */
function safeChain(dir: string): boolean {
  for (let at = dir; ; at = path.dirname(at)) {
    const st = lstatSync(at);
    if (!st.isDirectory() || !ownedBy(st, true)) return false;
    if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0) return false;
    if (at === path.dirname(at)) return true;
  }
}

/**
 * The caches' directory, made if need be; undefined when there is no
 * RUNNER_TEMP, or when the directory or any directory above it is not safe
 * (see above), or it cannot be made.
 */
export function privateCacheDir(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const temp = env.RUNNER_TEMP;
  if (!temp || !path.isAbsolute(temp)) return undefined;
  try {
    const dir = path.join(realpathSync(temp), CACHE_DIR_NAME);
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
    }
    const st = lstatSync(dir);
    // Ours alone: not even readable by others (nothing secret in it, but nothing for them either).
    if (!st.isDirectory() || !ownedBy(st, false) || (st.mode & 0o077) !== 0) return undefined;
    return safeChain(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}
