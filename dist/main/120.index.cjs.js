"use strict";
exports.id = 120;
exports.ids = [120];
exports.modules = {

/***/ 120:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  startEgress: () => (/* binding */ startEgress)
});

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: ./src/egress/addresses.ts
var addresses = __webpack_require__(3867);
// EXTERNAL MODULE: ./src/egress/host-network.ts
var host_network = __webpack_require__(618);
// EXTERNAL MODULE: external "node:dgram"
var external_node_dgram_ = __webpack_require__(1314);
var external_node_dgram_default = /*#__PURE__*/__webpack_require__.n(external_node_dgram_);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
var external_node_net_default = /*#__PURE__*/__webpack_require__.n(external_node_net_);
// EXTERNAL MODULE: ./src/egress/allow-list.ts
var allow_list = __webpack_require__(8371);
;// CONCATENATED MODULE: ./src/egress/client-hello.ts
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
const CLIENT_HELLO_LIMIT = 16384;
/**
 * The most bytes readServerName reads before it answers something other than
 * need:'more': a ClientHello at the limit spread over up to 256 records (some
 * clients split it on purpose). A caller holding this many bytes has an answer.
 */
const CLIENT_HELLO_BUFFER_LIMIT = CLIENT_HELLO_LIMIT + 256 * RECORD_HEADER;
const MORE = { need: 'more' };
/** Thrown inside this module only, to leave a nested read; readServerName turns it into `{ tls: true, error }`. */
class Malformed extends Error {
}
/**
 * `{ tls: false }` as soon as the first byte is not a TLS handshake record;
 * `serverName` lower-cased with a trailing dot removed, undefined when the
 * ClientHello has no server_name extension (an ECH outer ClientHello's name
 * is the one reported: that is where the connection goes).
 */
function readServerName(buf) {
    if (buf.length === 0)
        return MORE;
    if (buf[0] !== RECORD_HANDSHAKE)
        return { tls: false };
    try {
        const hello = reassemble(buf);
        return hello === undefined ? MORE : { tls: true, serverName: serverNameOf(hello) };
    }
    catch (e) {
        if (e instanceof Malformed)
            return { tls: true, error: e.message };
        throw e;
    }
}
/**
 * The ClientHello's body (after its handshake header), gathered from as many
 * handshake records as carry it; undefined while bytes are missing. Checks
 * what has arrived as it goes, so that a bad start is an error at once, not
 * a wait.
 */
function reassemble(buf) {
    const fragments = [];
    let pos = 0;
    let declared = 0; // handshake bytes the records read so far say they carry
    let need; // the ClientHello's length with its handshake header, once that header is in
    while (need === undefined || declared < need) {
        if (pos + RECORD_HEADER + 1 > CLIENT_HELLO_BUFFER_LIMIT) {
            throw new Malformed(`the ClientHello is not complete within ${CLIENT_HELLO_BUFFER_LIMIT} bytes of TLS records`);
        }
        const length = recordLength(buf, pos);
        if (length === undefined)
            return undefined;
        if (pos + RECORD_HEADER + length > CLIENT_HELLO_BUFFER_LIMIT) {
            throw new Malformed(`the ClientHello is not complete within ${CLIENT_HELLO_BUFFER_LIMIT} bytes of TLS records`);
        }
        fragments.push(buf.subarray(pos + RECORD_HEADER, Math.min(buf.length, pos + RECORD_HEADER + length)));
        declared += length;
        pos += RECORD_HEADER + length;
        if (need === undefined) {
            const start = Buffer.concat(fragments);
            if (start.length >= 1 && start[0] !== CLIENT_HELLO)
                throw new Malformed(`handshake message type ${start[0]}, not ClientHello (1)`);
            if (start.length >= HANDSHAKE_HEADER) {
                need = HANDSHAKE_HEADER + start.readUIntBE(1, 3);
                if (need > CLIENT_HELLO_LIMIT)
                    throw new Malformed(`ClientHello of ${need} bytes, over the ${CLIENT_HELLO_LIMIT}-byte limit`);
            }
        }
        // Nothing may follow the ClientHello in its record: the server answers before the client sends another handshake message.
        if (need !== undefined && declared > need)
            throw new Malformed(`${declared - need} handshake bytes after the ClientHello`);
    }
    if (pos > buf.length)
        return undefined;
    return Buffer.concat(fragments).subarray(HANDSHAKE_HEADER, need);
}
/** The length of the handshake record whose header is at `pos`; undefined until the header is all there, checking what is. */
function recordLength(buf, pos) {
    const at = (i) => (pos + i < buf.length ? buf[pos + i] : undefined);
    const type = at(0);
    if (type !== undefined && type !== RECORD_HANDSHAKE) {
        throw new Malformed(`TLS record of type ${type} at byte ${pos} before the ClientHello is complete (expected handshake, 22)`);
    }
    const major = at(1);
    const minor = at(2);
    if ((major !== undefined && major !== 3) || (minor !== undefined && minor > 4)) {
        throw new Malformed(`TLS record at byte ${pos} has version ${major}.${minor ?? '?'} (expected 3.0–3.4)`);
    }
    if (pos + RECORD_HEADER > buf.length)
        return undefined;
    const length = buf.readUInt16BE(pos + 3);
    // RFC 8446 5.1: no zero-length handshake fragments, none over 2^14.
    if (length === 0 || length > MAX_RECORD)
        throw new Malformed(`TLS record at byte ${pos} has length ${length} (expected 1..${MAX_RECORD})`);
    return length;
}
/** Sequential reads from a ClientHello body; each fails with the field's name when the bytes run out. */
class Reader {
    buf;
    where;
    pos = 0;
    constructor(buf, where) {
        this.buf = buf;
        this.where = where;
    }
    get left() {
        return this.buf.length - this.pos;
    }
    take(n, field) {
        if (n > this.left)
            throw new Malformed(`${this.where}: ${field} needs ${n} bytes, ${this.left} left`);
        this.pos += n;
        return this.buf.subarray(this.pos - n, this.pos);
    }
    u8(field) {
        return this.take(1, field)[0];
    }
    u16(field) {
        return this.take(2, field).readUInt16BE(0);
    }
}
/** RFC 8446 4.1.2 (and RFC 5246 7.4.1.2: the extensions may be absent altogether). */
function serverNameOf(body) {
    const r = new Reader(body, 'ClientHello');
    const version = r.u16('legacy_version');
    if (version >> 8 !== 3)
        throw new Malformed(`ClientHello: legacy_version 0x${version.toString(16).padStart(4, '0')} (expected 0x03xx)`);
    r.take(32, 'random');
    const sessionId = r.u8('legacy_session_id length');
    if (sessionId > 32)
        throw new Malformed(`ClientHello: legacy_session_id of ${sessionId} bytes (at most 32)`);
    r.take(sessionId, 'legacy_session_id');
    const suites = r.u16('cipher_suites length');
    if (suites === 0 || suites % 2 !== 0)
        throw new Malformed(`ClientHello: cipher_suites of ${suites} bytes (a positive, even number)`);
    r.take(suites, 'cipher_suites');
    const compression = r.u8('legacy_compression_methods length');
    if (compression === 0)
        throw new Malformed('ClientHello: legacy_compression_methods is empty');
    r.take(compression, 'legacy_compression_methods');
    if (r.left === 0)
        return undefined;
    const total = r.u16('extensions length');
    if (total !== r.left)
        throw new Malformed(`ClientHello: extensions length ${total}, but ${r.left} bytes follow`);
    let name;
    let seen = false;
    while (r.left > 0) {
        const type = r.u16('extension type');
        const data = r.take(r.u16(`extension ${type} length`), `extension ${type}`);
        if (type !== EXT_SERVER_NAME)
            continue;
        // Two server_name extensions: which one a server takes is its own choice, so neither is trusted.
        if (seen)
            throw new Malformed('ClientHello: two server_name extensions');
        seen = true;
        name = hostNameOf(data);
    }
    return name;
}
/** RFC 6066 3: a ServerNameList holding exactly one host_name. */
function hostNameOf(ext) {
    const r = new Reader(ext, 'server_name');
    const total = r.u16('server_name_list length');
    if (total !== r.left)
        throw new Malformed(`server_name: list length ${total}, but ${r.left} bytes follow`);
    let name;
    while (r.left > 0) {
        const type = r.u8('name_type');
        // Only host_name has a defined layout: an entry of another type cannot even be skipped with certainty.
        if (type !== NAME_TYPE_HOST_NAME)
            throw new Malformed(`server_name: an entry of name_type ${type} (only host_name, 0, is known)`);
        const entry = r.take(r.u16('host_name length'), 'host_name');
        if (name)
            throw new Malformed('server_name: more than one host_name');
        name = entry;
    }
    if (!name)
        throw new Malformed('server_name: no host_name in the list');
    if (name.length === 0)
        throw new Malformed('server_name: empty host_name');
    // Printable ASCII only: no NUL (a C library would stop there), no space or control character to slip into a log line.
    const bad = name.findIndex((b) => b < 0x21 || b > 0x7e);
    if (bad >= 0)
        throw new Malformed(`server_name: host_name byte ${bad} is 0x${name[bad].toString(16).padStart(2, '0')}, not printable ASCII`);
    const text = name.toString('latin1').toLowerCase();
    const trimmed = text.endsWith('.') ? text.slice(0, -1) : text;
    if (trimmed === '')
        throw new Malformed('server_name: host_name is only "."');
    return trimmed;
}

