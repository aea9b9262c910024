/**
 * The action's main step, in the order the data flows:
 * inputs → document → bundle (validated, nothing started yet) → runsc →
 * sandbox → outputs and summary → cleanup.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { parseCell } from './cell/parse.js';
import type { Cell } from './cell/schema.js';
import { formatDuration } from './cell/units.js';
import { Outputs, RUN_DIR_PREFIX, State } from './constants.js';
import { gatherHostFacts } from './bundle/host.js';
import { buildBundle } from './bundle/spec.js';
import { bundlePaths, checkHostPaths, writeBundle } from './bundle/write.js';
import { type ActionInputs, readInputs } from './inputs.js';
import { type InstalledRunsc, installRunsc, useRunscAt } from './install/installer.js';
import { bucketArch } from './install/version.js';
import { CellOutput } from './run/output.js';
import { needsSudo, type Runsc } from './run/runsc.js';
import { runSandbox, type SandboxResult } from './run/sandbox.js';
import { renderSummary } from './report/summary.js';

export async function run(): Promise<void> {
  const cancel = new AbortController();
  let sandboxRunning = false;
  const onSignal = (signal: NodeJS.Signals) => {
    core.info(`Received ${signal}: stopping the cell`);
    // Before the sandbox starts there is nothing to stop: leave, and let the post step tidy up.
    if (!sandboxRunning) process.exit(1);
    cancel.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let runDir: string | undefined;
  try {
    const inputs = readInputs();
    const workspace = path.resolve(process.env.GITHUB_WORKSPACE || process.cwd());
    const cell = await loadCell(inputs, workspace);
    const arch = bucketArch(process.platform, process.arch);
    if (inputs.platform === 'kvm' && !existsSync('/dev/kvm')) {
      throw new Error('input platform: kvm needs /dev/kvm, which this runner does not have; use systrap (the default) or ptrace');
    }

    // Everything the document asks for is checked before anything is downloaded or started.
    const tempRoot = process.env.RUNNER_TEMP || os.tmpdir();
    const facts = gatherHostFacts(process.env, workspace);
    runDir = await fs.mkdtemp(path.join(tempRoot, RUN_DIR_PREFIX));
    core.saveState(State.RunDir, runDir);
    const paths = bundlePaths(runDir);
    const bundle = buildBundle(cell, facts, paths);
    await checkHostPaths(bundle);
    for (const name of bundle.missingEnv) core.warning(`pass-env: ${name} is not set in the action's environment; not passed`);

    const installed = await resolveRunsc(inputs, arch);
    core.setOutput(Outputs.RunscPath, installed.path);
    core.setOutput(Outputs.RunscVersion, installed.version);

    await writeBundle(bundle, paths);
    const containerId = containerIdFor(cell.name);
    const runsc: Runsc = { path: installed.path, sudo: needsSudo(), root: path.join(runDir, 'state') };
    mkdirSync(runsc.root, { mode: 0o700 });
    core.saveState(State.ContainerId, containerId);
    core.saveState(State.Runsc, runsc.path);
    core.saveState(State.Sudo, String(runsc.sudo));

    const flags = [`--platform=${inputs.platform}`, '--host-uds=none', `--log=${path.join(runDir, 'runsc.log')}`, '--log-format=json', ...bundle.flags];
    if (core.isDebug()) {
      const debugDir = path.join(tempRoot, `${RUN_DIR_PREFIX}debug-${containerId}`);
      mkdirSync(debugDir, { recursive: true });
      flags.push('--debug', `--debug-log=${debugDir}/`);
      core.setOutput(Outputs.DebugLogDir, debugDir);
      core.startGroup('config.json');
      core.info(JSON.stringify(bundle.spec, null, 2));
      core.endGroup();
    }

    const logDir = path.join(tempRoot, `${RUN_DIR_PREFIX}logs`);
    mkdirSync(logDir, { recursive: true });
    const output = new CellOutput(path.join(logDir, `${containerId}.log`), inputs.outputLimit);
    core.info(
      `Running cell ${cell.name} (${containerId}) with ${installed.version}, platform ${inputs.platform}, network ${cell.network}` +
        (cell.limits?.timeout !== undefined ? `, timeout ${formatDuration(cell.limits.timeout)}` : ''),
    );
    output.begin();
    sandboxRunning = true;
    let result: SandboxResult;
    try {
      result = await runSandbox({
        runsc,
        containerId,
        bundleDir: paths.dir,
        flags,
        runscLog: path.join(runDir, 'runsc.log'),
        timeoutMs: cell.limits?.timeout,
        output,
        signal: cancel.signal,
      });
    } finally {
      sandboxRunning = false;
      output.close();
    }
    await report(cell, inputs, installed, output, result);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  } finally {
    if (runDir) removeRunDir(runDir);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (cancel.signal.aborted) process.exit(1);
}

async function loadCell(inputs: ActionInputs, workspace: string): Promise<Cell> {
  if ('text' in inputs.cell) return parseCell(inputs.cell.text, inputs.cell.source);
  const file = path.resolve(workspace, inputs.cell.file);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`input cell-file: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseCell(text, inputs.cell.file);
}

async function resolveRunsc(inputs: ActionInputs, arch: string): Promise<InstalledRunsc> {
  if (inputs.runscPath) return useRunscAt(inputs.runscPath);
  return installRunsc({ version: inputs.version, arch, downloadUrl: inputs.downloadUrl, sha512: inputs.sha512 });
}

/** `<name slug>-<random>`: readable in `runsc list`, unique across parallel cells. */
export function containerIdFor(name: string): string {
  const slug = name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[-.]+|-+$/g, '').slice(0, 40) || 'cell';
  return `${slug}-${randomBytes(6).toString('hex')}`;
}

