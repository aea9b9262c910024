/**
 * installRunsc against the local bucket: the loose binary and a bz2 tarball
 * land in the tool cache, verified and complete; a checksum mismatch leaves
 * nothing behind; a missing release names every URL tried; `latest` reuses
 * an entry made from the very same artifact.
 *
 * Each test gives the installer a tool cache and a temp directory of its
 * own; the environment is checked to be left alone (RUNNER_TOOL_CACHE and
 * RUNNER_TEMP point elsewhere and are never read).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { METADATA_FILE, provenNow } from '../../src/install/cache.js';
import { type InstallContext, type InstallRequest, installRunsc, placeEntry } from '../../src/install/installer.js';
import { parseVersionInput } from '../../src/install/version.js';
import { lineLogger, silent } from '../../src/log.js';
import { runSandbox } from '../../src/run/sandbox.js';
import { ARCH, type BucketServer, serveBucket } from '../support/bucket.js';
import { waitFor } from '../support/procs.js';
import { FAKE_VERSION, fakeBucket } from './bucket.js';
import { alive, makeFake, pidFrom } from './fake-runsc.js';

let root: string;
let bucket: string;
let server: BucketServer;
let toolCache: string;
let temp: string;
/** The installer asks for the zstd tarball first where zstd is installed. */
const zstd = spawnSync('zstd', ['--version']).status === 0;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'gvc-install-'));
  bucket = fakeBucket(root);
  server = await serveBucket(bucket);
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
  const run = mkdtempSync(path.join(root, 'run-'));
  toolCache = path.join(run, 'tool-cache');
  temp = path.join(run, 'temp');
  mkdirSync(toolCache);
  mkdirSync(temp);
  // Places the installer must not use: it is given its own.
  vi.stubEnv('RUNNER_TOOL_CACHE', path.join(root, 'not-this-cache'));
  vi.stubEnv('RUNNER_TEMP', path.join(root, 'not-this-temp'));
  server.requests.length = 0;
  server.faults.clear();
  server.holds.clear();
});
afterEach(() => {
  vi.unstubAllEnvs();
  expect(existsSync(path.join(root, 'not-this-cache'))).toBe(false);
  expect(existsSync(path.join(root, 'not-this-temp'))).toBe(false);
});

function request(version: string, more: Partial<InstallRequest> = {}): InstallRequest {
  const parsed = parseVersionInput(version);
  if (!parsed) throw new Error(`bad version ${version}`);
  return { version: parsed, downloadUrl: server.url, sha512: undefined, ...more };
}

/** Where this test's installs go: its own tool cache and temp directory, quick retries. */
function context(): InstallContext {
  return { shelf: { root: toolCache, tool: 'runsc', arch: ARCH }, tempDir: temp, log: silent, retry: { attempts: 2, baseDelayMs: 1 } };
}

const sha512 = (file: string) => createHash('sha512').update(readFileSync(file)).digest('hex');

/** Every path under the tool cache, relative to it. */
function cached(): string[] {
  return readdirSync(toolCache, { recursive: true, encoding: 'utf8' }).sort();
}

/** installRunsc, waiting for its proof (and releasing the entry) as a caller that starts nothing first does. */
const install = (req: InstallRequest, ctx: InstallContext) => installRunsc(req, ctx).then(provenNow);

const unexpected = (): never => {
  throw new Error('expected a failure');
};