;// CONCATENATED MODULE: ./src/egress/dns-wire.ts
/**
 * The DNS wire format, as far as the egress resolver needs it: read one
 * standard query, write its answer. Hand-written and bounds-checked because
 * the bytes come from the sandbox: every read is checked against the length
 * first, nothing here throws on input, and anything that is not a plain
 * one-question query is refused rather than guessed at. The resolver never
 * forwards, so no other part of the format (answers, compression in names,
 * other record types) is ever read.
 */
const QTYPE = { A: 1, AAAA: 28 };
const QTYPE_OPT = 41;
const CLASS_IN = 1;
const HEADER = 12;
/** RFC 1035 2.3.4: a name is at most 255 bytes on the wire, its length octets and final zero included. */
const MAX_NAME_WIRE = 255;
const MAX_LABEL = 63;
const FLAG_QR = 0x8000;
const FLAG_AA = 0x0400;
const FLAG_RD = 0x0100;
const RCODE = { NOERROR: 0, FORMERR: 1, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 };
/**
 * One query from one UDP datagram or one TCP message (without its length
 * prefix). `ignore`: a response or something too short to answer — never
 * reply (two resolvers answering each other's answers would loop).
 * `formerr`/`notimp` carry the id when the header could be read, so that
 * errorResponse can say so.
 */
