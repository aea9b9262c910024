/**
 * The egress resolver's wire format: queries as real resolvers send them
 * (glibc's, captured; c-ares, live through node:dns), queries built byte by
 * byte to break each rule, and answers read back both by a small decoder
 * written here and by c-ares itself.
 */
import dgram from 'node:dgram';
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  answer,
  errorResponse,
  frameTcp,
  parseQuery,
  QTYPE,
  type Query,
  type Rcode,
  splitTcpMessages,
  TCP_BUFFER_LIMIT,
} from '../../src/egress/dns-wire.js';

/**
 * glibc 2.36's stub resolver (Debian 12), resolv.conf `options edns0 trust-ad`,
 * getaddrinfo("Registry.NPMJS.org.", AF_UNSPEC): the A and AAAA queries it sent
 * to a UDP socket on 127.0.0.1:53 inside `unshare -m -n`. RD and AD set, one OPT
 * record (UDP size 1200, no options), the name's case as given.
 */
const GLIBC_A = Buffer.from('863301200001000000000001085265676973747279054e504d4a53036f7267000001000100002904b0000000000000', 'hex');
const GLIBC_AAAA = Buffer.from('872801200001000000000001085265676973747279054e504d4a53036f726700001c000100002904b0000000000000', 'hex');

type Build = {
  id?: number;
  flags?: number;
  counts?: [number, number, number, number];
  /** Labels as bytes; or the whole name's wire bytes when `nameWire` is given. */
  labels?: (string | Buffer)[];
  nameWire?: Buffer;
  qtype?: number;
  qclass?: number;
  tail?: Buffer;
};

const OPT = Buffer.from('00002904d0000000000000', 'hex'); // root, OPT, 1232, no extended rcode, version 0, no flags, rdlength 0

function build(b: Build = {}): Buffer {
  const header = Buffer.alloc(12);
  header.writeUInt16BE(b.id ?? 0x1234, 0);
  header.writeUInt16BE(b.flags ?? 0x0100, 2);
  const counts = b.counts ?? [1, 0, 0, b.tail === OPT ? 1 : 0];
  counts.forEach((c, i) => {
    header.writeUInt16BE(c, 4 + 2 * i);
  });
  const name =
    b.nameWire ??
    Buffer.concat([
      ...(b.labels ?? ['example', 'com']).flatMap((l) => {
        const bytes = typeof l === 'string' ? Buffer.from(l, 'latin1') : l;
        return [Buffer.from([bytes.length]), bytes];
      }),
      Buffer.from([0]),
    ]);
  const q = Buffer.alloc(4);
  q.writeUInt16BE(b.qtype ?? QTYPE.A, 0);
  q.writeUInt16BE(b.qclass ?? 1, 2);
  return Buffer.concat([header, name, q, b.tail ?? Buffer.alloc(0)]);
}

function query(msg: Buffer): Query {
  const q = parseQuery(msg);
  if ('error' in q) throw new Error(`expected a query, got ${JSON.stringify(q)}`);
  return q;
}

