/**
 * Egress control by name (#13, /work/prompts/egress-contract.md) against a
 * real runsc, as on a hosted runner: the action runs as an ordinary user with
 * passwordless sudo. Every upstream is the test's own (test/support/upstream.ts):
 * servers in a network namespace made here, named through /etc/hosts lines
 * added here, so nothing is sent to an address outside this machine even if
 * the filter is broken. Each cell runs a list of probes (curl, git, node 24's
 * fetch, and test/support/egress-cell/attack.mjs for what curl cannot send)
 * and prints every result; the tests then judge the results, what the
 * servers saw, the egress-log output and the summary.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { inert } from '../../src/inert.js';
import { REPO } from '../support/action-yml.js';
import { type Job, makeJob, removeJob } from '../support/job.js';
import { processesMentioning, waitFor } from '../support/procs.js';
import type { ActionRun, RunOptions } from '../support/runner.js';
import { createUpstream, type Hit, type Reached, type Upstream } from '../support/upstream.js';
import { actionCopy, ensureUser, grantSudo, isRoot, type User } from '../support/users.js';
import { errors } from '../support/workflow-commands.js';
import { runAction } from './action.js';

const USER = 'gvc-e2e-egress';
/** Where the cells see the upstream's certificate, Node 24 and the probe scripts (in the workspace). */
const CA = '/gvctest/ca.pem';
const NODE24 = '/node24/node';
const TOOLS = '.gvctest';
/** "Fails fast": well under curl's own limit (-m 12), never a 60-second hang. */
const FAST_MS = 10_000;
const GIT_SHA = '1234567890abcdef1234567890abcdef12345678';

interface Probe {
  label: string;
  argv: string[];
  env?: Record<string, string>;
  timeoutMs?: number;
}

interface ProbeResult {
  status: number | null;
  signal: string | null;
  ms: number;
  stdout: string;
  stderr: string;
  error: string | null;
}

/** One decision of the egress-log file (the contract's record). */
interface EgressRecord {
  time: string;
  name: string;
  port?: number;
  via: 'dns' | 'tls' | 'http' | 'connect' | 'tcp';
  decision: 'allowed' | 'denied';
  reason?: string;
  address?: string;
  sent?: number;
  received?: number;
}

/** What attack.mjs prints. */
interface Attack {
  connect?: string;
  tls?: string;
  tcp?: string;
  error?: string;
  response?: { status: string; body: string; closed?: boolean; error?: string };
  responses?: { status: string; body: string }[];
  rcode?: number;
  answers?: number;
  [name: string]: unknown;
}

const runsc = inject('runsc');
let up: Upstream;
let user: User;
let job: Job;
let action: ReturnType<typeof actionCopy>;
let node24: string;
let revokeSudo: () => void;

// --- probes ----------------------------------------------------------------

// --fail-with-body: a refusal the action answers with an HTTP status (403) is a failure, its words still shown.
const curl = (...args: string[]) => ['curl', '-sS', '--fail-with-body', '-m', '12', ...args];
/** Straight to the address the cell's DNS gave: the 443 (SNI) and 80 (Host) paths. */
const direct = (...args: string[]) => curl('--noproxy', '*', ...args);
/** Through the cell's proxy even where NO_PROXY would skip it (127.0.0.1, localhost). */
const forcedProxy = (...args: string[]) => ['sh', '-c', 'exec curl -sS -m 12 --noproxy "" -x "$HTTP_PROXY" "$@"', 'sh', ...args];
/** A URL on the cell's nameserver (the runner's end of its link), read inside the cell. */
const onNameserver = (tool: string[], port: number, urlPath: string) => [
  'sh',
  '-c',
  `ns=$(sed -n 's/^nameserver[[:space:]]*//p' /etc/resolv.conf | head -n1); exec "$@" "http://$ns:${port}${urlPath}"`,
  'sh',
  ...tool,
];
const attack = (...args: string[]) => ['node', `${TOOLS}/attack.mjs`, ...args];
const FETCH = `fetch(process.argv[1]).then(async (r) => process.stdout.write(await r.text()), (e) => { console.error(String(e), String(e.cause)); process.exit(1); })`;

function probe(label: string, argv: string[], env?: Record<string, string>): Probe {
  return { label, argv, ...(env ? { env } : {}) };
}

// --- running cells ---------------------------------------------------------

/** A cell that runs `probes` in turn (run-probes.mjs) and prints their results; the CA and Node 24 mounted. */
function document(name: string, network: unknown, probes: Probe[]): string {
  return JSON.stringify({
    name,
    command: ['node', `${TOOLS}/run-probes.mjs`, JSON.stringify(probes)],
    network,
    mounts: [
      { source: up.cert, target: CA },
      { source: node24, target: path.dirname(NODE24) },
    ],
    limits: { timeout: '360s' },
  });
}

function runCell(cell: string, options: Omit<RunOptions, 'node'> = {}): Promise<ActionRun> {
  // The probes' results are one JSON line on stdout: keep as much of it as the action allows.
  return runAction(job, {
    user,
    actionDir: action.dir,
    ...options,
    inputs: { cell, 'runsc-path': action.runsc as string, 'output-limit': '131072' },
  });
}

/** The probes' results, or an error that says what the step said instead. */
function results(run: ActionRun): Record<string, ProbeResult> {
  const stdout = run.main.outputs.stdout ?? '';
  try {
    return JSON.parse(stdout) as Record<string, ProbeResult>;
  } catch {
    throw new Error(
      `the cell printed no probe results (exit-code ${run.main.outputs['exit-code']}); errors: ${JSON.stringify(errors(run.main))}; stdout: ${stdout.slice(0, 2000)}; stderr: ${(run.main.outputs.stderr ?? '').slice(0, 2000)}`,
    );
  }
}

function result(run: ActionRun, label: string): ProbeResult {
  const r = results(run)[label];
  if (!r) throw new Error(`no result for probe ${label}`);
  return r;
}

/** The first line of a probe's stdout as the upstream's JSON answer (curl's -w output may follow). */
function reachedBy(r: ProbeResult): Reached {
  expect(r.status, `${r.stderr} ${r.error ?? ''}`).toBe(0);
  return JSON.parse(r.stdout.split('\n')[0] as string) as Reached;
}

function attackOf(r: ProbeResult): Attack {
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Attack;
}

