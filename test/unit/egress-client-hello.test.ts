/**
 * readServerName against ClientHellos sent by real clients (node:tls, openssl
 * s_client, curl) to a local socket that captures the first bytes, and
 * against variations of them re-encoded here (split over records, an extra
 * extension, lengths off by one) and ones built from nothing.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { beforeAll, describe, expect, test } from 'vitest';
import { CLIENT_HELLO_BUFFER_LIMIT, CLIENT_HELLO_LIMIT, readServerName, type ServerNameResult } from '../../src/egress/client-hello.js';

const has = (cmd: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/**
 * The first bytes a client sends to a local port, read until readServerName
 * has an answer (as a listener would), and that answer. The client is then
 * cut off: there is no server.
 */
async function capture(connect: (port: number) => { stop(): void }): Promise<{ bytes: Buffer; result: ServerNameResult }> {
  let client: { stop(): void } | undefined;
  const server = net.createServer();
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no complete ClientHello within 10 s')), 10_000);
      server.on('connection', (socket) => {
        let bytes = Buffer.alloc(0);
        socket.on('error', () => {});
        socket.on('data', (chunk) => {
          bytes = Buffer.concat([bytes, chunk]);
          const result = readServerName(bytes);
          if ('need' in result) return;
          clearTimeout(timer);
          socket.destroy();
          resolve({ bytes, result });
        });
      });
      server.listen(0, '127.0.0.1', () => {
        client = connect((server.address() as net.AddressInfo).port);
      });
    });
  } finally {
    client?.stop();
    server.close();
  }
}

const nodeClient = (options: tls.ConnectionOptions) => (port: number) => {
  const socket = tls.connect({ host: '127.0.0.1', port, ...options });
  socket.on('error', () => {});
  return { stop: () => socket.destroy() };
};

const processClient = (cmd: string, args: (port: number) => string[]) => (port: number) => {
  // stdin stays open: s_client would otherwise close on its end of input.
  const child: ChildProcess = spawn(cmd, args(port), { stdio: ['pipe', 'ignore', 'ignore'] });
  child.on('error', () => {});
  return { stop: () => child.kill() };
};

/** A single-record ClientHello taken apart (independently of the module): everything before the extensions, and the extensions. */
function takeApart(hello: Buffer): { head: Buffer; extensions: { type: number; data: Buffer }[] } {
  const body = hello.subarray(9, 9 + hello.readUIntBE(6, 3));
  let off = 2 + 32;
  off += 1 + (body[off] as number);
  off += 2 + body.readUInt16BE(off);
  off += 1 + (body[off] as number);
  const head = body.subarray(0, off);
  const end = off + 2 + body.readUInt16BE(off);
  expect(end).toBe(body.length);
  const extensions = [];
  for (off += 2; off < end; ) {
    const len = body.readUInt16BE(off + 2);
    extensions.push({ type: body.readUInt16BE(off), data: body.subarray(off + 4, off + 4 + len) });
    off += 4 + len;
  }
  return { head, extensions };
}

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u24 = (n: number) => Buffer.from([n >> 16, (n >> 8) & 0xff, n & 0xff]);

/** The handshake message: type 1, 3-byte length, body. */
const handshake = (body: Buffer) => Buffer.concat([Buffer.from([1]), u24(body.length), body]);

/** A ClientHello body from its parts; `extensions` undefined leaves the block out altogether. */
function helloBody(head: Buffer, extensions?: { type: number; data: Buffer }[]): Buffer {
  if (!extensions) return head;
  const block = Buffer.concat(extensions.flatMap((e) => [u16(e.type), u16(e.data.length), e.data]));
  return Buffer.concat([head, u16(block.length), block]);
}

/** Handshake bytes in TLS records of the given sizes (the last size repeats). */
function records(hs: Buffer, sizes: number[] = [16384], version = 0x0301): Buffer {
  const out: Buffer[] = [];
  for (let off = 0, i = 0; off < hs.length; i++) {
    const size = Math.min(sizes[Math.min(i, sizes.length - 1)] as number, hs.length - off);
    out.push(Buffer.from([0x16]), u16(version), u16(size), hs.subarray(off, off + size));
    off += size;
  }
  return Buffer.concat(out);
}

