/**
 * Upstream servers that belong to the test, for the egress tests (#13): no
 * test sends anything to an address outside this machine and the namespace
 * made here, even when the code under test is broken.
 *
 *  - A network namespace `gvctest-<suffix>`, joined to the runner by a veth
 *    pair with a random /24 from 198.18.0.0/16 (host end .1, namespace end .2,
 *    with .3 and .4 as further "hosts"), and a private (10.254.n.2) and a
 *    link-local (169.254.n.77) address that the runner routes into it (a /32
 *    each), so that a name resolving there reaches only this namespace.
 *    Its one route beyond the veth's /24 is 198.19.0.0/16 (the cells' range)
 *    back to the runner, so that a packet a cell got forwarded would be answered.
 *  - Inside it, HTTP on 80 and 8080 and HTTPS on 443 (upstream-server.mjs),
 *    with a self-signed certificate for every test name; /bytes/<n> serves n
 *    bytes; /repo.git is a dumb-HTTP git repository; /files/ a directory the
 *    test gives (createUpstream's `files`); /barrier/<key>/<n>
 *    answers once n requests for the key have come (barrier()).
 *  - /etc/hosts lines for the test names, each marked with the suffix and
 *    this process's id, removed on dispose (and, when a crashed run left
 *    them, by the next harness to start).
 *  - On the runner itself: an HTTP server on its loopback, one on the host
 *    end of the veth, one on every address (0.0.0.0) and a UDP server on
 *    every address, to show what a cell cannot reach.
 *
 * Every server counts what reaches it (`hits()`). Needs root (ip, netns, ports
 * below 1024, /etc/hosts).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { alive } from '../../src/install/lock.js';
import { makeCertificate } from './certificate.js';
import { editHosts as editHostsFile } from './etc-hosts.js';

export interface Hit {
  /** upstream: the namespace's servers; runner-*: the servers on the runner. */
  server: 'upstream' | 'runner-loopback' | 'runner-host-end' | 'runner-any' | 'runner-udp';
  /** tcp: a connection was accepted; tls: a ClientHello named `sni`; http: a request; udp: a datagram. */
  kind: 'tcp' | 'tls' | 'http' | 'udp';
  port: number;
  local?: string;
  remote?: string;
  sni?: string | null;
  host?: string | null;
  method?: string;
  path?: string;
  tls?: boolean;
}

/** What a request to an upstream server answers (the JSON body; the x-gvctest-reached header of /bytes/<n>). */
export interface Reached {
  server: 'upstream';
  port: number;
  local: string;
  tls: boolean;
  sni: string | null;
  host: string | null;
  method: string;
  path: string;
}

export interface Upstream {
  /** Random, [a-z0-9]{6}: in every name below. */
  suffix: string;
  /** The namespace's name, gvctest-<suffix>. */
  netns: string;
  /** The runner's end of the veth. */
  link: string;
  /** The runner's end's address (198.18.n.1): also a server of the runner's (runner.hostEndPort). */
  hostEnd: string;
  /** The namespace's addresses: .2 (every test name but the three below), .3 and .4. */
  address: string;
  second: string;
  third: string;
  /** Routed into the namespace: what private-… and meta-… resolve to. */
  privateAddress: string;
  metaAddress: string;
  /** Test names, in /etc/hosts for this run. */
  names: {
    /** → address. */
    allowed: string;
    other: string;
    denied: string;
    alt: string;
    /** wild-<suffix>.test itself, and two names below it: a.wild-…, b.c.wild-… (all → address). */
    wild: string;
    wildSub: string;
    wildDeep: string;
    /** → 127.0.0.1 */
    loopy: string;
    /** → privateAddress (10.254.n.2) */
    private: string;
    /** → metaAddress (169.254.n.77) */
    meta: string;
  };
  /** The servers' certificate (PEM, self-signed, readable by all): the CA to trust. SANs: every name and the three addresses. */
  cert: string;
  /** Ports of the namespace's servers (on every namespace address). */
  ports: { http: number; https: number; alt: number };
  /** The runner's own servers: HTTP on 127.0.0.1, on hostEnd and on 0.0.0.0; UDP on 0.0.0.0. */
  runner: { loopbackPort: number; hostEndPort: number; anyPort: number; udpPort: number };
  /**
   * Joins /barrier/<key>/<count> on the namespace's HTTP server from the
   * runner: resolves once `count` requests (cells' included) have come.
   */
  barrier(key: string, count: number): Promise<void>;
  /** Everything that reached any server since the start or the last reset(). */
  hits(): Promise<Hit[]>;
  reset(): Promise<void>;
  /** Stops the servers, removes the namespace, the link, the routes, the /etc/hosts lines and the files. */
  dispose(): Promise<void>;
}

