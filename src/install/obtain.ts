/**
 * The runsc the inputs ask for: the one at `runsc-path`, a pinned release
 * already in the tool cache, or a release downloaded now. Only the last loads
 * the installer (and with it @actions/tool-cache and an HTTP client): a warm
 * step never pays for them.
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

export async function obtainRunsc(
  inputs: Pick<ActionInputs, 'runscPath' | 'version' | 'downloadUrl' | 'sha512'>,
  arch: string,
  onProgress?: Progress,
): Promise<InstalledRunsc> {
  if (inputs.runscPath) return useRunscAt(inputs.runscPath);
  const { version, downloadUrl, sha512 } = inputs;
  if (version.cacheKey) {
    const hit = findCached(toolName(downloadUrl), version.cacheKey, arch, sha512, log.info);
    if (hit) return hit;
  }
  const { installRunsc } = await import('./installer.js');
  return installRunsc({ version, arch, downloadUrl, sha512, onProgress });
}
