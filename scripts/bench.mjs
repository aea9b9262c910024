#!/usr/bin/env node
/**
 * Benchmarks the built action (dist/) on this machine, in one go, against the
 * bare tools it wraps. The compared commands alternate (A B A B …, the order
 * reversed every other round) after a warm-up, so slow drift of the machine
 * cancels out; medians and ratios are printed as Markdown tables on stdout,
 * progress on stderr. Absolute times vary from machine to machine: the ratios
 * are what to compare.
 *
 *   step     the whole step (`node dist/index.js`, a /bin/true cell, warm tool
 *            cache, with and without runsc-sha512 (both layouts); and with
 *            runsc-path) vs a bare `runsc run` of a minimal
 *            bundle plus a bare `node -e 0`; and where the step's time goes
 *   install  the action installing runsc into an empty tool cache from a local
 *            bucket (both layouts) vs the shell recipe on the same files
 *   work     work inside a cell (through the action) vs the same work natively
 *   bundle   document → bundle, in-process: only says whether a vitest bench exists
 *
 * Usage: node scripts/bench.mjs [--rounds N] [--only step,install,work,bundle]
 * Needs: root (a bare `runsc run` needs it), a built dist/, and a runsc that
 * scripts/provision-runsc.sh can find or fetch; curl, sha512sum, tar (and zstd),
 * git for the git figure. Everything it creates lives under .tmp/ and is removed
 * at the end, also on Ctrl-C.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST_MAIN = path.join(REPO, 'dist', 'index.js');
/** The Node the steps run on: the runner's is node24 (GVC_ACTION_NODE, see scripts/provision-node.sh). */
const ACTION_NODE = process.env.GVC_ACTION_NODE || process.execPath;
const DIST_POST = path.join(REPO, 'dist', 'post', 'index.js');
const TMP = path.join(REPO, '.tmp');
const BUCKET_DIR = path.join(TMP, 'bench-bucket');

const FIGURES = ['step', 'install', 'work', 'bundle'];
const DEFAULT_ROUNDS = 5;
const ARCH = process.arch === 'arm64' ? 'aarch64' : 'x86_64';
/** Tarball layout (releases from 20260824 on) and the old loose-binary layout. */
const TARBALL_VERSION = '20260901.0';
const LOOSE_VERSION = '20240729.0';
/** The trivial cell, as a user writes it (YAML). */
const TRIVIAL_CELL = 'command: [/bin/true]';
const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const BUDGET = { step: 1.1, install: 1.2 };

// ---------------------------------------------------------------------------
// Arguments, logging

function usage(problem) {
  const text = `Usage: node scripts/bench.mjs [--rounds N] [--only ${FIGURES.join(',')}]
  --rounds N   measured rounds per figure, after one warm-up round (default ${DEFAULT_ROUNDS})
  --only LIST  comma-separated subset of: ${FIGURES.join(', ')}`;
  if (problem) {
    process.stderr.write(`bench: ${problem}\n${text}\n`);
    process.exit(2);
  }
  process.stdout.write(`${text}\n`);
  process.exit(0);
}

function parseArgs(argv) {
  let rounds = DEFAULT_ROUNDS;
  let only = new Set(FIGURES);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => (eq > 0 ? arg.slice(eq + 1) : (argv[++i] ?? usage(`${flag} needs a value`)));
    if (flag === '--rounds') {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) < 1) usage(`--rounds: expected a whole number ≥ 1, got "${v}"`);
      rounds = Number(v);
    } else if (flag === '--only') {
      const names = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = names.filter((n) => !FIGURES.includes(n));
      if (bad.length || names.length === 0) usage(`--only: unknown figure ${bad.join(', ') || '(none given)'}`);
      only = new Set(names);
    } else if (flag === '-h' || flag === '--help') {
      usage();
    } else {
      usage(`unknown argument ${arg}`);
    }
  }
  return { rounds, only };
}