describe('parseQuery: what real resolvers send', () => {
  test("glibc's EDNS query (OPT record, AD bit): read, the OPT ignored, the question's bytes kept as sent", () => {
    const q = query(GLIBC_A);
    expect(q).toMatchObject({ id: 0x8633, rd: true, name: 'registry.npmjs.org', qtype: QTYPE.A, qclass: 1 });
    expect(q.raw.toString('hex')).toBe(GLIBC_A.subarray(12, 12 + 20 + 4).toString('hex'));
    expect(q.raw.toString('latin1')).toContain('NPMJS');
    expect(query(GLIBC_AAAA)).toMatchObject({ id: 0x8728, name: 'registry.npmjs.org', qtype: QTYPE.AAAA });
  });

  test('a 0x20 mixed-case name: the name lower-cased, the raw question untouched', () => {
    const msg = build({ labels: ['ReGiStRy', 'NpMjS', 'OrG'] });
    const q = query(msg);
    expect(q.name).toBe('registry.npmjs.org');
    expect(q.raw.equals(msg.subarray(12))).toBe(true);
  });

  test('the root name is ""; a name of exactly 255 wire bytes is read, one more byte is not', () => {
    expect(query(build({ labels: [], qtype: 2 })).name).toBe('');
    // 4 labels of 63 bytes would be 4*64+1 = 257; 3×63 + one of 61: 3*64 + 62 + 1 = 255.
    const fits = [...Array(3).fill('a'.repeat(63)), 'b'.repeat(61)];
    expect(query(build({ labels: fits })).name).toBe(fits.join('.'));
    const over = [...Array(3).fill('a'.repeat(63)), 'b'.repeat(62)];
    expect(parseQuery(build({ labels: over }))).toEqual({ error: 'formerr', id: 0x1234 });
  });

  test('a byte that could be misread becomes \\DDD: NUL, ".", "\\", space, 0x7f, 0xff; printable bytes stay', () => {
    const cases: [Buffer, string][] = [
      [Buffer.from('a\0b', 'latin1'), 'a\\000b'],
      [Buffer.from('evil.com', 'latin1'), 'evil\\046com'],
      [Buffer.from('a\\b', 'latin1'), 'a\\092b'],
      [Buffer.from('a b', 'latin1'), 'a\\032b'],
      [Buffer.from([0x41, 0x7f]), 'a\\127'],
      [Buffer.from([0xff]), '\\255'],
      [Buffer.from('_x-*~!', 'latin1'), '_x-*~!'],
    ];
    for (const [label, shown] of cases) expect(query(build({ labels: [label, 'example'] })).name).toBe(`${shown}.example`);
    // The point of it: a label holding '.' is not the two labels it spells.
    expect(query(build({ labels: ['evil.com'] })).name).not.toBe(query(build({ labels: ['evil', 'com'] })).name);
  });

  test('an OPT record with options (a cookie) is skipped over; the flags of a query other than QR and opcode do not matter', () => {
    const opt = Buffer.concat([Buffer.from('000029020000008000000c', 'hex'), Buffer.from('000a0008', 'hex'), Buffer.alloc(8, 7)]);
    expect(query(build({ tail: opt, counts: [1, 0, 0, 1] })).name).toBe('example.com');
    expect(query(build({ flags: 0x0000 })).rd).toBe(false);
    expect(query(build({ flags: 0x0130 })).rd).toBe(true); // RD, AD, CD
  });
});

