/**
 * Reading runsc entries in the runner's tool cache, without loading
 * @actions/tool-cache: a cache hit is every warm step's path to `runsc run`,
 * and tool-cache pulls in @actions/core and an HTTP client (about 30 ms to
 * load; see README, Performance). The layout is tool-cache's own —
 * `$RUNNER_TOOL_CACHE/<tool>/<semver>/<arch>`, complete once
 * `<arch>.complete` exists — and entries are still written by tool-cache
 * (installer.ts); a unit test checks that this lookup agrees with `tc.find`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_DOWNLOAD_URL, TOOL_NAME } from '../constants.js';

/** Written next to runsc in the cache: what was downloaded, and what runsc says it is. */
export const METADATA_FILE = 'gvisor-cell.json';

export interface InstalledRunsc {
  /** Absolute path of the runsc binary (its gvisor-bin/ sidecars, if any, beside it). */
  path: string;
  /** The first line of `runsc --version`. */
  version: string;
  fromCache: boolean;
}

export interface Metadata {
  artifact: string;
  sha512: string;
  version: string;
}

/** The tool-cache name: downloads from a mirror never mix with the official bucket's. */
export function toolName(downloadUrl: string): string {
  if (downloadUrl === DEFAULT_DOWNLOAD_URL) return TOOL_NAME;
  // Loaded here, not imported: node:crypto takes about 5 ms to load, and only mirrors need it.
  const { createHash } = process.getBuiltinModule('node:crypto');
  return `${TOOL_NAME}-mirror-${createHash('sha256').update(downloadUrl).digest('hex').slice(0, 12)}`;
}

/** tool-cache's root, as tool-cache itself finds it. */
export function cacheRoot(): string {
  const root = process.env.RUNNER_TOOL_CACHE;
  if (!root) throw new Error('RUNNER_TOOL_CACHE is not set: gvisor-cell caches runsc in the runner’s tool cache');
  return root;
}

/** The complete entry for an exact version key (already clean semver), as `tc.find` finds it; '' when there is none. */
export function findEntry(tool: string, key: string, arch: string): string {
  const dir = path.join(cacheRoot(), tool, key, arch);
  return existsSync(dir) && existsSync(`${dir}.complete`) ? dir : '';
}

export function readMetadata(dir: string): Metadata | undefined {
  try {
    const m = JSON.parse(readFileSync(path.join(dir, METADATA_FILE), 'utf8')) as Partial<Metadata>;
    if (typeof m.sha512 === 'string' && typeof m.version === 'string' && typeof m.artifact === 'string') return m as Metadata;
  } catch {
    // A missing or unreadable metadata file makes the entry unusable: it is not ours, or not whole.
  }
  return undefined;
}

/**
 * A cached runsc for this version key, made by us (metadata present) and, when
 * `runsc-sha512` is pinned, from that very artifact. `say` reports which.
 */
export function findCached(
  tool: string,
  key: string,
  arch: string,
  pinnedSha: string | undefined,
  say: (line: string) => void,
): InstalledRunsc | undefined {
  const dir = findEntry(tool, key, arch);
  if (!dir) return undefined;
  const meta = readMetadata(dir);
  if (!meta) return undefined;
  if (pinnedSha && meta.sha512 !== pinnedSha) {
    say(`Cached runsc ${key} came from an artifact with another sha512 than runsc-sha512; downloading again`);
    return undefined;
  }
  say(`Using cached ${meta.version} from ${dir}`);
  return { path: path.join(dir, 'runsc'), version: meta.version, fromCache: true };
}
