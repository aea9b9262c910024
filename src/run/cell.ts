/**
 * The engine shared by the action and the CLI: a validated cell becomes a
 * planned bundle in a private run directory (checked against the host, nothing
 * started), then runs in a sandbox with its output streamed and kept.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type JoinedNetwork, joinNetwork, joinProcess, resolvConf } from '../bundle/egress.js';
import { gatherHostFacts, type ImageFacts } from '../bundle/host.js';
import { bundlePaths } from '../bundle/paths.js';
import { type Bundle, type BundlePaths, buildBundle, type OciSpec } from '../bundle/spec.js';
import { checkHostPaths, writeBundleFiles, writeConfig } from '../bundle/write.js';
import { type Cell, DEFAULT_BOUNDS } from '../cell/schema.js';
import { AllowList } from '../egress/allow-list.js';
import { findNetworkTools, type HostNetwork, openHostNetwork } from '../egress/host-network.js';
import type { Egress, Tally } from '../egress/index.js';
import type { Collected } from './collect.js';
import { CellOutput, type Sink } from './output.js';
import {
  findNamespaceTools,
  hostMountPoints,
  inNamespace,
  makeStubs,
  type NamespaceTools,
  type ReadOnlyStage,
  stageReadOnly,
} from './readonly.js';
import { makeRunDir, RUN_DIR_PREFIX, removeRunDir, runDirUnique } from './run-dir.js';
import { globalFlags, needsSudo, type Platform, type Runsc } from './runsc.js';
import { runSandbox, type SandboxResult, type SandboxRun } from './sandbox.js';
import { classify, type Verdict } from './verdict.js';

export { removeRunDir } from './run-dir.js';

export interface CellPlan {
  cell: Cell;
  bundle: Bundle;
  /** This run's private directory (bundle, runsc state, runsc's log); removed after the run. */
  runDir: string;
  paths: BundlePaths;
  tempRoot: string;
  workspace: string;
  /** unshare, sh and mount, for the private mount namespace runsc starts in (readonly.ts). */
  namespaceTools: NamespaceTools;
  /** The runner's PATH and tool cache: where a command the cell cannot find may be instead (hints.ts). */
  runner: { path: string | undefined; toolCache: string | undefined };
  /** With network.allow: the cell's network on its way (startNetwork), held until releasePlan. */
  network?: Promise<Egress>;
  /** Set once runPlanned has seen the sandbox end (runSandbox makes sure of it): releasePlan may be quicker. */
  sandboxGone?: boolean;
}

/** What runsc was given: config.json's spec (stubs for read-only sources) and what is bound read-only at each stub. */
export interface Staged {
  containerId: string;
  runsc: Runsc;
  spec: OciSpec;
  readOnly: ReadOnlyStage;
}

export interface PlanContext {
  workspace: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Where run directories and logs go (RUNNER_TEMP for the action). */
  tempRoot: string;
  /** With `rootfs: { image }`: the image, pulled (image/pull.ts). */
  image?: ImageFacts;
}

/** Builds the bundle and checks every host path it names. Starts nothing; throws with the key at fault. */
export function planCell(cell: Cell, ctx: PlanContext): CellPlan {
  // A cell that runs as root (asked for, or because the action does) could read root-only files of /etc.
  const facts = gatherHostFacts(ctx.env, ctx.workspace, {
    rootCell: cell.user === 'root' || process.getuid?.() === 0,
    systemOverlay: cell.system === 'overlay',
  });
  const runDir = makeRunDir(ctx.tempRoot);
  try {
    const paths = bundlePaths(runDir);
    const bundle = checkHostPaths(buildBundle(cell, ctx.image ? { ...facts, image: ctx.image } : facts, paths), ctx.workspace);
    const namespaceTools = findNamespaceTools();
    const runner = { path: ctx.env.PATH, toolCache: facts.toolCache };
    return { cell, bundle, runDir, paths, tempRoot: ctx.tempRoot, workspace: ctx.workspace, namespaceTools, runner };
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
  onSpawned?: (staged: Staged) => Promise<void>;
  /**
   * Called once, as soon as runsc is spawned (while the sandbox boots), with
   * what the post step must undo should this process be killed: the sandbox,
   * and with network.allow the cell's network. The action saves the post
   * step's record here.
   */
  onHostChanges?: (ids: HostChanges) => Promise<void>;
}

export interface HostChanges {
  containerId: string;
  runsc: Runsc;
  /** With network.allow: the id every name of the cell's network is made from (egress/host-network.ts). */
  networkId: string | undefined;
}

export interface CellRun {
  output: CellOutput;
  result: SandboxResult;
  /** What became of the cell (verdict.ts): what every front end reports. */
  verdict: Verdict;
  /** What to do about it, when the verdict is one a new user meets (hints.ts): said after the verdict. */
  hints: string[];
  /** With `collect`: what came back (undefined when the cell did not run to the end). */
  collected: Collected | undefined;
  /** With network.allow: where every decision is recorded, and their tally. */
  egress: { file: string; rows: Tally[] } | undefined;
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
  return `${slug}-${runDirUnique(runDir)}`;
}

/** Where the logs go: beside the run directories, which are removed; the logs are outputs. */
export function logDirOf(tempRoot: string): string {
  return path.join(tempRoot, `${RUN_DIR_PREFIX}logs`);
}

/** A log file's name, `<containerIdFor>.log`: what the CLI may prune, and nothing else. */
export const LOG_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,39}-[A-Za-z0-9]{6}\.log$/;

