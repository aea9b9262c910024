/**
 * A pull request names things in the workspace — submodules, directories a
 * mount is reached through, files a cell leaves to collect — and the action
 * quotes those names outside the stop-commands window: notes, the debug dump
 * of config.json, warnings, errors; the CLI, inside a workflow step, on its
 * stderr. The runner would act on a command spelled in such a name (a CR
 * starts a line, `##[` counts anywhere: runner.ts's CommandReader reads the
 * log as the runner does). None may get through.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { REPO } from '../support/action-yml.js';
import { type Job, makeJob, removeJob } from '../support/job.js';
import { type Command, CommandReader, decodeCommandValue, errors } from '../support/workflow-commands.js';
import { runAction } from './action.js';

const runsc = inject('runsc');
/** A submodule name that ends the note's line, opens a window whose token the cell knows, and starts another. */
const WINDOW = 'x\r::stop-commands::pwn42\rz';
/** What the cell prints once that window would be open: close it, then forge. */
const FORGE = ['::pwn42::', '::set-output name=exit-code::0', '::save-state name=runsc::/tmp/x', '::add-mask::x', '::warning::pwned'];
const forgeScript = `run: |\n${FORGE.map((l) => `  echo '${l}'`).join('\n')}\n`;

/** checkout with `submodules:` leaves its token in each .git/modules/<name>/config; the action then notes the scrub. */
function submodule(workspace: string, name: string): void {
  const dir = path.join(workspace, '.git', 'modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'config'), '[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic eC1hY2Nlc3M6Y2FuYXJ5\n');
}

/** The commands acted on, as `name:value` (values decoded as the runner shows them). */
const acted = (commands: Command[]) => commands.map((c) => `${c.command}:${decodeCommandValue(c.value)}`);
const OUR_WINDOW = /^stop-commands:[0-9a-f]{48}$/;

describe('the action', () => {
  let job: Job;
  beforeAll(() => {
    job = makeJob('joblog');
  });
  afterAll(() => removeJob(job));
  const cell = (doc: string, env?: Record<string, string>) => runAction(job, { inputs: { cell: doc, 'runsc-path': runsc }, env });

  test('a submodule named x\\r::stop-commands::pwn42\\rz opens no window: the cell’s ::pwn42:: and what follows stay text', async () => {
    submodule(job.workspace, WINDOW);
    try {
      const run = await cell(forgeScript);
      expect(run.main.outputs.stdout).toBe(`${FORGE.join('\n')}\n`);
      // Before: stop-commands:pwn42, then set-output, save-state, add-mask and warning:pwned, all acted on.
      const commands = acted(run.main.commands);
      expect(commands.filter((c) => !OUR_WINDOW.test(c))).toEqual([]);
      expect(commands).toHaveLength(1);
      expect(run.main.outputs['exit-code']).toBe('0');
      expect(Object.keys(run.main.state).sort()).toEqual(['nonce', 'run-dir']);
      // The note still names the file, readably.
      expect(run.main.stdout).toContain('The cell sees .git/modules/x%0D%3A%3Astop-commands%3A%3Apwn42%0Dz/config without');
    } finally {
      removeGit(job);
    }
  });

  test('a submodule path libs/##[warning]x is no warning', async () => {
    submodule(job.workspace, 'libs/##[warning]x');
    try {
      const run = await cell('run: "true"');
      expect(acted(run.main.commands).filter((c) => !OUR_WINDOW.test(c))).toEqual([]);
      expect(run.main.stdout).toContain('The cell sees .git/modules/libs/%23%23[warning]x/config without');
    } finally {
      removeGit(job);
    }
  });

  test('RUNNER_DEBUG=1: config.json shows a mount source reached through a link to d\\r##[warning]dbg as text', async () => {
    const target = 'd\r##[warning]dbg';
    mkdirSync(path.join(job.workspace, target));
    symlinkSync(target, path.join(job.workspace, 'cache'));
    const run = await cell('mounts: [{ source: cache, target: /cache }]\nrun: ls -d /cache', { RUNNER_DEBUG: '1' });
    expect(run.main.outputs['exit-code']).toBe('0');
    const commands = run.main.commands.filter((c) => c.command !== 'debug');
    expect(commands.map((c) => c.command)).toEqual(['group', 'endgroup', 'stop-commands']);
    expect(commands[0]?.value).toBe('config.json');
    // The spec names the read-only stub; the source it stands for is listed after it.
    expect(run.main.stdout).toMatch(/"source": ".*\/gvisor-cell-[^/]+\/ro\/\d+"/);
    expect(run.main.stdout).toContain(` = ${job.workspace}/d%0D%23%23[warning]dbg\n`);
  });

  test('collected file names with \\r and ##[ are shown as text in the warnings', async () => {
    const run = await cell(
      [
        'workspace: read-write',
        'collect: [out]',
        'run: |',
        '  mkdir -p out',
        "  ln -s x $'out/l\\r::stop-commands::pwn\\rz'",
        "  ln -s x 'out/##[error]e'",
        "  echo '::pwn::'",
        "  echo '::error::forged'",
      ].join('\n'),
    );
    const commands = acted(run.main.commands).filter((c) => !OUR_WINDOW.test(c));
    expect(commands).toEqual([
      expect.stringMatching(/^warning:workspace: read-write lets the cell change the workspace/),
      'warning:collect: out/%23%23[error]e is a symbolic link in the cell; not copied',
      'warning:collect: out/l%0D%3A%3Astop-commands%3A%3Apwn%0Dz is a symbolic link in the cell; not copied',
    ]);
  });

  test('an error quoting a missing mount source named /no/such\\r::stop-commands::x is text', async () => {
    const run = await cell('mounts: [{ source: "/no/such\\r::stop-commands::x", target: /x }]\nrun: "true"');
    expect(acted(run.main.commands)).toEqual([
      'error:mounts[0].source: /no/such%0D%3A%3Astop-commands%3A%3Ax does not exist on the runner',
    ]);
    expect(errors(run.main)).toHaveLength(1);
  });
});

/** The CLI as a workflow `run:` step: the runner reads its stdout and stderr as they arrive. */
function cliStep(args: string[], job: Job): Promise<{ status: number | null; stdout: string; stderr: string; commands: Command[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(inject('actionNode'), [path.join(REPO, 'dist', 'cli', 'index.js'), ...args], {
      cwd: job.workspace,
      env: { PATH: process.env.PATH as string, HOME: process.env.HOME as string, RUNNER_TEMP: job.temp, GITHUB_ACTIONS: 'true' },
    });
    const reader = new CommandReader();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      reader.push('stdout', c);
      stdout += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      reader.push('stderr', c);
      stderr += c;
    });
    child.stdout.on('end', () => reader.close('stdout'));
    child.stderr.on('end', () => reader.close('stderr'));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr, commands: reader.commands }));
  });
}

