import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EgressRecord, shownName } from '../../src/egress/record.js';
import { ruleset } from '../../src/egress/rules.js';

describe('ruleset', () => {
  const text = ruleset({
    table: 'gvisor_cell_abc123',
    hostLink: 'gvcabc123h',
    redirects: [
      { protocol: 'udp', port: 53, to: 40001 },
      { protocol: 'tcp', port: 443, to: 40002 },
      { address: '203.0.113.7', protocol: 'tcp', port: 8080, to: 40003 },
    ],
  });

  it('is one table of its own', () => {
    expect(text.startsWith('table inet gvisor_cell_abc123 {\n')).toBe(true);
    expect(text.match(/^table /gm)).toHaveLength(1);
  });

  it('redirects each listed destination to its listener, from the cell’s link only', () => {
    expect(text).toContain('iifname "gvcabc123h" ip daddr $host udp dport 53 redirect to :40001');
    expect(text).toContain('iifname "gvcabc123h" ip daddr 203.0.113.7 tcp dport 8080 redirect to :40003');
  });

  it('accepts only redirected connections to the listeners, resets other TCP, rejects the rest', () => {
    const input = text.slice(text.indexOf('chain input'), text.indexOf('chain forward'));
    const lines = input
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('iifname'));
    expect(lines).toEqual([
      'iifname "gvcabc123h" ip saddr != $cell drop',
      'iifname "gvcabc123h" ip daddr $host udp dport 40001 ct status dnat accept',
      'iifname "gvcabc123h" ip daddr $host tcp dport 40002 ct status dnat accept',
      'iifname "gvcabc123h" ip daddr $host tcp dport 40003 ct status dnat accept',
      'iifname "gvcabc123h" meta l4proto tcp reject with tcp reset',
      'iifname "gvcabc123h" reject with icmpx admin-prohibited',
      'iifname != "gvcabc123h" ip daddr $host drop',
      'iifname != "gvcabc123h" tcp dport { 40002, 40003 } drop',
      'iifname != "gvcabc123h" udp dport { 40001 } drop',
    ]);
  });

  it('is what nft takes, once the shell defines the two addresses', () => {
    // nft --check parses and validates without touching the kernel's tables (it needs nft; CI installs it).
    if (process.getuid?.() !== 0) return; // nft needs root even to check; the e2e suite loads the rules for real
    const defines = 'define host = 198.19.0.5\ndefine cell = 198.19.0.6\n';
    const out = spawnSync('nft', ['--check', '-f', '-'], { input: defines + text, encoding: 'utf8' });
    expect(out.error).toBeUndefined();
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
  });

  it('forwards nothing to or from the cell', () => {
    const forward = text.slice(text.indexOf('chain forward'));
    expect(forward).toContain('iifname "gvcabc123h" drop');
    expect(forward).toContain('oifname "gvcabc123h" drop');
  });
});

describe('EgressRecord', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'egress-record-'));

  it('writes one JSON line per decision and tallies them, denied first', () => {
    const file = path.join(dir, 'a.jsonl');
    const r = new EgressRecord(file);
    r.add({ name: 'a.org', port: 443, via: 'tls', decision: 'allowed', address: '198.18.0.2', sent: 10, received: 100 });
    r.add({ name: 'a.org', port: 443, via: 'connect', decision: 'allowed', address: '198.18.0.2', sent: 5, received: 50 });
    r.add({ name: 'evil.org', port: 53, via: 'dns', decision: 'denied', reason: 'not on network.allow', sent: 0, received: 0 });
    r.add({
      name: '::stop-commands::x\n##[error]y',
      port: 53,
      via: 'dns',
      decision: 'denied',
      reason: 'not a host name',
      sent: 0,
      received: 0,
    });
    r.close();
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({ name: 'a.org', port: 443, via: 'tls', decision: 'allowed', sent: 10, received: 100 });
    expect(Number.isNaN(Date.parse(lines[0].time))).toBe(false);
    expect(lines[3].name).toBe('::stop-commands::x\n##[error]y');
    expect(r.rows().map((row) => [row.name, row.decision, row.connections, row.sent + row.received])).toEqual([
      ['evil.org', 'denied', 1, 0],
      ['(malformed)', 'denied', 1, 0],
      ['a.org', 'allowed', 2, 165],
    ]);
  });

  it('stops writing at its limit, says so once, and still counts', () => {
    const file = path.join(dir, 'b.jsonl');
    const r = new EgressRecord(file, 1000);
    for (let i = 0; i < 100; i++) r.add({ name: `h${i}.org`, port: 80, via: 'http', decision: 'allowed', sent: 1, received: 1 });
    r.close();
    const text = readFileSync(file, 'utf8');
    expect(text.length).toBeLessThan(1100);
    expect(text.match(/"truncated":true/g)).toHaveLength(1);
    expect(r.rows().reduce((n, row) => n + row.connections, 0)).toBe(100);
  });

  it('never shows what is not a host name or IP', () => {
    expect(shownName('A.Org.')).toBe('a.org');
    expect(shownName('203.0.113.7')).toBe('203.0.113.7');
    expect(shownName('%0A::error::x')).toBe('(malformed)');
    expect(shownName('')).toBe('(malformed)');
    expect(shownName('(no server name)')).toBe('(no server name)');
    expect(shownName('(no server name) ::error::x')).toBe('(malformed)');
  });
});
