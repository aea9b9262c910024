/**
 * Installing runsc from a release bucket (a local copy in the real layout,
 * served on loopback): both layouts, checksums, the tool cache, mirrors, and
 * the failures users meet. Every install is followed by a real cell run with
 * the installed binary.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, test } from 'vitest';
import { ARCH, type BucketServer, serveBucket } from '../support/bucket.js';
import { type Job, makeJob, removeJob } from '../support/job.js';
import type { ActionRun } from '../support/runner.js';
import { errors } from '../support/workflow-commands.js';
import { runAction } from './action.js';

let job: Job;
let server: BucketServer;

beforeAll(async () => {
  job = makeJob('install');
  server = await serveBucket(inject('bucketDir'));
});
afterAll(async () => {
  await server.close();
  removeJob(job);
});
beforeEach(() => {
  // Each test starts from an empty tool cache and a quiet server.
  rmSync(job.toolCache, { recursive: true, force: true });
  mkdirSync(job.toolCache, { recursive: true });
  server.requests.length = 0;
  server.faults.clear();
});

function install(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction(job, { inputs: { cell: 'run: echo sandboxed', 'download-url': server.url, ...inputs }, env });
}

/** The entries of the tool cache: tool/version/arch, and their .complete markers. */
function cacheEntries(): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number, prefix: string) => {
    for (const e of readdirSync(dir)) {
      out.push(`${prefix}${e}`);
      if (depth < 2 && !e.endsWith('.complete')) walk(path.join(dir, e), depth + 1, `${prefix}${e}/`);
    }
  };
  walk(job.toolCache, 0, '');
  return out.sort();
}

function toolDirName(): string {
  const [tool] = readdirSync(job.toolCache);
  return tool as string;
}

/** A PATH without zstd, for the bz2 layout: a directory of links to the few tools the action needs. */
function pathWithoutZstd(): string {
  const bin = path.join(job.home, 'bin-no-zstd');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    for (const tool of ['tar', 'bzip2', 'gzip', 'sh', 'bash']) {
      for (const dir of ['/usr/bin', '/bin']) {
        if (existsSync(path.join(dir, tool))) {
          symlinkSync(path.join(dir, tool), path.join(bin, tool));
          break;
        }
      }
    }
  }
  return bin;
}

describe('the old layout: a loose runsc binary', () => {
  test('a pinned version is downloaded, verified, cached and runs the cell', async () => {
    const run = await install({ 'runsc-version': 'release-20240729.0' });
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs.stdout).toBe('sandboxed\n');
    // A release this old has only the loose binary: it is asked for first.
    // The artifact of a pinned release is asked for beside its checksum: in either order.
    expect(server.requests.sort()).toEqual([`/20240729.0/${ARCH}/runsc`, `/20240729.0/${ARCH}/runsc.sha512`]);
    const tool = toolDirName();
    expect(tool).toMatch(/^runsc-mirror-[0-9a-f]{12}$/);
    expect(cacheEntries()).toEqual([tool, `${tool}/20240729.0.0`, `${tool}/20240729.0.0/${ARCH}`, `${tool}/20240729.0.0/${ARCH}.complete`]);
    expect(run.main.outputs['runsc-path']).toBe(path.join(job.toolCache, tool, '20240729.0.0', ARCH, 'runsc'));
    expect(run.main.outputs['runsc-version']).toMatch(/^runsc version .*20240729/);

    // The second run finds it in the cache and does not touch the network at all.
    server.requests.length = 0;
    const again = await install({ 'runsc-version': '20240729.0' });
    expect(again.main.outputs.stdout).toBe('sandboxed\n');
    expect(server.requests).toEqual([]);
    expect(again.main.stdout).toContain('Using cached runsc version');
  });
});

