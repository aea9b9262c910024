/**
 * Runs the built action the way the GitHub runner does (see
 * shared/reference/runner.md): `node dist/index.js` in the workspace, inputs as
 * INPUT_<NAME> with action.yml's defaults filled in, the file commands
 * (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY) read back afterwards,
 * workflow commands parsed from stdout and stderr honouring stop-commands,
 * and the post step run with STATE_* when its post-if holds.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chownSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { inject } from 'vitest';
import { parse } from 'yaml';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
/**
 * Where the action under test is: this repository, or GVC_ACTION_DIR (a
 * directory holding another build's dist/), to show that a new test fails
 * on the code as it was.
 */
export const ACTION_DIR = process.env.GVC_ACTION_DIR || REPO;
const ACTION = parse(readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>;
  runs: { main: string; post: string; 'post-if': string };
};

/** Canary credentials planted in the action's environment; no cell may see any of them. */
export const CANARIES: Record<string, string> = {
  ACTIONS_RUNTIME_TOKEN: 'canary-runtime-token-6f1d',
  ACTIONS_CACHE_URL: 'https://canary-cache.invalid/',
  ACTIONS_RESULTS_URL: 'https://canary-results.invalid/',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'canary-oidc-token-91ab',
  GITHUB_TOKEN: 'canary-github-token-77c2',
  NODE_AUTH_TOKEN: 'canary-npm-token-c0de',
  MY_SECRET: 'canary-user-secret-5e5e',
};

export interface Job {
  /** Plays /home/runner: the runner's HOME, holding work/ and the tool cache. */
  home: string;
  workspace: string;
  temp: string;
  toolCache: string;
}

/**
 * A fresh runner layout under /home (so that HOME is a path the cell gets as
 * its own tmpfs), owned by `owner` when the steps will run as another user.
 */
export function makeJob(name: string, owner?: { uid: number; gid: number }): Job {
  const home = path.join('/home', `gvc-e2e-${name}-${process.pid}-${Date.now().toString(36)}`);
  const job: Job = {
    home,
    workspace: path.join(home, 'work', 'app', 'app'),
    temp: path.join(home, 'work', '_temp'),
    toolCache: path.join(home, 'toolcache'),
  };
  for (const dir of [job.workspace, job.temp, job.toolCache]) mkdirSync(dir, { recursive: true });
  if (owner) {
    for (const dir of [home, path.join(home, 'work'), path.join(home, 'work', 'app'), job.workspace, job.temp, job.toolCache]) {
      chownSync(dir, owner.uid, owner.gid);
    }
  }
  return job;
}

export function removeJob(job: Job): void {
  rmSync(job.home, { recursive: true, force: true });
}

export interface Command {
  command: string;
  properties: string;
  value: string;
  stream: 'stdout' | 'stderr';
}

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
  wallMs: number;
}

export interface RunOptions {
  inputs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  /** Called with the main process once it is running (to send signals). */
  onSpawn?: (child: ChildProcess) => void;
  /** Skip the post step even if post-if holds. */
  noPost?: boolean;
  /** Run the steps as this user instead of the test's own (the job's directories must be theirs). */
  user?: { uid: number; gid: number };
  /** Where the action is (a copy of dist/ that `user` can read); default: this repository. */
  actionDir?: string;
  /** Keep at most this many bytes of the steps' stdout (the tail), for cells that print a lot. */
  stdoutTail?: number;
}

export interface ActionRun {
  main: StepResult;
  post: StepResult | undefined;
}

/** Parses `name=value` and `name<<DELIM … DELIM` file-command lines. */
export function parseFileCommand(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc as unknown as [string, string, string];
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i] as string);
      out[name] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      out[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return out;
}

/**
 * The commands the runner registers (ActionCommandManager's extensions and
 * stop-commands): a line naming anything else is not a command.
 */
const REGISTERED = [
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo',
];

