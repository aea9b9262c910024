/**
 * The runsc the inputs ask for: the one at `runsc-path`, a pinned release
 * already in the tool cache, or a release downloaded now. Only the last loads
 * the installer (and with it @actions/tool-cache and an HTTP client): a warm
 * step never pays for them.
 *
 * With `runsc-sha512`, whatever the cache or the installer yields is not run
 * from the cache: a private copy, unpacked from the entry's kept artifact once
 * its bytes hashed to the pin, runs instead (pinned.ts). `runsc-path` is the
 * user's own binary and is run as given.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { ActionInputs } from '../inputs.js';
import { log } from '../log.js';
import { findCached, type InstalledRunsc, toolName } from './cache.js';
import type { Progress } from './download.js';
import { versionLine } from './version.js';

export type { InstalledRunsc } from './cache.js';

/** A runsc the user points at with `runsc-path`: must exist; its version is asked once. */
export async function useRunscAt(runscPath: string): Promise<InstalledRunsc> {
  const abs = path.resolve(runscPath);
  const stat = statSync(abs, { throwIfNoEntry: false });
  if (!stat?.isFile()) throw new Error(`input runsc-path: ${abs} is not a file`);
  const probe = spawnSync(abs, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.status !== 0) {
    throw new Error(`input runsc-path: ${abs} --version failed: ${(probe.stderr || probe.error?.message || '').trim()}`);
  }
  return { path: abs, version: versionLine(probe.stdout), fromCache: false };
}

export interface ObtainOptions {
  /**
   * A directory this run made, private to it (the run directory): with a pin,
   * the verified copy of runsc goes here. Required when `sha512` is set.
   */
  privateDir?: string;
  onProgress?: Progress;
}

export async function obtainRunsc(
  inputs: Pick<ActionInputs, 'runscPath' | 'version' | 'downloadUrl' | 'sha512'>,
  arch: string,
  { privateDir, onProgress }: ObtainOptions = {},
): Promise<InstalledRunsc> {
  if (inputs.runscPath) return useRunscAt(inputs.runscPath);
  const { version, downloadUrl, sha512 } = inputs;
  if (sha512 && !privateDir) throw new Error('obtainRunsc: runsc-sha512 is set but no private directory was given for the verified copy');
  let found: InstalledRunsc | undefined;
  if (version.cacheKey) found = findCached(toolName(downloadUrl), version.cacheKey, arch, sha512, log.info);
  if (!found) {
    const { installRunsc } = await import('./installer.js');
    found = await installRunsc({ version, arch, downloadUrl, sha512, onProgress });
  }
  if (!sha512 || !privateDir) return found;
  // Every pinned path (a hit, `latest` reusing an entry, an entry another job just cached, a fresh
  // install) ends here: what runs is unpacked from bytes this step hashed, never a cache path.
  const entry = found.entry;
  if (!entry?.kept) throw new Error(`internal: runsc from ${found.path} has no kept artifact to check against runsc-sha512`);
  const { copyVerified } = await import('./pinned.js');
  const runsc = copyVerified(entry.dir, entry.kept, sha512, privateDir);
  log.info(`Verified ${entry.kept} kept in ${entry.dir} against runsc-sha512; running a private copy`);
  return { ...found, path: runsc };
}
