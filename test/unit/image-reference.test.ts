/** Image references as `docker pull` reads them, and stored logins as docker/login-action leaves them. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { credentialsFor } from '../../src/image/credentials.js';
import { isLoopbackRegistry, parseReference, registryEndpoint } from '../../src/image/reference.js';

const D = `sha256:${'a'.repeat(64)}`;

describe('parseReference', () => {
  test.each([
    ['node', { registry: 'docker.io', repository: 'library/node', tag: 'latest', digest: undefined }],
    ['node:22-bookworm', { registry: 'docker.io', repository: 'library/node', tag: '22-bookworm', digest: undefined }],
    ['docker.io/library/python:3.12-slim', { registry: 'docker.io', repository: 'library/python', tag: '3.12-slim', digest: undefined }],
    ['acme/tool:1', { registry: 'docker.io', repository: 'acme/tool', tag: '1', digest: undefined }],
    [`ghcr.io/acme/ci@${D}`, { registry: 'ghcr.io', repository: 'acme/ci', tag: undefined, digest: D }],
    [`ghcr.io/acme/ci:v2@${D}`, { registry: 'ghcr.io', repository: 'acme/ci', tag: 'v2', digest: D }],
    ['localhost:5000/a/b/c:t', { registry: 'localhost:5000', repository: 'a/b/c', tag: 't', digest: undefined }],
    ['127.0.0.1:41234/x', { registry: '127.0.0.1:41234', repository: 'x', tag: 'latest', digest: undefined }],
    ['index.docker.io/library/node', { registry: 'docker.io', repository: 'library/node', tag: 'latest', digest: undefined }],
  ])('%s', (text, want) => {
    expect(parseReference(text)).toEqual(want);
  });

  test.each([
    ['', 'expected 1 to 512 characters'],
    ['Node', 'the name component "Node" is not lowercase letters, digits and separators'],
    ['node@sha256:abc', 'a digest is sha256: and 64 lowercase hex digits'],
    ['node:bad tag', 'the tag "bad tag" is not valid'],
    ['a/../b', 'the name component ".." is not lowercase letters, digits and separators'],
    ['ex ample.com/x', 'the registry "ex ample.com" is not a host[:port]'],
  ])('%j is refused: %s', (text, why) => {
    expect(() => parseReference(text)).toThrow(`${JSON.stringify(text)} is not an image reference: ${why}`);
  });

  test('plain HTTP only for a registry on this machine', () => {
    expect(registryEndpoint('docker.io')).toBe('https://registry-1.docker.io');
    expect(registryEndpoint('ghcr.io')).toBe('https://ghcr.io');
    expect(registryEndpoint('localhost:5000')).toBe('http://localhost:5000');
    expect(registryEndpoint('127.0.0.1:5000')).toBe('http://127.0.0.1:5000');
    expect(isLoopbackRegistry('[::1]:5000')).toBe(true);
    // A name that merely starts like one is not on this machine.
    expect(isLoopbackRegistry('localhost.evil.com')).toBe(false);
    expect(isLoopbackRegistry('127.0.0.1.nip.io')).toBe(false);
  });
});

describe('credentialsFor', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gvc-creds-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  test('REGISTRY_AUTH_FILE first, then DOCKER_CONFIG; Docker Hub under its legacy key', () => {
    const authFile = path.join(dir, 'auth.json');
    writeFileSync(authFile, JSON.stringify({ auths: { 'ghcr.io': { auth: b64('me:tok:en') } } }));
    mkdirSync(path.join(dir, 'docker'), { recursive: true });
    writeFileSync(
      path.join(dir, 'docker', 'config.json'),
      JSON.stringify({ auths: { 'ghcr.io': { auth: b64('other:x') }, 'https://index.docker.io/v1/': { auth: b64('hub:pw') } } }),
    );
    const env = { REGISTRY_AUTH_FILE: authFile, DOCKER_CONFIG: path.join(dir, 'docker'), HOME: dir };
    expect(credentialsFor('ghcr.io', env)).toEqual({ username: 'me', password: 'tok:en', from: authFile });
    expect(credentialsFor('docker.io', env)).toMatchObject({ username: 'hub', password: 'pw' });
    expect(credentialsFor('quay.io', env)).toBeUndefined();
  });

  test('a broken file is named', () => {
    writeFileSync(path.join(dir, 'bad.json'), '{');
    expect(() => credentialsFor('ghcr.io', { REGISTRY_AUTH_FILE: path.join(dir, 'bad.json'), HOME: dir })).toThrow(
      `${path.join(dir, 'bad.json')} is not JSON`,
    );
  });
});
