/**
 * An attacker's review of egress control by name (#13): each test is a way
 * a cell gets past what README's "Egress by name" and SECURITY.md promise,
 * and fails on the code as reviewed. Same conditions as egress.test.ts: the
 * action as an ordinary user with sudo, real runsc, every upstream the
 * test's own (test/support/upstream.ts: a namespace on 198.18.n.0/24, names
 * in /etc/hosts lines marked and removed here).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { type Job, makeJob, removeJob } from '../support/job.js';
import type { ActionRun, RunOptions } from '../support/runner.js';
import { createUpstream, editHosts, type Upstream } from '../support/upstream.js';
import { actionCopy, ensureUser, grantSudo, isRoot, type User } from '../support/users.js';
import { runAction } from './action.js';

const USER = 'gvc-e2e-egrev';
const TOOLS = '.gvcreview';
const runsc = inject('runsc');
let up: Upstream;
let user: User;
let job: Job;
let action: ReturnType<typeof actionCopy>;
let revokeSudo: () => void;
let mark: string;

/**
 * Inside the cell: `node tunnel.mjs <host:port> <first bytes as JSON, or null> <ms> [reset]`:
 * CONNECT through $HTTP_PROXY, then send the bytes (or nothing; or reset at once), wait, print one JSON line.
 */
const TUNNEL = `import net from 'node:net';
const [target, first, ms, how] = process.argv.slice(2);
const proxy = new URL(process.env.HTTP_PROXY);
const out = { target, events: [] };
const s = net.connect(Number(proxy.port), proxy.hostname);
let buf = '';
let open = false;
s.on('data', (d) => {
  buf += d.toString('latin1');
  if (open || !buf.includes('\\r\\n\\r\\n')) return;
  open = true;
  out.connect = buf.split('\\r\\n')[0];
  buf = buf.slice(buf.indexOf('\\r\\n\\r\\n') + 4);
  if (how === 'reset') return void s.resetAndDestroy();
  const bytes = JSON.parse(first);
  if (bytes !== null) s.write(bytes);
});
for (const e of ['end', 'close']) s.on(e, () => out.events.push(e));
s.on('error', (e) => out.events.push('error ' + e.code));
s.write('CONNECT ' + target + ' HTTP/1.1\\r\\nHost: ' + target + '\\r\\n\\r\\n');
setTimeout(() => { out.response = buf; process.stdout.write('tunnel ' + JSON.stringify(out) + '\\n'); process.exit(0); }, Number(ms));
`;

function runCell(cell: object, options: Omit<RunOptions, 'node'> = {}): Promise<ActionRun> {
  return runAction(job, {
    user,
    actionDir: action.dir,
    ...options,
    inputs: { cell: JSON.stringify(cell), 'runsc-path': action.runsc as string, 'output-limit': '131072' },
  });
}

