/**
 * What became of a cell, decided once: the action's step status, the CLI's
 * exit status and the job summary all read this. The order is the rule: a
 * sandbox that never started says nothing about the cell; a cancellation
 * wins over a timeout that struck while it was being handled; a SIGKILL
 * nobody asked for under a memory limit is most likely the OOM killer. A
 * `command` runsc could not find is the cell's failure, not runsc's: it is
 * reported as a shell reports it (exit 127), whichever way the cell was given.
 */
import { formatDuration, formatSize } from '../cell/units.js';
import type { SandboxResult } from './sandbox.js';

export type Verdict =
  | { kind: 'sandbox-failed'; message: string; neverStarted: boolean }
  | { kind: 'cancelled' }
  | { kind: 'timed-out'; timeoutMs: number }
  | { kind: 'out-of-memory'; exitCode: number; memory: number }
  | { kind: 'command-not-found'; exitCode: 127; command: string }
  | { kind: 'failed'; exitCode: number }
  | { kind: 'passed' };

/** What the verdict needs of the document: its limits. */
export interface VerdictLimits {
  timeout?: number;
  memory?: number;
}

export function classify(
  result: Pick<SandboxResult, 'exitCode' | 'timedOut' | 'cancelled' | 'runscError'>,
  limits: VerdictLimits,
): Verdict {
  if (result.runscError) {
    const command = missingCommand(result.runscError);
    if (command !== undefined) return { kind: 'command-not-found', exitCode: 127, command };
    return { kind: 'sandbox-failed', ...result.runscError };
  }
  if (result.cancelled) return { kind: 'cancelled' };
  if (result.timedOut) return { kind: 'timed-out', timeoutMs: limits.timeout ?? 0 };
  // gVisor's and the kernel's OOM killers both end the cell with SIGKILL and neither says so.
  if (result.exitCode === 137 && limits.memory !== undefined) return { kind: 'out-of-memory', exitCode: 137, memory: limits.memory };
  if (result.exitCode === 0) return { kind: 'passed' };
  // No exit code without a runsc error cannot happen; counted as a failure, never a pass.
  return { kind: 'failed', exitCode: result.exitCode ?? 1 };
}

/**
 * The program of a `command:` cell that runsc did not find: runsc looks
 * `command[0]` up on the cell's PATH itself and fails the start (exit 128,
 * its log says why) instead of exiting 127 as a shell would. These are
 * gVisor's loader's words (runsc run and runsc exec alike).
 */
function missingCommand(error: NonNullable<SandboxResult['runscError']>): string | undefined {
  if (error.neverStarted) return undefined;
  const onPath = /error finding executable "([^"]+)" in PATH/.exec(error.message);
  if (onPath) return onPath[1];
  return /failed to load (.+?): no such file or directory/.exec(error.message)?.[1];
}

/** The verdict in a sentence about the cell `name`, as the step's log and the CLI say it. */
export function describe(verdict: Verdict, name: string, durationMs: number): string {
  switch (verdict.kind) {
    case 'sandbox-failed':
      return `The sandbox did not start: runsc failed before running the cell.\n${verdict.message}`;
    case 'cancelled':
      return `Cell ${name} was cancelled; the sandbox was stopped and deleted`;
    case 'timed-out':
      return `Cell ${name} timed out after ${formatDuration(verdict.timeoutMs)} and was killed`;
    case 'out-of-memory':
      return `Cell ${name} was killed (exit 137, SIGKILL) under limits.memory ${formatSize(verdict.memory)}: most likely out of memory`;
    case 'command-not-found':
      return `Cell ${name} could not run its command: ${verdict.command} was not found in the cell (exit 127)`;
    case 'failed':
      return `Cell ${name} exited with ${verdict.exitCode}`;
    case 'passed':
      return `Cell ${name} passed in ${durationMs} ms`;
  }
}

/** 128 + SIGINT: a cell stopped by a cancellation, as a shell reports a command interrupted from the terminal. */
export const CANCELLED_STATUS = 130;
/** What timeout(1) exits with when the command ran out of time. */
export const TIMED_OUT_STATUS = 124;

/**
 * The one number both front ends report for a cell — the action's `exit-code`
 * output and summary, the CLI's exit status: the cell's own status (128+N when
 * killed by signal N), except where gvisor-cell ended the cell itself. Then
 * the number runsc reports is only the signal this engine sent (SIGKILL's 137,
 * which an OOM kill gives too), so the verdict's is reported instead: 124 for a
 * timeout, as timeout(1), and 130 for a cancellation. Undefined when no cell ran.
 */
export function reportedStatus(verdict: Verdict): number | undefined {
  switch (verdict.kind) {
    case 'sandbox-failed':
      return undefined;
    case 'cancelled':
      return CANCELLED_STATUS;
    case 'timed-out':
      return TIMED_OUT_STATUS;
    case 'out-of-memory':
    case 'command-not-found':
    case 'failed':
      return verdict.exitCode;
    case 'passed':
      return 0;
  }
}
