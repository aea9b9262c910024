/**
 * The hand-written equivalent of the trivial cell, run by a bare `runsc run`
 * (with and without the action's flags and read-only namespace), and a bare
 * `node -e 0`: the baseline the step is compared with.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SYSTEM_PATH } from '../../support/runner.js';
import { ACTION_NODE } from '../constants.js';
import { lastLines, type Processes, StepError, type Timed } from '../processes.js';

export interface BareRun {
  /** runsc's --root (state) directory, private to the bench. */
  root: string;
  bundle: string;
  /** [source, stub] of each read-only bind, when staged for the namespace. */
  binds: [string, string][];
}

interface Mount {
  destination: string;
  type: string;
  source: string;
  options?: string[];
}

/**
 * Read-only root skeleton, the host's /usr and /etc (and /bin, /lib… where they
 * are directories) bound read-only, /bin/true, no network. `staged`: as the
 * action does (src/run/readonly.ts), each read-only source is bound,
 * read-only by the kernel, at a stub in a private mount namespace, and the
 * spec names the stubs.
 */
export interface BareOptions {
  /** Stage the read-only binds for the namespace wrapper (runBareNs). */
  staged?: boolean;
  /** The process's argv (default /bin/true). */
  args?: string[];
  /** Further read-only bind mounts, [host source, destination]. */
  binds?: [string, string][];
  /** A network namespace of the caller's for the sandbox (run with --network=sandbox). */
  netnsPath?: string;
}

export function makeBareBundle(
  root: string,
  dir: string,
  { staged = false, args, binds: extra = [], netnsPath }: BareOptions = {},
): BareRun {
  mkdirSync(root, { mode: 0o700 });
  const rootfs = path.join(dir, 'rootfs');
  for (const d of ['proc', 'dev', 'sys', 'tmp', 'usr', 'etc', ...extra.map(([, at]) => at)])
    mkdirSync(path.join(rootfs, d), { recursive: true });
  const mounts: Mount[] = [
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/usr', type: 'bind', source: '/usr', options: ['rbind', 'ro', 'nosuid', 'nodev'] },
    { destination: '/etc', type: 'bind', source: '/etc', options: ['rbind', 'ro', 'nosuid', 'nodev'] },
    ...extra.map(([source, destination]) => ({ destination, type: 'bind', source, options: ['rbind', 'ro', 'nosuid', 'nodev'] })),
  ];
  for (const name of ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']) {
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(`/${name}`);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) symlinkSync(readlinkSync(`/${name}`), path.join(rootfs, name));
    else if (st.isDirectory()) {
      mkdirSync(path.join(rootfs, name));
      mounts.push({ destination: `/${name}`, type: 'bind', source: `/${name}`, options: ['rbind', 'ro', 'nosuid', 'nodev'] });
    }
  }
  const binds: [string, string][] = [];
  if (staged) {
    for (const [i, m] of mounts.entries()) {
      if (m.type !== 'bind') continue;
      const at = path.join(dir, 'ro', String(i));
      mkdirSync(at, { recursive: true });
      binds.push([m.source, at]);
      m.source = at;
    }
  }
  const spec = {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: args ?? ['/bin/true'],
      env: [`PATH=${SYSTEM_PATH}`],
      cwd: '/',
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'bare',
    mounts,
    linux: {
      namespaces: ['pid', 'ipc', 'uts', 'mount', 'network'].map((type) =>
        type === 'network' && netnsPath ? { type, path: netnsPath } : { type },
      ),
    },
  };
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify(spec, null, 2));
  return { root, bundle: dir, binds };
}

/** The namespace wrapper the action puts around runsc, by hand: unshare, then `mount --rbind -o ro` each source at its stub. */
function inNamespace(binds: [string, string][], argv: string[]): string[] {
  const script = 'while [ "$1" != -- ]; do mount --rbind -o ro,nosuid,nodev "$1" "$2" || exit 125; shift 2; done; shift; exec "$@"';
  return ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', script, 'sh', ...binds.flat(), '--', ...argv];
}

/** Stops a sandbox of the bench's own, by id, on an interruption. */
export function killSandbox(runsc: string, root: string, id: string): () => void {
  return () => {
    spawnSync(runsc, [`--root=${root}`, 'kill', '--all', id, 'KILL'], { stdio: 'ignore', timeout: 10_000 });
  };
}

let counter = 0;

/** `runsc --platform=systrap --network=none [extraFlags] run` of the minimal bundle. */
export async function runBare(procs: Processes, runsc: string, bare: BareRun, extraFlags: string[] = []): Promise<Timed> {
  const id = `bench-bare-${process.pid}-${++counter}`;
  const r = await procs.run(
    runsc,
    [`--root=${bare.root}`, '--platform=systrap', '--network=none', ...extraFlags, 'run', `--bundle=${bare.bundle}`, id],
    { stop: killSandbox(runsc, bare.root, id) },
  );
  if (r.code !== 0) throw new StepError(`bare runsc run failed (exit ${r.code ?? r.signal}):\n${lastLines(r.stderr)}`);
  return r;
}

/** runBare with `--ignore-cgroups`, in the private mount namespace with the read-only binds the action makes. */
export async function runBareNs(procs: Processes, runsc: string, bareNs: BareRun): Promise<Timed> {
  const id = `bench-barens-${process.pid}-${++counter}`;
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
  const r = await procs.run('unshare', inNamespace(bareNs.binds, argv), { stop: killSandbox(runsc, bareNs.root, id) });
  if (r.code !== 0) throw new StepError(`bare runsc run in a namespace failed (exit ${r.code ?? r.signal}):\n${lastLines(r.stderr)}`);
  return r;
}

export async function runNodeBare(procs: Processes): Promise<Timed> {
  const r = await procs.run(ACTION_NODE, ['-e', '0']);
  if (r.code !== 0) throw new Error(`node -e 0 failed: ${r.stderr}`);
  return r;
}