/** A refusal the cell hears at once: a non-zero status, in well under 10 s. */
function expectRefusedFast(r: ProbeResult, label: string): void {
  expect(r.status, `${label}: ${r.stdout} ${r.stderr}`).not.toBe(0);
  expect(r.status, `${label}: curl's own timeout (28) means a hang, not a refusal`).not.toBe(28);
  expect(r.ms, `${label} took ${r.ms} ms`).toBeLessThan(FAST_MS);
}

/** An attack that got no answer from any upstream: refused at the CONNECT, at TLS, or with an error status. */
function expectNoUpstreamAnswer(a: Attack): void {
  const bodies = [a.response?.body ?? '', ...(a.responses ?? []).map((r) => r.body)].join('\n');
  expect(bodies).not.toContain('"server":"upstream"');
}

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
const RECORD_KEYS = ['time', 'name', 'port', 'via', 'decision', 'reason', 'address', 'error', 'sent', 'received'];

/** The egress-log output's file, every line checked against the contract's record. */
function egressLog(run: ActionRun): EgressRecord[] {
  const file = run.main.outputs['egress-log'];
  expect(typeof file === 'string' && file.startsWith('/'), `the egress-log output names a file: ${file}`).toBe(true);
  const text = readFileSync(file as string, 'utf8');
  expect(text === '' || text.endsWith('\n'), 'JSON Lines: every record ends with a newline').toBe(true);
  const started = run.main.startedAt - 1_000;
  const ended = run.main.startedAt + run.main.wallMs + 1_000;
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const r = JSON.parse(line) as EgressRecord;
      expect(
        Object.keys(r).filter((k) => !RECORD_KEYS.includes(k)),
        line,
      ).toEqual([]);
      expect(r.time, line).toMatch(ISO_TIME);
      expect(Date.parse(r.time), line).toBeGreaterThanOrEqual(started);
      expect(Date.parse(r.time), line).toBeLessThanOrEqual(ended);
      expect(typeof r.name === 'string' && r.name.length > 0, line).toBe(true);
      expect(['dns', 'tls', 'http', 'connect', 'tcp'], line).toContain(r.via);
      expect(['allowed', 'denied'], line).toContain(r.decision);
      // A DNS question has no port of its own; every connection has one.
      if (r.via !== 'dns' || r.port !== undefined)
        expect(Number.isInteger(r.port) && (r.port as number) >= 0 && (r.port as number) <= 65535, line).toBe(true);
      for (const k of ['sent', 'received'] as const) {
        if (r[k] !== undefined) expect(Number.isInteger(r[k]) && (r[k] as number) >= 0, line).toBe(true);
      }
      if (r.decision === 'denied') {
        expect(typeof r.reason === 'string' && r.reason.length > 0, `${line}: a denial says why`).toBe(true);
        expect(r.address, `${line}: a denial connected to nothing`).toBeUndefined();
      } else {
        expect(r.reason, line).toBeUndefined();
        if (r.via !== 'dns') {
          expect(isIP(r.address ?? ''), `${line}: the address connected to`).not.toBe(0);
          expect(Number.isInteger(r.sent) && Number.isInteger(r.received), `${line}: bytes each way`).toBe(true);
        }
      }
      return r;
    });
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A row of the summary's Egress table: destination | port | decision | connections | bytes. */
function egressRow(name: string, port: number, decision: 'allowed' | 'denied'): RegExp {
  return new RegExp(
    `^\\|\\s*\`?${escapeRegex(name)}\`?\\s*\\|\\s*${port}\\s*\\|[^|\\n]*\\b${decision}\\b[^|\\n]*\\|\\s*\\d+\\s*\\|[^|\\n]*\\|\\s*$`,
    'm',
  );
}

/** The job log after the cell's stop-commands window closed: what the action itself said. */
function afterCell(stdout: string): string {
  const open = /^::stop-commands::([0-9a-f]{48})$/m.exec(stdout);
  if (!open) return stdout;
  const end = stdout.indexOf(`::${open[1]}::`);
  return end < 0 ? '' : stdout.slice(end);
}

// --- what a cell leaves on the runner ---------------------------------------

function runId(run: ActionRun): string {
  const runDir = run.main.state['run-dir'];
  expect(runDir ?? '(no run-dir state)').toMatch(/\/gvisor-cell-[A-Za-z0-9]{6}$/);
  return path.basename(runDir as string).slice('gvisor-cell-'.length);
}

/** The contract's names for a cell's network: netns gvisor-cell-<id>, links gvc<id>h/c, nft table inet gvisor_cell_<id>. */
function cellNetwork(id: string): string[] {
  const found: string[] = [];
  const namespaces = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n');
  if (namespaces.some((line) => line.split(' ')[0] === `gvisor-cell-${id}`)) found.push(`netns gvisor-cell-${id}`);
  for (const link of [`gvc${id}h`, `gvc${id}c`])
    if (spawnSync('ip', ['link', 'show', link], { stdio: 'ignore' }).status === 0) found.push(`link ${link}`);
  if (spawnSync('nft', ['list', 'table', 'inet', `gvisor_cell_${id}`], { stdio: 'ignore' }).status === 0)
    found.push(`nft table inet gvisor_cell_${id}`);
  return found;
}