function parseQuery(msg) {
    // Without the QR bit there is nothing to reply to safely; without the id no reply can be matched.
    if (msg.length >= 3 && (msg[2] & (FLAG_QR >> 8)) !== 0)
        return { error: 'ignore' };
    if (msg.length < HEADER)
        return { error: 'formerr' };
    const id = msg.readUInt16BE(0);
    const flags = msg.readUInt16BE(2);
    const opcode = (flags >> 11) & 0xf;
    if (opcode !== 0)
        return { error: 'notimp', id };
    const formerr = { error: 'formerr', id };
    const [qd, an, ns, ar] = [4, 6, 8, 10].map((o) => msg.readUInt16BE(o));
    if (qd !== 1 || an !== 0 || ns !== 0 || (ar !== 0 && ar !== 1))
        return formerr;
    const name = readName(msg, HEADER);
    if (!name)
        return formerr;
    let pos = name.end;
    if (pos + 4 > msg.length)
        return formerr;
    const qtype = msg.readUInt16BE(pos);
    const qclass = msg.readUInt16BE(pos + 2);
    pos += 4;
    const questionEnd = pos;
    if (ar === 1) {
        // The one additional record may only be EDNS's OPT (RFC 6891 6.1.2: owner is the root, type 41).
        // It is read to know where it ends, and otherwise ignored: the answer carries no OPT, as from a server without EDNS.
        if (pos + 11 > msg.length || msg[pos] !== 0 || msg.readUInt16BE(pos + 1) !== QTYPE_OPT)
            return formerr;
        const rdlength = msg.readUInt16BE(pos + 9);
        pos += 11 + rdlength;
        if (pos > msg.length)
            return formerr;
    }
    if (pos !== msg.length)
        return formerr;
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
function readName(msg, start) {
    const labels = [];
    let pos = start;
    for (;;) {
        if (pos >= msg.length)
            return undefined;
        const len = msg[pos];
        // 0xc0: a compression pointer (a query has nothing earlier to point at); 0x40/0x80: extended label types (RFC 6891 5); > 63.
        if (len > MAX_LABEL)
            return undefined;
        if (pos + 1 + len - start > MAX_NAME_WIRE)
            return undefined;
        if (len === 0)
            return { text: labels.join('.'), end: pos + 1 };
        if (pos + 1 + len > msg.length)
            return undefined;
        labels.push(presentLabel(msg.subarray(pos + 1, pos + 1 + len)));
        pos += 1 + len;
    }
}
/** RFC 1035 5.1 presentation: a host name stays as it is (lower-cased); any other byte becomes `\DDD`, so it cannot pass for one. */
function presentLabel(label) {
    let out = '';
    for (const b of label) {
        if (b >= 0x41 && b <= 0x5a)
            out += String.fromCharCode(b + 0x20);
        else if (b >= 0x21 && b <= 0x7e && b !== 0x2e && b !== 0x5c)
            out += String.fromCharCode(b);
        else
            out += `\\${b.toString().padStart(3, '0')}`;
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
function answer(q, a) {
    const ttl = a.ttl ?? 60;
    let rdata;
    if (a.ipv4 !== undefined) {
        if (a.rcode !== 'NOERROR')
            throw new Error(`answer: an address (ipv4 ${a.ipv4}) with rcode ${a.rcode}; only NOERROR carries one`);
        if (q.qtype !== QTYPE.A || q.qclass !== CLASS_IN) {
            throw new Error(`answer: an A record for a question of type ${q.qtype}, class ${q.qclass}; only IN A gets one`);
        }
        rdata = ipv4Bytes(a.ipv4);
        // RFC 2181 8: a TTL is 0..2^31-1.
        if (!Number.isInteger(ttl) || ttl < 0 || ttl > 0x7fffffff)
            throw new Error(`answer: ttl ${ttl} is not an integer 0..2147483647`);
    }
    const header = Buffer.alloc(HEADER);
    header.writeUInt16BE(q.id, 0);
    header.writeUInt16BE(FLAG_QR | FLAG_AA | (q.rd ? FLAG_RD : 0) | RCODE[a.rcode], 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(rdata ? 1 : 0, 6);
    if (!rdata)
        return Buffer.concat([header, q.raw]);
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
function errorResponse(id, rcode) {
    const header = Buffer.alloc(HEADER);
    header.writeUInt16BE(id, 0);
    header.writeUInt16BE(FLAG_QR | RCODE[rcode], 2);
    return header;
}
function ipv4Bytes(ip) {
    const parts = ip.split('.');
    if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) {
        throw new Error(`answer: ipv4 "${ip}" is not a dotted-quad IPv4 address`);
    }
    return Buffer.from(parts.map(Number));
}
/** The most unprocessed bytes a TCP connection may hold: 64 KiB and a length prefix (the largest message, its prefix, a byte of the next). */
const TCP_BUFFER_LIMIT = 0x10000 + 2;
/**
 * DNS over TCP (RFC 1035 4.2.2, RFC 7766): each message behind a 2-byte
 * big-endian length. Call it with everything received and not yet taken
 * (the previous `rest` and the new bytes); the complete messages come out,
 * and the incomplete tail stays in `rest`. A zero length cannot be a
 * message; more than TCP_BUFFER_LIMIT bytes at once is refused rather than
 * held (a client sending faster than it is answered).
 */
function splitTcpMessages(buffered) {
    if (buffered.length > TCP_BUFFER_LIMIT) {
        return { error: `DNS over TCP: ${buffered.length} bytes buffered, over the ${TCP_BUFFER_LIMIT}-byte limit` };
    }
    const messages = [];
    let pos = 0;
    while (pos + 2 <= buffered.length) {
        const len = buffered.readUInt16BE(pos);
        if (len === 0)
            return { error: `DNS over TCP: a message of length 0 at byte ${pos}` };
        if (pos + 2 + len > buffered.length)
            break;
        messages.push(buffered.subarray(pos + 2, pos + 2 + len));
        pos += 2 + len;
    }
    return { messages, rest: buffered.subarray(pos) };
}
/** `msg` behind its 2-byte length, for DNS over TCP. */
function frameTcp(msg) {
    if (msg.length === 0 || msg.length > 0xffff)
        throw new Error(`frameTcp: a message of ${msg.length} bytes cannot be framed (1..65535)`);
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16BE(msg.length, 0);
    return Buffer.concat([prefix, msg]);
}

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
;// CONCATENATED MODULE: ./src/egress/http-requests.ts
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


/** The most a request head (request line and headers) may take. */
const HEAD_LIMIT = 64 * 1024;
/** A complete head at the start of `buffered`; undefined while incomplete; null when it is not HTTP/1.x. */
function parseHead(buffered) {
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0)
        return buffered.length > HEAD_LIMIT ? null : undefined;
    const lines = buffered.subarray(0, end).toString('latin1').split('\r\n');
    // A bare CR or LF inside a line is a line end to some servers: what they would read as two requests
    // (or headers) must not pass here as one.
    if (lines.some((line) => /[\r\n]/.test(line)))
        return null;
    const m = /^([A-Za-z]+) (\S+) (HTTP\/1\.[01])$/.exec(lines[0] ?? '');
    if (!m)
        return null;
    const headers = [];
    for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        // No obsolete line folding, no space before the colon: either could hide a header from us but not from the server.
        if (colon <= 0 || /^[\t ]/.test(line) || /[\t ]$/.test(line.slice(0, colon)))
            return null;
        headers.push([line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]);
    }
    return { method: m[1] ?? '', target: m[2] ?? '', version: m[3] ?? '', headers, length: end + 4 };
}
/**
 * The cell → upstream direction of a plain HTTP connection: passes bodies
 * through as they come, hands every head to `decide`, and errors (which
 * ends the connection) on a refusal or a request it cannot frame.
 */
class RequestGuard extends external_node_stream_.Transform {
    decide;
    onRefuse;
    state = { kind: 'head' };
    pending = Buffer.alloc(0);
    constructor(decide, onRefuse) {
        super();
        this.decide = decide;
        this.onRefuse = onRefuse;
    }
    _transform(chunk, _encoding, done) {
        this.pending = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
        const problem = this.drain();
        if (problem) {
            this.onRefuse(problem.refuse, problem.name);
            done(new Error(problem.refuse));
        }
        else {
            done();
        }
    }
    /** Consumes what can be consumed of `pending`; a refusal, if any. */
    drain() {
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
                if (head === undefined)
                    return undefined;
                if (head === null)
                    return { refuse: 'not an HTTP/1.x request' };
                const decision = this.decide(head, this.pending.subarray(0, head.length));
                if ('refuse' in decision)
                    return decision;
                const body = framing(head);
                if (typeof body === 'string')
                    return { refuse: body };
                this.consume(head.length);
                this.push(decision.forward);
                this.state = body;
            }
            else if (s.kind === 'body') {
                const n = Math.min(s.left, this.pending.length);
                this.push(this.consume(n));
                this.state = s.left - n > 0 ? { kind: 'body', left: s.left - n } : { kind: 'head' };
            }
            else if (s.kind === 'chunk-size' || s.kind === 'trailers') {
                const nl = this.pending.indexOf('\r\n');
                if (nl < 0)
                    return this.pending.length > HEAD_LIMIT ? { refuse: 'a chunk line too long' } : undefined;
                const text = this.pending.subarray(0, nl).toString('latin1');
                if (s.kind === 'trailers') {
                    if (text === '')
                        this.state = { kind: 'head' };
                }
                else {
                    const size = /^([0-9A-Fa-f]{1,8})(?:;.*)?$/.exec(text)?.[1];
                    if (size === undefined)
                        return { refuse: 'a malformed chunk size' };
                    const n = Number.parseInt(size, 16);
                    this.state = n === 0 ? { kind: 'trailers' } : { kind: 'chunk-data', left: n };
                }
                this.push(this.consume(nl + 2));
            }
            else if (s.kind === 'chunk-data') {
                const n = Math.min(s.left, this.pending.length);
                this.push(this.consume(n));
                this.state = s.left - n > 0 ? { kind: 'chunk-data', left: s.left - n } : { kind: 'chunk-end' };
            }
            else {
                // A chunk's data ends with CRLF exactly: anything else is framed differently by someone.
                if (this.pending.length < 2)
                    return undefined;
                if (this.pending[0] !== 0x0d || this.pending[1] !== 0x0a)
                    return { refuse: 'a chunk not followed by CRLF' };
                this.push(this.consume(2));
                this.state = { kind: 'chunk-size' };
            }
        }
        return undefined;
    }
    consume(n) {
        const out = this.pending.subarray(0, n);
        this.pending = this.pending.subarray(n);
        return out;
    }
}
/** How many CR and LF bytes `b` starts with. */
function leadingLineEnds(b) {
    let n = 0;
    while (n < b.length && (b[n] === 0x0d || b[n] === 0x0a))
        n += 1;
    return n;
}
/** How a request's body is framed, or why it cannot be told safely. */
function framing(head) {
    const te = head.headers.filter(([k]) => k === 'transfer-encoding').map(([, v]) => v.toLowerCase());
    const cl = head.headers.filter(([k]) => k === 'content-length').map(([, v]) => v);
    if (te.length > 0 && cl.length > 0)
        return 'both Transfer-Encoding and Content-Length';
    if (te.length > 0)
        return te.length === 1 && te[0] === 'chunked' ? { kind: 'chunk-size' } : 'a Transfer-Encoding other than chunked';
    if (cl.length > 1 && new Set(cl).size > 1)
        return 'several Content-Length values';
    const length = cl[0];
    if (length !== undefined && !/^\d{1,15}$/.test(length))
        return 'a malformed Content-Length';
    if (head.headers.some(([k]) => k === 'upgrade'))
        return 'an Upgrade over plain HTTP (use TLS: wss://, https://)';
    const n = length === undefined ? 0 : Number(length);
    return n > 0 ? { kind: 'body', left: n } : { kind: 'head' };
}
/** `host` or `host:port` (IPv6 in brackets), normalised; undefined when it is neither. */
function hostPort(value, defaultPort) {
    const m = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value);
    if (!m)
        return undefined;
    const port = m[2] === undefined ? defaultPort : Number(m[2]);
    if (port < 1 || port > 65535)
        return undefined;
    const raw = m[1] ?? '';
    const host = (0,allow_list/* normalIp */.dP)(raw) ?? (raw.startsWith('[') ? undefined : (0,allow_list/* normalName */.tK)(raw));
    return host === undefined ? undefined : { host, port };
}
/**
 * Where a plain HTTP request goes: the absolute-form URL's host (which a
 * proxy request must have) or else the one Host header; a Host header beside
 * a URL must name the same. A string says why it names nowhere.
 */
