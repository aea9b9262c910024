/** A cell document from where the user put it: inline text, or a file. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseCell } from './parse.js';
import type { Cell } from './schema.js';

export type CellSource = { text: string; source: string } | { file: string };

/**
 * Reads and validates the document. A file is resolved against `base` (the
 * workspace for the action, the current directory for the CLI); `label`
 * names where the path came from in a read error.
 */
export function loadCell(from: CellSource, base: string, label: string): Cell {
  if ('text' in from) return parseCell(from.text, from.source);
  const file = path.resolve(base, from.file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${label}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return parseCell(text, from.file);
}
