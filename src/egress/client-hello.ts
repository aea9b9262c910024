/**
 * The server name a TLS client asks for, read from the first bytes of its
 * connection (the ClientHello's server_name extension, RFC 6066 3), so that
 * the egress proxy can decide before a byte goes upstream. Hand-written and
 * bounds-checked because the bytes come from the sandbox: nothing here
 * throws on input, every length must agree with the one around it, and
 * anything ambiguous (two names, lengths that do not add up) is an error
 * rather than a guess — the upstream server must not see a different name
 * from the one that was allowed.
 *
 * Pure and stateless: call it again with the grown buffer after each read;
 * it answers need:'more' until the whole ClientHello is there.
 */

const RECORD_HANDSHAKE = 0x16;
const RECORD_HEADER = 5;
/** RFC 8446 5.1: a record's plaintext is at most 2^14 bytes. */
const MAX_RECORD = 16384;
const HANDSHAKE_HEADER = 4;
const CLIENT_HELLO = 1;
const EXT_SERVER_NAME = 0;
const NAME_TYPE_HOST_NAME = 0;

/** The largest ClientHello read (the handshake message, its 4-byte header included); real ones are 0.5–2 KiB. */
export const CLIENT_HELLO_LIMIT = 16384;
/**
 * The most bytes readServerName reads before it answers something other than
 * need:'more': a ClientHello at the limit spread over up to 256 records (some
 * clients split it on purpose). A caller holding this many bytes has an answer.
 */
export const CLIENT_HELLO_BUFFER_LIMIT = CLIENT_HELLO_LIMIT + 256 * RECORD_HEADER;

export type ServerNameResult =
  | { need: 'more' }
  | { tls: false }
  | { tls: true; serverName: string | undefined }
  | { tls: true; error: string };

const MORE = { need: 'more' } as const;

/** Thrown inside this module only, to leave a nested read; readServerName turns it into `{ tls: true, error }`. */
class Malformed extends Error {}

/**
 * `{ tls: false }` as soon as the first byte is not a TLS handshake record;
 * `serverName` lower-cased with a trailing dot removed, undefined when the
 * ClientHello has no server_name extension (an ECH outer ClientHello's name
 * is the one reported: that is where the connection goes).
 */
export function readServerName(buf: Buffer): ServerNameResult {
  if (buf.length === 0) return MORE;
  if (buf[0] !== RECORD_HANDSHAKE) return { tls: false };
  try {
    const hello = reassemble(buf);
    return hello === undefined ? MORE : { tls: true, serverName: serverNameOf(hello) };
  } catch (e) {
    if (e instanceof Malformed) return { tls: true, error: e.message };
    throw e;
  }
}

/**
 * The ClientHello's body (after its handshake header), gathered from as many
 * handshake records as carry it; undefined while bytes are missing. Checks
 * what has arrived as it goes, so that a bad start is an error at once, not
 * a wait.
 */
function reassemble(buf: Buffer): Buffer | undefined {
  const fragments: Buffer[] = [];
  let pos = 0;
  let declared = 0; // handshake bytes the records read so far say they carry
  let need: number | undefined; // the ClientHello's length with its handshake header, once that header is in
  while (need === undefined || declared < need) {
    if (pos + RECORD_HEADER + 1 > CLIENT_HELLO_BUFFER_LIMIT) {
      throw new Malformed(`the ClientHello is not complete within ${CLIENT_HELLO_BUFFER_LIMIT} bytes of TLS records`);
    }
    const length = recordLength(buf, pos);
    if (length === undefined) return undefined;
    if (pos + RECORD_HEADER + length > CLIENT_HELLO_BUFFER_LIMIT) {
      throw new Malformed(`the ClientHello is not complete within ${CLIENT_HELLO_BUFFER_LIMIT} bytes of TLS records`);
    }
    fragments.push(buf.subarray(pos + RECORD_HEADER, Math.min(buf.length, pos + RECORD_HEADER + length)));
    declared += length;
    pos += RECORD_HEADER + length;
    if (need === undefined) {
      const start = Buffer.concat(fragments);
      if (start.length >= 1 && start[0] !== CLIENT_HELLO) throw new Malformed(`handshake message type ${start[0]}, not ClientHello (1)`);
      if (start.length >= HANDSHAKE_HEADER) {
        need = HANDSHAKE_HEADER + start.readUIntBE(1, 3);
        if (need > CLIENT_HELLO_LIMIT) throw new Malformed(`ClientHello of ${need} bytes, over the ${CLIENT_HELLO_LIMIT}-byte limit`);
      }
    }
    // Nothing may follow the ClientHello in its record: the server answers before the client sends another handshake message.
    if (need !== undefined && declared > need) throw new Malformed(`${declared - need} handshake bytes after the ClientHello`);
  }
  if (pos > buf.length) return undefined;
  return Buffer.concat(fragments).subarray(HANDSHAKE_HEADER, need);
}

