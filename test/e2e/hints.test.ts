/**
 * The hints after a verdict (src/run/hints.ts), against a real runsc: a
 * command the cell cannot find, given with `run:` and with `command:` (runsc
 * fails those itself), through the action and the CLI, with the document keys
 * the hint suggests tried for real; a timeout under `network: none` while the
 * cell retries a connection; a timeout close to `limits.memory`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { REPO } from '../support/action-yml.js';
import { type Job, makeJob, removeJob } from '../support/job.js';
import { SYSTEM_PATH } from '../support/runner.js';
import { errors } from '../support/workflow-commands.js';
import { runAction } from './action.js';

const runsc = inject('runsc');
let job: Job;
/** A program on the runner's PATH, under HOME (as pip --user or pyenv put them): outside the cell's view. */
let homeTool: string;
/**
 * A program in /opt, which the cell sees, in a directory on the runner's PATH
 * that is not on the cell's (hosted runners have /opt/pipx_bin so).
 */
let optTool: string;
const OPT_DIR = `/opt/gvc-e2e-hints-${process.pid}`;
let runnerPath: string;

function executable(file: string, text: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, 0o755);
  return file;
}

beforeAll(() => {
  job = makeJob('hints');
  homeTool = executable(path.join(job.home, '.local', 'bin', 'gvc-hint-tool'), '#!/bin/sh\necho "home tool ran"\n');
  optTool = executable(path.join(OPT_DIR, 'bin', 'gvc-lint'), '#!/bin/sh\necho "opt tool ran"\n');
  runnerPath = `${path.dirname(homeTool)}:${path.dirname(optTool)}:${SYSTEM_PATH}`;
});
afterAll(() => {
  removeJob(job);
  rmSync(OPT_DIR, { recursive: true, force: true });
});

function cell(doc: string, env: Record<string, string> = {}) {
  return runAction(job, { inputs: { cell: doc, 'runsc-path': runsc }, env: { PATH: runnerPath, ...env } });
}

/** The document keys a hint suggests, as YAML lines (`mounts: …`, `env: …`). */
function suggested(hint: string): string {
  return hint
    .split('\n')
    .filter((l) => /^ {2}(mounts|env): /.test(l))
    .map((l) => l.trim())
    .join('\n');
}

describe('exit 127: a command the cell cannot find', () => {
  test('run: says it is not on the cell’s PATH, prints that PATH and the view, and the keys it suggests fix it', async () => {
    const r = await cell('name: missing\nrun: gvc-hint-tool\n');
    expect(r.main.exitCode).toBe(1);
    expect(r.main.outputs['exit-code']).toBe('127');
    const [error] = errors(r.main);
    expect(error).toContain('Cell missing exited with 127\n');
    expect(error).toContain(`gvc-hint-tool is not on the cell's PATH: ${SYSTEM_PATH}\n`);
    expect(error).toContain(`The cell sees only the runner's /usr, /etc, /opt and the tool cache (${job.toolCache}), read-only`);
    expect(error).toContain(`HOME (${job.home}) is empty`);
    expect(error).toContain(`On the runner it is ${homeTool}, outside what the cell sees.`);
    const keys = suggested(error as string);
    expect(keys).toBe(
      `mounts: [{ source: ${job.home}/.local/bin, target: ${job.home}/.local/bin }]\nenv: { PATH: "${path.dirname(homeTool)}:${SYSTEM_PATH}" }`,
    );
    expect(r.main.summary).toContain('**What to do:**');
    expect(r.main.summary).toContain(`gvc-hint-tool is not on the cell's PATH: ${SYSTEM_PATH}`);

    const fixed = await cell(`name: fixed\nrun: gvc-hint-tool\n${keys}\n`);
    expect(errors(fixed.main)).toEqual([]);
    expect(fixed.main.outputs.stdout).toBe('home tool ran\n');
  });

  test('command: runsc’s refusal is the cell’s exit 127, with the same hint (no platform advice)', async () => {
    const r = await cell('name: missing-command\ncommand: [gvc-hint-tool, --version]\n');
    expect(r.main.exitCode).toBe(1);
    expect(r.main.outputs['exit-code']).toBe('127');
    const [error] = errors(r.main);
    expect(error).toMatch(/^Cell missing-command could not run its command: gvc-hint-tool was not found in the cell \(exit 127\)\n/);
    expect(error).toContain(`gvc-hint-tool is not on the cell's PATH: ${SYSTEM_PATH}\n`);
    expect(error).toContain(`  mounts: [{ source: ${job.home}/.local/bin, target: ${job.home}/.local/bin }]`);
    expect(error).not.toContain('platform');
    expect(r.main.summary).toContain('❌ command not found (exit 127)');
  });

  test('command: a program the cell sees, not on its PATH: only env.PATH, and that fixes it', async () => {
    const r = await cell('name: lint\ncommand: [gvc-lint]\ncollect: [out]\n');
    expect(r.main.outputs['exit-code']).toBe('127');
    const [error] = errors(r.main);
    const dir = path.dirname(optTool);
    expect(error).toContain(
      `On the runner it is ${optTool}, which the cell sees, but ${dir} is not on the cell's PATH: add it with env: { PATH: "${dir}:${SYSTEM_PATH}" }`,
    );
    expect(error).not.toContain('mounts:');
    const fixed = await cell(`name: lint\ncommand: [gvc-lint]\nenv: { PATH: "${dir}:${SYSTEM_PATH}" }\n`);
    expect(errors(fixed.main)).toEqual([]);
    expect(fixed.main.outputs.stdout).toBe('opt tool ran\n');
  });

  test('the CLI says the same and exits 127 for run: and command: alike', () => {
    const cli = path.join(REPO, 'dist', 'cli', 'index.js');
    for (const [name, body] of [
      ['cli-run', 'run: gvc-hint-tool'],
      ['cli-command', 'command: [gvc-hint-tool]'],
    ]) {
      const file = path.join(job.workspace, `${name}.yml`);
      writeFileSync(file, `name: ${name}\n${body}\n`);
      const r = spawnSync(inject('actionNode'), [cli, 'run', file, '--runsc', runsc], {
        cwd: job.workspace,
        encoding: 'utf8',
        env: { PATH: runnerPath, HOME: job.home, RUNNER_TEMP: job.temp, RUNNER_TOOL_CACHE: job.toolCache },
      });
      expect(r.status, r.stderr).toBe(127);
      expect(r.stderr).toContain(`gvisor-cell: gvc-hint-tool is not on the cell's PATH: ${SYSTEM_PATH}\n`);
      expect(r.stderr).toContain(`  mounts: [{ source: ${job.home}/.local/bin, target: ${job.home}/.local/bin }]`);
    }
  });
});

