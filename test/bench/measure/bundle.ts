/** Figure 4 is measured in process by vitest (`*.bench.ts`): which of those files exist. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../../support/action-yml.js';

/** The `*.bench.[cm]?[jt]s` files under `dir`, relative to the repository (node_modules, dist and dot directories skipped). */
export function findBenchFiles(dir = REPO, depth = 4): string[] {
  const found: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.') || e.name === 'dist') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory() && depth > 0) found.push(...findBenchFiles(p, depth - 1));
    else if (e.isFile() && /\.bench\.[cm]?[jt]s$/.test(e.name)) found.push(path.relative(REPO, p));
  }
  return found;
}
