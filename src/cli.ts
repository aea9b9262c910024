#!/usr/bin/env node
/**
 * `gvisor-cell`: the action's engine on a terminal, to reproduce a CI cell
 * locally or inspect its bundle. The options are the action's inputs under
 * other names and go through the same validation (readInputs), the same
 * document parser, installer, bundle builder and sandbox runner.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gatherHostFacts } from './bundle/host.js';
import { bundlePaths } from './bundle/paths.js';
import { buildBundle } from './bundle/spec.js';
import { checkHostPaths, writeBundle } from './bundle/write.js';
import { loadCell } from './cell/load.js';
import { CellError } from './cell/parse.js';
import { Inputs } from './constants.js';
import { type ActionInputs, readInputs } from './inputs.js';
import { obtainRunsc } from './install/obtain.js';
import { bucketArch, truncAdvisory } from './install/version.js';
import { log } from './log.js';
import { planCell, removeRunDir, runPlanned } from './run/cell.js';

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
125 when no cell ran (invalid document, failed install, runsc failed to start the sandbox).
Runs as root, or through passwordless sudo.`;

/** No cell ran: the document, the install or runsc failed (as `docker run` uses 125). */
const NOT_RUN = 125;
const TIMED_OUT = 124;

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

/** A message on stderr, neutralised (log.ts): inside a workflow step the runner parses it too. */
function say(line: string): void {
  log.info(line);
}

/** The CLI's options as the action's inputs, validated by the action's own reader. */
function inputsFrom(values: Values, cellFile: string | undefined): ActionInputs {
  const map: Record<string, string | undefined> = {
    // `install` has no document, but the reader insists on one: any name will do, it is never read.
    [Inputs.CellFile]: cellFile ?? 'no-document',
    [Inputs.RunscVersion]: values['runsc-version'],
    [Inputs.RunscSha512]: values['runsc-sha512'],
    [Inputs.RunscPath]: values.runsc,
    [Inputs.DownloadUrl]: values['download-url'],
    [Inputs.Platform]: values.platform,
    [Inputs.OutputLimit]: values['output-limit'],
  };
  return readInputs((name) => map[name] ?? '');
}

function toolCacheFrom(values: Values): void {
  // tool-cache reads these from the environment, as on a runner.
  process.env.RUNNER_TOOL_CACHE =
    values['tool-cache'] ?? process.env.RUNNER_TOOL_CACHE ?? path.join(os.homedir(), '.cache', 'gvisor-cell', 'tool-cache');
  // Run directories and logs: a directory of this user's, never a shared, guessable one in /tmp.
  if (!process.env.RUNNER_TEMP) {
    const own = path.join(os.homedir(), '.cache', 'gvisor-cell', 'tmp');
    mkdirSync(own, { recursive: true, mode: 0o700 });
    process.env.RUNNER_TEMP = own;
  }
}

/** A percentage on a terminal, nothing when piped. */
function progress(): ((received: number, total: number) => void) | undefined {
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
      say(`${file}: valid`);
    } catch (error) {
      bad++;
      say(error instanceof Error ? error.message : String(error));
    }
  }
  return bad === 0 ? 0 : 1;
}

