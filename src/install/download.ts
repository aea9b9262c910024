/**
 * HTTP for the installer: small text files, and artifacts streamed to disk
 * while they are hashed (one pass over the bytes, no second read).
 *
 * Transient failures (network errors, 5xx, 429, a body cut short) are retried
 * with backoff; anything else, a 404 above all, fails at once naming the URL.
 *
 * Requests go out over node:http/https, unless a proxy is configured: then
 * through @actions/http-client, which applies HTTPS_PROXY, HTTP_PROXY and
 * NO_PROXY as the runner's own tooling does. It is loaded only then, because
 * it loads undici (docs/performance.md, cold install).
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
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

const MAX_REDIRECTS = 5;
/** A connection that carries nothing for this long is given up (and retried). */
const SOCKET_TIMEOUT_MS = 60_000;
/** A checksum file is a line; anything much longer is not one. */
const MAX_TEXT = 1 << 20;
/** The variables @actions/http-client reads a proxy from. */
const PROXY_VARIABLES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'];

/** Whether requests go through @actions/http-client, for a proxy (which `signal` cannot stop before the headers). */
export function viaProxy(): boolean {
  return PROXY_VARIABLES.some((name) => process.env[name]);
}

/**
 * One GET that must answer 200; anything else becomes an HttpError naming the
 * URL and status. `signal` stops a direct request at once; through the proxy
 * client, the response is cut as soon as it arrives.
 */
async function get(url: string, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  const message = viaProxy() ? await viaHttpClient(url) : await direct(url, signal);
  if (signal?.aborted) {
    message.destroy();
    throw signal.reason;
  }
  const status = message.statusCode ?? 0;
  if (status !== 200) {
    message.resume();
    throw new HttpError(url, status, message.statusMessage ?? '');
  }
  return message;
}

async function viaHttpClient(url: string): Promise<IncomingMessage> {
  const { HttpClient } = await import('@actions/http-client');
  // allowRetries stays off: retries are ours, so that every attempt is hashed afresh.
  const client = new HttpClient('gvisor-cell', [], {
    allowRetries: false,
    allowRedirects: true,
    maxRedirects: MAX_REDIRECTS,
    socketTimeout: SOCKET_TIMEOUT_MS,
  });
  const { message } = await client.get(url);
  // The client's own socket timeout only half-closes the socket once the response has begun: a body
  // that stalls after its headers would then hang for good. The same idle limit as the direct path.
  message.setTimeout(SOCKET_TIMEOUT_MS, () => {
    stalled.add(message);
    message.destroy(stallError());
  });
  return message;
}

/** The statuses @actions/http-client follows. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Follows redirects as @actions/http-client does: at most five, never from HTTPS down to HTTP. */
async function direct(url: string, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  let at = new URL(url);
  for (let hop = 0; ; hop++) {
    const message = await request(at, signal);
    const location = message.headers.location;
    if (!REDIRECTS.has(message.statusCode ?? 0) || !location) return message;
    message.resume();
    if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
    const next = new URL(location, at);
    if (at.protocol === 'https:' && next.protocol !== 'https:') throw new Error(`a redirect from HTTPS to ${next.origin} was refused`);
    at = next;
  }
}

function request(url: URL, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return Promise.reject(new Error(`${url.protocol} is not HTTP(S)`));
  const mod = url.protocol === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
  return new Promise((resolve, reject) => {
    let response: IncomingMessage | undefined;
    const req = mod.get(url, { headers: { 'user-agent': 'gvisor-cell' }, signal }, (res) => {
      response = res;
      resolve(res);
    });
    // Also while the body streams: node then fails the response with its own `aborted`, so the
    // response is marked, and the error is said as what it was (and retried: ETIMEDOUT).
    req.setTimeout(SOCKET_TIMEOUT_MS, () => {
      if (response) stalled.add(response);
      req.destroy(stallError());
    });
    req.on('error', reject);
  });
}

/** Responses whose connection went quiet for SOCKET_TIMEOUT_MS (and was cut). */
const stalled = new WeakSet<IncomingMessage>();

function stallError(): Error {
  return Object.assign(new Error(`no data for ${SOCKET_TIMEOUT_MS / 1000} s`), { code: 'ETIMEDOUT' });
}

