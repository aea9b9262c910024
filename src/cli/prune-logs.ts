/**
 * The CLI's logs do not pile up: each `run` writes one into its own temp
 * directory's gvisor-cell-logs/ (up to limits.log, 256Mi by default) and
 * nothing else ever removes them. (The action's go to RUNNER_TEMP, which
 * the runner empties after every job: the action prunes nothing.)
 *
 * The rule: keep the KEEP_NEWEST newest, and every log younger than
 * KEEP_YOUNGER_MS (a run going on in another terminal, a log just printed);
 * delete the rest. Only regular files named as the engine names logs
 * (run/cell.ts LOG_FILE_NAME) are touched: never a link (nor what it points
 * at), a directory, or a file of another name. And only in a directory no
 * one else could have swapped for a link to theirs: it and every directory
 * above it are real directories owned by this user or root, and writable by
 * nobody else (a CLI run as root with another user's HOME prunes nothing).
 */
import { lstatSync, readdirSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { trustedDir } from '../fs-kind.js';
import { LOG_FILE_NAME } from '../run/cell.js';

export const KEEP_NEWEST = 20;
export const KEEP_YOUNGER_MS = 24 * 3600 * 1000;

/** Deletes old logs in `dir` by the rule above; returns how many. Best effort: a log it cannot delete stays. */
export function pruneLogs(dir: string, now = Date.now()): number {
  if (!trustedDir(dir)) return 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  const logs: { file: string; mtimeMs: number }[] = [];
  for (const name of names) {
    if (!LOG_FILE_NAME.test(name)) continue;
    const file = path.join(dir, name);
    // lstat: a link is never followed, nor removed.
    const stat = lstatSync(file, { throwIfNoEntry: false });
    if (stat?.isFile()) logs.push({ file, mtimeMs: stat.mtimeMs });
  }
  logs.sort((a, b) => b.mtimeMs - a.mtimeMs);
  let removed = 0;
  for (const log of logs.slice(KEEP_NEWEST)) {
    if (now - log.mtimeMs < KEEP_YOUNGER_MS) continue;
    try {
      unlinkSync(log.file);
      removed++;
    } catch {
      // Gone already (another CLI pruning), or not ours to delete: it stays.
    }
  }
  return removed;
}
