/**
 * The action's main step, in the order the data flows:
 * inputs → document → bundle (validated, nothing started yet) → runsc →
 * sandbox → outputs and summary → cleanup.
 *
 * Nothing on the way to `runsc run` loads @actions/core: with the HTTP client
 * it brings (for OIDC, which this action never uses) it takes about 30 ms to
 * load, a fifth of a trivial step. It is loaded while the sandbox boots, and
 * everything that needs it before the cell's output — the post step's state,
 * warnings (workflow commands, which must precede the stop-commands window),
 * the first outputs — happens then. Plain log lines need no core: `core.info`
 * is a line on stdout. Everything the step prints of its own goes through
 * log.ts, which neutralises it (it quotes the workspace: paths, names).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Core from '@actions/core';
import { loadCell } from './cell/load.js';
import type { Cell } from './cell/schema.js';
import { formatDuration, formatSize } from './cell/units.js';
import { Outputs, RUN_DIR_PREFIX, State } from './constants.js';
import { type ActionInputs, readInputs } from './inputs.js';
import { type InstalledRunsc, obtainRunsc } from './install/obtain.js';
import { bucketArch, truncAdvisory } from './install/version.js';
import { commands, log } from './log.js';
import { writePostRecord } from './post-record.js';
import { likelyOutOfMemory, logCutNote, renderSummary } from './report/summary.js';
import { type CellPlan, planCell, removeRunDir, runPlanned } from './run/cell.js';
import type { CellOutput } from './run/output.js';
import type { SandboxResult } from './run/sandbox.js';

let loaded: typeof Core | undefined;
/** @actions/core, on first use (see above). */
async function loadCore(): Promise<typeof Core> {
  loaded ??= await import('@actions/core');
  return loaded;
}

export async function run(): Promise<void> {
  const cancel = new AbortController();
  let sandboxRunning = false;
  let plan: CellPlan | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    log.info(`Received ${signal}: stopping the cell`);
    // Before the sandbox starts there is nothing to stop: remove the run directory (only ours in it yet) and leave.
    if (!sandboxRunning) {
      if (plan) removeRunDir(plan.runDir);
      process.exit(1);
    }
    cancel.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const inputs = readInputs();
    const workspace = path.resolve(process.env.GITHUB_WORKSPACE || process.cwd());
    const cell = loadCell(inputs.cell, workspace, 'input cell-file');
    const arch = bucketArch(process.platform, process.arch);
    if (inputs.platform === 'kvm' && !existsSync('/dev/kvm')) {
      throw new Error('input platform: kvm needs /dev/kvm, which this runner does not have; use systrap (the default) or ptrace');
    }

    // Everything the document asks for is checked before anything is downloaded or started.
    const tempRoot = process.env.RUNNER_TEMP || os.tmpdir();
    plan = planCell(cell, { workspace, env: process.env, tempRoot });
    const runDir = plan.runDir;
    // Warnings are workflow commands, written through @actions/core once it is loaded.
    const warnings = [
      ...plan.bundle.missingEnv.map((name) => `pass-env: ${name} is not set in the action's environment; not passed`),
      ...plan.bundle.warnings,
    ];
    for (const note of plan.bundle.notes) log.info(note);
    if (!inputs.runscPath && !inputs.sha512 && inputs.downloadUrl.startsWith('http:')) {
      warnings.push(
        'download-url is plain http: the .sha512 comes over the same channel as runsc; pin runsc-sha512 to make the download verifiable',
      );
    }
    const installed = await obtainRunsc(inputs, arch, { privateDir: runDir });
    // A line in the log and a callout in the summary, not an annotation: the action covers it (readonly.ts).
    const advisory = truncAdvisory(installed.version);
    if (advisory) log.info(`Note: ${advisory}`);

    // core.isDebug(), read directly: the debug flags must be known before runsc starts.
    const debugDir = process.env.RUNNER_DEBUG === '1' ? mkdtempSync(path.join(tempRoot, `${RUN_DIR_PREFIX}debug-`)) : undefined;
    const { bundle } = plan;
    sandboxRunning = true;
    const { output, result, collected } = await runPlanned(plan, {
      runscPath: installed.path,
      platform: inputs.platform,
      outputLimit: inputs.outputLimit,
      // raw: the cell's bytes and the window's own two commands (run/output.ts).
      jobLog: { write: (data) => process.stdout.write(data) },
      commandWindow: true,
      signal: cancel.signal,
      debugDir,
      onSpawned: async (containerId, runsc) => {
        const core = await loadCore();
        const say = commands(core);
        // What the post step may run is recorded in the run directory, before the state that points at it.
        core.saveState(State.Nonce, writePostRecord(runDir, { containerId, runsc: runsc.path }));
        core.saveState(State.RunDir, runDir);
        for (const warning of warnings) say.warning(warning);
        core.setOutput(Outputs.RunscPath, installed.path);
        core.setOutput(Outputs.RunscVersion, installed.version);
        if (debugDir) {
          core.setOutput(Outputs.DebugLogDir, debugDir);
          // Mount sources and the script come from the document and the workspace: neutralised like the rest.
          const staged = (plan?.readOnly?.binds ?? []).map((b) => `${b.at} = ${b.source}`);
          const binds = staged.length > 0 ? `\n\nRead-only on the host (stub = source):\n${staged.join('\n')}` : '';
          say.group('config.json', JSON.stringify(bundle.spec, null, 2) + binds);
        }
        log.info(
          `Running cell ${cell.name} with ${installed.version}, platform ${inputs.platform}, network ${cell.network}` +
            (cell.limits?.timeout !== undefined ? `, timeout ${formatDuration(cell.limits.timeout)}` : ''),
        );
      },
    }).finally(() => {
      sandboxRunning = false;
    });
    const core = await loadCore();
    if (collected && !collected.error) {
      log.info(`Collected ${collected.files} file${collected.files === 1 ? '' : 's'} from the cell into the workspace`);
    }
    // They quote the names of files the cell made.
    for (const warning of collected?.warnings ?? []) commands(core).warning(warning);
    await report(core, cell, inputs, installed, output, result);
    // Asked-for files that could not come back fail the step, whatever the cell's status.
    if (collected?.error) commands(core).fail(collected.error);
  } catch (error) {
    // Errors quote paths and the document.
    commands(await loadCore()).fail(error instanceof Error ? error.message : String(error));
  } finally {
    if (plan) removeRunDir(plan.runDir);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (cancel.signal.aborted) process.exit(1);
}

