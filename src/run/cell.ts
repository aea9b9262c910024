/**
 * The engine shared by the action and the CLI: a validated cell becomes a
 * planned bundle in a private run directory (checked against the host, nothing
 * started), then runs in a sandbox with its output streamed and kept.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gatherHostFacts } from '../bundle/host.js';
import { type Bundle, type BundlePaths, buildBundle } from '../bundle/spec.js';
import { bundlePaths, checkHostPaths, writeBundle } from '../bundle/write.js';
import type { Cell } from '../cell/schema.js';
import { RUN_DIR_PREFIX } from '../constants.js';
import type { Platform } from '../inputs.js';
import type { Collected } from './collect.js';
import { CellOutput, type Sink } from './output.js';
import { needsSudo, type Runsc } from './runsc.js';
import { runSandbox, type SandboxResult, type SandboxRun } from './sandbox.js';

export interface CellPlan {
  cell: Cell;
  bundle: Bundle;
  /** This run's private directory (bundle, runsc state, runsc's log); removed after the run. */
  runDir: string;
  paths: BundlePaths;
  tempRoot: string;
  workspace: string;
}

export interface PlanContext {
  workspace: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Where run directories and logs go (RUNNER_TEMP for the action). */
  tempRoot: string;
}

/** Builds the bundle and checks every host path it names. Starts nothing; throws with the key at fault. */
export function planCell(cell: Cell, ctx: PlanContext): CellPlan {
  const facts = gatherHostFacts(ctx.env, ctx.workspace);
  const runDir = mkdtempSync(path.join(ctx.tempRoot, RUN_DIR_PREFIX));
  try {
    const paths = bundlePaths(runDir);
    const bundle = buildBundle(cell, facts, paths);
    checkHostPaths(bundle, ctx.workspace);
    return { cell, bundle, runDir, paths, tempRoot: ctx.tempRoot, workspace: ctx.workspace };
  } catch (error) {
    removeRunDir(runDir);
    throw error;
  }
}

export interface RunOptions {
  runscPath: string;
  platform: Platform;
  outputLimit: number;
  /** Where the cell's bytes are shown live (the job log, a terminal). */
  jobLog: Sink;
  /** Wrap the live output in a stop-commands window (the action); the CLI shows it plain. */
  commandWindow: boolean;
  signal: AbortSignal;
  /** runsc debug logs go here when set. */
  debugDir?: string;
  /**
   * Called as soon as the sandbox is on its way (runsc spawned), while it
   * boots; the live output starts once it resolves. The action loads
   * @actions/core here and saves the post step's state.
   */
  onSpawned?: (containerId: string, runsc: Runsc) => Promise<void>;
}

export interface CellRun {
  containerId: string;
  output: CellOutput;
  result: SandboxResult;
  /** With `collect`: what came back (undefined when the cell did not run to the end). */
  collected: Collected | undefined;
}

/**
 * `<name slug>-<unique>`: readable in `runsc list` and as the log file's name.
 * `unique` is the run directory's random suffix (mkdtemp's: no two live run
 * directories share it), which spares loading node:crypto before runsc starts.
 */
export function containerIdFor(name: string, runDir: string): string {
  const slug =
    name
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^[-.]+|-+$/g, '')
      .slice(0, 40) || 'cell';
  return `${slug}-${path.basename(runDir).slice(RUN_DIR_PREFIX.length)}`;
}

export async function runPlanned(plan: CellPlan, opts: RunOptions): Promise<CellRun> {
  writeBundle(plan.bundle, plan.paths);
  const containerId = containerIdFor(plan.cell.name, plan.runDir);
  const runsc: Runsc = { path: opts.runscPath, sudo: needsSudo(), root: path.join(plan.runDir, 'state') };
  mkdirSync(runsc.root, { mode: 0o700 });

  const runscLog = path.join(plan.runDir, 'runsc.log');
  const flags = [`--platform=${opts.platform}`, '--host-uds=none', `--log=${runscLog}`, '--log-format=json', ...plan.bundle.flags];
  if (opts.debugDir) flags.push('--debug', `--debug-log=${opts.debugDir}/`);

  // The full log outlives the run directory: it is an output for later steps.
  const logDir = path.join(plan.tempRoot, `${RUN_DIR_PREFIX}logs`);
  mkdirSync(logDir, { recursive: true });
  const output = new CellOutput(
    path.join(logDir, `${containerId}.log`),
    opts.outputLimit,
    opts.jobLog,
    opts.commandWindow,
    plan.cell.limits?.log,
  );
  let collected: Collected | undefined;
  let collect: SandboxRun['collect'];
  if (plan.bundle.collect) {
    const { process: cellProcess, tar, paths } = plan.bundle.collect;
    const processFile = path.join(plan.runDir, 'process.json');
    const tarFile = path.join(plan.runDir, 'collect.json');
    writeFileSync(processFile, JSON.stringify(cellProcess));
    writeFileSync(tarFile, JSON.stringify(tar));
    const unpacked = path.join(plan.runDir, 'collected');
    // Loaded only by cells that collect: no other run needs it.
    const { copyBack, unpack } = await import('./collect.js');
    collect = {
      processFile,
      tarFile,
      pidFile: path.join(plan.runDir, 'cell.pid'),
      into: async (stream) => {
        await unpack(stream, unpacked);
        collected = await copyBack(unpacked, plan.workspace, paths);
      },
    };
  }
  const started = async () => {
    await opts.onSpawned?.(containerId, runsc);
    output.begin();
  };
  try {
    const result = await runSandbox({
      runsc,
      containerId,
      bundleDir: plan.paths.dir,
      flags,
      runscLog,
      timeoutMs: plan.cell.limits?.timeout,
      output,
      signal: opts.signal,
      collect,
      started,
    });
    return { containerId, output, result, collected };
  } finally {
    output.close();
  }
}

/** Best effort: what is left (root-owned state of a killed runsc) is the post step's. */
export function removeRunDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // The post step retries, with sudo where runsc ran through it.
  }
}
