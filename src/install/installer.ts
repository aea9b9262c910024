/**
 * runsc from the release bucket into the tool cache, verified.
 *
 * Order of work, and why:
 *  1. a pinned version already cached is used without touching the network
 *     (obtain.ts looks, before this module is even loaded);
 *  2. otherwise the artifact's `.sha512` is fetched (small), which picks the
 *     layout (zstd tarball, bz2 tarball, loose binary) and, for `latest`,
 *     finds a cached copy of the very same artifact; for a pinned release
 *     without `runsc-sha512`, not through a proxy, the artifact of the layout
 *     expected first is requested at the same time (and dropped if its
 *     `.sha512` is missing);
 *  3. the artifact is hashed while it streams to disk, compared, and only then
 *     extracted and cached, itself kept in the entry (a pinned hit hashes it
 *     again: pinned.ts): a mismatch leaves nothing behind;
 *  4. the binary is proved to run here (`runsc --version`) before its entry is
 *     marked complete. For a pinned release without `runsc-sha512` the proof
 *     runs while the caller starts the sandbox (its version is known from the
 *     release, and the bytes are the bucket's, verified): the entry is placed,
 *     the lock held, and the marker written only once the binary has answered.
 *     `latest` needs the answer for its cache key, and with `runsc-sha512`
 *     nothing runs before it is proved, so those wait for it.
 *
 * The entry is laid out as @actions/tool-cache lays out its own
 * (`<tool>/<key>/<arch>` and `<arch>.complete`; cache.ts reads it, and a unit
 * test holds both to `tc.find`), but the unpacked tree is renamed into place
 * rather than copied (tool-cache has no move: its copy was about 20 ms of a
 * cold install). tool-cache itself is loaded only to list the entries, for
 * `latest`.
 */
import { spawn } from 'node:child_process';
import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.js';
import { RUN_DIR_PREFIX } from '../run/run-dir.js';
import {
  cachedRunsc,
  findCached,
  findEntry,
  type InstalledRunsc,
  METADATA_FILE,
  type Metadata,
  type ObtainedRunsc,
  proved,
  readMetadata,
  type Shelf,
} from './cache.js';
import { parseSha512File } from './checksum.js';
import { DEFAULT_RETRY, downloadHashed, fetchText, HttpError, type Progress, type RetryOptions, viaProxy } from './download.js';
import { withLock } from './lock.js';
import { findFile } from './unpack.js';
import { cacheKeyFromVersionOutput, type VersionRequest, versionLine } from './version.js';

/** A release to install. */
export interface InstallRequest {
  version: VersionRequest;
  downloadUrl: string;
  /** The digest the user pinned with `runsc-sha512`, lower-case hex. */
  sha512: string | undefined;
}

export interface InstallContext {
  /** The cache entries for this bucket and architecture. */
  shelf: Shelf;
  /** Where the download is staged (a directory made in it is removed after). */
  tempDir: string;
  log: Logger;
  retry?: RetryOptions;
  /** Download progress (the CLI shows it on a terminal). */
  onProgress?: Progress;
}

export type Layout = { artifact: string; tarFlag: string | undefined };

/** The last release known to ship only the loose binary; tarballs came with the next one. */
const LAST_LOOSE_RELEASE = 20260817;

/**
 * The layouts to try, in order: tarballs first (zstd only where the machine
 * can unpack it), except for a pinned release old enough to have only the
 * loose binary, where asking for tarballs first would cost two round trips.
 * Every layout stays in the list: the order is a guess, not a rule.
 */
export function layoutOrder(version: VersionRequest, zstd: boolean): Layout[] {
  const tarballs: Layout[] = [
    ...(zstd ? [{ artifact: 'gvisor.tar.zstd', tarFlag: '--zstd' }] : []),
    { artifact: 'gvisor.tar.bz2', tarFlag: '--bzip2' },
  ];
  const loose: Layout = { artifact: 'runsc', tarFlag: undefined };
  const date = version.cacheKey ? Number(version.cacheKey.split('.')[0]) : Number.POSITIVE_INFINITY;
  return date <= LAST_LOOSE_RELEASE ? [loose, ...tarballs] : [...tarballs, loose];
}

/**
 * Downloads, verifies and caches the release asked for (obtain.ts has already
 * looked for a pinned version in the cache). What it returns may still be
 * proving itself: see ObtainedRunsc.
 */
