/**
 * Figure 5, measured: what `network: { allow }` costs (#13).
 *
 *  - Start-up: the whole step for a /bin/true cell with `network: none` and
 *    with a one-name allow-list (warm tool cache, as figure 1), and the same
 *    pair through the CLI (`node dist/cli/index.js run`), alternating.
 *  - Throughput: a download of DOWNLOAD_BYTES from the bench's own upstream
 *    (upstream.ts) by curl, timed by curl itself (`time_total`): from the
 *    runner directly (the baseline), in a cell with `network: host` (gVisor
 *    on the runner's own network stack), by a bare `runsc --network=sandbox`
 *    in a namespace veth'd straight to the upstream (gVisor's own network
 *    stack, nothing of the action's), and in a cell with an allow-list
 *    through each of the action's paths (TLS server name, HTTP Host header,
 *    CONNECT proxy), alternating. Every download is checked to the byte, and every
 *    allow-list download against the egress log (the path it took).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../../support/action-yml.js';
import { TARBALL_VERSION } from '../../support/bucket.js';
import { SYSTEM_PATH } from '../../support/runner.js';
import { ACTION_NODE } from '../constants.js';
import type { Bench } from '../context.js';
import { log } from '../log.js';
import { lastLines, StepError } from '../processes.js';
import { order, roundName } from '../stats.js';
import { checkStep, runStep, type Step } from '../steps.js';
import { killSandbox, makeBareBundle } from './bare.js';
import { type BenchUpstream, startUpstream, type UpstreamHandle } from './upstream.js';

/** The size of each download: 100 MB. */
export const DOWNLOAD_BYTES = 100_000_000;
/** The start-up cells' one allowed name: never looked up (/bin/true connects nowhere), and `.invalid` could not resolve anyway. */
export const STARTUP_NAME = 'startup.bench.invalid';
/** Where the upstream's certificate is mounted in the cells. */
const CA_TARGET = '/bench-ca';

export const STARTUP_KEYS = ['stepNone', 'stepAllow', 'cliNone', 'cliAllow'] as const;
export type StartupKey = (typeof STARTUP_KEYS)[number];

export const PATH_KEYS = [
  'directHttp',
  'directHttps',
  'netHostHttp',
  'netHostHttps',
  'bareHttp',
  'bareHttps',
  'hostHeader',
  'sni',
  'connect',
] as const;
export type PathKey = (typeof PATH_KEYS)[number];

export interface EgressFigures {
  /** Wall ms per round (same index = same round), measured rounds only. */
  startup: Record<StartupKey, number[]>;
  /** The steps' `duration-ms` (the action's time of `runsc run`). */
  startupDuration: { stepNone: number[]; stepAllow: number[] };
  /** curl's `time_total` of each download, seconds, per round. */
  seconds: Record<PathKey, number[]>;
  bytes: number;
}

interface Download {
  key: PathKey;
  /** What the egress log must show for the download (allow-list paths only). */
  via?: 'tls' | 'http' | 'connect';
  run: () => Promise<{ seconds: number; bytes: number }>;
}

const CURL_OUT = ['-sS', '--fail', '-o', '/dev/null', '-w', '%{time_total} %{size_download}\\n'];

/** curl's `-w` line: "<time_total> <size_download>". */
function parseCurl(stdout: string, what: string): { seconds: number; bytes: number } {
  const m = /^(\d+(?:\.\d+)?) (\d+)$/m.exec(stdout);
  if (!m) throw new StepError(`${what}: no "time size" line from curl in:\n${lastLines(stdout)}`);
  return { seconds: Number(m[1]), bytes: Number(m[2]) };
}

/** The step's egress-log file, checked for an allowed decision `via` that carried the whole body; removed afterwards. */
function checkEgressLog(step: Step, via: string, what: string): void {
  const file = step.outputs['egress-log'];
  if (!file) throw new StepError(`${what}: the step set no egress-log output (was network.allow applied?)`);
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { via: string; decision: string; received?: number });
  rmSync(file, { force: true });
  if (!rows.some((r) => r.via === via && r.decision === 'allowed' && (r.received ?? 0) >= DOWNLOAD_BYTES)) {
    throw new StepError(`${what}: the egress log shows no allowed ${via} connection that carried the body: ${JSON.stringify(rows)}`);
  }
}

