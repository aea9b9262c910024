/**
 * Runs the built action the way the GitHub runner does: `node dist/index.js`
 * in the workspace, inputs as INPUT_<NAME> with action.yml's defaults filled
 * in, the file commands (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY)
 * read back afterwards, workflow commands parsed from stdout and stderr as
 * they arrive, and the post step run with STATE_* when its post-if holds.
 * Nothing here depends on vitest: the e2e suite (test/e2e/action.ts) and the
 * benchmark (test/bench/) pass in the Node to run and their own variables.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { ACTION, REPO } from './action-yml.js';
import { parseFileCommand } from './file-commands.js';
import type { Job } from './job.js';
import { Tail } from './tail.js';
import { type Command, CommandReader } from './workflow-commands.js';

/**
 * Where the action under test is: this repository, or GVC_ACTION_DIR (a
 * directory holding another build's dist/), to show that a new test fails
 * on the code as it was.
 */
export const ACTION_DIR = process.env.GVC_ACTION_DIR || REPO;

/** The runner's PATH on a hosted Ubuntu image, less the tool directories. */
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface StepResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  state: Record<string, string>;
  summary: string;
  /** Workflow commands the runner would act on (outside stop-commands windows). */
  commands: Command[];
  /** Spawn → close, in milliseconds (fractional). */
  wallMs: number;
  /** When it was spawned, in milliseconds since the epoch (fractional), to set against other clocks. */
  startedAt: number;
}

export interface RunOptions {
  /** The Node that runs main and post, as the runner's `node24`. */
  node: string;
  inputs?: Record<string, string>;
  /** Set (or, with undefined, remove) variables on top of the runner's own (runnerEnv). */
  env?: Record<string, string | undefined>;
  /** Called with the main process once it is running (to send signals). */
  onSpawn?: (child: ChildProcess) => void;
  /** Called with every process the step starts (main and post), e.g. to stop them on an interruption. */
  track?: (child: ChildProcess) => void;
  /** Skip the post step even if post-if holds; a function is asked once main has ended. */
  noPost?: boolean | (() => boolean);
  /** Run the steps as this user instead of the caller's own (the job's directories must be theirs). */
  user?: { uid: number; gid: number };
  /** Where the action is (a copy of dist/ that `user` can read); default: ACTION_DIR. */
  actionDir?: string;
  /** Keep at most this many bytes of the steps' stdout (the tail), for cells that print a lot. */
  stdoutTail?: number;
  /** The same for stderr. */
  stderrTail?: number;
}

export interface ActionRun {
  main: StepResult;
  post: StepResult | undefined;
}

const RUNNER_ARCH = process.arch === 'arm64' ? 'ARM64' : 'X64';

/** The variables every step of the job gets from the runner; event-specific ones (GITHUB_REF, …) are the caller's. */
export function runnerEnv(job: Job): Record<string, string> {
  return {
    PATH: SYSTEM_PATH,
    HOME: job.home,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: job.workspace,
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_RUN_ID: '4242',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH,
    RUNNER_TEMP: job.temp,
    RUNNER_TOOL_CACHE: job.toolCache,
  };
}

function runNode(
  script: string,
  env: Record<string, string>,
  cwd: string,
  options: Pick<RunOptions, 'node' | 'onSpawn' | 'track' | 'user' | 'stdoutTail' | 'stderrTail'>,
): Promise<Omit<StepResult, 'outputs' | 'state' | 'summary'>> {
  // Read as the runner reads: both streams into one command manager, as the bytes arrive.
  const reader = new CommandReader();
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const startedAt = performance.timeOrigin + t0;
    const child = spawn(options.node, [script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], ...options.user });
    const out = new Tail(options.stdoutTail);
    const err = new Tail(options.stderrTail);
    child.stdout.on('data', (c: Buffer) => {
      reader.push('stdout', c);
      out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      reader.push('stderr', c);
      err.push(c);
    });
    child.stdout.on('end', () => reader.close('stdout'));
    child.stderr.on('end', () => reader.close('stderr'));
    child.on('error', reject);
    child.on('close', (exitCode, signal) =>
      resolve({
        commands: reader.commands,
        exitCode,
        signal,
        stdout: out.text(),
        stderr: err.text(),
        wallMs: performance.now() - t0,
        startedAt,
      }),
    );
    options.track?.(child);
    options.onSpawn?.(child);
  });
}

/** Runs main (and post, when `post-if` would run it) as the runner would. */
export async function runAction(job: Job, options: RunOptions): Promise<ActionRun> {
  const files = path.join(job.temp, '_runner_file_commands', `step-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(files, { recursive: true });
  const outputFile = path.join(files, 'output');
  const stateFile = path.join(files, 'state');
  const summaryFile = path.join(files, 'summary');
  for (const f of [outputFile, stateFile, summaryFile]) {
    writeFileSync(f, '');
    if (options.user) chownSync(f, options.user.uid, options.user.gid);
  }
  if (options.user) chownSync(files, options.user.uid, options.user.gid);

  const env: Record<string, string> = {
    ...runnerEnv(job),
    GITHUB_OUTPUT: outputFile,
    GITHUB_STATE: stateFile,
    GITHUB_STEP_SUMMARY: summaryFile,
  };
  for (const [name, value] of Object.entries(ACTION.defaults)) env[`INPUT_${name.toUpperCase()}`] = options.inputs?.[name] ?? value;
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }

  const actionDir = options.actionDir ?? ACTION_DIR;
  const mainRun = await runNode(path.join(actionDir, ACTION.main), env, job.workspace, options);
  const main: StepResult = {
    ...mainRun,
    outputs: parseFileCommand(readFileSync(outputFile, 'utf8')),
    state: parseFileCommand(readFileSync(stateFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
  };

  // post-if: failure() || cancelled() — this step failing (or being killed) is what makes the job fail here.
  const postRuns = ACTION.postIf === 'failure() || cancelled()' ? main.exitCode !== 0 : true;
  const noPost = typeof options.noPost === 'function' ? options.noPost() : options.noPost;
  let post: StepResult | undefined;
  if (postRuns && !noPost) {
    const postEnv = { ...env };
    for (const [k, v] of Object.entries(main.state)) postEnv[`STATE_${k}`] = v;
    writeFileSync(outputFile, '');
    const postRun = await runNode(path.join(actionDir, ACTION.post), postEnv, job.workspace, {
      node: options.node,
      track: options.track,
      user: options.user,
      stdoutTail: options.stdoutTail,
      stderrTail: options.stderrTail,
    });
    post = { ...postRun, outputs: {}, state: {}, summary: '' };
  }
  return { main, post };
}
