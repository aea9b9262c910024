/** Numbers as the report prints them, and Markdown tables. */
import { median } from '../stats.js';

/** Milliseconds: one decimal below 10, whole above; '–' when missing. */
export function ms(x: number): string {
  if (!Number.isFinite(x)) return '–';
  return Math.abs(x) < 10 ? x.toFixed(1) : String(Math.round(x));
}

/** min–max of the samples. */
export function spread(xs: readonly number[]): string {
  return xs.length ? `${ms(Math.min(...xs))}–${ms(Math.max(...xs))}` : '–';
}

/** `median (min–max)`. */
export function medianSpread(xs: readonly number[]): string {
  return `${ms(median(xs))} (${spread(xs)})`;
}

export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? r.toFixed(2) : '–';
}

export function verdict(r: number, budget: number): string {
  if (!Number.isFinite(r)) return '–';
  return r <= budget ? `✅ ≤ ${budget.toFixed(2)}` : `❌ > ${budget.toFixed(2)}`;
}

/** The same for a figure that must reach at least `target`. */
export function verdictAtLeast(r: number, target: number): string {
  if (!Number.isFinite(r)) return '–';
  return r >= target ? `✅ ≥ ${target.toFixed(2)}` : `❌ < ${target.toFixed(2)}`;
}

/** A Markdown table: first column left-aligned, the others right-aligned (numbers) unless `left`. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], { left = false } = {}): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map((_, i) => (i === 0 || left ? '---' : '---:'))), ...rows.map(line)].join('\n');
}