async function measureStartup(ctx: Bench, rounds: number): Promise<Pick<EgressFigures, 'startup' | 'startupDuration'>> {
  const { job, procs, runsc } = ctx;
  const none = { command: ['/bin/true'], network: 'none' };
  const allow = { command: ['/bin/true'], network: { allow: [STARTUP_NAME] } };
  const step = async (doc: object, what: string, egress: boolean) => {
    const r = checkStep(await runStep(ctx, { cell: JSON.stringify(doc), 'runsc-version': TARBALL_VERSION }), what);
    if (egress !== Boolean(r.outputs['egress-log'])) throw new StepError(`${what}: egress-log output ${egress ? 'missing' : 'unexpected'}`);
    if (r.outputs['egress-log']) rmSync(r.outputs['egress-log'], { force: true });
    return { ms: r.ms, durationMs: Number(r.outputs['duration-ms']) };
  };
  // The CLI as a user runs it, its logs kept in a temp directory of the bench's own.
  const cliTmp = path.join(job.scratch, 'cli-tmp');
  const docs = { none: path.join(job.scratch, 'startup-none.json'), allow: path.join(job.scratch, 'startup-allow.json') };
  writeFileSync(docs.none, JSON.stringify(none));
  writeFileSync(docs.allow, JSON.stringify(allow));
  const cli = async (doc: string, what: string) => {
    rmSync(cliTmp, { recursive: true, force: true });
    const r = await procs.run(ACTION_NODE, [path.join(REPO, 'dist', 'cli', 'index.js'), 'run', doc, '--runsc', runsc], {
      cwd: job.workspace,
      env: { PATH: SYSTEM_PATH, HOME: job.home, LANG: 'C.UTF-8', TMPDIR: cliTmp },
    });
    if (r.code !== 0) throw new StepError(`${what}: exit ${r.code ?? r.signal}\n${lastLines(r.stderr)}`);
    rmSync(cliTmp, { recursive: true, force: true });
    return { ms: r.ms, durationMs: Number.NaN };
  };
  const variants: { key: StartupKey; run: () => Promise<{ ms: number; durationMs: number }> }[] = [
    { key: 'stepNone', run: () => step(none, 'start-up, step, network: none', false) },
    { key: 'stepAllow', run: () => step(allow, 'start-up, step, network.allow', true) },
    { key: 'cliNone', run: () => cli(docs.none, 'start-up, CLI, network: none') },
    { key: 'cliAllow', run: () => cli(docs.allow, 'start-up, CLI, network.allow') },
  ];
  const startup = Object.fromEntries(STARTUP_KEYS.map((k) => [k, [] as number[]])) as Record<StartupKey, number[]>;
  const startupDuration = { stepNone: [] as number[], stepAllow: [] as number[] };
  for (let round = 0; round <= rounds; round++) {
    log(`egress start-up: ${roundName(round, rounds)}`);
    for (const v of order(variants, round)) {
      const r = await v.run();
      if (round === 0) continue;
      startup[v.key].push(r.ms);
      if (v.key === 'stepNone' || v.key === 'stepAllow') startupDuration[v.key].push(r.durationMs);
    }
  }
  return { startup, startupDuration };
}

