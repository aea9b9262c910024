/**
 * The pull against a registry the test plays (a fake GET): what a hostile
 * manifest, index or blob store can make of it. The real registry's cases are
 * in test/e2e/image.test.ts.
 */
import { chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Get, HttpResponse } from '../../src/image/http.js';
import { lookupCached, pullImage } from '../../src/image/pull.js';
import { digestOf, gzip, tar } from '../support/tar-build.js';

let dir: string;
let cache: string;
let served: Map<string, Buffer>;
let requests: string[];

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

const get: Get = async (url) => {
  const u = String(url);
  requests.push(u);
  const key = u.replace(/^https:\/\/reg\.example\/v2\/acme\/app\//, '');
  const body = served.get(key);
  const stream = Readable.from(body ? [body] : []) as unknown as IncomingMessage;
  return {
    status: body ? 200 : 404,
    statusText: body ? 'OK' : 'Not Found',
    url: u,
    header: () => undefined,
    body: stream,
    discard: () => stream.resume(),
  } satisfies HttpResponse;
};

function blob(data: Buffer): { digest: string; size: number; mediaType: string } {
  const digest = digestOf(data);
  served.set(`blobs/${digest}`, data);
  return { digest, size: data.length, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' };
}

function manifest(tag: string, layers: { digest: string; size: number }[], config = blob(Buffer.from('{"config":{}}'))): string {
  const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config, layers }));
  served.set(`manifests/${tag}`, body);
  served.set(`manifests/${digestOf(body)}`, body);
  return digestOf(body);
}

const pull = (tag = 'v1') => pullImage(`reg.example/acme/app:${tag}`, { toolCache: cache, get, env: { HOME: dir } });

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gvc-pull-'));
  cache = path.join(dir, 'toolcache');
  served = new Map();
  requests = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('pullImage against a hostile registry', () => {
  test('a blob named by anything but sha256:<64 hex> is refused before a path is made of it', async () => {
    const victim = path.join(dir, 'victim.json');
    writeFileSync(victim, '{"config":{"Env":["FROM_THE_HOST=1"]}}');
    const climbing = `sha256:../../../../../../../../..${victim}`;
    const digest = manifest('v1', [blob(gzip(tar([{ name: 'f', data: 'x' }])))], { digest: climbing, size: 10, mediaType: 'x' });
    await expect(pull()).rejects.toThrow(
      `the manifest ${digest} names a blob by ${JSON.stringify(climbing)}: only sha256:<64 hex> digests are accepted`,
    );
    expect(readFileSync(victim, 'utf8')).toContain('FROM_THE_HOST');
    expect(requests.filter((r) => r.includes('/blobs/'))).toEqual([]);
  });

  test('an index entry named by another algorithm is refused, not fetched unchecked', async () => {
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ digest: `sha512:${'a'.repeat(128)}`, size: 10, platform: { os: 'linux', architecture: 'amd64' } }],
      }),
    );
    served.set('manifests/v1', index);
    await expect(pullImage('reg.example/acme/app:v1', { toolCache: cache, get, env: { HOME: dir }, arch: 'x64' })).rejects.toThrow(
      /the index names the linux\/amd64 image by "sha512:a+": only sha256:<64 hex> digests are accepted/,
    );
  });

  test('a layer listed twice is fetched once and applied twice', async () => {
    const layer = blob(gzip(tar([{ name: 'f', data: 'x' }])));
    manifest('v1', [layer, layer]);
    const pulled = await pull();
    expect(readFileSync(path.join(pulled.root, 'f'), 'utf8')).toBe('x');
    expect(requests.filter((r) => r.endsWith(layer.digest))).toHaveLength(1);
  });

  test('a blob longer than its manifest says fails, and nothing is kept', async () => {
    const layer = blob(gzip(tar([{ name: 'f', data: 'x'.repeat(5000) }])));
    manifest('v1', [{ ...layer, size: layer.size - 1 }]);
    await expect(pull()).rejects.toThrow(/more than the \d+ bytes the manifest says/);
    const blobs = path.join(cache, 'gvisor-cell-images', 'blobs', 'sha256');
    expect(existsSync(path.join(blobs, layer.digest.slice(7)))).toBe(false);
  });
});