/** A server_name extension's data: the list of (name_type, name) entries. */
function sniData(...entries: (string | Buffer | [number, Buffer])[]): Buffer {
  const list = Buffer.concat(
    entries.flatMap((e) => {
      const [type, name] = Array.isArray(e) ? e : [0, typeof e === 'string' ? Buffer.from(e, 'latin1') : e];
      return [Buffer.from([type]), u16(name.length), name];
    }),
  );
  return Buffer.concat([u16(list.length), list]);
}

/** A minimal head: TLS 1.2 version, random, a 32-byte session id, two suites, null compression. */
const HEAD = Buffer.concat([
  u16(0x0303),
  randomBytes(32),
  Buffer.from([32]),
  randomBytes(32),
  u16(4),
  u16(0x1301),
  u16(0xc02f),
  Buffer.from([1, 0]),
]);
const build = (extensions?: { type: number; data: Buffer }[], sizes?: number[]) => records(handshake(helloBody(HEAD, extensions)), sizes);
const sni = (...entries: Parameters<typeof sniData>) => ({ type: 0, data: sniData(...entries) });

const errorOf = (r: ServerNameResult) => ('error' in r ? r.error : `no error: ${JSON.stringify(r)}`);

/** Every proper prefix needs more, byte by byte, and the whole answers `expected`: the listener's loop with 1-byte reads. */
function feedByteByByte(bytes: Buffer, expected: ServerNameResult) {
  for (let n = 0; n < bytes.length; n++) {
    const r = readServerName(bytes.subarray(0, n));
    if (!('need' in r)) throw new Error(`prefix of ${n}/${bytes.length} bytes: ${JSON.stringify(r)}`);
  }
  expect(readServerName(bytes)).toEqual(expected);
}