const T0 = performance.now();
function log(message) {
  process.stderr.write(`[bench ${((performance.now() - T0) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

// ---------------------------------------------------------------------------
// Processes: every child is tracked, so that an interruption stops them all.

/** child → { stop(), closed } for the processes running right now. */
const live = new Map();
let aborting = false;

class StepError extends Error {}

function tailKeeper(limit) {
  const chunks = [];
  let size = 0;
  return {
    push(c) {
      chunks.push(c);
      size += c.length;
      while (chunks.length > 1 && size - chunks[0].length >= limit) size -= chunks.shift().length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
  };
}

/**
 * Runs a command to completion and times it (spawn → close). `stop` is how to
 * stop it on an interruption; by default its process group is SIGKILLed (such
 * children are started in a group of their own).
 */
function run(cmd, args, { cwd, env, stop, tail = 64 * 1024 } = {}) {
  return new Promise((resolve, reject) => {
    if (aborting) {
      reject(new Error('interrupted'));
      return;
    }
    const detached = !stop;
    const startWall = performance.timeOrigin + performance.now();
    const t0 = performance.now();
    const child = spawn(cmd, args, {
      cwd,
      env: env ?? { PATH: SYSTEM_PATH, LANG: 'C.UTF-8' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached,
    });
    const out = tailKeeper(tail);
    const err = tailKeeper(tail);
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    const closed = new Promise((r) => child.once('close', r));
    live.set(child, {
      closed,
      stop: () => {
        if (stop) stop(child);
        else if (child.pid) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      },
    });
    child.once('error', (e) => {
      live.delete(child);
      reject(new Error(`could not run ${cmd}: ${e.message}`));
    });
    child.once('close', (code, signal) => {
      const ms = performance.now() - t0;
      live.delete(child);
      resolve({ ms, code, signal, stdout: out.text(), stderr: err.text(), startWall, endWall: startWall + ms });
    });
  });
}

function lastLines(text, n = 15) {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

// ---------------------------------------------------------------------------
// Statistics and Markdown

function median(xs) {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function ms(x) {
  if (!Number.isFinite(x)) return '–';
  return Math.abs(x) < 10 ? x.toFixed(1) : String(Math.round(x));
}

function spread(xs) {
  return xs.length ? `${ms(Math.min(...xs))}–${ms(Math.max(...xs))}` : '–';
}

function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : Number.NaN;
}

function fmtRatio(r) {
  return Number.isFinite(r) ? r.toFixed(2) : '–';
}

function verdict(r, budget) {
  if (!Number.isFinite(r)) return '–';
  return r <= budget ? `✅ ≤ ${budget.toFixed(2)}` : `❌ > ${budget.toFixed(2)}`;
}

/** A Markdown table: first column left-aligned, the others right-aligned (numbers) unless `left`. */
function table(header, rows, { left = false } = {}) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 || left ? '---' : '---:'))), ...rows.map(line)].join('\n');
}

/** The compared commands of one round, in alternating order (reversed every other round). */
function order(list, round) {
  return round % 2 === 0 ? list : [...list].reverse();
}

// ---------------------------------------------------------------------------
// The runner's side: action.yml defaults, file commands, one step

function actionYml() {
  const text = fs.readFileSync(path.join(REPO, 'action.yml'), 'utf8');
  const defaults = {};
  let inInputs = false;
  let current;
  for (const line of text.split('\n')) {
    if (/^\S/.test(line)) inInputs = /^inputs:\s*$/.test(line);
    if (!inInputs) continue;
    const input = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line);
    if (input) {
      current = input[1];
      defaults[current] = '';
      continue;
    }
    const def = /^ {4}default:\s*(.*?)\s*$/.exec(line);
    if (def && current) defaults[current] = def[1].replace(/^(['"])(.*)\1$/, '$2');
  }
  const postIf = /^\s*post-if:\s*(.+?)\s*$/m.exec(text)?.[1] ?? 'always()';
  return { defaults, postIf };
}

/** `name=value` and `name<<DELIM … DELIM` lines, as the runner reads GITHUB_OUTPUT and GITHUB_STATE. */
function parseFileCommand(text) {
  const out = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]);
      out[heredoc[1]] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

let stepCounter = 0;

/**
 * One step, as the runner runs it: `node dist/index.js` in the workspace with
 * INPUT_* (action.yml's defaults filled in) and fresh file-command files; then
 * the post step when post-if holds (`failure() || cancelled()`: only when main
 * failed). `ms` is main plus post.
 */
async function runStep(ctx, inputs, { toolCache = ctx.job.toolCache } = {}) {
  const { job, action } = ctx;
  const files = path.join(job.temp, '_runner_file_commands', `step-${++stepCounter}`);
  fs.mkdirSync(files, { recursive: true });
  const outputFile = path.join(files, 'output');
  const stateFile = path.join(files, 'state');
  const summaryFile = path.join(files, 'summary');
  for (const f of [outputFile, stateFile, summaryFile]) fs.writeFileSync(f, '');
  const env = {
    PATH: SYSTEM_PATH,
    HOME: job.home,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: job.workspace,
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_RUN_ID: '4242',
    GITHUB_JOB: 'bench',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: ARCH === 'aarch64' ? 'ARM64' : 'X64',
    RUNNER_TEMP: job.temp,
    RUNNER_TOOL_CACHE: toolCache,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STATE: stateFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ACTIONS_RUNTIME_TOKEN: 'bench-not-a-token',
  };
  for (const [name, def] of Object.entries(action.defaults)) env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? def;

  // On an interruption the action gets SIGTERM, as the runner sends it: it stops its own cell.
  const main = await run(ACTION_NODE, [DIST_MAIN], { cwd: job.workspace, env, stop: (c) => c.kill('SIGTERM') });
  const outputs = parseFileCommand(fs.readFileSync(outputFile, 'utf8'));
  const state = parseFileCommand(fs.readFileSync(stateFile, 'utf8'));
  const postRuns = action.postIf === 'failure() || cancelled()' ? main.code !== 0 : true;
  let post;
  if (postRuns && !aborting) {
    const postEnv = { ...env };
    for (const [k, v] of Object.entries(state)) postEnv[`STATE_${k}`] = v;
    post = await run(ACTION_NODE, [DIST_POST], { cwd: job.workspace, env: postEnv, stop: (c) => c.kill('SIGTERM') });
  }
  fs.rmSync(files, { recursive: true, force: true });
  if (outputs['log-file']?.startsWith(`${job.temp}/`)) fs.rmSync(outputs['log-file'], { force: true });
  return { ms: main.ms + (post?.ms ?? 0), main, post, outputs };
}

function checkStep(step, what) {
  if (step.main.code === 0) return step;
  const errors = step.main.stdout
    .split('\n')
    .filter((l) => l.startsWith('::error::'))
    .map((l) => l.slice(9).replace(/%0A/g, '\n').replace(/%0D/g, '\r').replace(/%25/g, '%'));
  throw new StepError(
    `${what}: the step failed (exit ${step.main.code ?? step.main.signal})\n` +
      (errors.length
        ? errors.join('\n')
        : `--- stdout ---\n${lastLines(step.main.stdout)}\n--- stderr ---\n${lastLines(step.main.stderr)}`),
  );
}

// ---------------------------------------------------------------------------
// The local release bucket (test/e2e/bucket.ts's layout, only what the bench needs)

function sha512(file) {
  return createHash('sha512').update(fs.readFileSync(file)).digest('hex');
}

function publish(file) {
  fs.writeFileSync(`${file}.sha512`, `${sha512(file)}  ${path.basename(file)}\n`);
}

function haveCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/**
 *   20240729.0/<arch>/runsc                 old layout: the loose binary
 *   20260901.0/<arch>/gvisor.tar.<zstd|bz2> new layout: runsc + gvisor-bin/
 * zstd when this machine has it (the action prefers it then), bz2 otherwise.
 */
function buildBucket(runsc) {
  fs.rmSync(BUCKET_DIR, { recursive: true, force: true });
  const loose = path.join(BUCKET_DIR, LOOSE_VERSION, ARCH);
  fs.mkdirSync(loose, { recursive: true });
  fs.copyFileSync(runsc, path.join(loose, 'runsc'));
  fs.chmodSync(path.join(loose, 'runsc'), 0o755);
  publish(path.join(loose, 'runsc'));

  const stage = path.join(BUCKET_DIR, '.stage');
  fs.mkdirSync(path.join(stage, 'gvisor-bin'), { recursive: true });
  fs.copyFileSync(runsc, path.join(stage, 'runsc'));
  fs.chmodSync(path.join(stage, 'runsc'), 0o755);
  fs.writeFileSync(path.join(stage, 'containerd-shim-runsc-v1'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  fs.writeFileSync(path.join(stage, 'gvisor-bin', 'gvisor_sentry'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const zstd = haveCommand('zstd');
  const artifact = zstd ? 'gvisor.tar.zstd' : 'gvisor.tar.bz2';
  const tarFlag = zstd ? '--zstd' : '--bzip2';
  const dir = path.join(BUCKET_DIR, TARBALL_VERSION, ARCH);
  fs.mkdirSync(dir, { recursive: true });
  const tar = spawnSync('tar', [tarFlag, '-cf', path.join(dir, artifact), '-C', stage, '.'], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`tar ${tarFlag} failed: ${tar.stderr}`);
  publish(path.join(dir, artifact));
  fs.rmSync(stage, { recursive: true, force: true });
  return { artifact, tarFlag };
}

async function serveBucket(dir) {
  let requests = 0;
  const server = http.createServer((req, res) => {
    requests++;
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(dir, path.normalize(urlPath));
    let stat;
    try {
      stat = file.startsWith(`${dir}/`) ? fs.statSync(file) : undefined;
    } catch {
      stat = undefined;
    }
    if (!stat?.isFile()) {
      res.writeHead(404, 'Not Found', { 'content-type': 'application/xml' }).end('<Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    res.writeHead(200, { 'content-length': String(stat.size), 'content-type': 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// ---------------------------------------------------------------------------
// Machine, runsc, job layout

function describeMachine(runsc) {
  let cpuinfo = '';
  try {
    cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // not Linux /proc: fall back to os.cpus()
  }
  const cores = (cpuinfo.match(/^processor\s*:/gm) ?? []).length || os.cpus().length;
  const model =
    /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? /^Hardware\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const version = runsc
    ? spawnSync(runsc, ['--version'], { encoding: 'utf8' }).stdout?.split('\n')[0]?.trim() || 'unknown'
    : 'not used by this run';
  const node = spawnSync(ACTION_NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return { cores, model: model.trim(), kernel: os.release(), node, runsc: version, memGiB: os.totalmem() / 2 ** 30 };
}

function provisionRunsc() {
  log('provisioning runsc (scripts/provision-runsc.sh)');
  const r = spawnSync('bash', [path.join(REPO, 'scripts', 'provision-runsc.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const found = r.stdout?.trim().split('\n').pop();
  if (r.status !== 0 || !found) throw new Error('scripts/provision-runsc.sh found no systrap-capable runsc (set RUNSC to one)');
  return found;
}

/** A runner-like layout: HOME, the workspace inside it, RUNNER_TEMP, the tool cache. */
function makeJob(root) {
  const home = path.join(root, 'home');
  const job = {
    root,
    home,
    workspace: path.join(home, 'work', 'app', 'app'),
    temp: path.join(home, 'work', '_temp'),
    toolCache: path.join(home, 'toolcache'),
    scratch: path.join(root, 'scratch'),
  };
  for (const dir of [job.workspace, job.temp, job.toolCache, job.scratch]) fs.mkdirSync(dir, { recursive: true });
  return job;
}

// ---------------------------------------------------------------------------
// Figure 1: step overhead

/**
 * The hand-written equivalent of the trivial cell: read-only root skeleton,
 * the host's /usr and /etc bound read-only, /bin/true, no network.
 */
function makeBareBundle(dir, { staged = false } = {}) {
  const rootfs = path.join(dir, 'rootfs');
  for (const d of ['proc', 'dev', 'sys', 'tmp', 'usr', 'etc']) fs.mkdirSync(path.join(rootfs, d), { recursive: true });
  const mounts = [
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/usr', type: 'bind', source: '/usr', options: ['rbind', 'ro', 'nosuid', 'nodev'] },
    { destination: '/etc', type: 'bind', source: '/etc', options: ['rbind', 'ro', 'nosuid', 'nodev'] },
  ];
  for (const name of ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']) {
    let st;
    try {
      st = fs.lstatSync(`/${name}`);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(`/${name}`), path.join(rootfs, name));
    else if (st.isDirectory()) {
      fs.mkdirSync(path.join(rootfs, name));
      mounts.push({ destination: `/${name}`, type: 'bind', source: `/${name}`, options: ['rbind', 'ro', 'nosuid', 'nodev'] });
    }
  }
  // As the action does (src/run/readonly.ts): each read-only source bound, read-only by the kernel, at a
  // stub in a private mount namespace, and the spec naming the stubs.
  const binds = [];
  if (staged) {
    for (const [i, m] of mounts.entries()) {
      if (m.type !== 'bind') continue;
      const at = path.join(dir, 'ro', String(i));
      fs.mkdirSync(at, { recursive: true });
      binds.push([m.source, at]);
      m.source = at;
    }
  }
  const spec = {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: ['/bin/true'],
      env: [`PATH=${SYSTEM_PATH}`],
      cwd: '/',
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'bare',
    mounts,
    linux: { namespaces: ['pid', 'ipc', 'uts', 'mount', 'network'].map((type) => ({ type })) },
  };
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(spec, null, 2));
  return binds;
}

/** The namespace wrapper the action puts around runsc, by hand: unshare, then `mount --rbind -o ro` each source at its stub. */
function inNamespace(binds, argv) {
  const script = 'while [ "$1" != -- ]; do mount --rbind -o ro,nosuid,nodev "$1" "$2" || exit 125; shift 2; done; shift; exec "$@"';
  return ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', script, 'sh', ...binds.flat(), '--', ...argv];
}

let bareCounter = 0;
async function runBare(ctx, extraFlags = []) {
  const { runsc, bare } = ctx;
  const id = `bench-bare-${process.pid}-${++bareCounter}`;
  const r = await run(
    runsc,
    [`--root=${bare.root}`, '--platform=systrap', '--network=none', ...extraFlags, 'run', `--bundle=${bare.bundle}`, id],
    {
      stop: () => spawnSync(runsc, [`--root=${bare.root}`, 'kill', '--all', id, 'KILL'], { stdio: 'ignore', timeout: 10_000 }),
    },
  );
  if (r.code !== 0) throw new StepError(`bare runsc run failed (exit ${r.code ?? r.signal}):\n${lastLines(r.stderr)}`);
  return r;
}

/** runBare with `--ignore-cgroups`, in the private mount namespace with the read-only binds the action makes. */
async function runBareNs(ctx) {
  const { runsc, bareNs } = ctx;
  const id = `bench-barens-${process.pid}-${++bareCounter}`;
  const argv = [
    runsc,
    `--root=${bareNs.root}`,
    '--platform=systrap',
    '--network=none',
    '--ignore-cgroups',
    'run',
    `--bundle=${bareNs.bundle}`,
    id,
  ];
  const r = await run('unshare', inNamespace(bareNs.binds, argv), {
    stop: () => spawnSync(runsc, [`--root=${bareNs.root}`, 'kill', '--all', id, 'KILL'], { stdio: 'ignore', timeout: 10_000 }),
  });
  if (r.code !== 0) throw new StepError(`bare runsc run in a namespace failed (exit ${r.code ?? r.signal}):\n${lastLines(r.stderr)}`);
  return r;
}

async function runNodeBare() {
  const r = await run(ACTION_NODE, ['-e', '0']);
  if (r.code !== 0) throw new Error(`node -e 0 failed: ${r.stderr}`);
  return r;
}

/**
 * A tool cache whose runsc is a bash shim that logs when it starts and ends
 * (EPOCHREALTIME, no extra processes) around the real runsc: it shows when the
 * action spawns `runsc run`, and how long the run itself takes.
 */
function makeShim(_ctx, dir, realRunsc) {
  fs.mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'shim.log');
  const shim = path.join(dir, 'runsc');
  fs.writeFileSync(
    shim,
    `#!/bin/bash
printf '%s start %s\\n' "$EPOCHREALTIME" "$*" >>'${logFile}'
'${realRunsc}' "$@"
rc=$?
printf '%s end %s\\n' "$EPOCHREALTIME" "$*" >>'${logFile}'
exit $rc
`,
    { mode: 0o755 },
  );
  return { shim, logFile };
}

function shimCache(ctx, realCacheEntry) {
  // <tool cache>/<tool>/<key>/<arch>/{runsc,gvisor-cell.json} and <arch>.complete, as @actions/tool-cache keeps them.
  const rel = path.relative(ctx.job.toolCache, realCacheEntry);
  const cache = path.join(ctx.job.root, 'shim-toolcache');
  const entry = path.join(cache, rel);
  fs.mkdirSync(entry, { recursive: true });
  fs.copyFileSync(path.join(realCacheEntry, 'gvisor-cell.json'), path.join(entry, 'gvisor-cell.json'));
  fs.writeFileSync(`${entry}.complete`, '');
  const { logFile } = makeShim(ctx, entry, path.join(realCacheEntry, 'runsc'));
  return { cache, logFile };
}

function readShimLog(logFile) {
  const events = fs
    .readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [t, kind, ...rest] = l.split(' ');
      return { t: Number(t.replace(',', '.')) * 1000, kind, args: rest.join(' ') };
    });
  fs.writeFileSync(logFile, '');
  const find = (kind, re) => events.find((e) => e.kind === kind && re.test(e.args))?.t;
  return {
    versionStart: find('start', /--version/),
    versionEnd: find('end', /--version/),
    runStart: find('start', /(^| )run( |$)/),
    runEnd: find('end', /(^| )run( |$)/),
  };
}

/** A copy of a tool-cache entry under the official bucket's tool name (`runsc`), as tool-cache lays it out. */
function seedOfficialEntry(ctx, entry) {
  const arch = path.basename(entry);
  const key = path.basename(path.dirname(entry));
  const target = path.join(ctx.job.toolCache, 'runsc', key, arch);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(entry, target, { recursive: true });
  fs.writeFileSync(`${target}.complete`, '');
  return target;
}

async function figureStep(ctx, rounds) {
  // No download-url: the official bucket's entry, as most workflows have it (see seedOfficialEntry).
  const cached = { cell: TRIVIAL_CELL, 'runsc-version': TARBALL_VERSION };
  const byPath = { cell: TRIVIAL_CELL, 'runsc-path': ctx.runsc };
  // runsc-sha512 on a cache hit: the kept artifact is hashed and unpacked into the run directory (README, Security model).
  const pinOf = (version, artifact) => fs.readFileSync(path.join(BUCKET_DIR, version, ARCH, `${artifact}.sha512`), 'utf8').slice(0, 128);
  const pinned = { ...cached, 'runsc-sha512': pinOf(TARBALL_VERSION, ctx.bucketInfo.artifact) };
  const cachedLoose = { cell: TRIVIAL_CELL, 'runsc-version': LOOSE_VERSION, 'download-url': ctx.bucket.url };
  const pinnedLoose = { ...cachedLoose, 'runsc-sha512': pinOf(LOOSE_VERSION, 'runsc') };
  const variants = [
    { key: 'cached', run: async () => checkStep(await runStep(ctx, cached), 'step (cached runsc)') },
    { key: 'pinned', run: async () => checkStep(await runStep(ctx, pinned), 'step (cached runsc, runsc-sha512)') },
    { key: 'cachedLoose', run: async () => checkStep(await runStep(ctx, cachedLoose), 'step (cached loose runsc)') },
    { key: 'pinnedLoose', run: async () => checkStep(await runStep(ctx, pinnedLoose), 'step (cached loose runsc, runsc-sha512)') },
    { key: 'bare', run: () => runBare(ctx) },
    { key: 'bareFlags', run: () => runBare(ctx, ['--ignore-cgroups']) },
    { key: 'bareNs', run: () => runBareNs(ctx) },
    { key: 'node', run: () => runNodeBare() },
    { key: 'path', run: async () => checkStep(await runStep(ctx, byPath), 'step (runsc-path)') },
  ];
  const t = {
    cached: [],
    pinned: [],
    cachedLoose: [],
    pinnedLoose: [],
    bare: [],
    bareFlags: [],
    bareNs: [],
    node: [],
    path: [],
    cachedDur: [],
    pathDur: [],
  };
  let postRan = 0;
  for (let round = 0; round <= rounds; round++) {
    log(`step: ${round === 0 ? 'warm-up' : `round ${round}/${rounds}`}`);
    for (const v of order(variants, round)) {
      const r = await v.run();
      if (r.post) postRan++;
      if (round === 0) continue;
      t[v.key].push(r.ms);
      if (v.key === 'cached' || v.key === 'path') t[`${v.key}Dur`].push(Number(r.outputs['duration-ms']));
    }
  }

  // Where the time goes: the same steps with a timestamping shim in place of runsc.
  const sc = shimCache(ctx, ctx.officialEntry);
  const sp = makeShim(ctx, path.join(ctx.job.root, 'shim-path'), ctx.runsc);
  const phases = { cached: [], path: [] };
  const shimVariants = [
    { key: 'cached', inputs: cached, toolCache: sc.cache, logFile: sc.logFile },
    { key: 'path', inputs: { cell: TRIVIAL_CELL, 'runsc-path': sp.shim }, toolCache: ctx.job.toolCache, logFile: sp.logFile },
  ];
  for (let round = 0; round <= rounds; round++) {
    log(`step breakdown (timestamping shim): ${round === 0 ? 'warm-up' : `round ${round}/${rounds}`}`);
    for (const v of order(shimVariants, round)) {
      const r = checkStep(await runStep(ctx, v.inputs, { toolCache: v.toolCache }), `step breakdown (${v.key})`);
      const e = readShimLog(v.logFile);
      if (round === 0) continue;
      phases[v.key].push({
        total: r.main.ms,
        beforeRun: e.runStart - r.main.startWall,
        version: e.versionStart !== undefined ? e.versionEnd - e.versionStart : Number.NaN, // no probe on a cache hit
        run: e.runEnd - e.runStart,
        afterRun: r.main.endWall - e.runEnd,
        durationMs: Number(r.outputs['duration-ms']),
      });
    }
  }

  const med = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)]));
  const baseline = med.bare + med.node;
  const rCached = ratio(med.cached, baseline);
  const rPath = ratio(med.path, baseline);
  const rSameFlags = ratio(med.cached, med.bareFlags + med.node);
  const phase = (key, field) => median(phases[key].map((p) => p[field]));
  const node = med.node;
  const out = [];
  out.push('## 1. Step overhead');
  out.push('');
  out.push(
    `A trivial cell \`${TRIVIAL_CELL}\` through the whole step (\`node dist/index.js\`, as the runner starts it) versus a bare ` +
      '`runsc --platform=systrap --network=none --root=<private> run` of a hand-written minimal bundle (read-only root, host `/usr` and `/etc` ' +
      'bound read-only, `/bin/true`) plus a bare `node -e 0`. The action runs a cell without limits with `--ignore-cgroups` ' +
      '(README, Performance): the bare run with that flag is shown too, and the ratio against it is what the action itself adds.',
  );
  out.push('');
  out.push(
    table(
      ['measure', 'median ms', 'min–max ms'],
      [
        [`step, warm tool cache (\`runsc-version: ${TARBALL_VERSION}\`, official bucket's entry)`, ms(med.cached), spread(t.cached)],
        ['step, `runsc-path`', ms(med.path), spread(t.path)],
        ['bare `runsc run`', ms(med.bare), spread(t.bare)],
        ['bare `runsc --ignore-cgroups run`', ms(med.bareFlags), spread(t.bareFlags)],
        [
          'the same in a private mount namespace, `/usr` and `/etc` bound read-only at stubs (as the action runs it)',
          ms(med.bareNs),
          spread(t.bareNs),
        ],
        ['bare `node -e 0`', ms(med.node), spread(t.node)],
        ['bare `runsc run` + `node -e 0`', ms(baseline), '–'],
        ['of the cached step: `runsc run` as the action times it (`duration-ms`)', ms(med.cachedDur), spread(t.cachedDur)],
      ],
    ),
  );
  out.push('');
  out.push(
    table(
      ['ratio', 'value', 'budget'],
      [
        ['step (warm tool cache) / (runsc + node)', fmtRatio(rCached), verdict(rCached, BUDGET.step)],
        ['step (`runsc-path`) / (runsc + node)', fmtRatio(rPath), verdict(rPath, BUDGET.step)],
        ['step (warm tool cache) / (runsc `--ignore-cgroups` + node): what the action adds', fmtRatio(rSameFlags), '–'],
        [
          'runsc in the read-only namespace / bare runsc `--ignore-cgroups`: what kernel-enforced read-only costs',
          fmtRatio(ratio(med.bareNs, med.bareFlags)),
          '–',
        ],
      ],
    ),
  );
  out.push('');
  out.push('### `runsc-sha512` on a cache hit');
  out.push('');
  const size = (version, artifact) => (fs.statSync(path.join(BUCKET_DIR, version, ARCH, artifact)).size / 2 ** 20).toFixed(1);
  out.push(
    'The same warm step with the artifact pinned: the artifact kept in the tool-cache entry is read, hashed (sha512) and compared ' +
      'with the pin, then unpacked (tarball) or written (loose binary) into the step’s run directory, and that copy runs.',
  );
  out.push('');
  out.push(
    table(
      ['layout', 'artifact MiB', 'unpinned hit ms', 'pinned hit ms', 'cost of the pin ms', 'pinned / unpinned'],
      [
        [
          `tarball \`${ctx.bucketInfo.artifact}\` (${TARBALL_VERSION})`,
          size(TARBALL_VERSION, ctx.bucketInfo.artifact),
          ms(med.cached),
          ms(med.pinned),
          ms(med.pinned - med.cached),
          fmtRatio(ratio(med.pinned, med.cached)),
        ],
        [
          `loose \`runsc\` (${LOOSE_VERSION})`,
          size(LOOSE_VERSION, 'runsc'),
          ms(med.cachedLoose),
          ms(med.pinnedLoose),
          ms(med.pinnedLoose - med.cachedLoose),
          fmtRatio(ratio(med.pinnedLoose, med.cachedLoose)),
        ],
      ],
    ),
  );
  out.push('');
  out.push(
    postRan === 0
      ? `Post step: not run, and not counted — every main step succeeded and \`post-if: ${ctx.action.postIf}\` runs it only after a failure or a cancellation.`
      : `Post step: ran ${postRan} time(s) (a main step failed) and is included in the step times.`,
  );
  out.push('');
  out.push('### Where the step’s time goes');
  out.push('');
  out.push(
    'The same steps with runsc replaced by a bash shim that timestamps its start and end (`$EPOCHREALTIME`) around the real runsc ' +
      '(in a copy of the tool-cache entry, and as `runsc-path`); the shim adds one bash start-up to each runsc call. Medians.',
  );
  out.push('');
  out.push(
    table(
      ['phase', 'warm tool cache ms', '`runsc-path` ms'],
      [
        [
          'process start → `runsc run` spawned (node start-up, loading dist/, inputs, document, bundle, runsc lookup)',
          ms(phase('cached', 'beforeRun')),
          ms(phase('path', 'beforeRun')),
        ],
        ['… of which `node -e 0` (bare node start-up and exit, from above)', ms(node), ms(node)],
        [
          '… of which the `runsc --version` probe',
          ms(phase('cached', 'version')).replace('–', 'none'),
          ms(phase('path', 'version')).replace('–', 'none'),
        ],
        ['`runsc run` itself (sandbox start, /bin/true, teardown)', ms(phase('cached', 'run')), ms(phase('path', 'run'))],
        [
          '`runsc run` exit → step exit (outputs, summary, cleanup, node exit)',
          ms(phase('cached', 'afterRun')),
          ms(phase('path', 'afterRun')),
        ],
        ['whole step (with the shim)', ms(phase('cached', 'total')), ms(phase('path', 'total'))],
        ['bare `runsc --ignore-cgroups run` (from above)', ms(med.bareFlags), ms(med.bareFlags)],
      ],
    ),
  );
  return out.join('\n');
}

