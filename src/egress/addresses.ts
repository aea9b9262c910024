/**
 * Which addresses a cell may be connected to when a name it may reach
 * resolves to them. A name on the list says nothing about where it points:
 * DNS (or the runner's /etc/hosts) can point an allowed name at the runner's
 * own services, its LAN or the cloud's metadata endpoint. Those are refused
 * unless the IP itself is on the list.
 */
import { BlockList, isIPv4 } from 'node:net';
import { isIPv6Literal } from './allow-list.js';

/** The /16 the action takes its veth pairs from (RFC 2544's benchmarking range, never routed). */
export const VETH_RANGE = { base: '198.19.0.0', prefix: 16 } as const;

const RANGES: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['0.0.0.0', 8, 'ipv4', 'this host'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'shared (carrier-grade NAT)'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata)'],
  ['168.63.129.16', 32, 'ipv4', 'Azure host services'],
  [VETH_RANGE.base, VETH_RANGE.prefix, 'ipv4', 'the action’s own cell links'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['fc00::', 7, 'ipv6', 'private'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];

const lists = RANGES.map(([base, prefix, family, reason]) => {
  const list = new BlockList();
  list.addSubnet(base, prefix, family);
  return { list, reason };
});

/** An IPv4 address embedded in NAT64's well-known prefix (64:ff9b::/96), which some resolvers synthesise. */
function nat64(ip: string): string | undefined {
  const m = /^64:ff9b::(?:([0-9a-f]{1,4}):([0-9a-f]{1,4})|(\d+\.\d+\.\d+\.\d+))$/i.exec(ip);
  if (!m) return undefined;
  if (m[3]) return m[3];
  const hi = Number.parseInt(m[1] ?? '0', 16);
  const lo = Number.parseInt(m[2] ?? '0', 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/**
 * Why the cell may not be connected to `ip` (a range name), or undefined
 * when it may. `own` are the runner's own addresses (every interface's, ownAddresses):
 * a service listening on one of them is the runner's, whatever the range.
 * IPv4-mapped IPv6 forms are judged as the IPv4 address (BlockList does so).
 */
export function refusedAddress(ip: string, own: BlockList = new BlockList()): string | undefined {
  const family = isIPv4(ip) ? 'ipv4' : isIPv6Literal(ip) ? 'ipv6' : undefined;
  if (!family) return 'not an IP address';
  const embedded = family === 'ipv6' ? nat64(ip) : undefined;
  if (embedded) return refusedAddress(embedded, own);
  for (const { list, reason } of lists) if (list.check(ip, family)) return reason;
  // A BlockList, not a set of strings: ::ffff:10.1.0.4 and 2001:0db8::5 are the addresses they spell.
  if (own.check(ip, family)) return 'the runner’s own address';
  return undefined;
}

/** The runner's own addresses (every interface's), as refusedAddress takes them. */
export function ownAddresses(addresses: readonly string[]): BlockList {
  const own = new BlockList();
  for (const a of addresses) {
    // The interfaces' addresses are the system's own spelling: the colon tells the family (isIPv6Literal's
    // pattern would cost its first compile here, on the way to the cell's start); BlockList checks the rest.
    try {
      own.addAddress(a, a.includes(':') ? 'ipv6' : 'ipv4');
    } catch {
      // Not an address after all: nothing of the runner's to refuse.
    }
  }
  return own;
}
