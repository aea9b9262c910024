/**
 * `gvisor-cell`: the action's engine on a terminal, to reproduce a CI cell
 * locally or inspect its bundle. Its flags are the action's inputs under
 * their own names: they go through the same option parser (src/options.ts)
 * into the same engine options, the same document parser, installer, bundle
 * builder and sandbox runner, and its exit status reads the same verdict.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gatherHostFacts, type ImageFacts } from '../bundle/host.js';
import { bundlePaths } from '../bundle/paths.js';
import { buildBundle } from '../bundle/spec.js';
import { checkHostPaths, writeBundle } from '../bundle/write.js';
import { loadCell } from '../cell/load.js';
import { CellError } from '../cell/parse.js';
import { type ObtainContext, obtainRunsc, provenNow, type RunscWanted } from '../install/obtain.js';
import { bucketArch, truncAdvisory } from '../install/version.js';
import { type Logger, lineLogger } from '../log.js';
import { OptionError, type OptionName, type OptionSource, runChoices, runscOptions, runscWarnings } from '../options.js';
import { logDirOf, planCell, releasePlan, runPlanned, startNetwork } from '../run/cell.js';
import { leftCgroupsNote } from '../run/cgroups.js';
import { RUN_DIR_PREFIX } from '../run/run-dir.js';
import { globalFlags } from '../run/runsc.js';
import { describe, reportedStatus } from '../run/verdict.js';
import { commandHelp, parseCommandLine, UsageError, usage, type Values } from './args.js';
import { pruneLogs } from './prune-logs.js';
import { VERSION } from './version.js';

/** No cell ran: the document, the install or runsc failed (as `docker run` uses 125). */
const NOT_RUN = 125;
/** A command line the CLI refuses. */
const USAGE_ERROR = 2;

/** The CLI's own lines go to stderr (its stdout carries results and the cell's output), neutralised: inside a workflow step the runner parses them too. */
const log: Logger = lineLogger(process.stderr);

/** The shared options (options.ts), from the flags: `--runsc` is runsc-path; the rest share their names. */
function optionSource(values: Values): OptionSource {
  const flag = (name: OptionName) => (name === 'runsc-path' ? 'runsc' : name);
  return { get: (name) => values[flag(name)] ?? '', label: (name) => `--${flag(name)}` };
}

/**
 * Where runsc is cached and run directories go: flags, then the runner's variables, then this
 * user's own directories. `own`: the temp directory is the CLI's, which nobody else empties.
 */
function placesFrom(values: Values): { toolCache: string; temp: string; own: boolean } {
  const toolCache = values['tool-cache'] ?? process.env.RUNNER_TOOL_CACHE ?? path.join(os.homedir(), '.cache', 'gvisor-cell', 'tool-cache');
  // Never a shared, guessable directory in /tmp.
  const runnerTemp = process.env.RUNNER_TEMP;
  if (runnerTemp) return { toolCache: path.resolve(toolCache), temp: runnerTemp, own: false };
  const temp = path.join(os.homedir(), '.cache', 'gvisor-cell', 'tmp');
  mkdirSync(temp, { recursive: true, mode: 0o700 });
  return { toolCache: path.resolve(toolCache), temp, own: true };
}

/** A percentage on a terminal, nothing when piped. */
function progress(): ObtainContext['onProgress'] {
  if (!process.stderr.isTTY) return undefined;
  let last = -1;
  return (received, total) => {
    const pct = Number.isFinite(total) && total > 0 ? Math.floor((received / total) * 100) : -1;
    if (pct !== last) {
      last = pct;
      // raw: numbers only, and the CR is the point (a terminal, never a runner: see above).
      process.stderr.write(
        `\rdownloading runsc: ${pct >= 0 ? `${pct}%` : `${(received / 2 ** 20).toFixed(0)} MiB`}${pct === 100 ? '\n' : ''}`,
      );
    }
  };
}

async function cmdValidate(files: string[]): Promise<number> {
  let bad = 0;
  for (const file of files) {
    try {
      loadCell({ file }, process.cwd(), 'validate');
      log.info(`${file}: valid`);
    } catch (error) {
      bad++;
      log.info(error instanceof Error ? error.message : String(error));
    }
  }
  return bad === 0 ? 0 : 1;
}

