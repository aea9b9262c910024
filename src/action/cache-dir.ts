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
import { trustedDir } from '../fs-kind.js';

/** The directory in RUNNER_TEMP that holds the caches. */
export const CACHE_DIR_NAME = 'gvisor-cell.code-cache';

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
    if (!st.isDirectory() || st.uid !== process.geteuid?.() || (st.mode & 0o077) !== 0) return undefined;
    return trustedDir(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}