/** The sockets process `pid` listens on (the action binds its listeners on every address, on ports of its own). */
function listenersOf(pid: number): string[] {
  return spawnSync('ss', ['-H', '-l', '-n', '-t', '-u', '-p'], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter((line) => line.includes(`pid=${pid},`));
}

/** Whether anything listens on `port`, TCP or UDP, on any address. */
function listening(port: string): boolean {
  return spawnSync('ss', ['-H', '-l', '-n', '-t', '-u'], { encoding: 'utf8' })
    .stdout.split('\n')
    .some((line) => line.split(/\s+/)[4]?.endsWith(`:${port}`));
}

/** The runner's link that holds `address` (the cell's nameserver is the runner's end). */
function linkHolding(address: string): string | undefined {
  const out = spawnSync('ip', ['-o', '-4', 'addr', 'show', 'to', `${address}/32`], { encoding: 'utf8' }).stdout;
  return /^\d+:\s+([^\s@]+)/.exec(out)?.[1];
}

function upstreamHits(hits: Hit[], kind: Hit['kind']): Hit[] {
  return hits.filter((h) => h.server === 'upstream' && h.kind === kind);
}

describe.skipIf(!isRoot)('egress control by name (as an ordinary user with sudo; needs root to set up)', () => {
  beforeAll(async () => {
    up = await createUpstream();
    user = ensureUser(USER);
    revokeSudo = grantSudo(USER);
    job = makeJob('egress', user);
    action = actionCopy(runsc);
    // The action's Node 24 (for fetch with NODE_USE_ENV_PROXY), where the user can read it.
    node24 = mkdtempSync(path.join(os.tmpdir(), 'gvc-e2e-node24-'));
    chmodSync(node24, 0o755);
    copyFileSync(inject('actionNode'), path.join(node24, 'node'));
    chmodSync(path.join(node24, 'node'), 0o755);
    const tools = path.join(job.workspace, TOOLS);
    mkdirSync(tools);
    cpSync(path.join(REPO, 'test', 'support', 'egress-cell'), tools, { recursive: true });
    for (const f of ['', 'run-probes.mjs', 'attack.mjs']) chownSync(path.join(tools, f), user.uid, user.gid);
  });

  afterAll(async () => {
    // The user's sudo first: nothing below may leave it behind by throwing.
    revokeSudo?.();
    if (job) removeJob(job);
    action?.remove();
    if (node24) rmSync(node24, { recursive: true, force: true });
    spawnSync('userdel', [USER]);
    await up?.dispose();
  });

  describe('an allowed name, each way in', () => {
    let run: ActionRun;
    let hits: Hit[];
    const BIG = 5_000_000;
    const BIG_PROXY = 3_000_000;

    beforeAll(async () => {
      const n = up.names;
      await up.reset();
      run = await runCell(
        document('reach', { allow: [n.allowed, `*.${n.wild}`, `${up.third}:8080`, `${n.alt}:8080`] }, [
          probe('resolv', ['cat', '/etc/resolv.conf']),
          probe('hosts', ['cat', '/etc/hosts']),
          probe('env', ['node', '-e', 'process.stdout.write(JSON.stringify(process.env))']),
          probe('sni', direct('--cacert', CA, `https://${n.allowed}/sni`)),
          probe('host', direct(`http://${n.allowed}/host`)),
          probe('connect', curl('--cacert', CA, '-w', '\n%{http_connect}', `https://${n.allowed}/connect`)),
          probe('absolute', curl(`http://${n.allowed}/absolute`)),
          probe('fetch', [NODE24, '-e', FETCH, `https://${n.allowed}/fetch`], { NODE_EXTRA_CA_CERTS: CA }),
          // The same fetch with a proxy that is not there fails: fetch above went through the cell's proxy.
          probe('fetch-no-proxy', [NODE24, '-e', FETCH, `https://${n.allowed}/fetch-dead-proxy`], {
            NODE_EXTRA_CA_CERTS: CA,
            HTTPS_PROXY: 'http://127.0.0.1:9',
            https_proxy: 'http://127.0.0.1:9',
          }),
          probe('git', ['git', 'ls-remote', `http://${n.allowed}/repo.git`], { GIT_TERMINAL_PROMPT: '0' }),
          probe('wild-sub', direct('--cacert', CA, `https://${n.wildSub}/wild-sub`)),
          probe('wild-deep', curl('--cacert', CA, `https://${n.wildDeep}/wild-deep`)),
          probe('wild-base', direct(`http://${n.wild}/wild-base`)),
          probe('literal', direct(`http://${up.third}:8080/literal`)),
          probe('literal-proxy', curl(`http://${up.third}:8080/literal-proxy`)),
          probe('alt', direct(`http://${n.alt}:8080/alt`)),
          probe('alt-80', direct(`http://${n.alt}/alt-80`)),
          probe('dns', attack('dns', n.allowed, n.denied)),
          probe('big', direct('--cacert', CA, '-o', '/dev/null', '-w', '%{size_download}', `https://${n.allowed}/bytes/${BIG}`)),
          probe('big-proxy', curl('--cacert', CA, '-o', '/dev/null', '-w', '%{size_download}', `https://${n.allowed}/bytes/${BIG_PROXY}`)),
        ]),
      );
      hits = await up.hits();
    });

    test('the cell ran to the end and the step is green', () => {
      expect(errors(run.main)).toEqual([]);
      expect(run.main.outputs['exit-code']).toBe('0');
      expect(Object.keys(results(run))).toContain('big-proxy');
    });

    test('inside: the nameserver is the runner’s end of a /30 in 198.19.0.0/16; no runner /etc/hosts line; the proxy variables', () => {
      const nameserver = /^nameserver\s+(198\.19\.\d+\.\d+)\s*$/m.exec(result(run, 'resolv').stdout)?.[1];
      expect(nameserver, result(run, 'resolv').stdout).toBeDefined();
      expect(Number(nameserver?.split('.')[3]) % 4).toBe(1);
      const hosts = result(run, 'hosts').stdout;
      expect(hosts).not.toContain(up.suffix);
      expect(hosts).toMatch(/^127\.0\.0\.1\s+localhost\b/m);
      const env = JSON.parse(result(run, 'env').stdout) as Record<string, string>;
      const proxy = `http://${nameserver}:3128`;
      for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy']) expect(env[k], k).toBe(proxy);
      for (const k of ['NO_PROXY', 'no_proxy']) expect(env[k], k).toBe('localhost,127.0.0.1,::1');
      expect(env.NODE_USE_ENV_PROXY).toBe('1');
    });

    test('HTTPS by the server name (443): the upstream saw that name as SNI and Host', () => {
      expect(reachedBy(result(run, 'sni'))).toEqual({
        server: 'upstream',
        port: 443,
        local: up.address,
        tls: true,
        sni: up.names.allowed,
        host: up.names.allowed,
        method: 'GET',
        path: '/sni',
      });
    });

    test('HTTP by the Host header (80)', () => {
      expect(reachedBy(result(run, 'host'))).toMatchObject({
        port: 80,
        local: up.address,
        tls: false,
        host: up.names.allowed,
        path: '/host',
      });
    });

    test('through the CONNECT proxy: curl (a tunnel, 200) and Node 24’s fetch with NODE_USE_ENV_PROXY', () => {
      const connect = result(run, 'connect');
      expect(reachedBy(connect)).toMatchObject({ port: 443, sni: up.names.allowed, host: up.names.allowed, path: '/connect' });
      expect(connect.stdout.trim().split('\n').at(-1), 'curl used a proxy tunnel').toBe('200');
      expect(reachedBy(result(run, 'fetch'))).toMatchObject({ port: 443, sni: up.names.allowed, path: '/fetch' });
      expect(result(run, 'fetch-no-proxy').status).not.toBe(0);
    });

    test('through the proxy in absolute form (http_proxy): curl, and git ls-remote', () => {
      const absolute = reachedBy(result(run, 'absolute'));
      expect(absolute).toMatchObject({ port: 80, tls: false, host: up.names.allowed });
      expect(absolute.path).toMatch(new RegExp(`^(http://${escapeRegex(up.names.allowed)})?/absolute$`));
      const git = result(run, 'git');
      expect(git.status, git.stderr).toBe(0);
      expect(git.stdout).toContain(`${GIT_SHA}\trefs/heads/main\n`);
    });

    test('*.name: one or more labels in front are allowed, the name itself is not', () => {
      expect(reachedBy(result(run, 'wild-sub'))).toMatchObject({ sni: up.names.wildSub, path: '/wild-sub' });
      expect(reachedBy(result(run, 'wild-deep'))).toMatchObject({ sni: up.names.wildDeep, path: '/wild-deep' });
      const base = result(run, 'wild-base');
      expect(base.status).toBe(6);
      expect(base.stderr).toContain(`Could not resolve host: ${up.names.wild}`);
    });

    test('a listed IP literal with its port, directly and through the proxy', () => {
      expect(reachedBy(result(run, 'literal'))).toMatchObject({ port: 8080, local: up.third, path: '/literal' });
      expect(reachedBy(result(run, 'literal-proxy'))).toMatchObject({ port: 8080, local: up.third });
    });

    test('a name listed with a port: that port, and not 80', () => {
      expect(reachedBy(result(run, 'alt'))).toMatchObject({ port: 8080, host: `${up.names.alt}:8080`, path: '/alt' });
      expectRefusedFast(result(run, 'alt-80'), 'alt-80');
      expect(hits.filter((h) => h.path === '/alt-80')).toEqual([]);
    });

    test('DNS: an allowed name’s A is the nameserver itself, its AAAA is empty, an unlisted name does not exist', () => {
      const nameserver = /^nameserver\s+(\S+)/m.exec(result(run, 'resolv').stdout)?.[1];
      expect(attackOf(result(run, 'dns'))).toEqual({
        [up.names.allowed]: { a: [nameserver], aaaa: 'ERR:ENODATA' },
        [up.names.denied]: { a: 'ERR:ENOTFOUND', aaaa: 'ERR:ENOTFOUND' },
      });
    });

    test('downloads arrive whole on the SNI path and through the proxy', () => {
      expect(result(run, 'big').stdout).toBe(String(BIG));
      expect(result(run, 'big-proxy').stdout).toBe(String(BIG_PROXY));
    });

    test('the upstream saw exactly the requests the cell sent, under the names it used', () => {
      const n = up.names;
      // A proxy may pass the absolute form on (origin servers must accept it): compare paths only.
      const seen = upstreamHits(hits, 'http').map((h) => `${h.host} ${(h.path ?? '').replace(/^http:\/\/[^/]+/, '')}`);
      const git = seen.filter((s) => s.startsWith(`${n.allowed} /repo.git/`));
      expect(git).toContain(`${n.allowed} /repo.git/info/refs?service=git-upload-pack`);
      expect(seen.filter((s) => !git.includes(s)).sort()).toEqual(
        [
          `${n.allowed} /sni`,
          `${n.allowed} /host`,
          `${n.allowed} /connect`,
          `${n.allowed} /absolute`,
          `${n.allowed} /fetch`,
          `${n.wildSub} /wild-sub`,
          `${n.wildDeep} /wild-deep`,
          `${up.third}:8080 /literal`,
          `${up.third}:8080 /literal-proxy`,
          `${n.alt}:8080 /alt`,
          `${n.allowed} /bytes/${BIG}`,
          `${n.allowed} /bytes/${BIG_PROXY}`,
        ].sort(),
      );
      expect(upstreamHits(hits, 'tls').filter((h) => ![n.allowed, n.wildSub, n.wildDeep].includes(h.sni as string))).toEqual([]);
      expect(hits.filter((h) => h.server !== 'upstream')).toEqual([]);
    });

    test('egress-log: one well-formed record per decision, each way in named, with the bytes', () => {
      const log = egressLog(run);
      const n = up.names;
      const has = (partial: Partial<EgressRecord>) => expect(log).toContainEqual(expect.objectContaining(partial));
      has({ name: n.allowed, port: 443, via: 'tls', decision: 'allowed', address: up.address });
      has({ name: n.allowed, port: 80, via: 'http', decision: 'allowed', address: up.address });
      has({ name: n.allowed, port: 443, via: 'connect', decision: 'allowed', address: up.address });
      has({ name: n.wildSub, port: 443, via: 'tls', decision: 'allowed' });
      has({ name: up.third, port: 8080, via: 'tcp', decision: 'allowed', address: up.third });
      has({ name: n.alt, port: 8080, decision: 'allowed', address: up.address });
      has({ name: n.wild, via: 'dns', decision: 'denied' });
      has({ name: n.alt, port: 80, decision: 'denied' });
      const received = (via: string) =>
        Math.max(0, ...log.filter((r) => r.name === n.allowed && r.via === via).map((r) => r.received ?? 0));
      expect(received('tls')).toBeGreaterThanOrEqual(BIG);
      expect(received('connect')).toBeGreaterThanOrEqual(BIG_PROXY);
      // Nothing allowed here was denied on the way.
      expect(log.filter((r) => r.decision === 'denied' && [n.allowed, n.wildSub, n.wildDeep, up.third].includes(r.name))).toEqual([]);
    });

    test('the summary has an Egress table with a row per destination and port', () => {
      const summary = run.main.summary;
      expect(summary).toMatch(/Egress/);
      expect(summary).toMatch(/^\|\s*destination\s*\|\s*port\s*\|\s*decision\s*\|\s*connections\s*\|\s*bytes[^|\n]*\|\s*$/im);
      expect(summary).toMatch(egressRow(up.names.allowed, 443, 'allowed'));
      expect(summary).toMatch(egressRow(up.names.allowed, 80, 'allowed'));
      expect(summary).toMatch(egressRow(up.third, 8080, 'allowed'));
    });

    test('when the cell ends, its namespace, links and firewall table are gone', async () => {
      // The root shell removes them once told the sandbox is gone; the step does not wait for it (host-network.ts).
      const id = runId(run);
      await waitFor(() => cellNetwork(id).length === 0, 5_000);
      expect(cellNetwork(id)).toEqual([]);
    });
  });

  describe('a name not on the list, and names smuggled past the check', () => {
    let run: ActionRun;
    let hits: Hit[];
    const forged = () => `forged-egress-${up.suffix}`;

    beforeAll(async () => {
      const n = up.names;
      await up.reset();
      run = await runCell(
        document('deny', { allow: [n.allowed, `${n.alt}:8080`] }, [
          probe('unlisted-http', direct(`http://${n.denied}/unlisted-http`)),
          probe('unlisted-https', direct('--cacert', CA, `https://${n.denied}/unlisted-https`)),
          probe('unlisted-connect', curl('--cacert', CA, `https://${n.denied}/unlisted-connect`)),
          probe('unlisted-absolute', curl('-f', `http://${n.denied}/unlisted-absolute`)),
          probe('connect-port', curl('-p', `http://${n.allowed}:8080/connect-port`)),
          // 443, an allowed name's address, another name in the ClientHello.
          probe('sni-curl', direct('--cacert', CA, '--connect-to', `${n.denied}:443:${n.allowed}:443`, `https://${n.denied}/sni-curl`)),
          probe('sni-direct', attack('tls', n.allowed, '443', n.denied, n.denied, '/sni-direct')),
          probe('sni-connect', attack('connect', `${n.allowed}:443`, n.denied, n.denied, '/sni-connect')),
          probe('nosni-direct', attack('tls', n.allowed, '443', '-', n.allowed, '/nosni-direct')),
          probe('nosni-connect', attack('connect', `${n.allowed}:443`, '-', n.allowed, '/nosni-connect')),
          probe('host-header', direct('-H', `Host: ${n.denied}`, `http://${n.allowed}/host-header`)),
          probe('keep-alive', attack('http', n.allowed, '80', '/keep-alive', n.allowed, n.denied)),
          probe('absolute-host', curl('-H', `Host: ${n.denied}`, `http://${n.allowed}/absolute-host`)),
          probe('plain-tunnel', attack('connect', `${n.allowed}:80`, 'plain', n.denied, '/plain-tunnel')),
          probe('crafted-dns', attack('dnsq', JSON.stringify([`x\n::error::${forged()}`, 'test']))),
        ]),
      );
      hits = await up.hits();
    });

    test('the cell ran to the end and the step is green', () => {
      expect(errors(run.main)).toEqual([]);
      expect(run.main.outputs['exit-code']).toBe('0');
    });

    test('straight to it: DNS says it does not exist, at once, for HTTP and HTTPS', () => {
      for (const label of ['unlisted-http', 'unlisted-https']) {
        const r = result(run, label);
        expectRefusedFast(r, label);
        expect(r.status).toBe(6);
        expect(r.stderr).toContain(`Could not resolve host: ${up.names.denied}`);
      }
    });

    test('through the proxy: CONNECT and absolute form are refused at once', () => {
      const connect = result(run, 'unlisted-connect');
      expectRefusedFast(connect, 'unlisted-connect');
      expect(connect.status, connect.stderr).toBe(56);
      expectRefusedFast(result(run, 'unlisted-absolute'), 'unlisted-absolute');
      // A listed name on a port it is not listed with.
      expectRefusedFast(result(run, 'connect-port'), 'connect-port');
    });

    test('a server name that differs from the address’s name, on 443 and through CONNECT, is refused', () => {
      expectRefusedFast(result(run, 'sni-curl'), 'sni-curl');
      for (const label of ['sni-direct', 'sni-connect']) {
        const a = attackOf(result(run, label));
        expect(a.tls, `${label}: ${JSON.stringify(a)}`).not.toBe('ok');
        expectNoUpstreamAnswer(a);
      }
    });

    test('a ClientHello without a server name is refused, on 443 and through CONNECT', () => {
      for (const label of ['nosni-direct', 'nosni-connect']) {
        const a = attackOf(result(run, label));
        expect(a.tls, `${label}: ${JSON.stringify(a)}`).not.toBe('ok');
        expectNoUpstreamAnswer(a);
      }
    });

    test('a Host header naming another name never reaches the upstream: on 80, on a kept-alive connection, in absolute form, in a plain tunnel', () => {
      expect(result(run, 'host-header').stdout).not.toContain('"server":"upstream"');
      const keepAlive = attackOf(result(run, 'keep-alive'));
      expect(keepAlive.responses?.[0]?.body, JSON.stringify(keepAlive)).toContain(`"host":"${up.names.allowed}"`);
      expect(keepAlive.responses?.[1]?.body ?? '').not.toContain('"server":"upstream"');
      expect(result(run, 'absolute-host').stdout).not.toContain('"server":"upstream"');
      expectNoUpstreamAnswer(attackOf(result(run, 'plain-tunnel')));
    });

    test('the upstream saw one request, the kept-alive connection’s first, and no other name', () => {
      expect(upstreamHits(hits, 'http').map((h) => `${h.host} ${h.path}`)).toEqual([`${up.names.allowed} /keep-alive`]);
      expect(upstreamHits(hits, 'tls')).toEqual([]);
      expect(hits.filter((h) => h.server !== 'upstream')).toEqual([]);
    });

    test('egress-log: each denial with its name, port and way in', () => {
      const log = egressLog(run);
      const n = up.names;
      const has = (partial: Partial<EgressRecord>) => expect(log).toContainEqual(expect.objectContaining(partial));
      has({ name: n.denied, via: 'dns', decision: 'denied' });
      has({ name: n.denied, port: 443, via: 'connect', decision: 'denied' });
      has({ name: n.denied, port: 443, via: 'tls', decision: 'denied' });
      has({ name: n.denied, port: 80, via: 'http', decision: 'denied' });
      has({ name: n.allowed, port: 8080, via: 'connect', decision: 'denied' });
      has({ name: n.allowed, port: 80, via: 'http', decision: 'allowed', address: up.address });
      expect(log.filter((r) => r.name === n.denied && r.decision === 'allowed')).toEqual([]);
    });

    test('the job log names the denied name after the cell, and a name made of workflow commands stays text', () => {
      expect(afterCell(run.main.stdout)).toMatch(new RegExp(`^.*${escapeRegex(up.names.denied)}.*$`, 'm'));
      const crafted = attackOf(result(run, 'crafted-dns'));
      expect(crafted.answers).toBe(0);
      expect(crafted.rcode).not.toBe(0);
      expect(run.main.commands.filter((c) => c.value.startsWith(forged()))).toEqual([]);
      expect(run.main.summary).toMatch(egressRow(up.names.denied, 443, 'denied'));
    });
  });

  describe('what the runner has, and names that lead there, stay out of reach', () => {
    let run: ActionRun;
    let hits: Hit[];
    let runnerAddress: string | undefined;

    beforeAll(async () => {
      const n = up.names;
      const r = up.runner;
      // The runner's own address on its LAN (never one of the test's or the cells' links).
      runnerAddress = Object.values(os.networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal && !/^198\.1[89]\./.test(i.address))?.address;
      await up.reset();
      const probes = [
        probe('loopback-direct', direct(`http://127.0.0.1:${r.loopbackPort}/loopback-direct`)),
        probe('loopback-proxy', forcedProxy('-f', `http://127.0.0.1:${r.loopbackPort}/loopback-proxy`)),
        probe('localhost-proxy', forcedProxy('-f', `http://localhost:${r.loopbackPort}/localhost-proxy`)),
        probe('loopback-connect', attack('connect', `127.0.0.1:${r.loopbackPort}`, 'plain', '127.0.0.1', '/loopback-connect')),
        probe('nameserver-any', onNameserver(direct(), r.anyPort, '/nameserver-any')),
        probe('nameserver-any-proxy', onNameserver(forcedProxy('-f'), r.anyPort, '/nameserver-any-proxy')),
        probe('host-end', direct(`http://${up.hostEnd}:${r.hostEndPort}/host-end`)),
        probe('host-end-proxy', curl('-f', `http://${up.hostEnd}:${r.hostEndPort}/host-end-proxy`)),
        probe('udp-nameserver', attack('udp', '@nameserver', String(r.udpPort))),
        probe('udp-host-end', attack('udp', up.hostEnd, String(r.udpPort))),
        probe('loopy', direct(`http://${n.loopy}:${r.loopbackPort}/loopy`)),
        probe('loopy-proxy', curl('-f', `http://${n.loopy}:${r.loopbackPort}/loopy-proxy`)),
        probe('loopy-connect', attack('connect', `${n.loopy}:${r.loopbackPort}`, 'plain', n.loopy, '/loopy-connect')),
        probe('private', direct(`http://${n.private}/private`)),
        probe('private-https', direct('--cacert', CA, `https://${n.private}/private-https`)),
        probe('private-proxy', curl('-f', `http://${n.private}/private-proxy`)),
        probe('meta', direct(`http://${n.meta}/meta`)),
        probe('meta-https', direct('--cacert', CA, `https://${n.meta}/meta-https`)),
        probe('meta-proxy', curl('--cacert', CA, `https://${n.meta}/meta-proxy`)),
        probe('raw-ip', direct(`http://${up.address}/raw-ip`)),
        probe('raw-ip-https', direct('--cacert', CA, `https://${up.address}/raw-ip-https`)),
        probe('raw-ip-8080', direct(`http://${up.address}:8080/raw-ip-8080`)),
        probe('raw-ip-proxy', curl('-f', `http://${up.address}/raw-ip-proxy`)),
        probe('raw-ip-connect', curl('--cacert', CA, `https://${up.address}/raw-ip-connect`)),
        ...(runnerAddress
          ? [
              probe('runner-address', direct(`http://${runnerAddress}:${r.anyPort}/runner-address`)),
              probe('runner-address-proxy', curl('-f', `http://${runnerAddress}:${r.anyPort}/runner-address-proxy`)),
            ]
          : []),
      ];
      run = await runCell(document('unreachable', { allow: [`${n.loopy}:${r.loopbackPort}`, n.private, n.meta] }, probes));
      hits = await up.hits();
    });

    test('the cell ran to the end and the step is green', () => {
      expect(errors(run.main)).toEqual([]);
      expect(run.main.outputs['exit-code']).toBe('0');
    });

    test('every attempt is refused at once', () => {
      const all = results(run);
      expect(Object.keys(all).length).toBeGreaterThanOrEqual(24);
      for (const [label, r] of Object.entries(all)) {
        if (label.startsWith('udp-') || ['loopback-connect', 'loopy-connect'].includes(label)) continue;
        expectRefusedFast(r, label);
      }
      for (const label of ['loopback-connect', 'loopy-connect']) {
        const a = attackOf(result(run, label));
        expect(String(a.connect ?? a.proxy), `${label}: ${JSON.stringify(a)}`).not.toMatch(/^HTTP\/1\.[01] 200/);
      }
    });

    test('no server saw anything: not the runner’s loopback, its other addresses, UDP, nor the namespace behind the private and link-local names', () => {
      // Only worth saying once the probes ran.
      expect(Object.keys(results(run)).length).toBeGreaterThanOrEqual(24);
      expect(hits).toEqual([]);
    });

    test('egress-log: an allowed name resolving to loopback, private or link-local is denied, saying so', () => {
      const log = egressLog(run);
      const n = up.names;
      const denied = (name: string, port: number, why: RegExp) => {
        const records = log.filter((r) => r.name === name && r.port === port && r.decision === 'denied');
        expect(records.length, `${name}:${port} denied`).toBeGreaterThan(0);
        expect(records.map((r) => r.reason).join('\n')).toMatch(why);
      };
      denied(n.loopy, up.runner.loopbackPort, /127\.0\.0\.1|loopback/i);
      denied(n.private, 80, new RegExp(`${escapeRegex(up.privateAddress)}|private`, 'i'));
      denied(n.meta, 80, new RegExp(`${escapeRegex(up.metaAddress)}|link-local|metadata`, 'i'));
      denied(n.meta, 443, new RegExp(`${escapeRegex(up.metaAddress)}|link-local|metadata`, 'i'));
      expect(log.filter((r) => r.decision === 'allowed' && r.via !== 'dns')).toEqual([]);
    });

    test('a root cell that routes around the action is stopped on the runner, even with forwarding on for its link', async () => {
      await up.reset();
      const key = `forward-${up.suffix}`;
      const previous = readFileSync(`/proc/sys/net/ipv4/conf/${up.link}/forwarding`, 'utf8').trim();
      let cellLink: string | undefined;
      let joined: Promise<void> | undefined;
      const script = [
        `gw=$(sed -n 's/^nameserver[[:space:]]*//p' /etc/resolv.conf | head -n1)`,
        'echo "gw $gw"',
        // Wait (through the action, to an allowed name) until the test has turned forwarding on.
        `curl -sS --noproxy '*' -m 100 -o /dev/null http://${up.names.allowed}/barrier/${key}/2 || exit 9`,
        'ip route add default via "$gw" 2>&1 || true',
        'ip -4 route 2>&1 || true',
        // Under bash -e a failing curl would end the script: its status is caught and said instead.
        `rc=0; curl -sS --noproxy '*' -m 8 http://${up.address}/forwarded 2>&1 || rc=$?; echo "curl $rc"`,
      ].join('\n');
      try {
        const forwarded = await runCell(
          JSON.stringify({ name: 'forward', run: script, user: 'root', network: { allow: [up.names.allowed] } }),
          {
            onSpawn: (child) => {
              let seen = '';
              child.stdout?.on('data', (c: Buffer) => {
                seen += c.toString();
                const gw = /^gw (\S+)$/m.exec(seen)?.[1];
                if (!gw || cellLink !== undefined) return;
                cellLink = linkHolding(gw) ?? '';
                // A Docker host forwards between links: here the cell's and the upstream's, unless the action's table stops it.
                for (const link of [cellLink, up.link]) if (link) writeFileSync(`/proc/sys/net/ipv4/conf/${link}/forwarding`, '1');
                joined = up.barrier(key, 2);
              });
            },
          },
        );
        await joined;
        expect(cellLink ?? '(the cell never said its nameserver)', 'the runner’s link holding the cell’s nameserver').toMatch(
          /^gvc[A-Za-z0-9]{6}h$/,
        );
        expect(errors(forwarded.main)).toEqual([]);
        expect(forwarded.main.outputs.stdout).toMatch(/^curl [1-9]\d*$/m);
        // What the action passes on comes from the runner's end; a forwarded packet would keep the cell's address.
        const hits = await up.hits();
        expect(hits.filter((h) => h.path === '/forwarded' || h.remote?.startsWith('198.19.'))).toEqual([]);
        expect(hits.filter((h) => h.kind === 'http').map((h) => h.path)).toEqual([`/barrier/${key}/2`, `/barrier/${key}/2`]);
      } finally {
        writeFileSync(`/proc/sys/net/ipv4/conf/${up.link}/forwarding`, previous);
      }
    }, 300_000);
  });

  describe('audit: true', () => {
    let run: ActionRun;
    let hits: Hit[];

    beforeAll(async () => {
      const n = up.names;
      await up.reset();
      run = await runCell(
        document('audit', { allow: [n.allowed], audit: true }, [
          probe('listed', direct('--cacert', CA, `https://${n.allowed}/audit-listed`)),
          probe('unlisted', direct(`http://${n.other}/audit-unlisted`)),
          probe('unlisted-connect', curl('--cacert', CA, `https://${n.denied}/audit-unlisted-connect`)),
          probe('loopy', direct(`http://${n.loopy}:${up.runner.loopbackPort}/audit-loopy`)),
          probe('meta', direct(`http://${n.meta}/audit-meta`)),
        ]),
      );
      hits = await up.hits();
    });

    test('every name is reached, listed or not', () => {
      expect(errors(run.main)).toEqual([]);
      expect(reachedBy(result(run, 'listed'))).toMatchObject({ sni: up.names.allowed, path: '/audit-listed' });
      expect(reachedBy(result(run, 'unlisted'))).toMatchObject({ host: up.names.other, path: '/audit-unlisted' });
      expect(reachedBy(result(run, 'unlisted-connect'))).toMatchObject({ sni: up.names.denied, path: '/audit-unlisted-connect' });
    });

    test('but never loopback or link-local addresses', () => {
      expectRefusedFast(result(run, 'loopy'), 'loopy');
      expectRefusedFast(result(run, 'meta'), 'meta');
      expect(hits.filter((h) => h.server !== 'upstream' || h.local === up.metaAddress)).toEqual([]);
    });

    test('egress-log records every destination as allowed; the summary lists them', () => {
      const log = egressLog(run);
      const n = up.names;
      const has = (partial: Partial<EgressRecord>) => expect(log).toContainEqual(expect.objectContaining(partial));
      has({ name: n.allowed, port: 443, via: 'tls', decision: 'allowed', address: up.address });
      has({ name: n.other, port: 80, via: 'http', decision: 'allowed', address: up.address });
      has({ name: n.denied, port: 443, via: 'connect', decision: 'allowed', address: up.address });
      // Under audit a name leading only to refused addresses does not resolve: the refusal is the lookup's.
      has({ name: n.loopy, port: 53, via: 'dns', decision: 'denied' });
      expect(log.find((r) => r.name === n.loopy)?.reason).toMatch(/127\.0\.0\.1|loopback/);
      expect(log.filter((r) => [n.other, n.denied].includes(r.name) && r.decision === 'denied')).toEqual([]);
      for (const [name, port] of [
        [n.allowed, 443],
        [n.other, 80],
        [n.denied, 443],
      ] as const) {
        expect(run.main.summary).toMatch(egressRow(name, port, 'allowed'));
      }
    });
  });

  describe('two cells with different lists at once', () => {
    test('each is held to its own list, on its own addresses', async () => {
      const n = up.names;
      await up.reset();
      // Each cell meets the other at the upstream, through its own allowed name: both are up, and both filters pass, at once.
      const barrier = (name: string, step: string): Probe => ({
        label: `barrier-${step}`,
        argv: curl('--noproxy', '*', '-m', '100', `http://${name}/barrier/two-${step}-${up.suffix}/2`),
        timeoutMs: 120_000,
      });
      const cellOf = (me: 'a' | 'b', allowed: string) =>
        runCell(
          document(`two-${me}`, { allow: [allowed] }, [
            barrier(allowed, 'started'),
            probe('resolv', ['cat', '/etc/resolv.conf']),
            probe('allowed', direct(`http://${n.allowed}/two-${me}-allowed`)),
            probe('other', direct(`http://${n.other}/two-${me}-other`)),
            barrier(allowed, 'done'),
          ]),
        );
      const [a, b] = await Promise.all([cellOf('a', n.allowed), cellOf('b', n.other)]);
      for (const [run, step] of [
        [a, 'started'],
        [a, 'done'],
        [b, 'started'],
        [b, 'done'],
      ] as const) {
        expect(reachedBy(result(run, `barrier-${step}`)), `${step}: both cells were running at once`).toMatchObject({
          barrier: `two-${step}-${up.suffix}`,
        });
      }
      expect(reachedBy(result(a, 'allowed'))).toMatchObject({ host: n.allowed, path: '/two-a-allowed' });
      expect(result(a, 'other').status).toBe(6);
      expect(reachedBy(result(b, 'other'))).toMatchObject({ host: n.other, path: '/two-b-other' });
      expect(result(b, 'allowed').status).toBe(6);
      const nameserver = (run: ActionRun) => /^nameserver\s+(\S+)/m.exec(result(run, 'resolv').stdout)?.[1] ?? '(none)';
      expect(nameserver(a)).toMatch(/^198\.19\./);
      expect(nameserver(b)).toMatch(/^198\.19\./);
      expect(nameserver(a)).not.toBe(nameserver(b));
      expect(
        upstreamHits(await up.hits(), 'http')
          .filter((h) => !h.path?.startsWith('/barrier/'))
          .map((h) => `${h.host} ${h.path}`)
          .sort(),
      ).toEqual([`${n.allowed} /two-a-allowed`, `${n.other} /two-b-other`]);
      const aLog = egressLog(a);
      const bLog = egressLog(b);
      expect(aLog).toContainEqual(expect.objectContaining({ name: n.other, decision: 'denied' }));
      expect(bLog).toContainEqual(expect.objectContaining({ name: n.allowed, decision: 'denied' }));
      expect(aLog.filter((r) => r.decision === 'allowed').map((r) => r.name)).not.toContain(n.other);
      expect(bLog.filter((r) => r.decision === 'allowed').map((r) => r.name)).not.toContain(n.allowed);
      expect(a.main.outputs['egress-log']).not.toBe(b.main.outputs['egress-log']);
      await waitFor(() => cellNetwork(runId(a)).length + cellNetwork(runId(b)).length === 0, 5_000);
      expect([...cellNetwork(runId(a)), ...cellNetwork(runId(b))]).toEqual([]);
    }, 300_000);
  });

  describe('the action killed outright', () => {
    test('the post step removes the namespace, the links, the firewall table; nothing listens on the cell’s address', async () => {
      let before: { id: string; network: string[]; listeners: string[] } | undefined;
      let nameserver: string | undefined;
      const run = await runCell(
        JSON.stringify({
          name: 'killed',
          run: `curl -sS -m 12 --noproxy '*' -o /dev/null http://${up.names.allowed}/before-kill && echo reached\nsed -n 's/^nameserver[[:space:]]*/gw /p' /etc/resolv.conf\necho ready\nsleep 600\n`,
          network: { allow: [up.names.allowed] },
        }),
        {
          onSpawn: (child) => {
            let seen = '';
            child.stdout?.on('data', (c: Buffer) => {
              seen += c.toString();
              if (before || !/^ready$/m.test(seen)) return;
              nameserver = /^gw (\S+)$/m.exec(seen)?.[1];
              const link = nameserver ? linkHolding(nameserver) : undefined;
              const id = link?.slice(3, -1) ?? '';
              before = { id, network: cellNetwork(id), listeners: child.pid ? listenersOf(child.pid) : [] };
              child.kill('SIGKILL');
            });
          },
        },
      );
      expect(run.main.signal).toBe('SIGKILL');
      expect(run.main.stdout).toMatch(/^reached$/m);
      // While it ran: the contract's names, and the action's listeners.
      expect(before?.id).toBe(runId(run));
      const id = runId(run);
      expect(before?.network).toEqual([`netns gvisor-cell-${id}`, `link gvc${id}h`, `nft table inet gvisor_cell_${id}`]);
      expect(before?.listeners.length).toBeGreaterThan(0);
      // Then the post step.
      expect(run.post?.exitCode).toBe(0);
      const runDir = run.main.state['run-dir'] as string;
      expect(await waitFor(() => processesMentioning(runDir).length === 0, 5_000)).toBe(true);
      expect(cellNetwork(id)).toEqual([]);
      const ports = (before?.listeners ?? []).map((line) => line.split(/\s+/)[4]?.split(':').pop() ?? '');
      expect(ports.filter(listening)).toEqual([]);
      expect(spawnSync('ip', ['-o', 'addr', 'show', 'to', `${nameserver}/32`], { encoding: 'utf8' }).stdout).toBe('');
    }, 300_000);
  });

  describe('a malformed allow-list is refused before anything starts, naming the entry', () => {
    test.each([
      ['bad..name'],
      ['*.'],
      ['*'],
      ['foo.*.org'],
      ['host:0'],
      ['host:99999'],
      [':443'],
      ['https://x.org'],
      ['2001:db8::1'],
      [`${'a'.repeat(64)}.org`],
      [''],
    ])('%j', async (entry) => {
      const run = await runCell(JSON.stringify({ run: 'true', network: { allow: ['registry.npmjs.org', entry] } }));
      expect(run.main.exitCode).toBe(1);
      // The step's words are neutralised (src/inert.ts): `::` in an entry shows as %3A%3A.
      const shown = entry === '' ? '""' : escapeRegex(inert(entry));
      // One problem, in the action's words for a refused document, naming the entry's index and text.
      expect(errors(run.main)).toEqual([
        expect.stringMatching(
          new RegExp(`^input cell is not a valid cell document:\\n {2}- network\\.allow\\[1\\]: [^\\n]*${shown}[^\\n]*$`),
        ),
      ]);
      expect(run.main.outputs['exit-code']).toBeUndefined();
      expect(run.main.stdout).not.toContain('::stop-commands::');
    });

    test('gvisor-cell validate agrees, and accepts the contract’s forms', () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'gvc-e2e-egress-validate-'));
      try {
        const good = path.join(dir, 'good.yml');
        writeFileSync(
          good,
          'run: "true"\nnetwork:\n  allow: [registry.npmjs.org, "*.pythonhosted.org", proxy.golang.org:443, 203.0.113.7:8080, "[2001:db8::1]:443", Mixed.Case.Example., under_score.example]\n  audit: false\n',
        );
        const bad = path.join(dir, 'bad.yml');
        writeFileSync(bad, 'run: "true"\nnetwork: { allow: [registry.npmjs.org, "bad..name"] }\n');
        const validate = (file: string) =>
          spawnSync(inject('actionNode'), [path.join(action.dir, 'dist', 'cli', 'index.js'), 'validate', file], { encoding: 'utf8' });
        const ok = validate(good);
        // The CLI speaks on stderr.
        expect(ok.stderr).toBe(`${good}: valid\n`);
        expect(ok.status).toBe(0);
        const refused = validate(bad);
        expect(refused.status).toBe(1);
        expect(refused.stderr).toMatch(/network\.allow\[1\]: .*bad\.\.name/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
