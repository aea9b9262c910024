/**
 * One sandbox of a prepared bundle: stream its output, enforce the timeout,
 * stop it on cancellation, and tell a failed cell apart from a runsc that
 * never got the cell going. Whatever the cell's processes do, a timeout or a
 * cancel ends with the whole sandbox destroyed within seconds, and draining
 * the output after the cell's process has exited is bounded in time.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { formatDuration } from '../cell/units.js';
import { removeLeftCgroups } from './cgroups.js';
import type { CellOutput } from './output.js';
import { SETUP_FAILED } from './readonly.js';
import {
  containerStatus,
  destroy,
  ensureGone,
  killChild,
  killContainer,
  killSandboxProcesses,
  listPids,
  type Platform,
  type Runsc,
  runscQuiet,
  runscWithin,
  spawnRunsc,
  type Wrap,
} from './runsc.js';

export interface SandboxRun {
  runsc: Runsc;
  containerId: string;
  bundleDir: string;
  /** Global runsc flags (platform, network, overlay, logging). */
  flags: string[];
  /** The platform those flags name: said when the sandbox does not start. */
  platform: Platform;
  /** How long runsc may take to get the cell going (START_LIMIT_MS unless a test shortens it). */
  startLimitMs?: number;
  /** runsc's own log (`--log`), read when runsc fails. */
  runscLog: string;
  timeoutMs: number | undefined;
  /** Whether runsc makes cgroups for the sandbox (a cell with limits): those a killed runsc leaves are removed (cgroups.ts). */
  cgroups?: boolean;
  /** limits.memory: when set, the sandbox's memory use is read as the timeout strikes, before the kill (memory.ts). */
  memoryLimit?: number;
  output: CellOutput;
  /** Aborted when the job is cancelled. */
  signal: AbortSignal;
  /** Wraps the runsc command that creates the sandbox (its private mount namespace: readonly.ts). */
  wrap?: Wrap;
  /**
   * With \`collect\`: how \`runsc start\` is wrapped, where that differs from
   * \`create\` (the cell's own network is set up by start: see readonly.ts,
   * NET_SYSCTLS).
   */
  wrapStart?: Wrap;
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
   * tar (tar.json) once every process of the cell is stopped. `receive` reads
   * that stream; it must stop when its signal aborts. The sandbox is
   * destroyed before runSandbox returns, so nothing of the cell runs while
   * what was received is placed on the host.
   */
  collect?: {
    processFile: string;
    tarFile: string;
    pidFile: string;
    receive: (tar: ChildProcess, signal: AbortSignal) => Promise<void>;
    /** How long reading the paths out may take at most. */
    deadlineMs: number;
  };
}

export interface SandboxResult {
  /** The cell's exit status (128+N for signal N); undefined when the cell never ran. */
  exitCode: number | undefined;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** Set when runsc itself failed. */
  runscError: RunscError | undefined;
  /** With `collect`: why nothing was received, when receiving failed. */
  collectError?: string;
  /** Bytes the sandbox was using when the timeout struck; only with `memoryLimit`, when it could be read. */
  memoryAtTimeout?: number;
  /** The sandbox's cgroups that could not be removed after its processes were killed (cgroups.ts); said as a warning. */
  leftCgroups?: string[];
}

export interface RunscError {
  message: string;
  /** runsc (or sudo) never ran at all, as opposed to runsc failing to start the sandbox. */
  neverStarted: boolean;
}

/**
 * How long runsc may take to get the cell going before the start is called
 * stalled and everything of it killed. runsc hangs, rather than fails, where
 * /dev/kvm exists but KVM does not work (nested virtualisation, as on this
 * project's own VMs); on systrap a sandbox starts in well under a second, and
 * a loaded runner with a large image may take a few.
 */
