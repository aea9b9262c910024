/**
 * `gvisor-cell`: the action's engine on a terminal, to reproduce a CI cell
 * locally or inspect its bundle. Its flags are the action's inputs under
 * their own names: they go through the same option parser (src/options.ts)
 * into the same engine options, the same document parser, installer, bundle
 * builder and sandbox runner, and its exit status reads the same verdict.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gatherHostFacts } from '../bundle/host.js';
import { bundlePaths } from '../bundle/paths.js';
import { buildBundle } from '../bundle/spec.js';
import { checkHostPaths, writeBundle } from '../bundle/write.js';
import { loadCell } from '../cell/load.js';
import { CellError } from '../cell/parse.js';
import { type ObtainContext, obtainRunsc } from '../install/obtain.js';
import { bucketArch, truncAdvisory } from '../install/version.js';
import { type Logger, lineLogger } from '../log.js';
import { type OptionName, type OptionSource, runChoices, runscOptions, runscWarnings } from '../options.js';
import { planCell, removeRunDir, runPlanned } from '../run/cell.js';
import { globalFlags } from '../run/runsc.js';
import { describe, type Verdict } from '../run/verdict.js';

const USAGE = `gvisor-cell: run a cell document in a gVisor sandbox, as the gvisor-cell action does.

Usage:
  gvisor-cell run <cell.yml> [options]       run the cell; exit with its exit code
  gvisor-cell bundle <cell.yml> --out DIR    write the OCI bundle (config.json, rootfs) without running it
  gvisor-cell validate <cell.yml>...         check documents against the schema; exit 0 if all are valid
  gvisor-cell install [options]              install runsc into the tool cache; print its path

Options (run, install):
  --runsc PATH             use this runsc binary (run only; no download)
  --runsc-version V        latest (default), YYYYMMDD or YYYYMMDD.N
  --runsc-sha512 HEX       expected sha512 of the downloaded artifact
  --download-url URL       base of the release bucket
  --platform P             systrap (default), ptrace or kvm (run only)
  --workspace DIR          the workspace the cell sees (default: the current directory)
  --output-limit N         bytes kept of each output tail (default 32768)
  --tool-cache DIR         where runsc is cached (default: $RUNNER_TOOL_CACHE, else ~/.cache/gvisor-cell/tool-cache)
  -h, --help               this help

Exit status of run: the cell's (128+N when killed by signal N); 124 when it timed out;
130 when interrupted; 125 when no cell ran (invalid document, failed install, runsc failed to start the sandbox).
Runs as root, or through passwordless sudo.`;

/** No cell ran: the document, the install or runsc failed (as `docker run` uses 125). */
const NOT_RUN = 125;
const TIMED_OUT = 124;
/** 128 + SIGINT, as a shell reports a command interrupted from the terminal. */
const CANCELLED = 130;

