/**
 * A real OCI distribution registry on loopback for the suite (Debian's
 * docker-registry: the CNCF distribution registry), and a small pusher of
 * images the tests build themselves. Nothing is fetched from outside.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { digestOf } from './tar-build.js';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

export interface Registry {
  /** host:port, on 127.0.0.1. */
  host: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Starts a registry storing into `dir`; with `user`, it asks for that user's password (htpasswd, bcrypt). */
export async function startRegistry(dir: string, user?: { name: string; password: string }): Promise<Registry> {
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  let auth = '';
  if (user) {
    const file = path.join(dir, 'htpasswd');
    execFileSync('htpasswd', ['-Bbc', file, user.name, user.password], { stdio: 'ignore' });
    auth = `auth:\n  htpasswd:\n    realm: test-realm\n    path: ${file}\n`;
  }
  const config = path.join(dir, 'config.yml');
  writeFileSync(
    config,
    `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`,
  );
  const child: ChildProcess = spawn(REGISTRY_BIN, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 8192) stderr += d.toString();
  });
  const host = `127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const ok = await fetch(`http://${host}/v2/`).then(
      (r) => r.status === 200 || r.status === 401,
      () => false,
    );
    if (ok) break;
    if (i > 100 || child.exitCode !== null) throw new Error(`docker-registry did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export interface Blob {
  mediaType: string;
  data: Buffer;
  /** A layer's uncompressed digest, for the config's rootfs.diff_ids (umoci, for one, needs them). */
  diffId?: string;
}

export interface PushOptions {
  registry: string;
  repository: string;
  /** Tag or digest reference. */
  reference: string;
  auth?: { name: string; password: string };
}

function headers(opts: PushOptions, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...extra,
    ...(opts.auth ? { authorization: `Basic ${Buffer.from(`${opts.auth.name}:${opts.auth.password}`).toString('base64')}` } : {}),
  };
}

/** Uploads a blob (monolithic: POST, then PUT with the digest); returns its descriptor. */
export async function pushBlob(opts: PushOptions, blob: Blob): Promise<{ mediaType: string; digest: string; size: number }> {
  const digest = digestOf(blob.data);
  const base = `http://${opts.registry}`;
  const start = await fetch(`${base}/v2/${opts.repository}/blobs/uploads/`, { method: 'POST', headers: headers(opts) });
  if (start.status !== 202) throw new Error(`blob upload start: ${start.status} ${await start.text()}`);
  const location = new URL(start.headers.get('location') ?? '', base);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: headers(opts, { 'content-type': 'application/octet-stream' }),
    body: blob.data,
  });
  if (put.status !== 201) throw new Error(`blob upload: ${put.status} ${await put.text()}`);
  return { mediaType: blob.mediaType, digest, size: blob.data.length };
}

/** PUTs a manifest (or index) under `reference`; returns its digest. */
export async function pushManifest(opts: PushOptions, mediaType: string, manifest: unknown): Promise<string> {
  const body = Buffer.from(JSON.stringify(manifest));
  const res = await fetch(`http://${opts.registry}/v2/${opts.repository}/manifests/${opts.reference}`, {
    method: 'PUT',
    headers: headers(opts, { 'content-type': mediaType }),
    body,
  });
  if (res.status !== 201) throw new Error(`manifest upload: ${res.status} ${await res.text()}`);
  return digestOf(body);
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const LAYER_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';

/** Pushes an image of `layers` (compressed blobs, bottom first) with `config`; returns the manifest's digest. */
export async function pushImage(
  opts: PushOptions,
  layers: Blob[],
  config: { Env?: string[]; WorkingDir?: string; User?: string } = {},
  architecture = 'amd64',
): Promise<string> {
  const configBlob = Buffer.from(
    JSON.stringify({ architecture, os: 'linux', config, rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) } }),
  );
  const c = await pushBlob(opts, { mediaType: 'application/vnd.oci.image.config.v1+json', data: configBlob });
  const ls = [];
  for (const l of layers) ls.push(await pushBlob(opts, { mediaType: l.mediaType, data: l.data }));
  return pushManifest(opts, OCI_MANIFEST, { schemaVersion: 2, mediaType: OCI_MANIFEST, config: c, layers: ls });
}
