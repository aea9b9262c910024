/**
 * From a destination the cell named to a connection on the runner, or a
 * refusal: the allow-list first, then the name resolved by the runner (its
 * resolver, so /etc/hosts counts), then every address checked, and the
 * connection made to the address that was checked (never to the name again:
 * no second lookup for a rebinding DNS server to answer differently).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import net, { type BlockList } from 'node:net';
import type { Transform } from 'node:stream';
import { refusedAddress } from './addresses.js';
import { type AllowList, type Destination, normalIp } from './allow-list.js';

export type Lookup = (name: string) => Promise<string[]>;

export interface Gate {
  allow: AllowList;
  /** The runner's own addresses (every interface's: addresses.ts ownAddresses). */
  own: BlockList;
  lookup?: Lookup;
  /** How long a connection upstream may take to open. */
  connectMs?: number;
}

export type Opened = { socket: net.Socket; address: string } | { denied: string } | { failed: string; address?: string };

const systemLookup: Lookup = async (name) => (await dnsLookup(name, { all: true, verbatim: true })).map((a) => a.address);

/** Whether the cell may go to `d`, and why not: the allow-list's word alone (no lookup). */
export function listed(gate: Gate, d: Destination): string | undefined {
  if (gate.allow.allows(d)) return undefined;
  if (!normalIp(d.host) && gate.allow.knowsName(d.host)) return `port ${d.port} is not listed for ${d.host}`;
  return 'not on network.allow';
}

/** The addresses `d` may be connected to, or why none. */
export async function addressesFor(gate: Gate, d: Destination): Promise<string[] | { denied: string } | { failed: string }> {
  const why = listed(gate, d);
  if (why) return { denied: why };
  const literal = normalIp(d.host);
  let found: string[];
  if (literal) {
    found = [literal];
  } else {
    try {
      found = await (gate.lookup ?? systemLookup)(d.host);
    } catch (error) {
      return { failed: `${d.host} does not resolve on the runner (${(error as NodeJS.ErrnoException).code ?? 'lookup failed'})` };
    }
  }
  const ok = found.filter((a) => gate.allow.listsIp(a) || refusedAddress(a, gate.own) === undefined);
  if (ok.length > 0) return ok;
  const first = found[0] ?? '';
  return { denied: `${d.host} resolves to ${first} (${refusedAddress(first, gate.own)}); list that address itself to allow it` };
}

function connect(address: string, port: number, timeoutMs: number): Promise<net.Socket | string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port, noDelay: true, allowHalfOpen: true });
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
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(`${address}:${port}: ${error.code ?? error.message}`);
    });
  });
}

/** Opens a connection to `d` on an address that passed, trying each in turn. */
export async function openUpstream(gate: Gate, d: Destination): Promise<Opened> {
  const addresses = await addressesFor(gate, d);
  if (!Array.isArray(addresses)) return addresses;
  let last = '';
  for (const address of addresses) {
    const socket = await connect(address, d.port, gate.connectMs ?? 15_000);
    if (typeof socket !== 'string') return { socket, address };
    last = socket;
  }
  return { failed: last, address: addresses[0] };
}

/**
 * Joins the cell's connection to the upstream one, both ways, half-closes
 * passed on. Resolves with the bytes each way once both are closed.
 */
export function splice(
  cell: net.Socket,
  upstream: net.Socket,
  first?: Buffer,
  guard?: Transform,
): Promise<{ sent: number; received: number; error?: string }> {
  return new Promise((resolve) => {
    // Either side may be gone already (the cell hung up while the upstream connection was made).
    if (cell.destroyed || upstream.destroyed) {
      cell.destroy();
      upstream.destroy();
      return resolve({ sent: upstream.bytesWritten, received: upstream.bytesRead });
    }
    let error: string | undefined;
    const fail = (e: NodeJS.ErrnoException) => {
      // A reset is how many clients end a connection they are done with: not worth recording.
      if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') error ??= e.code ?? e.message;
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
    if (first && first.length > 0) inbound.write(first);
    cell.pipe(inbound);
    upstream.pipe(cell);
    cell.resume();
    let open = 2;
    const closed = () => {
      open -= 1;
      if (open > 0) return;
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
