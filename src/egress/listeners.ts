/**
 * The action's listeners on the runner's end of a cell's veth: all the cell
 * can reach (rules.ts redirects its connections here). Each reads just
 * enough of a connection to learn where it is meant to go (a DNS question, a
 * TLS server name, a Host header, a CONNECT target), asks the gate
 * (upstream.ts), records the decision (record.ts), and then either splices
 * the bytes through unread or refuses. Nothing is decrypted; DNS questions
 * are answered here and never forwarded.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { type AllowEntry, type Destination, normalIp, normalName } from './allow-list.js';
import { readServerName } from './client-hello.js';
import { answer, errorResponse, frameTcp, parseQuery, QTYPE, splitTcpMessages } from './dns-wire.js';
import {
  HEAD_LIMIT,
  hostPort,
  leadingLineEnds,
  originForm,
  parseHead,
  RequestGuard,
  type RequestHead,
  requestDestination,
} from './http-requests.js';
import { type EgressRecord, UNNAMED, type Via } from './record.js';
import type { Redirect } from './rules.js';
import { addressesFor, type Gate, listed, openUpstream, splice } from './upstream.js';

/** How long a connection may take to say where it is going. */
const FIRST_BYTES_MS = 10_000;
/** Connections open at once per cell; more are refused. */
const MAX_OPEN = 512;
const DNS_TTL = 30;
/** With audit: true, lookups on the runner at once, and waiting behind them. */
const AUDIT_LOOKUPS = 4;
const AUDIT_QUEUE = 256;
const TOO_MANY_LOOKUPS = 'too many names looked up at once';
const CLASS_IN = 1;
export const PROXY_PORT = 3128;

export interface ListenerContext {
  gate: Gate;
  record: EgressRecord;
  /**
   * The runner's end of the veth, once the network exists (the listeners are
   * bound before: their ports go into the firewall rules that make it): what
   * an allowed name resolves to.
   */
  hostAddress: () => string | undefined;
  /**
   * The cell's own address, once the network exists: the only source the
   * listeners answer. The rules already keep every other link off their
   * ports (rules.ts), but only once loaded; this holds from the first moment
   * the listeners are bound, and whatever another table of the runner's lets in.
   */
  cellAddress: () => string | undefined;
}

/**
 * The listeners are bound on every address, on ports the kernel picks, and
 * without a name lookup: \`listen\` with a host (even "0.0.0.0") goes through
 * dns.lookup, whose first call costs more than the rest of the listeners put
 * together (~8 ms, on the way to the cell's start). So TCP binds with no host
 * (both families where the runner has IPv6, else IPv4) and UDP with a lookup
 * that returns the literal it is given. Only the cell reaches them: through a
 * redirect from its link, and from its own address (fromCell).
 */
const literal = (address: string, _family: unknown, callback: (error: null, address: string, family: number) => void) =>
  callback(null, address, 4);

/** The peer's IPv4 address, as a dual-stack socket reports it (::ffff:a.b.c.d) or as it is. */
export function peerAddress(remote: string | undefined): string | undefined {
  return remote?.startsWith('::ffff:') ? remote.slice(7) : remote;
}

export interface Listeners {
  redirects: Redirect[];
  close(): Promise<void>;
}

type Decide<T> = (buffered: Buffer) => T | undefined;

/**
 * Reads from `socket` until `decide` can tell, within the size limit and
 * (unless `timeoutMs` is 0) the time limit. The socket is paused afterwards,
 * the bytes read (after `initial`) kept for upstream.
 */
function gather<T>(
  socket: net.Socket,
  decide: Decide<T>,
  { initial = Buffer.alloc(0), timeoutMs = FIRST_BYTES_MS }: { initial?: Buffer; timeoutMs?: number } = {},
): Promise<{ result: T; buffered: Buffer } | undefined> {
  const now = initial.length > 0 ? decide(initial) : undefined;
  if (now !== undefined) return Promise.resolve({ result: now, buffered: initial });
  return new Promise((resolve) => {
    let buffered: Buffer = initial;
    const done = (value: { result: T; buffered: Buffer } | undefined) => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
      socket.pause();
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const result = decide(buffered);
      if (result !== undefined) done({ result, buffered });
      else if (buffered.length > HEAD_LIMIT) done(undefined);
    };
    const onEnd = () => done(undefined);
    const timer = timeoutMs > 0 ? setTimeout(() => done(undefined), timeoutMs) : undefined;
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.resume();
  });
}