async function cmdInstall(values: Values): Promise<number> {
  toolCacheFrom(values);
  const inputs = inputsFrom(values, undefined);
  // With a pin the verified copy is made in a scratch directory and compared with the entry, whose
  // path is what `install` prints: the entry is checked now, not whenever it is run later.
  const scratch = inputs.sha512 ? mkdtempSync(path.join(process.env.RUNNER_TEMP as string, 'gvisor-cell-verify-')) : undefined;
  try {
    const installed = await obtainRunsc({ ...inputs, runscPath: undefined }, bucketArch(process.platform, process.arch), {
      privateDir: scratch,
      onProgress: progress(),
    });
    let runsc = installed.path;
    if (scratch && installed.entry) {
      const { entryDifferences } = await import('./install/pinned.js');
      const differ = entryDifferences(path.dirname(installed.path), installed.entry.dir);
      if (differ.length > 0) {
        throw new Error(
          `the tool-cache entry ${installed.entry.dir} does not match runsc-sha512: ${differ.join(', ')} differ from its verified artifact, ` +
            `so the entry was tampered with or is corrupt. Delete ${installed.entry.dir} and ${installed.entry.dir}.complete to download runsc again.`,
        );
      }
      runsc = path.join(installed.entry.dir, 'runsc');
    }
    say(installed.version);
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
  say(`wrote ${config}`);
  say(`runsc flags for this cell: ${bundle.flags.join(' ')} --host-uds=none`);
  return 0;
}

async function cmdRun(file: string | undefined, values: Values): Promise<number> {
  if (!file) throw new UsageError('run: name a cell document');
  toolCacheFrom(values);
  const workspace = path.resolve(values.workspace ?? process.cwd());
  const inputs = inputsFrom(values, path.resolve(file));
  const cell = loadCell(inputs.cell, process.cwd(), 'run');
  const arch = bucketArch(process.platform, process.arch);
  const plan = planCell(cell, { workspace, env: process.env, tempRoot: process.env.RUNNER_TEMP as string });
  const cancel = new AbortController();
  const onSignal = () => cancel.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    for (const name of plan.bundle.missingEnv) say(`warning: pass-env: ${name} is not set; not passed`);
    for (const note of plan.bundle.notes) say(`gvisor-cell: ${note}`);
    for (const warning of plan.bundle.warnings) say(`warning: ${warning}`);
    const installed = await obtainRunsc(inputs, arch, { privateDir: plan.runDir, onProgress: progress() });
    const advisory = truncAdvisory(installed.version);
    if (advisory) say(`warning: ${advisory}`);
    say(`gvisor-cell: running ${cell.name} with ${installed.version} (${inputs.platform}), workspace ${workspace}`);
    const { output, result, collected } = await runPlanned(plan, {
      runscPath: installed.path,
      platform: inputs.platform,
      outputLimit: inputs.outputLimit,
      // raw: the cell's bytes, inside the stop-commands window when a runner reads them.
      jobLog: { write: (data) => process.stdout.write(data) },
      // Inside a workflow step the runner parses this output too: keep the cell from issuing commands.
      commandWindow: process.env.GITHUB_ACTIONS === 'true',
      signal: cancel.signal,
    });
    say(
      output.logCutAt === undefined
        ? `gvisor-cell: full log in ${output.logFile}`
        : `gvisor-cell: log in ${output.logFile}, cut at ${output.logCutAt} bytes by limits.log; the rest is only in the output above`,
    );
    if (collected) {
      if (!collected.error) say(`gvisor-cell: collected ${collected.files} file(s) into ${workspace}`);
      for (const warning of collected.warnings) say(`warning: ${warning}`);
      if (collected.error) say(`gvisor-cell: ${collected.error}`);
    }
    if (result.runscError) {
      say(`gvisor-cell: the sandbox did not start:\n${result.runscError.message}`);
      return NOT_RUN;
    }
    if (result.timedOut) {
      say(`gvisor-cell: ${cell.name} timed out after ${result.durationMs} ms`);
      return TIMED_OUT;
    }
    if (result.cancelled) return 130;
    say(`gvisor-cell: ${cell.name} exited ${result.exitCode} in ${result.durationMs} ms`);
    if (collected?.error) return result.exitCode || 1;
    return result.exitCode ?? NOT_RUN;
  } finally {
    removeRunDir(plan.runDir);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * tool-cache reports through @actions/core's `::debug::` commands, which a
 * runner hides and a terminal would show: drop them. Cell output is written as
 * Buffers and never matches.
 */
function muteRunnerDebug(): void {
  const write = process.stdout.write.bind(process.stdout) as (...args: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    typeof chunk === 'string' && chunk.startsWith('::debug::') ? true : write(chunk, ...rest)) as typeof process.stdout.write;
}

export async function main(argv: string[]): Promise<number> {
  log.out = process.stderr;
  muteRunnerDebug();
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    say(`gvisor-cell: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
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
      say(`gvisor-cell: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    say(error instanceof CellError ? error.message : `gvisor-cell: ${error instanceof Error ? error.message : String(error)}`);
    return command === 'run' ? NOT_RUN : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