describe('parseQuery: refusals', () => {
  const id = 0x1234;

  test('a response (QR=1) is ignored, even truncated: never answer an answer', () => {
    const response = build({ flags: 0x8180 });
    expect(parseQuery(response)).toEqual({ error: 'ignore' });
    expect(parseQuery(response.subarray(0, 3))).toEqual({ error: 'ignore' });
    expect(parseQuery(build({ flags: 0x8000, counts: [0, 0, 0, 0] }))).toEqual({ error: 'ignore' });
  });

  test('another opcode (NOTIFY 4, UPDATE 5, IQUERY 1) is notimp with the id', () => {
    for (const opcode of [1, 2, 4, 5, 15]) expect(parseQuery(build({ flags: opcode << 11 }))).toEqual({ error: 'notimp', id });
  });

  test('counts: QDCOUNT not 1, an answer or authority record, two additional records', () => {
    for (const counts of [
      [0, 0, 0, 0],
      [2, 0, 0, 0],
      [1, 1, 0, 0],
      [1, 0, 1, 0],
      [1, 0, 0, 2],
    ] as const) {
      expect(parseQuery(build({ counts: [...counts] })), counts.join()).toEqual({ error: 'formerr', id });
    }
  });

  test('names: a label over 63, an extended label type, a compression pointer (alone or after a label)', () => {
    expect(query(build({ labels: ['a'.repeat(63)] })).name).toBe('a'.repeat(63));
    expect(parseQuery(build({ labels: ['a'.repeat(64)] }))).toEqual({ error: 'formerr', id });
    expect(parseQuery(build({ nameWire: Buffer.from('4101', 'hex') }))).toEqual({ error: 'formerr', id });
    expect(parseQuery(build({ nameWire: Buffer.from('c00c', 'hex') }))).toEqual({ error: 'formerr', id });
    expect(parseQuery(build({ nameWire: Buffer.from('03777777c00c', 'hex') }))).toEqual({ error: 'formerr', id });
  });

  test('trailing bytes: after the question, after the OPT record; an additional record that is not OPT; OPT not at the root', () => {
    expect(parseQuery(build({ tail: Buffer.from([0]) }))).toEqual({ error: 'formerr', id });
    expect(parseQuery(build({ tail: Buffer.concat([OPT, Buffer.from([0])]), counts: [1, 0, 0, 1] }))).toEqual({ error: 'formerr', id });
    const aRecord = Buffer.from('00000100010000003c00047f000001', 'hex');
    expect(parseQuery(build({ tail: aRecord, counts: [1, 0, 0, 1] }))).toEqual({ error: 'formerr', id });
    // OPT owned by a name other than the root: "a", and a 1-byte label whose next bytes happen to spell OPT's type.
    for (const owner of ['0161', '01']) {
      const optNamed = Buffer.from(`${owner}00290200000000000000`, 'hex');
      expect(parseQuery(build({ tail: optNamed, counts: [1, 0, 0, 1] })), owner).toEqual({ error: 'formerr', id });
    }
    // ARCOUNT says 1 and there is nothing; ARCOUNT says 0 and there is an OPT.
    expect(parseQuery(build({ counts: [1, 0, 0, 1] }))).toEqual({ error: 'formerr', id });
    expect(parseQuery(build({ tail: OPT, counts: [1, 0, 0, 0] }))).toEqual({ error: 'formerr', id });
    // OPT's rdlength runs past the end.
    expect(parseQuery(build({ tail: Buffer.from('00002904d0000000000004aabb', 'hex'), counts: [1, 0, 0, 1] }))).toEqual({
      error: 'formerr',
      id,
    });
  });

  test('every prefix of a valid query (glibc EDNS, and one with a long name) is formerr, with the id once the header is in; never a throw', () => {
    for (const full of [GLIBC_A, build({ labels: ['a'.repeat(63), 'b'.repeat(63), 'c'], tail: OPT })]) {
      for (let n = 0; n < full.length; n++) {
        const r = parseQuery(full.subarray(0, n));
        expect(r, `prefix ${n}`).toEqual(n < 12 ? { error: 'formerr' } : { error: 'formerr', id: full.readUInt16BE(0) });
      }
      expect('error' in parseQuery(full)).toBe(false);
    }
  });

  test('every byte of a valid query flipped: never a throw, and a query only when the flip leaves it well-formed', () => {
    for (let i = 0; i < GLIBC_A.length; i++) {
      for (const x of [0x01, 0x40, 0x80, 0xff]) {
        const msg = Buffer.from(GLIBC_A);
        msg[i] = (msg[i] as number) ^ x;
        const r = parseQuery(msg);
        if (!('error' in r)) expect(r.raw.length + 12 + 11).toBe(msg.length);
      }
    }
  });
});

/** An independent reading of a response: header fields and, when there is one, the answer record after the question. */
function decode(res: Buffer, questionLength: number) {
  const flags = res.readUInt16BE(2);
  const at = 12 + questionLength;
  return {
    id: res.readUInt16BE(0),
    qr: flags >> 15,
    opcode: (flags >> 11) & 0xf,
    aa: (flags >> 10) & 1,
    tc: (flags >> 9) & 1,
    rd: (flags >> 8) & 1,
    ra: (flags >> 7) & 1,
    z: (flags >> 4) & 7,
    rcode: flags & 0xf,
    counts: [4, 6, 8, 10].map((o) => res.readUInt16BE(o)),
    question: res.subarray(12, at).toString('hex'),
    record: res.subarray(at).toString('hex'),
  };
}