describe('the blob store, as actions/cache may restore it', () => {
  test('a link in place of a blob is removed, never followed, and the blob fetched', async () => {
    const layer = blob(gzip(tar([{ name: 'f', data: 'real' }])));
    manifest('v1', [layer]);
    const blobs = path.join(cache, 'gvisor-cell-images', 'blobs', 'sha256');
    mkdirSync(blobs, { recursive: true });
    const victim = path.join(dir, 'victim');
    writeFileSync(victim, 'intact');
    symlinkSync(victim, path.join(blobs, layer.digest.slice(7)));
    const pulled = await pull();
    expect(readFileSync(path.join(pulled.root, 'f'), 'utf8')).toBe('real');
    expect(readFileSync(victim, 'utf8')).toBe('intact');
    expect(lstatSync(path.join(blobs, layer.digest.slice(7))).isFile()).toBe(true);
  });

  test('a kept blob with other bytes is caught as it is unpacked, fetched again, and the tree started over', async () => {
    const good = gzip(tar([{ name: 'f', data: 'real' }]));
    const layer = blob(good);
    manifest('v1', [layer]);
    const blobs = path.join(cache, 'gvisor-cell-images', 'blobs', 'sha256');
    mkdirSync(blobs, { recursive: true });
    writeFileSync(
      path.join(blobs, layer.digest.slice(7)),
      gzip(
        tar([
          { name: 'f', data: 'poisoned' },
          { name: 'extra', data: 'x' },
        ]),
      ),
    );
    const pulled = await pull();
    expect(readFileSync(path.join(pulled.root, 'f'), 'utf8')).toBe('real');
    expect(existsSync(path.join(pulled.root, 'extra'))).toBe(false);
    expect(requests.filter((r) => r.endsWith(layer.digest))).toHaveLength(1);
  });
});

describe('an interrupted pull', () => {
  test('leaves nothing that looks complete; the next pull clears what a dead pull left and makes the entry', async () => {
    const layer = blob(gzip(tar([{ name: 'f', data: 'x' }])));
    const digest = manifest('v1', [layer]);
    const hex = digest.slice(7);
    const roots = path.join(cache, 'gvisor-cell-images', 'roots');
    const blobs = path.join(cache, 'gvisor-cell-images', 'blobs', 'sha256');
    mkdirSync(blobs, { recursive: true });
    mkdirSync(roots, { recursive: true });
    // What a pull killed at each point leaves: a partial tree and a half-downloaded blob (of a pid that is gone),
    // and a tree renamed into place whose marker was never written.
    const dead = 2 ** 22 + 17;
    mkdirSync(path.join(roots, `.${hex}.partial-${dead}`, 'rootfs'), { recursive: true });
    writeFileSync(path.join(blobs, `${layer.digest.slice(7)}.partial-${dead}-abcd`), 'half');
    mkdirSync(path.join(roots, hex, 'rootfs'), { recursive: true });
    writeFileSync(path.join(roots, hex, 'rootfs', 'stale'), 'from the killed pull');
    const pulled = await pull();
    expect(pulled.cached).toBe(false);
    expect(readFileSync(path.join(pulled.root, 'f'), 'utf8')).toBe('x');
    expect(existsSync(path.join(pulled.root, 'stale'))).toBe(false);
    expect(existsSync(path.join(roots, `.${hex}.partial-${dead}`))).toBe(false);
    expect(existsSync(path.join(blobs, `${layer.digest.slice(7)}.partial-${dead}-abcd`))).toBe(false);
    expect((await pull()).cached).toBe(true);
  });
});