export async function installRunsc(req: InstallRequest, ctx: InstallContext): Promise<ObtainedRunsc> {
  const { shelf } = ctx;
  const retry = ctx.retry ?? DEFAULT_RETRY;
  const base = `${req.downloadUrl}/${req.version.bucket}/${shelf.arch}`;
  const tried: string[] = [];
  let work: string | undefined;
  // Where the download is staged, made on first need (a `latest` found in the cache needs none).
  const staged = async (name: string) => {
    work ??= await fs.mkdtemp(path.join(ctx.tempDir, `${RUN_DIR_PREFIX}install-`));
    return path.join(work, name);
  };
  try {
    for (const [index, layout] of layoutOrder(req.version, await onPath('zstd')).entries()) {
      const url = `${base}/${layout.artifact}`;
      // A pinned release in the layout expected first is downloaded beside its checksum: one round
      // trip to the bucket fewer. Not `latest` (its checksum may name an artifact already cached),
      // nor with runsc-sha512 (nothing is downloaded before the published digest matches the pin),
      // nor through a proxy (the proxy client's request cannot be stopped before its headers come:
      // dropping it could hold the install, and the process, for its 60 s timeout).
      const early =
        index === 0 && req.version.cacheKey && !req.sha512 && !viaProxy()
          ? startDownload(url, await staged(layout.artifact), ctx)
          : undefined;
      let published: string;
      try {
        published = parseSha512File(await fetchText(`${url}.sha512`, retry, ctx.log), layout.artifact, `${url}.sha512`);
      } catch (error) {
        const missing = error instanceof HttpError && error.status === 404;
        await early?.stop(missing ? 'its .sha512 is not published' : 'its .sha512 could not be read');
        if (missing) {
          tried.push(`${url}.sha512 (404)`);
          continue;
        }
        throw error;
      }
      if (req.sha512 && req.sha512 !== published) {
        await early?.stop('its published sha512 is not runsc-sha512');
        // The pin may name another layout's artifact (the bz2 tarball on a runner with zstd, say).
        tried.push(`${url} (published sha512 ${published.slice(0, 16)}… is not runsc-sha512)`);
        continue;
      }
      if (!req.version.cacheKey) {
        const hit = await cachedArtifact(shelf, published, req.sha512 !== undefined, ctx.log);
        if (hit) return proved(hit);
      }
      const file = await staged(layout.artifact);
      const digest = await (early ?? startDownload(url, file, ctx)).digest;
      if (digest !== published) {
        throw new Error(`checksum mismatch for ${url}: expected ${published} (from ${url}.sha512), got ${digest}; nothing was cached`);
      }
      return await unpackAndCache(req, ctx, layout, url, file, digest);
    }
  } finally {
    if (work) await fs.rm(work, { recursive: true, force: true });
  }
  if (req.sha512 && tried.some((t) => t.includes('is not runsc-sha512'))) {
    throw new Error(
      `runsc-sha512 matches no artifact of release ${req.version.bucket} for ${shelf.arch} at ${req.downloadUrl}: tried ${tried.join(', ')}; nothing was downloaded`,
    );
  }
  throw new Error(
    `no runsc release ${req.version.bucket} for ${shelf.arch} at ${req.downloadUrl}: tried ${tried.join(', ')}. ` +
      'Check runsc-version (the bucket sometimes lags behind GitHub releases) and download-url.',
  );
}

/** A download under way: its digest once whole, or stopped (and its file gone) when not wanted after all. */
interface Download {
  digest: Promise<string>;
  /** Stops it, saying why in the log (its start was said there). */
  stop(why: string): Promise<void>;
}

function startDownload(url: string, file: string, ctx: InstallContext): Download {
  const abort = new AbortController();
  ctx.log.info(`Downloading ${url}`);
  const digest = downloadHashed(url, file, {
    retry: ctx.retry ?? DEFAULT_RETRY,
    log: ctx.log,
    onProgress: ctx.onProgress,
    signal: abort.signal,
  });
  // Its failure is reported where the digest is awaited; until then (the checksum file still on
  // its way) it must not count as unhandled.
  digest.catch(() => {});
  return {
    digest,
    stop: async (why) => {
      abort.abort();
      await digest.catch(() => {});
      await fs.rm(file, { force: true });
      ctx.log.info(`Dropped the download of ${url}: ${why}`);
    },
  };
}

