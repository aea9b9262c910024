/**
 * How a pull is said, in the log and in the job summary: one wording for
 * both. Nothing here loads the image code (the summary is on every step's
 * path).
 */

/** What is said of a pull (pull.ts's PulledImage has it all). */
export interface PullReport {
  reference: string;
  digest: string;
  cached: boolean;
  fetchedBytes: number;
  unpackedBytes: number;
  pullMs: number;
  unpackMs: number;
}

export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

function ms(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${n} ms`;
}

export function describePull(p: PullReport): string {
  if (p.cached) return `Image ${p.reference} (${p.digest}) from the cache, ${mib(p.unpackedBytes)} (${ms(p.pullMs)})`;
  return `Pulled ${p.reference} (${p.digest}): ${mib(p.fetchedBytes)} fetched in ${ms(p.pullMs)}, ${mib(p.unpackedBytes)} unpacked in ${ms(p.unpackMs)}`;
}
