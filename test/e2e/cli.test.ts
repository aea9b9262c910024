/**
 * The `gvisor-cell` CLI (dist/cli/index.js) against a real runsc: the same
 * engine as the action, on a terminal.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { REPO } from '../support/action-yml.js';
import { ARCH, type BucketServer, serveBucket } from '../support/bucket.js';

const CLI = path.join(REPO, 'dist', 'cli', 'index.js');
const runsc = inject('runsc');
let dir: string;

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(inject('actionNode'), [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH as string, HOME: process.env.HOME as string, RUNNER_TEMP: path.join(dir, 'tmp'), ...env },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Like cli(), without blocking the event loop: for tests whose server lives in this process. */
function cliAsync(args: string[], cli = CLI): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(inject('actionNode'), [cli, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH as string, HOME: process.env.HOME as string, RUNNER_TEMP: path.join(dir, 'tmp') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function doc(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gvc-cli-'));
  spawnSync('mkdir', ['-p', path.join(dir, 'tmp'), path.join(dir, 'ws')]);
  writeFileSync(path.join(dir, 'ws', 'data.txt'), 'from the workspace\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('run', () => {
  test('--tool-cache is the tool cache the cell sees, read-only, as RUNNER_TOOL_CACHE is for the action', () => {
    const cache = path.join(dir, 'tool-cache');
    spawnSync('mkdir', ['-p', cache]);
    writeFileSync(path.join(cache, 'marker'), 'cached\n');
    const r = cli([
      'run',
      doc('tc.yml', `run: |\n  cat ${cache}/marker\n  if touch ${cache}/new 2>/dev/null; then echo writable; fi\n`),
      '--runsc',
      runsc,
      '--tool-cache',
      cache,
      '--workspace',
      path.join(dir, 'ws'),
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('cached\n');
  });

  test('interrupted (SIGINT): the sandbox is stopped and the CLI exits 130, saying so', async () => {
    const child = spawn(
      inject('actionNode'),
      [CLI, 'run', doc('long.yml', 'run: echo started; sleep 60'), '--runsc', runsc, '--workspace', path.join(dir, 'ws')],
      {
        cwd: dir,
        env: { PATH: process.env.PATH as string, HOME: process.env.HOME as string, RUNNER_TEMP: path.join(dir, 'tmp') },
      },
    );
    let stderr = '';
    child.stderr.on('data', (c) => (stderr += c));
    const started = new Promise<void>((resolve) => child.stdout.on('data', (c: Buffer) => c.toString().includes('started') && resolve()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await started;
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    expect(stderr).toContain('gvisor-cell: Cell cell was cancelled; the sandbox was stopped and deleted');
  });

  test('streams the output and exits with the cell’s status', () => {
    const r = cli([
      'run',
      doc('a.yml', 'run: |\n  cat data.txt\n  echo "::error::just text"\n  exit 7\n'),
      '--runsc',
      runsc,
      '--workspace',
      path.join(dir, 'ws'),
    ]);
    expect(r.stdout).toBe('from the workspace\n::error::just text\n');
    expect(r.status).toBe(7);
    expect(r.stderr).toMatch(/gvisor-cell: Cell cell exited with 7 \(after \d+ ms\)\n/);
    const log = /full log in (\S+)/.exec(r.stderr)?.[1] as string;
    expect(readFileSync(log, 'utf8')).toBe(r.stdout);
  });

  test('limits.log cuts the log file; the terminal gets every byte and is told where the file stops', () => {
    const r = cli(['run', doc('chatty.yml', 'limits: { log: 1Ki }\nrun: seq 1 2000'), '--runsc', runsc]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${Array.from({ length: 2000 }, (_, i) => i + 1).join('\n')}\n`);
    const m = /gvisor-cell: log in (\S+), cut at 1024 bytes by limits\.log; the rest is only in the output above\n/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    const cut = r.stdout.slice(0, 1024);
    expect(readFileSync(m?.[1] as string, 'utf8')).toBe(
      `${cut}${cut.endsWith('\n') ? '' : '\n'}[gvisor-cell] log file cut at 1024 bytes (limits.log: 1Ki); the rest of the output is only in the job log\n`,
    );
  });

  test('a timeout exits 124 (the action’s exit-code says the same), an invalid document 125 before anything runs', () => {
    expect(cli(['run', doc('t.yml', 'run: sleep 30\nlimits: { timeout: 1s }'), '--runsc', runsc]).status).toBe(124);
    const bad = cli(['run', doc('bad.yml', 'rnu: echo'), '--runsc', runsc]);
    expect(bad.status).toBe(125);
    expect(bad.stderr).toContain('rnu: unknown key (did you mean "run"?)');
  });

  test('options are checked like the action’s inputs', () => {
    const r = cli(['run', doc('ok.yml', 'run: true'), '--platform', 'vmware']);
    expect(r.status).toBe(125);
    // The action's rules (src/options.ts), named as the flag.
    expect(r.stderr).toContain('gvisor-cell: --platform: expected systrap, ptrace or kvm, got "vmware"');
  });
});

describe('validate', () => {
  test('exit 0 for valid documents, 1 with the same messages as the action otherwise', () => {
    const good = cli(['validate', doc('g.yml', 'run: echo hi\nlimits: { memory: 1Gi }')]);
    expect(good.status).toBe(0);
    const bad = cli(['validate', doc('g2.yml', 'run: echo'), doc('b.yml', 'run: echo\nlimits: { memory: lots }')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('limits.memory: expected a size like 512Mi or 2G (or a number of bytes), got "lots"');
  });
});

describe('bundle', () => {
  test('writes a bundle that runsc runs as the action would', () => {
    const out = path.join(dir, 'bundle');
    const r = cli(['bundle', doc('b.yml', 'command: [cat, data.txt]'), '--out', out, '--workspace', path.join(dir, 'ws')]);
    expect(r.status).toBe(0);
    const spec = JSON.parse(readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(spec.process.args).toEqual(['cat', 'data.txt']);
    const run = spawnSync(
      runsc,
      [
        `--root=${path.join(dir, 'state')}`,
        '--network=none',
        '--overlay2=all:memory',
        'run',
        `--bundle=${out}`,
        `cli-bundle-${process.pid}`,
      ],
      {
        encoding: 'utf8',
      },
    );
    expect(run.stdout).toBe('from the workspace\n');
    expect(run.status).toBe(0);
  });
  test('refuses network.allow, which needs a network the run makes, and writes nothing', () => {
    const out = path.join(dir, 'bundle-allow');
    const r = cli(['bundle', doc('a.yml', 'command: [/bin/true]\nnetwork: { allow: [registry.npmjs.org] }'), '--out', out]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('network.allow needs a network the run makes');
    expect(existsSync(path.join(out, 'config.json'))).toBe(false);
  });
});

describe('install and help', () => {
  let server: BucketServer;
  beforeAll(async () => {
    server = await serveBucket(inject('bucketDir'));
  });
  afterAll(() => server.close());

  test('install puts runsc in the given tool cache and prints its path', async () => {
    const cache = path.join(dir, 'cache');
    const r = await cliAsync(['install', '--runsc-version', '20260901.0', '--download-url', server.url, '--tool-cache', cache]);
    expect(r.status).toBe(0);
    const installed = r.stdout.trim();
    expect(installed.startsWith(cache)).toBe(true);
    expect(existsSync(installed)).toBe(true);
    expect(existsSync(path.join(path.dirname(installed), 'gvisor-bin'))).toBe(true);
  });

  test('install with --runsc-sha512 checks an existing entry: a replaced sidecar is named, and no path is printed', async () => {
    const cache = path.join(dir, 'cache-pinned');
    const pin = readFileSync(path.join(inject('bucketDir'), '20260901.0', ARCH, 'gvisor.tar.zstd.sha512'), 'utf8').slice(0, 128);
    const args = ['install', '--runsc-version', '20260901.0', '--download-url', server.url, '--tool-cache', cache, '--runsc-sha512', pin];
    const first = await cliAsync(args);
    expect(first.status).toBe(0);
    const entry = path.dirname(first.stdout.trim());
    expect(entry.startsWith(cache)).toBe(true);
    expect((await cliAsync(args)).stdout.trim()).toBe(path.join(entry, 'runsc'));
    writeFileSync(path.join(entry, 'gvisor-bin', 'gvisor_sentry'), '#!/bin/sh\ntouch /tmp/owned\n');
    const tampered = await cliAsync(args);
    expect(tampered.status).toBe(1);
    expect(tampered.stdout).toBe('');
    expect(tampered.stderr).toContain(
      `the tool-cache entry ${entry} does not match runsc-sha512: gvisor-bin/gvisor_sentry differ from its verified artifact`,
    );
    // The scratch directory of the check is gone.
    expect(readdirSync(path.join(dir, 'tmp')).filter((e) => e.startsWith('gvisor-cell-verify-'))).toEqual([]);
  });

  test('--help documents every command; an unknown command is a usage error', () => {
    const help = cli(['--help']);
    expect(help.status).toBe(0);
    for (const command of ['run', 'bundle', 'validate', 'install', 'pull'])
      expect(help.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
    const unknown = cli(['frobnicate']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe(
      'gvisor-cell: unknown command frobnicate: expected run, bundle, validate, install, pull; see gvisor-cell --help\n',
    );
  });
});

describe('the command line', () => {
  test('per-command help: `run --help` and `help run` print run’s options only, exit 0', () => {
    const help = cli(['run', '--help']);
    expect(help.status).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(/^Usage: gvisor-cell run <cell\.yml> \[options\]\n/);
    for (const flag of ['--runsc PATH', '--runsc-version V', '--platform P', '--workspace DIR', '--output-limit N']) {
      expect(help.stdout).toContain(flag);
    }
    expect(help.stdout).not.toContain('--out ');
    expect(help.stdout).toContain('124 when limits.timeout stopped it');
    expect(cli(['help', 'run'])).toEqual(help);
    const bundle = cli(['bundle', '-h']);
    expect(bundle.stdout).toMatch(/^Usage: gvisor-cell bundle <cell\.yml> --out DIR/);
    expect(bundle.stdout).not.toContain('--runsc');
  });

  test('--version prints the package’s version', () => {
    const { version } = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) expect(cli([flag])).toEqual({ status: 0, stdout: `gvisor-cell ${version}\n`, stderr: '' });
  });

  test.each([
    // The example: a second document and bundle's --out, accepted silently before.
    [['run', 'a.yml', 'b.yml', '--out', 'x'], 'gvisor-cell run: --out is an option of bundle, not of run; see gvisor-cell run --help'],
    [['run', 'a.yml', 'b.yml'], 'gvisor-cell run: takes one cell document, got 2: a.yml b.yml; see gvisor-cell run --help'],
    [
      ['install', '--runsc', '/usr/bin/runsc'],
      'gvisor-cell install: --runsc is an option of run, not of install; see gvisor-cell install --help',
    ],
    [['install', 'cell.yml'], 'gvisor-cell install: takes no arguments, got cell.yml; see gvisor-cell install --help'],
    [['run', 'a.yml', '--runsc'], 'gvisor-cell run: --runsc needs a value: --runsc PATH; see gvisor-cell run --help'],
    [['bundle', 'a.yml'], 'gvisor-cell bundle: --out DIR is required; see gvisor-cell bundle --help'],
    [[], 'gvisor-cell: name a command: run, bundle, validate, install, pull; see gvisor-cell --help'],
  ])('%j: exit 2 and one line ending in "see … --help", not the whole usage', (args, line) => {
    expect(cli(args)).toEqual({ status: 2, stdout: '', stderr: `${line}\n` });
  });
});

describe('a runsc that is not runsc', () => {
  test('--runsc given empty is refused, not taken for no --runsc (no fall back to RUNSC or a download)', () => {
    const r = cli(['run', doc('empty.yml', 'run: exit 3'), '--runsc', ''], { RUNSC: runsc });
    expect(r.status).toBe(125);
    expect(r.stderr).toContain('gvisor-cell: --runsc: expected the path of a runsc binary, got nothing');
  });

  test('--runsc /usr/bin/true is refused before anything runs, naming the flag', () => {
    // Before, true's exit 0 was the cell's: the run "passed".
    const r = cli(['run', doc('true.yml', 'run: exit 3'), '--runsc', '/usr/bin/true']);
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(
      /^gvisor-cell: --runsc: \/usr\/bin\/true is not runsc: its --version printed .*, where runsc prints "runsc version release-…"\n$/m,
    );
    expect(r.stderr).not.toContain('running');
  });

  test('RUNSC stands for --runsc when no release option is given, and is named as RUNSC', () => {
    const ok = cli(['run', doc('env.yml', 'run: echo from RUNSC')], { RUNSC: runsc });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toBe('from RUNSC\n');
    expect(ok.stderr).toContain(`gvisor-cell: runsc from RUNSC: ${runsc}\n`);
    const bad = cli(['run', doc('env.yml', 'run: echo from RUNSC')], { RUNSC: '/usr/bin/true' });
    expect(bad.status).toBe(125);
    expect(bad.stderr).toContain('gvisor-cell: RUNSC: /usr/bin/true is not runsc');
  });
});

describe('no network', () => {
  test('a bucket that cannot be reached: the error says how to run with a runsc at hand, and names the one npm run sample left', async () => {
    // A port nobody listens on: what a machine without network meets, refused at once.
    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    // The CLI as it sits in a clone where `npm run sample` has provisioned .tmp/runsc/runsc.
    const clone = path.join(dir, 'clone');
    cpSync(path.dirname(CLI), path.join(clone, 'dist', 'cli'), { recursive: true });
    mkdirSync(path.join(clone, '.tmp', 'runsc'), { recursive: true });
    writeFileSync(path.join(clone, '.tmp', 'runsc', 'runsc'), '', { mode: 0o755 });
    const r = await cliAsync(
      ['run', doc('net.yml', 'run: echo'), '--download-url', `http://127.0.0.1:${port}`, '--tool-cache', path.join(dir, 'cache-net')],
      path.join(clone, 'dist', 'cli', 'index.js'),
    );
    expect(r.status).toBe(125);
    expect(r.stderr).toContain(`GET http://127.0.0.1:${port}/`);
    expect(r.stderr).toContain('ECONNREFUSED');
    expect(r.stderr).toContain(
      `To run with a runsc you already have, pass --runsc PATH or set RUNSC=PATH (npm run sample left one at ${path.join(clone, '.tmp', 'runsc', 'runsc')}).\n`,
    );
  });
});

describe('npm run sample', () => {
  test('from another directory: the document is found there, and that directory is the workspace', () => {
    const caller = path.join(dir, 'elsewhere');
    mkdirSync(caller, { recursive: true });
    writeFileSync(path.join(caller, 'here.txt'), 'the caller’s file\n');
    writeFileSync(path.join(caller, 'mine.yml'), 'run: cat here.txt');
    const r = spawnSync('npm', ['--prefix', REPO, 'run', 'sample', '--', 'mine.yml'], {
      cwd: caller,
      encoding: 'utf8',
      env: { PATH: process.env.PATH as string, HOME: process.env.HOME as string, RUNNER_TEMP: path.join(dir, 'tmp'), RUNSC: runsc },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('the caller’s file\n');
    expect(r.stderr).toContain(`workspace ${caller}\n`);
  });
});

describe('logs', () => {
  test('run keeps its own temp directory’s 20 newest logs and the last day’s; links, other files and RUNNER_TEMP are left alone', () => {
    const home = path.join(dir, 'home');
    const logs = path.join(home, '.cache', 'gvisor-cell', 'tmp', 'gvisor-cell-logs');
    mkdirSync(logs, { recursive: true });
    const old = (name: string, days: number) => {
      const file = path.join(logs, name);
      writeFileSync(file, name);
      const t = Date.now() / 1000 - days * 86_400;
      utimesSync(file, t, t);
      return file;
    };
    const stale = Array.from({ length: 25 }, (_, i) => old(`cell-old${String(i).padStart(3, '0')}.log`, 2 + i));
    const recent = old('cell-rec001.log', 0.5);
    const other = old('notes.txt', 90);
    const outside = path.join(dir, 'outside-Abc123.log');
    writeFileSync(outside, 'not the CLI’s');
    symlinkSync(outside, path.join(logs, 'linked-Abc123.log'));
    const env = { HOME: home, RUNNER_TEMP: '' };
    const r = cli(['run', doc('log.yml', 'name: pruned\nrun: echo logged'), '--runsc', runsc], env);
    expect(r.status).toBe(0);
    const log = /full log in (\S+)/.exec(r.stderr)?.[1] as string;
    expect(path.dirname(log)).toBe(logs);
    expect(readFileSync(log, 'utf8')).toBe('logged\n');
    // The new log and the recent one, and the 18 newest of the stale.
    const left = readdirSync(logs).filter((n) => n.endsWith('.log') && lstatSync(path.join(logs, n)).isFile());
    expect(left.sort()).toEqual([path.basename(log), path.basename(recent), ...stale.slice(0, 18).map((f) => path.basename(f))].sort());
    expect(existsSync(other)).toBe(true);
    expect(lstatSync(path.join(logs, 'linked-Abc123.log')).isSymbolicLink()).toBe(true);
    expect(readFileSync(outside, 'utf8')).toBe('not the CLI’s');

    // In RUNNER_TEMP (the runner empties it after the job) nothing is pruned.
    const runnerLogs = path.join(dir, 'tmp', 'gvisor-cell-logs');
    mkdirSync(runnerLogs, { recursive: true });
    const kept = Array.from({ length: 25 }, (_, i) => path.join(runnerLogs, `cell-run${String(i).padStart(3, '0')}.log`));
    for (const file of kept) {
      writeFileSync(file, '');
      utimesSync(file, 0, 0);
    }
    expect(cli(['run', doc('log.yml', 'run: echo'), '--runsc', runsc]).status).toBe(0);
    for (const file of kept) expect(existsSync(file), file).toBe(true);
  });
});