export const START_LIMIT_MS = 30_000;
/** How long to wait before asking `runsc state` again after it could not answer. */
const UNKNOWN_RETRY_MS = 2_000;
/** What `runsc state` says of a container that has not been started (containerStatus); any other answer is not taken for a stall. */
const NOT_STARTED = new Set(['missing', 'creating', 'created']);
/** Between the two answers that make a stall: a cell that ended just then is gone from runsc's state a little before `runsc run` returns. */
const SECOND_LOOK_MS = 2_000;
/** When the timeout strikes (on kvm), how long `runsc state` may take to say whether the cell started (the kill waits for it). */
const TIMEOUT_LOOK_MS = 1_000;
/** Between those looks: the most a sandbox that starts just then runs past its timeout, beyond one answer. */
const LOOK_EVERY_MS = 150;
/** After the last look said "not started": long enough for a `runsc run` whose cell just ended to return (10–20 ms here). */
const ENDED_GRACE_MS = 250;

/** runsc exits 128 when it fails itself, the same status as a cell that exits 128. */
const RUNSC_FAILURE = 128;
/** After a kill, how long to wait for the runsc command to return before destroying the sandbox (and again after). */
const KILL_GRACE_MS = 3_000;
/** How often the kill is repeated while the runsc command has not returned. */
const KILL_RETRY_MS = 500;
/**
 * Once the cell's process has exited, how long its output may still flow.
 * Another process of the cell can hold the pipes open forever; it is killed
 * with the sandbox, and this bounds the wait for it.
 */
const DRAIN_MS = 2_000;
/**
 * How long reading the sandbox's memory use may hold up the kill on a
 * timeout (`runsc events` answers in about 30 ms here; one that hangs must
 * not keep the cell running).
 */
const MEMORY_PROBE_MS = 1_000;
/** How long stopping what the cell left running before collecting may take (a process may fork while it is stopped). */
const STOP_ALL_MS = 10_000;

/** A pause that does not keep the process alive on its own (the step must exit as soon as it is done). */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

export async function runSandbox(run: SandboxRun): Promise<SandboxResult> {
  if (!run.collect) {
    let result: SandboxResult;
    try {
      result = await watch(run, ['run', `--bundle=${run.bundleDir}`, run.containerId], () => killContainer(run.runsc, run.containerId), {
        spawned: run.started,
        wrap: run.wrap,
        watchStart: true,
      });
    } catch (error) {
      // The start hook failed (the runsc just downloaded failed its proof, say) and the sandbox was
      // stopped through runsc: whatever of it a failing runsc could not stop is killed by its state
      // directory, and nothing of it outlives the error. If something does, both are said, the cause first.
      try {
        await ensureGone(run.runsc, run.containerId);
      } catch (stuck) {
        throw new Error(`${error instanceof Error ? error.message : String(error)}; then ${(stuck as Error).message}`);
      }
      // What is left is not said: the error is.
      await removeCgroups(run);
      throw error;
    }
    // `runsc run` deletes its sandbox when it returns; one that was stopped, or never started, may not have.
    if (result.timedOut || result.cancelled || result.runscError) {
      await ensureGone(run.runsc, run.containerId);
      return { ...result, leftCgroups: await removeCgroups(run) };
    }
    return result;
  }
  const started = Date.now();
  // Several runsc commands in a row: the hook runs before the first, and before anything of the
  // sandbox exists (collecting is never the fast path).
  await run.started?.();
  let result: SandboxResult | undefined;
  try {
    result = await runCollecting(run, run.collect, started);
  } finally {
    await destroy(run.runsc, run.containerId);
    // Nothing is placed on the host while a process of the cell could still run: fail closed.
    await ensureGone(run.runsc, run.containerId);
    if (!result) await removeCgroups(run);
  }
  return { ...result, leftCgroups: await removeCgroups(run) };
}

