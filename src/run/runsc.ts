/**
 * How runsc is invoked — the one place its command line is put together:
 * the global flags (globalFlags), this run's state directory, a wrapper (the
 * private mount namespace), and `sudo -n` unless the action runs as root
 * (hosted runners give passwordless sudo) (runscCommand). Never `--rootless`:
 * it is not a sandbox for untrusted code there.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import type { SandboxShape } from '../bundle/spec.js';

/** gVisor's platforms: systrap (the default, for KVM-less runners), ptrace, kvm. */
export type Platform = 'systrap' | 'ptrace' | 'kvm';

export interface Runsc {
  /** Absolute path of the runsc binary. */
  path: string;
  /** Run through `sudo -n`. */
  sudo: boolean;
  /** The private state directory (`--root`) of this run. */
  root: string;
}

/** The cell-specific global flags: what the bundle says the sandbox must be. */
export function sandboxFlags(shape: SandboxShape): string[] {
  return [
    `--network=${shape.network}`,
    `--overlay2=${shape.overlay}:memory`,
    // The cell is the only user of its mounts while it runs, so gVisor may cache their metadata
    // instead of revalidating it on every access (what that saves: README, Performance). Host-side
    // changes made to a mounted path during the run may then go unseen inside the cell.
    '--file-access-mounts=exclusive',
    // Without resource limits the sandbox's cgroups enforce nothing, and making them costs runsc
    // time (README, Performance). Limits need them, so they are kept whenever one is set.
    ...(shape.cgroups ? [] : ['--ignore-cgroups']),
  ];
}

export interface FlagChoices {
  platform: Platform;
  sandbox: SandboxShape;
  /** runsc's own log (`--log`, JSON), read when runsc fails. */
  log?: string;
  /** runsc's debug logs go here when set. */
  debugDir?: string;
}

/** Every global flag of this run's runsc commands but `--root` (runscCommand adds it). */
export function globalFlags(c: FlagChoices): string[] {
  return [
    `--platform=${c.platform}`,
    // No host Unix sockets: the cell's view must not reach the runner's daemons.
    '--host-uds=none',
    ...sandboxFlags(c.sandbox),
    ...(c.log ? [`--log=${c.log}`, '--log-format=json'] : []),
    ...(c.debugDir ? ['--debug', `--debug-log=${c.debugDir}/`] : []),
  ];
}

export function needsSudo(): boolean {
  return (process.getuid?.() ?? 0) !== 0;
}

/**
 * Wraps runsc's full argv, e.g. to start it in a private mount namespace
 * (readonly.ts); applied inside sudo, so the wrapper runs as root too.
 */
export type Wrap = (argv: string[]) => string[];

/** [command, args] for a runsc invocation with this run's state directory. */
export function runscCommand(r: Runsc, args: string[], wrap?: Wrap): [string, string[]] {
  const plain = [r.path, `--root=${r.root}`, ...args];
  const full = wrap ? wrap(plain) : plain;
  return r.sudo ? ['sudo', ['-n', '--', ...full]] : [full[0] as string, full.slice(1)];
}

/**
 * SIGKILLs a runsc command we started. Through sudo, the signal must come from
 * root too: sudo may run with a real uid of root, which the runner's user
 * cannot signal. (runsc under a killed sudo lives on; callers destroy the
 * sandbox, which finds it by its state directory.)
 */
export function killChild(r: Runsc, child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  if (r.sudo) void killPids(r, [child.pid]);
  else child.kill('SIGKILL');
}

/** SIGKILLs these host pids, through sudo where runsc runs through it; resolves once `kill` is done, never rejects. */
function killPids(r: Runsc, pids: readonly number[]): Promise<void> {
  return new Promise<void>((resolve) => {
    const args = ['-KILL', ...pids.map(String)];
    const [cmd, argv] = r.sudo ? ['sudo', ['-n', 'kill', ...args]] : ['kill', args];
    spawn(cmd, argv, { stdio: 'ignore', timeout: 10_000 })
      .once('close', () => resolve())
      .once('error', () => resolve());
  });
}

export function spawnRunsc(r: Runsc, args: string[], options: SpawnOptions = {}, wrap?: Wrap): ChildProcess {
  const [cmd, argv] = runscCommand(r, args, wrap);
  return spawn(cmd, argv, options);
}

/** Runs a short runsc command (kill, delete) to completion; resolves to its exit code, never rejects. */
export async function runscQuiet(r: Runsc, args: string[], timeoutMs = 10_000, wrap?: Wrap): Promise<number | null> {
  return (await runscWithin(r, args, timeoutMs, wrap)).code;
}

/**
 * runscQuiet, also saying whether the command was killed for taking longer
 * than `timeoutMs` (code null then; also null when it could not be started).
 */