describe('installing', () => {
  test('the loose binary of an old release: verified, cached complete, keeping the artifact', async () => {
    // tool-cache's own `::debug::` lines never reach stdout (the CLI's results go there).
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
    const installed = await install(request('release-20240729.0'), context()).finally(() => spy.mockRestore());
    expect(written.filter((w) => w.includes('::debug::'))).toEqual([]);
    // Both at once (below): in either order.
    expect(server.requests.sort()).toEqual([`/20240729.0/${ARCH}/runsc`, `/20240729.0/${ARCH}/runsc.sha512`]);
    expect(installed).toMatchObject({ version: FAKE_VERSION, entry: { kept: 'runsc' } });
    const dir = installed.entry?.dir as string;
    expect(dir.startsWith(toolCache)).toBe(true);
    expect(path.basename(path.dirname(dir))).toBe('20240729.0.0');
    expect(existsSync(`${dir}.complete`)).toBe(true);
    expect(spawnSync(installed.path, ['--version'], { encoding: 'utf8' }).stdout).toContain(FAKE_VERSION);
    const meta = JSON.parse(readFileSync(path.join(dir, METADATA_FILE), 'utf8'));
    expect(meta).toEqual({
      artifact: `${server.url}/20240729.0/${ARCH}/runsc`,
      sha512: sha512(path.join(bucket, '20240729.0', ARCH, 'runsc')),
      version: FAKE_VERSION,
      kept: 'runsc',
    });
    expect(readdirSync(temp)).toEqual([]);
  });

  test('a bz2 tarball: runsc and gvisor-bin/ extracted, nothing else, the tarball kept', async () => {
    // Without the zstd layout (404), the bz2 tarball is next: the zstd tarball, asked for beside its
    // checksum, is dropped, and only the layout after it is fetched one file after the other.
    server.faults.set(`/20260901.0/${ARCH}/gvisor.tar.zstd.sha512`, ['status-404']);
    const said: string[] = [];
    const installed = await install(request('20260901.0'), { ...context(), log: lineLogger({ write: (l: string) => said.push(l) }) });
    expect(server.requests.slice(-2)).toEqual([`/20260901.0/${ARCH}/gvisor.tar.bz2.sha512`, `/20260901.0/${ARCH}/gvisor.tar.bz2`]);
    const zstdUrl = `${server.url}/20260901.0/${ARCH}/gvisor.tar.zstd`;
    if (zstd) expect(said.join('')).toContain(`Downloading ${zstdUrl}\nDropped the download of ${zstdUrl}: its .sha512 is not published\n`);
    if (zstd)
      expect(server.requests.slice(0, -2).sort()).toEqual([
        `/20260901.0/${ARCH}/gvisor.tar.zstd`,
        `/20260901.0/${ARCH}/gvisor.tar.zstd.sha512`,
      ]);
    expect(readdirSync(temp)).toEqual([]);
    expect(installed).toMatchObject({ version: FAKE_VERSION, entry: { kept: 'gvisor.tar.bz2' } });
    const dir = installed.entry?.dir as string;
    expect(readdirSync(dir).sort()).toEqual(['gvisor-bin', METADATA_FILE, 'gvisor.tar.bz2', 'runsc']);
    expect(readdirSync(path.join(dir, 'gvisor-bin'))).toEqual(['gvisor_sentry']);
    expect(sha512(path.join(dir, 'gvisor.tar.bz2'))).toBe(sha512(path.join(bucket, '20260901.0', ARCH, 'gvisor.tar.bz2')));
    expect(existsSync(`${dir}.complete`)).toBe(true);
  });

  test('a pinned release asks for its artifact while its checksum is on the way', async () => {
    // The checksum is answered only once the artifact has been asked for: one after the other, the
    // server gives up on it (503) and the install fails.
    server.holds.set(`/20240729.0/${ARCH}/runsc.sha512`, `/20240729.0/${ARCH}/runsc`);
    const installed = await install(request('20240729.0'), context());
    expect(installed).toMatchObject({ version: FAKE_VERSION, entry: { kept: 'runsc' } });
    expect(readdirSync(temp)).toEqual([]);
  });

  test('through a proxy (whose client cannot be stopped before its headers), one file after the other', async () => {
    // A proxy variable sends requests through @actions/http-client; NO_PROXY lets them reach the bucket.
    vi.stubEnv('HTTP_PROXY', 'http://127.0.0.1:1');
    vi.stubEnv('NO_PROXY', '127.0.0.1');
    const installed = await install(request('20240729.0'), context());
    expect(installed).toMatchObject({ version: FAKE_VERSION, entry: { kept: 'runsc' } });
    expect(server.requests).toEqual([`/20240729.0/${ARCH}/runsc.sha512`, `/20240729.0/${ARCH}/runsc`]);
    server.requests.length = 0;
    server.holds.set(`/20240729.0/${ARCH}/runsc.sha512`, `/20240729.0/${ARCH}/runsc`);
    await expect(install(request('20240729.0'), { ...context(), retry: { attempts: 1, baseDelayMs: 1 } })).rejects.toThrow('HTTP 503 Held');
  });

  test('with runsc-sha512, nothing is asked for before the published checksum matches it', async () => {
    const pin = sha512(path.join(bucket, '20240729.0', ARCH, 'runsc'));
    server.holds.set(`/20240729.0/${ARCH}/runsc.sha512`, `/20240729.0/${ARCH}/runsc`);
    const once = { ...context(), retry: { attempts: 1, baseDelayMs: 1 } };
    await expect(install(request('20240729.0', { sha512: pin }), once)).rejects.toThrow('HTTP 503 Held');
    expect(server.requests).toEqual([`/20240729.0/${ARCH}/runsc.sha512`]);
    server.holds.clear();
    server.requests.length = 0;
    await install(request('20240729.0', { sha512: pin }), context());
    expect(server.requests).toEqual([`/20240729.0/${ARCH}/runsc.sha512`, `/20240729.0/${ARCH}/runsc`]);
    expect(readdirSync(temp)).toEqual([]);
  });

  test('`latest` reuses an entry made from the very same artifact: only the checksum is fetched', async () => {
    const pinned = await install(request('20260901.0'), context());
    server.requests.length = 0;
    const latest = await install(request('latest'), context());
    const layout = zstd ? 'gvisor.tar.zstd' : 'gvisor.tar.bz2';
    expect(server.requests).toEqual([`/latest/${ARCH}/${layout}.sha512`]);
    expect(latest).toMatchObject({ path: pinned.path, version: FAKE_VERSION });
  });
});