export async function runPlanned(plan: CellPlan, opts: RunOptions): Promise<CellRun> {
  const containerId = containerIdFor(plan.cell.name, plan.runDir);
  const runsc: Runsc = { path: opts.runscPath, sudo: needsSudo(), root: path.join(plan.runDir, 'state') };
  // The log (up to limits.log) outlives the run directory: it is an output for later steps; so does the egress log.
  const logDir = logDirOf(plan.tempRoot);
  mkdirSync(logDir, { recursive: true });
  const network = typeof plan.cell.network === 'object' ? plan.cell.network : undefined;
  const networkId = network ? runDirUnique(plan.runDir) : undefined;
  let recorded: Promise<void> | undefined;
  const hostChanges = () => {
    recorded ??= opts.onHostChanges?.({ containerId, runsc, networkId }) ?? Promise.resolve();
    return recorded;
  };
  // The cell's network is made (ip and nft, through one root shell) while the bundle is written below,
  // unless the front end started it earlier (startNetwork). The post step's record is saved while the
  // sandbox boots, as for any cell: should this process die before, the root shell removes the network
  // as its stdin closes (host-network.ts).
  if (network) void startNetwork(plan);
  const networking = plan.network;
  try {
    writeBundleFiles(plan.bundle, plan.paths);
    // Every source the cell must not change is bound read-only by the kernel at a stub; the spec names the stubs.
    const stageDir = path.join(plan.runDir, 'ro');
    const staged = stageReadOnly(plan.bundle, stageDir, hostMountPoints(), {
      rootfs: path.join(plan.paths.dir, 'rootfs'),
      emptyFile: plan.paths.emptyFile,
    });
    makeStubs(staged.stage, stageDir);
    let { spec } = staged;
    let collectProcess = plan.bundle.collect?.process;
    let egress: Egress | undefined;
    if (networking) {
      egress = await networking;
      const net: JoinedNetwork = { netnsPath: egress.netnsPath, hostAddress: egress.hostAddress, proxyPort: egress.proxyPort };
      writeFileSync(plan.paths.resolvConf, resolvConf(net));
      spec = joinNetwork(spec, net);
      collectProcess = collectProcess && joinProcess(collectProcess, net);
    }
    writeConfig(spec, plan.paths);
    return await runStarted(plan, opts, { containerId, runsc, logDir, egress, hostChanges, spec, readOnly: staged.stage, collectProcess });
  } finally {
    // The listeners stop here; the network itself is removed by releasePlan, the front end's last step
    // (while the front end reports).
    await networking?.then(
      (e) => e.stopListening(),
      () => {},
    );
  }
}

/**
 * Starts the cell's network and its listeners (egress/, loaded only by cells
 * that ask for it), once per plan; the plan holds it until releasePlan. A
 * front end calls it as soon as the plan is made and awaits it: it resolves
 * once the root shell that makes the network is running and has its rules
 * (a few ms: the listeners' module loaded, the listeners bound), so that the
 * network is built while runsc is found or downloaded (which may block the
 * event loop: a `runsc --version` probe). Nothing for other cells.
 */