async function report(cell: Cell, inputs: ActionInputs, installed: InstalledRunsc, output: CellOutput, result: SandboxResult): Promise<void> {
  if (result.exitCode !== undefined) core.setOutput(Outputs.ExitCode, String(result.exitCode));
  core.setOutput(Outputs.Logs, output.logs.text());
  core.setOutput(Outputs.Stdout, output.stdout.text());
  core.setOutput(Outputs.Stderr, output.stderr.text());
  core.setOutput(Outputs.LogFile, output.logFile);
  core.setOutput(Outputs.TimedOut, String(result.timedOut));
  core.setOutput(Outputs.DurationMs, String(result.durationMs));

  const summary = renderSummary({
    name: cell.name,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    cancelled: result.cancelled,
    runscError: result.runscError?.message,
    durationMs: result.durationMs,
    runscVersion: installed.version,
    platform: inputs.platform,
    network: cell.network,
    limits: cell.limits ?? {},
    logTail: output.logs.text(),
    logFile: output.logFile,
  });
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summary).write();

  if (result.runscError) {
    const hint =
      inputs.platform === 'systrap' && !result.runscError.neverStarted
        ? '\nIf the host refuses systrap (e.g. Yama ptrace_scope=3), try platform: ptrace.'
        : '';
    core.setFailed(`The sandbox did not start: runsc failed before running the cell.\n${result.runscError.message}${hint}`);
  } else if (result.cancelled) {
    core.setFailed(`Cell ${cell.name} was cancelled; the sandbox was stopped and deleted`);
  } else if (result.timedOut) {
    const msg = `Cell ${cell.name} timed out after ${formatDuration(cell.limits?.timeout ?? 0)} and was killed`;
    inputs.failOnError ? core.setFailed(msg) : core.warning(msg);
  } else if (result.exitCode !== 0) {
    const msg = `Cell ${cell.name} exited with ${result.exitCode}`;
    inputs.failOnError ? core.setFailed(msg) : core.info(msg);
  } else {
    core.info(`Cell ${cell.name} passed in ${result.durationMs} ms`);
  }
}

/** Best effort: runsc (through sudo) may leave root-owned state; the post step retries with sudo. */
function removeRunDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch (error) {
    core.debug(`could not remove ${dir}: ${String(error)}`);
  }
}
