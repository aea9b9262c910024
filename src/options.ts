/**
 * The options both front ends take — the action's inputs, the CLI's flags —
 * parsed and checked once, here, into the engine's own types. Each front end
 * reads the raw strings its way and names an option in errors its way
 * (`input runsc-version`, `--runsc-version`); the rules are the same.
 */
import { existsSync } from 'node:fs';
import { DEFAULT_DOWNLOAD_URL } from './install/cache.js';
import type { RunscWanted } from './install/obtain.js';
import { parseVersionInput } from './install/version.js';
import type { Platform } from './run/runsc.js';

/** The shared options, named as the action's inputs (a unit test holds them to action.yml) and the CLI's flags. */
export const OPTION_NAMES = ['runsc-version', 'runsc-sha512', 'runsc-path', 'download-url', 'platform', 'output-limit'] as const;
export type OptionName = (typeof OPTION_NAMES)[number];

/** A raw option ('' when not given) and how errors name it. */
export interface OptionSource {
  get(name: OptionName): string;
  label(name: OptionName): string;
}

/**
 * The largest output limit: three outputs (logs, stdout, stderr) of this size,
 * counted as UTF-16 by the runner, stay well under its 1 MB per job.
 */
export const MAX_OUTPUT_LIMIT = 131_072;
export const DEFAULT_OUTPUT_LIMIT = 32_768;

/** How the cell runs, beyond its document. */
export interface RunChoices {
  platform: Platform;
  /** Bytes kept of each output tail. */
  outputLimit: number;
}

/** A bad option (or input): the message starts with its label. */
export class OptionError extends Error {
  constructor(label: string, problem: string) {
    super(`${label}: ${problem}`);
    this.name = 'OptionError';
  }
}

function fail(source: OptionSource, name: OptionName, problem: string): never {
  throw new OptionError(source.label(name), problem);
}

/** Which runsc to use. Every option is checked, whichever wins. */
export function runscOptions(source: OptionSource): RunscWanted {
  const versionText = source.get('runsc-version').trim() || 'latest';
  const version = parseVersionInput(versionText);
  if (!version) {
    fail(source, 'runsc-version', `expected latest, YYYYMMDD or YYYYMMDD.N (optionally prefixed release-), got "${versionText}"`);
  }

  const sha512 = source.get('runsc-sha512').trim().toLowerCase();
  if (sha512 !== '' && !/^[0-9a-f]{128}$/.test(sha512)) {
    fail(source, 'runsc-sha512', 'expected 128 hexadecimal characters (a sha512 digest)');
  }

  const urlText = source.get('download-url').trim() || DEFAULT_DOWNLOAD_URL;
  let url: URL | undefined;
  try {
    url = new URL(urlText);
  } catch {
    // Said below.
  }
  if (url?.protocol !== 'https:' && url?.protocol !== 'http:') fail(source, 'download-url', `expected an http(s) URL, got "${urlText}"`);

  const at = source.get('runsc-path').trim();
  if (at) return { at: { path: at, label: source.label('runsc-path') } };
  return { version, sha512: sha512 || undefined, downloadUrl: urlText.replace(/\/+$/, '') };
}

/** What the runsc options leave unverified, to say as a warning. */
export function runscWarnings(wanted: RunscWanted): string[] {
  if (wanted.at || wanted.sha512 || !wanted.downloadUrl.startsWith('http:')) return [];
  return ['download-url is plain http: the .sha512 comes over the same channel as runsc; pin runsc-sha512 to make the download verifiable'];
}

/** The platform and the output tails. `hasKvm` is asked only for kvm. */
export function runChoices(source: OptionSource, hasKvm: () => boolean = () => existsSync('/dev/kvm')): RunChoices {
  const platform = source.get('platform').trim() || 'systrap';
  if (platform !== 'systrap' && platform !== 'ptrace' && platform !== 'kvm') {
    fail(source, 'platform', `expected systrap, ptrace or kvm, got "${platform}"`);
  }
  if (platform === 'kvm' && !hasKvm()) {
    fail(source, 'platform', 'kvm needs /dev/kvm, which this machine does not have; use systrap (the default) or ptrace');
  }

  const limitText = source.get('output-limit').trim() || String(DEFAULT_OUTPUT_LIMIT);
  const outputLimit = /^\d+$/.test(limitText) ? Number(limitText) : Number.NaN;
  if (!(outputLimit >= 0 && outputLimit <= MAX_OUTPUT_LIMIT)) {
    fail(source, 'output-limit', `expected a whole number of bytes from 0 to ${MAX_OUTPUT_LIMIT}, got "${limitText}"`);
  }
  return { platform, outputLimit };
}
