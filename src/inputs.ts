/**
 * The action's inputs, read once and validated before anything starts. Every
 * error names the input it is about.
 */
import type { CellSource } from './cell/load.js';
import { DEFAULT_DOWNLOAD_URL, Inputs } from './constants.js';
import { parseVersionInput, type VersionRequest } from './install/version.js';

export type Platform = 'systrap' | 'ptrace' | 'kvm';

export interface ActionInputs {
  cell: CellSource;
  version: VersionRequest;
  sha512: string | undefined;
  runscPath: string | undefined;
  downloadUrl: string;
  platform: Platform;
  failOnError: boolean;
  outputLimit: number;
}

/**
 * The largest `output-limit`: three outputs (logs, stdout, stderr) of this size,
 * counted as UTF-16 by the runner, stay well under its 1 MB per job.
 */
export const MAX_OUTPUT_LIMIT = 131_072;

export class InputError extends Error {
  constructor(input: string, problem: string) {
    super(`input ${input}: ${problem}`);
    this.name = 'InputError';
  }
}

/**
 * An input as the runner passes it: `INPUT_<NAME>`, upper-cased, spaces as
 * `_`, hyphens kept, trimmed — the lookup `core.getInput` does. Read directly
 * so that the step can start its sandbox before loading @actions/core, which
 * costs about 30 ms (it pulls in an HTTP client for OIDC); see main.ts.
 */
export function runnerInput(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** `get` defaults to the runner's INPUT_* variables; tests pass a map. */
export function readInputs(get: (name: string) => string = (name) => runnerInput(name)): ActionInputs {
  const cellText = get(Inputs.Cell);
  const cellFile = get(Inputs.CellFile).trim();
  if (cellText.trim() !== '' && cellFile !== '') {
    throw new InputError(`${Inputs.Cell}/${Inputs.CellFile}`, 'give exactly one of them, not both');
  }
  if (cellText.trim() === '' && cellFile === '') {
    throw new InputError(`${Inputs.Cell}/${Inputs.CellFile}`, 'give one of them: the cell document inline, or a path to it');
  }

  const versionText = get(Inputs.RunscVersion).trim() || 'latest';
  const version = parseVersionInput(versionText);
  if (!version) {
    throw new InputError(
      Inputs.RunscVersion,
      `expected latest, YYYYMMDD or YYYYMMDD.N (optionally prefixed release-), got "${versionText}"`,
    );
  }

  const sha512Text = get(Inputs.RunscSha512).trim().toLowerCase();
  if (sha512Text !== '' && !/^[0-9a-f]{128}$/.test(sha512Text)) {
    throw new InputError(Inputs.RunscSha512, 'expected 128 hexadecimal characters (a sha512 digest)');
  }

  const urlText = get(Inputs.DownloadUrl).trim() || DEFAULT_DOWNLOAD_URL;
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    throw new InputError(Inputs.DownloadUrl, `expected an http(s) URL, got "${urlText}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(Inputs.DownloadUrl, `expected an http(s) URL, got "${urlText}"`);
  }

  const platform = get(Inputs.Platform).trim() || 'systrap';
  if (platform !== 'systrap' && platform !== 'ptrace' && platform !== 'kvm') {
    throw new InputError(Inputs.Platform, `expected systrap, ptrace or kvm, got "${platform}"`);
  }

  const failText = get(Inputs.FailOnError).trim() || 'true';
  const failOnError = parseBoolean(failText);
  if (failOnError === undefined) {
    throw new InputError(Inputs.FailOnError, `expected true or false, got "${failText}"`);
  }

  const limitText = get(Inputs.OutputLimit).trim() || '32768';
  const outputLimit = /^\d+$/.test(limitText) ? Number(limitText) : Number.NaN;
  if (!(outputLimit >= 0 && outputLimit <= MAX_OUTPUT_LIMIT)) {
    throw new InputError(Inputs.OutputLimit, `expected a whole number of bytes from 0 to ${MAX_OUTPUT_LIMIT}, got "${limitText}"`);
  }

  return {
    cell: cellFile !== '' ? { file: cellFile } : { text: cellText, source: `input ${Inputs.Cell}` },
    version,
    sha512: sha512Text || undefined,
    runscPath: get(Inputs.RunscPath).trim() || undefined,
    downloadUrl: urlText.replace(/\/+$/, ''),
    platform,
    failOnError,
    outputLimit,
  };
}

/** The YAML 1.2 core booleans, as @actions/core's getBooleanInput accepts them. */
function parseBoolean(text: string): boolean | undefined {
  if (['true', 'True', 'TRUE'].includes(text)) return true;
  if (['false', 'False', 'FALSE'].includes(text)) return false;
  return undefined;
}