/** The cell through `runsc create`, `start` and `exec`, then what it made read out (see SandboxRun.collect); the caller destroys the sandbox. */
async function runCollecting(run: SandboxRun, collect: NonNullable<SandboxRun['collect']>, started: number): Promise<SandboxResult> {
  const { processFile, pidFile } = collect;
  for (const [i, step] of [
    ['create', `--bundle=${run.bundleDir}`, run.containerId],
    ['start', run.containerId],
  ].entries()) {
    if (run.signal.aborted) return stopped(started, { cancelled: true });
    // A stalled start hangs in one of these two: each gets the limit `runsc run` gets.
    const { code, timedOut } = await runscWithin(
      run.runsc,
      [...run.flags, ...step],
      run.startLimitMs ?? START_LIMIT_MS,
      i === 0 ? run.wrap : run.wrapStart,
    );
    if (code !== 0) {
      const failure = (timedOut ? stalledStart(run) : runscFailure(run, code ?? RUNSC_FAILURE)) ?? {
        message: `runsc ${step[0]} failed (exit ${code})`,
        neverStarted: true,
      };
      return { ...stopped(started, {}), runscError: failure };
    }
  }
  // On a timeout only the cell's process is killed here; the rest of the cell goes before collecting.
  const killCell = async (reason: 'timeout' | 'cancel') => {
    const pid = reason === 'timeout' ? readPid(pidFile) : 0;
    if (pid > 0) await runscQuiet(run.runsc, ['kill', `--pid=${pid}`, run.containerId, 'KILL']);
    else await destroy(run.runsc, run.containerId);
  };
  const result = await watch(run, ['exec', `--process=${processFile}`, `--internal-pid-file=${pidFile}`, run.containerId], killCell, {});
  if (result.cancelled || result.runscError || run.signal.aborted) {
    return { ...result, cancelled: result.cancelled || run.signal.aborted, durationMs: Date.now() - started };
  }
  const collectError = await collectFrom(run, collect);
  return { ...result, cancelled: run.signal.aborted, durationMs: Date.now() - started, collectError };
}

/**
 * Once nothing of the sandbox runs: the cgroups runsc could not remove
 * because it was killed (cgroups.ts). Returns those still there.
 */
async function removeCgroups(run: SandboxRun): Promise<string[] | undefined> {
  if (!run.cgroups) return undefined;
  const left = await removeLeftCgroups(run.runsc, run.containerId);
  return left.length > 0 ? left : undefined;
}

function stopped(started: number, how: { cancelled?: boolean }): SandboxResult {
  return {
    exitCode: undefined,
    timedOut: false,
    cancelled: how.cancelled ?? false,
    durationMs: Date.now() - started,
    runscError: undefined,
  };
}

/**
 * Stops every process the cell left behind, so that nothing of it can change,
 * stop or slow what is read out, then streams the listed paths out with tar,
 * within the deadline, stopping at once on cancellation. Returns why it
 * failed, if it did.
 */
