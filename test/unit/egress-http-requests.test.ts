import { describe, expect, it } from 'vitest';
import { originForm, parseHead, RequestGuard, requestDestination } from '../../src/egress/http-requests.js';

/** Feeds `chunks` through a guard that allows requests for `host` only; what came out, and the refusal. */
async function guard(chunks: string[], host = 'a.test', proxy = false): Promise<{ out: string; refused?: string }> {
  const refusals: string[] = [];
  const g = new RequestGuard(
    (head, raw) => {
      const d = requestDestination(head, proxy);
      if (typeof d === 'string') return { refuse: d };
      if (d.host !== host) return { refuse: `other host ${d.host}`, name: d.host };
      return { forward: proxy ? originForm(head, d.path, d.host) : Buffer.from(raw) };
    },
    (reason, name) => refusals.push(`${reason}${name ? ` (${name})` : ''}`),
  );
  let out = '';
  g.on('data', (d: Buffer) => {
    out += d.toString('latin1');
  });
  let failed: string | undefined;
  g.on('error', (e) => {
    failed = e.message;
  });
  for (const c of chunks) {
    if (failed) break;
    await new Promise<void>((resolve) => g.write(Buffer.from(c, 'latin1'), () => resolve()));
  }
  await new Promise((resolve) => setImmediate(resolve));
  return { out, ...(refusals[0] ? { refused: refusals[0] } : {}) };
}

const get = (host: string, path = '/') => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n\r\n`;

describe('RequestGuard', () => {
  it('passes kept-alive requests for the same host, byte for byte', async () => {
    const text = get('a.test') + get('A.test.', '/2');
    const r = await guard([text]);
    expect(r).toEqual({ out: text });
  });

  it('refuses a later request for another host before any of it is sent', async () => {
    const r = await guard([get('a.test'), get('b.test', '/secret')]);
    expect(r.out).toBe(get('a.test'));
    expect(r.refused).toBe('other host b.test (b.test)');
  });

  it('finds the next head after a Content-Length body, whatever the chunking', async () => {
    const post = 'POST /x HTTP/1.1\r\nHost: a.test\r\nContent-Length: 30\r\n\r\n';
    const body = `GET / HTTP/1.1\r\nHost: b.test\r\n`; // 30 bytes that look like a head: they are a body
    expect(body.length).toBe(30);
    const all = post + body + get('b.test');
    for (const size of [1, 7, all.length]) {
      const chunks = all.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g')) ?? [];
      const r = await guard(chunks);
      expect(r.out).toBe(post + body);
      expect(r.refused).toBe('other host b.test (b.test)');
    }
  });

  it('frames chunked bodies, extensions and trailers included', async () => {
    const post = 'POST /x HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n';
    const body = '5;ext=1\r\nhello\r\nA\r\nGET / HTTP\r\n0\r\nX-Trailer: 1\r\n\r\n';
    const r = await guard([post, body.slice(0, 9), body.slice(9), get('b.test')]);
    expect(r.out).toBe(post + body);
    expect(r.refused).toBe('other host b.test (b.test)');
  });

  it.each([
    [
      'POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
      'both Transfer-Encoding and Content-Length',
    ],
    ['POST / HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', 'a Transfer-Encoding other than chunked'],
    ['POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n', 'several Content-Length values'],
    ['POST / HTTP/1.1\r\nHost: a.test\r\nContent-Length: -1\r\n\r\n', 'a malformed Content-Length'],
    [
      'GET / HTTP/1.1\r\nHost: a.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
      'an Upgrade over plain HTTP (use TLS: wss://, https://)',
    ],
    ['GET / HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n', 'more than one Host header'],
    ['GET / HTTP/1.1\r\nHost : a.test\r\n\r\n', 'not an HTTP/1.x request'],
    ['GET / HTTP/1.1\r\nHost: a.test\r\n folded\r\n\r\n', 'not an HTTP/1.x request'],
    ['GET http://a.test/ HTTP/1.1\r\nHost: b.test\r\n\r\n', 'the Host header differs from the URL'],
    ['GET / HTTP/1.1\r\n\r\n', 'no Host header'],
  ])('refuses what could be framed two ways: %j', async (text, reason) => {
    const r = await guard([text]);
    expect(r.refused).toBe(reason);
    expect(r.out).toBe('');
  });

  it('skips blank lines before a request, as servers do, and still checks it', async () => {
    expect(await guard([`\r\n\r\n${get('a.test')}`])).toEqual({ out: get('a.test') });
    const r = await guard([`${get('a.test')}\r\n${get('b.test')}`]);
    expect(r).toEqual({ out: get('a.test'), refused: 'other host b.test (b.test)' });
  });

  it('refuses a bare LF or CR inside a head: a second request to some servers', async () => {
    expect((await guard(['GET / HTTP/1.1\r\nHost: a.test\r\nX: a\n\nGET / HTTP/1.1\nHost: b.test\r\n\r\n'])).refused).toBe(
      'not an HTTP/1.x request',
    );
    expect((await guard(['GET / HTTP/1.1\r\nHost: a.test\rX: 1\r\n\r\n'])).refused).toBe('not an HTTP/1.x request');
  });

  it('ends the connection at a malformed chunk, after the head that was allowed', async () => {
    const head = 'POST / HTTP/1.1\r\nHost: a.test\r\nTransfer-Encoding: chunked\r\n\r\n';
    expect(await guard([`${head}zz\r\n`])).toEqual({ out: head, refused: 'a malformed chunk size' });
    expect(await guard([`${head}2\r\nabXY`])).toEqual({ out: `${head}2\r\nab`, refused: 'a chunk not followed by CRLF' });
  });

  it('as a proxy: absolute form only, rewritten to origin form, proxy headers dropped', async () => {
    const text =
      'GET http://a.test/p?q=1 HTTP/1.1\r\nProxy-Connection: keep-alive\r\nProxy-Authorization: Basic eA==\r\nAccept: */*\r\n\r\n';
    const r = await guard([text], 'a.test', true);
    expect(r).toEqual({ out: 'GET /p?q=1 HTTP/1.1\r\nHost: a.test\r\naccept: */*\r\n\r\n' });
    expect((await guard([get('a.test')], 'a.test', true)).refused).toBe('an absolute http:// URL (or CONNECT) was expected');
    expect((await guard(['GET https://a.test/ HTTP/1.1\r\n\r\n'], 'a.test', true)).refused).toBe(
      'https:// through the proxy needs CONNECT',
    );
  });
});

describe('parseHead', () => {
  it('waits for the blank line, and gives up past 64 KiB', () => {
    expect(parseHead(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n'))).toBeUndefined();
    expect(parseHead(Buffer.alloc(70_000, 'a'))).toBeNull();
    expect(parseHead(Buffer.from('GET / HTTP/2\r\n\r\n'))).toBeNull();
  });
});