/** Reading `message`'s body failed: the stall, if that is what cut it. */
function bodyError(message: IncomingMessage, error: unknown): unknown {
  return stalled.has(message) ? stallError() : error;
}

/** GETs a small text resource (a checksum file); retries are said to `log`. */
export async function fetchText(url: string, retry: RetryOptions = DEFAULT_RETRY, log: Logger = silent): Promise<string> {
  return withRetries(url, retry, log, undefined, async () => {
    const message = await get(url, undefined);
    let text = '';
    try {
      for await (const chunk of message) {
        text += chunk;
        if (text.length > MAX_TEXT) {
          message.destroy();
          throw new Error(`the body is over ${MAX_TEXT} bytes, far more than a checksum file`);
        }
      }
    } catch (error) {
      throw bodyError(message, error);
    }
    return text;
  });
}

/** Called as bytes arrive; `total` is NaN when the server did not say. */
export type Progress = (received: number, total: number) => void;

export interface DownloadOptions {
  retry?: RetryOptions;
  /** Where retries are said. */
  log?: Logger;
  onProgress?: Progress;
  /**
   * Stops the download wherever it is (the request, the body, a wait between
   * attempts); it then rejects with the signal's reason, and `dest` may hold
   * part of the body.
   */
  signal?: AbortSignal;
}

/**
 * Streams `url` into `dest`, returning the sha512 of exactly the bytes written.
 * Each chunk is written synchronously as it arrives, then hashed: a stream
 * pipeline to a WriteStream waited on the thread pool for every 64 KiB chunk
 * (about a third of the download on loopback, docs/performance.md).
 */
export async function downloadHashed(
  url: string,
  dest: string,
  { retry = DEFAULT_RETRY, log = silent, onProgress, signal }: DownloadOptions = {},
): Promise<string> {
  return withRetries(url, retry, log, signal, async () => {
    const message = await get(url, signal);
    const hash = createHash('sha512');
    const expected = Number(message.headers['content-length'] ?? Number.NaN);
    let received = 0;
    let fd: number;
    try {
      fd = openSync(dest, 'w');
    } catch (error) {
      message.destroy();
      throw error;
    }
    const onData = (chunk: Buffer) => {
      // Written, then hashed: the digest is of the bytes on disk.
      for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at);
      hash.update(chunk);
      received += chunk.length;
      onProgress?.(received, expected);
    };
    const onAbort = () => message.destroy(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await new Promise<void>((resolve, reject) => {
        message.on('data', (chunk: Buffer) => {
          try {
            onData(chunk);
          } catch (error) {
            // A full disk, say: not retried (isTransient).
            message.destroy();
            reject(error);
          }
        });
        message.once('error', (error) => reject(bodyError(message, error)));
        // After 'end', or alone when the body was cut (then `complete` is false: below).
        message.once('close', resolve);
      });
    } finally {
      signal?.removeEventListener('abort', onAbort);
      // Nothing may write to the descriptor once it is closed (and perhaps reused).
      message.removeAllListeners('data');
      closeSync(fd);
    }
    // Cut by the signal, the body can also end as 'close' without an error.
    signal?.throwIfAborted();
    if (!message.complete || (Number.isFinite(expected) && received !== expected)) {
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

async function withRetries<T>(
  url: string,
  retry: RetryOptions,
  log: Logger,
  signal: AbortSignal | undefined,
  attempt: () => Promise<T>,
): Promise<T> {
  for (let n = 1; ; n++) {
    signal?.throwIfAborted();
    try {
      return await attempt();
    } catch (error) {
      // Stopped on purpose: whatever the cut looked like, it is not a failure to retry or to name.
      if (signal?.aborted) throw signal.reason;
      if (n >= retry.attempts || !isTransient(error)) {
        if (error instanceof HttpError || error instanceof TruncatedError) throw error;
        throw new Error(`GET ${url} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      }
      const delay = retry.baseDelayMs * 2 ** (n - 1) * (0.75 + Math.random() * 0.5);
      log.info(`GET ${url}: ${error instanceof Error ? error.message : String(error)}; retrying in ${Math.round(delay)} ms`);
      // timers/promises rejects with an AbortError of its own: the caller is promised the signal's reason.
      await sleep(delay, undefined, { signal }).catch((error: unknown) => {
        signal?.throwIfAborted();
        throw error;
      });
    }
  }
}
