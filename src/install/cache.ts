/**
 * Reading runsc entries in the runner's tool cache, without loading
 * @actions/tool-cache: a cache hit is every warm step's path to `runsc run`,
 * and tool-cache pulls in @actions/core and an HTTP client (what that costs:
 * README, Performance; test/unit/warm-path.test.ts keeps it off this path). The layout is tool-cache's own —
 * `$RUNNER_TOOL_CACHE/<tool>/<semver>/<arch>`, complete once
 * `<arch>.complete` exists — written in that layout by installer.ts; unit and
 * middle tests check that this lookup and those entries agree with `tc.find`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The official release bucket. */
export const DEFAULT_DOWNLOAD_URL = 'https://storage.googleapis.com/gvisor/releases/release';

/** Tool-cache name for runsc from the default bucket; mirrors get a name of their own. */
export const TOOL_NAME = 'runsc';

/** Where a release's entries are: the cache's root, the tool's name (per bucket), the architecture. */
export interface Shelf {
  /** The tool cache's root (RUNNER_TOOL_CACHE for the action). */
  root: string;
  tool: string;
  arch: string;
}

/** Written next to runsc in the cache: what was downloaded, and what runsc says it is. */
export const METADATA_FILE = 'gvisor-cell.json';

export interface InstalledRunsc {
  /** Absolute path of the runsc binary (its gvisor-bin/ sidecars, if any, beside it). */
  path: string;
  /** The first line of `runsc --version`. */
  version: string;
  /** The tool-cache entry it came from, and the artifact kept in it (pinned.ts verifies that). */
  entry?: { dir: string; kept: string | undefined };
}

/**
 * A runsc ready to start, and its proof. A release just downloaded (pinned,
 * without runsc-sha512) is proved by its `runsc --version` while the caller
 * goes on to start the sandbox: `proven` settles once it has answered and its
 * entry is marked complete, with the entry as cached, or rejects (it did not
 * run here, or the entry could not be completed). Every other runsc is proved
 * already.
 */
export interface ObtainedRunsc {
  path: string;
  proven: Promise<InstalledRunsc>;
  /**
   * Called once nothing started from `path` runs any more (or nothing was
   * started). An entry whose proof failed is kept, locked, until then, since
   * stopping a sandbox runs its runsc, and is removed then, its lock let go.
   * A proved entry's lock went with the proof: this only waits for that.
   */
  release(): Promise<void>;
}

/** A runsc proved already. */
export function proved(runsc: InstalledRunsc): ObtainedRunsc {
  return { path: runsc.path, proven: Promise.resolve(runsc), release: async () => {} };
}

/** The proof, for a caller that starts nothing before it: waited for, and the entry released. */
export async function provenNow(obtained: ObtainedRunsc): Promise<InstalledRunsc> {
  try {
    return await obtained.proven;
  } finally {
    await obtained.release();
  }
}

export interface Metadata {
  /** The URL it was downloaded from. */
  artifact: string;
  sha512: string;
  version: string;
  /**
   * The downloaded artifact's file name in the entry, kept there so that a
   * pinned cache hit can hash what it runs (for the loose layout, `runsc`
   * itself). Absent in entries made before artifacts were kept.
   */
  kept?: string;
}

/** The names an artifact can be kept under: the bucket's own, nothing with a path in it. */
export const KEPT_ARTIFACTS = ['gvisor.tar.zstd', 'gvisor.tar.bz2', 'runsc'] as const;

/** The tool-cache name: downloads from a mirror never mix with the official bucket's. */
export function toolName(downloadUrl: string): string {
  if (downloadUrl === DEFAULT_DOWNLOAD_URL) return TOOL_NAME;
  // Loaded here, not imported: node:crypto is slow to load (README, Performance), and only mirrors need it.
  const { createHash } = process.getBuiltinModule('node:crypto');
  return `${TOOL_NAME}-mirror-${createHash('sha256').update(downloadUrl).digest('hex').slice(0, 12)}`;
}

/** The complete entry for an exact version key (already clean semver), as `tc.find` finds it; '' when there is none. */
export function findEntry(shelf: Shelf, key: string): string {
  const dir = path.join(shelf.root, shelf.tool, key, shelf.arch);
  return existsSync(dir) && existsSync(`${dir}.complete`) ? dir : '';
}

export function readMetadata(dir: string): Metadata | undefined {
  try {
    const m = JSON.parse(readFileSync(path.join(dir, METADATA_FILE), 'utf8')) as Partial<Metadata>;
    if (typeof m.sha512 === 'string' && typeof m.version === 'string' && typeof m.artifact === 'string') {
      // A `kept` name we would not have written is ignored: the entry then counts as one from before artifacts were kept.
      const kept = (KEPT_ARTIFACTS as readonly unknown[]).includes(m.kept) ? m.kept : undefined;
      return { artifact: m.artifact, sha512: m.sha512, version: m.version, kept };
    }
  } catch {
    // A missing or unreadable metadata file makes the entry unusable: it is not ours, or not whole.
  }
  return undefined;
}

/**
 * A cached runsc for this version key, made by us (metadata present) and, when
 * `runsc-sha512` is pinned, recorded as made from that very artifact and
 * keeping it. The metadata is only a guide: the cache is writable by the
 * runner's user, so a pinned hit is verified by hashing the kept artifact
 * (pinned.ts), never by believing this file. `say` reports which.
 */
export function findCached(
  shelf: Shelf,
  key: string,
  pinnedSha: string | undefined,
  say: (line: string) => void,
  /** What happens to an entry the pin rules out: the installer, which has downloaded already, replaces it. */
  instead = 'downloading again',
): InstalledRunsc | undefined {
  const dir = findEntry(shelf, key);
  if (!dir) return undefined;
  const meta = readMetadata(dir);
  if (!meta) return undefined;
  if (pinnedSha && meta.sha512 !== pinnedSha) {
    say(`Cached runsc ${key} came from an artifact with another sha512 than runsc-sha512; ${instead}`);
    return undefined;
  }
  if (pinnedSha && !meta.kept) {
    // An entry from before artifacts were kept: nothing in it can be checked against the pin. A fresh
    // download can, and replaces it.
    say(`Cached runsc ${key} in ${dir} does not keep its artifact, so runsc-sha512 cannot be checked against it; ${instead}`);
    return undefined;
  }
  say(`Using cached ${meta.version} from ${dir}`);
  return cachedRunsc(dir, meta);
}

export function cachedRunsc(dir: string, meta: Metadata): InstalledRunsc {
  return { path: path.join(dir, 'runsc'), version: meta.version, entry: { dir, kept: meta.kept } };
}
