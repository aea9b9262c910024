/**
 * Facts about the release artifacts shared by the installer and the pinned
 * copy (pinned.ts): how each is unpacked, and where runsc lands in it.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { KEPT_ARTIFACTS } from './cache.js';

/** tar's decompression flag for a release artifact; undefined for the loose binary. Throws for any other name. */
export function tarFlagFor(artifact: string): string | undefined {
  switch (artifact as (typeof KEPT_ARTIFACTS)[number]) {
    case 'gvisor.tar.zstd':
      return '--zstd';
    case 'gvisor.tar.bz2':
      return '--bzip2';
    case 'runsc':
      return undefined;
    default:
      throw new Error(`${artifact} is not a runsc release artifact (expected one of ${KEPT_ARTIFACTS.join(', ')})`);
  }
}

/**
 * The file `name` at most `depth` directories down (never inside gvisor-bin/):
 * tarballs may nest everything under a top directory, so runsc is looked for
 * rather than assumed.
 */
export function findFile(dir: string, name: string, depth: number): string | undefined {
  const entries = readdirSync(dir, { withFileTypes: true });
  const here = entries.find((e) => e.isFile() && e.name === name);
  if (here) return path.join(dir, here.name);
  if (depth === 0) return undefined;
  for (const e of entries) {
    if (e.isDirectory() && e.name !== 'gvisor-bin') {
      const found = findFile(path.join(dir, e.name), name, depth - 1);
      if (found) return found;
    }
  }
  return undefined;
}
