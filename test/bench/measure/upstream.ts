/**
 * The egress figure's upstream: HTTP and HTTPS servers of the bench's own
 * (upstream-server.mjs) in a network namespace it makes, joined to the
 * runner by a veth pair on a free /24 of 198.18.0.0/16 (the range set aside
 * for benchmarks, never routed: nothing the bench sends can leave the
 * machine), named through an /etc/hosts line of its own, with a self-signed
 * certificate for that name. A second namespace, joined straight to the
 * upstream's by a veth pair of its own, is for a bare `runsc
 * --network=sandbox`: gVisor's network stack with nothing of the action's in
 * the way. `dispose` removes all of it and may be called at any point of the
 * setup (Resources.upstream: also on Ctrl-C and failures).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { makeCertificate } from '../../support/certificate.js';
import { addHostsLines, removeHostsLines } from '../etc-hosts.js';

export interface BenchUpstream {
  /** The name the cells and the runner use (in /etc/hosts, and the certificate's). */
  name: string;
  /** The namespace's address on the runner's veth, 198.18.n.2 (of a /25). */
  address: string;
  /** The bare sandbox's namespace (its path under /var/run/netns), its link and address, and the upstream's address there. */
  bare: { netnsPath: string; link: string; address: string; upstream: string };
  /** A directory holding only cert.pem (for a read-only mount into the cells). */
  certDir: string;
  certFile: string;
}

export interface UpstreamHandle {
  /** Removes the namespace (and with it the veth), the /etc/hosts line, the server and the files; safe to call twice. */
  dispose(): Promise<void>;
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A /24 of 198.18.0.0/16 that no address or route of the runner uses (the e2e suite takes its own there too). */
function freeSubnet(): number {
  const used = `${ip('-4', '-o', 'addr')}\n${ip('-4', 'route', 'show', 'table', 'all')}`;
  for (let attempt = 0; attempt < 50; attempt++) {
    const n = 1 + ((randomBytes(1)[0] as number) % 250);
    if (!used.includes(`198.18.${n}.`)) return n;
  }
  throw new Error('egress upstream: no free /24 in 198.18.0.0/16 after 50 tries');
}

function waitReady(child: ChildProcess): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`egress upstream: the server did not start in 10 s: ${stderr}`)), 10_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`egress upstream: the server exited (${code ?? signal}) before it was ready: ${stderr}`));
    });
    readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', (line) => {
      clearTimeout(timer);
      if (line === 'ready') resolve();
      else reject(new Error(`egress upstream: the server said ${JSON.stringify(line)} instead of ready`));
    });
  });
}

/**
 * Makes the upstream under `dir`. `register` gets the handle before anything
 * is made, so that an interruption during the setup removes what was made.
 */
export async function startUpstream(dir: string, register: (handle: UpstreamHandle) => void): Promise<BenchUpstream> {
  const suffix = [...randomBytes(6)].map((b) => 'abcdefghijklmnopqrstuvwxyz0123456789'[b % 36]).join('');
  const netns = `gvcbench-${suffix}`;
  const link = `gvb${suffix}h`;
  const peer = `gvb${suffix}n`;
  const bareNetns = `gvcbench-${suffix}-bare`;
  const bareLink = `gvb${suffix}s`;
  const barePeer = `gvb${suffix}u`;
  const name = `upstream-${suffix}.bench.test`;
  let server: ChildProcess | undefined;
  let hostsAdded = false;
  let disposed: Promise<void> | undefined;
  const handle: UpstreamHandle = {
    dispose() {
      disposed ??= (async () => {
        if (server && server.exitCode === null && server.signalCode === null) {
          const exited = new Promise((r) => server?.once('exit', r));
          server.kill('SIGKILL');
          await exited;
        }
        // The namespace's removal takes the veth with it (and the runner's end's address and route).
        spawnSync('ip', ['netns', 'del', netns], { stdio: 'ignore' });
        spawnSync('ip', ['netns', 'del', bareNetns], { stdio: 'ignore' });
        spawnSync('ip', ['link', 'del', link], { stdio: 'ignore' });
        if (hostsAdded) removeHostsLines();
        rmSync(dir, { recursive: true, force: true });
      })();
      return disposed;
    },
  };
  register(handle);

  mkdirSync(dir, { recursive: true });
  const certDir = path.join(dir, 'ca');
  mkdirSync(certDir);
  const certFile = path.join(certDir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  makeCertificate({ cert: certFile, key: keyFile }, [name]);
  chmodSync(certDir, 0o755);

  const n = freeSubnet();
  // The /24 in two halves: the runner's veth (.1 runner, .2 upstream), the bare sandbox's (.129 upstream, .130 sandbox).
  const hostEnd = `198.18.${n}.1`;
  const address = `198.18.${n}.2`;
  const bare = { netnsPath: `/var/run/netns/${bareNetns}`, link: bareLink, address: `198.18.${n}.130`, upstream: `198.18.${n}.129` };
  ip('netns', 'add', netns);
  ip('link', 'add', link, 'type', 'veth', 'peer', 'name', peer);
  ip('link', 'set', peer, 'netns', netns);
  ip('addr', 'add', `${hostEnd}/25`, 'dev', link);
  ip('link', 'set', link, 'up');
  ip('-n', netns, 'link', 'set', 'lo', 'up');
  ip('-n', netns, 'addr', 'add', `${address}/25`, 'dev', peer);
  ip('-n', netns, 'link', 'set', peer, 'up');
  ip('netns', 'add', bareNetns);
  ip('link', 'add', bareLink, 'netns', bareNetns, 'type', 'veth', 'peer', 'name', barePeer, 'netns', netns);
  ip('-n', netns, 'addr', 'add', `${bare.upstream}/25`, 'dev', barePeer);
  ip('-n', netns, 'link', 'set', barePeer, 'up');
  ip('-n', bareNetns, 'link', 'set', 'lo', 'up');
  ip('-n', bareNetns, 'link', 'set', bareLink, 'up');

  const script = path.join(import.meta.dirname, 'upstream-server.mjs');
  server = spawn('ip', ['netns', 'exec', netns, process.execPath, script, JSON.stringify({ cert: certFile, key: keyFile })], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await waitReady(server);

  addHostsLines([{ address, names: [name] }]);
  hostsAdded = true;
  return { name, address, bare, certDir, certFile };
}
