/** Medians, ratios, and the alternating order that lets slow drift of the machine cancel out. */

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** a / b, or NaN when either is missing or b is not positive. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : Number.NaN;
}

/** The compared commands of one round, in alternating order (reversed every other round). */
export function order<T>(list: readonly T[], round: number): readonly T[] {
  return round % 2 === 0 ? list : [...list].reverse();
}

/** Round 0 is the warm-up, not counted; rounds 1…n are measured. */
export function roundName(round: number, rounds: number): string {
  return round === 0 ? 'warm-up' : `round ${round}/${rounds}`;
}
