/**
 * The engine shared by the action and the CLI: a validated cell becomes a
 * planned bundle in a private run directory (checked against the host, nothing
 * started), then runs in a sandbox with its output streamed and kept.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { gatherHostFacts } from '../bundle/host.js';
import { type Bundle, type BundlePaths, buildBundle } from '../bundle/spec.js';
import { bundlePaths, checkHostPaths, writeBundle } from '../bundle/write.js';
import type { Cell } from '../cell/schema.js';
import { RUN_DIR_PREFIX } from '../constants.js';
import type { Platform } from '../inputs.js';
import { type Collected, copyBack, unpack } from './collect.js';
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
export async function planCell(cell: Cell, ctx: PlanContext): Promise<CellPlan> {
  const facts = gatherHostFacts(ctx.env, ctx.workspace);
  const runDir = await fs.mkdtemp(path.join(ctx.tempRoot, RUN_DIR_PREFIX));
  try {
    const paths = bundlePaths(runDir);
    const bundle = buildBundle(cell, facts, paths);
    await checkHostPaths(bundle, ctx.workspace);
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
  /** Called once the container id is known, before runsc starts (the action saves it for the post step). */
  onStart?: (containerId: string, runsc: Runsc) => void;
}

export interface CellRun {
  containerId: string;
  output: CellOutput;
  result: SandboxResult;
  /** With `collect`: what came back (undefined when the cell did not run to the end). */
  collected: Collected | undefined;
}

/** `<name slug>-<random>`: readable in `runsc list`, unique across parallel cells. */
export function containerIdFor(name: string): string {
  const slug =
    name
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^[-.]+|-+$/g, '')
      .slice(0, 40) || 'cell';
  return `${slug}-${randomBytes(6).toString('hex')}`;
}

export async function runPlanned(plan: CellPlan, opts: RunOptions): Promise<CellRun> {
  await writeBundle(plan.bundle, plan.paths);
  const containerId = containerIdFor(plan.cell.name);
  const runsc: Runsc = { path: opts.runscPath, sudo: needsSudo(), root: path.join(plan.runDir, 'state') };
  mkdirSync(runsc.root, { mode: 0o700 });
  opts.onStart?.(containerId, runsc);

  const runscLog = path.join(plan.runDir, 'runsc.log');
  const flags = [`--platform=${opts.platform}`, '--host-uds=none', `--log=${runscLog}`, '--log-format=json', ...plan.bundle.flags];
  if (opts.debugDir) flags.push('--debug', `--debug-log=${opts.debugDir}/`);

  // The full log outlives the run directory: it is an output for later steps.
  const logDir = path.join(plan.tempRoot, `${RUN_DIR_PREFIX}logs`);
  mkdirSync(logDir, { recursive: true });
  const output = new CellOutput(path.join(logDir, `${containerId}.log`), opts.outputLimit, opts.jobLog, opts.commandWindow);
  let collected: Collected | undefined;
  let collect: SandboxRun['collect'];
  if (plan.bundle.collect) {
    const { process: cellProcess, tar, paths } = plan.bundle.collect;
    const processFile = path.join(plan.runDir, 'process.json');
    const tarFile = path.join(plan.runDir, 'collect.json');
    await Promise.all([fs.writeFile(processFile, JSON.stringify(cellProcess)), fs.writeFile(tarFile, JSON.stringify(tar))]);
    const unpacked = path.join(plan.runDir, 'collected');
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
  output.begin();
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
