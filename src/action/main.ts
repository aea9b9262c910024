/**
 * The action's main step, in the order the data flows:
 * inputs → document → bundle (validated, nothing started yet) → runsc →
 * sandbox → outputs and summary → cleanup.
 *
 * Nothing on the way to `runsc run` loads @actions/core: with the HTTP client
 * it brings (for OIDC, which this action never uses) it is a large part of a
 * trivial step (README, Performance; test/unit/warm-path.test.ts enforces
 * it). It is loaded while the sandbox boots, and
 * everything that needs it before the cell's output — the post step's state,
 * warnings (workflow commands, which must precede the stop-commands window),
 * the first outputs — happens then. Plain log lines need no core: `core.info`
 * is a line on stdout. Everything the step prints of its own goes through
 * log.ts and commands.ts, which neutralise it (it quotes the workspace).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Core from '@actions/core';
import { loadCell } from '../cell/load.js';
import { type Cell, networkLabel } from '../cell/schema.js';
import { formatDuration } from '../cell/units.js';
import type { PulledImage, pullForCell as pullForCellType } from '../image/index.js';
import { type InstalledRunsc, type ObtainedRunsc, obtainRunsc } from '../install/obtain.js';
import { bucketArch, truncAdvisory } from '../install/version.js';
import { type Logger, lineLogger } from '../log.js';
import { runscWarnings } from '../options.js';
import { type CellPlan, type CellRun, planCell, releasePlan, removeRunDir, runPlanned, startNetwork } from '../run/cell.js';
import { leftCgroupsNote } from '../run/cgroups.js';
import { RUN_DIR_PREFIX } from '../run/run-dir.js';
import { describe, reportedStatus } from '../run/verdict.js';
import { commands } from './commands.js';
import { type ActionInputs, readInputs } from './inputs.js';
import { Outputs } from './names.js';
import { savePostState } from './post-state.js';
import { logCutNote, renderSummary } from './summary.js';

let loaded: typeof Core | undefined;
/** @actions/core, on first use (see above). */
async function loadCore(): Promise<typeof Core> {
  loaded ??= await import('@actions/core');
  return loaded;
}

/** The runner's tool cache: where runsc is cached between steps and jobs. */
function runnerToolCache(): string {
  const root = process.env.RUNNER_TOOL_CACHE;
  if (!root) throw new Error('RUNNER_TOOL_CACHE is not set: gvisor-cell caches runsc in the runner’s tool cache');
  return root;
}

export async function run(): Promise<void> {
  // The job log: plain lines on stdout, neutralised (log.ts).
  const log = lineLogger(process.stdout);
  const cancel = new AbortController();
  let sandboxRunning = false;
  let plan: CellPlan | undefined;
  let image: Awaited<ReturnType<typeof pullForCellType>> | undefined;
  let obtained: ObtainedRunsc | undefined;
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

    // Everything the document asks for is checked before anything is downloaded or started.
    const tempRoot = process.env.RUNNER_TEMP || os.tmpdir();
    // An image is pulled (or found in the tool cache) before the plan: the plan lays the cell out over it.
    if (typeof cell.rootfs === 'object' && cell.rootfs.image !== undefined) {
      const { pullForCell } = await import('../image/index.js');
      image = await pullForCell(cell.rootfs.image, runnerToolCache(), (line) => log.info(line));
    }
    plan = planCell(cell, { workspace, env: process.env, tempRoot, image: image?.facts });
    // With network.allow, the cell's network is made while runsc is found (or downloaded).
    await startNetwork(plan);
    const runDir = plan.runDir;
    // Warnings are workflow commands, written through @actions/core once it is loaded.
    const warnings = [
      ...plan.bundle.missingEnv.map((name) => `pass-env: ${name} is not set in the action's environment; not passed`),
      ...plan.bundle.warnings,
      ...runscWarnings(inputs.runsc),
    ];
    for (const note of plan.bundle.notes) log.info(note);
    obtained = await obtainRunsc(inputs.runsc, {
      arch,
      toolCache: inputs.runsc.at ? '' : runnerToolCache(),
      tempDir: tempRoot,
      log,
      privateDir: runDir,
    });
    const proving = obtained;

    // core.isDebug(), read directly: the debug flags must be known before runsc starts.
    const debugDir = process.env.RUNNER_DEBUG === '1' ? mkdtempSync(path.join(tempRoot, `${RUN_DIR_PREFIX}debug-`)) : undefined;
    sandboxRunning = true;
    const ran = await runPlanned(plan, {
      runscPath: obtained.path,
      platform: inputs.platform,
      outputLimit: inputs.outputLimit,
      // raw: the cell's bytes and the window's own two commands (run/output.ts).
      jobLog: { write: (data) => process.stdout.write(data) },
      commandWindow: true,
      signal: cancel.signal,
      debugDir,
      onHostChanges: async ({ containerId, runsc, networkId }) => {
        // What the post step may run and remove is recorded in the run directory, before the state that points at it.
        const core = await loadCore();
        savePostState(core.saveState, runDir, { containerId, runsc: runsc.path, ...(networkId ? { networkId } : {}) });
      },
      onSpawned: async ({ spec, readOnly }) => {
        // A release just downloaded answers `runsc --version` while the sandbox boots. One that does
        // not fails the step with what it said: the hook's error stops the sandbox (sandbox.ts), and
        // the entry goes once it is gone (release(), below).
        const installed = await proving.proven;
        // A line in the log and a callout in the summary, not an annotation: the action covers it (readonly.ts).
        const advisory = truncAdvisory(installed.version);
        if (advisory) log.info(`Note: ${advisory}`);
        const core = await loadCore();
        const say = commands(core, log);
        for (const warning of warnings) say.warning(warning);
        core.setOutput(Outputs.RunscPath, installed.path);
        core.setOutput(Outputs.RunscVersion, installed.version);
        if (image) core.setOutput(Outputs.ImageDigest, image.pulled.digest);
        if (debugDir) {
          core.setOutput(Outputs.DebugLogDir, debugDir);
          // Mount sources and the script come from the document and the workspace: neutralised like the rest.
          const staged = [...readOnly.binds, ...(readOnly.root?.binds ?? [])].map((b) => `${b.at} = ${b.source}`);
          const binds = staged.length > 0 ? `\n\nRead-only on the host (stub = source):\n${staged.join('\n')}` : '';
          say.group('config.json', JSON.stringify(spec, null, 2) + binds);
        }
        log.info(
          `Running cell ${cell.name} with ${installed.version}, platform ${inputs.platform}, network ${networkLabel(cell.network)}` +
            (cell.limits?.timeout !== undefined ? `, timeout ${formatDuration(cell.limits.timeout)}` : ''),
        );
      },
    }).finally(() => {
      sandboxRunning = false;
    });
    const installed = await proving.proven;
    const core = await loadCore();
    const { collected } = ran;
    if (collected && !collected.error) {
      log.info(`Collected ${collected.files} file${collected.files === 1 ? '' : 's'} from the cell into the workspace`);
    }
    // They quote the names of files the cell made.
    for (const warning of collected?.warnings ?? []) commands(core, log).warning(warning);
    await report(core, log, cell, inputs, installed, ran, image?.pulled);
    // Asked-for files that could not come back fail the step, whatever the cell's status.
    if (collected?.error) commands(core, log).fail(collected.error);
  } catch (error) {
    // Errors quote paths and the document.
    commands(await loadCore(), log).fail(error instanceof Error ? error.message : String(error));
  } finally {
    // Nothing started from it runs any more (runPlanned made sure).
    await obtained?.release();
    if (plan) await releasePlan(plan);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  if (cancel.signal.aborted) process.exit(1);
}

