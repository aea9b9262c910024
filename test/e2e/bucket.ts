/**
 * A local copy of gVisor's release bucket, in its real layout, with real
 * `.sha512` files made by sha512sum's format, served over HTTP on loopback.
 * Built once (in global setup) from the provisioned runsc:
 *
 *   20240729.0/<arch>/runsc                         old layout: the loose binary
 *   20260901.0/<arch>/gvisor.tar.{zstd,bz2}         new layout: runsc + gvisor-bin/
 *   latest/<arch>/…                                 same files as 20260901.0
 *   20260902.0/<arch>/gvisor.tar.zstd               everything under a top gvisor/ directory
 *   20260903.0/<arch>/runsc                         a .sha512 that does not match
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

export const ARCH = process.arch === 'arm64' ? 'aarch64' : 'x86_64';

function sha512(file: string): string {
  return createHash('sha512').update(readFileSync(file)).digest('hex');
}

function publish(file: string): void {
  writeFileSync(`${file}.sha512`, `${sha512(file)}  ${path.basename(file)}\n`);
}

function stageTree(dir: string, runsc: string): void {
  mkdirSync(path.join(dir, 'gvisor-bin'), { recursive: true });
  copyFileSync(runsc, path.join(dir, 'runsc'));
  writeFileSync(path.join(dir, 'containerd-shim-runsc-v1'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  writeFileSync(path.join(dir, 'gvisor-bin', 'gvisor_sentry'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
}

/** Builds the bucket under `root` (idempotent per runsc binary); returns the bucket directory. */
export function buildBucket(root: string, runsc: string): string {
  const id = sha512(runsc).slice(0, 16);
  const bucket = path.join(root, id);
  if (existsSync(path.join(bucket, '.complete'))) return bucket;
  rmSync(bucket, { recursive: true, force: true });

  const loose = path.join(bucket, '20240729.0', ARCH);
  mkdirSync(loose, { recursive: true });
  copyFileSync(runsc, path.join(loose, 'runsc'));
  publish(path.join(loose, 'runsc'));

  const stage = path.join(bucket, '.stage');
  stageTree(stage, runsc);
  for (const version of ['20260901.0', 'latest']) {
    const dir = path.join(bucket, version, ARCH);
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['--zstd', '-cf', path.join(dir, 'gvisor.tar.zstd'), '-C', stage, '.']);
    execFileSync('tar', ['--bzip2', '-cf', path.join(dir, 'gvisor.tar.bz2'), '-C', stage, '.']);
    publish(path.join(dir, 'gvisor.tar.zstd'));
    publish(path.join(dir, 'gvisor.tar.bz2'));
  }

  const nestedStage = path.join(bucket, '.nested');
  stageTree(path.join(nestedStage, 'gvisor'), runsc);
  const nested = path.join(bucket, '20260902.0', ARCH);
  mkdirSync(nested, { recursive: true });
  execFileSync('tar', ['--zstd', '-cf', path.join(nested, 'gvisor.tar.zstd'), '-C', nestedStage, 'gvisor']);
  publish(path.join(nested, 'gvisor.tar.zstd'));

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
  close(): Promise<void>;
}

export async function serveBucket(dir: string): Promise<BucketServer> {
  const requests: string[] = [];
  const faults = new Map<string, Fault[]>();
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(urlPath);
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