describe('answer and errorResponse', () => {
  test('an A answer: same id, QR AA set, RA clear, RD copied, question echoed byte for byte, one A record naming offset 12', () => {
    const q = query(GLIBC_A);
    const res = answer(q, { rcode: 'NOERROR', ipv4: '198.19.0.1', ttl: 30 });
    expect(decode(res, q.raw.length)).toEqual({
      id: 0x8633,
      qr: 1,
      opcode: 0,
      aa: 1,
      tc: 0,
      rd: 1,
      ra: 0,
      z: 0,
      rcode: 0,
      counts: [1, 1, 0, 0],
      question: GLIBC_A.subarray(12, 36).toString('hex'),
      //        ptr→12  A    IN   ttl 30    len 4 198.19.0.1
      record: 'c00c' + '0001' + '0001' + '0000001e' + '0004' + 'c6130001',
    });
    // And the resolver's own parser takes no answer for a question: a looped-back response is ignored.
    expect(parseQuery(res)).toEqual({ error: 'ignore' });
  });

  test('no address: NXDOMAIN, REFUSED, NOERROR (AAAA of an allowed name), with RD copied either way and no record', () => {
    const codes: [Rcode, number][] = [
      ['NOERROR', 0],
      ['FORMERR', 1],
      ['NXDOMAIN', 3],
      ['NOTIMP', 4],
      ['REFUSED', 5],
    ];
    for (const rd of [true, false]) {
      const q = query(build({ flags: rd ? 0x0100 : 0, qtype: QTYPE.AAAA, labels: ['MiXeD', 'example'] }));
      for (const [rcode, n] of codes) {
        const d = decode(answer(q, { rcode }), q.raw.length);
        expect(d).toMatchObject({ id: 0x1234, qr: 1, aa: 1, ra: 0, rd: rd ? 1 : 0, rcode: n, counts: [1, 0, 0, 0], record: '' });
        expect(d.question).toBe(q.raw.toString('hex'));
      }
    }
  });

  test("a caller's mistakes throw, naming what is wrong", () => {
    const q = query(build());
    expect(() => answer(q, { rcode: 'NXDOMAIN', ipv4: '1.2.3.4' })).toThrow(/NXDOMAIN/);
    expect(() => answer(query(build({ qtype: QTYPE.AAAA })), { rcode: 'NOERROR', ipv4: '1.2.3.4' })).toThrow(/type 28/);
    expect(() => answer(query(build({ qclass: 3 })), { rcode: 'NOERROR', ipv4: '1.2.3.4' })).toThrow(/class 3/);
    for (const bad of ['1.2.3', '256.0.0.1', '01.2.3.4', '1.2.3.4.5', '::1', ' 1.2.3.4']) {
      expect(() => answer(q, { rcode: 'NOERROR', ipv4: bad }), bad).toThrow(/ipv4/);
    }
    for (const ttl of [-1, 1.5, 2 ** 31]) expect(() => answer(q, { rcode: 'NOERROR', ipv4: '1.2.3.4', ttl }), String(ttl)).toThrow(/ttl/);
    expect(decode(answer(q, { rcode: 'NOERROR', ipv4: '0.0.0.0', ttl: 2 ** 31 - 1 }), q.raw.length).record).toBe(
      'c00c000100017fffffff000400000000',
    );
  });

  test('errorResponse: the header alone, QR set, the rcode, no question', () => {
    expect(errorResponse(0xbeef, 'FORMERR').toString('hex')).toBe('beef80010000000000000000');
    expect(errorResponse(7, 'NOTIMP').toString('hex')).toBe('000780040000000000000000');
  });
});

describe('DNS over TCP framing', () => {
  test('complete messages out, the incomplete tail kept, at every split point', () => {
    const a = build({ id: 1 });
    const b = GLIBC_A;
    const stream = Buffer.concat([frameTcp(a), frameTcp(b)]);
    for (let n = 0; n <= stream.length; n++) {
      const r = splitTcpMessages(stream.subarray(0, n));
      if ('error' in r) throw new Error(r.error);
      const expected = n < a.length + 2 ? [] : n < stream.length ? [a] : [a, b];
      expect(
        r.messages.map((m) => m.toString('hex')),
        `at ${n}`,
      ).toEqual(expected.map((m) => m.toString('hex')));
      const taken = expected.reduce((s, m) => s + m.length + 2, 0);
      expect(r.rest.equals(stream.subarray(taken, n))).toBe(true);
    }
  });

  test('a zero length is an error; more than 64 KiB + 2 buffered is an error; exactly that is a message', () => {
    expect(splitTcpMessages(Buffer.concat([frameTcp(GLIBC_A), Buffer.from([0, 0])]))).toEqual({
      error: expect.stringMatching(/length 0 at byte 49/),
    });
    // The largest message and the first byte of the next prefix: exactly the limit.
    const biggest = Buffer.concat([Buffer.from([0xff, 0xff]), Buffer.alloc(0xffff, 1), Buffer.from([0])]);
    expect(biggest.length).toBe(TCP_BUFFER_LIMIT);
    const ok = splitTcpMessages(biggest);
    expect('messages' in ok && [ok.messages.map((m) => m.length), ok.rest.length]).toEqual([[0xffff], 1]);
    expect(splitTcpMessages(Buffer.concat([biggest, Buffer.from([1])]))).toEqual({
      error: 'DNS over TCP: 65539 bytes buffered, over the 65538-byte limit',
    });
  });

  test('frameTcp: the 2-byte big-endian length, and only lengths 1..65535', () => {
    expect(frameTcp(Buffer.alloc(0x0102)).subarray(0, 2).toString('hex')).toBe('0102');
    expect(() => frameTcp(Buffer.alloc(0))).toThrow(/0 bytes/);
    expect(() => frameTcp(Buffer.alloc(0x10000))).toThrow(/65536 bytes/);
  });
});