function egressLog(run: ActionRun): { name: string; port: number; via: string; decision: string; address?: string }[] {
  const file = run.main.outputs['egress-log'] as string;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

function tunnels(run: ActionRun): { target: string; connect?: string; response: string; events: string[] }[] {
  return [...(run.main.outputs.stdout ?? '').matchAll(/^tunnel (.*)$/gm)].map((m) => JSON.parse(m[1] as string));
}

describe.skipIf(!isRoot)('egress review: ways past the boundary', () => {
  beforeAll(async () => {
    up = await createUpstream();
    mark = `# gvcreview-${up.suffix}`;
    user = ensureUser(USER);
    revokeSudo = grantSudo(USER);
    job = makeJob('egress-review', user);
    action = actionCopy(runsc);
    const tools = path.join(job.workspace, TOOLS);
    mkdirSync(tools);
    writeFileSync(path.join(tools, 'tunnel.mjs'), TUNNEL);
    for (const f of ['', 'tunnel.mjs']) chownSync(path.join(tools, f), user.uid, user.gid);
  });

  afterAll(async () => {
    revokeSudo?.();
    if (job) removeJob(job);
    action?.remove();
    spawnSync('userdel', [USER]);
    if (mark) editHosts((lines) => lines.filter((l) => !l.endsWith(mark)));
    await up?.dispose();
  });

  test('after the action is killed, the cell reaches no service of the runner while it lives on', async () => {
    await up.reset();
    const any = up.runner.anyPort;
    let killed = false;
    const run = await runCell(
      {
        name: 'outlive',
        run: [
          `gw=$(sed -n 's/^nameserver[[:space:]]*//p' /etc/resolv.conf | head -n1)`,
          `curl -s -m 3 --noproxy '*' -o /dev/null http://$gw:${any}/before-kill && echo before-reached || echo before-refused`,
          'echo "gw $gw"',
          'echo ready',
          // The action is gone from here: nothing may be written to its pipes.
          'exec >/dev/null 2>&1',
          // A connection attempt every 2 ms for 10 s: one lands in whatever window the runner leaves open.
          `node -e "const net = require('net'); setInterval(() => net.connect(${any}, process.argv[1]).on('error', () => {}).on('connect', function () { this.end('GET /after-kill HTTP/1.0\\r\\n\\r\\n'); }), 2); setTimeout(() => process.exit(0), 10000)" "$gw"`,
          'sleep 600',
        ].join('\n'),
        network: { allow: [up.names.allowed] },
      },
      {
        onSpawn: (child: ChildProcess) => {
          let seen = '';
          child.stdout?.on('data', (c: Buffer) => {
            seen += c.toString();
            if (killed || !/^ready$/m.test(seen)) return;
            killed = true;
            child.kill('SIGKILL');
          });
        },
        // The window a job has between a main step killed and its post step (other steps, the runner's own cleanup).
        noPost: () => {
          spawnSync('sleep', ['6']);
          return false;
        },
      },
    );
    expect(run.main.signal, `${run.main.exitCode} ${run.main.stdout.slice(-3000)} ${run.main.stderr.slice(-2000)}`).toBe('SIGKILL');
    expect(run.main.stdout).toMatch(/^before-refused$/m);
    // The cell's own address: the runner's end of its /30 plus one.
    const gw = /^gw (\d+\.\d+\.\d+)\.(\d+)$/m.exec(run.main.stdout);
    const cell = gw ? `${gw[1]}.${Number(gw[2]) + 1}` : '(no address)';
    const reached = (await up.hits()).filter((h) => h.server === 'runner-any' && h.remote?.replace(/^::ffff:/, '') === cell);
    const counts = new Map<string, number>();
    for (const h of reached) counts.set(`${h.kind} ${h.path ?? ''}`, (counts.get(`${h.kind} ${h.path ?? ''}`) ?? 0) + 1);
    const kinds = [...counts].map(([k, n]) => `${n}× ${k}`);
    expect(kinds, `connections from the cell (${cell}) to the runner's 0.0.0.0:${any}`).toEqual([]);
  }, 300_000);

  test('an upstream that resets a CONNECT tunnel before the cell speaks does not crash the action', async () => {
    // A server of the test's own, in the upstream's namespace: accepts, waits, resets (as a load balancer's idle timeout can).
    const server = spawn(
      'ip',
      [
        'netns',
        'exec',
        up.netns,
        process.execPath,
        '-e',
        "require('net').createServer((s) => { s.on('error', () => {}); setTimeout(() => s.resetAndDestroy(), 1500); }).listen(9443, '0.0.0.0', () => console.log('ready'))",
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve) => server.stdout?.once('data', () => resolve()));
      const n = up.names;
      const run = await runCell({
        name: 'reset',
        run: [
          `node ${TOOLS}/tunnel.mjs ${n.allowed}:9443 null 4000`,
          `echo "after $(curl -s -m 5 -o /dev/null -w '%{http_code}' http://${n.allowed}/after-reset)"`,
        ].join('\n'),
        network: { allow: [n.allowed, `${n.allowed}:9443`] },
      });
      expect(run.main.stderr).not.toMatch(/ECONNRESET/);
      expect(run.main.exitCode).toBe(0);
      expect(run.main.outputs['exit-code']).toBe('0');
      expect(run.main.outputs.stdout).toMatch(/^after 200$/m);
    } finally {
      server.kill();
    }
  }, 300_000);

  test('the runner’s own address is refused in its IPv4-mapped IPv6 form too (a listed name resolving to it, and audit)', async () => {
    await up.reset();
    const any = up.runner.anyPort;
    const mapped = `mapped-${up.suffix}.test`;
    const plain = `ownaddr-${up.suffix}.test`;
    // What an attacker's DNS (or /etc/hosts) may answer for a listed name: the runner's own address, as ::ffff:a.b.c.d.
    editHosts((lines) => [...lines, `::ffff:${up.hostEnd} ${mapped} ${mark}`, `${up.hostEnd} ${plain} ${mark}`]);
    const get = (label: string, url: string) =>
      `echo "${label} $(curl -sS -g -m 5 --noproxy '' -x "$HTTP_PROXY" -o /dev/null -w '%{http_code}' '${url}' 2>&1)"`;
    const listed = await runCell({
      name: 'mapped',
      run: [get('plain', `http://${plain}:${any}/own-plain`), get('mapped', `http://${mapped}:${any}/own-mapped`)].join('\n'),
      network: { allow: [`${plain}:${any}`, `${mapped}:${any}`] },
    });
    const audit = await runCell({
      name: 'mapped-audit',
      run: [
        get('literal', `http://${up.hostEnd}:${any}/own-literal`),
        get('literal-mapped', `http://[::ffff:${up.hostEnd}]:${any}/own-literal-mapped`),
      ].join('\n'),
      network: { allow: [], audit: true },
    });
    const out = `${listed.main.outputs.stdout}\n${audit.main.outputs.stdout}`;
    // The control: the plain forms are refused, with the proxy's 403 that says why; so are the mapped forms.
    expect(out).toMatch(/^plain 403$/m);
    expect(out).toMatch(/^literal 403$/m);
    expect(out).toMatch(/^mapped 403$/m);
    expect(out).toMatch(/^literal-mapped 403$/m);
    const reached = (await up.hits()).filter((h) => h.server === 'runner-any' && h.kind === 'http');
    expect(reached.map((h) => `${h.path} from ${h.remote}`)).toEqual([]);
    expect(out).not.toMatch(/^mapped 200$/m);
    expect(out).not.toMatch(/^literal-mapped 200$/m);
  }, 300_000);

  test('plain HTTP in a tunnel is checked even when it starts with a blank line (servers skip it)', async () => {
    await up.reset();
    const n = up.names;
    const smuggled = JSON.stringify(`\r\nGET /smuggled-crlf HTTP/1.1\r\nHost: ${n.other}\r\n\r\n`);
    const run = await runCell({
      name: 'crlf',
      run: `node ${TOOLS}/tunnel.mjs ${n.allowed}:80 '${smuggled}' 2000`,
      network: { allow: [n.allowed] },
    });
    const [crlf] = tunnels(run);
    expect(crlf?.connect).toBe('HTTP/1.1 200 Connection established');
    const hits = (await up.hits()).filter((h) => h.server === 'upstream' && h.kind === 'http');
    expect(hits.filter((h) => h.host === n.other).map((h) => `${h.host} ${h.path}`)).toEqual([]);
    expect(crlf?.response ?? '').not.toContain('"server":"upstream"');
  }, 300_000);

  test('a tunnel the cell resets before it speaks is still recorded (README: every decision is recorded)', async () => {
    const n = up.names;
    const run = await runCell({
      name: 'unrecorded',
      run: `node ${TOOLS}/tunnel.mjs ${n.allowed}:8080 null 1500 reset`,
      network: { allow: [`${n.allowed}:8080`] },
    });
    expect(tunnels(run)[0]?.connect).toBe('HTTP/1.1 200 Connection established');
    expect(egressLog(run).filter((r) => r.via === 'connect' && r.port === 8080)).toHaveLength(1);
  }, 300_000);

  // The listeners are bound on every address (their ports go into the rules before the network exists):
  // only the cell's link may reach them.
  test('the listeners take nothing from the runner itself or its other links', async () => {
    const ports: string[] = [];
    const tries: string[] = [];
    const run = await runCell(
      { name: 'listeners', run: 'echo ready; sleep 15', network: { allow: [up.names.allowed] } },
      {
        onSpawn: (child) => {
          child.stdout?.on('data', async (c: Buffer) => {
            if (ports.length > 0 || !c.toString().includes('ready')) return;
            const lines = spawnSync('ss', ['-H', '-l', '-n', '-t', '-p'], { encoding: 'utf8' }).stdout.split('\n');
            for (const line of lines.filter((l) => l.includes(`pid=${child.pid},`)))
              ports.push(line.split(/\s+/)[3]?.split(':').pop() ?? '');
            const attempt = (host: string, port: string) =>
              new Promise<string>((resolve) => {
                const socket = net.connect({ host, port: Number(port) });
                socket.setTimeout(1000, () => {
                  socket.destroy();
                  resolve(`${host}:${port} no answer`);
                });
                socket.once('connect', () => {
                  socket.destroy();
                  resolve(`${host}:${port} CONNECTED`);
                });
                socket.once('error', (e: NodeJS.ErrnoException) => resolve(`${host}:${port} ${e.code}`));
              });
            // All at once, while the cell still runs (it sleeps 15 s).
            tries.push(...(await Promise.all(ports.flatMap((port) => ['127.0.0.1', up.hostEnd].map((host) => attempt(host, port))))));
          });
        },
      },
    );
    expect(run.main.outputs['exit-code']).toBe('0');
    expect(ports.length).toBeGreaterThan(3);
    expect(tries.length).toBe(ports.length * 2);
    expect(tries.filter((t) => t.endsWith('CONNECTED'))).toEqual([]);
  }, 300_000);

  // Not a way past, but a way to break the job: with `collect`, the network is set up by `runsc start`,
  // which releases before gVisor#10704's fix refused in a namespace showing /proc/sys/net/core.
  test('collect with an allow-list: the cell reaches its host and its files come back', async () => {
    const n = up.names;
    rmSync(path.join(job.workspace, 'collected.txt'), { force: true });
    const run = await runCell({
      name: 'collect-allow',
      run: `curl -sS --noproxy '*' -m 10 -o collected.txt http://${n.allowed}/collect-allow`,
      network: { allow: [n.allowed] },
      collect: ['collected.txt'],
    });
    expect(run.main.outputs['exit-code'], run.main.stdout).toBe('0');
    expect(readFileSync(path.join(job.workspace, 'collected.txt'), 'utf8')).toContain('/collect-allow');
    expect(egressLog(run)).toContainEqual(expect.objectContaining({ name: n.allowed, port: 80, via: 'http', decision: 'allowed' }));
  }, 300_000);
});