function downloads(ctx: Bench, up: BenchUpstream): Download[] {
  const { procs } = ctx;
  const http = `http://${up.name}/bytes/${DOWNLOAD_BYTES}`;
  const https = `https://${up.name}/bytes/${DOWNLOAD_BYTES}`;
  const direct = (key: PathKey, args: string[]): Download => ({
    key,
    run: async () => {
      const r = await procs.run('curl', [...CURL_OUT, '--noproxy', '*', ...args], { env: { PATH: SYSTEM_PATH, LANG: 'C.UTF-8' } });
      if (r.code !== 0) throw new StepError(`download ${key}: curl exit ${r.code ?? r.signal}: ${lastLines(r.stderr)}`);
      return parseCurl(r.stdout, `download ${key}`);
    },
  });
  const ca = `${CA_TARGET}/${path.basename(up.certFile)}`;
  const inCell = (key: PathKey, network: unknown, args: string[], via?: Download['via']): Download => ({
    key,
    via,
    run: async () => {
      const doc = {
        name: `bench-egress-${key}`,
        command: ['curl', ...CURL_OUT, ...args],
        network,
        workspace: 'none',
        mounts: [{ source: up.certDir, target: CA_TARGET, mode: 'read-only' }],
      };
      const what = `download ${key}`;
      // fail-on-error off: a failed download is reported below with what curl said and what the egress log recorded.
      const r = checkStep(
        await runStep(ctx, { cell: JSON.stringify(doc), 'runsc-version': TARBALL_VERSION, 'fail-on-error': 'false' }),
        what,
      );
      if (r.outputs['exit-code'] !== '0') {
        const file = r.outputs['egress-log'];
        const recorded = file && existsSync(file) ? readFileSync(file, 'utf8').trim() : '(none)';
        if (file) rmSync(file, { force: true });
        throw new StepError(`${what}: the cell exited ${r.outputs['exit-code']}: ${r.outputs.logs}\negress log: ${recorded}`);
      }
      if (via) checkEgressLog(r, via, what);
      return parseCurl(r.outputs.stdout ?? '', what);
    },
  });
  // A bare sandbox on gVisor's network stack: the namespace's address is put back before each run (runsc takes it off
  // the link it takes over), and /proc/sys/net is hidden from runsc as the action hides it (src/run/readonly.ts).
  let bareRuns = 0;
  const bare = (key: PathKey, args: string[]): Download => {
    const dir = path.join(ctx.job.root, `egress-${key}`);
    mkdirSync(dir);
    const b = makeBareBundle(path.join(dir, 'state'), path.join(dir, 'bundle'), {
      args: ['curl', ...CURL_OUT, '--noproxy', '*', ...args],
      binds: [[up.certDir, CA_TARGET]],
      netnsPath: up.bare.netnsPath,
    });
    const mask = 'mount -t tmpfs -o ro,nosuid,nodev,noexec,size=4k gvc-bench-mask /proc/sys/net && exec "$@"';
    return {
      key,
      run: async () => {
        const netns = path.basename(up.bare.netnsPath);
        const a = await procs.run('ip', ['-n', netns, 'addr', 'replace', `${up.bare.address}/25`, 'dev', up.bare.link]);
        if (a.code !== 0) throw new StepError(`download ${key}: ip addr replace failed: ${lastLines(a.stderr)}`);
        const id = `bench-egress-${process.pid}-${++bareRuns}`;
        const argv = [
          ctx.runsc,
          `--root=${b.root}`,
          '--platform=systrap',
          '--network=sandbox',
          '--ignore-cgroups',
          'run',
          `--bundle=${b.bundle}`,
          id,
        ];
        const r = await procs.run('unshare', ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', mask, 'sh', ...argv], {
          stop: killSandbox(ctx.runsc, b.root, id),
        });
        if (r.code !== 0) throw new StepError(`download ${key}: bare runsc exit ${r.code ?? r.signal}: ${lastLines(r.stderr)}`);
        return parseCurl(r.stdout, `download ${key}`);
      },
    };
  };
  const allow = { allow: [up.name] };
  // network: host sees the runner's /etc/hosts through its own view of /etc; --resolve makes that not matter.
  const resolve = (port: number) => ['--resolve', `${up.name}:${port}:${up.address}`];
  const resolveBare = (port: number) => ['--resolve', `${up.name}:${port}:${up.bare.upstream}`];
  return [
    direct('directHttp', [http]),
    direct('directHttps', ['--cacert', up.certFile, https]),
    inCell('netHostHttp', 'host', ['--noproxy', '*', ...resolve(80), http]),
    inCell('netHostHttps', 'host', ['--noproxy', '*', ...resolve(443), '--cacert', ca, https]),
    bare('bareHttp', [...resolveBare(80), http]),
    bare('bareHttps', [...resolveBare(443), '--cacert', ca, https]),
    inCell('hostHeader', allow, ['--noproxy', '*', http], 'http'),
    inCell('sni', allow, ['--noproxy', '*', '--cacert', ca, https], 'tls'),
    // The proxy variables the action sets in the cell: curl takes https_proxy for an https:// URL.
    inCell('connect', allow, ['--cacert', ca, https], 'connect'),
  ];
}

async function measureThroughput(ctx: Bench, rounds: number, up: BenchUpstream): Promise<Record<PathKey, number[]>> {
  const seconds = Object.fromEntries(PATH_KEYS.map((k) => [k, [] as number[]])) as Record<PathKey, number[]>;
  const list = downloads(ctx, up);
  for (let round = 0; round <= rounds; round++) {
    log(`egress throughput: ${roundName(round, rounds)}`);
    for (const d of order(list, round)) {
      const r = await d.run();
      if (r.bytes !== DOWNLOAD_BYTES) throw new StepError(`download ${d.key}: ${r.bytes} bytes, expected ${DOWNLOAD_BYTES}`);
      if (round > 0) seconds[d.key].push(r.seconds);
    }
  }
  return seconds;
}

export async function measureEgress(ctx: Bench, rounds: number, register: (handle: UpstreamHandle) => void): Promise<EgressFigures> {
  const startup = await measureStartup(ctx, rounds);
  log('egress: starting the upstream (a network namespace on 198.18.0.0/16, an /etc/hosts line)');
  let handle: UpstreamHandle | undefined;
  const up = await startUpstream(path.join(ctx.job.root, 'upstream'), (h) => {
    handle = h;
    register(h);
  });
  try {
    const seconds = await measureThroughput(ctx, rounds, up);
    return { ...startup, seconds, bytes: DOWNLOAD_BYTES };
  } finally {
    await handle?.dispose();
  }
}
