/**
 * The runsc asked for: one the user points at, a pinned release already in
 * the tool cache, or a release downloaded now. Only the last loads the
 * installer (and with it @actions/tool-cache and an HTTP client): a warm step
 * never pays for them.
 *
 * With a pinned sha512, whatever the cache or the installer yields is not run
 * from the cache: a private copy, unpacked from the entry's kept artifact once
 * its bytes hashed to the pin, runs instead (pinned.ts). A runsc the user
 * points at is the user's own binary and is run as given.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.js';
import { findCached, type InstalledRunsc, type ObtainedRunsc, proved, provenNow, type Shelf, toolName } from './cache.js';
import type { Progress } from './download.js';
import { type VersionRequest, versionLine } from './version.js';

export { type InstalledRunsc, type ObtainedRunsc, provenNow } from './cache.js';

/** Which runsc: a binary of the user's, or a release from a bucket. */
export type RunscWanted =
  | {
      /** A runsc binary to run as given; `label` names where the path came from in errors (an input, a flag). */
      at: { path: string; label: string };
    }
  | {
      at?: undefined;
      version: VersionRequest;
      /** The digest the user pinned, lower-case hex: only bytes that hash to it run. */
      sha512: string | undefined;
      /** The release bucket's base URL. */
      downloadUrl: string;
    };

export interface ObtainContext {
  /** The bucket's name for this machine's architecture (version.ts `bucketArch`). */
  arch: string;
  /** The tool cache's root. */
  toolCache: string;
  /** Where downloads are staged (removed after). */
  tempDir: string;
  log: Logger;
  /**
   * A directory this run made, private to it (the run directory): with a pin,
   * the verified copy of runsc goes here. Required when `sha512` is set.
   */
  privateDir?: string;
  onProgress?: Progress;
}

/**
 * A runsc the user points at: must be a file; its version is asked once.
 * Not through @actions/exec: this is a warm path, and exec has no timeout for
 * a binary that hangs (README, Development).
 */
export function useRunscAt(at: { path: string; label: string }): InstalledRunsc {
  const abs = path.resolve(at.path);
  if (!statSync(abs, { throwIfNoEntry: false })?.isFile()) throw new Error(`${at.label}: ${abs} is not a file`);
  const probe = spawnSync(abs, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.status !== 0) {
    throw new Error(`${at.label}: ${abs} --version failed: ${(probe.stderr || probe.error?.message || '').trim()}`);
  }
  const version = versionLine(probe.stdout);
  // Anything that exits 0 (/usr/bin/true) would otherwise "run" every cell and pass.
  if (!RUNSC_VERSION.test(version)) {
    throw new Error(
      `${at.label}: ${abs} is not runsc: its --version printed ${version ? `"${version.slice(0, 120)}"` : 'nothing'}, where runsc prints "runsc version release-…"`,
    );
  }
  return { path: abs, version };
}

/** The first line of `runsc --version`: `runsc version release-20260824.0` (a distribution's build: `runsc version 0.0~20221219.0-1`). */
const RUNSC_VERSION = /^runsc version \S/;

/**
 * The runsc to run, possibly still proving itself (a release just downloaded:
 * ObtainedRunsc): start it from `path`, wait for `proven` before relying on
 * its version or reporting the run, and call `release()` once nothing started
 * from it runs any more.
 */
export async function obtainRunsc(wanted: RunscWanted, ctx: ObtainContext): Promise<ObtainedRunsc> {
  // The user's own binary is asked what it is before anything runs it (as root, through sudo).
  if (wanted.at) return proved(useRunscAt(wanted.at));
  const { version, downloadUrl, sha512 } = wanted;
  const { privateDir, log } = ctx;
  if (sha512 && !privateDir) throw new Error('obtainRunsc: runsc-sha512 is set but no private directory was given for the verified copy');
  const shelf: Shelf = { root: ctx.toolCache, tool: toolName(downloadUrl), arch: ctx.arch };
  const hit = version.cacheKey ? findCached(shelf, version.cacheKey, sha512, log.info) : undefined;
  let obtained: ObtainedRunsc;
  if (hit) obtained = proved(hit);
  else {
    const { installRunsc } = await import('./installer.js');
    obtained = await installRunsc({ version, downloadUrl, sha512 }, { shelf, tempDir: ctx.tempDir, log, onProgress: ctx.onProgress });
  }
  if (!sha512 || !privateDir) return obtained;
  // Every pinned path (a hit, `latest` reusing an entry, an entry another job just cached, a fresh
  // install) ends here: what runs is unpacked from bytes this step hashed, never a cache path. (The
  // installer proves a pinned download before it returns.)
  const found = await provenNow(obtained);
  const entry = found.entry;
  if (!entry?.kept) throw new Error(`internal: runsc from ${found.path} has no kept artifact to check against runsc-sha512`);
  const { copyVerified } = await import('./pinned.js');
  const runsc = copyVerified(entry.dir, entry.kept, sha512, privateDir);
  log.info(`Verified ${entry.kept} kept in ${entry.dir} against runsc-sha512; running a private copy`);
  return proved({ ...found, path: runsc });
}