describe('timeouts', () => {
  test('network: none, retrying a connection: says the network was off, naming the failure in its own words', async () => {
    // 192.0.2.1 is TEST-NET-1: never routed; under network: none nothing leaves the sandbox anyway.
    const r = await cell(
      'name: offline\nnetwork: none\nrun: |\n  while :; do (exec 3<>/dev/tcp/192.0.2.1/80) || true; sleep 0.5; done\nlimits: { timeout: 3s }\n',
    );
    expect(r.main.outputs['timed-out']).toBe('true');
    const [error] = errors(r.main);
    expect(error).toMatch(/^Cell offline timed out after 3s and was killed\n/);
    expect(error).toMatch(
      /\nThe cell has no network \(network: none\), and its output shows a connection failing \(No route to host\)\. It kept trying until the timeout\. /,
    );
    expect(error).not.toContain('When the timeout struck');
  });

  test('network: none, silent, far from limits.memory: the plain network note, no memory note', async () => {
    const r = await cell('name: quiet\nrun: sleep 30\nlimits: { timeout: 2s, memory: 256Mi }\n');
    expect(r.main.outputs['timed-out']).toBe('true');
    const [error] = errors(r.main);
    expect(error).toContain(
      '\nThe cell has no network (network: none): a program that waits for a download or a server waits until the timeout.',
    );
    expect(error).not.toContain('When the timeout struck');
  });

  // The cell fills its memory from inside, reading gVisor's /proc/meminfo (MemTotal is limits.memory).
  test.skipIf(!existsSync('/usr/bin/python3'))(
    'close to limits.memory: says how much it was using (skipped without /usr/bin/python3, which fills the memory)',
    async () => {
      const fill = [
        'import time',
        'def avail():',
        '    info = dict(l.split(":") for l in open("/proc/meminfo"))',
        '    return int(info["MemAvailable"].split()[0]) * 1024, int(info["MemTotal"].split()[0]) * 1024',
        'held = []',
        'while avail()[0] > 0.09 * avail()[1]:',
        '    held.append(bytearray(b"x" * (1 << 20)))',
        'print("holding", len(held), "MiB", flush=True)',
        'time.sleep(60)',
      ].join('\n');
      writeFileSync(path.join(job.workspace, 'fill.py'), `${fill}\n`);
      const r = await cell('name: full\ncommand: [/usr/bin/python3, fill.py]\nlimits: { timeout: 8s, memory: 256Mi }\n');
      expect(r.main.outputs.stdout).toMatch(/^holding \d+ MiB\n$/);
      expect(r.main.outputs['timed-out']).toBe('true');
      const [error] = errors(r.main);
      const said = /\nWhen the timeout struck, the cell was using (\d+) MiB of its limits\.memory 256Mi \((\d+) percent\)\. /.exec(
        error as string,
      );
      expect(said, error).not.toBeNull();
      expect(Number(said?.[2])).toBeGreaterThanOrEqual(90);
      expect(Number(said?.[1])).toBeLessThanOrEqual(256);
      expect(error).toContain('NODE_OPTIONS=--max-old-space-size');
      // Under network: none the memory explains the timeout: no plain network note beside it.
      expect(error).not.toContain('The cell has no network');
      // The reading held the kill up by at most the probe's bound (1 s).
      expect(Number(r.main.outputs['duration-ms'])).toBeLessThan(8_000 + 4_000);
    },
  );
});