describe('the new layout: tarballs with gvisor-bin/', () => {
  test('zstd is preferred; only runsc and gvisor-bin/ are extracted, side by side, and the verified tarball is kept', async () => {
    const run = await install({ 'runsc-version': '20260901.0' });
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs.stdout).toBe('sandboxed\n');
    expect(server.requests.sort()).toEqual([`/20260901.0/${ARCH}/gvisor.tar.zstd`, `/20260901.0/${ARCH}/gvisor.tar.zstd.sha512`]);
    const dir = path.dirname(run.main.outputs['runsc-path'] as string);
    expect(readdirSync(dir).sort()).toEqual(['gvisor-bin', 'gvisor-cell.json', 'gvisor.tar.zstd', 'runsc']);
    expect(readdirSync(path.join(dir, 'gvisor-bin'))).toEqual(['gvisor_sentry']);
  });

  test('without zstd on the machine, the bz2 tarball is used', async () => {
    const run = await install({ 'runsc-version': 'release-20260901.0' }, { PATH: pathWithoutZstd() });
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs.stdout).toBe('sandboxed\n');
    expect(server.requests.sort()).toEqual([`/20260901.0/${ARCH}/gvisor.tar.bz2`, `/20260901.0/${ARCH}/gvisor.tar.bz2.sha512`]);
  });

  test('a tarball with everything under a top directory still yields runsc with its sidecars', async () => {
    const run = await install({ 'runsc-version': '20260902.0' });
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs.stdout).toBe('sandboxed\n');
    const dir = path.dirname(run.main.outputs['runsc-path'] as string);
    expect(readdirSync(dir).sort()).toEqual(['gvisor-bin', 'gvisor-cell.json', 'gvisor.tar.zstd', 'runsc']);
  });

  test('latest: the second run fetches only the small .sha512 and reuses the cached artifact', async () => {
    const first = await install({});
    expect(errors(first.main)).toEqual([]);
    expect(server.requests).toEqual([`/latest/${ARCH}/gvisor.tar.zstd.sha512`, `/latest/${ARCH}/gvisor.tar.zstd`]);
    server.requests.length = 0;
    const second = await install({});
    expect(second.main.outputs.stdout).toBe('sandboxed\n');
    expect(server.requests).toEqual([`/latest/${ARCH}/gvisor.tar.zstd.sha512`]);
    expect(second.main.outputs['runsc-path']).toBe(first.main.outputs['runsc-path']);
  });
});