describe('real clients', () => {
  const hellos = new Map<string, Buffer>();

  beforeAll(async () => {
    const got = await capture(nodeClient({ servername: 'Registry.NPMJS.org.' }));
    hellos.set('node', got.bytes);
  });

  test('node:tls, servername "Registry.NPMJS.org.": lower-cased, the trailing dot gone; one byte at a time too', () => {
    const bytes = hellos.get('node') as Buffer;
    expect(bytes.subarray(0, 5).readUInt16BE(3) + 5).toBe(bytes.length); // one record, nothing after it
    expect(bytes.toString('latin1')).toContain('Registry.NPMJS.org.'); // sent as given: the normalising is ours
    feedByteByByte(bytes, { tls: true, serverName: 'registry.npmjs.org' });
  });

  test('node:tls limited to TLS 1.2 (a different extension set)', async () => {
    const got = await capture(nodeClient({ servername: 'a.Example.COM', maxVersion: 'TLSv1.2' }));
    expect(got.result).toEqual({ tls: true, serverName: 'a.example.com' });
    feedByteByByte(got.bytes, got.result);
  });

  test.skipIf(!has('openssl'))('openssl s_client -servername Registry.NPMJS.org.', async () => {
    const got = await capture(
      processClient('openssl', (port) => ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'Registry.NPMJS.org.']),
    );
    expect(got.result).toEqual({ tls: true, serverName: 'registry.npmjs.org' });
    feedByteByByte(got.bytes, got.result);
  });

  test.skipIf(!has('openssl'))('openssl s_client -noservername: TLS without a name', async () => {
    const got = await capture(processClient('openssl', (port) => ['s_client', '-connect', `127.0.0.1:${port}`, '-noservername']));
    expect(got.result).toEqual({ tls: true, serverName: undefined });
  });

  test.skipIf(!has('curl'))('curl --resolve to https://Registry.NPMJS.org.:<port>/', async () => {
    const got = await capture(
      processClient('curl', (port) => [
        '-sS',
        '--max-time',
        '10',
        '--resolve',
        `registry.npmjs.org.:${port}:127.0.0.1`,
        `https://Registry.NPMJS.org.:${port}/`,
      ]),
    );
    expect(got.result).toEqual({ tls: true, serverName: 'registry.npmjs.org' });
    feedByteByByte(got.bytes, got.result);
  });

  test('no server name: servername "" and a bare IP address (Node sends none for either)', async () => {
    for (const options of [{ servername: '' }, {}]) {
      const got = await capture(nodeClient(options));
      expect(got.result, JSON.stringify(options)).toEqual({ tls: true, serverName: undefined });
      expect(takeApart(got.bytes).extensions.some((e) => e.type === 0)).toBe(false);
    }
  });

  test('the same ClientHello split over two records, over many 1-byte records, and with records of another kind after it', () => {
    const bytes = hellos.get('node') as Buffer;
    const hs = bytes.subarray(5);
    const sniAt = hs.indexOf(Buffer.from('Registry'));
    for (const split of [1, 3, 4, 5, sniAt, sniAt + 5, hs.length - 1]) {
      const two = records(hs, [split, hs.length]);
      expect(two.length).toBe(bytes.length + 5);
      feedByteByByte(two, { tls: true, serverName: 'registry.npmjs.org' });
    }
    expect(readServerName(records(hs, [1]))).toEqual({ tls: true, serverName: 'registry.npmjs.org' });
    // TLS 1.3 middlebox compatibility and early data follow the ClientHello at once: not the parser's business.
    const ccs = Buffer.from('140303000101', 'hex');
    expect(readServerName(Buffer.concat([bytes, ccs, Buffer.from('1703030005aaaaaaaaaa', 'hex')]))).toEqual({
      tls: true,
      serverName: 'registry.npmjs.org',
    });
  });

  test('an ECH outer ClientHello (an encrypted_client_hello extension, 0xfe0d): the outer name is the one reported', () => {
    const { head, extensions } = takeApart(hellos.get('node') as Buffer);
    const outer = records(handshake(helloBody(head, [...extensions, { type: 0xfe0d, data: randomBytes(200) }])));
    expect(readServerName(outer)).toEqual({ tls: true, serverName: 'registry.npmjs.org' });
  });

  test('lengths that do not add up, in the real ClientHello: the extensions block, one extension, the server name list', () => {
    const bytes = hellos.get('node') as Buffer;
    const { head, extensions } = takeApart(bytes);
    const at = 9 + head.length; // the extensions block's length
    for (const delta of [-1, 1]) {
      const bad = Buffer.from(bytes);
      bad.writeUInt16BE(bytes.readUInt16BE(at) + delta, at);
      expect(errorOf(readServerName(bad))).toMatch(/^ClientHello: extensions length \d+, but \d+ bytes follow$/);
    }
    // The last extension claims one byte more than there is.
    const lastAt = bytes.length - (extensions.at(-1) as { data: Buffer }).data.length - 2;
    const bad = Buffer.from(bytes);
    bad.writeUInt16BE(bad.readUInt16BE(lastAt) + 1, lastAt);
    expect(errorOf(readServerName(bad))).toMatch(/needs \d+ bytes, \d+ left/);
    // The server_name list's own length.
    const listAt = bytes.indexOf(sniData('Registry.NPMJS.org.'));
    expect(listAt).toBeGreaterThan(0);
    const badList = Buffer.from(bytes);
    badList.writeUInt16BE(badList.readUInt16BE(listAt) - 1, listAt);
    expect(errorOf(readServerName(badList))).toMatch(/^server_name: list length/);
  });

  test('every prefix never throws and needs more; every byte flipped never throws', () => {
    const bytes = hellos.get('node') as Buffer;
    for (const stream of [bytes, records(bytes.subarray(5), [100, 7])]) {
      for (let n = 0; n < stream.length; n++) expect(readServerName(stream.subarray(0, n))).toEqual({ need: 'more' });
    }
    const outcomes = new Set<string>();
    for (let i = 0; i < bytes.length; i++) {
      for (const x of [0x01, 0x80, 0xff]) {
        const flipped = Buffer.from(bytes);
        flipped[i] = (flipped[i] as number) ^ x;
        const r = readServerName(flipped);
        outcomes.add('need' in r ? 'more' : 'error' in r ? 'error' : r.tls ? 'name' : 'not tls');
      }
    }
    // The flips reach every kind of answer: the loop exercised the parser, not just its first check.
    expect([...outcomes].sort()).toEqual(['error', 'more', 'name', 'not tls']);
  });
});