describe('the CLI in a workflow step', () => {
  let job: Job;
  beforeAll(() => {
    job = makeJob('joblog-cli');
  });
  afterAll(() => removeJob(job));

  test('notes, collect warnings and errors on stderr issue no command', async () => {
    submodule(job.workspace, WINDOW);
    submodule(job.workspace, 'libs/##[warning]x');
    const doc = path.join(job.home, 'cell.yml');
    writeFileSync(
      doc,
      `workspace: read-write\ncollect: [out]\n${forgeScript}  mkdir -p out\n  ln -s x 'out/##[error]e'\n  ln -s x $'out/l\\r::stop-commands::pwn42\\rz'\n`,
    );
    const r = await cliStep(['run', doc, '--runsc', runsc, '--workspace', job.workspace], job);
    expect(r.status).toBe(0);
    const commands = acted(r.commands);
    expect(commands.filter((c) => !OUR_WINDOW.test(c))).toEqual([]);
    expect(commands).toHaveLength(1);
    expect(r.stderr).toContain('warning: collect: out/%23%23[error]e is a symbolic link in the cell; not copied');

    const missing = path.join(job.home, 'missing.yml');
    writeFileSync(missing, 'mounts: [{ source: "/no/such\\r::stop-commands::x", target: /x }]\nrun: "true"\n');
    const e = await cliStep(['run', missing, '--runsc', runsc, '--workspace', job.workspace], job);
    expect(e.status).toBe(125);
    expect(e.commands).toEqual([]);
    expect(e.stderr).toContain('mounts[0].source: /no/such%0D%3A%3Astop-commands%3A%3Ax does not exist on the runner');
  });
});

/** Each test plants its own submodules. */
function removeGit(job: Job): void {
  rmSync(path.join(job.workspace, '.git'), { recursive: true, force: true });
}