describe('verification', () => {
  test('a checksum mismatch fails naming the URL and caches nothing', async () => {
    const run = await install({ 'runsc-version': '20260903.0' });
    expect(run.main.exitCode).toBe(1);
    const [error] = errors(run.main);
    expect(error).toContain(`checksum mismatch for ${server.url}/20260903.0/${ARCH}/runsc`);
    expect(error).toContain('nothing was cached');
    expect(run.main.outputs['exit-code']).toBeUndefined();
    expect(cacheEntries()).toEqual([]);
    expect(readdirSync(job.temp).filter((e) => e.startsWith('gvisor-cell-install-'))).toEqual([]);
  });

  test('a verified runsc that does not run here fails the step with what it said: proved while the sandbox starts, never cached', async () => {
    // A release of the bucket's layout whose runsc is a script that fails, as a binary for another
    // machine would: the action starts the sandbox with it while it answers --version (a pinned
    // release), and its answer must still decide the step.
    const dir = path.join(job.home, 'bucket-not-runsc', '20240103.0', ARCH);
    mkdirSync(dir, { recursive: true });
    const runsc = path.join(dir, 'runsc');
    writeFileSync(runsc, "#!/bin/sh\necho 'cannot execute binary file, say' >&2\nexit 3\n", { mode: 0o755 });
    writeFileSync(`${runsc}.sha512`, `${createHash('sha512').update(readFileSync(runsc)).digest('hex')}  runsc\n`);
    const other = await serveBucket(path.join(job.home, 'bucket-not-runsc'));
    try {
      const run = await runAction(job, {
        inputs: { cell: 'run: echo sandboxed', 'download-url': other.url, 'runsc-version': '20240103.0' },
      });
      expect(run.main.exitCode).toBe(1);
      expect(errors(run.main)).toEqual([
        `the runsc downloaded from ${other.url}/20240103.0/${ARCH}/runsc does not run on this machine: cannot execute binary file, say`,
      ]);
      expect(run.main.stdout).not.toContain('sandboxed');
      expect(run.main.outputs['exit-code']).toBeUndefined();
      // The entry placed for the sandbox's start is gone with its version's directory; no marker, no lock.
      expect(cacheEntries().filter((e) => e.includes('20240103'))).toEqual([]);
      expect(readdirSync(job.temp).filter((e) => e.startsWith('gvisor-cell-') && e !== 'gvisor-cell-logs')).toEqual([]);
      expect(run.post?.exitCode ?? 0).toBe(0);
    } finally {
      await other.close();
    }
  });

  test('runsc-sha512 that differs from the published checksum is refused before downloading', async () => {
    const run = await install({ 'runsc-version': '20240729.0', 'runsc-sha512': 'ab'.repeat(64) });
    const [error] = errors(run.main);
    expect(error).toContain(`runsc-sha512 matches no artifact of release 20240729.0 for ${ARCH} at ${server.url}`);
    expect(error).toContain(`${server.url}/20240729.0/${ARCH}/runsc (published sha512`);
    expect(error).toContain('nothing was downloaded');
    expect(server.requests.some((r) => r.endsWith('/runsc'))).toBe(false);
    expect(cacheEntries()).toEqual([]);
  });

  test('runsc-sha512 of the bz2 tarball is honoured on a machine that has zstd', async () => {
    const sha = readFileSync(path.join(inject('bucketDir'), '20260901.0', ARCH, 'gvisor.tar.bz2.sha512'), 'utf8').slice(0, 128);
    const run = await install({ 'runsc-version': '20260901.0', 'runsc-sha512': sha });
    expect(errors(run.main)).toEqual([]);
    expect(server.requests).toEqual([
      `/20260901.0/${ARCH}/gvisor.tar.zstd.sha512`,
      `/20260901.0/${ARCH}/gvisor.tar.bz2.sha512`,
      `/20260901.0/${ARCH}/gvisor.tar.bz2`,
    ]);
  });

  test('runsc-sha512 that matches is accepted', async () => {
    const sha = readFileSync(path.join(inject('bucketDir'), '20240729.0', ARCH, 'runsc.sha512'), 'utf8').slice(0, 128);
    const run = await install({ 'runsc-version': '20240729.0', 'runsc-sha512': sha.toUpperCase() });
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs.stdout).toBe('sandboxed\n');
  });

  test('a release that is not in the bucket names every URL tried', async () => {
    const run = await install({ 'runsc-version': '20250101.0' });
    const [error] = errors(run.main);
    expect(error).toContain(`no runsc release 20250101.0 for ${ARCH} at ${server.url}`);
    for (const artifact of ['runsc', 'gvisor.tar.zstd', 'gvisor.tar.bz2']) {
      expect(error).toContain(`${server.url}/20250101.0/${ARCH}/${artifact}.sha512 (404)`);
    }
  });

  test('a 404 on the artifact itself is not retried and names the URL and status', async () => {
    server.faults.set(`/20240729.0/${ARCH}/runsc`, ['status-404']);
    const run = await install({ 'runsc-version': '20240729.0' });
    expect(errors(run.main)).toEqual([`GET ${server.url}/20240729.0/${ARCH}/runsc failed: HTTP 404 Not Found`]);
    expect(server.requests.filter((r) => r.endsWith('/runsc'))).toHaveLength(1);
    expect(cacheEntries()).toEqual([]);
  });

  test('a 5xx and a truncated body are retried; the truncated bytes never pass', async () => {
    server.faults.set(`/20240729.0/${ARCH}/runsc.sha512`, ['status-500']);
    server.faults.set(`/20240729.0/${ARCH}/runsc`, ['truncate']);
    const run = await install({ 'runsc-version': '20240729.0' });
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs.stdout).toBe('sandboxed\n');
    expect(server.requests.filter((r) => r.endsWith('/runsc'))).toHaveLength(2);
    expect(run.main.stdout).toMatch(/retrying in \d+ ms/);
  });
});

describe('the default bucket and mirrors are cached apart', () => {
  test('a mirror URL gets a tool-cache name of its own', async () => {
    await install({ 'runsc-version': '20240729.0' });
    const other = await runAction(job, {
      inputs: { cell: 'run: echo sandboxed', 'download-url': `${server.url}/`, 'runsc-version': '20240729.0' },
    });
    // The trailing slash is the same mirror: no second download.
    expect(other.main.outputs.stdout).toBe('sandboxed\n');
    expect(readdirSync(job.toolCache)).toHaveLength(1);
    expect(toolDirName()).not.toBe('runsc');
  });
});

/** The published sha512 of an artifact in the local bucket: what a user pins. */
function published(version: string, artifact: string): string {
  return readFileSync(path.join(inject('bucketDir'), version, ARCH, `${artifact}.sha512`), 'utf8').slice(0, 128);
}