export function startNetwork(plan: CellPlan): Promise<void> {
  const network = plan.cell.network;
  if (typeof network !== 'object' || plan.network) return Promise.resolve();
  const allow = new AllowList(network.allow, network.audit);
  const id = runDirUnique(plan.runDir);
  // The root shell first: it makes the namespace and the veth while the listeners' module loads and they
  // bind; their rules follow it down its stdin.
  let giveRules: (rules: string | undefined) => void = () => {};
  const rules = new Promise<string>((resolve, reject) => {
    giveRules = (text) => (text === undefined ? reject(new Error('no rules')) : resolve(text));
  });
  rules.catch(() => {});
  let host: Promise<HostNetwork>;
  try {
    host = openHostNetwork(findNetworkTools(), needsSudo(), id, [...new Set(allow.ipv4Targets().map((t) => t.host))], rules);
  } catch (error) {
    host = Promise.reject(error);
  }
  host.catch(() => {});
  let given: () => void = () => {};
  const ruled = new Promise<void>((resolve) => {
    given = resolve;
  });
  plan.network = (async () => {
    const { startEgress } = await import('../egress/index.js').catch(async (error) => {
      giveRules(undefined);
      throw error;
    });
    // Beside the cell's log, which outlives the run directory.
    const logDir = logDirOf(plan.tempRoot);
    mkdirSync(logDir, { recursive: true });
    const recordFile = path.join(logDir, `${containerIdFor(plan.cell.name, plan.runDir)}.egress.jsonl`);
    return startEgress({
      allow,
      id,
      recordFile,
      host,
      giveRules: (text) => {
        giveRules(text);
        given();
      },
    });
  })();
  // Whoever awaits it hears of a failure; a plan released first does not leave it unhandled.
  plan.network.then(given, given);
  return ruled;
}

/**
 * What the plan holds on the runner, gone: its network and its run
 * directory. Every front end's last step. The listeners are closed here; the
 * namespace, the veth and the firewall table are left to the root shell that
 * made them, which removes them on its own once the sandbox is known gone
 * (host-network.ts: nothing waits for it), and is waited for otherwise.
 */
export async function releasePlan(plan: CellPlan): Promise<void> {
  await plan.network?.then(
    (e) => e.stop(plan.sandboxGone === true),
    () => {},
  );
  removeRunDir(plan.runDir);
}

/** A private mount namespace with nothing bound read-only in it. */
const NOTHING_STAGED: ReadOnlyStage = { binds: [], submounts: [] };

interface Started {
  containerId: string;
  runsc: Runsc;
  logDir: string;
  egress: Egress | undefined;
  hostChanges: () => Promise<void>;
  /** What runsc is given: the staged spec (joined to the cell's network), and what is bound read-only. */
  spec: OciSpec;
  readOnly: ReadOnlyStage;
  /** With `collect`: the cell's own process (joined to its network). */
  collectProcess: OciSpec['process'] | undefined;
}

