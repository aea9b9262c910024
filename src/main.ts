/**
 * The action's main step, in the order the data flows:
 * inputs → document → bundle (validated, nothing started yet) → runsc →
 * sandbox → outputs and summary → cleanup.
 */
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { loadCell } from './cell/load.js';
import type { Cell } from './cell/schema.js';
import { formatDuration, formatSize } from './cell/units.js';
import { Outputs, RUN_DIR_PREFIX, State } from './constants.js';
import { type ActionInputs, readInputs } from './inputs.js';
import { type InstalledRunsc, obtainRunsc } from './install/installer.js';
import { bucketArch } from './install/version.js';
import { likelyOutOfMemory, renderSummary } from './report/summary.js';
import { type CellPlan, planCell, removeRunDir, runPlanned } from './run/cell.js';
import type { CellOutput } from './run/output.js';
import type { SandboxResult } from './run/sandbox.js';

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

  let plan: CellPlan | undefined;
  try {
    const inputs = readInputs();
    const workspace = path.resolve(process.env.GITHUB_WORKSPACE || process.cwd());
    const cell = await loadCell(inputs.cell, workspace, 'input cell-file');
    const arch = bucketArch(process.platform, process.arch);
    if (inputs.platform === 'kvm' && !existsSync('/dev/kvm')) {
      throw new Error('input platform: kvm needs /dev/kvm, which this runner does not have; use systrap (the default) or ptrace');
    }

    // Everything the document asks for is checked before anything is downloaded or started.
    const tempRoot = process.env.RUNNER_TEMP || os.tmpdir();
    plan = await planCell(cell, { workspace, env: process.env, tempRoot });
    core.saveState(State.RunDir, plan.runDir);
    for (const name of plan.bundle.missingEnv) core.warning(`pass-env: ${name} is not set in the action's environment; not passed`);
    for (const note of plan.bundle.notes) core.info(note);
    for (const warning of plan.bundle.warnings) core.warning(warning);

    if (!inputs.runscPath && !inputs.sha512 && inputs.downloadUrl.startsWith('http:')) {
      core.warning(
        'download-url is plain http: the .sha512 comes over the same channel as runsc; pin runsc-sha512 to make the download verifiable',
      );
    }
    const installed = await obtainRunsc(inputs, arch);
    core.setOutput(Outputs.RunscPath, installed.path);
    core.setOutput(Outputs.RunscVersion, installed.version);

    let debugDir: string | undefined;
    if (core.isDebug()) {
      debugDir = await fs.mkdtemp(path.join(tempRoot, `${RUN_DIR_PREFIX}debug-`));
      core.setOutput(Outputs.DebugLogDir, debugDir);
      core.startGroup('config.json');
      core.info(JSON.stringify(plan.bundle.spec, null, 2));
      core.endGroup();
    }
    core.info(
      `Running cell ${cell.name} with ${installed.version}, platform ${inputs.platform}, network ${cell.network}` +
        (cell.limits?.timeout !== undefined ? `, timeout ${formatDuration(cell.limits.timeout)}` : ''),
    );
    sandboxRunning = true;
    const { output, result, collected } = await runPlanned(plan, {
      runscPath: installed.path,
      platform: inputs.platform,
      outputLimit: inputs.outputLimit,
      jobLog: { write: (data) => process.stdout.write(data) },
      commandWindow: true,
      signal: cancel.signal,
      debugDir,
      onStart: (containerId, runsc) => {
        core.saveState(State.ContainerId, containerId);
        core.saveState(State.Runsc, runsc.path);
        core.saveState(State.Sudo, String(runsc.sudo));
      },
    }).finally(() => {
      sandboxRunning = false;
    });
    if (collected) {
      core.info(`Collected ${collected.files} file${collected.files === 1 ? '' : 's'} from the cell into the workspace`);
      for (const warning of collected.warnings) core.warning(warning);
    }
    await report(cell, inputs, installed, output, result);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  } finally {
    if (plan) removeRunDir(plan.runDir);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (cancel.signal.aborted) process.exit(1);
}

async function report(
  cell: Cell,
  inputs: ActionInputs,
  installed: InstalledRunsc,
  output: CellOutput,
  result: SandboxResult,
): Promise<void> {
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
    const oom = likelyOutOfMemory({ ...result, limits: cell.limits ?? {} });
    const msg = oom
      ? `Cell ${cell.name} was killed (exit 137, SIGKILL) under limits.memory ${formatSize(cell.limits?.memory ?? 0)}: most likely out of memory`
      : `Cell ${cell.name} exited with ${result.exitCode}`;
    inputs.failOnError ? core.setFailed(msg) : core.info(msg);
  } else {
    core.info(`Cell ${cell.name} passed in ${result.durationMs} ms`);
  }
}
