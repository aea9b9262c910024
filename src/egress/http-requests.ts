/**
 * Plain HTTP from the cell, one request at a time. A connection to port 80
 * (or a proxy request in absolute form) goes to the address of the first
 * request's host; a kept-alive connection could then carry a request naming
 * another host to that address (a CDN serving both would answer it). So
 * every request head is read and checked, not only the first: its body is
 * framed (Content-Length or chunked) to find where the next head starts.
 * A request that names another host, or that cannot be framed (both
 * Content-Length and chunked, an unknown Transfer-Encoding: the ways request
 * smuggling starts), ends the connection, and so does an Upgrade request
 * (a WebSocket over plain HTTP): whether the server switched protocols shows
 * only in its answer, and a declined Upgrade would leave the requests after
 * it unread.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { normalIp, normalName } from './allow-list.js';

/** The most a request head (request line and headers) may take. */
export const HEAD_LIMIT = 64 * 1024;

export interface RequestHead {
  method: string;
  target: string;
  version: string;
  /** Names lower-cased, values trimmed, in order. */
  headers: [string, string][];
  /** Bytes of the head, the blank line included. */
  length: number;
}

/** A complete head at the start of `buffered`; undefined while incomplete; null when it is not HTTP/1.x. */
export function parseHead(buffered: Buffer): RequestHead | null | undefined {
  const end = buffered.indexOf('\r\n\r\n');
  if (end < 0) return buffered.length > HEAD_LIMIT ? null : undefined;
  const lines = buffered.subarray(0, end).toString('latin1').split('\r\n');
  // A bare CR or LF inside a line is a line end to some servers: what they would read as two requests
  // (or headers) must not pass here as one.
  if (lines.some((line) => /[\r\n]/.test(line))) return null;
  const m = /^([A-Za-z]+) (\S+) (HTTP\/1\.[01])$/.exec(lines[0] ?? '');
  if (!m) return null;
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    // No obsolete line folding, no space before the colon: either could hide a header from us but not from the server.
    if (colon <= 0 || /^[\t ]/.test(line) || /[\t ]$/.test(line.slice(0, colon))) return null;
    headers.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return { method: m[1] ?? '', target: m[2] ?? '', version: m[3] ?? '', headers, length: end + 4 };
}

/** What to send upstream in place of a head, or why the request is refused (and the name it asked for). */
export type HeadDecision = { forward: Buffer } | { refuse: string; name?: string };

type State =
  | { kind: 'head' }
  | { kind: 'body'; left: number }
  | { kind: 'chunk-size' }
  | { kind: 'chunk-data'; left: number }
  | { kind: 'chunk-end' }
  | { kind: 'trailers' };

/**
 * The cell → upstream direction of a plain HTTP connection: passes bodies
 * through as they come, hands every head to `decide`, and errors (which
 * ends the connection) on a refusal or a request it cannot frame.
 */
export class RequestGuard extends Transform {
  private state: State = { kind: 'head' };
  private pending: Buffer = Buffer.alloc(0);

  constructor(
    private readonly decide: (head: RequestHead, raw: Buffer) => HeadDecision,
    private readonly onRefuse: (reason: string, name: string | undefined) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.pending = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const problem = this.drain();
    if (problem) {
      this.onRefuse(problem.refuse, problem.name);
      done(new Error(problem.refuse));
    } else {
      done();
    }
  }

  /** Consumes what can be consumed of `pending`; a refusal, if any. */
  private drain(): { refuse: string; name?: string } | undefined {
    while (this.pending.length > 0) {
      const s = this.state;
      if (s.kind === 'head') {
        // Empty lines before a request are skipped by servers (RFC 9112, 2.2): skipped here too, not forwarded.
        const blank = leadingLineEnds(this.pending);
        if (blank > 0) {
          this.consume(blank);
          continue;
        }
        const head = parseHead(this.pending);
        if (head === undefined) return undefined;
        if (head === null) return { refuse: 'not an HTTP/1.x request' };
        const decision = this.decide(head, this.pending.subarray(0, head.length));
        if ('refuse' in decision) return decision;
        const body = framing(head);
        if (typeof body === 'string') return { refuse: body };
        this.consume(head.length);
        this.push(decision.forward);
        this.state = body;
      } else if (s.kind === 'body') {
        const n = Math.min(s.left, this.pending.length);
        this.push(this.consume(n));
        this.state = s.left - n > 0 ? { kind: 'body', left: s.left - n } : { kind: 'head' };
      } else if (s.kind === 'chunk-size' || s.kind === 'trailers') {
        const nl = this.pending.indexOf('\r\n');
        if (nl < 0) return this.pending.length > HEAD_LIMIT ? { refuse: 'a chunk line too long' } : undefined;
        const text = this.pending.subarray(0, nl).toString('latin1');
        if (s.kind === 'trailers') {
          if (text === '') this.state = { kind: 'head' };
        } else {
          const size = /^([0-9A-Fa-f]{1,8})(?:;.*)?$/.exec(text)?.[1];
          if (size === undefined) return { refuse: 'a malformed chunk size' };
          const n = Number.parseInt(size, 16);
          this.state = n === 0 ? { kind: 'trailers' } : { kind: 'chunk-data', left: n };
        }
        this.push(this.consume(nl + 2));
      } else if (s.kind === 'chunk-data') {
        const n = Math.min(s.left, this.pending.length);
        this.push(this.consume(n));
        this.state = s.left - n > 0 ? { kind: 'chunk-data', left: s.left - n } : { kind: 'chunk-end' };
      } else {
        // A chunk's data ends with CRLF exactly: anything else is framed differently by someone.
        if (this.pending.length < 2) return undefined;
        if (this.pending[0] !== 0x0d || this.pending[1] !== 0x0a) return { refuse: 'a chunk not followed by CRLF' };
        this.push(this.consume(2));
        this.state = { kind: 'chunk-size' };
      }
    }
    return undefined;
  }