/** The length of the handshake record whose header is at `pos`; undefined until the header is all there, checking what is. */
function recordLength(buf: Buffer, pos: number): number | undefined {
  const at = (i: number) => (pos + i < buf.length ? (buf[pos + i] as number) : undefined);
  const type = at(0);
  if (type !== undefined && type !== RECORD_HANDSHAKE) {
    throw new Malformed(`TLS record of type ${type} at byte ${pos} before the ClientHello is complete (expected handshake, 22)`);
  }
  const major = at(1);
  const minor = at(2);
  if ((major !== undefined && major !== 3) || (minor !== undefined && minor > 4)) {
    throw new Malformed(`TLS record at byte ${pos} has version ${major}.${minor ?? '?'} (expected 3.0–3.4)`);
  }
  if (pos + RECORD_HEADER > buf.length) return undefined;
  const length = buf.readUInt16BE(pos + 3);
  // RFC 8446 5.1: no zero-length handshake fragments, none over 2^14.
  if (length === 0 || length > MAX_RECORD)
    throw new Malformed(`TLS record at byte ${pos} has length ${length} (expected 1..${MAX_RECORD})`);
  return length;
}

/** Sequential reads from a ClientHello body; each fails with the field's name when the bytes run out. */
class Reader {
  pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly where: string,
  ) {}
  get left(): number {
    return this.buf.length - this.pos;
  }
  take(n: number, field: string): Buffer {
    if (n > this.left) throw new Malformed(`${this.where}: ${field} needs ${n} bytes, ${this.left} left`);
    this.pos += n;
    return this.buf.subarray(this.pos - n, this.pos);
  }
  u8(field: string): number {
    return this.take(1, field)[0] as number;
  }
  u16(field: string): number {
    return this.take(2, field).readUInt16BE(0);
  }
}

/** RFC 8446 4.1.2 (and RFC 5246 7.4.1.2: the extensions may be absent altogether). */
function serverNameOf(body: Buffer): string | undefined {
  const r = new Reader(body, 'ClientHello');
  const version = r.u16('legacy_version');
  if (version >> 8 !== 3) throw new Malformed(`ClientHello: legacy_version 0x${version.toString(16).padStart(4, '0')} (expected 0x03xx)`);
  r.take(32, 'random');
  const sessionId = r.u8('legacy_session_id length');
  if (sessionId > 32) throw new Malformed(`ClientHello: legacy_session_id of ${sessionId} bytes (at most 32)`);
  r.take(sessionId, 'legacy_session_id');
  const suites = r.u16('cipher_suites length');
  if (suites === 0 || suites % 2 !== 0) throw new Malformed(`ClientHello: cipher_suites of ${suites} bytes (a positive, even number)`);
  r.take(suites, 'cipher_suites');
  const compression = r.u8('legacy_compression_methods length');
  if (compression === 0) throw new Malformed('ClientHello: legacy_compression_methods is empty');
  r.take(compression, 'legacy_compression_methods');
  if (r.left === 0) return undefined;

  const total = r.u16('extensions length');
  if (total !== r.left) throw new Malformed(`ClientHello: extensions length ${total}, but ${r.left} bytes follow`);
  let name: string | undefined;
  let seen = false;
  while (r.left > 0) {
    const type = r.u16('extension type');
    const data = r.take(r.u16(`extension ${type} length`), `extension ${type}`);
    if (type !== EXT_SERVER_NAME) continue;
    // Two server_name extensions: which one a server takes is its own choice, so neither is trusted.
    if (seen) throw new Malformed('ClientHello: two server_name extensions');
    seen = true;
    name = hostNameOf(data);
  }
  return name;
}

/** RFC 6066 3: a ServerNameList holding exactly one host_name. */
function hostNameOf(ext: Buffer): string {
  const r = new Reader(ext, 'server_name');
  const total = r.u16('server_name_list length');
  if (total !== r.left) throw new Malformed(`server_name: list length ${total}, but ${r.left} bytes follow`);
  let name: Buffer | undefined;
  while (r.left > 0) {
    const type = r.u8('name_type');
    // Only host_name has a defined layout: an entry of another type cannot even be skipped with certainty.
    if (type !== NAME_TYPE_HOST_NAME) throw new Malformed(`server_name: an entry of name_type ${type} (only host_name, 0, is known)`);
    const entry = r.take(r.u16('host_name length'), 'host_name');
    if (name) throw new Malformed('server_name: more than one host_name');
    name = entry;
  }
  if (!name) throw new Malformed('server_name: no host_name in the list');
  if (name.length === 0) throw new Malformed('server_name: empty host_name');
  // Printable ASCII only: no NUL (a C library would stop there), no space or control character to slip into a log line.
  const bad = name.findIndex((b) => b < 0x21 || b > 0x7e);
  if (bad >= 0)
    throw new Malformed(
      `server_name: host_name byte ${bad} is 0x${(name[bad] as number).toString(16).padStart(2, '0')}, not printable ASCII`,
    );
  const text = name.toString('latin1').toLowerCase();
  const trimmed = text.endsWith('.') ? text.slice(0, -1) : text;
  if (trimmed === '') throw new Malformed('server_name: host_name is only "."');
  return trimmed;
}
