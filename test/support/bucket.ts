/**
 * A local copy of gVisor's release bucket, in its real layout, with real
 * `.sha512` files made by sha512sum's format, served over HTTP on loopback,
 * with faults on request. The end-to-end suite's (built once, in global
 * setup, from the provisioned runsc); the benchmark builds its own from the
 * same parts:
 *
 *   20240729.0/<arch>/runsc                         old layout: the loose binary
 *   20260901.0/<arch>/gvisor.tar.{zstd,bz2}         new layout: runsc + gvisor-bin/
 *   latest/<arch>/…                                 same files as 20260901.0
 *   20260902.0/<arch>/gvisor.tar.zstd               everything under a top gvisor/ directory
 *   20260903.0/<arch>/runsc                         a .sha512 that does not match
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const ARCH = process.arch === 'arm64' ? 'aarch64' : 'x86_64';

/** Versions in each layout: the loose binary (before 20260824) and the tarball (from then on). */
export const LOOSE_VERSION = '20240729.0';
export const TARBALL_VERSION = '20260901.0';

export type Compression = 'zstd' | 'bz2';

function sha512(file: string): string {
  return createHash('sha512').update(readFileSync(file)).digest('hex');
}

/** Writes `<file>.sha512` in sha512sum's format, as the bucket publishes it. */
export function publish(file: string): void {
  writeFileSync(`${file}.sha512`, `${sha512(file)}  ${path.basename(file)}\n`);
}

/** `<version>/<arch>/runsc` and its .sha512: the old layout. Returns the artifact's path. */
export function addLoose(bucket: string, version: string, runsc: string): string {
  const dir = path.join(bucket, version, ARCH);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'runsc');
  copyFileSync(runsc, file);
  chmodSync(file, 0o755);
  publish(file);
  return file;
}

/** What a release tarball holds: runsc, the containerd shim and gvisor-bin/ (stand-ins for all but runsc). */
export function stageRelease(dir: string, runsc: string): void {
  mkdirSync(path.join(dir, 'gvisor-bin'), { recursive: true });
  copyFileSync(runsc, path.join(dir, 'runsc'));
  chmodSync(path.join(dir, 'runsc'), 0o755);
  writeFileSync(path.join(dir, 'containerd-shim-runsc-v1'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  writeFileSync(path.join(dir, 'gvisor-bin', 'gvisor_sentry'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
}

/** `<version>/<arch>/gvisor.tar.<compression>` of `stage` (`top`: what to pack in it) and its .sha512. Returns its path. */
export function addTarball(bucket: string, version: string, stage: string, compression: Compression, top = '.'): string {
  const dir = path.join(bucket, version, ARCH);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `gvisor.tar.${compression}`);
  execFileSync('tar', [compression === 'zstd' ? '--zstd' : '--bzip2', '-cf', file, '-C', stage, top]);
  publish(file);
  return file;
}

/**
 * The end-to-end suite's bucket under `root` (built once per runsc binary;
 * later calls find it complete); returns the bucket directory.
 */
export function buildBucket(root: string, runsc: string): string {
  const id = sha512(runsc).slice(0, 16);
  const bucket = path.join(root, id);
  if (existsSync(path.join(bucket, '.complete'))) return bucket;
  rmSync(bucket, { recursive: true, force: true });

  addLoose(bucket, LOOSE_VERSION, runsc);

  const stage = path.join(bucket, '.stage');
  stageRelease(stage, runsc);
  for (const version of [TARBALL_VERSION, 'latest']) {
    addTarball(bucket, version, stage, 'zstd');
    addTarball(bucket, version, stage, 'bz2');
  }

  const nestedStage = path.join(bucket, '.nested');
  stageRelease(path.join(nestedStage, 'gvisor'), runsc);
  addTarball(bucket, '20260902.0', nestedStage, 'zstd', 'gvisor');

  const bad = path.join(bucket, '20260903.0', ARCH);
  mkdirSync(bad, { recursive: true });
  copyFileSync(runsc, path.join(bad, 'runsc'));
  writeFileSync(path.join(bad, 'runsc.sha512'), `${createHash('sha512').update('not runsc').digest('hex')}  runsc\n`);

  rmSync(stage, { recursive: true, force: true });
  rmSync(nestedStage, { recursive: true, force: true });
  writeFileSync(path.join(bucket, '.complete'), '');
  return bucket;
}

export type Fault = 'status-500' | 'status-404' | 'truncate' | 'reset';

export interface BucketServer {
  url: string;
  /** Paths requested, in order (e.g. `/20240729.0/x86_64/runsc.sha512`). */
  requests: string[];
  /** Faults to serve for a path, one per request, before serving it normally. */
  faults: Map<string, Fault[]>;
  /**
   * A path answered only once another has been requested (key → the other):
   * proves two requests were in flight together. Given up after 2 s with a 503.
   */
  holds: Map<string, string>;
  close(): Promise<void>;
}

export async function serveBucket(dir: string): Promise<BucketServer> {
  const requests: string[] = [];
  const faults = new Map<string, Fault[]>();
  const holds = new Map<string, string>();
  const server = http.createServer(async (req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(urlPath);
    const awaited = holds.get(urlPath);
    if (awaited !== undefined) {
      const until = Date.now() + 2000;
      while (!requests.includes(awaited) && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      if (!requests.includes(awaited)) {
        res.writeHead(503, 'Held').end(`${awaited} was not requested while ${urlPath} waited`);
        return;
      }
    }
    const fault = faults.get(urlPath)?.shift();
    if (fault === 'status-500') {
      res.writeHead(503, 'Service Unavailable').end('try later');
      return;
    }
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    const file = path.join(dir, path.normalize(urlPath));
    if (fault === 'status-404' || !file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, 'Not Found', { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    const size = statSync(file).size;
    res.writeHead(200, { 'content-length': String(size), 'content-type': 'application/octet-stream' });
    if (fault === 'truncate') {
      const stream = createReadStream(file, { start: 0, end: Math.floor(size / 2) });
      stream.on('end', () => res.socket?.destroy());
      stream.pipe(res, { end: false });
      return;
    }
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    faults,
    holds,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
