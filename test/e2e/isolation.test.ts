/**
 * What a cell can see and do of the runner. Canary secrets are planted where a
 * careless sandbox would show them (the action's environment, the runner's
 * HOME, /root, /var/lib, /srv, RUNNER_TEMP, the file-command files, a Unix
 * socket, a TCP server on the host's loopback) and a probe inside the cell
 * reports what it reaches.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { type Job, makeJob, removeJob } from '../support/job.js';
import { CANARIES, runAction } from './action.js';

let job: Job;
const runsc = inject('runsc');
const tag = `gvc-canary-${process.pid}`;
const planted: string[] = [];
let tcp: net.Server;
let tcpPort: number;
let uds: net.Server;

/** Runs inside the cell with the host's node (visible read-only through /usr). Prints one JSON line. */
const PROBE = `
const fs = require('fs'), net = require('net'), os = require('os');
const read = (p) => { try { return fs.readFileSync(p, 'utf8'); } catch (e) { return 'ERR:' + e.code; } };
const list = (p) => { try { return fs.readdirSync(p).sort(); } catch (e) { return 'ERR:' + e.code; } };
const write = (p) => { try { fs.writeFileSync(p, 'x'); return 'ok'; } catch (e) { return 'ERR:' + e.code; } };
const connect = (opts) => new Promise((resolve) => {
  const s = net.connect(opts, () => { s.destroy(); resolve('connected'); });
  s.on('error', (e) => resolve('ERR:' + e.code));
  setTimeout(() => { s.destroy(); resolve('ERR:TIMEOUT'); }, 1500);
});
(async () => {
  const paths = JSON.parse(process.argv[1]);
  const out = { env: process.env, uid: process.getuid(), gid: process.getgid(), hostname: os.hostname(), cwd: process.cwd() };
  out.read = Object.fromEntries(paths.read.map((p) => [p, read(p)]));
  out.list = Object.fromEntries(paths.list.map((p) => [p, list(p)]));
  out.write = Object.fromEntries(paths.write.map((p) => [p, write(p)]));
  out.tcp = await connect({ host: '127.0.0.1', port: paths.tcpPort });
  out.uds = await connect({ path: paths.uds });
  process.stdout.write(JSON.stringify(out) + '\\n');
})();
`;

interface Probe {
  env: Record<string, string>;
  uid: number;
  gid: number;
  hostname: string;
  cwd: string;
  read: Record<string, string>;
  list: Record<string, string[] | string>;
  write: Record<string, string>;
  tcp: string;
  uds: string;
}

function plant(file: string, content = `${tag} ${file}`): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  planted.push(file);
  return file;
}

beforeAll(async () => {
  job = makeJob('isolation');
  plant(path.join(job.home, '.ssh', 'id_ed25519'));
  plant(path.join(job.temp, 'secret.txt'));
  plant(`/root/.${tag}`);
  plant(`/var/lib/${tag}/data`);
  plant(`/srv/${tag}`);
  plant(path.join(job.workspace, 'README.md'), 'workspace file\n');
  // Code under test can commit links that point out of the workspace: inside the cell they resolve in the cell's view.
  symlinkSync(`/root/.${tag}`, path.join(job.workspace, 'leak-root'));
  symlinkSync(job.temp, path.join(job.workspace, 'leak-temp'));
  tcp = net.createServer((s) => s.on('error', () => {}).end('hello'));
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', r));
  tcpPort = (tcp.address() as net.AddressInfo).port;
  uds = net.createServer((s) => s.on('error', () => {}).end('hello'));
  await new Promise<void>((r) => uds.listen(path.join(job.workspace, 'host.sock'), r));
});

afterAll(async () => {
  tcp.close();
  uds.close();
  for (const f of planted) rmSync(f, { force: true });
  rmSync(`/var/lib/${tag}`, { recursive: true, force: true });
  removeJob(job);
});

async function probe(
  doc: Record<string, unknown>,
  extra: Partial<Record<'read' | 'list' | 'write', string[]>> = {},
  env: Record<string, string> = {},
) {
  const paths = {
    read: [
      path.join(job.home, '.ssh', 'id_ed25519'),
      path.join(job.temp, 'secret.txt'),
      `/root/.${tag}`,
      `/var/lib/${tag}/data`,
      `/srv/${tag}`,
      '/etc/shadow',
      '/etc/hostname',
      path.join(job.workspace, 'README.md'),
      path.join(job.workspace, 'leak-root'),
      path.join(job.workspace, 'leak-temp', 'secret.txt'),
      ...(extra.read ?? []),
    ],
    list: [job.home, '/', '/home', job.temp, ...(extra.list ?? [])],
    write: [
      path.join(job.workspace, 'new-file'),
      path.join(job.workspace, 'README.md'),
      '/usr/local/gvc-write',
      '/etc/gvc-write',
      `/tmp/${tag}-scratch`,
      ...(extra.write ?? []),
    ],
    tcpPort,
    uds: path.join(job.workspace, 'host.sock'),
  };
  const cell = { name: 'probe', command: ['node', '-e', PROBE, JSON.stringify(paths)], ...doc };
  const run = await runAction(job, { inputs: { cell: JSON.stringify(cell), 'runsc-path': runsc }, env });
  expect(run.main.outputs.stderr).toBe('');
  expect(run.main.outputs['exit-code']).toBe('0');
  return { run, probe: JSON.parse(run.main.outputs.stdout as string) as Probe };
}

