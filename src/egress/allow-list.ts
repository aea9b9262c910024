/**
 * `network.allow`: what an entry may be, and whether a destination the cell
 * asks for is on the list. Pure: no lookups, no sockets. The schema
 * (cell/schema.ts) validates entries with `parseEntry`; the listeners
 * (egress/) ask `AllowList` about every name, IP and port the cell names.
 *
 * An entry is a host name (`registry.npmjs.org`), a wildcard (`*.example.org`:
 * one or more labels in front, never example.org itself), an IPv4 literal or
 * a bracketed IPv6 one; with `:port` it allows that port only, without one
 * ports 80 and 443.
 */
import { isIPv4, isIPv6 } from 'node:net';

export const DEFAULT_PORTS: readonly number[] = [80, 443];

export type AllowEntry =
  | { kind: 'name'; name: string; wildcard: boolean; ports: readonly number[] }
  | { kind: 'ip'; ip: string; ports: readonly number[] };

const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
/** A host name as the cell may name it: labels of letters, digits, `-` and `_`, at most 253 characters. */
const NAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);
const PORT = /^(?:[1-9][0-9]{0,4})$/;

const PORT_RANGE = '(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})';
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const ANY_LABEL = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';

/**
 * The pattern an entry must match, for editors (cell.schema.json): the same
 * rules as parseEntry's but the 253-character bound on a whole name (an
 * editor lets up to 254 through, the action says no).
 */
export const ENTRY_PATTERN = [
  '^(?:',
  // A name (or *.name) whose last label is not all digits (1.2.3.999 is no name), an optional trailing dot.
  `(?:\\*\\.)?(?=[A-Za-z0-9_.-]{1,254}(?::|$))(?:${ANY_LABEL}\\.)*(?![0-9]+\\.?(?::|$))${ANY_LABEL}\\.?`,
  `|${OCTET}(?:\\.${OCTET}){3}`,
  '|\\[[0-9A-Fa-f:.]+\\]',
  `)(?::${PORT_RANGE})?$`,
].join('');

/**
 * A host name in its one comparable form (lower case, no trailing dot), or
 * undefined when it is not one: what the cell sends (SNI, Host, a DNS
 * question) goes through this before it is matched or shown anywhere.
 */
export function normalName(value: string): string | undefined {
  const name = value.toLowerCase().replace(/\.$/, '');
  if (!NAME.test(name)) return undefined;
  // 1.2.3.999 is neither an address nor a name; a top-level label is never all digits.
  if (/(?:^|\.)[0-9]+$/.test(name)) return undefined;
  return name;
}

/**
 * net.isIPv6, asked only of what could be one (it has a colon). Node's check
 * is a large pattern that costs 6–10 ms to compile on first use and a few
 * more to fail on a name: every document with a name on its list would pay
 * that on the way to the cell's start, twice (validation, then the list).
 */
export function isIPv6Literal(value: string): boolean {
  return value.includes(':') && isIPv6(value);
}

/** An IP literal in its canonical form (IPv6 lower case, without brackets), or undefined. */
export function normalIp(value: string): string | undefined {
  const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
  if (isIPv4(bare)) return bare;
  if (isIPv6Literal(bare) && !bare.includes('%')) return bare.toLowerCase();
  return undefined;
}

