/**
 * How much memory a sandbox is using, read just before a timeout kills it
 * (sandbox.ts), so that a cell that stalled near `limits.memory` can be told
 * apart from one that was merely slow (hints.ts). Two readings, the higher
 * one wins:
 * - gVisor's own accounting (`runsc events --stats`): what the cell's
 *   programs use, against the total memory the sandbox shows them (runsc sets
 *   it to the limit): what a program sizing its heap from it runs into;
 * - the sandbox's cgroup: that, plus gVisor's own overhead (about 10 MiB
 *   here), which is what the kernel enforces the limit on. For a small limit
 *   this one is the closer (a 64Mi cell read 51 MiB by the first, 60 MiB
 *   by the second, and a little more got it killed).
 * Each is skipped when it cannot be had; the whole is bounded by `timeoutMs`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Runsc, sandboxProcesses, spawnRunsc } from './runsc.js';

export async function memoryInUse(r: Runsc, containerId: string, timeoutMs: number): Promise<number | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined[]>((resolve) => {
    timer = setTimeout(() => resolve([]), timeoutMs);
  });
  const readings: (number | undefined)[] = await Promise.race([
    Promise.all([gvisorUsage(r, containerId, timeoutMs), cgroupUsage(r)]),
    late,
  ]);
  clearTimeout(timer);
  const known = readings.filter((n): n is number => n !== undefined);
  return known.length > 0 ? Math.max(...known) : undefined;
}

/** `memory.usage.usage` of `runsc events --stats` (one JSON object), in bytes. */
export function parseEventsUsage(json: string): number | undefined {
  try {
    const usage = (JSON.parse(json) as { data?: { memory?: { usage?: { usage?: unknown } } } }).data?.memory?.usage?.usage;
    return typeof usage === 'number' && usage > 0 ? usage : undefined;
  } catch {
    return undefined;
  }
}

function gvisorUsage(r: Runsc, containerId: string, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const child = spawnRunsc(r, ['events', '--stats', containerId], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout?.on('data', (c: Buffer) => {
      if (out.length < 100_000) out += c.toString();
    });
    child.on('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? parseEventsUsage(out) : undefined);
    });
  });
}

/**
 * The usage of the cgroup the sandbox process (`runsc-sandbox`, carrying this
 * run's `--root`) is in, from /proc/<pid>/cgroup: v1's memory hierarchy when
 * there is one, else v2's unified one. Both files are world-readable, so this
 * needs no sudo.
 */
async function cgroupUsage(r: Runsc): Promise<number | undefined> {
  const pid = sandboxProcesses(r).find((p) => {
    try {
      return path.basename(readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')[0] ?? '') === 'runsc-sandbox';
    } catch {
      return false;
    }
  });
  if (pid === undefined) return undefined;
  try {
    const file = cgroupMemoryFile(readFileSync(`/proc/${pid}/cgroup`, 'utf8'));
    if (file === undefined) return undefined;
    const bytes = Number(readFileSync(file, 'utf8').trim());
    return Number.isFinite(bytes) && bytes > 0 ? bytes : undefined;
  } catch {
    return undefined;
  }
}

/** The file that holds a process's cgroup memory usage, from its /proc/<pid>/cgroup. */
export function cgroupMemoryFile(procCgroup: string, root = '/sys/fs/cgroup'): string | undefined {
  const entries = procCgroup
    .split('\n')
    .map((line) => /^(\d+):([^:]*):(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ controllers: (m[2] as string).split(','), at: m[3] as string }));
  const v1 = entries.find((e) => e.controllers.includes('memory'));
  if (v1) return path.join(root, 'memory', v1.at, 'memory.usage_in_bytes');
  const v2 = entries.find((e) => e.controllers.length === 1 && e.controllers[0] === '');
  return v2 ? path.join(root, v2.at, 'memory.current') : undefined;
}