/**
 * c-ares (node:dns's Resolver) against a server made of these functions: the
 * queries it sends are read, and the answers are taken by a real resolver.
 * A UDP reply with TC set makes c-ares ask again over TCP, which exercises
 * the framing the same way.
 */
describe('against c-ares (node:dns Resolver)', () => {
  const seen: { via: string; query: Query }[] = [];
  const decide = (q: Query): { rcode: Rcode; ipv4?: string } => {
    if (q.name === 'refused.test') return { rcode: 'REFUSED' };
    if (!q.name.endsWith('allowed.test')) return { rcode: 'NXDOMAIN' };
    return q.qtype === QTYPE.A ? { rcode: 'NOERROR', ipv4: '198.19.0.1' } : { rcode: 'NOERROR' };
  };
  const udp = dgram.createSocket('udp4');
  const tcp = net.createServer((socket) => {
    let buffered: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      const r = splitTcpMessages(Buffer.concat([buffered, chunk]));
      if ('error' in r) {
        socket.destroy();
        return;
      }
      buffered = r.rest;
      for (const m of r.messages) {
        const q = parseQuery(m);
        if ('error' in q) continue;
        seen.push({ via: 'tcp', query: q });
        socket.write(frameTcp(answer(q, { ...decide(q), ttl: 42 })));
      }
    });
  });
  let port = 0;

  beforeAll(async () => {
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    port = (tcp.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => udp.bind(port, '127.0.0.1', resolve));
    udp.on('message', (msg, from) => {
      const q = parseQuery(msg);
      if ('error' in q) return;
      seen.push({ via: 'udp', query: q });
      const res = answer(q, { ...decide(q), ttl: 42 });
      if (q.name.startsWith('tcp.')) res[2] = (res[2] as number) | 0x02; // TC: "ask again over TCP"
      udp.send(res, from.port, from.address);
    });
  });
  afterAll(() => {
    udp.close();
    tcp.close();
  });

  const resolver = () => {
    const r = new Resolver({ timeout: 2000, tries: 1 });
    r.setServers([`127.0.0.1:${port}`]);
    return r;
  };
  const code = (p: Promise<unknown>) =>
    p.then(
      () => 'resolved',
      (e: NodeJS.ErrnoException) => e.code,
    );

  test('A of an allowed name: the address and the ttl, as c-ares reads them', async () => {
    const r = resolver();
    await expect(r.resolve4('Www.Allowed.TEST', { ttl: true })).resolves.toEqual([{ address: '198.19.0.1', ttl: 42 }]);
    const last = seen.at(-1)?.query;
    expect(last).toMatchObject({ name: 'www.allowed.test', qtype: QTYPE.A, qclass: 1, rd: true });
  });

  test('AAAA of an allowed name: no data; a name not allowed: not found; REFUSED: refused', async () => {
    const r = resolver();
    expect(await code(r.resolve6('allowed.test'))).toBe('ENODATA');
    expect(await code(r.resolve4('elsewhere.example'))).toBe('ENOTFOUND');
    expect(await code(r.resolve4('refused.test'))).toBe('EREFUSED');
  });

  test('truncated over UDP: c-ares asks again over TCP and takes the framed answer', async () => {
    const before = seen.length;
    await expect(resolver().resolve4('tcp.allowed.test')).resolves.toEqual(['198.19.0.1']);
    expect(seen.slice(before).map((s) => s.via)).toEqual(['udp', 'tcp']);
  });
});
