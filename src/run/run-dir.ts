/**
 * A run's private directory under the temp root (RUNNER_TEMP for the action):
 * the bundle, runsc's state and log, the read-only stubs, what `collect`
 * unpacks. mkdtemp makes it (mode 0700, a name nobody can predict); the post
 * step recognises one by its name (src/action/post-state.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';

/** Every directory gvisor-cell creates under the temp root starts with this. */
export const RUN_DIR_PREFIX = 'gvisor-cell-';

/** A run directory's name: the prefix and mkdtemp's six random characters (not `-logs`, `-debug-…`, `-install-…`). */
export const RUN_DIR_NAME = new RegExp(`^${RUN_DIR_PREFIX}[A-Za-z0-9]{6}$`);

export function makeRunDir(tempRoot: string): string {
  return mkdtempSync(path.join(tempRoot, RUN_DIR_PREFIX));
}

/** The run directory's random part: unique among live run directories (containerIdFor uses it). */
export function runDirUnique(runDir: string): string {
  return path.basename(runDir).slice(RUN_DIR_PREFIX.length);
}

/** Best effort: what is left (root-owned state of a killed runsc) is the post step's. */
export function removeRunDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // The post step retries, with sudo where runsc ran through it.
  }
}