async function collectFrom(run: SandboxRun, collect: NonNullable<SandboxRun['collect']>): Promise<string | undefined> {
  const { tarFile, receive, deadlineMs } = collect;
  // One command stops every process of the container (SIGSTOP cannot be caught or ignored); a
  // process forked while that signal went round shows up as a new pid, so the stop is repeated until
  // two lists agree. Stopped, nothing of the cell can change, stop or slow what tar reads out, and
  // the sandbox is destroyed right after. (One `runsc kill --pid` per process would let a cell that
  // leaves thousands behind stretch the step by minutes.)
  const until = Date.now() + STOP_ALL_MS;
  let before: string | undefined;
  for (;;) {
    if (run.signal.aborted) return 'collect: cancelled; nothing was collected';
    if (Date.now() > until) return 'collect: the cell’s processes could not all be stopped; nothing was collected';
    await runscQuiet(run.runsc, ['kill', '--all', run.containerId, 'STOP']);
    const pids = await listPids(run.runsc, run.containerId);
    if (pids === undefined) return 'collect: the sandbox could not be inspected; nothing was collected';
    const now = [...pids].sort((x, y) => x - y).join(',');
    if (now === before) break;
    before = now;
  }
  const stop = new AbortController();
  const onAbort = () => stop.abort(new Error('cancelled'));
  run.signal.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(() => stop.abort(new Error('deadline')), deadlineMs);
  const tar = spawnRunsc(run.runsc, ['exec', `--process=${tarFile}`, run.containerId], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Stopping the reading means destroying the sandbox: with sudo, tar's runsc cannot be signalled directly.
  stop.signal.addEventListener('abort', () => void destroy(run.runsc, run.containerId), { once: true });
  try {
    await receive(tar, stop.signal);
    return undefined;
  } catch (error) {
    if (run.signal.aborted) return 'collect: cancelled; nothing was collected';
    if (stop.signal.aborted)
      return `collect: reading the paths out took longer than ${Math.round(deadlineMs / 1000)} s; nothing was collected`;
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
    run.signal.removeEventListener('abort', onAbort);
  }
}

/**
 * The error of a sandbox that did not start within its limit (or, `timeoutMs`,
 * within the cell's timeout, which came first), and what to do about it.
 */
function stalledStart(run: SandboxRun, timeoutMs?: number): RunscError {
  const limit =
    timeoutMs !== undefined ? `${formatDuration(timeoutMs)}, the cell's timeout,` : `${(run.startLimitMs ?? START_LIMIT_MS) / 1000} s`;
  const head = `runsc did not start the sandbox within ${limit} on platform ${run.platform}, and was stopped`;
  const advice =
    run.platform === 'kvm'
      ? '/dev/kvm is there, but KVM does not work on this host (nested virtualisation often does not): use platform: systrap, the default.'
      : 'Re-run with debug logging (RUNNER_DEBUG=1) to keep runsc’s own logs (output debug-log-dir), which show where it stopped.';
  // runsc did run (neverStarted is for a runsc or sudo that never did): on systrap the ptrace hint applies.
  return { message: `${head}. ${advice}`, neverStarted: false };
}

interface WatchOptions {
  /** Runs right after the spawn, with the output held in the pipes until it is done. */
  spawned?: () => Promise<void>;
  wrap?: Wrap;
  /** The command creates the sandbox: kill it if the container is not running within the start limit. */
  watchStart?: boolean;
}

/**
 * Runs one runsc command that carries the cell's process: streams it, enforces
 * the timeout and the start limit, stops it on cancellation.
 */
async function watch(
  run: SandboxRun,
  command: string[],
  kill: (reason: 'timeout' | 'cancel') => Promise<void>,
  { spawned, wrap, watchStart }: WatchOptions,
): Promise<SandboxResult> {
  const started = Date.now();
  let timedOut = false;
  let cancelled = false;
  let stalled = false;
  /** The cell has printed to stdout (runsc itself never does): it started, whatever `runsc state` says. */
  let printed = false;

  const child = spawnRunsc(run.runsc, [...run.flags, ...command], { stdio: ['ignore', 'pipe', 'pipe'] }, wrap);

  type Exit = { code: number | null; signal: NodeJS.Signals | null; error?: Error };
  // `exited`: the runsc command returned. `finished`: and its output is drained, or no longer waited for.
  let exited = false;
  let finished = false;
  const closed = new Promise<Exit>((resolve) => {
    child.once('error', (e) => resolve({ code: null, signal: null, error: e }));
    child.once('close', (c, s) => resolve({ code: c, signal: s }));
    child.once('exit', (c, s) => {
      exited = true;
      setTimeout(() => {
        // Something of the cell still holds the pipes: stop reading them (the sandbox is destroyed after).
        child.stdout?.destroy();
        child.stderr?.destroy();
        resolve({ code: c, signal: s });
      }, DRAIN_MS).unref();
    });
  }).then((exit) => {
    finished = true;
    return exit;
  });

  // Stopping, through runsc: with sudo, a signal to our child would only reach sudo.
  // The kill is repeated, since one sent before the sandbox exists fails; when the
  // command does not wind down, the sandbox is destroyed and, at worst, the step
  // stops waiting for it rather than hanging the job.
  let gaveUp: (exit: Exit) => void = () => {};
  const abandoned = new Promise<Exit>((resolve) => {
    gaveUp = resolve;
  });
  let stopping: Promise<void> | undefined;
  let memoryAtTimeout: number | undefined;
  const stop = (reason: 'timeout' | 'cancel' | 'stalled') => {
    stopping ??= (async () => {
      if (reason === 'stalled') {
        // No container to address: its processes are killed by the state directory they carry.
        await killSandboxProcesses(run.runsc);
        await Promise.race([closed, sleep(KILL_GRACE_MS)]);
        if (!finished) gaveUp({ code: null, signal: 'SIGKILL' });
        return;
      }
      // Only on a timeout under limits.memory, and before the kill frees the memory.
      // A diagnostic: whatever goes wrong with it, the kill below still runs.
      if (reason === 'timeout' && run.memoryLimit !== undefined) {
        try {
          const { memoryInUse } = await import('./memory.js');
          memoryAtTimeout = await memoryInUse(run.runsc, run.containerId, MEMORY_PROBE_MS);
        } catch {
          memoryAtTimeout = undefined;
        }
      }
      const deadline = Date.now() + KILL_GRACE_MS;
      while (!finished && Date.now() < deadline) {
        await kill(reason);
        await Promise.race([closed, sleep(KILL_RETRY_MS)]);
      }
      if (finished) return;
      await destroy(run.runsc, run.containerId);
      killChild(run.runsc, child);
      await Promise.race([closed, sleep(KILL_GRACE_MS)]);
      if (!finished) gaveUp({ code: null, signal: 'SIGKILL' });
    })();
  };
  /**
   * On kvm, when the timeout strikes before the cell has printed: whether runsc says, over
   * SECOND_LOOK_MS and at every look (LOOK_EVERY_MS apart), that the container never started (a
   * hanging /dev/kvm under a timeout shorter than the start limit). One answer is not enough: a
   * cell that has just ended is gone from runsc's state a little before `runsc run` returns. Any
   * other answer, none within TIMEOUT_LOOK_MS, or the cell printing, ends the look at once: a
   * sandbox that starts late is killed within a look of it.
   */
  const neverStarted = async (): Promise<boolean> => {
    const until = Date.now() + SECOND_LOOK_MS;
    for (let looks = 1; ; looks++) {
      if (exited || printed || stopping) return false;
      if (!NOT_STARTED.has(await containerStatus(run.runsc, run.containerId, TIMEOUT_LOOK_MS))) return false;
      if (looks >= 2 && Date.now() >= until) {
        // The last "missing" may be a cell that ended just then: `runsc run` returns within ENDED_GRACE_MS.
        await sleep(ENDED_GRACE_MS);
        return !exited && !printed && !stopping;
      }
      await sleep(LOOK_EVERY_MS);
    }
  };
  /** Set when the timeout found a sandbox that never started: the stall is reported at that limit. */
  let stalledAfterMs: number | undefined;
  /** The timeout's handling, while it looks: awaited before the result is made. */
  let looking: Promise<void> | undefined;
  const timer =
    run.timeoutMs !== undefined
      ? setTimeout(() => {
          // A cell that finished just as the limit struck did not time out.
          if (exited) return;
          if (!(watchStart && run.platform === 'kvm' && !printed)) {
            timedOut = true;
            stop('timeout');
            return;
          }
          looking = (async () => {
            // The step waits for the look (below), but its pauses and probes do not hold the process
            // (sleep, containerStatus): once the cell has exited, nothing else may.
            const hold = setInterval(() => {}, 1_000);
            try {
              if (await neverStarted()) {
                stalled = true;
                stalledAfterMs = run.timeoutMs;
                stop('stalled');
                return;
              }
              // The limit struck before the cell ended: a timeout, even if it ended during the look.
              timedOut = true;
              stop('timeout');
            } finally {
              clearInterval(hold);
            }
          })();
        }, run.timeoutMs)
      : undefined;
  // When the limit strikes, runsc is asked, unless the cell has printed to stdout. Not
  // started is a clear answer, given twice SECOND_LOOK_MS apart: no such container yet, or one
  // still being created. Any other answer, or none (its state lock held, a slow sudo), is asked
  // again, and taken for a stall only once that has lasted another start limit.
  const limit = run.startLimitMs ?? START_LIMIT_MS;
  const startTimer = watchStart
    ? setTimeout(async () => {
        const giveUpAt = Date.now() + limit;
        let notStarted = 0;
        for (;;) {
          if (exited || stopping || printed) return;
          const status = await containerStatus(run.runsc, run.containerId);
          if (exited || stopping || printed || status === 'running' || status === 'paused' || status === 'stopped') return;
          if (!NOT_STARTED.has(status)) {
            notStarted = 0;
            if (Date.now() >= giveUpAt) break;
            await sleep(UNKNOWN_RETRY_MS);
          } else if (++notStarted >= 2) break;
          else await sleep(SECOND_LOOK_MS);
        }
        stalled = true;
        stop('stalled');
      }, limit)
    : undefined;
  startTimer?.unref();
  const onAbort = () => {
    cancelled = true;
    stop('cancel');
  };
  run.signal.addEventListener('abort', onAbort, { once: true });
  if (run.signal.aborted) onAbort();

  // Until the output is read, the pipes hold it (the cell blocks once they are full). A 'readable'
  // listener keeps the streams paused meanwhile: without one, Node resumes a child's unread output
  // when the child exits, and discards it — the message of a runsc (or sudo) that fails fast.
  const hold = () => {};
  child.stdout?.on('readable', hold);
  child.stderr?.on('readable', hold);
  let hookError: { error: unknown } | undefined;
  if (spawned) {
    try {
      await spawned();
    } catch (error) {
      hookError = { error };
      stop('cancel');
    }
  }
  child.stdout?.on('data', (chunk: Buffer) => {
    printed = true;
    run.output.push('stdout', chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => run.output.push('stderr', chunk));
  child.stdout?.removeListener('readable', hold);
  child.stderr?.removeListener('readable', hold);

  const { code, signal, error } = await Promise.race([closed, abandoned]);
  // Whatever still arrives (runsc abandoned, say) must not reach an output that is about to close.
  for (const stream of [child.stdout, child.stderr]) {
    stream?.removeAllListeners('data');
    stream?.destroy();
  }
  if (timer) clearTimeout(timer);
  // A cell that ended while the timeout looked still timed out; the look ends at its next check.
  await looking;
  if (startTimer) clearTimeout(startTimer);
  run.signal.removeEventListener('abort', onAbort);
  await stopping;
  if (hookError) throw hookError.error;
  const durationMs = Date.now() - started;
  if (stalled) return { exitCode: undefined, timedOut: false, cancelled, durationMs, runscError: stalledStart(run, stalledAfterMs) };

  if (error) {
    const message = `could not start ${run.runsc.sudo ? 'sudo' : run.runsc.path}: ${error.message}`;
    return { exitCode: undefined, timedOut, cancelled, durationMs, runscError: { message, neverStarted: true } };
  }
  const exitCode = code ?? 128 + signalNumber(signal);
  const runscError = exitCode !== 0 && !timedOut && !cancelled ? runscFailure(run, exitCode) : undefined;
  return {
    exitCode: runscError ? undefined : exitCode,
    timedOut,
    cancelled,
    durationMs,
    runscError,
    ...(memoryAtTimeout !== undefined ? { memoryAtTimeout } : {}),
  };
}

/**
 * Decides whether a non-zero status came from runsc rather than the cell.
 * runsc writes its fatal errors to `--log`; a cell that merely exits 128 leaves
 * that log without an error. No log at all means runsc never started (sudo
 * refused, or the read-only binds could not be made).
 */
function runscFailure(run: SandboxRun, exitCode: number): RunscError | undefined {
  let log: string;
  try {
    log = readFileSync(run.runscLog, 'utf8');
  } catch {
    let message: string;
    if (exitCode === SETUP_FAILED && run.wrap) {
      message = `runsc never started: the cell's read-only paths could not be made read-only on the host (exit ${exitCode}; mount's message is in the output above)`;
    } else if (run.runsc.sudo) {
      message = `runsc never started: running it needs root or passwordless sudo, and \`sudo -n\` failed (exit ${exitCode}; its message is in the output above). Run the job as root, or give the runner's user passwordless sudo.`;
    } else {
      message = `runsc never started (exit ${exitCode}); see the output above`;
    }
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
