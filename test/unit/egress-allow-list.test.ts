import { describe, expect, it } from 'vitest';
import { ownAddresses, refusedAddress } from '../../src/egress/addresses.js';
import { AllowList, normalName, parseEntry } from '../../src/egress/allow-list.js';

describe('parseEntry', () => {
  it.each([
    ['registry.npmjs.org', { kind: 'name', name: 'registry.npmjs.org', wildcard: false, ports: [80, 443] }],
    ['Registry.NPMJS.org.', { kind: 'name', name: 'registry.npmjs.org', wildcard: false, ports: [80, 443] }],
    ['*.pythonhosted.org', { kind: 'name', name: 'pythonhosted.org', wildcard: true, ports: [80, 443] }],
    ['proxy.golang.org:443', { kind: 'name', name: 'proxy.golang.org', wildcard: false, ports: [443] }],
    ['_acme.example.org', { kind: 'name', name: '_acme.example.org', wildcard: false, ports: [80, 443] }],
    ['localhost', { kind: 'name', name: 'localhost', wildcard: false, ports: [80, 443] }],
    ['203.0.113.7:8080', { kind: 'ip', ip: '203.0.113.7', ports: [8080] }],
    ['203.0.113.7', { kind: 'ip', ip: '203.0.113.7', ports: [80, 443] }],
    ['[2001:DB8::1]:443', { kind: 'ip', ip: '2001:db8::1', ports: [443] }],
    ['[2001:db8::1]', { kind: 'ip', ip: '2001:db8::1', ports: [80, 443] }],
    ['a.b:65535', { kind: 'name', name: 'a.b', wildcard: false, ports: [65535] }],
  ])('%s', (entry, parsed) => {
    expect(parseEntry(entry)).toEqual(parsed);
  });

  it.each([
    ['bad..name', /host name/],
    ['-a.org', /host name/],
    ['a-.org', /host name/],
    ['*.', /wildcard/],
    ['*', /wildcard/],
    ['a.*.org', /wildcard/],
    ['**.org', /wildcard/],
    ['host:0', /^expected a port from 1 to 65535 after the colon$/],
    ['host:99999', /^expected a port from 1 to 65535 after the colon$/],
    ['host:08', /port/],
    ['host:', /port/],
    [':443', /host name before the port/],
    ['https://x.org', /not a URL/],
    ['x.org/path', /not a URL/],
    ['2001:db8::1', /in brackets/],
    ['[zz::1]', /IPv6 address in the brackets/],
    ['1.2.3.999', /IPv4 address such as/],
    ['1.2.3', /IPv4 address such as/],
    ['a.123', /host name/],
    ['x'.repeat(64), /host name/],
    [`${'a.'.repeat(127)}ab`, /host name/],
    ['with space.org', /host name/],
    ['ünï.org', /host name/],
    ['', /host name|missing/],
  ])('refuses %j', (entry, message) => {
    const parsed = parseEntry(entry);
    expect(parsed).toHaveProperty('error');
    expect((parsed as { error: string }).error).toMatch(message);
  });
});

