/**
 * The DNS wire format, as far as the egress resolver needs it: read one
 * standard query, write its answer. Hand-written and bounds-checked because
 * the bytes come from the sandbox: every read is checked against the length
 * first, nothing here throws on input, and anything that is not a plain
 * one-question query is refused rather than guessed at. The resolver never
 * forwards, so no other part of the format (answers, compression in names,
 * other record types) is ever read.
 */

export const QTYPE = { A: 1, AAAA: 28 } as const;
const QTYPE_OPT = 41;
const CLASS_IN = 1;

const HEADER = 12;
/** RFC 1035 2.3.4: a name is at most 255 bytes on the wire, its length octets and final zero included. */
const MAX_NAME_WIRE = 255;
const MAX_LABEL = 63;

const FLAG_QR = 0x8000;
const FLAG_AA = 0x0400;
const FLAG_RD = 0x0100;

export type Query = {
  id: number;
  rd: boolean;
  /** Lower-cased, labels joined with '.', root is "". A byte that could be misread (outside 0x21–0x7e, '.', '\') is written `\DDD`. */
  name: string;
  qtype: number;
  qclass: number;
  /** The question section's bytes, as sent (case kept: a 0x20-randomising resolver checks it comes back unchanged). */
  raw: Buffer;
};

export type QueryError = { error: 'formerr' | 'notimp' | 'ignore'; id?: number };

export type Rcode = 'NOERROR' | 'FORMERR' | 'NXDOMAIN' | 'NOTIMP' | 'REFUSED';
const RCODE: Record<Rcode, number> = { NOERROR: 0, FORMERR: 1, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };

/**
 * One query from one UDP datagram or one TCP message (without its length
 * prefix). `ignore`: a response or something too short to answer — never
 * reply (two resolvers answering each other's answers would loop).
 * `formerr`/`notimp` carry the id when the header could be read, so that
 * errorResponse can say so.
 */
export function parseQuery(msg: Buffer): Query | QueryError {
  // Without the QR bit there is nothing to reply to safely; without the id no reply can be matched.
  if (msg.length >= 3 && ((msg[2] as number) & (FLAG_QR >> 8)) !== 0) return { error: 'ignore' };
  if (msg.length < HEADER) return { error: 'formerr' };
  const id = msg.readUInt16BE(0);
  const flags = msg.readUInt16BE(2);
  const opcode = (flags >> 11) & 0xf;
  if (opcode !== 0) return { error: 'notimp', id };
  const formerr = { error: 'formerr', id } as const;
  const [qd, an, ns, ar] = [4, 6, 8, 10].map((o) => msg.readUInt16BE(o));
  if (qd !== 1 || an !== 0 || ns !== 0 || (ar !== 0 && ar !== 1)) return formerr;

  const name = readName(msg, HEADER);
  if (!name) return formerr;
  let pos = name.end;
  if (pos + 4 > msg.length) return formerr;
  const qtype = msg.readUInt16BE(pos);
  const qclass = msg.readUInt16BE(pos + 2);
  pos += 4;
  const questionEnd = pos;

  if (ar === 1) {
    // The one additional record may only be EDNS's OPT (RFC 6891 6.1.2: owner is the root, type 41).
    // It is read to know where it ends, and otherwise ignored: the answer carries no OPT, as from a server without EDNS.
    if (pos + 11 > msg.length || msg[pos] !== 0 || msg.readUInt16BE(pos + 1) !== QTYPE_OPT) return formerr;
    const rdlength = msg.readUInt16BE(pos + 9);
    pos += 11 + rdlength;
    if (pos > msg.length) return formerr;
  }
  if (pos !== msg.length) return formerr;

  return {
    id,
    rd: (flags & FLAG_RD) !== 0,
    name: name.text,
    qtype,
    qclass,
    raw: Buffer.from(msg.subarray(HEADER, questionEnd)),
  };
}

/** An uncompressed name at `start`; undefined when it is malformed or runs past the end. */
function readName(msg: Buffer, start: number): { text: string; end: number } | undefined {
  const labels: string[] = [];
  let pos = start;
  for (;;) {
    if (pos >= msg.length) return undefined;
    const len = msg[pos] as number;
    // 0xc0: a compression pointer (a query has nothing earlier to point at); 0x40/0x80: extended label types (RFC 6891 5); > 63.
    if (len > MAX_LABEL) return undefined;
    if (pos + 1 + len - start > MAX_NAME_WIRE) return undefined;
    if (len === 0) return { text: labels.join('.'), end: pos + 1 };
    if (pos + 1 + len > msg.length) return undefined;
    labels.push(presentLabel(msg.subarray(pos + 1, pos + 1 + len)));
    pos += 1 + len;
  }
}

