/**
 * download.ts against the local bucket served on loopback, with faults: what
 * is retried (5xx, a reset connection, a body cut short), what fails at once
 * (404, naming the URL and the status), and a digest of exactly the bytes
 * written.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { downloadHashed, fetchText, HttpError } from '../../src/install/download.js';
import { ARCH, type BucketServer, serveBucket } from '../support/bucket.js';
import { makeCertificate } from '../support/certificate.js';
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

/** A server of redirects: /hop/N answers 302 to /hop/N-1, /hop/0 to the bucket's artifact; /big is 2 MiB of text; /proxied says so. */
async function redirector(): Promise<{ url: string; close: () => Promise<void> }> {
  const srv = http.createServer((req, res) => {
    const hop = /^\/hop\/(\d+)$/.exec(req.url ?? '');
    if (hop) {
      const n = Number(hop[1]);
      res.writeHead(302, { location: n === 0 ? `${server.url}${artifact}.sha512` : `/hop/${n - 1}` }).end();
    } else if (req.url === '/big') {
      res.writeHead(200).end('x'.repeat(2 << 20));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => srv.close(() => resolve())),
  };
}

describe('over node:http (no proxy configured)', () => {
  test('follows up to five redirects, and fails past them', async () => {
    const r = await redirector();
    try {
      expect(await fetchText(`${r.url}/hop/4`, quick(1))).toContain('gvisor.tar.bz2');
      await expect(fetchText(`${r.url}/hop/5`, quick(1))).rejects.toThrow(`GET ${r.url}/hop/5 failed: more than 5 redirects`);
    } finally {
      await r.close();
    }
  });

  test('over HTTPS: followed to HTTPS, but a redirect down to plain HTTP is refused before it is requested', async () => {
    const certFiles = { cert: path.join(root, 'tls.crt'), key: path.join(root, 'tls.key') };
    makeCertificate(certFiles, ['localhost'], ['127.0.0.1']);
    const cert = readFileSync(certFiles.cert);
    const tls = https.createServer({ cert, key: readFileSync(certFiles.key) }, (req, res) => {
      if (req.url === '/up') res.writeHead(302, { location: '/sha' }).end();
      else if (req.url === '/sha') res.writeHead(200).end('abc  runsc\n');
      else res.writeHead(302, { location: `${server.url}${artifact}.sha512` }).end();
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    const base = `https://127.0.0.1:${(tls.address() as AddressInfo).port}`;
    const saved = https.globalAgent.options.ca;
    https.globalAgent.options.ca = cert;
    try {
      expect(await fetchText(`${base}/up`, quick(1))).toBe('abc  runsc\n');
      server.requests.length = 0;
      await expect(fetchText(`${base}/down`, quick(1))).rejects.toThrow(
        `GET ${base}/down failed: a redirect from HTTPS to ${server.url} was refused`,
      );
      expect(server.requests).toEqual([]);
    } finally {
      https.globalAgent.options.ca = saved;
      await new Promise<void>((resolve) => tls.close(() => resolve()));
    }
  });

  test('a “checksum file” of megabytes is refused', async () => {
    const r = await redirector();
    try {
      await expect(fetchText(`${r.url}/big`, quick(1))).rejects.toThrow(/the body is over 1048576 bytes/);
    } finally {
      await r.close();
    }
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

  test('a file that cannot be written fails at once, naming the cause, and is not retried', async () => {
    const error = await downloadHashed(`${server.url}${artifact}`, path.join(dest, 'no-such-dir', 'x'), { retry: quick(4) }).then(
      unexpected,
      (e: unknown) => e as Error,
    );
    expect(error.message).toMatch(new RegExp(`^GET ${server.url}${artifact} failed: ENOENT`));
    expect(requestsOf(artifact)).toBe(1);
  });

  test('a progress callback that throws fails the download with its error, not an uncaught exception', async () => {
    const error = await downloadHashed(`${server.url}${artifact}`, dest, {
      retry: quick(4),
      onProgress: () => {
        throw new Error('progress broke');
      },
    }).then(unexpected, (e: unknown) => e as Error);
    expect(error.message).toBe(`GET ${server.url}${artifact} failed: progress broke`);
    expect(requestsOf(artifact)).toBe(1);
  });

  test('stopped mid-body by its signal: rejects with the signal’s reason at once, and is not retried', async () => {
    const abort = new AbortController();
    const reason = new Error('not wanted');
    const error = await downloadHashed(`${server.url}${artifact}`, dest, {
      retry: quick(4),
      signal: abort.signal,
      onProgress: () => abort.abort(reason),
    }).then(unexpected, (e: unknown) => e);
    expect(error).toBe(reason);
    expect(requestsOf(artifact)).toBe(1);
  });

  test('stopped while it waits to retry: no second attempt, no waiting out the delay', async () => {
    server.faults.set(artifact, ['status-500']);
    const abort = new AbortController();
    const started = Date.now();
    const pending = downloadHashed(`${server.url}${artifact}`, dest, { retry: { attempts: 4, baseDelayMs: 60_000 }, signal: abort.signal });
    while (requestsOf(artifact) === 0) await new Promise((r) => setTimeout(r, 5));
    const reason = new Error('not wanted');
    abort.abort(reason);
    const error = await pending.then(unexpected, (e: unknown) => e as Error);
    expect(error).toBe(reason);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(requestsOf(artifact)).toBe(1);
  });

  test('stopped before it starts: nothing is requested', async () => {
    const error = await downloadHashed(`${server.url}${artifact}`, dest, { signal: AbortSignal.abort() }).then(
      unexpected,
      (e: unknown) => e as Error,
    );
    expect(error.name).toBe('AbortError');
    expect(server.requests).toEqual([]);
  });
});