describe('AllowList', () => {
  const list = new AllowList([
    'registry.npmjs.org',
    '*.pythonhosted.org',
    'proxy.golang.org:443',
    '203.0.113.7:8080',
    'db.example:5432',
    'kv.example:5432',
  ]);

  it('allows a listed name on 80 and 443, and no other port', () => {
    expect(list.allows({ host: 'registry.npmjs.org', port: 443 })).toBe(true);
    expect(list.allows({ host: 'registry.npmjs.org', port: 80 })).toBe(true);
    expect(list.allows({ host: 'registry.npmjs.org', port: 8443 })).toBe(false);
  });

  it('allows only the port given with a name', () => {
    expect(list.allows({ host: 'proxy.golang.org', port: 443 })).toBe(true);
    expect(list.allows({ host: 'proxy.golang.org', port: 80 })).toBe(false);
  });

  it('a wildcard stands for one or more labels, never the name itself', () => {
    expect(list.allows({ host: 'files.pythonhosted.org', port: 443 })).toBe(true);
    expect(list.allows({ host: 'a.b.pythonhosted.org', port: 443 })).toBe(true);
    expect(list.allows({ host: 'pythonhosted.org', port: 443 })).toBe(false);
    expect(list.allows({ host: 'evilpythonhosted.org', port: 443 })).toBe(false);
    expect(list.knowsName('pythonhosted.org')).toBe(false);
  });

  it('a name is not a suffix match', () => {
    expect(list.allows({ host: 'evil.registry.npmjs.org', port: 443 })).toBe(false);
    expect(list.allows({ host: 'registry.npmjs.org.evil.com', port: 443 })).toBe(false);
  });

  it('an IP literal only as listed, with its port', () => {
    expect(list.allows({ host: '203.0.113.7', port: 8080 })).toBe(true);
    expect(list.allows({ host: '203.0.113.7', port: 443 })).toBe(false);
    expect(list.allows({ host: '203.0.113.8', port: 8080 })).toBe(false);
    expect(list.listsIp('203.0.113.7')).toBe(true);
    expect(list.ipv4Targets()).toEqual([{ host: '203.0.113.7', port: 8080 }]);
  });

  it('groups the names of non-standard ports', () => {
    expect([...list.namePorts().entries()].map(([port, e]) => [port, e.length])).toEqual([[5432, 2]]);
  });

  it('audit allows every name and port, and lists no IP', () => {
    const audit = new AllowList([], true);
    expect(audit.allows({ host: 'anything.example', port: 25 })).toBe(true);
    expect(audit.knowsName('x.y')).toBe(true);
    expect(audit.listsIp('127.0.0.1')).toBe(false);
  });

  it('an empty list allows nothing', () => {
    const none = new AllowList([]);
    expect(none.allows({ host: 'a.org', port: 443 })).toBe(false);
    expect(none.knowsName('a.org')).toBe(false);
  });

  it('names the entry at fault', () => {
    expect(() => new AllowList(['ok.org', 'bad..org'])).toThrow(/^network\.allow\[1\]: /);
  });
});

describe('normalName', () => {
  it('keeps only host names', () => {
    expect(normalName('A.Example.ORG.')).toBe('a.example.org');
    expect(normalName('a\u0000b.org')).toBeUndefined();
    expect(normalName('a\\046b.org')).toBeUndefined();
    expect(normalName('::stop-commands::x')).toBeUndefined();
    expect(normalName('##[error]x')).toBeUndefined();
    expect(normalName('1.2.3.4')).toBeUndefined();
  });
});

describe('refusedAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['0.0.0.0', 'this host'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'shared (carrier-grade NAT)'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['168.63.129.16', 'Azure host services'],
    ['198.19.3.1', 'the action’s own cell links'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fd00::1', 'private'],
    ['fe80::1', 'link-local'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local (cloud metadata)'],
    ['64:ff9b::a9fe:a9fe', 'link-local (cloud metadata)'],
    ['64:ff9b::10.0.0.1', 'private'],
  ])('%s is refused (%s)', (ip, reason) => {
    expect(refusedAddress(ip)).toBe(reason);
  });

  it.each(['93.184.216.34', '172.32.0.1', '198.18.5.2', '2606:4700::1111', '100.128.0.1'])('%s is not', (ip) => {
    expect(refusedAddress(ip)).toBeUndefined();
  });

  it('refuses the runner’s own addresses, whatever the range', () => {
    const own = ownAddresses(['93.184.216.34', '2001:db8::5', 'fe80::1']);
    expect(refusedAddress('93.184.216.34', own)).toBe('the runner’s own address');
    // The same addresses, spelled otherwise.
    expect(refusedAddress('::ffff:93.184.216.34', own)).toBe('the runner’s own address');
    expect(refusedAddress('::ffff:5db8:d822', own)).toBe('the runner’s own address');
    expect(refusedAddress('2001:0db8:0:0::5', own)).toBe('the runner’s own address');
    expect(refusedAddress('93.184.216.35', own)).toBeUndefined();
  });

  it('skips what is no address among the runner’s own, and refuses what is not an IP', () => {
    const own = ownAddresses(['not-an-address', '1.2.3', '93.184.216.34', 'fe80::zz']);
    expect(refusedAddress('93.184.216.34', own)).toBe('the runner’s own address');
    expect(refusedAddress('registry.npmjs.org', own)).toBe('not an IP address');
    expect(refusedAddress('1.2.3', own)).toBe('not an IP address');
  });
});