/** Adds a release of the loose layout to the bucket, its runsc the script given. */
function addRelease(version: string, script: string): string {
  const dir = path.join(bucket, version, ARCH);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'runsc');
  writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  writeFileSync(`${file}.sha512`, `${sha512(file)}  runsc\n`);
  return file;
}

describe('the proof that the binary runs here', () => {
  /** A release whose runsc takes a second to answer --version. */
  const slow = () => addRelease('20240101.0', `sleep 1\necho '${FAKE_VERSION}'`);
  const entryDir = (version: string) => path.join(toolCache, 'runsc', `${version}.0`, ARCH);
  const lockFile = (version: string) => path.join(toolCache, 'runsc', `${version}.0-${ARCH}.lock`);

  test('a pinned release is placed and handed over while it answers; marked complete, and its lock freed, once it has', async () => {
    slow();
    const said: string[] = [];
    const obtained = await installRunsc(request('20240101.0'), { ...context(), log: lineLogger({ write: (l: string) => said.push(l) }) });
    const dir = entryDir('20240101.0');
    // Handed over before the probe's second is up: in place, not yet complete, its lock held.
    expect(obtained.path).toBe(path.join(dir, 'runsc'));
    expect(existsSync(obtained.path)).toBe(true);
    expect(existsSync(`${dir}.complete`)).toBe(false);
    expect(existsSync(lockFile('20240101.0'))).toBe(true);
    expect(said.join('')).not.toContain('Cached');
    const installed = await obtained.proven;
    expect(installed).toEqual({ path: obtained.path, version: FAKE_VERSION, entry: { dir, kept: 'runsc' } });
    expect(existsSync(`${dir}.complete`)).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, METADATA_FILE), 'utf8'))).toMatchObject({ version: FAKE_VERSION, kept: 'runsc' });
    expect(said.join('')).toContain(`Cached ${FAKE_VERSION} (sha512 `);
    // The lock goes with the proof, not with release(): a sandbox runs for as long as its cell does.
    expect(await waitFor(() => !existsSync(lockFile('20240101.0')), 2_000)).toBe(true);
    await obtained.release();
    expect(readdirSync(temp)).toEqual([]);
  });

  test('another job installing the same release waits for the proof, then uses the proved entry', async () => {
    slow();
    const first = await installRunsc(request('20240101.0'), context());
    const second = await installRunsc(request('20240101.0'), context());
    // The second got the lock only once the first was proved: what it found was complete.
    expect(existsSync(`${entryDir('20240101.0')}.complete`)).toBe(true);
    expect(second.path).toBe(first.path);
    expect(await second.proven).toEqual(await first.proven);
    await Promise.all([first.release(), second.release()]);
  });

  test('with runsc-sha512 the proof comes first: what is returned is complete', async () => {
    const pin = sha512(slow());
    const obtained = await installRunsc(request('20240101.0', { sha512: pin }), context());
    expect(existsSync(`${entryDir('20240101.0')}.complete`)).toBe(true);
    expect(existsSync(lockFile('20240101.0'))).toBe(false);
    expect(await provenNow(obtained)).toMatchObject({ version: FAKE_VERSION });
  });

  test('a pinned release that does not run here: its proof fails naming it, and nothing of it stays', async () => {
    addRelease('20240102.0', "echo 'exec format error, say' >&2\nexit 3");
    const url = `${server.url}/20240102.0/${ARCH}/runsc`;
    const obtained = await installRunsc(request('20240102.0'), context());
    await expect(obtained.proven).rejects.toThrow(`the runsc downloaded from ${url} does not run on this machine: exec format error, say`);
    // Kept, incomplete and locked, until the caller says nothing started from it runs any more (a
    // removal would be asynchronous: give it time to show).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(existsSync(obtained.path)).toBe(true);
    expect(existsSync(`${entryDir('20240102.0')}.complete`)).toBe(false);
    expect(existsSync(lockFile('20240102.0'))).toBe(true);
    await obtained.release();
    expect(cached()).toEqual(['runsc']);
    expect(readdirSync(temp)).toEqual([]);
  });

  test('proved where it runs: a script whose interpreter opens it late is not raced by the move into the cache', async () => {
    // A #! script is opened by its interpreter after execve: a probe of the staged copy, renamed into
    // the cache right after, could find it gone. This interpreter waits 0.2 s before opening it.
    const file = addRelease('20240104.0', '');
    writeFileSync(file, `#!/usr/bin/env -S sh -c "sleep 0.2; exec sh \\"\\$0\\" \\"\\$@\\""\necho '${FAKE_VERSION}'\n`, { mode: 0o755 });
    writeFileSync(`${file}.sha512`, `${sha512(file)}  runsc\n`);
    expect(await install(request('20240104.0'), context())).toMatchObject({ version: FAKE_VERSION });
  });

  test('one that fails its proof while a sandbox started from it runs: the sandbox is stopped through it, then the entry goes', async () => {
    const fake = makeFake();
    try {
      // `run` works (it is the fake runsc) but --version fails: a proof that fails for reasons of its
      // own (a timeout, an exhausted process limit, a full disk for the marker).
      addRelease(
        '20240105.0',
        `[ "$1" = --version ] && { sleep 0.3; echo 'probe failed, say' >&2; exit 3; }\nexec ${fake.runsc.path} "$@"`,
      );
      const obtained = await installRunsc(request('20240105.0'), context());
      fake.cell('echo $$ > cell.pid; sleep 30');
      const run = fake.sandboxRun();
      const started = Date.now();
      await expect(
        runSandbox({
          ...run,
          runsc: { ...run.runsc, path: obtained.path },
          started: async () => {
            await pidFrom(fake, 'cell.pid');
            await obtained.proven;
          },
        }),
      ).rejects.toThrow('does not run on this machine: probe failed, say');
      const cell = await pidFrom(fake, 'cell.pid');
      expect(alive(cell)).toBe(false);
      expect(fake.calls().some((c) => c.startsWith('kill'))).toBe(true);
      expect(Date.now() - started).toBeLessThan(5_000);
      // The entry stayed for the stop; the caller's release removes it.
      expect(existsSync(obtained.path)).toBe(true);
      await obtained.release();
      expect(cached()).toEqual(['runsc']);
    } finally {
      fake.cleanup();
    }
  }, 20_000);

  test('one whose binary cannot be executed at all, pinned by sha512: the install fails, nothing cached', async () => {
    const file = addRelease('20240102.0', '');
    writeFileSync(file, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]), { mode: 0o755 });
    writeFileSync(`${file}.sha512`, `${sha512(file)}  runsc\n`);
    const url = `${server.url}/20240102.0/${ARCH}/runsc`;
    await expect(install(request('20240102.0', { sha512: sha512(file) }), context())).rejects.toThrow(
      `the runsc downloaded from ${url} does not run on this machine:`,
    );
    expect(cached().filter((p) => p.includes('20240102'))).toEqual([]);
    expect(readdirSync(temp)).toEqual([]);
  });
});

