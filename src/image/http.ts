/**
 * GET over node:http/https, for the registry client. Not `fetch`: loading it
 * (undici) costs about 50 ms on the first request, which every warm step with a
 * tagged image would pay (README, Performance). Redirects are followed (blob
 * stores hand out signed URLs elsewhere) without the Authorization header
 * once the origin changes, and never from HTTPS down to HTTP; a request that
 * goes quiet for a minute fails.
 */
import type { IncomingMessage } from 'node:http';
import { isLoopbackRegistry } from './reference.js';

export interface HttpResponse {
  status: number;
  statusText: string;
  url: string;
  header(name: string): string | undefined;
  /** The body as it arrives; read it or `discard()` it. */
  body: IncomingMessage;
  discard(): void;
}

export type Get = (url: string | URL, headers: Record<string, string>) => Promise<HttpResponse>;

const MAX_REDIRECTS = 5;
const IDLE_MS = 60_000;

export const httpGet: Get = async (url, headers) => {
  let at = new URL(String(url));
  let sent = { ...headers };
  for (let hop = 0; ; hop++) {
    const res = await once(at, sent);
    const location = res.headers.location;
    if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location) {
      res.resume();
      if (hop >= MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
      const next = new URL(location, at);
      // Plain HTTP only to this machine (a registry on loopback), whatever the redirect came from.
      if (next.protocol !== 'https:' && !(next.protocol === 'http:' && isLoopbackRegistry(next.host))) {
        throw new Error(`a redirect to ${next.origin} (not HTTPS) refused`);
      }
      if (next.origin !== at.origin) {
        const { authorization: _dropped, ...rest } = sent;
        sent = rest;
      }
      at = next;
      continue;
    }
    const final = at;
    return {
      status: res.statusCode ?? 0,
      statusText: res.statusMessage ?? '',
      url: final.href,
      header: (name) => {
        const v = res.headers[name.toLowerCase()];
        return Array.isArray(v) ? v.join(', ') : v;
      },
      body: res,
      discard: () => {
        res.resume();
      },
    };
  }
};

async function once(url: URL, headers: Record<string, string>): Promise<IncomingMessage> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${url.protocol} is not HTTP(S)`);
  const mod = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  return new Promise((resolve, reject) => {
    const req = mod.get(url, { headers }, resolve);
    req.setTimeout(IDLE_MS, () => req.destroy(new Error(`no answer for ${IDLE_MS / 1000} s`)));
    req.on('error', reject);
  });
}

/** The whole body, up to `max` bytes (more is an error). */
export async function readBody(res: HttpResponse, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length;
    if (size > max) {
      res.body.destroy();
      throw new Error(`a body of more than ${max} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