export function runscWithin(r: Runsc, args: string[], timeoutMs: number, wrap?: Wrap): Promise<{ code: number | null; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawnRunsc(r, args, { stdio: 'ignore' }, wrap);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killChild(r, child);
    }, timeoutMs);
    // Also the kill's own failure, after a timeout.
    child.on('error', () => {
      clearTimeout(timer);
      resolve({ code: null, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, timedOut });
    });
  });
}

/**
 * SIGKILLs the container's processes. Fast: `runsc run`, still waiting on the
 * container, then tears the sandbox down and deletes its state itself.
 */
export async function killContainer(r: Runsc, containerId: string): Promise<void> {
  await runscQuiet(r, ['kill', '--all', containerId, 'KILL']);
}

/**
 * Kills and deletes the container when no `runsc run` is left to do it (it was
 * killed with the action). `delete --force` alone can wait seconds for a gofer
 * it cannot reap, hence the kill first.
 */
export async function destroy(r: Runsc, containerId: string): Promise<void> {
  await killContainer(r, containerId);
  await runscQuiet(r, ['delete', '--force', containerId]);
}

/** The container's pids (inside its namespace), from `runsc ps`; undefined when it cannot be asked. */
export function listPids(r: Runsc, containerId: string): Promise<number[] | undefined> {
  return new Promise((resolve) => {
    const child = spawnRunsc(r, ['ps', '--format=json', containerId], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.stdout?.on('data', (c: Buffer) => {
      if (out.length < 1_000_000) out += c.toString();
    });
    child.on('error', () => resolve(undefined));
    child.on('close', (code) => {
      clearTimeout(timer);
      try {
        const pids = JSON.parse(out) as unknown;
        resolve(code === 0 && Array.isArray(pids) && pids.every(Number.isInteger) ? (pids as number[]) : undefined);
      } catch {
        resolve(undefined);
      }
    });
  });
}

/**
 * What `runsc state` says of the container: its status (creating, created,
 * running, paused, stopped), `missing` when runsc says there is no such
 * container, or `unknown` when it could not be asked, answered anything else,
 * or took longer than `timeoutMs` (it waits for the container's lock, which
 * a starting or tearing-down `runsc run` holds).
 */
export function containerStatus(r: Runsc, containerId: string, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve) => {
    const child = spawnRunsc(r, ['state', containerId], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (c: Buffer) => {
      if (out.length < 100_000) out += c.toString();
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let settled = false;
    const settle = (answer: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(answer);
    };
    // Through sudo the kill reaches only sudo, and runsc would hold the pipes: stop waiting for them.
    const timer = setTimeout(() => {
      killChild(r, child);
      child.stdout?.destroy();
      child.stderr?.destroy();
      settle('unknown');
    }, timeoutMs);
    // A probe still out when the step is otherwise done must not hold it open.
    timer.unref();
    child.unref();
    (child.stdout as { unref?: () => void } | null)?.unref?.();
    (child.stderr as { unref?: () => void } | null)?.unref?.();
    child.on('error', () => settle('unknown'));
    child.on('close', (code) => {
      if (code !== 0) return settle(/does not exist|not found/i.test(out) ? 'missing' : 'unknown');
      try {
        const status = (JSON.parse(out) as { status?: unknown }).status;
        settle(typeof status === 'string' ? status : 'unknown');
      } catch {
        settle('unknown');
      }
    });
  });
}

/** Host pids of the processes that belong to this run's sandboxes: runsc, its sandbox and gofer all carry `--root=<state dir>`. */
export function sandboxProcesses(r: Runsc): number[] {
  const needle = Buffer.from(`--root=${r.root}\0`);
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`).includes(needle)) pids.push(Number(entry));
    } catch {
      // Gone already.
    }
  }
  return pids;
}

const GONE_WAIT_MS = 3_000;

/**
 * SIGKILLs every process of this run's sandboxes (runsc, sandbox, gofer),
 * through sudo where runsc ran through it: what stops a runsc that no runsc
 * command can reach (one that never created its container).
 */
export async function killSandboxProcesses(r: Runsc): Promise<void> {
  const left = sandboxProcesses(r);
  if (left.length > 0) await killPids(r, left);
}

/**
 * Makes sure nothing of the sandbox runs any more: waits for its processes
 * to go, SIGKILLs what is left (through sudo where runsc ran through it),
 * and throws if anything survives — callers place files on the host only
 * after this returned.
 */
export async function ensureGone(r: Runsc, containerId: string): Promise<void> {
  const waitGone = async (ms: number) => {
    const until = Date.now() + ms;
    let left = sandboxProcesses(r);
    while (left.length > 0 && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      left = sandboxProcesses(r);
    }
    return left;
  };
  let left = await waitGone(GONE_WAIT_MS);
  if (left.length === 0) return;
  await destroy(r, containerId);
  await killSandboxProcesses(r);
  left = await waitGone(GONE_WAIT_MS);
  if (left.length > 0) throw new Error(`the sandbox ${containerId} could not be stopped: processes ${left.join(', ')} are still running`);
}