/**
 * For `latest`: a cached entry recorded as made from the artifact with this
 * digest. With a pin it must also keep the artifact, which obtain.ts then
 * hashes (the record itself proves nothing).
 */
async function cachedArtifact(shelf: Shelf, sha512: string, pinned: boolean, log: Logger): Promise<InstalledRunsc | undefined> {
  const { cachedVersions } = await import('./tool-cache.js');
  for (const key of await cachedVersions(shelf)) {
    const dir = findEntry(shelf, key);
    const meta = dir ? readMetadata(dir) : undefined;
    if (dir && meta?.sha512 === sha512 && (!pinned || meta.kept)) {
      log.info(`Using cached ${meta.version} from ${dir} (same artifact as latest)`);
      return cachedRunsc(dir, meta);
    }
  }
  return undefined;
}

/**
 * The verified artifact, unpacked beside it, moved into the tool cache, and
 * proved to run before its entry is marked complete (for a pinned release
 * without a pin of its bytes, while the caller goes on: see the top of this file).
 */
async function unpackAndCache(
  req: InstallRequest,
  ctx: InstallContext,
  layout: Layout,
  url: string,
  file: string,
  digest: string,
): Promise<ObtainedRunsc> {
  const { shelf, log } = ctx;
  const stage = path.join(path.dirname(file), 'stage');
  await fs.mkdir(stage);
  const runsc = await unpack(layout, file, stage);
  await fs.chmod(runsc, 0o755);

  const root = path.dirname(runsc);
  const record = (dir: string, version: string) => {
    const meta: Metadata = { artifact: url, sha512: digest, version, kept: layout.artifact };
    return fs.writeFile(path.join(dir, METADATA_FILE), `${JSON.stringify(meta, null, 2)}\n`);
  };
  const cached = (dir: string, version: string): InstalledRunsc => {
    log.info(`Cached ${version} (sha512 ${digest.slice(0, 16)}…) in ${dir}`);
    return { path: path.join(dir, 'runsc'), version, entry: { dir, kept: layout.artifact } };
  };
  // An entry another job cached while this one downloaded, found once the lock is held; what is not
  // taken is replaced by this download.
  // - A pinned release: any complete entry of ours, as obtain.ts takes it for the next step, even one
  //   made from another layout of the release: replacing it could pull the binary from under that
  //   job's sandbox.
  // - `latest`: only one made from this very artifact. The next `latest` step looks its entry up by
  //   the artifact's digest (cachedArtifact): one of another layout would never be found, and every
  //   step would download the release again.
  // - With `runsc-sha512`: only one recorded as made from the pinned bytes (obtain.ts hashes what it keeps).
  const cachedMeanwhile = (key: string): InstalledRunsc | undefined => {
    if (req.sha512 || req.version.cacheKey) return findCached(shelf, key, req.sha512, log.info, 'replacing it with the one downloaded');
    const dir = findEntry(shelf, key);
    const meta = dir ? readMetadata(dir) : undefined;
    if (!dir || !meta) return undefined;
    if (meta.sha512 === digest) {
      log.info(`Using cached ${meta.version} from ${dir} (same artifact as latest)`);
      return cachedRunsc(dir, meta);
    }
    log.info(`Cached runsc ${key} in ${dir} came from another artifact than ${url}; replacing it with the one downloaded`);
    return undefined;
  };
  const toolDir = path.join(shelf.root, shelf.tool);
  const lockFile = (key: string) => path.join(toolDir, `${key}-${shelf.arch}.lock`);
  const key = req.version.cacheKey;

  if (!key || req.sha512) {
    // Proved before it is placed: `latest` is cached under the version it names.
    const probing = prove(runsc, url, key);
    // The verified artifact stays in the entry (for the loose layout it is runsc itself): a pinned
    // cache hit hashes it again rather than trusting anything else in the cache (pinned.ts).
    if (layout.tarFlag) await fs.rename(file, path.join(root, layout.artifact));
    const proof = await probing;
    await record(root, proof.version);
    await fs.mkdir(toolDir, { recursive: true });
    return proved(
      await withLock(lockFile(proof.key), async () => {
        // Another job may have cached this release while we downloaded it (see cachedMeanwhile).
        const done = cachedMeanwhile(proof.key);
        if (done) return done;
        const dir = await placeEntry(root, path.join(toolDir, proof.key), shelf.arch);
        return cached(dir, proof.version);
      }),
    );
  }

  // Placed now and proved where it is (the very file the sandbox starts from), marked complete once
  // it has answered. The lock is held until then, so no other job uses the entry unproved or
  // replaces it; and, when the proof fails, until the caller's sandbox is gone (release()), since
  // stopping that sandbox runs this binary: only then is the entry removed.
  if (layout.tarFlag) await fs.rename(file, path.join(root, layout.artifact));
  await fs.mkdir(toolDir, { recursive: true });
  let callerDone: () => void = () => {};
  const released = new Promise<void>((resolve) => {
    callerDone = resolve;
  });
  return await new Promise<ObtainedRunsc>((hand, fail) => {
    const held = withLock(lockFile(key), async () => {
      const done = cachedMeanwhile(key);
      if (done) {
        hand(proved(done));
        return;
      }
      const dir = await placeEntry(root, path.join(toolDir, key), shelf.arch, { complete: false });
      const proven = (async () => {
        const { version } = await prove(path.join(dir, 'runsc'), url, key);
        await record(dir, version);
        await fs.writeFile(`${dir}.complete`, '', { flag: 'wx' });
        return cached(dir, version);
      })();
      // Its failure is the caller's to report, where it waits for the proof.
      proven.catch(() => {});
      const release = async () => {
        callerDone();
        await held.catch(() => {});
      };
      hand({ path: path.join(dir, 'runsc'), proven, release });
      const ok = await proven.then(
        () => true,
        () => false,
      );
      if (ok) return;
      await released;
      // Nothing half-done stays: the entry, and its version's directory when it held nothing else.
      try {
        await fs.rm(dir, { recursive: true, force: true });
      } catch (error) {
        // Harmless (no marker: nothing uses it, and the next install replaces it), but said.
        log.info(`Could not remove ${dir}, whose runsc did not prove itself: ${(error as Error).message}`);
      }
      await fs.rmdir(path.dirname(dir)).catch(() => {});
    });
    held.catch(fail);
  });
}