async function report(
  core: typeof Core,
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

  // After the stop-commands window: a later step reading log-file gets only part of the output.
  if (output.logCutAt !== undefined) commands(core).warning(`log-file ${output.logFile}: ${logCutNote(output.logCutAt)}`);

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
    logCutAt: output.logCutAt,
    advisories: [truncAdvisory(installed.version)].filter((a): a is string => a !== undefined),
  });
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summary).write();

  const say = commands(core);

  if (result.runscError) {
    const hint =
      inputs.platform === 'systrap' && !result.runscError.neverStarted
        ? '\nIf the host refuses systrap (e.g. Yama ptrace_scope=3), try platform: ptrace.'
        : '';
    say.fail(`The sandbox did not start: runsc failed before running the cell.\n${result.runscError.message}${hint}`);
  } else if (result.cancelled) {
    say.fail(`Cell ${cell.name} was cancelled; the sandbox was stopped and deleted`);
  } else if (result.timedOut) {
    const msg = `Cell ${cell.name} timed out after ${formatDuration(cell.limits?.timeout ?? 0)} and was killed`;
    inputs.failOnError ? say.fail(msg) : say.warning(msg);
  } else if (result.exitCode !== 0) {
    const oom = likelyOutOfMemory({ ...result, limits: cell.limits ?? {} });
    const msg = oom
      ? `Cell ${cell.name} was killed (exit 137, SIGKILL) under limits.memory ${formatSize(cell.limits?.memory ?? 0)}: most likely out of memory`
      : `Cell ${cell.name} exited with ${result.exitCode}`;
    inputs.failOnError ? say.fail(msg) : log.info(msg);
  } else {
    log.info(`Cell ${cell.name} passed in ${result.durationMs} ms`);
  }
}
