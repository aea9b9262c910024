/** The machine the figures were taken on, for the report's header. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { ACTION_NODE } from './constants.js';

export interface Machine {
  cores: number;
  model: string;
  kernel: string;
  /** The version of the Node that runs dist/. */
  node: string;
  /** runsc --version's first line, or why there is none. */
  runsc: string;
  memGiB: number;
}

export function describeMachine(runsc: string | undefined): Machine {
  let cpuinfo = '';
  try {
    cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
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
