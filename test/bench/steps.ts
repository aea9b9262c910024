/**
 * One step of a push job, as the runner runs it (test/support/runner.ts), on
 * the bench's job: timed main plus post, stopped with SIGTERM on an
 * interruption (as the runner stops a cancelled step: the action stops its own
 * cell), its file-command files and log file removed afterwards so that many
 * rounds leave nothing behind.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { runAction, type StepResult } from '../support/runner.js';
import { errors } from '../support/workflow-commands.js';
import { ACTION_NODE } from './constants.js';
import type { Bench } from './context.js';
import { lastLines, StepError } from './processes.js';

export interface Step {
  /** main plus post, ms. */
  ms: number;
  main: StepResult;
  post: StepResult | undefined;
  /** main's outputs. */
  outputs: Record<string, string>;
}

const TAIL = 64 * 1024;

export async function runStep(
  ctx: Pick<Bench, 'job' | 'procs'>,
  inputs: Record<string, string>,
  { toolCache = ctx.job.toolCache }: { toolCache?: string } = {},
): Promise<Step> {
  const { job, procs } = ctx;
  if (procs.aborting) throw new Error('interrupted');
  const run = await runAction(job, {
    node: ACTION_NODE,
    inputs,
    env: {
      GITHUB_REF: 'refs/heads/main',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_JOB: 'bench',
      RUNNER_TOOL_CACHE: toolCache,
      ACTIONS_RUNTIME_TOKEN: 'bench-not-a-token',
    },
    track: (child) => procs.track(child, () => child.kill('SIGTERM')),
    noPost: () => procs.aborting,
    stdoutTail: TAIL,
    stderrTail: TAIL,
  });
  rmSync(path.join(job.temp, '_runner_file_commands'), { recursive: true, force: true });
  const logFile = run.main.outputs['log-file'];
  if (logFile?.startsWith(`${job.temp}/`)) rmSync(logFile, { force: true });
  return { ms: run.main.wallMs + (run.post?.wallMs ?? 0), main: run.main, post: run.post, outputs: run.main.outputs };
}

/** The step, if main succeeded; otherwise a StepError with the errors it reported (or the end of its output). */
export function checkStep(step: Step, what: string): Step {
  if (step.main.exitCode === 0) return step;
  const reported = errors(step.main);
  throw new StepError(
    `${what}: the step failed (exit ${step.main.exitCode ?? step.main.signal})\n` +
      (reported.length
        ? reported.join('\n')
        : `--- stdout ---\n${lastLines(step.main.stdout)}\n--- stderr ---\n${lastLines(step.main.stderr)}`),
  );
}
