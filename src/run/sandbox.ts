/**
 * One `runsc run` of a prepared bundle: stream its output, enforce the
 * timeout, stop it on cancellation, and tell a failed cell apart from a runsc
 * that never got the cell going.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { CellOutput } from './output.js';
import { destroy, killContainer, type Runsc, runscQuiet, spawnRunsc } from './runsc.js';

export interface SandboxRun {
  runsc: Runsc;
  containerId: string;
  bundleDir: string;
  /** Global runsc flags (platform, network, overlay, logging). */
  flags: string[];
  /** runsc's own log (`--log`), read when runsc fails. */
  runscLog: string;
  timeoutMs: number | undefined;
  output: CellOutput;
  /** Aborted when the job is cancelled. */
  signal: AbortSignal;
  /**
   * Runs once, as soon as the sandbox is on its way (right after `runsc run`
   * is spawned); the cell's output is read only once it has resolved, and if
   * it throws, the sandbox is stopped and the error rethrown. The action
   * loads @actions/core here, while runsc boots, instead of before it.
   */
  started?: () => Promise<void>;
  /**
   * With `collect`: the cell runs through `runsc exec` (process.json) in a
   * container whose init waits, so that the listed paths can be read out with
   * tar (tar.json) before the sandbox goes.
   */
  collect?: { processFile: string; tarFile: string; pidFile: string; into: (tar: ChildProcess) => Promise<void> };
}

export interface SandboxResult {
  /** The cell's exit status (128+N for signal N); undefined when the cell never ran. */
  exitCode: number | undefined;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** Set when runsc itself failed. */
  runscError: RunscError | undefined;
}

export interface RunscError {
  message: string;
  /** runsc (or sudo) never ran at all, as opposed to runsc failing to start the sandbox. */
  neverStarted: boolean;
}

/** runsc exits 128 when it fails itself, the same status as a cell that exits 128. */
const RUNSC_FAILURE = 128;
/** After a kill, how long to wait for `runsc run` to return before force-deleting (and again after). */
const KILL_GRACE_MS = 3_000;
/** How often the kill is repeated while `runsc run` has not returned. */
const KILL_RETRY_MS = 500;

/** A pause that does not keep the process alive on its own (the step must exit as soon as it is done). */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

export async function runSandbox(run: SandboxRun): Promise<SandboxResult> {
  if (!run.collect) {
    return watch(run, ['run', `--bundle=${run.bundleDir}`, run.containerId], () => killContainer(run.runsc, run.containerId), run.started);
  }
  const { processFile, tarFile, pidFile, into } = run.collect;
  const started = Date.now();
  // Several runsc commands in a row: the hook runs before the first (collecting is never the fast path).
  await run.started?.();
  try {
    for (const step of [
      ['create', `--bundle=${run.bundleDir}`, run.containerId],
      ['start', run.containerId],
    ]) {
      const code = await runscQuiet(run.runsc, [...run.flags, ...step], 60_000);
      if (code !== 0) {
        const failure = runscFailure(run, code ?? RUNSC_FAILURE) ?? {
          message: `runsc ${step[0]} failed (exit ${code})`,
          neverStarted: true,
        };
        return { exitCode: undefined, timedOut: false, cancelled: false, durationMs: Date.now() - started, runscError: failure };
      }
    }
    // On a timeout only the cell's process is killed: the container stays up for the collection.
    const killCell = async (reason: 'timeout' | 'cancel') => {
      const pid = reason === 'timeout' ? readPid(pidFile) : 0;
      if (pid > 0) await runscQuiet(run.runsc, ['kill', `--pid=${pid}`, run.containerId, 'KILL']);
      else await killContainer(run.runsc, run.containerId);
    };
    const result = await watch(run, ['exec', `--process=${processFile}`, `--internal-pid-file=${pidFile}`, run.containerId], killCell);
    if (!result.cancelled && !result.runscError) {
      const tar = spawnRunsc(run.runsc, ['exec', `--process=${tarFile}`, run.containerId], { stdio: ['ignore', 'pipe', 'pipe'] });
      await into(tar);
    }
    return { ...result, durationMs: Date.now() - started };
  } finally {
    await destroy(run.runsc, run.containerId);
  }
}

/**
 * Runs one runsc command that carries the cell's process: streams it, enforces
 * the timeout, stops it on cancellation. `spawned` runs right after the spawn,
 * with the output held in the pipes until it is done.
 */