async function cmdInstall(values: Values): Promise<number> {
  const places = placesFrom(values);
  const wanted = runscOptions(optionSource(values));
  if (wanted.at) throw new Error('internal: install without a release');
  for (const warning of runscWarnings(wanted)) log.info(`warning: ${warning}`);
  // With a pin the verified copy is made in a scratch directory and compared with the entry, whose
  // path is what `install` prints: the entry is checked now, not whenever it is run later.
  const scratch = wanted.sha512 ? mkdtempSync(path.join(places.temp, `${RUN_DIR_PREFIX}verify-`)) : undefined;
  try {
    const installed = await obtainRunsc(wanted, {
      arch: bucketArch(process.platform, process.arch),
      toolCache: places.toolCache,
      tempDir: places.temp,
      log,
      privateDir: scratch,
      onProgress: progress(),
    }).then(provenNow);
    let runsc = installed.path;
    if (scratch && installed.entry) {
      const { entryDifferences } = await import('../install/pinned.js');
      const differ = entryDifferences(path.dirname(installed.path), installed.entry.dir);
      if (differ.length > 0) {
        throw new Error(
          `the tool-cache entry ${installed.entry.dir} does not match runsc-sha512: ${differ.join(', ')} differ from its verified artifact, ` +
            `so the entry was tampered with or is corrupt. Delete ${installed.entry.dir} and ${installed.entry.dir}.complete to download runsc again.`,
        );
      }
      runsc = path.join(installed.entry.dir, 'runsc');
    }
    log.info(installed.version);
    // raw: the result, for `$(gvisor-cell install)`; a path in the tool cache, which the workspace does not choose.
    process.stdout.write(`${runsc}\n`);
    return 0;
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

async function cmdBundle(file: string, values: Values): Promise<number> {
  if (!values.out) throw new UsageError('--out DIR is required', 'bundle');
  const workspace = path.resolve(values.workspace ?? process.cwd());
  // Only to print the flags: the bundle is written, not run, so /dev/kvm need not exist here.
  const choices = runChoices(optionSource(values), () => true);
  const cell = loadCell({ file }, process.cwd(), 'bundle');
  if (typeof cell.network === 'object') {
    throw new UsageError(
      'network.allow needs a network the run makes (a namespace, the listeners, the firewall): `gvisor-cell run` does; a bundle for runsc by hand cannot have it',
      'bundle',
    );
  }
  if (typeof cell.rootfs === 'object' && cell.rootfs.image !== undefined) {
    throw new UsageError(
      'rootfs.image is laid out by the run (an overlay over the cached tree, in a private mount namespace): `gvisor-cell run` does; for runsc by hand, `gvisor-cell pull` the image and use rootfs: { path }',
      'bundle',
    );
  }
  if (cell.system === 'overlay') {
    throw new UsageError(
      'system: overlay needs the runner’s system directories bound read-only into the root by the run (in a private mount namespace): `gvisor-cell run` does; a bundle for runsc by hand cannot have it',
      'bundle',
    );
  }
  const out = path.resolve(values.out);
  // Everything in DIR: config.json, rootfs/, and the files the bundle mounts.
  const paths = bundlePaths(out, 'out');
  const built = buildBundle(
    cell,
    gatherHostFacts(process.env, workspace, { rootCell: cell.user === 'root' || process.getuid?.() === 0 }),
    paths,
  );
  const bundle = checkHostPaths(built, workspace);
  const config = writeBundle(bundle, paths);
  log.info(`wrote ${config}`);
  log.info(`runsc flags for this cell: ${globalFlags({ platform: choices.platform, sandbox: bundle.sandbox }).join(' ')}`);
  return 0;
}

/** `gvisor-cell pull IMAGE`: the tree on stdout (for scripts), the rest on stderr. */
async function cmdPull(reference: string, values: Values): Promise<number> {
  const places = placesFrom(values);
  const { pullForCell } = await import('../image/index.js');
  const { pulled } = await pullForCell(reference, places.toolCache, (line) => log.info(`gvisor-cell: ${line}`));
  // raw: a path of the cache, ours.
  process.stdout.write(`${pulled.root}\n`);
  return 0;
}

/** Release options: with any of them, $RUNSC is not used (they ask for a release). */
const RELEASE_FLAGS = ['runsc-version', 'runsc-sha512', 'download-url'] as const;

/** `--runsc`, else `$RUNSC` when no release option asks for a download; named as where it came from. */
function runscWanted(values: Values): RunscWanted {
  // Given but empty is a mistake, not "no --runsc": it must not fall back to $RUNSC or a download.
  if (values.runsc !== undefined && values.runsc.trim() === '')
    throw new OptionError('--runsc', 'expected the path of a runsc binary, got nothing');
  const fromEnv = process.env.RUNSC;
  if (values.runsc || !fromEnv || RELEASE_FLAGS.some((flag) => values[flag] !== undefined)) return runscOptions(optionSource(values));
  const wanted = runscOptions(optionSource({ ...values, runsc: fromEnv }));
  return wanted.at ? { at: { path: wanted.at.path, label: 'RUNSC' } } : wanted;
}

/** The runsc `npm run sample` leaves in a clone (scripts/provision-runsc.sh), when this CLI runs from one. */
function sampleRunsc(): string | undefined {
  try {
    // dist/cli/index.js (or src/cli/main.ts) → the clone's root.
    const root = path.resolve(path.dirname(realpathSync(process.argv[1] ?? '')), '..', '..');
    const found = path.join(root, '.tmp', 'runsc', 'runsc');
    return statSync(found, { throwIfNoEntry: false })?.isFile() ? found : undefined;
  } catch {
    return undefined;
  }
}

/** A release that could not be had (no network, most often): how to run with a runsc the user has. */
function installHint(error: unknown): Error {
  const found = sampleRunsc();
  return new Error(
    `${error instanceof Error ? error.message : String(error)}\n` +
      'To run with a runsc you already have, pass --runsc PATH or set RUNSC=PATH' +
      (found ? ` (npm run sample left one at ${found})` : '') +
      '.',
    { cause: error },
  );
}

async function cmdRun(file: string, values: Values): Promise<number> {
  const places = placesFrom(values);
  const workspace = path.resolve(values.workspace ?? process.cwd());
  const wanted = runscWanted(values);
  const choices = runChoices(optionSource(values));
  const cell = loadCell({ file: path.resolve(file) }, process.cwd(), 'run');
  const arch = bucketArch(process.platform, process.arch);
  // The cell's view follows the places this run uses (the tool cache is shown read-only, the temp root
  // hidden), as RUNNER_TOOL_CACHE and RUNNER_TEMP are for the action; process.env itself is left alone.
  const env = { ...process.env, RUNNER_TOOL_CACHE: places.toolCache, RUNNER_TEMP: places.temp };
  let image: ImageFacts | undefined;
  if (typeof cell.rootfs === 'object' && cell.rootfs.image !== undefined) {
    const { pullForCell } = await import('../image/index.js');
    image = (await pullForCell(cell.rootfs.image, places.toolCache, (line) => log.info(`gvisor-cell: ${line}`))).facts;
  }
  const plan = planCell(cell, { workspace, env, tempRoot: places.temp, image });
  // With network.allow, the cell's network is made while runsc is found (or downloaded).
  await startNetwork(plan);
  const cancel = new AbortController();
  const onSignal = () => cancel.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for (const name of plan.bundle.missingEnv) log.info(`warning: pass-env: ${name} is not set; not passed`);
    for (const note of plan.bundle.notes) log.info(`gvisor-cell: ${note}`);
    for (const warning of [...plan.bundle.warnings, ...runscWarnings(wanted)]) log.info(`warning: ${warning}`);
    if (wanted.at?.label === 'RUNSC') log.info(`gvisor-cell: runsc from RUNSC: ${wanted.at.path}`);
    const installed = await obtainRunsc(wanted, {
      arch,
      toolCache: places.toolCache,
      tempDir: places.temp,
      log,
      privateDir: plan.runDir,
      onProgress: progress(),
    })
      // The CLI reports the version before the run: it waits for a fresh download's proof.
      .then(provenNow)
      .catch((error: unknown) => {
        throw wanted.at ? error : installHint(error);
      });
    const advisory = truncAdvisory(installed.version);
    if (advisory) log.info(`warning: ${advisory}`);
    log.info(`gvisor-cell: running ${cell.name} with ${installed.version} (${choices.platform}), workspace ${workspace}`);
    const { output, result, verdict, hints, collected, egress } = await runPlanned(plan, {
      runscPath: installed.path,
      ...choices,
      // raw: the cell's bytes, inside the stop-commands window when a runner reads them.
      jobLog: { write: (data) => process.stdout.write(data) },
      // Inside a workflow step the runner parses this output too: keep the cell from issuing commands.
      commandWindow: process.env.GITHUB_ACTIONS === 'true',
      signal: cancel.signal,
    });
    log.info(
      output.logCutAt === undefined
        ? `gvisor-cell: full log in ${output.logFile}`
        : `gvisor-cell: log in ${output.logFile}, cut at ${output.logCutAt} bytes by limits.log; the rest is only in the output above`,
    );
    if (egress) {
      for (const r of egress.rows.filter((row) => row.decision === 'denied')) {
        log.info(
          `gvisor-cell: egress refused: ${r.port === 53 ? `${r.name} (DNS)` : `${r.name}:${r.port}`}: ${r.reason ?? ''} (${r.connections}×)`,
        );
      }
      log.info(`gvisor-cell: every egress decision in ${egress.file}`);
    }
    if (collected) {
      if (!collected.error) log.info(`gvisor-cell: collected ${collected.files} file(s) into ${workspace}`);
      for (const warning of collected.warnings) log.info(`warning: ${warning}`);
      if (collected.error) log.info(`gvisor-cell: ${collected.error}`);
    }
    if (result.leftCgroups) log.info(`warning: ${leftCgroupsNote(result.leftCgroups)}`);
    const said = describe(verdict, cell.name, result.durationMs);
    log.info(`gvisor-cell: ${said}${verdict.kind === 'passed' ? '' : ` (after ${result.durationMs} ms)`}`);
    for (const hint of hints) log.info(`gvisor-cell: ${hint}`);
    // The action's exit-code follows the same rule (verdict.ts); no cell ran: 125.
    const status = reportedStatus(verdict) ?? NOT_RUN;
    // Asked-for files that did not come back fail the run, whatever the cell's status.
    return collected?.error && status === 0 ? 1 : status;
  } finally {
    await releasePlan(plan);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // Nobody else empties the CLI's own temp directory (the runner empties RUNNER_TEMP).
    if (places.own) {
      try {
        pruneLogs(logDirOf(places.temp));
      } catch {
        // Housekeeping: it never changes what the run reports.
      }
    }
  }
}

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    log.info(error.line());
    return USAGE_ERROR;
  }
  if (parsed.kind === 'help') {
    // raw: the help text, a constant.
    process.stdout.write(`${parsed.command ? commandHelp(parsed.command) : usage()}\n`);
    return 0;
  }
  if (parsed.kind === 'version') {
    // raw: package.json's version, a constant.
    process.stdout.write(`gvisor-cell ${VERSION}\n`);
    return 0;
  }
  const { command, files, values } = parsed;
  try {
    switch (command) {
      case 'run':
        return await cmdRun(files[0] as string, values);
      case 'bundle':
        return await cmdBundle(files[0] as string, values);
      case 'validate':
        return await cmdValidate(files);
      case 'install':
        return await cmdInstall(values);
      case 'pull':
        return await cmdPull(files[0] as string, values);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      log.info(error.line());
      return USAGE_ERROR;
    }
    log.info(error instanceof CellError ? error.message : `gvisor-cell: ${error instanceof Error ? error.message : String(error)}`);
    return command === 'run' ? NOT_RUN : 1;
  }
}