// ---------------------------------------------------------------------------
// Figure 2: cold install

async function figureInstall(ctx, rounds) {
  const { bucket, bucketInfo } = ctx;
  const layouts = [
    {
      version: TARBALL_VERSION,
      label: `\`${TARBALL_VERSION}\` (\`${bucketInfo.artifact}\`)`,
      recipe: `curl -fsS --remote-name-all "$1/${bucketInfo.artifact}" "$1/${bucketInfo.artifact}.sha512" && sha512sum -c --quiet ${bucketInfo.artifact}.sha512 && tar -x ${bucketInfo.tarFlag} -f ${bucketInfo.artifact}`,
      shellText: `curl -fsSO (artifact and .sha512) && sha512sum -c && tar -x ${bucketInfo.tarFlag}`,
    },
    {
      version: LOOSE_VERSION,
      label: `\`${LOOSE_VERSION}\` (loose \`runsc\`)`,
      recipe: 'curl -fsS --remote-name-all "$1/runsc" "$1/runsc.sha512" && sha512sum -c --quiet runsc.sha512 && chmod 755 runsc',
      shellText: 'curl -fsSO (runsc and .sha512) && sha512sum -c && chmod',
    },
  ];
  let n = 0;
  const results = [];
  for (const layout of layouts) {
    const inputs = { cell: TRIVIAL_CELL, 'runsc-version': layout.version, 'download-url': bucket.url };
    const base = `${bucket.url}/${layout.version}/${ARCH}`;
    const variants = [
      {
        key: 'cold',
        run: async () => {
          const cache = path.join(ctx.job.root, `cold-toolcache-${++n}`);
          fs.mkdirSync(cache);
          try {
            return checkStep(await runStep(ctx, inputs, { toolCache: cache }), `cold install of ${layout.version}`);
          } finally {
            fs.rmSync(cache, { recursive: true, force: true });
          }
        },
      },
      { key: 'warm', run: async () => checkStep(await runStep(ctx, inputs), `warm step with ${layout.version}`) },
      {
        key: 'shell',
        run: async () => {
          const dir = path.join(ctx.job.scratch, `shell-install-${++n}`);
          fs.mkdirSync(dir);
          try {
            const r = await run('bash', ['-c', `set -e; cd "$2"; ${layout.recipe}`, 'recipe', base, dir]);
            if (r.code !== 0) throw new Error(`shell recipe failed for ${layout.version}: ${r.stderr}`);
            return r;
          } finally {
            fs.rmSync(dir, { recursive: true, force: true });
          }
        },
      },
    ];
    const t = { cold: [], warm: [], shell: [] };
    for (let round = 0; round <= rounds; round++) {
      log(`install ${layout.version}: ${round === 0 ? 'warm-up' : `round ${round}/${rounds}`}`);
      for (const v of order(variants, round)) {
        const r = await v.run();
        if (round > 0) t[v.key].push(r.ms);
      }
    }
    results.push({ layout, t });
  }
  const rows = [];
  const ratios = [];
  for (const { layout, t } of results) {
    const cold = median(t.cold);
    const warm = median(t.warm);
    const shell = median(t.shell);
    const install = cold - warm;
    const r = ratio(install, shell);
    rows.push([
      layout.label,
      `${ms(cold)} (${spread(t.cold)})`,
      `${ms(warm)} (${spread(t.warm)})`,
      ms(install),
      `${ms(shell)} (${spread(t.shell)})`,
    ]);
    ratios.push([`${layout.label}: install / shell recipe`, fmtRatio(r), verdict(r, BUDGET.install)]);
  }
  return [
    '## 2. Cold install',
    '',
    'The step with an empty tool cache (downloads from a local HTTP server in the release bucket’s layout, verifies, unpacks, probes ' +
      '`runsc --version`, caches) minus the same step with a warm cache = the install; against the shell recipe on the same files, ' +
      'in an empty directory. Medians (min–max), ms.',
    '',
    table(['layout', 'step, empty tool cache', 'step, warm tool cache', 'install (difference)', 'shell recipe'], rows),
    '',
    table(['ratio', 'value', 'budget'], ratios),
    '',
    `Shell recipes: tarball \`${layouts[0].shellText}\`; loose binary \`${layouts[1].shellText}\` (one curl for both files). ` +
      'The action also fetches the `.sha512` of each newer layout first (404s for the loose binary), runs `runsc --version` and copies ' +
      'the tree into the tool cache.',
  ].join('\n');
}