const SERVER_SCRIPT = path.join(import.meta.dirname, 'upstream-server.mjs');
const MARK = /# gvctest-([a-z0-9]{6}) pid=(\d+)$/;

function run(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function ip(...args: string[]): string {
  return run('ip', args);
}

/** /etc/hosts edited under the harnesses' shared lock (its temporary file named gvctest-…); exported for the bind-mount test. */
export function editHosts(change: (lines: string[]) => string[]): void {
  editHostsFile('gvctest', change);
}

function randomSuffix(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return [...randomBytes(6)].map((b) => alphabet[b % alphabet.length]).join('');
}

function linkName(suffix: string): string {
  return `gvt${suffix}h`;
}

/** Removes what a harness whose process is gone left behind: its /etc/hosts lines, namespace, link and files. */
function sweepStale(): void {
  const stale = new Set<string>();
  editHosts((lines) =>
    lines.filter((line) => {
      const m = MARK.exec(line);
      if (m && !alive(Number(m[2]))) {
        stale.add(m[1] as string);
        return false;
      }
      return true;
    }),
  );
  for (const suffix of stale) {
    spawnSync('ip', ['link', 'del', linkName(suffix)], { stdio: 'ignore' });
    spawnSync('ip', ['netns', 'del', `gvctest-${suffix}`], { stdio: 'ignore' });
    for (const entry of readdirSync(os.tmpdir())) {
      if (entry.startsWith(`gvctest-${suffix}-`)) rmSync(path.join(os.tmpdir(), entry), { recursive: true, force: true });
    }
  }
}

/** A /24 of 198.18.0.0/16 (and the matching 10.254.n.2, 169.254.n.77) that no address or route of the runner uses. */
function freeSubnet(): number {
  const used = `${ip('-4', '-o', 'addr')}\n${ip('-4', 'route', 'show', 'table', 'all')}`;
  for (let attempt = 0; attempt < 50; attempt++) {
    const n = 1 + ((randomBytes(1)[0] as number) % 250);
    if (![`198.18.${n}.`, `10.254.${n}.2`, `169.254.${n}.77`].some((prefix) => used.includes(prefix))) return n;
  }
  throw new Error('upstream: no free /24 in 198.18.0.0/16 after 50 tries');
}

/** The namespace's server process, its hits read from stdout; sync() waits until every hit it reported is read. */
class NamespaceServer {
  readonly hits: Hit[] = [];
  private readonly waiting = new Map<number, () => void>();
  private next = 0;
  private ready: Promise<void>;
  private stderr = '';

  constructor(readonly child: ChildProcess) {
    const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
    child.stderr?.on('data', (c: Buffer) => {
      this.stderr += c.toString();
    });
    this.ready = new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`upstream: the servers did not start in 10 s: ${this.stderr}`)), 10_000);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`upstream: the servers exited (${code ?? signal}) before they were ready: ${this.stderr}`));
      });
      lines.on('line', (line) => {
        const message = JSON.parse(line) as { ready?: true; synced?: number; hit?: Hit };
        if (message.ready) {
          clearTimeout(timer);
          resolve();
        } else if (message.hit) this.hits.push(message.hit);
        else if (message.synced !== undefined) {
          this.waiting.get(message.synced)?.();
          this.waiting.delete(message.synced);
        }
      });
    });
  }

  started(): Promise<void> {
    return this.ready;
  }

  sync(): Promise<void> {
    const n = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`upstream: no answer to sync in 10 s: ${this.stderr}`)), 10_000);
      this.waiting.set(n, () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.stdin?.write(`sync ${n}\n`);
    });
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }
}