const OPTIONS = {
  runsc: { type: 'string' },
  'runsc-version': { type: 'string' },
  'runsc-sha512': { type: 'string' },
  'download-url': { type: 'string' },
  platform: { type: 'string' },
  workspace: { type: 'string' },
  'output-limit': { type: 'string' },
  'tool-cache': { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

class UsageError extends Error {}

/** The CLI's own lines go to stderr (its stdout carries results and the cell's output), neutralised: inside a workflow step the runner parses them too. */
const log: Logger = lineLogger(process.stderr);

/** The shared options (options.ts), from the flags: `--runsc` is runsc-path; the rest share their names. */
function optionSource(values: Values): OptionSource {
  const flag = (name: OptionName) => (name === 'runsc-path' ? 'runsc' : name);
  return { get: (name) => values[flag(name)] ?? '', label: (name) => `--${flag(name)}` };
}

/** Where runsc is cached and run directories go: flags, then the runner's variables, then this user's own directories. */
function placesFrom(values: Values): { toolCache: string; temp: string } {
  const toolCache = values['tool-cache'] ?? process.env.RUNNER_TOOL_CACHE ?? path.join(os.homedir(), '.cache', 'gvisor-cell', 'tool-cache');
  // Never a shared, guessable directory in /tmp.
  let temp = process.env.RUNNER_TEMP;
  if (!temp) {
    temp = path.join(os.homedir(), '.cache', 'gvisor-cell', 'tmp');
    mkdirSync(temp, { recursive: true, mode: 0o700 });
  }
  return { toolCache: path.resolve(toolCache), temp };
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
  if (files.length === 0) throw new UsageError('validate: name at least one cell document');
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
  // `install` installs a release: --runsc has nothing to install.
  const wanted = runscOptions(optionSource({ ...values, runsc: undefined }));
  if (wanted.at) throw new Error('internal: install without a release');
  for (const warning of runscWarnings(wanted)) log.info(`warning: ${warning}`);
  // With a pin the verified copy is made in a scratch directory and compared with the entry, whose
  // path is what `install` prints: the entry is checked now, not whenever it is run later.
  const scratch = wanted.sha512 ? mkdtempSync(path.join(places.temp, 'gvisor-cell-verify-')) : undefined;
  try {
    const installed = await obtainRunsc(wanted, {
      arch: bucketArch(process.platform, process.arch),
      toolCache: places.toolCache,
      tempDir: places.temp,
      log,
      privateDir: scratch,
      onProgress: progress(),
    });
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

async function cmdBundle(file: string | undefined, values: Values): Promise<number> {
  if (!file) throw new UsageError('bundle: name a cell document');
  if (!values.out) throw new UsageError('bundle: --out DIR is required');
  const workspace = path.resolve(values.workspace ?? process.cwd());
  const choices = runChoices(optionSource(values));
  const cell = loadCell({ file }, process.cwd(), 'bundle');
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

/** The exit status of `run`: the cell's own, or what the verdict says instead of one. */
function exitStatus(verdict: Verdict, exitCode: number | undefined): number {
  switch (verdict.kind) {
    case 'sandbox-failed':
      return NOT_RUN;
    case 'cancelled':
      return CANCELLED;
    case 'timed-out':
      return TIMED_OUT;
    case 'command-not-found':
      return verdict.exitCode;
    default:
      return exitCode ?? NOT_RUN;
  }
}

async function cmdRun(file: string | undefined, values: Values): Promise<number> {
  if (!file) throw new UsageError('run: name a cell document');
  const places = placesFrom(values);
  const workspace = path.resolve(values.workspace ?? process.cwd());
  const options = optionSource(values);
  const wanted = runscOptions(options);
  const choices = runChoices(options);
  const cell = loadCell({ file: path.resolve(file) }, process.cwd(), 'run');
  const arch = bucketArch(process.platform, process.arch);
  const plan = planCell(cell, { workspace, env: process.env, tempRoot: places.temp });
  const cancel = new AbortController();
  const onSignal = () => cancel.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for (const name of plan.bundle.missingEnv) log.info(`warning: pass-env: ${name} is not set; not passed`);
    for (const note of plan.bundle.notes) log.info(`gvisor-cell: ${note}`);
    for (const warning of [...plan.bundle.warnings, ...runscWarnings(wanted)]) log.info(`warning: ${warning}`);
    const installed = await obtainRunsc(wanted, {
      arch,
      toolCache: places.toolCache,
      tempDir: places.temp,
      log,
      privateDir: plan.runDir,
      onProgress: progress(),
    });
    const advisory = truncAdvisory(installed.version);
    if (advisory) log.info(`warning: ${advisory}`);
    log.info(`gvisor-cell: running ${cell.name} with ${installed.version} (${choices.platform}), workspace ${workspace}`);
    const { output, result, verdict, hints, collected } = await runPlanned(plan, {
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
    if (collected) {
      if (!collected.error) log.info(`gvisor-cell: collected ${collected.files} file(s) into ${workspace}`);
      for (const warning of collected.warnings) log.info(`warning: ${warning}`);
      if (collected.error) log.info(`gvisor-cell: ${collected.error}`);
    }
    log.info(`gvisor-cell: ${describe(verdict, cell.name, result.durationMs)}`);
    for (const hint of hints) log.info(`gvisor-cell: ${hint}`);
    const status = exitStatus(verdict, result.exitCode);
    // Asked-for files that did not come back fail the run, whatever the cell's status.
    return collected?.error && status === 0 ? 1 : status;
  } finally {
    removeRunDir(plan.runDir);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export async function main(argv: string[]): Promise<number> {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    log.info(`gvisor-cell: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    // raw: the usage text, a constant.
    (command || values.help ? process.stdout : process.stderr).write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  try {
    switch (command) {
      case 'run':
        return await cmdRun(rest[0], values);
      case 'bundle':
        return await cmdBundle(rest[0], values);
      case 'validate':
        return await cmdValidate(rest);
      case 'install':
        return await cmdInstall(values);
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      log.info(`gvisor-cell: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    log.info(error instanceof CellError ? error.message : `gvisor-cell: ${error instanceof Error ? error.message : String(error)}`);
    return command === 'run' ? NOT_RUN : 1;
  }
}