// ---------------------------------------------------------------------------
// Figure 3: work inside a cell vs native

const CPU_JS = 'let s=0;for(let i=0;i<3e8;i++)s+=i;if(s<0)console.log(s)';
/** 1,000 packages × 20 files, npm-ci-like: package.json, index.js, lib/, lib/util/, dist/. */
const WRITE_JS = `const fs=require('fs'),p=require('path');const body='// generated\\n'+'module.exports = function () { return 42; };\\n'.repeat(6);
for(let i=0;i<1000;i++){const d=p.join('out','node_modules','@scope'+(i%20),'pkg'+i);
fs.mkdirSync(p.join(d,'lib','util'),{recursive:true});fs.mkdirSync(p.join(d,'dist'));
fs.writeFileSync(p.join(d,'package.json'),JSON.stringify({name:'pkg'+i,version:'1.0.'+i,main:'index.js'}));
fs.writeFileSync(p.join(d,'index.js'),body);
for(let j=0;j<9;j++)fs.writeFileSync(p.join(d,'lib','f'+j+'.js'),body);
for(let j=0;j<5;j++)fs.writeFileSync(p.join(d,'lib','util','u'+j+'.js'),body);
for(let j=0;j<4;j++)fs.writeFileSync(p.join(d,'dist','d'+j+'.js'),body);}`;
const LOOP_SH = 'i=0; while [ "$i" -lt 1000 ]; do /bin/true; i=$((i+1)); done';