/** .NET's String.TrimStart: Char.IsWhiteSpace, which has U+0085 and lacks U+FEFF (unlike JavaScript's trimStart). */
const LEADING_BLANKS = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** The runner's ActionCommand.UnescapeData. */
function unescapeData(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/** StreamReader.ReadLine over one stream: a line ends at LF, CRLF or a lone CR; the last one may lack an end. */
class LineReader {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  private afterCR = false;

  push(chunk: Buffer | string): string[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (text === '') return [];
    // A CRLF split across two reads is still one line end.
    if (this.afterCR && text.startsWith('\n')) text = text.slice(1);
    this.afterCR = text.endsWith('\r');
    // Most output holds no ':' or '#' at all (the runner skips such lines too): keep only the unfinished
    // line, so that reading hundreds of MB does not slow the step down.
    if (!/[:#]/.test(this.rest) && !/[:#]/.test(text)) {
      const last = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
      this.rest = last < 0 ? this.rest + text : text.slice(last + 1);
      return [];
    }
    const lines = (this.rest + text).split(/\r\n|\r|\n/);
    this.rest = lines.pop() as string;
    return lines;
  }

  end(): string[] {
    const last = this.rest + this.decoder.end();
    this.rest = '';
    return last === '' ? [] : [last];
  }
}

/**
 * The runner reading a step's stdout and stderr (ProcessInvoker, OutputManager,
 * ActionCommandManager, ActionCommand.TryParseV2/TryParse; see
 * shared/reference/runner.md): lines end at LF, CRLF and a lone CR; `::name
 * props::value` counts after leading blanks; failing that, the first `##[` of a
 * line, anywhere in it, is a legacy command; only registered names are
 * commands; one command manager serves both streams, so a stop-commands window
 * opened on one is closed from either, by its token in any case, as `::t::` or
 * `##[t]`. Fed as the bytes arrive, so it holds only the commands found.
 */
export class CommandReader {
  readonly commands: Command[] = [];
  private readonly registered = new Set(REGISTERED);
  private stopToken: string | undefined;
  private readonly readers = { stdout: new LineReader(), stderr: new LineReader() };

  push(stream: Command['stream'], chunk: Buffer | string): void {
    for (const line of this.readers[stream].push(chunk)) this.line(stream, line);
  }

  /** The stream has ended: its last line counts even without a line end. */
  close(stream: Command['stream']): void {
    for (const line of this.readers[stream].end()) this.line(stream, line);
  }

  private parse(line: string, stream: Command['stream']): Command | undefined {
    const v2 = line.replace(LEADING_BLANKS, '');
    const close = v2.startsWith('::') ? v2.indexOf('::', 2) : -1;
    if (close >= 0) {
      const info = v2.slice(2, close);
      const space = info.indexOf(' ');
      const name = space < 0 ? info : info.slice(0, space);
      if (this.registered.has(name.toLowerCase())) {
        return {
          command: name.toLowerCase(),
          properties: space < 0 ? '' : info.slice(space + 1).trim(),
          value: v2.slice(close + 2),
          stream,
        };
      }
    }
    const open = line.indexOf('##[');
    const end = open < 0 ? -1 : line.indexOf(']', open);
    if (end < 0) return undefined;
    const info = line.slice(open + 3, end);
    const space = info.indexOf(' ');
    const name = space < 0 ? info : info.slice(0, space);
    if (!this.registered.has(name.toLowerCase())) return undefined;
    return { command: name.toLowerCase(), properties: space < 0 ? '' : info.slice(space + 1), value: line.slice(end + 1), stream };
  }

  private line(stream: Command['stream'], line: string): void {
    const command = this.parse(line, stream);
    if (!command) return;
    if (this.stopToken !== undefined) {
      if (this.stopToken !== '' && command.command === this.stopToken.toLowerCase()) {
        this.registered.delete(this.stopToken.toLowerCase());
        this.stopToken = undefined;
      }
      return;
    }
    if (command.command === 'stop-commands') {
      this.stopToken = unescapeData(command.value);
      this.registered.add(this.stopToken.toLowerCase());
    }
    this.commands.push(command);
  }
}

/** The commands the runner would act on in a step's whole stdout and stderr (stdout read first). */
export function parseCommands(stdout: string, stderr: string): Command[] {
  const reader = new CommandReader();
  reader.push('stdout', stdout);
  reader.close('stdout');
  reader.push('stderr', stderr);
  reader.close('stderr');
  return reader.commands;
}

function baseEnv(job: Job): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: job.home,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: job.workspace,
    GITHUB_REPOSITORY: 'acme/app',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_REF: 'refs/pull/7/merge',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_RUN_ID: '4242',
    GITHUB_JOB: 'test',
    GITHUB_EVENT_PATH: path.join(job.temp, '_github_workflow', 'event.json'),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_TEMP: job.temp,
    RUNNER_TOOL_CACHE: job.toolCache,
    ...CANARIES,
  };
}

