/**
 * The registry client's answers to a registry's challenges, against a fake
 * fetch (the suite's real registry, docker-registry, speaks Basic only; the
 * Bearer flow is what Docker Hub and GHCR use).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { type Get, type HttpResponse, httpGet, readBody } from '../../src/image/http.js';
import { challengeParams, RegistryClient } from '../../src/image/registry.js';
import { digestOf } from '../support/tar-build.js';

const manifest = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}');

interface Seen {
  url: string;
  authorization: string | undefined;
}

function response(status: number, body: Buffer | string, headers: Record<string, string> = {}): HttpResponse {
  const stream = Readable.from([Buffer.from(body)]) as unknown as IncomingMessage;
  return { status, statusText: '', url: '', header: (n) => headers[n.toLowerCase()], body: stream, discard: () => stream.resume() };
}

function fakeRegistry(realm: string, token = 'T0K'): { get: Get; seen: Seen[] } {
  const seen: Seen[] = [];
  const get: Get = async (input, headers) => {
    const url = String(input);
    const { authorization } = headers;
    seen.push({ url, authorization });
    if (url.startsWith(realm)) return response(200, JSON.stringify({ token }));
    if (authorization !== `Bearer ${token}`) {
      return response(401, '', { 'www-authenticate': `Bearer realm="${realm}",service="reg.example",scope="repository:acme/ci:pull"` });
    }
    return response(200, manifest, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
  };
  return { get, seen };
}

const ref = { registry: 'reg.example', repository: 'acme/ci', tag: 'v1' };

describe('RegistryClient', () => {
  test('a Bearer challenge: a token for the scope, with the stored login, then the manifest', async () => {
    const f = fakeRegistry('https://auth.example/token');
    const dir = mkdtempSync('/tmp/gvc-reg-');
    const auth = `${dir}/auth.json`;
    writeFileSync(auth, JSON.stringify({ auths: { 'reg.example': { auth: Buffer.from('me:pw').toString('base64') } } }));
    const client = new RegistryClient(ref, { REGISTRY_AUTH_FILE: auth, HOME: dir }, f.get);
    const got = await client.manifest('v1');
    expect(got.digest).toBe(digestOf(manifest));
    expect(f.seen.map((s) => s.url)).toEqual([
      'https://reg.example/v2/acme/ci/manifests/v1',
      'https://auth.example/token?service=reg.example&scope=repository%3Aacme%2Fci%3Apull',
      'https://reg.example/v2/acme/ci/manifests/v1',
    ]);
    expect(f.seen[1]?.authorization).toBe(`Basic ${Buffer.from('me:pw').toString('base64')}`);
    expect(f.seen[2]?.authorization).toBe('Bearer T0K');
  });

  test('a digest asked for is enforced, naming both', async () => {
    const f = fakeRegistry('https://auth.example/token');
    const wrong = `sha256:${'0'.repeat(64)}`;
    await expect(new RegistryClient(ref, { HOME: '/nonexistent' }, f.get).manifest(wrong)).rejects.toThrow(
      `GET https://reg.example/v2/acme/ci/manifests/${wrong}: digest mismatch: expected ${wrong}, got ${digestOf(manifest)}`,
    );
  });

  test('challenge parameters, quoted or not', () => {
    expect(challengeParams('Bearer realm="https://a/t",service=reg,scope="repository:x:pull,push"')).toEqual({
      realm: 'https://a/t',
      service: 'reg',
      scope: 'repository:x:pull,push',
    });
  });
});

describe('httpGet', () => {
  test('follows a redirect to another origin without the Authorization header; caps redirects', async () => {
    const seen: (string | undefined)[] = [];
    const b = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.end('blob');
    });
    await new Promise<void>((r) => b.listen(0, '127.0.0.1', r));
    const bPort = (b.address() as AddressInfo).port;
    const a = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      if (req.url === '/loop') res.writeHead(307, { location: '/loop' }).end();
      else res.writeHead(307, { location: `http://localhost:${bPort}/signed?x=1` }).end();
    });
    await new Promise<void>((r) => a.listen(0, '127.0.0.1', r));
    const aPort = (a.address() as AddressInfo).port;
    try {
      const res = await httpGet(`http://127.0.0.1:${aPort}/v2/x/blobs/d`, { authorization: 'Bearer secret' });
      expect(res.status).toBe(200);
      expect((await readBody(res, 100)).toString()).toBe('blob');
      expect(seen).toEqual(['Bearer secret', undefined]);
      await expect(httpGet(`http://127.0.0.1:${aPort}/loop`, {})).rejects.toThrow('more than 5 redirects');
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('plain HTTP only on this machine', () => {
  test('a token service that is not HTTPS is refused (unless on loopback)', async () => {
    const f = fakeRegistry('http://auth.example/token');
    await expect(new RegistryClient(ref, { HOME: '/nonexistent' }, f.get).manifest('v1')).rejects.toThrow(
      'https://reg.example/v2/acme/ci/manifests/v1: the token service http://auth.example is not HTTPS: refused',
    );
    expect(f.seen.map((s) => s.url)).toEqual(['https://reg.example/v2/acme/ci/manifests/v1']);
  });

  test('a redirect to plain HTTP off this machine is refused before it is followed', async () => {
    const a = http.createServer((_req, res) => res.writeHead(302, { location: 'http://registry.invalid/elsewhere' }).end());
    await new Promise<void>((r) => a.listen(0, '127.0.0.1', r));
    try {
      await expect(httpGet(`http://127.0.0.1:${(a.address() as AddressInfo).port}/v2/`, {})).rejects.toThrow(
        'a redirect to http://registry.invalid (not HTTPS) refused',
      );
    } finally {
      a.close();
    }
  });
});