async function runStarted(plan: CellPlan, opts: RunOptions, started_: Started): Promise<CellRun> {
  const { containerId, runsc, logDir, egress, spec, readOnly } = started_;
  const bundle = plan.bundle;
  mkdirSync(runsc.root, { mode: 0o700 });

  const runscLog = path.join(plan.runDir, 'runsc.log');
  const flags = globalFlags({ platform: opts.platform, sandbox: bundle.sandbox, log: runscLog, debugDir: opts.debugDir });

  const output = new CellOutput(
    path.join(logDir, `${containerId}.log`),
    opts.outputLimit,
    opts.jobLog,
    opts.commandWindow,
    plan.cell.limits?.log,
  );
  let collect: SandboxRun['collect'];
  const unpacked = path.join(plan.runDir, 'collected');
  // Loaded only by cells that collect: no other run needs it.
  const collecting = bundle.collect ? await import('./collect.js') : undefined;
  if (bundle.collect && collecting && started_.collectProcess) {
    const { tar } = bundle.collect;
    const cellProcess = started_.collectProcess;
    const processFile = path.join(plan.runDir, 'process.json');
    const tarFile = path.join(plan.runDir, 'collect.json');
    writeFileSync(processFile, JSON.stringify(cellProcess));
    writeFileSync(tarFile, JSON.stringify(tar));
    const limit = plan.cell.limits?.collect ?? DEFAULT_BOUNDS.collect;
    collect = {
      processFile,
      tarFile,
      pidFile: path.join(plan.runDir, 'cell.pid'),
      deadlineMs: collectDeadline(limit),
      receive: (stream, signal) => collecting.unpack(stream, unpacked, limit, signal),
    };
  }
  const started = async () => {
    await started_.hostChanges();
    await opts.onSpawned?.({ containerId, runsc, spec, readOnly });
    output.begin();
  };
  try {
    const result = await runSandbox({
      runsc,
      containerId,
      bundleDir: plan.paths.dir,
      flags,
      platform: opts.platform,
      runscLog,
      cgroups: bundle.sandbox.cgroups,
      timeoutMs: plan.cell.limits?.timeout,
      memoryLimit: plan.cell.limits?.memory,
      output,
      signal: opts.signal,
      wrap:
        readOnly.binds.length > 0 || readOnly.root || readOnly.image || egress
          ? (argv) =>
              inNamespace(readOnly, plan.namespaceTools, argv, {
                maskNetSysctls: egress !== undefined,
                tableFile: path.join(plan.runDir, 'mounts.fstab'),
              })
          : undefined,
      // `runsc start` (collect) sets up the cell's network: it needs /proc/sys/net hidden as `run` does.
      wrapStart: egress
        ? (argv) =>
            inNamespace(NOTHING_STAGED, plan.namespaceTools, argv, {
              maskNetSysctls: true,
              tableFile: path.join(plan.runDir, 'start-mounts.fstab'),
            })
        : undefined,
      collect,
      started,
    });
    // The sandbox is gone (runSandbox made sure): only now is anything placed in the workspace.
    plan.sandboxGone = true;
    let collected: Collected | undefined;
    if (plan.bundle.collect && collecting && !result.cancelled && !result.runscError) {
      collected = result.collectError
        ? { files: 0, warnings: [], error: result.collectError }
        : await collecting.copyBack(unpacked, plan.workspace, plan.bundle.collect.paths);
    }
    const verdict = classify(result, plan.cell.limits ?? {});
    // The listeners stop (and record what was still open) before the tally is read.
    await egress?.stopListening();
    const egressRun = egress && { file: egress.record.file, rows: egress.record.rows() };
    return { output, result, verdict, hints: await hintsFor(plan, verdict, result, output, egressRun), collected, egress: egressRun };
  } finally {
    output.close();
  }
}

/** The hints for a run that is over (hints.ts is loaded only when there may be one). */
async function hintsFor(
  plan: CellPlan,
  verdict: Verdict,
  result: SandboxResult,
  output: CellOutput,
  egress: CellRun['egress'],
): Promise<string[]> {
  if (verdict.kind === 'passed' || verdict.kind === 'cancelled' || verdict.kind === 'sandbox-failed') return [];
  const { hints } = await import('./hints.js');
  const env = (plan.bundle.collect?.process ?? plan.bundle.spec.process).env;
  const cellPath = env.find((e) => e.startsWith('PATH='))?.slice('PATH='.length) ?? '';
  return hints(verdict, {
    cellPath,
    mounts: plan.bundle.spec.mounts,
    preparedRoot: plan.cell.rootfs === 'host' ? undefined : plan.bundle.spec.root.path,
    cellHome: env.find((e) => e.startsWith('HOME='))?.slice('HOME='.length) ?? '',
    runnerPath: plan.runner.path,
    toolCache: plan.runner.toolCache,
    network: plan.bundle.sandbox.network,
    system: plan.cell.system,
    egressDenied: (egress?.rows ?? []).filter((r) => r.decision === 'denied').map((r) => (r.port === 53 ? r.name : `${r.name}:${r.port}`)),
    memoryLimit: plan.cell.limits?.memory,
    memoryAtTimeout: result.memoryAtTimeout,
    outputTail: output.logs.text(),
  });
}

/**
 * The longest reading the collected paths out of the sandbox may take: 30 s,
 * plus limits.collect at 20 MiB/s (2Gi: about 2 min 10 s). The cell's
 * processes are stopped by then and tar that goes quiet for 15 s is given up
 * on (collect.ts); this bounds a tar of the cell's own that trickles.
 */
export function collectDeadline(limit: number): number {
  return 30_000 + Math.ceil((limit / (20 * 2 ** 20)) * 1000);
}
