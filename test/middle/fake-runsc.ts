/**
 * A fake runsc (fake-runsc.sh) in a directory of its own, with the pieces
 * runSandbox needs around it: a bundle whose config.json names the cell's
 * argv, a state directory, runsc's log, and a CellOutput that keeps what the
 * cell printed. Everything a test started is killed and removed by cleanup().
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CellOutput } from '../../src/run/output.js';
import { type Runsc, sandboxProcesses } from '../../src/run/runsc.js';
import type { SandboxRun } from '../../src/run/sandbox.js';
import { waitFor } from '../support/procs.js';

const FAKE = fileURLToPath(new URL('./fake-runsc.sh', import.meta.url));

/** How the fake misbehaves (read by fake-runsc.sh on every invocation). Messages are plain text: no quotes. */
export interface FakeControl {
  /** Per subcommand: fail with this exit status (128: runsc's own), a JSON error line in --log, or no log at all; or die by `signal`. */
  fail?: Record<string, { exit?: number; error?: string; noLog?: boolean; stderr?: string; signal?: NodeJS.Signals }>;
  /** `run` and `create`: the container exists (and the cell starts) only after this many seconds. */
  startDelay?: number;
  /** kill and delete succeed and do nothing: a runsc that never winds down. */
  deaf?: boolean;
  /** `run` starts a gofer (a process carrying --root=) that outlives it: only SIGKILL ends it. */
  stuckGofer?: boolean;
  /** `state` answers only after this many seconds (runsc's waits for the container's lock), as one process. */
  stateDelay?: number;
}

export interface Fake {
  dir: string;
  runsc: Runsc;
  bundleDir: string;
  runscLog: string;
  /** One line per runsc invocation: the subcommand and its arguments (global flags left out). */
  calls(): string[];
  control(c: FakeControl): void;
  /** The cell: the argv `runsc run` starts (config.json's process.args). */
  cell(script: string): void;
  /** A file in the fake's directory. */
  file(name: string): string;
  /** A SandboxRun for this fake, with an output that keeps everything. */
  sandboxRun(overrides?: Partial<SandboxRun>): SandboxRun;
  output(): CellOutput;
  cleanup(): void;
}

export function makeFake(): Fake {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gvc-fake-runsc-'));
  const wrapper = path.join(dir, 'runsc');
  copyFileSync(FAKE, wrapper);
  chmodSync(wrapper, 0o755);
  const writeControl = (c: FakeControl) => writeFileSync(path.join(dir, 'control'), controlScript(c));
  writeControl({});
  // What the sandbox's helper processes block on (fake-runsc.sh).
  execFileSync('mkfifo', [path.join(dir, 'fifo')]);
  const root = path.join(dir, 'state');
  mkdirSync(root, { mode: 0o700 });
  const bundleDir = path.join(dir, 'bundle');
  mkdirSync(bundleDir);
  const runscLog = path.join(dir, 'runsc.log');
  const runsc: Runsc = { path: wrapper, sudo: false, root };
  const outputs: CellOutput[] = [];
  let seq = 0;
  const output = () => {
    const out = new CellOutput(path.join(dir, `cell-${seq++}.log`), 1 << 20, { write: () => {} }, false);
    outputs.push(out);
    return out;
  };
  const file = (name: string) => path.join(dir, name);
  return {
    dir,
    runsc,
    bundleDir,
    runscLog,
    file,
    calls: () => (existsSync(file('calls')) ? readFileSync(file('calls'), 'utf8').trimEnd().split('\n') : []),
    control: writeControl,
    cell: (script) =>
      writeFileSync(path.join(bundleDir, 'config.json'), JSON.stringify({ process: { args: ['sh', '-c', script], cwd: dir } })),
    output,
    sandboxRun: (overrides = {}) => ({
      runsc,
      containerId: 'cell-1',
      bundleDir,
      flags: ['--platform=systrap', `--log=${runscLog}`, '--log-format=json'],
      platform: 'systrap',
      runscLog,
      timeoutMs: undefined,
      output: output(),
      signal: new AbortController().signal,
      ...overrides,
    }),
    cleanup: () => {
      // What a test left running: the fake's own processes, the cells' process groups, pids the cells wrote down.
      for (const pid of sandboxProcesses(runsc)) kill(pid);
      for (const id of existsSync(root) ? readdirSync(root) : []) {
        const groups = path.join(root, id, 'groups');
        for (const g of existsSync(groups) ? readdirSync(groups) : []) kill(-Number(g));
      }
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.pid'))) kill(Number(readFileSync(file(name), 'utf8')));
      for (const out of outputs) out.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `control` for the fake: shell assignments it sources. */
function controlScript(c: FakeControl): string {
  const q = (v: string | number | boolean) => `'${String(v).replaceAll("'", `'\\''`)}'`;
  const lines = [`node=${q(process.execPath)}`];
  for (const [command, how] of Object.entries(c.fail ?? {})) {
    for (const [key, value] of Object.entries(how)) {
      if (value !== undefined && value !== false) lines.push(`fail_${command}_${key.toLowerCase()}=${q(value)}`);
    }
  }
  if (c.startDelay !== undefined) lines.push(`start_delay=${q(c.startDelay)}`);
  if (c.deaf) lines.push('deaf=1');
  if (c.stuckGofer) lines.push('stuck_gofer=1');
  if (c.stateDelay !== undefined) lines.push(`state_delay=${q(c.stateDelay)}`);
  return `${lines.join('\n')}\n`;
}

function kill(pid: number): void {
  if (!Number.isInteger(pid) || pid === 0) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Gone already.
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie (exited, not yet reaped by its parent) counts as gone.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The pid a cell wrote to `name` in the fake's directory, once it is there. */
export async function pidFrom(fake: Fake, name: string, ms = 5_000): Promise<number> {
  const until = Date.now() + ms;
  for (;;) {
    const text = existsSync(fake.file(name)) ? readFileSync(fake.file(name), 'utf8').trim() : '';
    if (text) return Number(text);
    if (Date.now() > until) throw new Error(`no pid in ${name} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Whether `pid` is gone within 2 s. The fake's cell processes are host
 * processes without `--root=` in their command line (in runsc they live in the
 * Sentry, gone with the sandbox), so ensureGone does not wait for them: a
 * SIGKILLed one may still be exiting when runSandbox returns.
 */
export function gone(pid: number): Promise<boolean> {
  return waitFor(() => !alive(pid), 2_000);
}
