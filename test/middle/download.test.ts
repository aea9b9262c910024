/**
 * download.ts against the local bucket served on loopback, with faults: what
 * is retried (5xx, a reset connection, a body cut short), what fails at once
 * (404, naming the URL and the status), and a digest of exactly the bytes
 * written.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { downloadHashed, fetchText, HttpError } from '../../src/install/download.js';
import { ARCH, type BucketServer, serveBucket } from '../support/bucket.js';
import { fakeBucket } from './bucket.js';

let root: string;
let bucket: string;
let server: BucketServer;
const quick = (attempts: number) => ({ attempts, baseDelayMs: 1 });

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'gvc-download-'));
  bucket = fakeBucket(root);
  server = await serveBucket(bucket);
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
  server.requests.length = 0;
  server.faults.clear();
});

const artifact = `/20260901.0/${ARCH}/gvisor.tar.bz2`;
const bytes = () => readFileSync(path.join(bucket, artifact));
const sha512 = (data: Buffer) => createHash('sha512').update(data).digest('hex');
const requestsOf = (p: string) => server.requests.filter((r) => r === p).length;

const unexpected = (): never => {
  throw new Error('expected a failure');
};

describe('fetchText', () => {
  test('returns the body', async () => {
    expect(await fetchText(`${server.url}${artifact}.sha512`, quick(1))).toBe(`${sha512(bytes())}  gvisor.tar.bz2\n`);
  });

  test('a 404 fails at once, naming the URL and the status', async () => {
    const url = `${server.url}/20990101.0/${ARCH}/runsc.sha512`;
    const error = await fetchText(url, quick(4)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).message).toBe(`GET ${url} failed: HTTP 404 Not Found`);
    expect((error as HttpError).status).toBe(404);
    expect(requestsOf(`/20990101.0/${ARCH}/runsc.sha512`)).toBe(1);
  });

  test('a 503 and a reset connection are retried, each retry said to the logger given', async () => {
    server.faults.set(`${artifact}.sha512`, ['status-500', 'reset']);
    const said: string[] = [];
    const url = `${server.url}${artifact}.sha512`;
    expect(await fetchText(url, quick(3), { info: (line) => said.push(line) })).toContain('gvisor.tar.bz2');
    expect(requestsOf(`${artifact}.sha512`)).toBe(3);
    expect(said).toHaveLength(2);
    expect(said[0]).toMatch(new RegExp(`^GET ${url}: GET ${url} failed: HTTP 503 Service Unavailable; retrying in \\d+ ms$`));
  });
});

describe('downloadHashed', () => {
  let dest: string;
  beforeEach(() => {
    dest = path.join(mkdtempSync(path.join(root, 'dl-')), 'artifact');
  });

  test('returns the sha512 of exactly the bytes it wrote, reporting progress against the length', async () => {
    const seen: Array<[number, number]> = [];
    const digest = await downloadHashed(`${server.url}${artifact}`, dest, {
      retry: quick(1),
      onProgress: (received, total) => seen.push([received, total]),
    });
    expect(readFileSync(dest).equals(bytes())).toBe(true);
    expect(digest).toBe(sha512(bytes()));
    expect(seen.at(-1)).toEqual([bytes().length, bytes().length]);
  });

  test('a 503, a reset and a truncated body are retried, each attempt hashed afresh', async () => {
    server.faults.set(artifact, ['status-500', 'reset', 'truncate']);
    const digest = await downloadHashed(`${server.url}${artifact}`, dest, { retry: quick(4) });
    expect(requestsOf(artifact)).toBe(4);
    expect(digest).toBe(sha512(bytes()));
    expect(readFileSync(dest).equals(bytes())).toBe(true);
  });

  test('when the attempts run out, the last error is thrown, naming the URL', async () => {
    server.faults.set(artifact, ['status-500', 'status-500', 'status-500']);
    await expect(downloadHashed(`${server.url}${artifact}`, dest, { retry: quick(2) })).rejects.toThrow(
      `GET ${server.url}${artifact} failed: HTTP 503 Service Unavailable`,
    );
    expect(requestsOf(artifact)).toBe(2);
  });

  test('a body cut short is an error naming the URL, not a digest of half the file', async () => {
    server.faults.set(artifact, ['truncate']);
    // Node reports the connection closed mid-body as `aborted` (ECONNRESET) before the length check
    // (TruncatedError) is reached; either way the attempt fails, and is retried (above).
    const error = await downloadHashed(`${server.url}${artifact}`, dest, { retry: quick(1) }).then(unexpected, (e: unknown) => e as Error);
    expect(error.message).toMatch(new RegExp(`^GET ${server.url}${artifact}(: the body ended after \\d+ of \\d+ bytes| failed: aborted)$`));
  });

  test('a 404 is not retried', async () => {
    server.faults.set(artifact, ['status-404']);
    await expect(downloadHashed(`${server.url}${artifact}`, dest, { retry: quick(4) })).rejects.toThrow(
      `GET ${server.url}${artifact} failed: HTTP 404 Not Found`,
    );
    expect(requestsOf(artifact)).toBe(1);
  });
});