/**
 * `runsc --version` of a binary just unpacked, started at once (the process
 * is spawned before this returns): its first line, and the cache key (the
 * release's, or for `latest` the one the binary names). Rejects when it does
 * not run here, naming where it came from.
 */
async function prove(runsc: string, url: string, cacheKey: string | undefined): Promise<{ version: string; key: string }> {
  const probe = await run(runsc, ['--version']);
  const version = versionLine(probe.stdout);
  const key = cacheKey ?? cacheKeyFromVersionOutput(probe.stdout);
  if (probe.exitCode !== 0 || !key) {
    throw new Error(`the runsc downloaded from ${url} does not run on this machine: ${(probe.stderr || version).trim()}`);
  }
  return { version, key };
}

/**
 * Moves the unpacked tree in as `<keyDir>/<arch>` and marks it complete
 * (unless told not to: the caller marks it once proved), as tool-cache's
 * cacheDir would, but by rename: the run's temp directory and the tool cache
 * are one filesystem on hosted runners. Where they are not, the tree is
 * copied beside the entry first. Whatever was there (an entry without its
 * marker, left by a crash; one of another artifact, being replaced) is
 * renamed aside, not removed, until the new tree is in: another job's
 * sandbox started from it finds a runsc at this path (to stop it) for all but
 * the instant between two renames. The caller holds the entry's lock.
 *
 * The tool cache is writable by the runner's user while this may run as
 * root. What this can do about it: every name used is directly in `keyDir`
 * (not in a directory made there, which could be swapped for a link) and
 * random; `keyDir` and the tool's directory above it are refused when they
 * are links planted in advance (not when swapped for one while this runs:
 * Node has no directory-relative calls); and the marker is made with O_EXCL
 * (a link planted at its name fails the install rather than being followed).
 * A failure leaves what was there as it was (but for the marker of an entry
 * being replaced, and a restore that itself fails), and no entry the new
 * tree half-made.
 */