describe('the entry, written without tool-cache', () => {
  test('is where tc.find and tc.findAllVersions look, and replaces what a crash left without its marker', async () => {
    const keyDir = path.join(toolCache, 'runsc', '20260901.0.0');
    mkdirSync(path.join(keyDir, ARCH, 'gvisor-bin'), { recursive: true });
    writeFileSync(path.join(keyDir, ARCH, 'runsc'), 'half-copied');
    writeFileSync(path.join(keyDir, ARCH, 'stale'), 'x');
    // And what a crash in the middle of a replacement left beside it.
    mkdirSync(path.join(keyDir, `${ARCH}.replaced-AbC123`, 'old'), { recursive: true });
    const installed = await install(request('20260901.0'), context());
    const dir = installed.entry?.dir as string;
    expect(dir).toBe(path.join(keyDir, ARCH));
    expect(readdirSync(dir)).not.toContain('stale');
    expect(readdirSync(keyDir).sort()).toEqual([ARCH, `${ARCH}.complete`]);
    expect(spawnSync(installed.path, ['--version'], { encoding: 'utf8' }).stdout).toContain(FAKE_VERSION);
    // tool-cache's own lookups, pointed at this cache, find exactly this entry.
    const { cachedVersions } = await import('../../src/install/tool-cache.js');
    expect(await cachedVersions({ root: toolCache, tool: 'runsc', arch: ARCH })).toEqual(['20260901.0.0']);
    vi.stubEnv('RUNNER_TOOL_CACHE', toolCache);
    const tc = await import('@actions/tool-cache');
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(tc.find('runsc', '20260901.0.0', ARCH)).toBe(dir);
    } finally {
      quiet.mockRestore();
      vi.stubEnv('RUNNER_TOOL_CACHE', path.join(root, 'not-this-cache'));
    }
    expect(readdirSync(temp)).toEqual([]);
  });

  /**
   * A complete entry of ours for 20260901.0, as another job would have cached it from another of the
   * release's layouts while this one downloaded (the installer looks once it holds the lock). Its
   * runsc, a stand-in, and a file of its own show whether it was replaced.
   */
  const cachedByAnotherJob = (key = '20260901.0.0') => {
    const dir = path.join(toolCache, 'runsc', key, ARCH);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'runsc'), `#!/bin/sh\necho '${FAKE_VERSION}'\n`, { mode: 0o755 });
    writeFileSync(path.join(dir, 'runsc.from-the-other-job'), '');
    const meta = { artifact: `${server.url}/20260901.0/${ARCH}/runsc`, sha512: 'a'.repeat(128), version: FAKE_VERSION, kept: 'runsc' };
    writeFileSync(path.join(dir, METADATA_FILE), JSON.stringify(meta));
    writeFileSync(`${dir}.complete`, '');
    return dir;
  };

  test('one another job cached while this one downloaded, from another layout, is used, not replaced under it', async () => {
    const theirs = cachedByAnotherJob();
    const said: string[] = [];
    const installed = await install(request('20260901.0'), { ...context(), log: lineLogger({ write: (l: string) => said.push(l) }) });
    expect(server.requests).toContain(`/20260901.0/${ARCH}/${zstd ? 'gvisor.tar.zstd' : 'gvisor.tar.bz2'}`);
    // Its sandbox may be running from that binary: ours, downloaded and verified, is dropped instead.
    expect(installed).toEqual({ path: path.join(theirs, 'runsc'), version: FAKE_VERSION, entry: { dir: theirs, kept: 'runsc' } });
    expect(existsSync(path.join(theirs, 'runsc.from-the-other-job'))).toBe(true);
    expect(said.join('')).toContain(`Using cached ${FAKE_VERSION} from ${theirs}`);
    expect(said.join('')).not.toContain('sha512 than runsc-sha512');
    expect(existsSync(path.join(toolCache, 'runsc', `20260901.0.0-${ARCH}.lock`))).toBe(false);
    expect(readdirSync(temp)).toEqual([]);
  });

  test('`latest`: one made from another artifact is replaced, so that the next `latest` finds its own by digest', async () => {
    // The version the stand-in runsc names; an entry another job made from another layout.
    const theirs = cachedByAnotherJob('20260824.0.0');
    const said: string[] = [];
    const first = await install(request('latest'), { ...context(), log: lineLogger({ write: (l: string) => said.push(l) }) });
    const layout = zstd ? 'gvisor.tar.zstd' : 'gvisor.tar.bz2';
    expect(first.entry).toEqual({ dir: theirs, kept: layout });
    expect(existsSync(path.join(theirs, 'runsc.from-the-other-job'))).toBe(false);
    expect(said.join('')).toContain(
      `Cached runsc 20260824.0.0 in ${theirs} came from another artifact than ${server.url}/latest/${ARCH}/${layout}; replacing it with the one downloaded`,
    );
    expect(said.join('')).not.toContain('runsc-sha512');
    // Kept, it would have been downloaded again by every `latest` step: now only its checksum is fetched.
    server.requests.length = 0;
    expect(await install(request('latest'), context())).toMatchObject({ path: first.path });
    expect(server.requests).toEqual([`/latest/${ARCH}/${layout}.sha512`]);
  });

  test('with runsc-sha512, one made from other bytes is replaced, and the log says so', async () => {
    const theirs = cachedByAnotherJob();
    const layout = zstd ? 'gvisor.tar.zstd' : 'gvisor.tar.bz2';
    const pin = sha512(path.join(bucket, '20260901.0', ARCH, layout));
    const said: string[] = [];
    const installed = await install(request('20260901.0', { sha512: pin }), {
      ...context(),
      log: lineLogger({ write: (l: string) => said.push(l) }),
    });
    expect(installed.entry).toEqual({ dir: theirs, kept: layout });
    expect(existsSync(path.join(theirs, 'runsc.from-the-other-job'))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(theirs, METADATA_FILE), 'utf8'))).toMatchObject({ sha512: pin });
    // The old tree went aside while the new one came in, and is gone.
    expect(readdirSync(path.dirname(theirs)).sort()).toEqual([ARCH, `${ARCH}.complete`]);
    expect(said.join('')).toContain(
      'Cached runsc 20260901.0.0 came from an artifact with another sha512 than runsc-sha512; replacing it with the one downloaded',
    );
    expect(readdirSync(temp)).toEqual([]);
  });

  test('a placement that fails before the swap leaves the entry that was there as it was', async () => {
    const keyDir = path.join(toolCache, 'runsc', '1.0.0');
    mkdirSync(path.join(keyDir, ARCH), { recursive: true });
    writeFileSync(path.join(keyDir, ARCH, 'runsc'), 'the old one');
    writeFileSync(path.join(keyDir, `${ARCH}.complete`), '');
    // A tree that is not there: its move fails first.
    await expect(placeEntry(path.join(temp, 'no-such-tree'), keyDir, ARCH)).rejects.toThrow(/ENOENT/);
    expect(readdirSync(keyDir).sort()).toEqual([ARCH, `${ARCH}.complete`]);
    expect(readFileSync(path.join(keyDir, ARCH, 'runsc'), 'utf8')).toBe('the old one');
  });

  test('a version directory planted as a link is refused, and nothing is placed through it', async () => {
    const elsewhere = path.join(root, 'victim');
    mkdirSync(path.join(elsewhere, ARCH), { recursive: true });
    writeFileSync(path.join(elsewhere, ARCH, 'keep'), 'x');
    mkdirSync(path.join(toolCache, 'runsc'), { recursive: true });
    const keyDir = path.join(toolCache, 'runsc', '1.0.0');
    symlinkSync(elsewhere, keyDir);
    const tree = path.join(temp, 'tree');
    mkdirSync(tree);
    await expect(placeEntry(tree, keyDir, ARCH)).rejects.toThrow(`the tool cache's ${keyDir} is not a directory (a link?)`);
    expect(readdirSync(elsewhere)).toEqual([ARCH]);
    expect(readdirSync(path.join(elsewhere, ARCH))).toEqual(['keep']);
    expect(existsSync(tree)).toBe(true);
  });

  test('what a crash in a replacement left, links included, is removed, never followed', async () => {
    const keyDir = path.join(toolCache, 'runsc', '1.0.0');
    mkdirSync(keyDir, { recursive: true });
    const elsewhere = path.join(root, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(path.join(elsewhere, 'keep'), 'x');
    symlinkSync(elsewhere, path.join(keyDir, `${ARCH}.replaced-planted-old`));
    const tree = path.join(temp, 'tree');
    mkdirSync(tree);
    writeFileSync(path.join(tree, 'runsc'), 'new');
    expect(await placeEntry(tree, keyDir, ARCH)).toBe(path.join(keyDir, ARCH));
    expect(readdirSync(keyDir).sort()).toEqual([ARCH, `${ARCH}.complete`]);
    expect(readdirSync(elsewhere)).toEqual(['keep']);
  });

  test.skipIf(process.getuid?.() !== 0)(
    'as root, belongs to root with modes under the umask, whatever owners the tarball names',
    async () => {
      // A release tarball whose entries name uid 4242 and world-writable modes.
      const stage = path.join(root, 'hostile-stage');
      mkdirSync(path.join(stage, 'gvisor-bin'), { recursive: true });
      writeFileSync(path.join(stage, 'runsc'), `#!/bin/sh\necho '${FAKE_VERSION}'\n`, { mode: 0o755 });
      writeFileSync(path.join(stage, 'gvisor-bin', 'gvisor_sentry'), '#!/bin/sh\n', { mode: 0o755 });
      const dir = path.join(bucket, '20261111.0', ARCH);
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, 'gvisor.tar.bz2');
      spawnSync('tar', ['--bzip2', '--owner=4242', '--group=4242', '--mode=a+w', '-cf', file, '-C', stage, '.']);
      writeFileSync(`${file}.sha512`, `${sha512(file)}  gvisor.tar.bz2\n`);
      server.faults.set(`/20261111.0/${ARCH}/gvisor.tar.zstd.sha512`, ['status-404']);
      const installed = await install(request('20261111.0'), context());
      const entry = installed.entry?.dir as string;
      for (const p of [entry, installed.path, path.join(entry, 'gvisor-bin'), path.join(entry, 'gvisor-bin', 'gvisor_sentry')]) {
        const st = statSync(p);
        expect(st.uid, p).toBe(0);
        expect(st.mode & 0o002, p).toBe(0);
      }
    },
  );

  test.skipIf(!existsSync('/dev/shm'))('is copied where the temp directory is on another filesystem (tmpfs) than the cache', async () => {
    const shmTemp = mkdtempSync('/dev/shm/gvc-install-temp-');
    try {
      const installed = await install(request('20260901.0'), { ...context(), tempDir: shmTemp });
      const dir = installed.entry?.dir as string;
      expect(dir.startsWith(toolCache)).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(['gvisor-bin', METADATA_FILE, zstd ? 'gvisor.tar.zstd' : 'gvisor.tar.bz2', 'runsc']);
      expect(existsSync(`${dir}.complete`)).toBe(true);
      expect(spawnSync(installed.path, ['--version'], { encoding: 'utf8' }).stdout).toContain(FAKE_VERSION);
      expect(readdirSync(shmTemp)).toEqual([]);
    } finally {
      rmSync(shmTemp, { recursive: true, force: true });
    }
  });
});