type Opening = { kind: 'tls'; hello: Exclude<ReturnType<typeof readServerName>, { need: 'more' }> } | { kind: 'http' } | { kind: 'raw' };

/**
 * What a tunnel carries, from its first bytes: a TLS ClientHello (once it is
 * all there), an HTTP/1.x request line, or anything else (an SSH banner, a
 * database's protocol), known as soon as it differs.
 */
const tunnelOpening: Decide<Opening> = (buffered) => {
  if (buffered[0] === 0x16) {
    const h = hello(buffered);
    return h && { kind: 'tls', hello: h };
  }
  // Servers skip empty lines before a request: so does the look at it.
  const b = buffered.subarray(leadingLineEnds(buffered));
  if (b.length === 0) return buffered.length > 8192 ? { kind: 'raw' } : undefined;
  if (b[0] === undefined || b[0] < 0x41 || b[0] > 0x5a) return { kind: 'raw' };
  const nl = b.indexOf('\n');
  if (nl < 0) return b.length > 8192 ? { kind: 'raw' } : undefined;
  return /^[A-Z]+ \S+ HTTP\/1\.[01]\r$/.test(b.subarray(0, nl).toString('latin1')) ? { kind: 'http' } : { kind: 'raw' };
};

/** A ClientHello's verdict once it is all there: what `gather` waits for on a TLS connection. */
const hello: Decide<Exclude<ReturnType<typeof readServerName>, { need: 'more' }>> = (b) => {
  const r = readServerName(b);
  return 'need' in r ? undefined : r;
};

/** The message of a 403. */
function refusal(d: Destination, why: string): string {
  return `${d.host}:${d.port} is ${why === 'not on network.allow' ? 'not on network.allow' : `refused: ${why}`}`;
}