/**
 * What an attacker who can write the tool cache puts in place of runsc (or a
 * sidecar): a script that leaves a marker and then runs the real runsc, so that
 * the step would look perfectly normal if it ran.
 */
function markerScript(marker: string): string {
  return `#!/bin/sh\necho "ran as $(id -u): $0" >> '${marker}'\nexec '${inject('runsc')}' "$@"\n`;
}

describe('a cache hit with runsc-sha512: what runs is verified, not the cache entry', () => {
  test('loose binary: a replaced runsc in the entry fails the step closed, naming the entry; it never runs', async () => {
    const pin = published('20240729.0', 'runsc');
    const first = await install({ 'runsc-version': '20240729.0', 'runsc-sha512': pin });
    expect(errors(first.main)).toEqual([]);
    const entry = path.join(job.toolCache, toolDirName(), '20240729.0.0', ARCH);
    const marker = path.join(job.home, 'tampered-runsc-ran');
    writeFileSync(path.join(entry, 'runsc'), markerScript(marker), { mode: 0o755 });

    server.requests.length = 0;
    const run = await install({ 'runsc-version': '20240729.0', 'runsc-sha512': pin });
    expect(run.main.exitCode).toBe(1);
    const [error] = errors(run.main);
    expect(error).toContain(`the tool-cache entry ${entry} does not match runsc-sha512`);
    expect(error).toContain('tampered with or is corrupt; nothing was run');
    expect(existsSync(marker)).toBe(false);
    expect(run.main.outputs['exit-code']).toBeUndefined();
    // Fail closed: no quiet re-download over the evidence.
    expect(server.requests).toEqual([]);
  });

  test('tarball: the kept artifact replaced by a tarball of another runsc fails closed; nothing of it runs', async () => {
    const pin = published('20260901.0', 'gvisor.tar.zstd');
    const first = await install({ 'runsc-version': '20260901.0', 'runsc-sha512': pin });
    expect(errors(first.main)).toEqual([]);
    const entry = path.join(job.toolCache, toolDirName(), '20260901.0.0', ARCH);
    expect(readdirSync(entry).sort()).toEqual(['gvisor-bin', 'gvisor-cell.json', 'gvisor.tar.zstd', 'runsc']);
    const marker = path.join(job.home, 'tampered-tarball-ran');
    const evil = path.join(job.home, 'evil');
    mkdirSync(path.join(evil, 'gvisor-bin'), { recursive: true });
    writeFileSync(path.join(evil, 'runsc'), markerScript(marker), { mode: 0o755 });
    writeFileSync(path.join(evil, 'gvisor-bin', 'gvisor_sentry'), markerScript(marker), { mode: 0o755 });
    execFileSync('tar', ['--zstd', '-cf', path.join(entry, 'gvisor.tar.zstd'), '-C', evil, '.']);
    // …and the entry's own files too, as a thorough attacker would.
    execFileSync('cp', ['-a', path.join(evil, 'runsc'), path.join(evil, 'gvisor-bin'), entry]);

    const run = await install({ 'runsc-version': '20260901.0', 'runsc-sha512': pin });
    expect(run.main.exitCode).toBe(1);
    expect(errors(run.main)[0]).toContain(`the tool-cache entry ${entry} does not match runsc-sha512: its gvisor.tar.zstd has sha512`);
    expect(existsSync(marker)).toBe(false);
  });

  test('tarball: a replaced runsc and sidecar in the entry are never run; the copy from the verified artifact is', async () => {
    const pin = published('20260901.0', 'gvisor.tar.zstd');
    await install({ 'runsc-version': '20260901.0', 'runsc-sha512': pin });
    const entry = path.join(job.toolCache, toolDirName(), '20260901.0.0', ARCH);
    const marker = path.join(job.home, 'tampered-entry-ran');
    writeFileSync(path.join(entry, 'runsc'), markerScript(marker), { mode: 0o755 });
    writeFileSync(path.join(entry, 'gvisor-bin', 'gvisor_sentry'), markerScript(marker), { mode: 0o755 });

    server.requests.length = 0;
    const run = await install({ 'runsc-version': '20260901.0', 'runsc-sha512': pin });
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs.stdout).toBe('sandboxed\n');
    expect(existsSync(marker)).toBe(false);
    expect(server.requests).toEqual([]);
    // The runsc that ran lay in the step's own run directory, which is gone with the step.
    const used = run.main.outputs['runsc-path'] as string;
    expect(used.startsWith(`${job.temp}/gvisor-cell-`)).toBe(true);
    expect(existsSync(used)).toBe(false);
  });

  test('an untouched pinned hit runs without touching the network; latest reuses its entry after the .sha512 alone', async () => {
    for (const [version, artifact] of [
      ['20240729.0', 'runsc'],
      ['latest', 'gvisor.tar.zstd'],
    ] as const) {
      const pin = published(version, artifact);
      const first = await install({ 'runsc-version': version, 'runsc-sha512': pin });
      expect(errors(first.main)).toEqual([]);
      expect(first.main.stdout).toContain('against runsc-sha512; running a private copy');
      server.requests.length = 0;
      const again = await install({ 'runsc-version': version, 'runsc-sha512': pin });
      expect(errors(again.main)).toEqual([]);
      expect(again.main.outputs.stdout).toBe('sandboxed\n');
      expect(again.main.stdout).toContain('Using cached runsc version');
      expect(again.main.stdout).toContain(`Verified ${artifact} kept in`);
      expect(server.requests).toEqual(version === 'latest' ? [`/latest/${ARCH}/gvisor.tar.zstd.sha512`] : []);
    }
  });

  test('latest: a tampered kept tarball fails closed too (the entry found by digest is verified, not believed)', async () => {
    const pin = published('latest', 'gvisor.tar.zstd');
    await install({ 'runsc-version': 'latest', 'runsc-sha512': pin });
    const [key] = readdirSync(path.join(job.toolCache, toolDirName()));
    const entry = path.join(job.toolCache, toolDirName(), key as string, ARCH);
    writeFileSync(path.join(entry, 'gvisor.tar.zstd'), 'corrupt');
    const run = await install({ 'runsc-version': 'latest', 'runsc-sha512': pin });
    expect(run.main.exitCode).toBe(1);
    expect(errors(run.main)[0]).toContain(`the tool-cache entry ${entry} does not match runsc-sha512`);
  });

  test('an entry from before artifacts were kept is downloaded again when pinned, and used as it is when not', async () => {
    const pin = published('20260901.0', 'gvisor.tar.zstd');
    await install({ 'runsc-version': '20260901.0' });
    const entry = path.join(job.toolCache, toolDirName(), '20260901.0.0', ARCH);
    // What an entry of the previous version of the action looks like.
    rmSync(path.join(entry, 'gvisor.tar.zstd'));
    const metaFile = path.join(entry, 'gvisor-cell.json');
    const { kept: _, ...old } = JSON.parse(readFileSync(metaFile, 'utf8'));
    writeFileSync(metaFile, JSON.stringify(old));

    server.requests.length = 0;
    const unpinned = await install({ 'runsc-version': '20260901.0' });
    expect(errors(unpinned.main)).toEqual([]);
    expect(server.requests).toEqual([]);

    const pinned = await install({ 'runsc-version': '20260901.0', 'runsc-sha512': pin });
    expect(errors(pinned.main)).toEqual([]);
    expect(pinned.main.outputs.stdout).toBe('sandboxed\n');
    expect(pinned.main.stdout).toContain('does not keep its artifact, so runsc-sha512 cannot be checked against it; downloading again');
    expect(server.requests).toEqual([`/20260901.0/${ARCH}/gvisor.tar.zstd.sha512`, `/20260901.0/${ARCH}/gvisor.tar.zstd`]);
    expect(JSON.parse(readFileSync(metaFile, 'utf8')).kept).toBe('gvisor.tar.zstd');
  });

  test('without a pin a hit trusts the cache: the replaced runsc runs (what README says an unpinned hit proves)', async () => {
    await install({ 'runsc-version': '20240729.0' });
    const entry = path.join(job.toolCache, toolDirName(), '20240729.0.0', ARCH);
    const marker = path.join(job.home, 'unpinned-ran');
    writeFileSync(path.join(entry, 'runsc'), markerScript(marker), { mode: 0o755 });
    const run = await install({ 'runsc-version': '20240729.0' });
    expect(errors(run.main)).toEqual([]);
    expect(run.main.outputs['runsc-path']).toBe(path.join(entry, 'runsc'));
    expect(readFileSync(marker, 'utf8')).toMatch(/^ran as 0: /);
  });
});