export async function placeEntry(tree: string, keyDir: string, arch: string, { complete = true } = {}): Promise<string> {
  const dir = path.join(keyDir, arch);
  const marker = `${dir}.complete`;
  await fs.mkdir(keyDir, { recursive: true });
  for (const d of [path.dirname(keyDir), keyDir]) {
    if (!(await fs.lstat(d)).isDirectory())
      throw new Error(`the tool cache's ${d} is not a directory (a link?): refusing to place runsc through it`);
  }
  // What a crash between the renames below left (nothing else uses these names: see tool-cache's layout).
  for (const name of await fs.readdir(keyDir)) {
    if (name.startsWith(`${arch}${ASIDE}`)) await fs.rm(path.join(keyDir, name), { recursive: true, force: true }).catch(() => {});
  }
  const { randomBytes } = await import('node:crypto');
  const unique = randomBytes(8).toString('hex');
  const incoming = `${dir}${ASIDE}${unique}-new`;
  const old = `${dir}${ASIDE}${unique}-old`;
  try {
    await fs.rename(tree, incoming);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    try {
      await fs.cp(tree, incoming, { recursive: true, errorOnExist: true, force: false, verbatimSymlinks: true });
    } catch (copyError) {
      await fs.rm(incoming, { recursive: true, force: true }).catch(() => {});
      throw copyError;
    }
  }
  let movedOld = false;
  let placed = false;
  try {
    try {
      await fs.rename(dir, old);
      movedOld = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // After the old tree is out (until then, it stays complete), before the new one is in.
    await fs.rm(marker, { force: true });
    await fs.rename(incoming, dir);
    placed = true;
    if (complete) await fs.writeFile(marker, '', { flag: 'wx' });
  } catch (error) {
    // The new tree goes; the old one, if it was moved, comes back (without its marker: the next
    // install replaces it).
    await fs.rm(placed ? dir : incoming, { recursive: true, force: true }).catch(() => {});
    if (movedOld) await fs.rename(old, dir).catch(() => {});
    throw error;
  }
  // Best effort: what stays is removed by the next placement of this entry.
  if (movedOld) await fs.rm(old, { recursive: true, force: true }).catch(() => {});
  return dir;
}

/** Beside `<arch>` while an entry is replaced: `<arch>.replaced-<random>-new` and `-old`. */
const ASIDE = '.replaced-';

/** Whether `name` is an executable file in one of PATH's directories. */
async function onPath(name: string): Promise<boolean> {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    try {
      await fs.access(path.join(dir, name), fsConstants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

/** Extracts only what runs (runsc and its gvisor-bin/ sidecars) and returns the path of runsc. */
async function unpack(layout: Layout, file: string, stage: string): Promise<string> {
  if (!layout.tarFlag) {
    const dest = path.join(stage, 'runsc');
    await fs.rename(file, dest);
    return dest;
  }
  // As root, tar would keep the archive's owners and modes: the entry is renamed into the cache as
  // extracted, so it must belong to whoever installs it, with modes under their umask.
  const tar = await run('tar', [
    '-x',
    layout.tarFlag,
    '--no-same-owner',
    '--no-same-permissions',
    '-f',
    file,
    '-C',
    stage,
    '--no-anchored',
    'runsc',
    'gvisor-bin',
  ]);
  if (tar.exitCode !== 0) throw new Error(`could not extract ${path.basename(file)}: ${tar.stderr.trim()}`);
  const found = findFile(stage, 'runsc', 3);
  if (!found) throw new Error(`${path.basename(file)} holds no runsc binary`);
  return found;
}

/** How long tar or the `runsc --version` probe may take: neither should take a second. */
const RUN_TIMEOUT_MS = 120_000;

/**
 * A command run to completion with its output read: quiet, its status
 * returned rather than thrown (-1 when it could not be started or timed out).
 */
function run(command: string, args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: RUN_TIMEOUT_MS, killSignal: 'SIGKILL' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.once('error', (error) => resolve({ exitCode: -1, stdout: '', stderr: error.message }));
    child.once('close', (code, signal) => {
      const stderr = Buffer.concat(err).toString();
      resolve({
        exitCode: code ?? -1,
        stdout: Buffer.concat(out).toString(),
        stderr: !signal
          ? stderr
          : Date.now() - started >= RUN_TIMEOUT_MS
            ? `${stderr}killed after ${RUN_TIMEOUT_MS / 1000} s`
            : `${stderr}killed by ${signal}`,
      });
    });
  });
}
