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

/**
 * A size as the action reads it: a number, then (after at most one space) a
 * unit. K, M, G, T count in 1000s and Ki, Mi, Gi, Ti in 1024s, which a
 * trailing B leaves unambiguous (4GiB); 4GB is refused, since people mean
 * either by it (sizeSuggestion names both). A value with no digit from 1 to
 * 9 is zero, refused here so that editors refuse it too (cell.schema.json
 * uses this pattern).
 */
export const SIZE_PATTERN = /^(?=.*[1-9])(\d+(?:\.\d+)?)(?: ?(?:(Ki|Mi|Gi|Ti)B?|(K|k|M|G|T)))?$/;

/** `512Mi`, `2G`, `4 GiB`, `1048576` → bytes (integer), or undefined when not a size. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  }
  const m = SIZE_PATTERN.exec(value.trim());
  if (!m) return undefined;
  const bytes = Math.floor(Number(m[1]) * (SIZE_UNITS[m[2] ?? m[3] ?? ''] ?? 1));
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

/** A number with a unit letter the action does not read as written: 4GB, 4gb, 4g, 512 mb, 1gib. */
const LOOSE_SIZE = /^(\d+(?:\.\d+)?) ?([kmgt])(i?)(b?)$/i;

/**
 * For a size written with a unit that could mean a power of 1000 or of 1024
 * (4GB, 4g, 512mb): both spellings this action reads, for the message. Undefined
 * for anything else.
 */
export function sizeSuggestion(value: string): string | undefined {
  const m = LOOSE_SIZE.exec(value.trim());
  if (!m || SIZE_PATTERN.test(value)) return undefined;
  const n = m[1] as string;
  const unit = (m[2] as string).toUpperCase();
  if (parseSize(`${n}${unit}`) === undefined) return undefined;
  const power = ['', '²', '³', '⁴']['KMGT'.indexOf(unit)];
  return `${n}${unit} (${n} × 1000${power} bytes) or ${n}${unit}i (${n} × 1024${power} bytes)`;
}

/**
 * A duration: a number of seconds, a number with a unit (90s, 10m, 1h, 250ms,
 * at most one space between), or hours, minutes and seconds in that order
 * (1h30m, 2m30s). A value with no digit from 1 to 9 is zero.
 */
export const DURATION_PATTERN =
  /^(?=.*[1-9])(?:(\d+(?:\.\d+)?)(?: ?(ms|s|m|h))?|(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?)$/;
const DURATION_UNITS: Record<string, number> = { ms: 1, '': 1000, s: 1000, m: 60_000, h: 3_600_000 };

/** Node's timers overflow past 2^31-1 ms (about 24.8 days). */
export const MAX_DURATION_MS = 2 ** 31 - 1;

/** `90s`, `10m`, `1h`, `1h30m`, `300` (seconds) → milliseconds, or undefined when not a duration. */
export function parseDuration(value: string | number): number | undefined {
  const text = typeof value === 'number' ? String(value) : value.trim();
  const m = DURATION_PATTERN.exec(text);
  if (!m) return undefined;
  const [, n, unit, hours, minutes, seconds] = m;
  const exact =
    n !== undefined
      ? Number(n) * (DURATION_UNITS[unit ?? ''] ?? 1000)
      : Number(hours ?? 0) * 3_600_000 + Number(minutes ?? 0) * 60_000 + Number(seconds ?? 0) * 1000;
  const ms = Math.round(exact);
  return ms > 0 && ms <= MAX_DURATION_MS ? ms : undefined;
}

/** Unit words, lower-cased, as the unit the action reads and how many of it each is (1H, 10min, 1d). */
const DURATION_WORDS: Record<string, [unit: string, times: number]> = {
  ms: ['ms', 1],
  s: ['s', 1],
  m: ['m', 1],
  h: ['h', 1],
  msec: ['ms', 1],
  msecs: ['ms', 1],
  millisecond: ['ms', 1],
  milliseconds: ['ms', 1],
  sec: ['s', 1],
  secs: ['s', 1],
  second: ['s', 1],
  seconds: ['s', 1],
  min: ['m', 1],
  mins: ['m', 1],
  minute: ['m', 1],
  minutes: ['m', 1],
  hr: ['h', 1],
  hrs: ['h', 1],
  hour: ['h', 1],
  hours: ['h', 1],
  d: ['h', 24],
  day: ['h', 24],
  days: ['h', 24],
};

/**
 * For a duration written with a unit word the action does not read (10min,
 * 30 seconds, 1d, 10M): the spelling it reads, for the message. Undefined for
 * anything else.
 */
export function durationSuggestion(value: string): string | undefined {
  const m = /^(\d+(?:\.\d+)?) ?([a-z]+)$/i.exec(value.trim());
  if (!m || DURATION_PATTERN.test(value)) return undefined;
  const found = DURATION_WORDS[(m[2] as string).toLowerCase()];
  if (!found) return undefined;
  const [unit, times] = found;
  const suggestion = `${Number(m[1]) * times}${unit}`;
  return parseDuration(suggestion) === undefined ? undefined : suggestion;
}

/**
 * A CPU count written as a string ("1.5"), from 0.01 to 1024: the range is in
 * the pattern so that editors (cell.schema.json) refuse "0.001" and "2000"
 * as the action does. Spaces around it are allowed, as trimming would.
 */
export const CPUS_PATTERN = /^\s*(?:0+\.(?:0[1-9]|[1-9])\d*|0*(?:[1-9]\d{0,2}|10[01]\d|102[0-3])(?:\.\d+)?|0*1024(?:\.0+)?)\s*$/;
export const MIN_CPUS = 0.01;
export const MAX_CPUS = 1024;

/** `1.5`, `"2"` → a positive CPU count, or undefined. */
export function parseCpus(value: string | number): number | undefined {
  if (typeof value === 'string') return CPUS_PATTERN.test(value) ? Number(value) : undefined;
  return Number.isFinite(value) && value >= MIN_CPUS && value <= MAX_CPUS ? value : undefined;
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
