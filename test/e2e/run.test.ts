/**
 * Running cells: exit codes, outputs, streaming, the summary, timeouts, and
 * output that tries to issue workflow commands. runsc comes from `runsc-path`
 * here; installing it is install.test.ts's business.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { type Job, makeJob, removeJob } from '../support/job.js';
import { ACTION_DIR, type ActionRun } from '../support/runner.js';
import { errors } from '../support/workflow-commands.js';
import { runAction } from './action.js';

let job: Job;
const runsc = inject('runsc');

beforeAll(() => {
  job = makeJob('run');
});
afterAll(() => removeJob(job));

function cell(doc: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  return runAction(job, { inputs: { cell: doc, 'runsc-path': runsc, ...inputs } });
}

/** Nothing of a run may be left in RUNNER_TEMP but the log directory. */
function leftovers(): string[] {
  return readdirSync(job.temp).filter((e) => e.startsWith('gvisor-cell-') && e !== 'gvisor-cell-logs');
}

describe('a cell that succeeds', () => {
  let run: ActionRun;
  beforeAll(async () => {
    // stdout and stderr are two pipes: only the sleeps make their relative order certain.
    run = await cell('name: hello\nrun: |\n  echo "out line"\n  sleep 0.3\n  echo "err line" >&2\n  sleep 0.3\n  echo done\n');
  });

  test('the step succeeds and no post step is needed', () => {
    expect(run.main.exitCode).toBe(0);
    expect(run.post).toBeUndefined();
  });

  test('exit code, streams and timing are step outputs', () => {
    const o = run.main.outputs;
    expect(o['exit-code']).toBe('0');
    expect(o.stdout).toBe('out line\ndone\n');
    expect(o.stderr).toBe('err line\n');
    expect(o.logs).toBe('out line\nerr line\ndone\n');
    expect(o['timed-out']).toBe('false');
    expect(Number(o['duration-ms'])).toBeGreaterThan(0);
    expect(o['runsc-path']).toBe(runsc);
    expect(o['runsc-version']).toMatch(/^runsc version /);
  });

  test('the full log is in log-file', () => {
    expect(readFileSync(run.main.outputs['log-file'] as string, 'utf8')).toBe('out line\nerr line\ndone\n');
  });

  test('output is streamed to the job log inside a stop-commands window', () => {
    const stdout = run.main.stdout;
    const open = /^::stop-commands::([0-9a-f]{48})$/m.exec(stdout);
    expect(open).not.toBeNull();
    const token = open?.[1] as string;
    const inside = stdout.slice(stdout.indexOf(open?.[0] as string), stdout.indexOf(`::${token}::`));
    expect(inside).toContain('out line\nerr line\ndone\n');
  });

  test('a job summary names the cell and shows its output in a fence', () => {
    expect(run.main.summary).toContain('gvisor-cell · hello · ✅ passed');
    expect(run.main.summary).toMatch(/```text\nout line\nerr line\ndone\n```/);
  });

  test('the run directory is removed', () => {
    expect(leftovers()).toEqual([]);
  });
});

describe('the code cache (src/action/code-cache.ts)', () => {
  const dir = () => path.join(job.temp, 'gvisor-cell.code-cache');
  const cacheFile = () => {
    const files = readdirSync(dir()).filter((f) => f.endsWith('.v8cache'));
    expect(files).toHaveLength(1);
    return path.join(dir(), files[0] as string);
  };

  test('the first step makes it, private to the user, in RUNNER_TEMP; a later step uses it without writing it', async () => {
    expect((await cell('command: [/bin/true]')).main.exitCode).toBe(0);
    expect(statSync(dir()).mode & 0o777).toBe(0o700);
    const file = cacheFile();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const made = statSync(file).mtimeMs;
    const again = await cell('command: [/bin/true]');
    expect(again.main.exitCode).toBe(0);
    expect(statSync(file).mtimeMs).toBe(made);
  });

  test('a cache that does not fit is not used: the step runs, and the cache is made again', async () => {
    const file = cacheFile();
    const whole = readFileSync(file);
    // The header only: the bundle's bytes that must follow it are missing.
    writeFileSync(file, whole.subarray(0, whole.indexOf(10) + 1), { mode: 0o600 });
    const run = await cell('command: [/bin/echo, still runs]');
    expect(run.main.exitCode).toBe(0);
    expect(run.main.outputs.stdout).toBe('still runs\n');
    // Made again: the header, the bundle's bytes and V8's data after them.
    const bundleBytes = statSync(path.join(ACTION_DIR, 'dist', 'main', 'index.cjs')).size;
    expect(statSync(file).size).toBeGreaterThan(whole.indexOf(10) + 1 + bundleBytes);
  });
});

