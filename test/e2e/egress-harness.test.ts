/**
 * The egress tests' own upstream (test/support/upstream.ts), checked alone
 * from the runner: the names resolve through /etc/hosts to the namespace, the
 * servers answer saying how they were reached and count every hit, the
 * private and link-local addresses lead into the namespace and nowhere else,
 * and dispose leaves nothing behind. No runsc here.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createUpstream, type Reached, type Upstream } from '../support/upstream.js';
import { isRoot } from '../support/users.js';

const run = promisify(execFile);

/** curl from the runner, asynchronously: the runner's own servers live in this process. */
async function curl(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  try {
    const r = await run('curl', ['-sS', '-m', '10', ...args], { maxBuffer: 1 << 20 });
    return { status: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { status: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function reached(stdout: string): Reached {
  return JSON.parse(stdout) as Reached;
}

describe.skipIf(!isRoot)('the upstream harness (needs root)', () => {
  let up: Upstream;
  beforeAll(async () => {
    up = await createUpstream();
  });
  afterAll(async () => {
    await up?.dispose();
  });

  test('every name resolves through /etc/hosts: the namespace, loopback, and the two routed addresses', () => {
    const resolve = (name: string) => spawnSync('getent', ['ahostsv4', name], { encoding: 'utf8' }).stdout.split(/\s/)[0];
    for (const name of [
      up.names.allowed,
      up.names.other,
      up.names.denied,
      up.names.alt,
      up.names.wild,
      up.names.wildSub,
      up.names.wildDeep,
    ]) {
      expect(resolve(name), name).toBe(up.address);
    }
    expect(resolve(up.names.loopy)).toBe('127.0.0.1');
    expect(resolve(up.names.private)).toBe(up.privateAddress);
    expect(resolve(up.names.meta)).toBe(up.metaAddress);
    expect(up.address).toMatch(/^198\.18\.\d+\.2$/);
    expect(up.metaAddress).toMatch(/^169\.254\.\d+\.77$/);
    expect(up.metaAddress).not.toBe('169.254.169.254');
  });

  test('the private and link-local addresses are routed into the namespace, one /32 each', () => {
    for (const address of [up.privateAddress, up.metaAddress]) {
      expect(spawnSync('ip', ['-4', 'route', 'get', address], { encoding: 'utf8' }).stdout).toContain(`dev ${up.link}`);
    }
  });

  test('HTTPS by name: the certificate is trusted with --cacert, and the answer names the SNI and Host', async () => {
    await up.reset();
    const r = await curl('--cacert', up.cert, `https://${up.names.allowed}/who`);
    expect(r.stderr).toBe('');
    expect(reached(r.stdout)).toEqual({
      server: 'upstream',
      port: 443,
      local: up.address,
      tls: true,
      sni: up.names.allowed,
      host: up.names.allowed,
      method: 'GET',
      path: '/who',
    });
    const hits = await up.hits();
    expect(hits.map((h) => h.kind)).toEqual(['tcp', 'tls', 'http']);
    expect(hits[1]?.sni).toBe(up.names.allowed);
  });

  test('HTTP on 80 and 8080, by name, by the extra addresses, and by the routed ones', async () => {
    expect(reached((await curl(`http://${up.names.wildDeep}/a`)).stdout)).toMatchObject({ port: 80, host: up.names.wildDeep, tls: false });
    expect(reached((await curl(`http://${up.names.alt}:8080/b`)).stdout)).toMatchObject({ port: 8080, host: `${up.names.alt}:8080` });
    expect(reached((await curl(`http://${up.third}:8080/c`)).stdout)).toMatchObject({ port: 8080, local: up.third });
    expect(reached((await curl('--cacert', up.cert, `https://${up.second}/d`)).stdout)).toMatchObject({ local: up.second, sni: null });
    expect(reached((await curl(`http://${up.names.private}/e`)).stdout)).toMatchObject({ local: up.privateAddress });
    expect(reached((await curl(`http://${up.names.meta}/f`)).stdout)).toMatchObject({ local: up.metaAddress });
  });

  test('/bytes/<n> serves exactly n bytes and says how it was reached in a header', async () => {
    const r = await curl(
      '--cacert',
      up.cert,
      '-o',
      '/dev/null',
      '-D',
      '-',
      '-w',
      '%{size_download}',
      `https://${up.names.allowed}/bytes/3000001`,
    );
    expect(r.stdout).toMatch(/\r\n3000001$/);
    const header = /^x-gvctest-reached: (.*)\r$/im.exec(r.stdout);
    expect(JSON.parse(header?.[1] ?? '{}')).toMatchObject({ sni: up.names.allowed, path: '/bytes/3000001' });
  });

  test('git ls-remote reads the dumb-HTTP repository', async () => {
    const r = await run('git', ['ls-remote', `http://${up.names.allowed}/repo.git`], { env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    expect(r.stdout).toContain('1234567890abcdef1234567890abcdef12345678\trefs/heads/main\n');
  });

  test('a barrier answers no one until its count has come, then everyone', async () => {
    const alone = await curl('-m', '1', `http://${up.names.allowed}/barrier/alone/2`);
    expect(alone.status).toBe(28);
    const [cell] = await Promise.all([curl(`http://${up.names.other}/barrier/pair/2`), up.barrier('pair', 2)]);
    expect(reached(cell.stdout)).toMatchObject({ host: up.names.other, path: '/barrier/pair/2', barrier: 'pair' });
  });

  test('the runner’s own servers count their hits; reset forgets every hit', async () => {
    await up.reset();
    expect(await up.hits()).toEqual([]);
    expect((await curl(`http://127.0.0.1:${up.runner.loopbackPort}/`)).stdout).toContain('runner-loopback');
    expect((await curl(`http://${up.hostEnd}:${up.runner.hostEndPort}/`)).stdout).toContain('runner-host-end');
    expect((await curl(`http://127.0.0.1:${up.runner.anyPort}/`)).stdout).toContain('runner-any');
    // The host end's server listens on that address only.
    expect((await curl(`http://127.0.0.1:${up.runner.hostEndPort}/`)).status).toBe(7);
    await run(process.execPath, [
      '-e',
      `require('dgram').createSocket('udp4').send('x', ${up.runner.udpPort}, '127.0.0.1', (e) => process.exit(e ? 1 : 0))`,
    ]);
    await new Promise((r) => setTimeout(r, 200));
    const servers = (await up.hits()).filter((h) => h.kind !== 'tcp').map((h) => h.server);
    expect(servers).toEqual(['runner-loopback', 'runner-host-end', 'runner-any', 'runner-udp']);
  });

  test('dispose removes the namespace, the link, the routes, the /etc/hosts lines and the certificate', async () => {
    const mine = await createUpstream();
    expect(readFileSync('/etc/hosts', 'utf8')).toContain(`# gvctest-${mine.suffix} pid=${process.pid}`);
    await mine.dispose();
    expect(spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout).not.toContain(mine.netns);
    expect(spawnSync('ip', ['link', 'show', mine.link]).status).not.toBe(0);
    expect(spawnSync('ip', ['-4', 'route', 'show', 'table', 'all'], { encoding: 'utf8' }).stdout).not.toContain(mine.metaAddress);
    expect(readFileSync('/etc/hosts', 'utf8')).not.toContain(mine.suffix);
    expect(existsSync(mine.cert)).toBe(false);
    // The other harness is untouched, and a second dispose is harmless.
    expect(readFileSync('/etc/hosts', 'utf8')).toContain(`# gvctest-${up.suffix} `);
    await mine.dispose();
  });

  test('where /etc/hosts is a bind mount (containers), it is edited in place', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gvctest-bind-'));
    try {
      const file = path.join(dir, 'hosts');
      writeFileSync(file, '127.0.0.1 localhost\n');
      const module = path.join(import.meta.dirname, '..', 'support', 'upstream.ts');
      const script = `import(${JSON.stringify(module)}).then((m) => m.editHosts((lines) => [...lines, '198.18.0.9 bound.test # gvctest-bound0 pid=1']))`;
      // A private mount namespace: the bind mount is seen by the child alone.
      const r = spawnSync(
        'unshare',
        ['--mount', '--propagation', 'private', 'sh', '-c', `mount --bind "$0" /etc/hosts && exec npx tsx --eval "$1"`, file, script],
        { encoding: 'utf8', cwd: path.join(import.meta.dirname, '..', '..') },
      );
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe('127.0.0.1 localhost\n198.18.0.9 bound.test # gvctest-bound0 pid=1\n');
      expect(readFileSync('/etc/hosts', 'utf8')).not.toContain('bound.test');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
