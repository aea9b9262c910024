/**
 * How runsc is invoked: directly as root, through `sudo -n` otherwise (hosted
 * runners give passwordless sudo). Never `--rootless`: it is not a sandbox for
 * untrusted code there.
 */
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

export interface Runsc {
  /** Absolute path of the runsc binary. */
  path: string;
  /** Run through `sudo -n`. */
  sudo: boolean;
  /** The private state directory (`--root`) of this run. */
  root: string;
}

export function needsSudo(): boolean {
  return (process.getuid?.() ?? 0) !== 0;
}

/** [command, args] for a runsc invocation with this run's state directory. */
export function runscCommand(r: Runsc, args: string[]): [string, string[]] {
  const full = [`--root=${r.root}`, ...args];
  return r.sudo ? ['sudo', ['-n', '--', r.path, ...full]] : [r.path, full];
}

export function spawnRunsc(r: Runsc, args: string[], options: SpawnOptions = {}): ChildProcess {
  const [cmd, argv] = runscCommand(r, args);
  return spawn(cmd, argv, options);
}

/** Runs a short runsc command (kill, delete) to completion; resolves to its exit code, never rejects. */
export function runscQuiet(r: Runsc, args: string[], timeoutMs = 10_000): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawnRunsc(r, args, { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', () => {
      clearTimeout(timer);
      resolve(null);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
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