/** RFC 1035 5.1 presentation: a host name stays as it is (lower-cased); any other byte becomes `\DDD`, so it cannot pass for one. */
function presentLabel(label: Buffer): string {
  let out = '';
  for (const b of label) {
    if (b >= 0x41 && b <= 0x5a) out += String.fromCharCode(b + 0x20);
    else if (b >= 0x21 && b <= 0x7e && b !== 0x2e && b !== 0x5c) out += String.fromCharCode(b);
    else out += `\\${b.toString().padStart(3, '0')}`;
  }
  return out;
}

/**
 * The response to `q`: same id, QR and AA set, RA clear (this resolver does
 * not recurse; it decides), RD copied, the question echoed byte for byte,
 * and one A record pointing at the question's name when `ipv4` is given.
 * Throws on a caller's mistake (an address with an error rcode, an A record
 * for a question that is not IN A, a bad address or ttl), never on q's content.
 */
export function answer(q: Query, a: { rcode: Rcode; ipv4?: string; ttl?: number }): Buffer {
  const ttl = a.ttl ?? 60;
  let rdata: Buffer | undefined;
  if (a.ipv4 !== undefined) {
    if (a.rcode !== 'NOERROR') throw new Error(`answer: an address (ipv4 ${a.ipv4}) with rcode ${a.rcode}; only NOERROR carries one`);
    if (q.qtype !== QTYPE.A || q.qclass !== CLASS_IN) {
      throw new Error(`answer: an A record for a question of type ${q.qtype}, class ${q.qclass}; only IN A gets one`);
    }
    rdata = ipv4Bytes(a.ipv4);
    // RFC 2181 8: a TTL is 0..2^31-1.
    if (!Number.isInteger(ttl) || ttl < 0 || ttl > 0x7fffffff) throw new Error(`answer: ttl ${ttl} is not an integer 0..2147483647`);
  }
  const header = Buffer.alloc(HEADER);
  header.writeUInt16BE(q.id, 0);
  header.writeUInt16BE(FLAG_QR | FLAG_AA | (q.rd ? FLAG_RD : 0) | RCODE[a.rcode], 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(rdata ? 1 : 0, 6);
  if (!rdata) return Buffer.concat([header, q.raw]);
  const record = Buffer.alloc(16);
  record.writeUInt16BE(0xc000 | HEADER, 0); // the name: a pointer to the question's, which starts right after the header
  record.writeUInt16BE(QTYPE.A, 2);
  record.writeUInt16BE(CLASS_IN, 4);
  record.writeUInt32BE(ttl, 6);
  record.writeUInt16BE(4, 10);
  rdata.copy(record, 12);
  return Buffer.concat([header, q.raw, record]);
}

/** A header-only response, for a query whose question cannot be echoed (malformed, or an opcode this resolver does not know). */
export function errorResponse(id: number, rcode: 'FORMERR' | 'NOTIMP'): Buffer {
  const header = Buffer.alloc(HEADER);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(FLAG_QR | RCODE[rcode], 2);
  return header;
}

function ipv4Bytes(ip: string): Buffer {
  const parts = ip.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) {
    throw new Error(`answer: ipv4 "${ip}" is not a dotted-quad IPv4 address`);
  }
  return Buffer.from(parts.map(Number));
}

/** The most unprocessed bytes a TCP connection may hold: 64 KiB and a length prefix (the largest message, its prefix, a byte of the next). */
export const TCP_BUFFER_LIMIT = 0x10000 + 2;

/**
 * DNS over TCP (RFC 1035 4.2.2, RFC 7766): each message behind a 2-byte
 * big-endian length. Call it with everything received and not yet taken
 * (the previous `rest` and the new bytes); the complete messages come out,
 * and the incomplete tail stays in `rest`. A zero length cannot be a
 * message; more than TCP_BUFFER_LIMIT bytes at once is refused rather than
 * held (a client sending faster than it is answered).
 */
export function splitTcpMessages(buffered: Buffer): { messages: Buffer[]; rest: Buffer } | { error: string } {
  if (buffered.length > TCP_BUFFER_LIMIT) {
    return { error: `DNS over TCP: ${buffered.length} bytes buffered, over the ${TCP_BUFFER_LIMIT}-byte limit` };
  }
  const messages: Buffer[] = [];
  let pos = 0;
  while (pos + 2 <= buffered.length) {
    const len = buffered.readUInt16BE(pos);
    if (len === 0) return { error: `DNS over TCP: a message of length 0 at byte ${pos}` };
    if (pos + 2 + len > buffered.length) break;
    messages.push(buffered.subarray(pos + 2, pos + 2 + len));
    pos += 2 + len;
  }
  return { messages, rest: buffered.subarray(pos) };
}

/** `msg` behind its 2-byte length, for DNS over TCP. */
export function frameTcp(msg: Buffer): Buffer {
  if (msg.length === 0 || msg.length > 0xffff) throw new Error(`frameTcp: a message of ${msg.length} bytes cannot be framed (1..65535)`);
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(msg.length, 0);
  return Buffer.concat([prefix, msg]);
}
