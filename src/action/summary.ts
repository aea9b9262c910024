/**
 * The job summary of a cell, as Markdown. Everything that comes from the cell
 * or the document is escaped or fenced: cell output must never render as HTML
 * or Markdown (the summary renders raw HTML).
 */
import { formatDuration, formatSize } from '../cell/units.js';
import type { Tally } from '../egress/record.js';
import { describePull } from '../image/describe.js';
import type { PulledImage } from '../image/pull.js';
import type { Verdict } from '../run/verdict.js';

export interface SummaryFacts {
  name: string;
  verdict: Verdict;
  /** What to do about the verdict (run/hints.ts), one paragraph each. */
  hints?: string[];
  exitCode: number | undefined;
  durationMs: number;
  runscVersion: string;
  platform: string;
  network: string;
  limits: { timeout?: number; memory?: number; cpus?: number; pids?: number; tmpfs?: number; log?: number; collect?: number };
  logTail: string;
  logFile: string;
  /** Where `limits.log` cut the log file, when it did. */
  logCutAt?: number;
  /** What the user should know about the runsc in use (an old release's known bugs). */
  advisories?: string[];
  /** With network.allow: every destination's decision, tallied (egress/record.ts). */
  egress?: { file: string; rows: EgressRow[] };
  /** With rootfs.image: what was pulled, or found in the cache. */
  image?: PulledImage;
}

/** A destination's decisions, tallied (egress/record.ts). */
export type EgressRow = Tally;

/** Rows of the egress table shown; the egress-log output has every decision. */
export const EGRESS_ROWS_SHOWN = 50;

/**
 * The egress table: denied first. Names were normalised (or replaced) before
 * they got here, and are escaped again all the same; with `audit: true`,
 * the allowed names are the list to copy.
 */
function egressTable(e: NonNullable<SummaryFacts['egress']>): string {
  const rows = e.rows.slice(0, EGRESS_ROWS_SHOWN).map((r) => {
    const port = r.port === 53 && r.decision === 'denied' ? '53 (DNS)' : String(r.port);
    const decision = r.decision === 'denied' ? `❌ denied${r.reason ? `: ${escapeMarkdown(r.reason)}` : ''}` : '✅ allowed';
    return `| ${escapeMarkdown(r.name)} | ${port} | ${decision} | ${r.connections} | ${formatSize(r.sent)} sent, ${formatSize(r.received)} received |\n`;
  });
  const more = e.rows.length > EGRESS_ROWS_SHOWN ? `\n${e.rows.length - EGRESS_ROWS_SHOWN} more in the egress log.\n` : '';
  const none = e.rows.length === 0 ? '| (nothing) | | | | |\n' : '';
  return `\n**Egress** (every decision is in the egress-log output, ${escapeMarkdown(e.file)})\n\n| destination | port | decision | connections | bytes |\n| --- | ---: | --- | ---: | --- |\n${rows.join('')}${none}${more}`;
}

/** The summary upload fails above 1 MiB per step; the tail shown stays far below. */
export const SUMMARY_TAIL_CHARS = 16_384;

/** Escapes text for a Markdown table cell or heading: no HTML, no emphasis, no pipes. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~])/g, '\\$1');
}

/** A fenced code block whose fence is longer than any backtick run inside it. */
export function fenced(text: string, info = 'text'): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${info}\n${text}${text.endsWith('\n') ? '' : '\n'}${fence}\n`;
}

/** The summary's status cell. */
function statusLabel(verdict: Verdict): string {
  switch (verdict.kind) {
    case 'sandbox-failed':
      return '⚠️ sandbox did not start';
    case 'cancelled':
      return '⏹️ cancelled';
    case 'timed-out':
      return '⏱️ timed out';
    case 'out-of-memory':
      return '❌ killed, likely out of memory';
    case 'command-not-found':
      return '❌ command not found (exit 127)';
    case 'failed':
      return `❌ exited ${verdict.exitCode}`;
    case 'passed':
      return '✅ passed';
  }
}

/** What a cut log file lacks and where to find it; the step's log says the same. */
export function logCutNote(cap: number): string {
  const size = formatSize(cap);
  return `cut at ${/^\d+$/.test(size) ? `${size} bytes` : size} by limits.log; the rest of the output is only in the job log`;
}

export function renderSummary(f: SummaryFacts): string {
  const limits = [
    f.limits.timeout !== undefined ? `timeout ${formatDuration(f.limits.timeout)}` : undefined,
    f.limits.memory !== undefined ? `memory ${formatSize(f.limits.memory)}` : undefined,
    f.limits.cpus !== undefined ? `cpus ${f.limits.cpus}` : undefined,
    f.limits.pids !== undefined ? `pids ${f.limits.pids}` : undefined,
    // The bounds have defaults; only a value the document set is shown.
    ...(['tmpfs', 'log', 'collect'] as const).map((k) => (f.limits[k] !== undefined ? `${k} ${formatSize(f.limits[k])}` : undefined)),
  ].filter(Boolean);
  const rows: [string, string][] = [
    ['exit code', f.exitCode === undefined ? '—' : String(f.exitCode)],
    ['duration', `${(f.durationMs / 1000).toFixed(2)} s`],
    ['runsc', escapeMarkdown(f.runscVersion)],
    ['platform', f.platform],
    ['network', f.network],
    // The log's own line: the reference, the digest, and what the pull cost.
    ...(f.image ? ([['image', escapeMarkdown(describePull(f.image))]] as [string, string][]) : []),
    ['limits', limits.length ? escapeMarkdown(limits.join(', ')) : 'none'],
    ['log file', escapeMarkdown(f.logFile) + (f.logCutAt === undefined ? '' : ` (${logCutNote(f.logCutAt)})`)],
  ];
  let tail = f.logTail;
  let label = 'Output';
  if (tail.length > SUMMARY_TAIL_CHARS) {
    tail = tail.slice(tail.length - SUMMARY_TAIL_CHARS);
    // Do not start on the second half of a surrogate pair.
    if (/^[\uDC00-\uDFFF]/.test(tail)) tail = tail.slice(1);
    label = `Output (last ${SUMMARY_TAIL_CHARS} characters)`;
  }
  const parts = [
    `### gvisor-cell · ${escapeMarkdown(f.name)} · ${statusLabel(f.verdict)}\n`,
    '| | |\n| --- | --- |\n',
    rows.map(([k, v]) => `| ${k} | ${v} |\n`).join(''),
  ];
  for (const advisory of f.advisories ?? []) parts.push(`\n> [!WARNING]\n> ${escapeMarkdown(advisory)}\n`);
  if (f.verdict.kind === 'sandbox-failed') parts.push(`\n**runsc said:**\n\n${fenced(f.verdict.message)}`);
  // Hints quote paths and the cell's output: fenced, like the output itself.
  if (f.hints?.length) parts.push(`\n**What to do:**\n\n${fenced(f.hints.join('\n\n'))}`);
  if (f.egress) parts.push(egressTable(f.egress));
  if (tail !== '') parts.push(`\n<details><summary>${label}</summary>\n\n${fenced(tail)}\n</details>\n`);
  return parts.join('');
}