describe('built ClientHellos', () => {
  test('not TLS as soon as the first byte says so: plain HTTP, SSLv2-style; nothing yet is need:more', () => {
    expect(readServerName(Buffer.from('GET / HTTP/1.1\r\nHost: registry.npmjs.org\r\n\r\n'))).toEqual({ tls: false });
    expect(readServerName(Buffer.from('G'))).toEqual({ tls: false });
    expect(readServerName(Buffer.from([0x80, 0x2e, 0x01]))).toEqual({ tls: false });
    expect(readServerName(Buffer.alloc(0))).toEqual({ need: 'more' });
  });

  test('the name: uppercase lowered, one trailing dot stripped; no extensions at all, or none named server_name: undefined', () => {
    expect(readServerName(build([sni('WWW.Example.Org.')]))).toEqual({ tls: true, serverName: 'www.example.org' });
    expect(readServerName(build([sni('x.y')]))).toEqual({ tls: true, serverName: 'x.y' });
    expect(readServerName(build())).toEqual({ tls: true, serverName: undefined });
    expect(readServerName(build([{ type: 10, data: Buffer.from('00020017', 'hex') }]))).toEqual({ tls: true, serverName: undefined });
    // An empty extensions block is still a block.
    expect(readServerName(build([]))).toEqual({ tls: true, serverName: undefined });
  });

  test('server_name refusals: two host_names, two extensions, another name_type, empty list, NUL, space, 8-bit, only a dot', () => {
    const cases: [{ type: number; data: Buffer }[], RegExp][] = [
      [[sni('a.example', 'b.example')], /more than one host_name/],
      [[sni('a.example', 'a.example')], /more than one host_name/],
      [[sni('a.example'), { type: 5, data: Buffer.alloc(0) }, sni('b.example')], /two server_name extensions/],
      [[sni([1, Buffer.from('a.example')])], /name_type 1/],
      [[sni('a.example', [1, Buffer.from('x')])], /name_type 1/],
      [[{ type: 0, data: u16(0) }], /no host_name/],
      [[{ type: 0, data: Buffer.alloc(0) }], /server_name_list length needs 2 bytes, 0 left/],
      [[sni('')], /empty host_name/],
      [[sni(Buffer.from('allowed.example\0.evil', 'latin1'))], /byte 15 is 0x00/],
      [[sni('a b')], /byte 1 is 0x20/],
      [[sni(Buffer.from([0x61, 0xc3, 0xa9]))], /byte 1 is 0xc3/],
      [[sni('.')], /only "\."/],
    ];
    for (const [extensions, message] of cases) expect(errorOf(readServerName(build(extensions))), String(message)).toMatch(message);
  });

  test('the fixed fields: version, session id over 32, odd or empty cipher suites, no compression method, a short body', () => {
    const hello = (head: Buffer) => readServerName(records(handshake(helloBody(head, [sni('a.example')]))));
    const random = Buffer.alloc(32);
    const rest = (sid: number, suites: Buffer, comp: Buffer) => Buffer.concat([Buffer.from([sid]), Buffer.alloc(sid), suites, comp]);
    const ok = rest(0, Buffer.from('00021301', 'hex'), Buffer.from('0100', 'hex'));
    expect(hello(Buffer.concat([u16(0x0303), random, ok]))).toEqual({ tls: true, serverName: 'a.example' });
    expect(errorOf(hello(Buffer.concat([u16(0x0203), random, ok])))).toMatch(/legacy_version 0x0203/);
    expect(
      errorOf(hello(Buffer.concat([u16(0x0303), random, rest(33, Buffer.from('00021301', 'hex'), Buffer.from('0100', 'hex'))]))),
    ).toMatch(/legacy_session_id of 33 bytes/);
    expect(
      errorOf(hello(Buffer.concat([u16(0x0303), random, rest(0, Buffer.from('000313010a', 'hex'), Buffer.from('0100', 'hex'))]))),
    ).toMatch(/cipher_suites of 3 bytes/);
    expect(errorOf(hello(Buffer.concat([u16(0x0303), random, rest(0, Buffer.from('0000', 'hex'), Buffer.from('0100', 'hex'))])))).toMatch(
      /cipher_suites of 0 bytes/,
    );
    expect(errorOf(hello(Buffer.concat([u16(0x0303), random, rest(0, Buffer.from('00021301', 'hex'), Buffer.from('00', 'hex'))])))).toMatch(
      /compression_methods is empty/,
    );
    expect(errorOf(readServerName(records(handshake(Buffer.concat([u16(0x0303), Buffer.alloc(20)])))))).toMatch(
      /random needs 32 bytes, 20 left/,
    );
  });

  test('the records: another record type before the end, a bad version, zero or oversize length, another handshake type', () => {
    const hs = handshake(helloBody(HEAD, [sni('a.example')]));
    const two = records(hs, [10, hs.length]);
    const alert = Buffer.from(two);
    alert[15] = 0x15;
    expect(errorOf(readServerName(alert))).toMatch(/record of type 21 at byte 15/);
    // Reported as soon as the offending byte is in, without waiting for the rest.
    expect(errorOf(readServerName(alert.subarray(0, 16)))).toMatch(/type 21/);
    expect(errorOf(readServerName(Buffer.from([0x16, 0x02])))).toMatch(/version 2\.\?/);
    expect(errorOf(readServerName(Buffer.from([0x16, 0x03, 0x05])))).toMatch(/version 3\.5/);
    expect(errorOf(readServerName(Buffer.from('1603010000', 'hex')))).toMatch(/length 0/);
    expect(errorOf(readServerName(Buffer.from('1603014001', 'hex')))).toMatch(/length 16385/);
    expect(errorOf(readServerName(Buffer.from('16030100040200', 'hex')))).toMatch(/handshake message type 2/);
    for (const version of [0x0300, 0x0301, 0x0303]) {
      expect(readServerName(records(hs, [hs.length], version))).toEqual({ tls: true, serverName: 'a.example' });
    }
  });

  test('bytes after the ClientHello in its own record are an error; a handshake header split over records is reassembled', () => {
    const hs = handshake(helloBody(HEAD, [sni('a.example')]));
    expect(errorOf(readServerName(records(Buffer.concat([hs, Buffer.from([0, 0])]))))).toMatch(/^2 handshake bytes after the ClientHello$/);
    expect(readServerName(records(hs, [1, 1, 1, 1, 50]))).toEqual({ tls: true, serverName: 'a.example' });
  });

  test('the limits: a ClientHello over 16 KiB is refused from its header alone; records past the buffer limit never leave need:more', () => {
    expect(CLIENT_HELLO_LIMIT).toBe(16384);
    const atLimit = handshake(helloBody(HEAD, [sni('a.example'), { type: 21, data: Buffer.alloc(0) }]));
    const padding = CLIENT_HELLO_LIMIT - atLimit.length;
    const full = handshake(helloBody(HEAD, [sni('a.example'), { type: 21, data: Buffer.alloc(padding) }]));
    expect(full.length).toBe(CLIENT_HELLO_LIMIT);
    expect(readServerName(records(full))).toEqual({ tls: true, serverName: 'a.example' });
    const over = handshake(helloBody(HEAD, [sni('a.example'), { type: 21, data: Buffer.alloc(padding + 1) }]));
    expect(errorOf(readServerName(records(over, [100])))).toBe('ClientHello of 16385 bytes, over the 16384-byte limit');
    expect(errorOf(readServerName(records(over).subarray(0, 9)))).toMatch(/16385 bytes/);
    // The same legal ClientHello cut into 1-byte records needs more than the buffer limit: refused, never an endless wait.
    const tiny = records(full, [1]);
    expect(tiny.length).toBeGreaterThan(CLIENT_HELLO_BUFFER_LIMIT);
    expect(readServerName(tiny.subarray(0, CLIENT_HELLO_BUFFER_LIMIT - 7))).toEqual({ need: 'more' }); // the last record that fits, its header not all in
    for (const n of [CLIENT_HELLO_BUFFER_LIMIT, CLIENT_HELLO_BUFFER_LIMIT + 1, tiny.length]) {
      expect(errorOf(readServerName(tiny.subarray(0, n))), String(n)).toMatch(/not complete within 17664 bytes of TLS records/);
    }
  });
});
