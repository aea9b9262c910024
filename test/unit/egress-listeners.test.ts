/**
 * The listeners answer the cell's own address and nothing else: they are
 * bound on every address of the runner (before the firewall rules that keep
 * other links off them are loaded, and whatever another table of the
 * runner's lets through), so the source is checked on every connection and
 * datagram. Real sockets on loopback: "the cell" is 127.0.0.1 when the test
 * says so, and some other address when it does not.
 */

import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import net, { BlockList } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AllowList } from '../../src/egress/allow-list.js';
import { type Listeners, peerAddress, startListeners } from '../../src/egress/listeners.js';
import { EgressRecord } from '../../src/egress/record.js';

const HOST = '198.19.0.1';
const ALLOWED = 'allowed.test';

let dir: string;
let record: EgressRecord;
let listeners: Listeners;
/** What the listeners take for the cell's address: changed by each test. */
let cell: string | undefined;

function port(protocol: 'tcp' | 'udp', at: number): number {
  const r = listeners.redirects.find((d) => d.protocol === protocol && d.port === at && d.address === undefined);
  if (!r) throw new Error(`no ${protocol} listener for port ${at}`);
  return r.to;
}

/** An A question for `name` to the DNS listener over UDP, from 127.0.0.1. */
function ask(name: string): Promise<string[]> {
  const resolver = new Resolver({ timeout: 400, tries: 1 });
  resolver.setServers([`127.0.0.1:${port('udp', 53)}`]);
  return resolver.resolve4(name);
}

/** Connects from 127.0.0.1 to the HTTP listener, sends a request, and returns what came back before the close. */
function request(): Promise<{ reply: string; closedMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    let reply = '';
    const socket = net.connect({ host: '127.0.0.1', port: port('tcp', 80) }, () => {
      socket.write(`GET / HTTP/1.1\r\nHost: ${ALLOWED}\r\n\r\n`);
    });
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      reply += d;
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve({ reply, closedMs: Date.now() - t0 }));
    setTimeout(() => reject(new Error('the listener kept the connection open')), 5_000).unref();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gvc-listeners-'));
  record = new EgressRecord(path.join(dir, 'egress.jsonl'));
  listeners = await startListeners(
    {
      // The name "resolves" to loopback: refused on the way out, so nothing leaves this machine.
      gate: { allow: new AllowList([ALLOWED]), own: new BlockList(), lookup: async () => ['127.0.0.1'] },
      record,
      hostAddress: () => HOST,
      cellAddress: () => cell,
    },
    { namePorts: new Map(), ipTargets: [] },
  );
});

afterAll(async () => {
  await listeners?.close();
  record?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the listeners answer only the cell’s own address', () => {
  test('a dual-stack peer address is read as the IPv4 address it carries', () => {
    expect(peerAddress('::ffff:198.19.0.2')).toBe('198.19.0.2');
    expect(peerAddress('198.19.0.2')).toBe('198.19.0.2');
    expect(peerAddress('::1')).toBe('::1');
    expect(peerAddress(undefined)).toBeUndefined();
  });

  test('from the cell’s address, an allowed name resolves to the runner’s end', async () => {
    cell = '127.0.0.1';
    expect(await ask(ALLOWED)).toEqual([HOST]);
  });

  test('before the network is up (no cell address yet), a question gets no answer at all', async () => {
    cell = undefined;
    await expect(ask(ALLOWED)).rejects.toMatchObject({ code: 'ETIMEOUT' });
  });

  test('from any other address, a question gets no answer at all', async () => {
    cell = '198.19.0.2';
    await expect(ask(ALLOWED)).rejects.toMatchObject({ code: 'ETIMEOUT' });
  });

  test('a TCP connection from any other address is closed at once, unanswered and unrecorded', async () => {
    cell = '198.19.0.2';
    const before = record.rows().length;
    const got = await request();
    expect(got.reply).toBe('');
    expect(record.rows().length).toBe(before);
  });

  test('the same connection from the cell’s address is judged (a 403: the name resolves to loopback)', async () => {
    cell = '127.0.0.1';
    const got = await request();
    expect(got.reply).toMatch(/^HTTP\/1\.1 403 /);
    expect(record.rows()).toContainEqual(expect.objectContaining({ name: ALLOWED, port: 80, decision: 'denied' }));
  });
});