/** The outputs, the summary, and the step's status, all from the run's one verdict. */
async function report(
  core: typeof Core,
  log: Logger,
  cell: Cell,
  inputs: ActionInputs,
  installed: InstalledRunsc,
  ran: CellRun,
  image: PulledImage | undefined,
): Promise<void> {
  const { output, result, verdict, hints } = ran;
  // The CLI exits with the same number (verdict.ts): 124 for a timeout, not the SIGKILL that ended it.
  const status = reportedStatus(verdict);
  if (status !== undefined) core.setOutput(Outputs.ExitCode, String(status));
  core.setOutput(Outputs.Logs, output.logs.text());
  core.setOutput(Outputs.Stdout, output.stdout.text());
  core.setOutput(Outputs.Stderr, output.stderr.text());
  core.setOutput(Outputs.LogFile, output.logFile);
  core.setOutput(Outputs.TimedOut, String(result.timedOut));
  core.setOutput(Outputs.DurationMs, String(result.durationMs));
  if (ran.egress) core.setOutput(Outputs.EgressLog, ran.egress.file);

  const say = commands(core, log);
  // Each refused destination once, after the cell's output: normalised names only (egress/record.ts).
  for (const r of ran.egress?.rows ?? []) {
    if (r.decision === 'denied')
      log.info(`Egress refused: ${r.port === 53 ? `${r.name} (DNS)` : `${r.name}:${r.port}`}: ${r.reason ?? ''} (${r.connections}×)`);
  }
  // After the stop-commands window: a later step reading log-file gets only part of the output.
  if (output.logCutAt !== undefined) say.warning(`log-file ${output.logFile}: ${logCutNote(output.logCutAt)}`);
  if (result.leftCgroups) say.warning(leftCgroupsNote(result.leftCgroups));

  const summary = renderSummary({
    name: cell.name,
    verdict,
    hints,
    exitCode: status,
    durationMs: result.durationMs,
    runscVersion: installed.version,
    platform: inputs.platform,
    network: networkLabel(cell.network),
    limits: cell.limits ?? {},
    logTail: output.logs.text(),
    logFile: output.logFile,
    logCutAt: output.logCutAt,
    advisories: [truncAdvisory(installed.version)].filter((a): a is string => a !== undefined),
    ...(ran.egress ? { egress: ran.egress } : {}),
    ...(image ? { image } : {}),
  });
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summary).write();

  // One annotation: the verdict, then what to do about it.
  const message = [describe(verdict, cell.name, result.durationMs), ...hints].join('\n');
  switch (verdict.kind) {
    case 'passed':
      return log.info(message);
    case 'sandbox-failed': {
      const hint =
        inputs.platform === 'systrap' && !verdict.neverStarted
          ? '\nIf the host refuses systrap (e.g. Yama ptrace_scope=3), try platform: ptrace.'
          : '';
      return say.fail(message + hint);
    }
    case 'cancelled':
      return say.fail(message);
    case 'timed-out':
      return inputs.failOnError ? say.fail(message) : say.warning(message);
    case 'out-of-memory':
    case 'command-not-found':
    case 'failed':
      return inputs.failOnError ? say.fail(message) : log.info(message);
  }
}
