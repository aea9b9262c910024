/**
 * What became of a cell, decided once: the action's step status, the CLI's
 * exit status and the job summary all read this. The order is the rule: a
 * sandbox that never started says nothing about the cell; a cancellation
 * wins over a timeout that struck while it was being handled; a SIGKILL
 * nobody asked for under a memory limit is most likely the OOM killer.
 */
import { formatDuration, formatSize } from '../cell/units.js';
import type { SandboxResult } from './sandbox.js';

export type Verdict =
  | { kind: 'sandbox-failed'; message: string; neverStarted: boolean }
  | { kind: 'cancelled' }
  | { kind: 'timed-out'; timeoutMs: number }
  | { kind: 'out-of-memory'; exitCode: number; memory: number }
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
  if (result.runscError) return { kind: 'sandbox-failed', ...result.runscError };
  if (result.cancelled) return { kind: 'cancelled' };
  if (result.timedOut) return { kind: 'timed-out', timeoutMs: limits.timeout ?? 0 };
  // gVisor's and the kernel's OOM killers both end the cell with SIGKILL and neither says so.
  if (result.exitCode === 137 && limits.memory !== undefined) return { kind: 'out-of-memory', exitCode: 137, memory: limits.memory };
  if (result.exitCode === 0) return { kind: 'passed' };
  // No exit code without a runsc error cannot happen; counted as a failure, never a pass.
  return { kind: 'failed', exitCode: result.exitCode ?? 1 };
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
    case 'failed':
      return `Cell ${name} exited with ${verdict.exitCode}`;
    case 'passed':
      return `Cell ${name} passed in ${durationMs} ms`;
  }
}