function runNode(
  script: string,
  env: Record<string, string>,
  cwd: string,
  options: Pick<RunOptions, 'onSpawn' | 'user' | 'stdoutTail'> = {},
): Promise<Omit<StepResult, 'outputs' | 'state' | 'summary'>> {
  const started = Date.now();
  // Read as the runner reads: both streams into one command manager, as the bytes arrive.
  const reader = new CommandReader();
  return new Promise((resolve, reject) => {
    const child = spawn(inject('actionNode'), [script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], ...options.user });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let kept = 0;
    child.stdout.on('data', (c: Buffer) => {
      reader.push('stdout', c);
      out.push(c);
      kept += c.length;
      while (options.stdoutTail !== undefined && out.length > 1 && kept - (out[0] as Buffer).length >= options.stdoutTail) {
        kept -= (out.shift() as Buffer).length;
      }
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
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        wallMs: Date.now() - started,
      }),
    );
    options.onSpawn?.(child);
  });
}

/** Runs main (and post, when `post-if` would run it) as the runner would. */
export async function runAction(job: Job, options: RunOptions = {}): Promise<ActionRun> {
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
    ...baseEnv(job),
    GITHUB_OUTPUT: outputFile,
    GITHUB_STATE: stateFile,
    GITHUB_STEP_SUMMARY: summaryFile,
  };
  for (const [name, spec] of Object.entries(ACTION.inputs)) {
    const value = options.inputs?.[name] ?? spec.default ?? '';
    env[`INPUT_${name.toUpperCase()}`] = value;
  }
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }

  const actionDir = options.actionDir ?? ACTION_DIR;
  const mainRun = await runNode(path.join(actionDir, ACTION.runs.main), env, job.workspace, options);
  const main: StepResult = {
    ...mainRun,
    outputs: parseFileCommand(readFileSync(outputFile, 'utf8')),
    state: parseFileCommand(readFileSync(stateFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
  };

  // post-if: failure() || cancelled() — this step failing (or being killed) is what makes the job fail here.
  const postRuns = ACTION.runs['post-if'] === 'failure() || cancelled()' ? main.exitCode !== 0 : true;
  let post: StepResult | undefined;
  if (postRuns && !options.noPost) {
    const postEnv = { ...env };
    for (const [k, v] of Object.entries(main.state)) postEnv[`STATE_${k}`] = v;
    writeFileSync(outputFile, '');
    const postRun = await runNode(path.join(actionDir, ACTION.runs.post), postEnv, job.workspace, { user: options.user });
    post = { ...postRun, outputs: {}, state: {}, summary: '' };
  }
  return { main, post };
}

/** The commands of a run that are errors (`::error::`), as the runner would show them. */
export function errors(step: StepResult): string[] {
  return step.commands.filter((c) => c.command === 'error').map((c) => decodeCommandValue(c.value));
}

/** Undoes @actions/core's escaping of command values (%25, %0D, %0A). */
export function decodeCommandValue(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