function makeReadTree(dir) {
  const body = 'lorem ipsum dolor sit amet, consectetur adipiscing elit\n'.repeat(4);
  for (let d = 0; d < 50; d++) {
    const sub = path.join(dir, `d${d}`);
    fs.mkdirSync(sub, { recursive: true });
    for (let f = 0; f < 100; f++) fs.writeFileSync(path.join(sub, `f${f}.txt`), body);
  }
}

function git(cwd, args, env) {
  const r = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

function makeRepo(dir, env) {
  for (let d = 0; d < 100; d++) {
    const sub = path.join(dir, 'src', `m${d}`);
    fs.mkdirSync(sub, { recursive: true });
    for (let f = 0; f < 100; f++) fs.writeFileSync(path.join(sub, `f${f}.js`), `export const v${d}_${f} = ${d * 100 + f};\n`);
  }
  const id = ['-c', 'user.name=bench', '-c', 'user.email=bench@example.invalid', '-c', 'commit.gpgsign=false'];
  git(dir, ['init', '-q'], env);
  git(dir, ['add', '-A'], env);
  git(dir, [...id, 'commit', '-q', '-m', 'init'], env);
  git(dir, ['status', '--porcelain'], env); // refresh the index once, as a checkout would have
}

async function figureWork(ctx, rounds) {
  const { job } = ctx;
  const nativeEnv = { PATH: SYSTEM_PATH, HOME: job.home, LANG: 'C.UTF-8' };
  log('work: creating 5,000 files to read and a 10,000-file git repository in the workspace');
  makeReadTree(path.join(job.workspace, 'read-tree'));
  const haveGit = haveCommand('git');
  if (haveGit) makeRepo(path.join(job.workspace, 'repo'), nativeEnv);
  const outDir = path.join(job.workspace, 'out');

  const work = [
    { key: 'node', label: 'node start-up alone: `node -e 0`', argv: ['node', '-e', '0'], cwd: '.' },
    { key: 'cpu', label: 'CPU: `node -e` summing to 3e8', argv: ['node', '-e', CPU_JS], cwd: '.' },
    {
      key: 'read',
      label: 'read 5,000 small files (`find … -exec cat`)',
      argv: ['sh', '-c', 'find read-tree -type f -exec cat {} + >/dev/null'],
      cwd: '.',
    },
    {
      key: 'write',
      label: 'write 20,000 small files, nested (npm-ci-like), into the overlay workspace',
      argv: ['node', '-e', WRITE_JS],
      cwd: '.',
    },
    { key: 'exec', label: '1,000 `/bin/true` from a shell loop', argv: ['sh', '-c', LOOP_SH], cwd: '.' },
    { key: 'git', label: '`git status` on a 10,000-file repository', argv: ['git', 'status', '--porcelain'], cwd: 'repo', git: true },
  ];
  const cellDoc = (w) =>
    JSON.stringify({ name: `bench-${w.key}`, command: w.argv, ...(w.cwd !== '.' ? { 'working-directory': w.cwd } : {}) });

  const notes = [];
  let gitInCell = haveGit;
  if (!haveGit) notes.push('git is not installed on this machine: the git figure is skipped.');
  else {
    const probe = await runStep(ctx, {
      cell: JSON.stringify({ command: ['git', '--version'] }),
      'runsc-version': TARBALL_VERSION,
      'download-url': ctx.bucket.url,
      'fail-on-error': 'false',
    });
    if (probe.outputs['exit-code'] !== '0') {
      gitInCell = false;
      notes.push(
        `git is missing inside the cell (\`git --version\` there: exit ${probe.outputs['exit-code'] ?? 'unset'}): the git figure is skipped.`,
      );
    }
  }
  const active = work.filter((w) => !w.git || gitInCell);

  const cellInputs = (w) => ({ cell: cellDoc(w), 'runsc-version': TARBALL_VERSION, 'download-url': ctx.bucket.url });
  const t = Object.fromEntries(active.map((w) => [w.key, { native: [], cell: [], step: [] }]));
  const empty = [];
  for (let round = 0; round <= rounds; round++) {
    log(`work: ${round === 0 ? 'warm-up' : `round ${round}/${rounds}`}`);
    const e = checkStep(
      await runStep(ctx, { cell: TRIVIAL_CELL, 'runsc-version': TARBALL_VERSION, 'download-url': ctx.bucket.url }),
      'empty cell',
    );
    if (round > 0) empty.push(Number(e.outputs['duration-ms']));
    for (const w of active) {
      const native = async () => {
        fs.rmSync(outDir, { recursive: true, force: true });
        const r = await run(w.argv[0], w.argv.slice(1), { cwd: path.join(job.workspace, w.cwd), env: nativeEnv });
        if (r.code !== 0) throw new Error(`native ${w.key} failed (exit ${r.code ?? r.signal}): ${lastLines(r.stderr)}`);
        fs.rmSync(outDir, { recursive: true, force: true });
        if (round > 0) t[w.key].native.push(r.ms);
      };
      const cell = async () => {
        const r = checkStep(await runStep(ctx, cellInputs(w)), `cell ${w.key}`);
        if (r.outputs['exit-code'] !== '0') throw new StepError(`cell ${w.key} exited ${r.outputs['exit-code']}: ${r.outputs.logs}`);
        if (round > 0) {
          t[w.key].cell.push(Number(r.outputs['duration-ms']));
          t[w.key].step.push(r.ms);
        }
      };
      for (const f of order([native, cell], round)) await f();
    }
  }
  if (fs.existsSync(outDir)) notes.push('Unexpected: the overlay cell left `out/` in the host workspace.');
  const options = await runscOptions(ctx, rounds, active, cellDoc, nativeEnv);

  const emptyMed = median(empty);
  const rows = active.map((w) => {
    const nat = median(t[w.key].native);
    const cell = median(t[w.key].cell);
    return [
      w.label,
      `${ms(nat)} (${spread(t[w.key].native)})`,
      `${ms(cell)} (${spread(t[w.key].cell)})`,
      fmtRatio(ratio(cell, nat)),
      ms(cell - emptyMed),
      fmtRatio(ratio(cell - emptyMed, nat)),
      ms(median(t[w.key].step)),
    ];
  });
  return [
    '## 3. Work inside a cell vs native',
    '',
    'The same argv natively (wall time, spawn → exit) and as a cell through the action (`duration-ms`: the action’s wall time of ' +
      '`runsc run`, so it includes starting and tearing down the sandbox). “Empty cell” is the `duration-ms` of a `/bin/true` cell, ' +
      `median ${ms(emptyMed)} ms (${spread(empty)}); subtracting it leaves the work. Medians (min–max), ms.`,
    '',
    table(['work', 'native', 'cell (`duration-ms`)', 'cell / native', 'cell − empty cell', '(cell − empty) / native', 'whole step'], rows),
    ...(notes.length ? ['', ...notes] : []),
    '',
    options,
  ].join('\n');
}

/** runsc options the action could pass, against the flags it does pass, on the file-heavy work. */
const RUNSC_OPTIONS = [
  { key: 'action', label: 'the action’s flags', edit: (f) => f },
  {
    key: 'dir',
    label: '`--overlay2=all:dir=…` (overlay on disk)',
    edit: (f, scratch) => f.map((x) => x.replace(/:memory$/, `:dir=${scratch}`)),
  },
  { key: 'exclusive', label: '`--file-access-mounts=exclusive`', edit: (f) => [...f, '--file-access-mounts=exclusive'] },
  { key: 'nodirectfs', label: '`--directfs=false` (files through the gofer)', edit: (f) => [...f, '--directfs=false'] },
];

/**
 * The work cells' bundles, written by the CLI (`gvisor-cell bundle`, the action's
 * own builder), run by a bare `runsc run` with each option in turn: wall ms.
 */
async function runscOptions(ctx, rounds, active, cellDoc, env) {
  const { job, runsc, bare } = ctx;
  const scratch = path.join(job.scratch, 'overlay-dir');
  fs.mkdirSync(scratch, { recursive: true });
  const work = active.filter((w) => ['read', 'write', 'git'].includes(w.key));
  const bundles = {};
  for (const w of work) {
    const doc = path.join(job.scratch, `options-${w.key}.json`);
    fs.writeFileSync(doc, cellDoc(w));
    const dir = path.join(job.scratch, `options-${w.key}`);
    const r = spawnSync(
      ACTION_NODE,
      [path.join(REPO, 'dist', 'cli', 'index.js'), 'bundle', doc, '--out', dir, '--workspace', job.workspace],
      {
        cwd: job.workspace,
        env,
        encoding: 'utf8',
      },
    );
    const flags = /runsc flags for this cell: (.*)/.exec(r.stderr ?? '')?.[1];
    if (r.status !== 0 || !flags) throw new Error(`gvisor-cell bundle for ${w.key} failed: ${r.stderr}`);
    bundles[w.key] = { dir, flags: ['--platform=systrap', ...flags.trim().split(/\s+/)] };
  }
  const t = Object.fromEntries(work.map((w) => [w.key, Object.fromEntries(RUNSC_OPTIONS.map((o) => [o.key, []]))]));
  let n = 0;
  for (let round = 0; round <= rounds; round++) {
    log(`runsc options: ${round === 0 ? 'warm-up' : `round ${round}/${rounds}`}`);
    for (const w of work) {
      for (const o of order(RUNSC_OPTIONS, round)) {
        const id = `bench-opt-${process.pid}-${++n}`;
        const flags = o.edit(bundles[w.key].flags, scratch);
        const r = await run(runsc, [`--root=${bare.root}`, ...flags, 'run', `--bundle=${bundles[w.key].dir}`, id], {
          cwd: job.workspace,
          stop: () => spawnSync(runsc, [`--root=${bare.root}`, 'kill', '--all', id, 'KILL'], { stdio: 'ignore', timeout: 10_000 }),
        });
        if (r.code !== 0) throw new StepError(`${w.key} with ${o.key} failed (exit ${r.code ?? r.signal}):\n${lastLines(r.stderr)}`);
        if (round > 0) t[w.key][o.key].push(r.ms);
      }
    }
  }
  const rows = work.map((w) => {
    const base = median(t[w.key].action);
    return [
      w.label,
      ...RUNSC_OPTIONS.map((o) => {
        const m = median(t[w.key][o.key]);
        return o.key === 'action' ? ms(m) : `${ms(m)} (${fmtRatio(ratio(m, base))})`;
      }),
    ];
  });
  return [
    '### runsc options',
    '',
    'The same cells’ bundles (written by `gvisor-cell bundle`) run by a bare `runsc run`, with the flags the action passes and with ' +
      'one option changed; wall ms, median, and the ratio to the action’s flags. Options the action does not take are ' +
      'explained in README, Performance.',
    '',
    table(['work', ...RUNSC_OPTIONS.map((o) => o.label)], rows),
  ].join('\n');
}

// ---------------------------------------------------------------------------
// Figure 4: document → bundle

function findBenchFiles(dir, depth = 4) {
  const found = [];
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return found;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name.startsWith('.') || e.name === 'dist') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory() && depth > 0) found.push(...findBenchFiles(p, depth - 1));
    else if (e.isFile() && /\.bench\.[cm]?[jt]s$/.test(e.name)) found.push(path.relative(REPO, p));
  }
  return found;
}

