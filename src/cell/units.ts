/**
 * Parsers for the human-friendly quantities a cell document accepts. Pure, so
 * the schema can use them in transforms and the tests can pin them down.
 */

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  K: 1e3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

export const SIZE_PATTERN = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|k|M|G|T)?$/;

/** `512Mi`, `2G`, `1048576` → bytes (integer), or undefined when not a size. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  }
  const m = SIZE_PATTERN.exec(value.trim());
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * (SIZE_UNITS[m[2] ?? ''] ?? 1));
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const DURATION_UNITS: Record<string, number> = { ms: 1, '': 1000, s: 1000, m: 60_000, h: 3_600_000 };

/** Node's timers overflow past 2^31-1 ms (about 24.8 days). */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** `90s`, `10m`, `1h`, `300` (seconds) → milliseconds, or undefined when not a duration. */
export function parseDuration(value: string | number): number | undefined {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const m = DURATION_PATTERN.exec(text);
  if (!m) return undefined;
  const ms = Math.round(Number(m[1]) * (DURATION_UNITS[m[2] ?? ''] ?? 1000));
  return ms > 0 && ms <= MAX_DURATION_MS ? ms : undefined;
}

/** `1.5`, `"2"` → a positive CPU count, or undefined. */
export function parseCpus(value: string | number): number | undefined {
  const n = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : Number.NaN;
  return Number.isFinite(n) && n >= 0.01 && n <= 1024 ? n : undefined;
}

/** Renders a size in bytes back the way people write it (for logs and the summary). */
export function formatSize(bytes: number): string {
  for (const unit of ['Ti', 'Gi', 'Mi', 'Ki'] as const) {
    const n = SIZE_UNITS[unit] as number;
    if (bytes >= n && bytes % n === 0) return `${bytes / n}${unit}`;
  }
  return `${bytes}`;
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