async function watch(
  run: SandboxRun,
  command: string[],
  kill: (reason: 'timeout' | 'cancel') => Promise<void>,
  spawned?: () => Promise<void>,
): Promise<SandboxResult> {
  const started = Date.now();
  let timedOut = false;
  let cancelled = false;

  const child = spawnRunsc(run.runsc, [...run.flags, ...command], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  type Exit = { code: number | null; signal: NodeJS.Signals | null; error?: Error };
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const closed = new Promise<Exit>((resolve) => {
    child.once('error', (e) => resolve({ code: null, signal: null, error: e }));
    child.once('close', (c, s) => resolve({ code: c, signal: s }));
  });

  // Stopping, through runsc: with sudo, a signal to our child would only reach sudo.
  // The kill is repeated, since one sent before `runsc run` has created the container
  // fails; when `runsc run` does not wind down, the container is force-deleted and,
  // at worst, the step stops waiting for it rather than hanging the job.
  let gaveUp: (exit: Exit) => void = () => {};
  const abandoned = new Promise<Exit>((resolve) => {
    gaveUp = resolve;
  });
  let stopping: Promise<void> | undefined;
  const stop = (reason: 'timeout' | 'cancel') => {
    stopping ??= (async () => {
      const deadline = Date.now() + KILL_GRACE_MS;
      while (!exited && Date.now() < deadline) {
        await kill(reason);
        await Promise.race([closed, sleep(KILL_RETRY_MS)]);
      }
      if (exited) return;
      await destroy(run.runsc, run.containerId);
      child.kill('SIGKILL');
      await Promise.race([closed, sleep(KILL_GRACE_MS)]);
      if (!exited) gaveUp({ code: null, signal: 'SIGKILL' });
    })();
  };
  const timer =
    run.timeoutMs !== undefined
      ? setTimeout(() => {
          // A cell that finished just as the limit struck did not time out.
          if (exited) return;
          timedOut = true;
          stop('timeout');
        }, run.timeoutMs)
      : undefined;
  const onAbort = () => {
    cancelled = true;
    stop('cancel');
  };
  run.signal.addEventListener('abort', onAbort, { once: true });
  if (run.signal.aborted) onAbort();

  // Until the output is read, the pipes hold it (the cell blocks once they are full).
  let hookError: { error: unknown } | undefined;
  if (spawned) {
    try {
      await spawned();
    } catch (error) {
      hookError = { error };
      stop('cancel');
    }
  }
  child.stdout?.on('data', (chunk: Buffer) => run.output.push('stdout', chunk));
  child.stderr?.on('data', (chunk: Buffer) => run.output.push('stderr', chunk));

  const { code, signal, error } = await Promise.race([closed, abandoned]);
  if (timer) clearTimeout(timer);
  run.signal.removeEventListener('abort', onAbort);
  await stopping;
  if (hookError) throw hookError.error;
  const durationMs = Date.now() - started;

  if (error) {
    const message = `could not start ${run.runsc.sudo ? 'sudo' : run.runsc.path}: ${error.message}`;
    return { exitCode: undefined, timedOut, cancelled, durationMs, runscError: { message, neverStarted: true } };
  }
  const exitCode = code ?? 128 + signalNumber(signal);
  const runscError = exitCode !== 0 && !timedOut && !cancelled ? runscFailure(run, exitCode) : undefined;
  return { exitCode: runscError ? undefined : exitCode, timedOut, cancelled, durationMs, runscError };
}

/**
 * Decides whether a non-zero status came from runsc rather than the cell.
 * runsc writes its fatal errors to `--log`; a cell that merely exits 128 leaves
 * that log without an error. No log at all means runsc never started (sudo refused).
 */
function runscFailure(run: SandboxRun, exitCode: number): RunscError | undefined {
  let log: string;
  try {
    log = readFileSync(run.runscLog, 'utf8');
  } catch {
    const message = run.runsc.sudo
      ? `runsc never started: running it needs root or passwordless sudo, and \`sudo -n\` failed (exit ${exitCode}; its message is in the output above). Run the job as root, or give the runner's user passwordless sudo.`
      : `runsc never started (exit ${exitCode}); see the output above`;
    return { message, neverStarted: true };
  }
  if (exitCode !== RUNSC_FAILURE) return undefined;
  const errors = log
    .split('\n')
    .map(parseLogLine)
    .filter((e): e is { level: string; msg: string } => e !== undefined && (e.level === 'error' || e.level === 'fatal'));
  if (errors.length === 0) return undefined;
  const message = errors
    .slice(-10)
    .map((e) => e.msg)
    .join('\n');
  return { message, neverStarted: false };
}

function parseLogLine(line: string): { level: string; msg: string } | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const entry = JSON.parse(line) as { level?: unknown; msg?: unknown };
    return typeof entry.level === 'string' && typeof entry.msg === 'string' ? { level: entry.level, msg: entry.msg } : undefined;
  } catch {
    return undefined;
  }
}

/** The cell's pid, as `runsc exec --internal-pid-file` wrote it; 0 when there is none yet. */
function readPid(file: string): number {
  try {
    return Number(readFileSync(file, 'utf8')) || 0;
  } catch {
    return 0;
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? (os.constants.signals[signal] ?? 0) : 0;
}