  private consume(n: number): Buffer {
    const out = this.pending.subarray(0, n);
    this.pending = this.pending.subarray(n);
    return out;
  }
}

/** How many CR and LF bytes `b` starts with. */
export function leadingLineEnds(b: Buffer): number {
  let n = 0;
  while (n < b.length && (b[n] === 0x0d || b[n] === 0x0a)) n += 1;
  return n;
}

/** How a request's body is framed, or why it cannot be told safely. */
function framing(head: RequestHead): State | string {
  const te = head.headers.filter(([k]) => k === 'transfer-encoding').map(([, v]) => v.toLowerCase());
  const cl = head.headers.filter(([k]) => k === 'content-length').map(([, v]) => v);
  if (te.length > 0 && cl.length > 0) return 'both Transfer-Encoding and Content-Length';
  if (te.length > 0) return te.length === 1 && te[0] === 'chunked' ? { kind: 'chunk-size' } : 'a Transfer-Encoding other than chunked';
  if (cl.length > 1 && new Set(cl).size > 1) return 'several Content-Length values';
  const length = cl[0];
  if (length !== undefined && !/^\d{1,15}$/.test(length)) return 'a malformed Content-Length';
  if (head.headers.some(([k]) => k === 'upgrade')) return 'an Upgrade over plain HTTP (use TLS: wss://, https://)';
  const n = length === undefined ? 0 : Number(length);
  return n > 0 ? { kind: 'body', left: n } : { kind: 'head' };
}

/** `host` or `host:port` (IPv6 in brackets), normalised; undefined when it is neither. */
export function hostPort(value: string, defaultPort: number): { host: string; port: number } | undefined {
  const m = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value);
  if (!m) return undefined;
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (port < 1 || port > 65535) return undefined;
  const raw = m[1] ?? '';
  const host = normalIp(raw) ?? (raw.startsWith('[') ? undefined : normalName(raw));
  return host === undefined ? undefined : { host, port };
}

/**
 * Where a plain HTTP request goes: the absolute-form URL's host (which a
 * proxy request must have) or else the one Host header; a Host header beside
 * a URL must name the same. A string says why it names nowhere.
 */
export function requestDestination(head: RequestHead, proxy: boolean): { host: string; port: number; path: string } | string {
  const hosts = head.headers.filter(([k]) => k === 'host').map(([, v]) => v);
  if (hosts.length > 1) return 'more than one Host header';
  const url = /^http:\/\/([^/?#@]+)([^#]*)$/i.exec(head.target);
  if (url) {
    const d = hostPort(url[1] ?? '', 80);
    if (!d) return 'the URL names no host';
    const host = hosts[0];
    if (host !== undefined && JSON.stringify(hostPort(host, 80)) !== JSON.stringify(d)) return 'the Host header differs from the URL';
    return { ...d, path: url[2] || '/' };
  }
  if (proxy)
    return /^https:/i.test(head.target) ? 'https:// through the proxy needs CONNECT' : 'an absolute http:// URL (or CONNECT) was expected';
  if (!head.target.startsWith('/') && head.target !== '*') return 'the request names no path';
  const d = hosts[0] === undefined ? undefined : hostPort(hosts[0], 80);
  if (!d) return hosts[0] === undefined ? 'no Host header' : 'the Host header names no host';
  return { ...d, path: head.target };
}

/** A proxy request's head as the server expects it: origin-form, without the proxy's own headers. */
export function originForm(head: RequestHead, path: string, hostHeader: string): Buffer {
  const kept = head.headers.filter(([k]) => k !== 'proxy-connection' && k !== 'proxy-authorization');
  const host = kept.some(([k]) => k === 'host') ? [] : [`Host: ${hostHeader}`];
  return Buffer.from(
    [`${head.method} ${path} ${head.version}`, ...host, ...kept.map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n'),
    'latin1',
  );
}