describe('failing', () => {
  test('a checksum mismatch caches nothing, and leaves nothing in RUNNER_TEMP', async () => {
    const url = `${server.url}/20260903.0/${ARCH}/runsc`;
    await expect(install(request('20260903.0'), context())).rejects.toThrow(
      new RegExp(
        `^checksum mismatch for ${url}: expected [0-9a-f]{128} \\(from ${url}\\.sha512\\), got [0-9a-f]{128}; nothing was cached$`,
      ),
    );
    expect(cached()).toEqual([]);
    expect(readdirSync(temp)).toEqual([]);
  });

  test('a checksum file that cannot be had fails naming it; the artifact asked for beside it is dropped', async () => {
    const url = `${server.url}/20240729.0/${ARCH}/runsc.sha512`;
    server.faults.set(`/20240729.0/${ARCH}/runsc.sha512`, ['status-500', 'status-500']);
    await expect(install(request('20240729.0'), context())).rejects.toThrow(`GET ${url} failed: HTTP 503 Service Unavailable`);
    expect(server.requests.filter((r) => r.endsWith('/runsc'))).toHaveLength(1);
    expect(cached()).toEqual([]);
    expect(readdirSync(temp)).toEqual([]);
  });

  test('an artifact that cannot be had fails naming it, once its checksum is in', async () => {
    const url = `${server.url}/20240729.0/${ARCH}/runsc`;
    server.faults.set(`/20240729.0/${ARCH}/runsc`, ['status-404']);
    await expect(install(request('20240729.0'), context())).rejects.toThrow(`GET ${url} failed: HTTP 404 Not Found`);
    expect(server.requests.sort()).toEqual([`/20240729.0/${ARCH}/runsc`, `/20240729.0/${ARCH}/runsc.sha512`]);
    expect(cached()).toEqual([]);
    expect(readdirSync(temp)).toEqual([]);
  });

  test('a release that is not there names every URL tried', async () => {
    const base = `${server.url}/20250101/${ARCH}`;
    const error = await install(request('20250101'), context()).then(unexpected, (e: unknown) => e as Error);
    expect(error.message).toMatch(new RegExp(`^no runsc release 20250101 for ${ARCH} at ${server.url}: tried `));
    for (const artifact of ['runsc', ...(zstd ? ['gvisor.tar.zstd'] : []), 'gvisor.tar.bz2']) {
      expect(error.message).toContain(`${base}/${artifact}.sha512 (404)`);
    }
    expect(cached()).toEqual([]);
  });
});
