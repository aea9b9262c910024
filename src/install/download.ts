/**
 * HTTP for the installer: small text files, and artifacts streamed to disk
 * while they are hashed (one pass over the bytes, no second read).
 *
 * Transient failures (network errors, 5xx, 429, a body cut short) are retried
 * with backoff; anything else, a 404 above all, fails at once naming the URL.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpClient, type HttpClientResponse } from '@actions/http-client';
import { type Logger, silent } from '../log.js';

export class HttpError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    statusText: string,
  ) {
    super(`GET ${url} failed: HTTP ${status}${statusText ? ` ${statusText}` : ''}`);
    this.name = 'HttpError';
  }
  get transient(): boolean {
    return this.status >= 500 || this.status === 429 || this.status === 408;
  }
}

export interface RetryOptions {
  attempts: number;
  /** Delay before the second attempt; doubled for each one after. */
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 4, baseDelayMs: 1000 };

function client(): HttpClient {
  // allowRetries stays off: retries are ours, so that every attempt is hashed afresh.
  return new HttpClient('gvisor-cell', [], { allowRetries: false, allowRedirects: true, maxRedirects: 5, socketTimeout: 60_000 });
}

/** One GET that must answer 200; anything else becomes an HttpError naming the URL and status. */
async function get(url: string): Promise<HttpClientResponse> {
  const res = await client().get(url);
  const status = res.message.statusCode ?? 0;
  if (status !== 200) {
    res.message.resume();
    throw new HttpError(url, status, res.message.statusMessage ?? '');
  }
  return res;
}

/** GETs a small text resource (a checksum file); retries are said to `log`. */
export async function fetchText(url: string, retry: RetryOptions = DEFAULT_RETRY, log: Logger = silent): Promise<string> {
  return withRetries(url, retry, log, async () => (await get(url)).readBody());
}

/** Called as bytes arrive; `total` is NaN when the server did not say. */
export type Progress = (received: number, total: number) => void;

export interface DownloadOptions {
  retry?: RetryOptions;
  /** Where retries are said. */
  log?: Logger;
  onProgress?: Progress;
}

/** Streams `url` into `dest`, returning the sha512 of exactly the bytes written. */
export async function downloadHashed(
  url: string,
  dest: string,
  { retry = DEFAULT_RETRY, log = silent, onProgress }: DownloadOptions = {},
): Promise<string> {
  return withRetries(url, retry, log, async () => {
    const res = await get(url);
    const hash = createHash('sha512');
    const expected = Number(res.message.headers['content-length'] ?? Number.NaN);
    let received = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        hash.update(chunk);
        received += chunk.length;
        onProgress?.(received, expected);
        done(null, chunk);
      },
    });
    await pipeline(res.message, tap, createWriteStream(dest));
    if (!res.message.complete || (Number.isFinite(expected) && received !== expected)) {
      throw new TruncatedError(url, received, expected);
    }
    return hash.digest('hex');
  });
}

export class TruncatedError extends Error {
  readonly transient = true;
  constructor(url: string, received: number, expected: number) {
    super(`GET ${url}: the body ended after ${received} of ${Number.isFinite(expected) ? expected : 'an unknown number of'} bytes`);
    this.name = 'TruncatedError';
  }
}

/** Network failures worth another try; a full disk, a bad certificate or a refused permission are not. */
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
]);

function isTransient(error: unknown): boolean {
  if (error instanceof HttpError || error instanceof TruncatedError) return error.transient;
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  // @actions/http-client reports its socket timeout (a stalled server) without a code.
  return (code !== undefined && TRANSIENT_CODES.has(code)) || /^Request timeout/.test(error.message);
}

async function withRetries<T>(url: string, retry: RetryOptions, log: Logger, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (error) {
      if (n >= retry.attempts || !isTransient(error)) {
        if (error instanceof HttpError || error instanceof TruncatedError) throw error;
        throw new Error(`GET ${url} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      const delay = retry.baseDelayMs * 2 ** (n - 1) * (0.75 + Math.random() * 0.5);
      log.info(`GET ${url}: ${error instanceof Error ? error.message : String(error)}; retrying in ${Math.round(delay)} ms`);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