describe('exit statuses', () => {
  test.each([
    ['exit 3', '3'],
    ['exit 128', '128'],
    ['kill -KILL $$', '137'],
    ['kill -TERM $$', '143'],
  ])('%s → exit-code %s and a failed step', async (script, code) => {
    const run = await cell(`run: ${script}`);
    expect(run.main.outputs['exit-code']).toBe(code);
    expect(run.main.exitCode).toBe(1);
    expect(errors(run.main)).toEqual([`Cell cell exited with ${code}`]);
  });

  test('fail-on-error: false keeps the step green and still sets the outputs', async () => {
    const run = await cell('run: echo nope; exit 5', { 'fail-on-error': 'false' });
    expect(run.main.exitCode).toBe(0);
    expect(run.main.outputs['exit-code']).toBe('5');
    expect(run.main.outputs.stdout).toBe('nope\n');
    expect(errors(run.main)).toEqual([]);
  });

  test('command runs an exact argv without a shell', async () => {
    const run = await cell(JSON.stringify({ command: ['/usr/bin/printf', '%s|', 'a b', '$HOME', '*'] }));
    expect(run.main.outputs.stdout).toBe('a b|$HOME|*|');
  });

  test('shell: bash runs with -eo pipefail, shell: sh with -e', async () => {
    const bash = await cell('run: |\n  false | true\n  echo unreachable\n');
    expect(bash.main.outputs['exit-code']).toBe('1');
    expect(bash.main.outputs.stdout).toBe('');
    const sh = await cell('shell: sh\nrun: |\n  false | true\n  echo reached\n  false\n  echo unreachable\n');
    expect(sh.main.outputs.stdout).toBe('reached\n');
    expect(sh.main.outputs['exit-code']).toBe('1');
  });
});

describe('timeouts', () => {
  test('limits.timeout kills the cell, keeps its output and reports timed-out', async () => {
    const run = await cell('run: |\n  trap "" TERM\n  echo started\n  sleep 1000 & sleep 1000\nlimits: { timeout: 2s }');
    expect(run.main.outputs['timed-out']).toBe('true');
    // As the CLI exits (verdict.ts reportedStatus): not the SIGKILL's 137, which an OOM kill gives too.
    expect(run.main.outputs['exit-code']).toBe('124');
    expect(run.main.outputs.stdout).toBe('started\n');
    expect(run.main.exitCode).toBe(1);
    // Then what to check (hints.ts; test/e2e/hints.test.ts): under network: none, that the network was off.
    const [error, ...more] = errors(run.main);
    expect(error?.split('\n')[0]).toBe('Cell cell timed out after 2s and was killed');
    expect(error).toContain('\nThe cell has no network (network: none)');
    expect(more).toEqual([]);
    expect(Number(run.main.outputs['duration-ms'])).toBeLessThan(10_000);
    expect(leftovers()).toEqual([]);
  });
});

