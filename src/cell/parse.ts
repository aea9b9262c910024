/**
 * Text → validated cell. YAML (JSON is a subset) is parsed with the `yaml`
 * package under the YAML 1.2 core schema, so `no`/`on` stay strings and
 * duplicate keys are errors. Every problem is reported at once, one per line,
 * each starting with the key path it concerns.
 */
import { parseDocument } from 'yaml';
import type * as z from 'zod';
import { type Cell, CellSchema, KNOWN_KEYS, show } from './schema.js';

export class CellError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not a valid cell document:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CellError';
  }
}

/** Parses and validates a cell document; `source` names it in errors (e.g. the input or file). */
export function parseCell(text: string, source: string): Cell {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true, version: '1.2' });
  if (doc.errors.length > 0) {
    throw new CellError(
      source,
      doc.errors.map((e) => {
        const at = e.linePos?.[0];
        const where = at ? `line ${at.line}, column ${at.col}` : 'syntax';
        // With prettyErrors the message ends in " at line N, column M:" and a code excerpt; keep the sentence.
        const sentence = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
        return `${where}: ${sentence}`;
      }),
    );
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml refuses alias bombs ("Excessive alias count") while building the value.
    throw new CellError(source, [`(document): ${error instanceof Error ? error.message : String(error)}`]);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CellError(source, [`expected a mapping with at least run or command, got ${show(value ?? undefined)}`]);
  }
  const result = CellSchema.safeParse(value);
  if (!result.success) throw new CellError(source, formatIssues(result.error.issues));
  return result.data;
}

/** `['limits', 'memory']` → `limits.memory`; `['mounts', 0, 'target']` → `mounts[0].target`. */
export function keyPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(document)';
}

export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.flatMap((issue) => {
    const where = keyPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const known = KNOWN_KEYS[issue.path.filter((p) => typeof p === 'string').join('.')] ?? [];
      return issue.keys.map((key) => {
        const near = closest(key, known);
        const hint = near ? ` (did you mean "${near}"?)` : known.length ? ` (known keys: ${known.join(', ')})` : '';
        return `${issue.path.length ? `${where}.` : ''}${key}: unknown key${hint}`;
      });
    }
    if (issue.code === 'invalid_key') return [`${where}: ${issue.issues[0]?.message ?? issue.message}`];
    if (issue.code === 'invalid_union') {
      // One form matched the value's type (a mapping for `network: { allow }`): its own problems say more.
      const near = issue.errors.filter(
        (branch) => branch.length > 0 && branch.every((i) => i.path.length > 0 || i.code === 'unrecognized_keys'),
      );
      const [only] = near;
      if (near.length === 1 && only) return formatIssues(only.map((i) => ({ ...i, path: [...issue.path, ...i.path] })));
    }
    return [`${where}: ${issue.message}`];
  });
}

/** The known key nearest to `key` by edit distance, when it is close enough to be a typo. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

/** Damerau–Levenshtein (optimal string alignment): a swap of two letters counts as one edit. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}
