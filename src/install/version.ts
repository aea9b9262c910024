/**
 * Which runsc to fetch and how to name it in the tool cache. Pure.
 */

export interface VersionRequest {
  /** The path segment in the release bucket: `latest`, `20240729` or `20240729.1`. */
  bucket: string;
  /** Tool-cache key (valid semver) for a pinned version; undefined for `latest`. */
  cacheKey: string | undefined;
}

const PINNED = /^(?:release-)?(\d{8})(?:\.(\d+))?$/;

/** `latest`, `YYYYMMDD`, `YYYYMMDD.N`, optionally prefixed `release-`; undefined when none of these. */
export function parseVersionInput(text: string): VersionRequest | undefined {
  if (text === 'latest') return { bucket: 'latest', cacheKey: undefined };
  const m = PINNED.exec(text);
  if (!m) return undefined;
  const date = m[1] as string;
  if (!isCalendarDate(date)) return undefined;
  const patch = m[2] === undefined ? undefined : String(Number(m[2]));
  return { bucket: patch === undefined ? date : `${date}.${patch}`, cacheKey: `${date}.${patch ?? '0'}.0` };
}

function isCalendarDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const mo = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 2018 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/**
 * The release a `runsc --version` line names, as a tool-cache key.
 * `runsc version release-20260824.0` → `20260824.0.0`;
 * `runsc version 0.0~20240729.0` (Debian) → `20240729.0.0`.
 */
export function cacheKeyFromVersionOutput(output: string): string | undefined {
  const m = /runsc version \S*?(\d{8})(?:\.(\d+))?/.exec(output);
  if (!m) return undefined;
  return `${m[1]}.${m[2] === undefined ? '0' : String(Number(m[2]))}.0`;
}

/**
 * The first gVisor release whose read-only mounts refuse `open(O_TRUNC)`
 * ("Check MS_RDONLY for O_TRUNC before doing file truncation"); before it,
 * with directfs, a cell could empty any file it may only read.
 */
export const TRUNC_FIX_RELEASE = '20250707.0';

/**
 * What to tell users of a runsc that predates TRUNC_FIX_RELEASE (undefined
 * otherwise, or when the version cannot be told). gvisor-cell binds
 * read-only paths read-only on the host, so the cell still cannot change
 * them; other tools running that runsc stay exposed.
 */
export function truncAdvisory(versionOutput: string): string | undefined {
  const key = cacheKeyFromVersionOutput(versionOutput);
  if (!key || Number(key.slice(0, 8)) >= Number(TRUNC_FIX_RELEASE.slice(0, 8))) return undefined;
  return (
    `${versionLine(versionOutput)} predates gVisor release-${TRUNC_FIX_RELEASE}, which fixed open(O_TRUNC) emptying files through read-only mounts. ` +
    'gvisor-cell makes those paths read-only on the host as well, so this cell cannot change them; use runsc-version 20250707.0 or later where you can.'
  );
}

/** The first line of `runsc --version`, e.g. `runsc version release-20260824.0`. */
export function versionLine(output: string): string {
  return output.split('\n')[0]?.trim() ?? '';
}

const ARCHES: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' };

/** Node's platform/arch → the bucket's architecture directory; a clear error otherwise. */
export function bucketArch(platform: NodeJS.Platform, arch: string): string {
  if (platform !== 'linux') {
    throw new Error(`gVisor runs on Linux only; this runner is ${platform}. Use a Linux runner such as ubuntu-latest.`);
  }
  const mapped = ARCHES[arch];
  if (!mapped) {
    throw new Error(`unsupported architecture ${arch}: gVisor publishes runsc for x64 (x86_64) and arm64 (aarch64) only`);
  }
  return mapped;
}
