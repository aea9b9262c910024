/**
 * The registry client's answers to a registry's challenges, against a fake
 * fetch (the suite's real registry, docker-registry, speaks Basic only; the
 * Bearer flow is what Docker Hub and GHCR use).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { challengeParams, RegistryClient } from '../../src/image/registry.js';
import { digestOf } from '../support/tar-build.js';

const manifest = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}');

interface Seen {
  url: string;
  authorization: string | undefined;
}

function fakeRegistry(realm: string, token = 'T0K'): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const impl = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    const authorization = (init?.headers as Record<string, string> | undefined)?.authorization;
    seen.push({ url, authorization });
    if (url.startsWith(realm)) return Response.json({ token });
    if (authorization !== `Bearer ${token}`) {
      return new Response('', {
        status: 401,
        headers: { 'www-authenticate': `Bearer realm="${realm}",service="reg.example",scope="repository:acme/ci:pull"` },
      });
    }
    return new Response(manifest, { status: 200, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } });
  };
  return { fetch: impl as typeof fetch, seen };
}

const ref = { registry: 'reg.example', repository: 'acme/ci', tag: 'v1' };

describe('RegistryClient', () => {
  test('a Bearer challenge: a token for the scope, with the stored login, then the manifest', async () => {
    const f = fakeRegistry('https://auth.example/token');
    const dir = mkdtempSync('/tmp/gvc-reg-');
    const auth = `${dir}/auth.json`;
    writeFileSync(auth, JSON.stringify({ auths: { 'reg.example': { auth: Buffer.from('me:pw').toString('base64') } } }));
    const client = new RegistryClient(ref, { REGISTRY_AUTH_FILE: auth, HOME: dir }, f.fetch);
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

  test('a login is never sent to a token service over plain HTTP off this machine', async () => {
    const f = fakeRegistry('http://auth.example/token');
    const dir = mkdtempSync('/tmp/gvc-reg-');
    const auth = `${dir}/auth.json`;
    writeFileSync(auth, JSON.stringify({ auths: { 'reg.example': { auth: Buffer.from('me:pw').toString('base64') } } }));
    await new RegistryClient(ref, { REGISTRY_AUTH_FILE: auth, HOME: dir }, f.fetch).manifest('v1');
    expect(f.seen[1]?.authorization).toBeUndefined();
  });

  test('a digest asked for is enforced, naming both', async () => {
    const f = fakeRegistry('https://auth.example/token');
    const wrong = `sha256:${'0'.repeat(64)}`;
    await expect(new RegistryClient(ref, { HOME: '/nonexistent' }, f.fetch).manifest(wrong)).rejects.toThrow(
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