describe('the default cell', () => {
  let p: Probe;
  beforeAll(async () => {
    ({ probe: p } = await probe({}));
  });

  test('its environment is the allow-list and nothing else', () => {
    const names = Object.keys(p.env).sort();
    expect(names).toEqual(
      [
        'CI',
        'GIT_CONFIG_COUNT',
        'GIT_CONFIG_KEY_0',
        'GIT_CONFIG_VALUE_0',
        'GITHUB_ACTIONS',
        'GITHUB_EVENT_NAME',
        'GITHUB_JOB',
        'GITHUB_REF',
        'GITHUB_REPOSITORY',
        'GITHUB_REPOSITORY_OWNER',
        'GITHUB_RUN_ID',
        'GITHUB_SHA',
        'GITHUB_WORKSPACE',
        'HOME',
        'LANG',
        'PATH',
        'RUNNER_ARCH',
        'RUNNER_OS',
      ].sort(),
    );
    const all = JSON.stringify(p);
    for (const value of Object.values(CANARIES)) expect(all).not.toContain(value);
    expect(p.env.HOME).toBe(job.home);
    expect(p.env.PATH).toBe('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  });

  test('no host file outside the allow-list is visible', () => {
    expect(JSON.stringify(Object.values(p.read))).not.toContain(tag);
    for (const [file, content] of Object.entries(p.read)) {
      if (file.includes(tag) || file.startsWith(`${job.home}/.ssh`) || file.startsWith(job.temp)) expect(content).toBe('ERR:ENOENT');
    }
    // HOME is a fresh tmpfs: only the mount points of the workspace and the (read-only) tool cache show.
    expect(p.list[job.home]).toEqual(['toolcache', 'work']);
    expect(p.list['/home']).toEqual([path.basename(job.home)]);
    expect(p.list[job.temp]).toBe('ERR:ENOENT');
    expect(p.read[path.join(job.workspace, 'leak-root')]).toBe('ERR:ENOENT');
    expect(p.read[path.join(job.workspace, 'leak-temp', 'secret.txt')]).toBe('ERR:ENOENT');
  });

  test('the root holds the allow-listed view only', () => {
    expect(p.list['/']).toEqual(expect.arrayContaining(['usr', 'etc', 'tmp', 'proc', 'dev', 'home', 'bin', 'lib']));
    for (const hidden of ['root', 'srv', 'work', 'mnt', 'boot']) expect(p.list['/']).not.toContain(hidden);
  });

  test('the workspace is readable, writable in an overlay, and the host copy is untouched', () => {
    expect(p.read[path.join(job.workspace, 'README.md')]).toBe('workspace file\n');
    expect(p.write[path.join(job.workspace, 'new-file')]).toBe('ok');
    expect(p.write[path.join(job.workspace, 'README.md')]).toBe('ok');
    expect(readFileSync(path.join(job.workspace, 'README.md'), 'utf8')).toBe('workspace file\n');
    expect(() => readFileSync(path.join(job.workspace, 'new-file'))).toThrow(/ENOENT/);
    expect(p.cwd).toBe(job.workspace);
  });

  test('the host system directories are read-only, /tmp is private', () => {
    expect(p.write['/usr/local/gvc-write']).toMatch(/^ERR:(EROFS|EACCES)$/);
    expect(p.write['/etc/gvc-write']).toMatch(/^ERR:(EROFS|EACCES)$/);
    expect(p.write[`/tmp/${tag}-scratch`]).toBe('ok');
    expect(() => readFileSync(`/tmp/${tag}-scratch`)).toThrow(/ENOENT/);
  });

  test('network none: the host loopback and host Unix sockets are unreachable', () => {
    expect(p.tcp).toMatch(/^ERR:/);
    expect(p.uds).toMatch(/^ERR:/);
  });

  test('hostname defaults to the name', () => {
    expect(p.hostname).toBe('probe');
  });

  test('it runs as the runner (the uid and gid the action runs as)', () => {
    expect(p.uid).toBe(process.getuid?.());
    expect(p.gid).toBe(process.getgid?.());
  });
});

describe('user root', () => {
  test('root-only entries of /etc (beyond the known list) are masked: a file reads empty, a directory is empty', async () => {
    const file = `/etc/${tag}-root-only.conf`;
    const dir = `/etc/${tag}-private`;
    plant(file, `${tag} root-only file`);
    chmodSync(file, 0o600);
    plant(path.join(dir, 'key'), `${tag} root-only key`);
    chmodSync(dir, 0o700);
    const world = plant(`/etc/${tag}-world.conf`, 'world-readable\n');
    try {
      const { probe: p } = await probe({ user: 'root' }, { read: [file, path.join(dir, 'key'), world], list: [dir] });
      expect(p.uid).toBe(0);
      expect(p.read[file]).toBe('');
      expect(p.read[path.join(dir, 'key')]).toBe('ERR:ENOENT');
      expect(p.list[dir]).toEqual([]);
      expect(p.read[world]).toBe('world-readable\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('is root over the cell only: masked files stay empty, other host files stay out of view', async () => {
    const { probe: p } = await probe({ user: 'root' }, { read: ['/etc/sudoers'], list: ['/etc/sudoers.d'] });
    expect(p.uid).toBe(0);
    expect(p.read['/etc/shadow']).toBe('');
    expect(p.read['/etc/sudoers']).toMatch(/^(|ERR:ENOENT)$/);
    expect([[], 'ERR:ENOENT']).toContainEqual(p.list['/etc/sudoers.d']);
    expect(JSON.stringify(Object.values(p.read))).not.toContain(tag);
    expect(p.write['/etc/gvc-write']).toMatch(/^ERR:(EROFS|EACCES)$/);
  });
});

describe('document keys', () => {
  test('pass-env and env add to the allow-list; env wins; missing pass-env names warn', async () => {
    const { run, probe: p } = await probe(
      { 'pass-env': ['MY_SECRET', 'NOT_SET_ANYWHERE'], env: { FOO: 'bar', N: 3, LANG: 'C', MY_SECRET: 'overridden' } },
      {},
      { MY_SECRET: CANARIES.MY_SECRET as string },
    );
    expect(p.env.FOO).toBe('bar');
    expect(p.env.N).toBe('3');
    expect(p.env.LANG).toBe('C');
    expect(p.env.MY_SECRET).toBe('overridden');
    expect(run.main.commands.filter((c) => c.command === 'warning').map((c) => c.value)).toEqual([
      "pass-env: NOT_SET_ANYWHERE is not set in the action's environment; not passed",
    ]);
    const only = await probe({ 'pass-env': ['MY_SECRET'] });
    expect(only.probe.env.MY_SECRET).toBe(CANARIES.MY_SECRET);
  });

  test('tool-cache entries of PATH come first, and the tool cache is visible read-only', async () => {
    const tools = path.join(job.toolCache, 'node', '20.0.0', 'x64', 'bin');
    plant(path.join(tools, 'marker'), 'tool\n');
    const { probe: p } = await probe(
      {},
      { read: [path.join(tools, 'marker')], write: [path.join(tools, 'x')] },
      { PATH: `${tools}:/usr/bin:/bin:/root/.local/bin` },
    );
    expect(p.env.PATH).toBe(`${tools}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`);
    expect(p.read[path.join(tools, 'marker')]).toBe('tool\n');
    expect(p.write[path.join(tools, 'x')]).toMatch(/^ERR:(EROFS|EACCES)$/);
  });

  test('working-directory, hostname and network: host', async () => {
    mkdirSync(path.join(job.workspace, 'sub', 'dir'), { recursive: true });
    const { probe: p } = await probe({ 'working-directory': 'sub/dir/', hostname: 'builder-1', network: 'host' });
    expect(p.cwd).toBe(path.join(job.workspace, 'sub', 'dir'));
    expect(p.hostname).toBe('builder-1');
    expect(p.tcp).toBe('connected');
    // Host networking is not host filesystem access: Unix sockets stay closed.
    expect(p.uds).toMatch(/^ERR:/);
  });

  test('workspace: read-only refuses writes; workspace: none hides it', async () => {
    const ro = await probe({ workspace: 'read-only' });
    expect(ro.probe.write[path.join(job.workspace, 'new-file')]).toMatch(/^ERR:(EROFS|EACCES)$/);
    expect(ro.probe.read[path.join(job.workspace, 'README.md')]).toBe('workspace file\n');
    const none = await probe({ workspace: 'none' });
    expect(none.probe.read[path.join(job.workspace, 'README.md')]).toBe('ERR:ENOENT');
    expect(none.probe.cwd).toBe(job.home);
  });
});