/** An entry, or what is wrong with it (for "network.allow[i]: …"). */
export function parseEntry(entry: string): AllowEntry | { error: string } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || entry.includes('/')) {
    return { error: 'expected a host name (and an optional :port), not a URL or a path' };
  }
  let host = entry;
  let ports = DEFAULT_PORTS;
  const port = /:([^:\]]*)$/.exec(entry);
  // host:port, [v6]:port; a bare IPv6 (several colons, no brackets) has no port to split.
  if (port && (entry.startsWith('[') || entry.indexOf(':') === port.index)) {
    const digits = port[1] ?? '';
    const n = Number(digits);
    if (!PORT.test(digits) || n > 65535) return { error: 'expected a port from 1 to 65535 after the colon' };
    ports = [n];
    host = entry.slice(0, port.index);
  }
  if (host === '') return { error: 'expected a host name before the port' };
  if (host.startsWith('[') || host.includes(':')) {
    if (!host.startsWith('[')) return { error: 'expected an IPv6 address in brackets, as [2001:db8::1]:443' };
    const ip = normalIp(host);
    if (!ip || !isIPv6Literal(ip)) return { error: 'expected an IPv6 address in the brackets' };
    return { kind: 'ip', ip, ports };
  }
  const v4 = normalIp(host);
  if (v4) return { kind: 'ip', ip: v4, ports };
  if (/^[0-9.]+$/.test(host)) return { error: 'expected an IPv4 address such as 203.0.113.7' };
  const wildcard = host.startsWith('*.');
  const name = normalName(wildcard ? host.slice(2) : host);
  if (!name) {
    return {
      error: host.includes('*')
        ? 'expected a wildcard as *.example.org: one * in front of a name, for one or more labels'
        : 'expected a host name such as registry.npmjs.org: labels of letters, digits, - and _, separated by single dots',
    };
  }
  return { kind: 'name', name, wildcard, ports };
}

/** A destination the cell asked for: a host name (normalised) or an IP literal, and a port. */
export interface Destination {
  host: string;
  port: number;
}

export class AllowList {
  readonly entries: readonly AllowEntry[];
  /** `audit: true`: every name is allowed (addresses are still checked; see addresses.ts). */
  readonly audit: boolean;

  constructor(entries: readonly string[], audit = false) {
    this.entries = entries.map((e, i) => {
      const parsed = parseEntry(e);
      if ('error' in parsed) throw new Error(`network.allow[${i}]: ${parsed.error}`);
      return parsed;
    });
    this.audit = audit;
  }

  private nameEntries(name: string): AllowEntry[] {
    return this.entries.filter(
      (e) => e.kind === 'name' && (e.wildcard ? name.endsWith(`.${e.name}`) && name.length > e.name.length + 1 : name === e.name),
    );
  }

  /** Whether a name is on the list for some port: what the DNS listener answers. */
  knowsName(name: string): boolean {
    return this.audit || this.nameEntries(name).length > 0;
  }

  /** Whether an entry names this name (for some port), whatever `audit` says. */
  listsName(name: string): boolean {
    return this.nameEntries(name).length > 0;
  }

  /** Whether the list names this IP literal itself (for some port): it may then be reached even if private. */
  listsIp(ip: string): boolean {
    return this.entries.some((e) => e.kind === 'ip' && e.ip === ip);
  }

  /** Whether a destination is allowed: a name (or, listed as such, an IP) on this port. */
  allows(d: Destination): boolean {
    if (this.audit) return true;
    const ip = normalIp(d.host);
    if (ip) return this.entries.some((e) => e.kind === 'ip' && e.ip === ip && e.ports.includes(d.port));
    return this.nameEntries(d.host).some((e) => e.ports.includes(d.port));
  }

  /** The IPv4 literals and their ports: each gets a route in the cell and a listener of its own. */
  ipv4Targets(): Destination[] {
    return this.entries.flatMap((e) => (e.kind === 'ip' && isIPv4(e.ip) ? e.ports.map((port) => ({ host: e.ip, port })) : []));
  }

  /**
   * Ports other than 80 and 443 that names are listed with, and the names
   * on each: a connection to such a port carries no name of its own, so it
   * goes to the one name listed there, or to the TLS server name among several.
   */
  namePorts(): Map<number, AllowEntry[]> {
    const ports = new Map<number, AllowEntry[]>();
    for (const e of this.entries) {
      if (e.kind !== 'name') continue;
      for (const port of e.ports) {
        if (DEFAULT_PORTS.includes(port)) continue;
        ports.set(port, [...(ports.get(port) ?? []), e]);
      }
    }
    return ports;
  }
}