function listenHttp(server: http.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** An HTTP server on the runner that records every connection and request. */
function runnerHttp(name: Hit['server'], hits: Hit[]): http.Server {
  const server = http.createServer((req, res) => {
    const port = req.socket.localPort ?? 0;
    hits.push({ server: name, kind: 'http', port, local: req.socket.localAddress, host: req.headers.host ?? null, path: req.url });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`${JSON.stringify({ server: name })}\n`);
  });
  server.on('connection', (socket) => {
    socket.on('error', () => {});
    hits.push({ server: name, kind: 'tcp', port: socket.localPort ?? 0, local: socket.localAddress, remote: socket.remoteAddress });
  });
  return server;
}

/** `files`: a directory the namespace's servers serve at /files/ (an apt archive, say). */
export async function createUpstream(options: { files?: string } = {}): Promise<Upstream> {
  if (process.getuid?.() !== 0) throw new Error('upstream: needs root (network namespaces, routes, /etc/hosts)');
  sweepStale();
  const suffix = randomSuffix();
  const netns = `gvctest-${suffix}`;
  const link = linkName(suffix);
  const peer = `gvt${suffix}n`;
  const n = freeSubnet();
  const hostEnd = `198.18.${n}.1`;
  const address = `198.18.${n}.2`;
  const second = `198.18.${n}.3`;
  const third = `198.18.${n}.4`;
  const privateAddress = `10.254.${n}.2`;
  const metaAddress = `169.254.${n}.77`;
  const names = {
    allowed: `allowed-${suffix}.test`,
    other: `other-${suffix}.test`,
    denied: `denied-${suffix}.test`,
    alt: `alt-${suffix}.test`,
    wild: `wild-${suffix}.test`,
    wildSub: `a.wild-${suffix}.test`,
    wildDeep: `b.c.wild-${suffix}.test`,
    loopy: `loopy-${suffix}.test`,
    private: `private-${suffix}.test`,
    meta: `meta-${suffix}.test`,
  };
  const mark = `# gvctest-${suffix} pid=${process.pid}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), `gvctest-${suffix}-`));
  chmodSync(dir, 0o755);

  const runnerHits: Hit[] = [];
  const runnerServers: http.Server[] = [];
  let udp: dgram.Socket | undefined;
  let server: NamespaceServer | undefined;
  let disposed = false;

  const dispose = async (): Promise<void> => {
    if (disposed) return;
    disposed = true;
    const problems: string[] = [];
    const attempt = (what: string, body: () => void) => {
      try {
        body();
      } catch (error) {
        problems.push(`${what}: ${(error as Error).message}`);
      }
    };
    await Promise.all(runnerServers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    udp?.close();
    await server?.stop();
    // Deleting one end of a veth deletes both, and the /32 routes through it.
    if (spawnSync('ip', ['link', 'show', link], { stdio: 'ignore' }).status === 0)
      attempt(`ip link del ${link}`, () => ip('link', 'del', link));
    if (
      ip('netns', 'list')
        .split('\n')
        .some((l) => l.split(' ')[0] === netns)
    )
      attempt(`ip netns del ${netns}`, () => ip('netns', 'del', netns));
    attempt('/etc/hosts', () => editHosts((lines) => lines.filter((line) => !line.endsWith(mark))));
    rmSync(dir, { recursive: true, force: true });
    if (problems.length) throw new Error(`upstream: dispose left something behind:\n${problems.join('\n')}`);
  };

  try {
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    makeCertificate({ cert, key }, Object.values(names), [address, second, third]);
    ip('netns', 'add', netns);
    ip('link', 'add', link, 'type', 'veth', 'peer', 'name', peer);
    ip('link', 'set', peer, 'netns', netns);
    ip('addr', 'add', `${hostEnd}/24`, 'dev', link);
    ip('link', 'set', link, 'up');
    ip('-n', netns, 'link', 'set', 'lo', 'up');
    for (const a of [`${address}/24`, `${second}/24`, `${third}/24`, `${privateAddress}/32`, `${metaAddress}/32`]) {
      ip('-n', netns, 'addr', 'add', a, 'dev', peer);
    }
    ip('-n', netns, 'link', 'set', peer, 'up');
    // Answers to the cells' range (198.19.0.0/16) go back to the runner: only the forwarding test
    // needs it (a cell that routes around the action must be stopped by the action, not by this).
    ip('-n', netns, 'route', 'add', '198.19.0.0/16', 'via', hostEnd);
    // Only these two addresses, and only into this namespace: never a range, never the real metadata address.
    for (const a of [privateAddress, metaAddress]) ip('route', 'add', `${a}/32`, 'dev', link, 'src', hostEnd);

    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        netns,
        process.execPath,
        SERVER_SCRIPT,
        JSON.stringify({ http: [80, 8080], https: [443], cert, key, files: options.files }),
      ],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    server = new NamespaceServer(child);
    await server.started();

    const loopback = runnerHttp('runner-loopback', runnerHits);
    const onHostEnd = runnerHttp('runner-host-end', runnerHits);
    const any = runnerHttp('runner-any', runnerHits);
    runnerServers.push(loopback, onHostEnd, any);
    const loopbackPort = await listenHttp(loopback, '127.0.0.1');
    const hostEndPort = await listenHttp(onHostEnd, hostEnd);
    const anyPort = await listenHttp(any, '0.0.0.0');
    const socket = dgram.createSocket('udp4');
    udp = socket;
    socket.on('message', (_message, from) => {
      runnerHits.push({ server: 'runner-udp', kind: 'udp', port: socket.address().port, remote: from.address });
    });
    const udpPort = await new Promise<number>((resolve) => socket.bind(0, '0.0.0.0', () => resolve(socket.address().port)));

    editHosts((lines) => [
      ...lines,
      `${address} ${names.allowed} ${names.other} ${names.denied} ${names.alt} ${names.wild} ${names.wildSub} ${names.wildDeep} ${mark}`,
      `127.0.0.1 ${names.loopy} ${mark}`,
      `${privateAddress} ${names.private} ${mark}`,
      `${metaAddress} ${names.meta} ${mark}`,
    ]);

    const ns = server;
    return {
      suffix,
      netns,
      link,
      hostEnd,
      address,
      second,
      third,
      privateAddress,
      metaAddress,
      names,
      cert,
      ports: { http: 80, https: 443, alt: 8080 },
      runner: { loopbackPort, hostEndPort, anyPort, udpPort },
      barrier(key, count) {
        return new Promise((resolve, reject) => {
          const req = http.get({ host: address, port: 80, path: `/barrier/${key}/${count}`, timeout: 300_000 }, (res) => {
            res.resume();
            res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`upstream: barrier ${key}: ${res.statusCode}`))));
          });
          req.on('timeout', () => req.destroy(new Error(`upstream: barrier ${key}: no one came in 300 s`)));
          req.on('error', reject);
        });
      },
      async hits() {
        await ns.sync();
        return [...ns.hits, ...runnerHits];
      },
      async reset() {
        await ns.sync();
        ns.hits.length = 0;
        runnerHits.length = 0;
      },
      dispose,
    };
  } catch (error) {
    await dispose().catch(() => {});
    throw error;
  }
}