describe('after the second review', () => {
  test('a kept blob that is damaged (cut short, or not gzip at all) is fetched again, not left to fail every pull', async () => {
    const good = gzip(tar([{ name: 'f', data: 'real'.repeat(1000) }]));
    const layer = blob(good);
    manifest('v1', [layer]);
    const blobs = path.join(cache, 'gvisor-cell-images', 'blobs', 'sha256');
    mkdirSync(blobs, { recursive: true });
    for (const damaged of [good.subarray(0, good.length - 20), Buffer.from('not a layer at all')]) {
      rmSync(path.join(cache, 'gvisor-cell-images', 'roots'), { recursive: true, force: true });
      writeFileSync(path.join(blobs, layer.digest.slice(7)), damaged);
      const pulled = await pull();
      expect(readFileSync(path.join(pulled.root, 'f'), 'utf8')).toBe('real'.repeat(1000));
    }
  });

  test('more than 128 layers are refused', async () => {
    const layer = blob(gzip(tar([{ name: 'f', data: 'x' }])));
    const digest = manifest(
      'v1',
      Array.from({ length: 129 }, () => layer),
    );
    await expect(pull()).rejects.toThrow(`the manifest ${digest} lists 129 layers (at most 128)`);
  });

  test.skipIf(process.getuid?.() !== 0)(
    'an entry that is not the puller’s own (a restored cache, say) is never used, and is replaced',
    async () => {
      const layer = blob(gzip(tar([{ name: 'f', data: 'real' }])));
      const digest = manifest('v1', [layer]);
      const hex = digest.slice(7);
      const roots = path.join(cache, 'gvisor-cell-images', 'roots');
      mkdirSync(path.join(roots, hex, 'rootfs'), { recursive: true, mode: 0o700 });
      writeFileSync(path.join(roots, hex, 'rootfs', 'f'), 'planted');
      writeFileSync(
        path.join(roots, `${hex}.json`),
        JSON.stringify({
          reference: 'x',
          digest,
          manifestDigest: digest,
          platform: 'amd64',
          config: {},
          unpackedBytes: 0,
          skippedCount: 0,
          skipped: [],
        }),
      );
      for (const p of [path.join(roots, hex), path.join(roots, `${hex}.json`)]) chownSync(p, 1234, 1234);
      const pulled = await pullImage(`reg.example/acme/app@${digest}`, { toolCache: cache, get, env: { HOME: dir }, arch: 'x64' });
      expect(pulled.cached).toBe(false);
      expect(readFileSync(path.join(pulled.root, 'f'), 'utf8')).toBe('real');
    },
  );
});

describe('lookupCached (an action that is not root finds the cache itself; only a pull goes through sudo)', () => {
  test('a tag costs its manifests, a digest nothing; an entry of another owner is not found', async () => {
    const layer = blob(gzip(tar([{ name: 'f', data: 'x' }])));
    const digest = manifest('v1', [layer]);
    const opts = { toolCache: cache, get, env: { HOME: dir }, arch: 'x64' };
    expect(await lookupCached('reg.example/acme/app:v1', { ...opts, owner: process.getuid?.() ?? 0 })).toBeUndefined();
    await pullImage('reg.example/acme/app:v1', opts);
    requests = [];
    const byTag = await lookupCached('reg.example/acme/app:v1', { ...opts, owner: process.getuid?.() ?? 0 });
    expect(byTag?.digest).toBe(digest);
    expect(requests).toEqual(['https://reg.example/v2/acme/app/manifests/v1']);
    requests = [];
    const byDigest = await lookupCached(`reg.example/acme/app@${digest}`, { ...opts, owner: process.getuid?.() ?? 0 });
    expect(byDigest?.root).toBe(byTag?.root);
    expect(requests).toEqual([]);
    expect(await lookupCached(`reg.example/acme/app@${digest}`, { ...opts, owner: 4321 })).toBeUndefined();
  });
});