function requestDestination(head, proxy) {
    const hosts = head.headers.filter(([k]) => k === 'host').map(([, v]) => v);
    if (hosts.length > 1)
        return 'more than one Host header';
    const url = /^http:\/\/([^/?#@]+)([^#]*)$/i.exec(head.target);
    if (url) {
        const d = hostPort(url[1] ?? '', 80);
        if (!d)
            return 'the URL names no host';
        const host = hosts[0];
        if (host !== undefined && JSON.stringify(hostPort(host, 80)) !== JSON.stringify(d))
            return 'the Host header differs from the URL';
        return { ...d, path: url[2] || '/' };
    }
    if (proxy)
        return /^https:/i.test(head.target) ? 'https:// through the proxy needs CONNECT' : 'an absolute http:// URL (or CONNECT) was expected';
    if (!head.target.startsWith('/') && head.target !== '*')
        return 'the request names no path';
    const d = hosts[0] === undefined ? undefined : hostPort(hosts[0], 80);
    if (!d)
        return hosts[0] === undefined ? 'no Host header' : 'the Host header names no host';
    return { ...d, path: head.target };
}
/** A proxy request's head as the server expects it: origin-form, without the proxy's own headers. */
function originForm(head, path, hostHeader) {
    const kept = head.headers.filter(([k]) => k !== 'proxy-connection' && k !== 'proxy-authorization');
    const host = kept.some(([k]) => k === 'host') ? [] : [`Host: ${hostHeader}`];
    return Buffer.from([`${head.method} ${path} ${head.version}`, ...host, ...kept.map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n'), 'latin1');
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./src/egress/record.ts
/**
 * Every egress decision, as it happens: a JSON Lines file (the `egress-log`
 * output), bounded, and a tally for the job summary and the log. Names come
 * from the cell (a DNS question, a server name, a Host header): the file
 * holds them JSON-escaped; anything shown (summary, log) is a normalised name
 * or IP, or "(malformed)".
 */


/**
 * What a record names when the cell named nothing usable: the action's own
 * words, in parentheses (which no host name has), shown as they are.
 */
const UNNAMED = {
    noServerName: '(no server name)',
    notTls: '(not TLS)',
    noRequest: '(no request)',
    noHost: '(no host)',
    malformed: '(malformed)',
};
const PLACEHOLDERS = new Set(Object.values(UNNAMED));
/** A destination as it may be shown outside the JSON file: a host name, an IP, or one of UNNAMED. */
function shownName(name) {
    if (PLACEHOLDERS.has(name))
        return name;
    return (0,allow_list/* normalIp */.dP)(name) ?? (0,allow_list/* normalName */.tK)(name) ?? UNNAMED.malformed;
}
/** Rows in the tally: past this many distinct destinations the rest count under one row. */
const MAX_ROWS = 200;
class EgressRecord {
    file;
    limit;
    fd;
    written = 0;
    cut = false;
    tally = new Map();
    others;
    /** `limit`: bytes of the file, past which records are counted but not written. */
    constructor(file, limit = 16 * 2 ** 20) {
        this.file = file;
        this.limit = limit;
        this.fd = (0,external_node_fs_.openSync)(file, 'wx', 0o644);
    }
    /** `at`: when the decision was made (a connection is recorded when it ends, with its bytes). */
    add(e, at = new Date()) {
        const line = `${JSON.stringify({ time: at.toISOString(), ...e, name: e.name.slice(0, 300) })}\n`;
        if (this.fd !== undefined && !this.cut) {
            if (this.written + line.length > this.limit) {
                this.cut = true;
                (0,external_node_fs_.writeSync)(this.fd, `${JSON.stringify({ time: new Date().toISOString(), truncated: true })}\n`);
            }
            else {
                this.written += (0,external_node_fs_.writeSync)(this.fd, line);
            }
        }
        this.count(e);
    }
    count(e) {
        const name = shownName(e.name);
        const key = `${e.decision} ${name} ${e.port}`;
        let row = this.tally.get(key);
        if (!row) {
            if (this.tally.size >= MAX_ROWS) {
                this.others ??= {
                    name: '(other destinations)',
                    port: 0,
                    decision: e.decision,
                    reason: undefined,
                    connections: 0,
                    sent: 0,
                    received: 0,
                };
                row = this.others;
            }
            else {
                row = { name, port: e.port, decision: e.decision, reason: e.reason, connections: 0, sent: 0, received: 0 };
                this.tally.set(key, row);
            }
        }
        row.connections += 1;
        row.sent += e.sent;
        row.received += e.received;
    }
    /** Denied first, then by traffic. */
    rows() {
        const rows = [...this.tally.values(), ...(this.others ? [this.others] : [])];
        return rows.sort((a, b) => a.decision === b.decision ? b.sent + b.received - (a.sent + a.received) : a.decision === 'denied' ? -1 : 1);
    }
    close() {
        if (this.fd !== undefined)
            (0,external_node_fs_.closeSync)(this.fd);
        this.fd = undefined;
    }
}

// EXTERNAL MODULE: external "node:dns/promises"
var promises_ = __webpack_require__(1553);
;// CONCATENATED MODULE: ./src/egress/upstream.ts
/**
 * From a destination the cell named to a connection on the runner, or a
 * refusal: the allow-list first, then the name resolved by the runner (its
 * resolver, so /etc/hosts counts), then every address checked, and the
 * connection made to the address that was checked (never to the name again:
 * no second lookup for a rebinding DNS server to answer differently).
 */




const systemLookup = async (name) => (await (0,promises_.lookup)(name, { all: true, verbatim: true })).map((a) => a.address);
/** Whether the cell may go to `d`, and why not: the allow-list's word alone (no lookup). */
function listed(gate, d) {
    if (gate.allow.allows(d))
        return undefined;
    if (!(0,allow_list/* normalIp */.dP)(d.host) && gate.allow.knowsName(d.host))
        return `port ${d.port} is not listed for ${d.host}`;
    return 'not on network.allow';
}
/** The addresses `d` may be connected to, or why none. */
async function addressesFor(gate, d) {
    const why = listed(gate, d);
    if (why)
        return { denied: why };
    const literal = (0,allow_list/* normalIp */.dP)(d.host);
    let found;
    if (literal) {
        found = [literal];
    }
    else {
        try {
            found = await (gate.lookup ?? systemLookup)(d.host);
        }
        catch (error) {
            return { failed: `${d.host} does not resolve on the runner (${error.code ?? 'lookup failed'})` };
        }
    }
    const ok = found.filter((a) => gate.allow.listsIp(a) || (0,addresses/* refusedAddress */.pg)(a, gate.own) === undefined);
    if (ok.length > 0)
        return ok;
    const first = found[0] ?? '';
    return { denied: `${d.host} resolves to ${first} (${(0,addresses/* refusedAddress */.pg)(first, gate.own)}); list that address itself to allow it` };
}
function connect(address, port, timeoutMs) {
    return new Promise((resolve) => {
        const socket = external_node_net_default().connect({ host: address, port, noDelay: true, allowHalfOpen: true });
        const timer = setTimeout(() => {
            socket.destroy();
            resolve(`no answer from ${address}:${port} in ${timeoutMs / 1000} s`);
        }, timeoutMs);
        socket.once('connect', () => {
            clearTimeout(timer);
            socket.removeAllListeners('error');
            // Never without a listener: an 'error' with none (a reset while the cell has not spoken yet) would end
            // the action, and the step, with the cell still running.
            socket.on('error', () => socket.destroy());
            resolve(socket);
        });
        socket.once('error', (error) => {
            clearTimeout(timer);
            resolve(`${address}:${port}: ${error.code ?? error.message}`);
        });
    });
}
/** Opens a connection to `d` on an address that passed, trying each in turn. */
async function openUpstream(gate, d) {
    const addresses = await addressesFor(gate, d);
    if (!Array.isArray(addresses))
        return addresses;
    let last = '';
    for (const address of addresses) {
        const socket = await connect(address, d.port, gate.connectMs ?? 15_000);
        if (typeof socket !== 'string')
            return { socket, address };
        last = socket;
    }
    return { failed: last, address: addresses[0] };
}
/**
 * Joins the cell's connection to the upstream one, both ways, half-closes
 * passed on. Resolves with the bytes each way once both are closed.
 */
function splice(cell, upstream, first, guard) {
    return new Promise((resolve) => {
        // Either side may be gone already (the cell hung up while the upstream connection was made).
        if (cell.destroyed || upstream.destroyed) {
            cell.destroy();
            upstream.destroy();
            return resolve({ sent: upstream.bytesWritten, received: upstream.bytesRead });
        }
        let error;
        const fail = (e) => {
            // A reset is how many clients end a connection they are done with: not worth recording.
            if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE')
                error ??= e.code ?? e.message;
            cell.destroy();
            upstream.destroy();
        };
        cell.on('error', fail);
        upstream.on('error', fail);
        // What the cell sends passes the guard, when there is one (plain HTTP: every request is checked).
        const inbound = guard ?? upstream;
        if (guard) {
            guard.on('error', fail);
            guard.pipe(upstream);
        }
        if (first && first.length > 0)
            inbound.write(first);
        cell.pipe(inbound);
        upstream.pipe(cell);
        cell.resume();
        let open = 2;
        const closed = () => {
            open -= 1;
            if (open > 0)
                return;
            // bytesWritten counts what was written to the socket, the first bytes included.
            resolve({ sent: upstream.bytesWritten, received: upstream.bytesRead, ...(error ? { error } : {}) });
        };
        // A side that closes ends the other: no half-open pair is kept after one side is gone.
        cell.once('close', () => {
            upstream.end();
            setTimeout(() => upstream.destroy(), 5000).unref();
            closed();
        });
        upstream.once('close', () => {
            cell.end();
            setTimeout(() => cell.destroy(), 5000).unref();
            closed();
        });
    });
}

;// CONCATENATED MODULE: ./src/egress/listeners.ts
/**
 * The action's listeners on the runner's end of a cell's veth: all the cell
 * can reach (rules.ts redirects its connections here). Each reads just
 * enough of a connection to learn where it is meant to go (a DNS question, a
 * TLS server name, a Host header, a CONNECT target), asks the gate
 * (upstream.ts), records the decision (record.ts), and then either splices
 * the bytes through unread or refuses. Nothing is decrypted; DNS questions
 * are answered here and never forwarded.
 */








/** How long a connection may take to say where it is going. */
const FIRST_BYTES_MS = 10_000;
/** Connections open at once per cell; more are refused. */
const MAX_OPEN = 512;
const DNS_TTL = 30;
/** With audit: true, lookups on the runner at once, and waiting behind them. */
const AUDIT_LOOKUPS = 4;
const AUDIT_QUEUE = 256;
const TOO_MANY_LOOKUPS = 'too many names looked up at once';
const listeners_CLASS_IN = 1;
const PROXY_PORT = 3128;
/**
 * The listeners are bound on every address, on ports the kernel picks, and
 * without a name lookup: \`listen\` with a host (even "0.0.0.0") goes through
 * dns.lookup, whose first call costs more than the rest of the listeners put
 * together (~8 ms, on the way to the cell's start). So TCP binds with no host
 * (both families where the runner has IPv6, else IPv4) and UDP with a lookup
 * that returns the literal it is given. Only the cell reaches them: through a
 * redirect from its link, and from its own address (fromCell).
 */
const literal = (address, _family, callback) => callback(null, address, 4);
/** The peer's IPv4 address, as a dual-stack socket reports it (::ffff:a.b.c.d) or as it is. */
function peerAddress(remote) {
    return remote?.startsWith('::ffff:') ? remote.slice(7) : remote;
}
/**
 * Reads from `socket` until `decide` can tell, within the size limit and
 * (unless `timeoutMs` is 0) the time limit. The socket is paused afterwards,
 * the bytes read (after `initial`) kept for upstream.
 */
function gather(socket, decide, { initial = Buffer.alloc(0), timeoutMs = FIRST_BYTES_MS } = {}) {
    const now = initial.length > 0 ? decide(initial) : undefined;
    if (now !== undefined)
        return Promise.resolve({ result: now, buffered: initial });
    return new Promise((resolve) => {
        let buffered = initial;
        const done = (value) => {
            clearTimeout(timer);
            socket.off('data', onData);
            socket.off('end', onEnd);
            socket.off('close', onEnd);
            socket.pause();
            resolve(value);
        };
        const onData = (chunk) => {
            buffered = Buffer.concat([buffered, chunk]);
            const result = decide(buffered);
            if (result !== undefined)
                done({ result, buffered });
            else if (buffered.length > HEAD_LIMIT)
                done(undefined);
        };
        const onEnd = () => done(undefined);
        const timer = timeoutMs > 0 ? setTimeout(() => done(undefined), timeoutMs) : undefined;
        socket.on('data', onData);
        socket.on('end', onEnd);
        socket.on('close', onEnd);
        socket.resume();
    });
}
/**
 * What a tunnel carries, from its first bytes: a TLS ClientHello (once it is
 * all there), an HTTP/1.x request line, or anything else (an SSH banner, a
 * database's protocol), known as soon as it differs.
 */
const tunnelOpening = (buffered) => {
    if (buffered[0] === 0x16) {
        const h = hello(buffered);
        return h && { kind: 'tls', hello: h };
    }
    // Servers skip empty lines before a request: so does the look at it.
    const b = buffered.subarray(leadingLineEnds(buffered));
    if (b.length === 0)
        return buffered.length > 8192 ? { kind: 'raw' } : undefined;
    if (b[0] === undefined || b[0] < 0x41 || b[0] > 0x5a)
        return { kind: 'raw' };
    const nl = b.indexOf('\n');
    if (nl < 0)
        return b.length > 8192 ? { kind: 'raw' } : undefined;
    return /^[A-Z]+ \S+ HTTP\/1\.[01]\r$/.test(b.subarray(0, nl).toString('latin1')) ? { kind: 'http' } : { kind: 'raw' };
};
/** A ClientHello's verdict once it is all there: what `gather` waits for on a TLS connection. */
const hello = (b) => {
    const r = readServerName(b);
    return 'need' in r ? undefined : r;
};
/** The message of a 403. */
function refusal(d, why) {
    return `${d.host}:${d.port} is ${why === 'not on network.allow' ? 'not on network.allow' : `refused: ${why}`}`;
}
function refuseHttp(socket, status, message) {
    const body = `gvisor-cell: ${message}\n`;
    socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}
async function startListeners(ctx, extra) {
    const sockets = new Set();
    /** Connections being handled: each records its decision when it ends, which close() waits for. */
    const pending = new Set();
    const track = (p) => {
        pending.add(p);
        p.finally(() => pending.delete(p));
    };
    const servers = [];
    const redirects = [];
    const { gate, record } = ctx;
    const fromCell = (remote) => {
        const cell = ctx.cellAddress();
        return cell !== undefined && peerAddress(remote) === cell;
    };
    /** The listeners bind at once, each on a port of its own. */
    const binding = [];
    /** A connection the gate let through: opened, recorded when it ends. */
    /** `http`: the connection speaks HTTP, and a refusal is a 403 that says why (else the connection is closed). */
    const pass = async (cell, d, via, first, guard, http = false) => {
        const opened = await openUpstream(gate, d);
        if ('denied' in opened) {
            const why = opened.denied;
            return deny(cell, d.host, d.port, via, why, http ? () => refuseHttp(cell, '403 Forbidden', refusal(d, why)) : undefined);
        }
        if ('failed' in opened) {
            record.add({
                name: d.host,
                port: d.port,
                via,
                decision: 'allowed',
                error: opened.failed,
                ...(opened.address ? { address: opened.address } : {}),
                sent: 0,
                received: 0,
            });
            return void cell.destroy();
        }
        sockets.add(opened.socket);
        opened.socket.once('close', () => sockets.delete(opened.socket));
        const at = new Date();
        const bytes = await splice(cell, opened.socket, first, guard);
        record.add({ name: d.host, port: d.port, via, decision: 'allowed', address: opened.address, ...bytes }, at);
    };
    const deny = (cell, name, port, via, reason, reply) => {
        record.add({ name, port, via, decision: 'denied', reason, sent: 0, received: 0 });
        if (reply)
            reply();
        else
            cell.destroy();
    };
    /** A listener for what the cell sends to `address`:`port` (the runner's end, or a listed IP literal). */
    const listen = async (port, handle, address) => {
        const server = external_node_net_default().createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
            if (!fromCell(socket.remoteAddress) || sockets.size >= MAX_OPEN)
                return void socket.destroy();
            sockets.add(socket);
            socket.once('close', () => sockets.delete(socket));
            socket.on('error', () => socket.destroy());
            track(handle(socket).catch(() => void socket.destroy()));
        });
        servers.push(server);
        await new Promise((resolve, reject) => {
            server.once('error', reject);
            server.listen({ port: 0, exclusive: true }, resolve);
        });
        server.on('error', () => { });
        const to = server.address().port;
        redirects.push({ ...(address ? { address } : {}), protocol: 'tcp', port, to });
        return to;
    };
    // --- TLS on 443: the server name decides. ---
    binding.push(listen(443, async (cell) => {
        const got = await gather(cell, hello);
        if (!got)
            return deny(cell, UNNAMED.noServerName, 443, 'tls', 'no TLS ClientHello within 10 s');
        const r = got.result;
        if (!r.tls)
            return deny(cell, UNNAMED.notTls, 443, 'tls', 'not TLS: port 443 takes TLS with a server name only');
        if ('error' in r)
            return deny(cell, UNNAMED.malformed, 443, 'tls', `malformed ClientHello: ${r.error}`);
        const host = r.serverName === undefined ? undefined : ((0,allow_list/* normalIp */.dP)(r.serverName) ?? (0,allow_list/* normalName */.tK)(r.serverName));
        if (!host)
            return deny(cell, r.serverName || UNNAMED.noServerName, 443, 'tls', r.serverName ? 'malformed server name' : 'no server name (SNI)');
        await pass(cell, { host, port: 443 }, 'tls', got.buffered);
    }));
    // --- HTTP on 80: the first request's Host decides where the connection goes; every later one must name the same. ---
    binding.push(listen(80, async (cell) => {
        const got = await gather(cell, (b) => parseHead(b));
        if (!got?.result)
            return deny(cell, UNNAMED.noRequest, 80, 'http', 'no HTTP request head', () => refuseHttp(cell, '400 Bad Request', 'an HTTP request was expected'));
        const first = requestDestination(got.result, false);
        if (typeof first === 'string')
            return deny(cell, UNNAMED.noHost, 80, 'http', first, () => refuseHttp(cell, '400 Bad Request', first));
        const d = { host: first.host, port: first.port };
        if (d.port !== 80) {
            const why = `the request is for port ${d.port}, the connection to port 80`;
            return deny(cell, d.host, 80, 'http', why, () => refuseHttp(cell, '400 Bad Request', why));
        }
        const why = listed(gate, d);
        if (why)
            return deny(cell, d.host, 80, 'http', why, () => refuseHttp(cell, '403 Forbidden', refusal(d, why)));
        await pass(cell, d, 'http', got.buffered, sameHost(d, 'http', false), true);
    }));
    // --- The proxy: CONNECT host:port, or an absolute-form request. ---
    binding.push(listen(PROXY_PORT, async (cell) => {
        const got = await gather(cell, (b) => parseHead(b));
        if (!got?.result)
            return deny(cell, UNNAMED.noRequest, PROXY_PORT, 'connect', 'no proxy request', () => refuseHttp(cell, '400 Bad Request', 'a proxy request was expected'));
        const head = got.result;
        if (head.method === 'CONNECT')
            return connectTunnel(cell, head, got.buffered.subarray(head.length));
        return forwardRequest(cell, head, got.buffered);
    }));
    const connectTunnel = async (cell, head, rest) => {
        const d = hostPort(head.target, 443);
        if (!d || !/:\d+$/.test(head.target)) {
            return deny(cell, head.target, 0, 'connect', 'CONNECT needs host:port', () => refuseHttp(cell, '400 Bad Request', 'CONNECT needs host:port'));
        }
        const why = listed(gate, d);
        if (why)
            return deny(cell, d.host, d.port, 'connect', why, () => refuseHttp(cell, '403 Forbidden', `${d.host}:${d.port} is ${why === 'not on network.allow' ? 'not on network.allow' : `refused: ${why}`}`));
        const opened = await openUpstream(gate, d);
        if ('denied' in opened)
            return deny(cell, d.host, d.port, 'connect', opened.denied, () => refuseHttp(cell, '403 Forbidden', `${d.host}:${d.port} refused: ${opened.denied}`));
        if ('failed' in opened) {
            record.add({ name: d.host, port: d.port, via: 'connect', decision: 'allowed', error: opened.failed, sent: 0, received: 0 });
            return refuseHttp(cell, '502 Bad Gateway', `${d.host}:${d.port}: ${opened.failed}`);
        }
        const upstream = opened.socket;
        sockets.add(upstream);
        upstream.once('close', () => sockets.delete(upstream));
        cell.write('HTTP/1.1 200 Connection established\r\n\r\n');
        // The server may speak first (SMTP, databases): its bytes flow at once; the cell's wait for the check below.
        upstream.pipe(cell, { end: false });
        // What the cell sends first is checked against the tunnel's host: TLS must name it, plain HTTP must ask
        // for it (every request: the guard); anything else passes unread. No time limit: the cell may be
        // waiting for the server.
        const got = await gather(cell, tunnelOpening, { initial: rest, timeoutMs: 0 });
        const first = got?.result;
        if (!got) {
            // The cell hung up before it said anything: the tunnel is over, and recorded as such.
            upstream.destroy();
            cell.destroy();
            record.add({
                name: d.host,
                port: d.port,
                via: 'connect',
                decision: 'allowed',
                address: opened.address,
                sent: 0,
                received: upstream.bytesRead,
            });
            return;
        }
        if (first?.kind === 'tls') {
            const r = first.hello;
            const sni = 'serverName' in r && r.serverName !== undefined ? ((0,allow_list/* normalIp */.dP)(r.serverName) ?? (0,allow_list/* normalName */.tK)(r.serverName)) : undefined;
            const why = 'error' in r
                ? `malformed ClientHello: ${r.error}`
                : !('serverName' in r) || r.serverName === undefined
                    ? (0,allow_list/* normalIp */.dP)(d.host)
                        ? undefined
                        : 'no TLS server name (SNI) in a tunnel to a name'
                    : sni !== d.host
                        ? `the TLS server name (${sni ?? 'malformed'}) differs from the CONNECT target`
                        : undefined;
            if (why) {
                upstream.destroy();
                return deny(cell, d.host, d.port, 'connect', why);
            }
        }
        upstream.unpipe(cell);
        const at = new Date();
        const bytes = await splice(cell, upstream, got?.buffered, first?.kind === 'http' ? sameHost(d, 'connect', false) : undefined);
        record.add({ name: d.host, port: d.port, via: 'connect', decision: 'allowed', address: opened.address, ...bytes }, at);
    };
    /** `GET http://host/…`: checked, and sent on in origin form; every later request on the connection must name the same host. */
    const forwardRequest = async (cell, head, buffered) => {
        const first = requestDestination(head, true);
        if (typeof first === 'string')
            return deny(cell, UNNAMED.noHost, PROXY_PORT, 'connect', first, () => refuseHttp(cell, '400 Bad Request', first));
        const d = { host: first.host, port: first.port };
        const why = listed(gate, d);
        if (why)
            return deny(cell, d.host, d.port, 'connect', why, () => refuseHttp(cell, '403 Forbidden', refusal(d, why)));
        await pass(cell, d, 'connect', buffered, sameHost(d, 'connect', true), true);
    };
    /** The guard of a plain HTTP connection to `d`: each request must be for `d` (proxy: in absolute form, rewritten). */
    const sameHost = (d, via, proxy) => new RequestGuard((head, raw) => {
        const next = requestDestination(head, proxy);
        if (typeof next === 'string')
            return { refuse: next };
        if (head.method.toUpperCase() === 'CONNECT')
            return { refuse: 'CONNECT on a connection already in use', name: next.host };
        if (next.host !== d.host || next.port !== d.port) {
            return { refuse: `a request for ${next.host}:${next.port} on a connection to ${d.host}:${d.port}`, name: next.host };
        }
        return { forward: proxy ? originForm(head, next.path, d.port === 80 ? d.host : `${d.host}:${d.port}`) : Buffer.from(raw) };
    }, (reason, name) => record.add({ name: name ?? UNNAMED.noHost, port: d.port, via, decision: 'denied', reason, sent: 0, received: 0 }));
    // --- Non-standard ports listed for names: the one name there, or the TLS server name among several. ---
    for (const [port, entries] of extra.namePorts) {
        binding.push(listen(port, async (cell) => {
            const only = entries.length === 1 && entries[0]?.kind === 'name' && !entries[0].wildcard ? entries[0] : undefined;
            if (only?.kind === 'name')
                return pass(cell, { host: only.name, port }, 'tcp', Buffer.alloc(0));
            const got = await gather(cell, hello);
            const r = got?.result;
            const host = r && 'serverName' in r && r.serverName !== undefined ? (0,allow_list/* normalName */.tK)(r.serverName) : undefined;
            if (!got || !host)
                return deny(cell, '', port, 'tcp', `several names are listed for port ${port}: TLS with a server name is needed to tell them apart`);
            await pass(cell, { host, port }, 'tcp', got.buffered);
        }));
    }
    // --- Listed IP literals: the address is the destination. ---
    for (const target of extra.ipTargets) {
        binding.push(listen(target.port, (cell) => pass(cell, target, 'tcp', Buffer.alloc(0)), target.host));
    }
    // --- DNS, over UDP and TCP: answered here, never forwarded. ---
    const respond = async (msg) => {
        try {
            return await dnsReply(msg);
        }
        catch {
            // A throw in a socket's handler would end the action with the cell still running: no answer instead.
            return undefined;
        }
    };
    /**
     * With audit: true, a name the list does not name is looked up on the runner first (once per name):
     * one that leads only to refused addresses does not resolve in the cell, and the refusal is recorded
     * (a connection to it could be to a port nothing listens on, which nothing would record).
     */
    const auditVerdicts = new Map();
    // At most a few lookups at once (they take libuv's threads), a bounded queue behind them: a flood of
    // new names is refused, not queued without end.
    let lookingUp = 0;
    const queued = [];
    const lookUp = async (name) => {
        if (lookingUp >= AUDIT_LOOKUPS) {
            if (queued.length >= AUDIT_QUEUE)
                return TOO_MANY_LOOKUPS;
            await new Promise((resolve) => queued.push(resolve));
        }
        lookingUp += 1;
        try {
            const r = await addressesFor(gate, { host: name, port: 443 });
            return Array.isArray(r) ? undefined : 'denied' in r ? r.denied : r.failed;
        }
        finally {
            lookingUp -= 1;
            queued.shift()?.();
        }
    };
    const auditRefusal = (name) => {
        let verdict = auditVerdicts.get(name);
        if (!verdict) {
            // A cell asking for endless new names gets them looked up again rather than kept without bound.
            if (auditVerdicts.size >= 4096)
                auditVerdicts.clear();
            verdict = lookUp(name);
            auditVerdicts.set(name, verdict);
            // Refused for the crowd, not for the name: asked again, it is looked up.
            void verdict.then((v) => v === TOO_MANY_LOOKUPS && auditVerdicts.delete(name));
        }
        return verdict;
    };
    const dnsReply = async (msg) => {
        const q = parseQuery(msg);
        if ('error' in q) {
            if (q.error === 'ignore' || q.id === undefined)
                return undefined;
            return errorResponse(q.id, q.error === 'notimp' ? 'NOTIMP' : 'FORMERR');
        }
        const name = (0,allow_list/* normalName */.tK)(q.name);
        if (!name) {
            record.add({ name: q.name, port: 53, via: 'dns', decision: 'denied', reason: 'not a host name', sent: 0, received: 0 });
            return answer(q, { rcode: 'REFUSED' });
        }
        const refused = !gate.allow.knowsName(name)
            ? 'not on network.allow'
            : gate.allow.audit && !gate.allow.listsName(name)
                ? await auditRefusal(name)
                : undefined;
        if (refused) {
            // A lookup of its own address family only, not every AAAA beside an A: the A is what is recorded.
            if (q.qtype !== QTYPE.AAAA)
                record.add({ name, port: 53, via: 'dns', decision: 'denied', reason: refused, sent: 0, received: 0 });
            return answer(q, { rcode: 'NXDOMAIN' });
        }
        // Every allowed name is the runner's end of the veth; other record types have no data (IPv6 is off in the cell).
        const a = q.qtype === QTYPE.A && q.qclass === listeners_CLASS_IN;
        const host = ctx.hostAddress();
        return a && host ? answer(q, { rcode: 'NOERROR', ipv4: host, ttl: DNS_TTL }) : answer(q, { rcode: 'NOERROR' });
    };
    const udp = external_node_dgram_default().createSocket({ type: 'udp4', lookup: literal });
    servers.push(udp);
    // A send to a cell that is gone must not end the action: errors after binding are dropped.
    udp.on('error', () => { });
    udp.on('message', (msg, from) => {
        if (!fromCell(from.address))
            return;
        void respond(msg).then((reply) => {
            if (reply)
                udp.send(reply, from.port, from.address, () => { });
        });
    });
    binding.push(new Promise((resolve, reject) => {
        udp.once('error', reject);
        udp.bind({ address: '0.0.0.0', port: 0, exclusive: true }, () => resolve());
    }).then(() => redirects.push({ protocol: 'udp', port: 53, to: udp.address().port })));
    binding.push(listen(53, async (cell) => {
        let buffered = Buffer.alloc(0);
        cell.on('data', (chunk) => {
            buffered = Buffer.concat([buffered, chunk]);
            const split = splitTcpMessages(buffered);
            if ('error' in split)
                return void cell.destroy();
            buffered = split.rest;
            for (const m of split.messages) {
                void respond(m).then((reply) => {
                    if (reply && !cell.destroyed)
                        cell.write(frameTcp(reply));
                });
            }
        });
        cell.on('end', () => cell.end());
        cell.resume();
        setTimeout(() => cell.destroy(), 30_000).unref();
    }));
    const bound = await Promise.allSettled(binding);
    const failed = bound.find((b) => b.status === 'rejected');
    if (failed) {
        for (const server of servers) {
            try {
                server.close();
            }
            catch {
                // Never bound: nothing to close.
            }
        }
        throw failed.reason;
    }
    return {
        redirects,
        async close() {
            for (const s of sockets)
                s.destroy();
            // A connection still opening upstream (up to 15 s) is not waited for past a second.
            await Promise.race([Promise.allSettled([...pending]), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
            await Promise.all(servers.map((s) => new Promise((resolve) => {
                if (s instanceof (external_node_net_default()).Server)
                    s.close(() => resolve());
                else
                    s.close(() => resolve());
            })));
        },
    };
}

;// CONCATENATED MODULE: ./src/egress/rules.ts
/**
 * The cell's firewall on the runner: an nftables table of the action's own
 * (`inet gvisor_cell_<id>`), touching no other table. What the cell sends
 * arrives on the runner's end of its veth; there:
 *
 * - DNS, 80, 443 and the proxy port on the runner's end, each listed
 *   non-standard port of a name, and each listed IP literal and port are
 *   redirected to the action's listeners (bound on the runner's end);
 * - only those redirected connections are accepted; any other TCP is reset
 *   (fails at once), anything else is rejected;
 * - the runner's end, and the listeners' ports (they are bound on every
 *   address), take nothing from anywhere else (other links, loopback);
 * - nothing is forwarded to or from the cell's link, whatever the runner's
 *   ip_forward says (Docker turns it on).
 *
 * A drop or reject in any table is final in nftables, so these hold whatever
 * other tables accept; only what they accept here could still be dropped by
 * another table (a firewall of the runner's own), which fails closed.
 */
/**
 * The ruleset is written before the network's addresses are known (the
 * listeners' ports are, and the root shell makes the network and loads the
 * rules in one go): it names them as nftables variables, `$host` (the
 * runner's end) and `$cell` (the cell's own address: nothing else may come
 * from its link, so no answer goes to a spoofed source), which the shell
 * defines in front of it (host-network.ts).
 */
function ruleset(r) {
    const link = `iifname "${r.hostLink}"`;
    const redirects = r.redirects.map((d) => `    ${link} ip daddr ${d.address ?? '$host'} ${d.protocol} dport ${d.port} redirect to :${d.to}`);
    const accepts = r.redirects.map((d) => `    ${link} ip daddr $host ${d.protocol} dport ${d.to} ct status dnat accept`);
    const ports = (protocol) => r.redirects.filter((d) => d.protocol === protocol).map((d) => d.to);
    const others = ['tcp', 'udp']
        .filter((p) => ports(p).length > 0)
        .map((p) => `    iifname != "${r.hostLink}" ${p} dport { ${ports(p).join(', ')} } drop`);
    return [
        `table inet ${r.table} {`,
        '  chain prerouting {',
        '    type nat hook prerouting priority dstnat; policy accept;',
        ...redirects,
        '  }',
        '  chain input {',
        '    type filter hook input priority filter - 10; policy accept;',
        `    ${link} ip saddr != $cell drop`,
        ...[...new Set(accepts)],
        `    ${link} meta l4proto tcp reject with tcp reset`,
        `    ${link} reject with icmpx admin-prohibited`,
        // The listeners are the cell's: nothing else on the runner or its LAN may use them.
        `    iifname != "${r.hostLink}" ip daddr $host drop`,
        ...others,
        '  }',
        '  chain forward {',
        '    type filter hook forward priority filter - 10; policy accept;',
        `    ${link} drop`,
        `    oifname "${r.hostLink}" drop`,
        '  }',
        '}',
    ].join('\n');
}

;// CONCATENATED MODULE: ./src/egress/index.ts






/** Every address of the runner's interfaces: services there are the runner's, whatever the range. */
function runnerAddresses() {
    return (0,addresses/* ownAddresses */.hQ)(Object.values(external_node_os_default().networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address)));
}
/**
 * Makes the cell's network and starts its listeners. On failure, removes
 * whatever was made and throws: the cell never starts without its filter.
 */
async function startEgress(req) {
    const { allow } = req;
    let address;
    let cellAddress;
    const record = new EgressRecord(req.recordFile);
    let listeners;
    let host;
    try {
        // The listeners' ports go into the rules; the root shell loads them once it has made the network.
        listeners = await startListeners({ gate: { allow, own: runnerAddresses() }, record, hostAddress: () => address, cellAddress: () => cellAddress }, { namePorts: allow.namePorts(), ipTargets: allow.ipv4Targets() });
        req.giveRules(ruleset({ table: (0,host_network/* names */.Dy)(req.id).table, hostLink: (0,host_network/* names */.Dy)(req.id).hostLink, redirects: listeners.redirects }));
        host = await req.host;
        address = host.hostAddress;
        cellAddress = host.cellAddress;
    }
    catch (error) {
        req.giveRules(undefined);
        await listeners?.close();
        record.close();
        throw error;
    }
    const started = listeners;
    const kept = record;
    let listening;
    let stopped;
    const stopListening = () => {
        listening ??= started.close().then(() => kept.close());
        return listening;
    };
    return {
        netnsPath: host.netnsPath,
        hostAddress: host.hostAddress,
        proxyPort: PROXY_PORT,
        record: kept,
        stopListening,
        stop(sandboxGone = false) {
            stopped ??= stopListening().then(() => host.close(sandboxGone));
            return stopped;
        },
    };
}


/***/ })

};
;