function figureBundle() {
  const files = findBenchFiles(REPO);
  return [
    '## 4. Document → bundle',
    '',
    files.length
      ? `Validating a document and building the bundle in-process is measured by \`npx vitest bench --run --project bench\` (${files.map((f) => `\`${f}\``).join(', ')}), not by this script.`
      : 'Not measured: validating a document and building the bundle happen in-process in TypeScript, and there is no `*.bench.ts` file for `npx vitest bench` yet.',
  ].join('\n');
}

// ---------------------------------------------------------------------------
// Cleanup: sandboxes, processes, directories, the server

const resources = { server: undefined, jobRoot: undefined, bareRoot: undefined, runsc: undefined, bucket: false, createdTmp: false };

function ourProcesses(markers) {
  const pids = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (markers.some((m) => cmdline.includes(m))) pids.push(Number(name));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

async function cleanup() {
  const { runsc, bareRoot, jobRoot } = resources;
  if (runsc && bareRoot && fs.existsSync(bareRoot)) {
    const list = spawnSync(runsc, [`--root=${bareRoot}`, 'list', '-quiet'], { encoding: 'utf8', timeout: 10_000 });
    for (const id of (list.stdout ?? '').split('\n').filter(Boolean)) {
      log(`cleanup: deleting leftover sandbox ${id}`);
      spawnSync(runsc, [`--root=${bareRoot}`, 'kill', '--all', id, 'KILL'], { stdio: 'ignore', timeout: 10_000 });
      spawnSync(runsc, [`--root=${bareRoot}`, 'delete', '--force', id], { stdio: 'ignore', timeout: 10_000 });
    }
  }
  if (jobRoot) {
    // Anything still running from our directories (a sandbox, a gofer) was started by this script.
    const leftovers = ourProcesses([jobRoot, `bench-bare-${process.pid}-`]);
    for (const pid of leftovers) {
      log(`cleanup: killing leftover process ${pid}`);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
    if (leftovers.length) await new Promise((r) => setTimeout(r, 500));
    fs.rmSync(jobRoot, { recursive: true, force: true });
  }
  if (resources.server) await resources.server.close();
  if (resources.bucket) fs.rmSync(BUCKET_DIR, { recursive: true, force: true });
  if (resources.createdTmp) {
    try {
      fs.rmdirSync(TMP);
    } catch {
      // not empty: something else lives there now
    }
  }
}

async function interrupted(signal) {
  if (aborting) return;
  aborting = true;
  log(`${signal}: stopping what runs and cleaning up`);
  const closing = [...live.values()].map((e) => {
    e.stop();
    return e.closed;
  });
  await Promise.race([Promise.all(closing), new Promise((r) => setTimeout(r, 15_000))]);
  await cleanup();
  process.exit(130);
}

// ---------------------------------------------------------------------------

async function main() {
  const { rounds, only } = parseArgs(process.argv.slice(2));
  for (const f of [DIST_MAIN, DIST_POST]) {
    if (!fs.existsSync(f)) {
      process.stderr.write(
        `bench: ${path.relative(REPO, f)} is missing: build the action first (npm ci && npm run build). The bench measures dist/, as the runner runs it.\n`,
      );
      process.exit(2);
    }
  }
  if (process.platform !== 'linux') {
    process.stderr.write('bench: gVisor runs on Linux only\n');
    process.exit(2);
  }
  if (process.getuid?.() !== 0) {
    process.stderr.write('bench: run as root: a bare `runsc run` needs root (the action itself would go through sudo)\n');
    process.exit(2);
  }
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => void interrupted(sig));

  const needsRunsc = ['step', 'install', 'work'].some((f) => only.has(f));
  const action = actionYml();
  const sections = [];
  let machine;
  const loadStart = os.loadavg();
  try {
    if (needsRunsc) {
      for (const tool of ['tar', ...(only.has('install') ? ['curl', 'sha512sum', 'bash'] : []), ...(only.has('step') ? ['bash'] : [])]) {
        if (!haveCommand(tool)) throw new Error(`${tool} is needed and not on PATH`);
      }
      const runsc = provisionRunsc();
      resources.runsc = runsc;
      machine = describeMachine(runsc);

      if (!fs.existsSync(TMP)) {
        fs.mkdirSync(TMP, { recursive: true });
        resources.createdTmp = true;
      }
      log(`building the release bucket in ${path.relative(REPO, BUCKET_DIR)}`);
      resources.bucket = true;
      const bucketInfo = buildBucket(runsc);
      const bucket = await serveBucket(BUCKET_DIR);
      resources.server = bucket;

      const jobRoot = fs.mkdtempSync(path.join(TMP, `bench-${process.pid}-`));
      resources.jobRoot = jobRoot;
      const job = makeJob(jobRoot);
      const bare = { root: path.join(jobRoot, 'bare-state'), bundle: path.join(jobRoot, 'bare-bundle') };
      fs.mkdirSync(bare.root, { mode: 0o700 });
      resources.bareRoot = bare.root;
      makeBareBundle(bare.bundle);
      const bareNs = { root: path.join(jobRoot, 'barens-state'), bundle: path.join(jobRoot, 'barens-bundle') };
      fs.mkdirSync(bareNs.root, { mode: 0o700 });
      bareNs.binds = makeBareBundle(bareNs.bundle, { staged: true });
      const ctx = { runsc, job, bare, bareNs, bucket, bucketInfo, action, warm: {} };

      // Warm the tool cache once (both layouts): every measured step after this is a cache hit.
      for (const version of [TARBALL_VERSION, LOOSE_VERSION]) {
        log(`warming the tool cache with ${version} from the local bucket`);
        const r = checkStep(
          await runStep(ctx, { cell: TRIVIAL_CELL, 'runsc-version': version, 'download-url': bucket.url }),
          `installing ${version}`,
        );
        ctx.warm[version] = r.outputs['runsc-path'];
      }
      // Most workflows use the official bucket (no download-url): its tool-cache entry is
      // named `runsc` rather than `runsc-mirror-<hash>`. The same files under that name
      // are the cache such a workflow warms, and what the step figure measures.
      ctx.officialEntry = seedOfficialEntry(ctx, path.dirname(ctx.warm[TARBALL_VERSION]));

      if (only.has('step')) sections.push(await figureStep(ctx, rounds));
      if (only.has('install')) sections.push(await figureInstall(ctx, rounds));
      if (only.has('work')) sections.push(await figureWork(ctx, rounds));
    }
    if (only.has('bundle')) sections.push(figureBundle());
  } catch (error) {
    if (!aborting) {
      log(`failed: ${error instanceof StepError ? error.message : (error?.stack ?? String(error))}`);
      await cleanup();
      process.exit(1);
    }
    return;
  }
  await cleanup();
  if (aborting) return;

  const elapsed = (performance.now() - T0) / 1000;
  const header = ['# gvisor-cell bench', ''];
  machine ??= describeMachine(undefined);
  header.push(
    table(
      ['machine', ''],
      [
        ['CPU', `${machine.cores} × ${machine.model}`],
        ['memory', `${machine.memGiB.toFixed(1)} GiB`],
        ['kernel', machine.kernel],
        ['node', `${machine.node} (runs dist/${ACTION_NODE === process.execPath ? '; the runner uses node24: set GVC_ACTION_NODE' : ''})`],
        ['runsc', machine.runsc],
        [
          'load average (1/5/15 min) at start → end',
          `${loadStart.map((l) => l.toFixed(2)).join(' ')} → ${os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(' ')}`,
        ],
        ['rounds', `${rounds} measured after 1 warm-up, commands alternating (order reversed every other round)`],
      ],
      { left: true },
    ),
    '',
  );
  process.stdout.write(`${[...header, sections.join('\n\n'), '', `Total run time: ${elapsed.toFixed(0)} s.`].join('\n')}\n`);
  log(`done in ${elapsed.toFixed(0)} s`);
}

await main();