function refuseHttp(socket: net.Socket, status: string, message: string): void {
  const body = `gvisor-cell: ${message}\n`;
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export async function startListeners(
  ctx: ListenerContext,
  extra: { namePorts: Map<number, AllowEntry[]>; ipTargets: Destination[] },
): Promise<Listeners> {
  const sockets = new Set<net.Socket>();
  /** Connections being handled: each records its decision when it ends, which close() waits for. */
  const pending = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    pending.add(p);
    p.finally(() => pending.delete(p));
  };
  const servers: (net.Server | dgram.Socket)[] = [];
  const redirects: Redirect[] = [];
  const { gate, record } = ctx;
  const fromCell = (remote: string | undefined) => {
    const cell = ctx.cellAddress();
    return cell !== undefined && peerAddress(remote) === cell;
  };

  /** The listeners bind at once, each on a port of its own. */
  const binding: Promise<unknown>[] = [];

  /** A connection the gate let through: opened, recorded when it ends. */
  /** `http`: the connection speaks HTTP, and a refusal is a 403 that says why (else the connection is closed). */
  const pass = async (cell: net.Socket, d: Destination, via: Via, first: Buffer, guard?: RequestGuard, http = false): Promise<void> => {
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

  const deny = (cell: net.Socket, name: string, port: number, via: Via, reason: string, reply?: () => void) => {
    record.add({ name, port, via, decision: 'denied', reason, sent: 0, received: 0 });
    if (reply) reply();
    else cell.destroy();
  };

  /** A listener for what the cell sends to `address`:`port` (the runner's end, or a listed IP literal). */
  const listen = async (port: number, handle: (socket: net.Socket) => Promise<void>, address?: string): Promise<number> => {
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
      if (!fromCell(socket.remoteAddress) || sockets.size >= MAX_OPEN) return void socket.destroy();
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      track(handle(socket).catch(() => void socket.destroy()));
    });
    servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port: 0, exclusive: true }, resolve);
    });
    server.on('error', () => {});
    const to = (server.address() as net.AddressInfo).port;
    redirects.push({ ...(address ? { address } : {}), protocol: 'tcp', port, to });
    return to;
  };

  // --- TLS on 443: the server name decides. ---
  binding.push(
    listen(443, async (cell) => {
      const got = await gather(cell, hello);
      if (!got) return deny(cell, UNNAMED.noServerName, 443, 'tls', 'no TLS ClientHello within 10 s');
      const r = got.result;
      if (!r.tls) return deny(cell, UNNAMED.notTls, 443, 'tls', 'not TLS: port 443 takes TLS with a server name only');
      if ('error' in r) return deny(cell, UNNAMED.malformed, 443, 'tls', `malformed ClientHello: ${r.error}`);
      const host = r.serverName === undefined ? undefined : (normalIp(r.serverName) ?? normalName(r.serverName));
      if (!host)
        return deny(
          cell,
          r.serverName || UNNAMED.noServerName,
          443,
          'tls',
          r.serverName ? 'malformed server name' : 'no server name (SNI)',
        );
      await pass(cell, { host, port: 443 }, 'tls', got.buffered);
    }),
  );

  // --- HTTP on 80: the first request's Host decides where the connection goes; every later one must name the same. ---
  binding.push(
    listen(80, async (cell) => {
      const got = await gather(cell, (b) => parseHead(b));
      if (!got?.result)
        return deny(cell, UNNAMED.noRequest, 80, 'http', 'no HTTP request head', () =>
          refuseHttp(cell, '400 Bad Request', 'an HTTP request was expected'),
        );
      const first = requestDestination(got.result, false);
      if (typeof first === 'string') return deny(cell, UNNAMED.noHost, 80, 'http', first, () => refuseHttp(cell, '400 Bad Request', first));
      const d = { host: first.host, port: first.port };
      if (d.port !== 80) {
        const why = `the request is for port ${d.port}, the connection to port 80`;
        return deny(cell, d.host, 80, 'http', why, () => refuseHttp(cell, '400 Bad Request', why));
      }
      const why = listed(gate, d);
      if (why) return deny(cell, d.host, 80, 'http', why, () => refuseHttp(cell, '403 Forbidden', refusal(d, why)));
      await pass(cell, d, 'http', got.buffered, sameHost(d, 'http', false), true);
    }),
  );

  // --- The proxy: CONNECT host:port, or an absolute-form request. ---
  binding.push(
    listen(PROXY_PORT, async (cell) => {
      const got = await gather(cell, (b) => parseHead(b));
      if (!got?.result)
        return deny(cell, UNNAMED.noRequest, PROXY_PORT, 'connect', 'no proxy request', () =>
          refuseHttp(cell, '400 Bad Request', 'a proxy request was expected'),
        );
      const head = got.result;
      if (head.method === 'CONNECT') return connectTunnel(cell, head, got.buffered.subarray(head.length));
      return forwardRequest(cell, head, got.buffered);
    }),
  );

  const connectTunnel = async (cell: net.Socket, head: RequestHead, rest: Buffer) => {
    const d = hostPort(head.target, 443);
    if (!d || !/:\d+$/.test(head.target)) {
      return deny(cell, head.target, 0, 'connect', 'CONNECT needs host:port', () =>
        refuseHttp(cell, '400 Bad Request', 'CONNECT needs host:port'),
      );
    }
    const why = listed(gate, d);
    if (why)
      return deny(cell, d.host, d.port, 'connect', why, () =>
        refuseHttp(
          cell,
          '403 Forbidden',
          `${d.host}:${d.port} is ${why === 'not on network.allow' ? 'not on network.allow' : `refused: ${why}`}`,
        ),
      );
    const opened = await openUpstream(gate, d);
    if ('denied' in opened)
      return deny(cell, d.host, d.port, 'connect', opened.denied, () =>
        refuseHttp(cell, '403 Forbidden', `${d.host}:${d.port} refused: ${opened.denied}`),
      );
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
      const sni = 'serverName' in r && r.serverName !== undefined ? (normalIp(r.serverName) ?? normalName(r.serverName)) : undefined;
      const why =
        'error' in r
          ? `malformed ClientHello: ${r.error}`
          : !('serverName' in r) || r.serverName === undefined
            ? normalIp(d.host)
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
  const forwardRequest = async (cell: net.Socket, head: RequestHead, buffered: Buffer) => {
    const first = requestDestination(head, true);
    if (typeof first === 'string')
      return deny(cell, UNNAMED.noHost, PROXY_PORT, 'connect', first, () => refuseHttp(cell, '400 Bad Request', first));
    const d = { host: first.host, port: first.port };
    const why = listed(gate, d);
    if (why) return deny(cell, d.host, d.port, 'connect', why, () => refuseHttp(cell, '403 Forbidden', refusal(d, why)));
    await pass(cell, d, 'connect', buffered, sameHost(d, 'connect', true), true);
  };

  /** The guard of a plain HTTP connection to `d`: each request must be for `d` (proxy: in absolute form, rewritten). */
  const sameHost = (d: Destination, via: Via, proxy: boolean) =>
    new RequestGuard(
      (head, raw) => {
        const next = requestDestination(head, proxy);
        if (typeof next === 'string') return { refuse: next };
        if (head.method.toUpperCase() === 'CONNECT') return { refuse: 'CONNECT on a connection already in use', name: next.host };
        if (next.host !== d.host || next.port !== d.port) {
          return { refuse: `a request for ${next.host}:${next.port} on a connection to ${d.host}:${d.port}`, name: next.host };
        }
        return { forward: proxy ? originForm(head, next.path, d.port === 80 ? d.host : `${d.host}:${d.port}`) : Buffer.from(raw) };
      },
      (reason, name) => record.add({ name: name ?? UNNAMED.noHost, port: d.port, via, decision: 'denied', reason, sent: 0, received: 0 }),
    );

  // --- Non-standard ports listed for names: the one name there, or the TLS server name among several. ---
  for (const [port, entries] of extra.namePorts) {
    binding.push(
      listen(port, async (cell) => {
        const only = entries.length === 1 && entries[0]?.kind === 'name' && !entries[0].wildcard ? entries[0] : undefined;
        if (only?.kind === 'name') return pass(cell, { host: only.name, port }, 'tcp', Buffer.alloc(0));
        const got = await gather(cell, hello);
        const r = got?.result;
        const host = r && 'serverName' in r && r.serverName !== undefined ? normalName(r.serverName) : undefined;
        if (!got || !host)
          return deny(
            cell,
            '',
            port,
            'tcp',
            `several names are listed for port ${port}: TLS with a server name is needed to tell them apart`,
          );
        await pass(cell, { host, port }, 'tcp', got.buffered);
      }),
    );
  }

  // --- Listed IP literals: the address is the destination. ---
  for (const target of extra.ipTargets) {
    binding.push(listen(target.port, (cell) => pass(cell, target, 'tcp', Buffer.alloc(0)), target.host));
  }

  // --- DNS, over UDP and TCP: answered here, never forwarded. ---
  const respond = async (msg: Buffer): Promise<Buffer | undefined> => {
    try {
      return await dnsReply(msg);
    } catch {
      // A throw in a socket's handler would end the action with the cell still running: no answer instead.
      return undefined;
    }
  };
  /**
   * With audit: true, a name the list does not name is looked up on the runner first (once per name):
   * one that leads only to refused addresses does not resolve in the cell, and the refusal is recorded
   * (a connection to it could be to a port nothing listens on, which nothing would record).
   */
  const auditVerdicts = new Map<string, Promise<string | undefined>>();
  // At most a few lookups at once (they take libuv's threads), a bounded queue behind them: a flood of
  // new names is refused, not queued without end.
  let lookingUp = 0;
  const queued: (() => void)[] = [];
  const lookUp = async (name: string): Promise<string | undefined> => {
    if (lookingUp >= AUDIT_LOOKUPS) {
      if (queued.length >= AUDIT_QUEUE) return TOO_MANY_LOOKUPS;
      await new Promise<void>((resolve) => queued.push(resolve));
    }
    lookingUp += 1;
    try {
      const r = await addressesFor(gate, { host: name, port: 443 });
      return Array.isArray(r) ? undefined : 'denied' in r ? r.denied : r.failed;
    } finally {
      lookingUp -= 1;
      queued.shift()?.();
    }
  };
  const auditRefusal = (name: string): Promise<string | undefined> => {
    let verdict = auditVerdicts.get(name);
    if (!verdict) {
      // A cell asking for endless new names gets them looked up again rather than kept without bound.
      if (auditVerdicts.size >= 4096) auditVerdicts.clear();
      verdict = lookUp(name);
      auditVerdicts.set(name, verdict);
      // Refused for the crowd, not for the name: asked again, it is looked up.
      void verdict.then((v) => v === TOO_MANY_LOOKUPS && auditVerdicts.delete(name));
    }
    return verdict;
  };
  const dnsReply = async (msg: Buffer): Promise<Buffer | undefined> => {
    const q = parseQuery(msg);
    if ('error' in q) {
      if (q.error === 'ignore' || q.id === undefined) return undefined;
      return errorResponse(q.id, q.error === 'notimp' ? 'NOTIMP' : 'FORMERR');
    }
    const name = normalName(q.name);
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
      if (q.qtype !== QTYPE.AAAA) record.add({ name, port: 53, via: 'dns', decision: 'denied', reason: refused, sent: 0, received: 0 });
      return answer(q, { rcode: 'NXDOMAIN' });
    }
    // Every allowed name is the runner's end of the veth; other record types have no data (IPv6 is off in the cell).
    const a = q.qtype === QTYPE.A && q.qclass === CLASS_IN;
    const host = ctx.hostAddress();
    return a && host ? answer(q, { rcode: 'NOERROR', ipv4: host, ttl: DNS_TTL }) : answer(q, { rcode: 'NOERROR' });
  };
  const udp = dgram.createSocket({ type: 'udp4', lookup: literal });
  servers.push(udp);
  // A send to a cell that is gone must not end the action: errors after binding are dropped.
  udp.on('error', () => {});
  udp.on('message', (msg, from) => {
    if (!fromCell(from.address)) return;
    void respond(msg).then((reply) => {
      if (reply) udp.send(reply, from.port, from.address, () => {});
    });
  });
  binding.push(
    new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind({ address: '0.0.0.0', port: 0, exclusive: true }, () => resolve());
    }).then(() => redirects.push({ protocol: 'udp', port: 53, to: udp.address().port })),
  );
  binding.push(
    listen(53, async (cell) => {
      let buffered: Buffer = Buffer.alloc(0);
      cell.on('data', (chunk: Buffer) => {
        buffered = Buffer.concat([buffered, chunk]);
        const split = splitTcpMessages(buffered);
        if ('error' in split) return void cell.destroy();
        buffered = split.rest;
        for (const m of split.messages) {
          void respond(m).then((reply) => {
            if (reply && !cell.destroyed) cell.write(frameTcp(reply));
          });
        }
      });
      cell.on('end', () => cell.end());
      cell.resume();
      setTimeout(() => cell.destroy(), 30_000).unref();
    }),
  );

  const bound = await Promise.allSettled(binding);
  const failed = bound.find((b): b is PromiseRejectedResult => b.status === 'rejected');
  if (failed) {
    for (const server of servers) {
      try {
        server.close();
      } catch {
        // Never bound: nothing to close.
      }
    }
    throw failed.reason;
  }
  return {
    redirects,
    async close() {
      for (const s of sockets) s.destroy();
      // A connection still opening upstream (up to 15 s) is not waited for past a second.
      await Promise.race([Promise.allSettled([...pending]), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              if (s instanceof net.Server) s.close(() => resolve());
              else s.close(() => resolve());
            }),
        ),
      );
    },
  };
}