describe('output the cell uses to attack the runner', () => {
  let run: ActionRun;
  const forged = [
    '::set-output name=exit-code::0',
    '::save-state name=run-dir::/',
    '::add-mask::out',
    '::error::forged error',
    '::stop-commands::x',
    '::x::',
    '##[set-output name=timed-out;]true',
    '::add-path::/evil',
  ];
  beforeAll(async () => {
    const script = forged.map((l) => `echo '${l}'`).join('\n');
    run = await cell(
      `run: |\n${script
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n')}\n  echo '::endgroup::' >&2\n  printf '::error::no newline at the end'\n  exit 1`,
    );
  });

  test('no forged workflow command reaches the runner', () => {
    const acted = run.main.commands.filter((c) => c.command !== 'stop-commands').map((c) => `${c.command}:${c.value}`);
    expect(acted).toEqual(['error:Cell cell exited with 1']);
  });

  test('forged outputs and state have no effect', () => {
    expect(run.main.outputs['exit-code']).toBe('1');
    expect(run.main.outputs['timed-out']).toBe('false');
    expect(Object.keys(run.main.state).sort()).toEqual(['nonce', 'run-dir']);
    expect(run.main.state['run-dir']).not.toBe('/');
  });

  test('the forged lines are still in the log, as text', () => {
    expect(run.main.outputs.stdout).toContain('::set-output name=exit-code::0');
    expect(run.main.stdout).toContain('::error::no newline at the end');
    expect(run.main.stdout).toMatch(/\n::[0-9a-f]{48}::\n/);
  });

  test('a summary fence cannot be closed by the cell', async () => {
    const r = await cell("run: printf '```\\n<script>alert(1)</script>\\n````\\n# heading\\n'");
    const s = r.main.summary;
    const fence = /\n(`{5,})text\n/.exec(s)?.[1];
    expect(fence).toBe('`````');
    expect(s).toContain(`${fence}text\n\`\`\`\n<script>alert(1)</script>\n\`\`\`\`\n# heading\n${fence}\n`);
  });
});

describe('documents that are refused start nothing', () => {
  test.each([
    ['rnu: echo hi', 'rnu: unknown key (did you mean "run"?)'],
    ['run: echo\nlimits: { memory: "-5" }', 'limits.memory: expected a size like 512Mi or 2G (or a number of bytes), got "-5"'],
    ['run: echo\nshell: zsh', 'shell: expected bash or sh, got "zsh"'],
    ['run: [unclosed', 'line 1, column 15: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    ['run: a\nrun: b', 'line 2, column 1: Map keys must be unique'],
    ['run: echo\ncommand: [ls]', 'expected one of run or command, got both'],
    [
      'run: echo\nworking-directory: ../..',
      'working-directory: expected a directory relative to the workspace that stays inside it, got "../.."',
    ],
    ['run: echo\npass-env: [ACTIONS_RUNTIME_TOKEN]', 'pass-env[0]: "ACTIONS_RUNTIME_TOKEN" cannot be passed into a cell'],
  ])('%j', async (doc, message) => {
    const run = await cell(doc);
    expect(run.main.exitCode).toBe(1);
    const [error] = errors(run.main);
    expect(error).toContain('input cell is not a valid cell document');
    expect(error).toContain(message);
    expect(run.main.outputs['exit-code']).toBeUndefined();
    expect(run.main.stdout).not.toContain('::stop-commands::');
    expect(leftovers()).toEqual([]);
  });

  test('a working-directory that does not exist names the key', async () => {
    const run = await cell('run: pwd\nworking-directory: no/such/dir');
    expect(errors(run.main)).toEqual([`working-directory: ${path.join(job.workspace, 'no/such/dir')} does not exist on the runner`]);
  });

  test('bad inputs name the input', async () => {
    const run = await runAction(job, { inputs: { cell: 'run: echo', 'runsc-version': 'v1.2' } });
    expect(errors(run.main)).toEqual([
      'input runsc-version: expected latest, YYYYMMDD or YYYYMMDD.N (optionally prefixed release-), got "v1.2"',
    ]);
    const both = await runAction(job, { inputs: { cell: 'run: echo', 'cell-file': 'x.yml' } });
    expect(errors(both.main)).toEqual(['input cell/cell-file: give exactly one of them, not both']);
  });

  test('cell-file is read relative to the workspace', async () => {
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(job.workspace, 'cell.yml'), 'name: from-file\nrun: echo from file\n');
    const run = await runAction(job, { inputs: { 'cell-file': 'cell.yml', 'runsc-path': runsc } });
    expect(run.main.outputs.stdout).toBe('from file\n');
    const missing = await runAction(job, { inputs: { 'cell-file': 'nope.yml', 'runsc-path': runsc } });
    expect(errors(missing.main)[0]).toBe(`input cell-file: cannot read ${path.join(job.workspace, 'nope.yml')}: ENOENT`);
  });
});

describe('runsc failures', () => {
  test('a cell whose program does not exist: runsc refuses it, reported as the cell’s exit 127, not as runsc failing', async () => {
    const run = await cell('command: [/no/such/program]');
    expect(run.main.exitCode).toBe(1);
    expect(run.main.outputs['exit-code']).toBe('127');
    const [error] = errors(run.main);
    expect(error).toMatch(/^Cell cell could not run its command: \/no\/such\/program was not found in the cell \(exit 127\)\n/);
    expect(run.main.summary).toContain('command not found (exit 127)');
    expect(run.main.summary).not.toContain('sandbox did not start');
  });

  test('runsc-path that is not a file names the input', async () => {
    const run = await runAction(job, { inputs: { cell: 'run: echo', 'runsc-path': '/no/runsc' } });
    expect(errors(run.main)).toEqual(['input runsc-path: /no/runsc is not a file']);
    expect(existsSync('/no/runsc')).toBe(false);
  });
});
