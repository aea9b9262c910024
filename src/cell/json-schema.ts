/**
 * The JSON Schema of the cell document, generated from the zod schema (never
 * written by hand) so editors can validate documents as they are typed:
 * `# yaml-language-server: $schema=…/cell.schema.json`. The committed copy,
 * cell.schema.json, is kept in step by test/unit/json-schema.test.ts
 * (`npm run schema` rewrites it).
 *
 * Draft-07: the draft every editor reads (yaml-language-server before 1.20
 * reads no later one, and reads a later one with draft-07 rules anyway); the
 * schema needs nothing newer. Descriptions and editor messages
 * (`errorMessage`, yaml-language-server's extension) are on the zod schema,
 * in `.meta()`.
 */
import * as z from 'zod';
import { CellSchema } from './schema.js';

export const SCHEMA_ID = 'https://raw.githubusercontent.com/OWNER/gvisor-cell/main/cell.schema.json';

type Json = Record<string, unknown>;

/** The keywords that apply to one kind of value only: elsewhere they hold trivially. */
const KEYWORDS_OF: Record<string, readonly string[]> = {
  string: ['pattern', 'minLength', 'maxLength', 'format'],
  number: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
  integer: ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'],
  boolean: [],
};

/**
 * `anyOf: [{ type: integer, exclusiveMinimum: 0 }, { type: string, pattern }]`
 * → `{ type: [integer, string], exclusiveMinimum: 0, pattern }`: the same set
 * of values, since each keyword applies to its own kind of value only. An
 * editor then reports one problem, with the errorMessage, instead of the first
 * branch's ("Incorrect type. Expected integer" for `memory: 4GB`). Only when
 * every branch is a single kind of value that no other branch has, with
 * nothing but that kind's keywords (integer and number overlap: kept apart).
 */
function mergeKinds(schema: Json): void {
  const branches = schema.anyOf;
  if (!Array.isArray(branches) || 'type' in schema) return;
  const types: string[] = [];
  const merged: Json = {};
  for (const branch of branches as Json[]) {
    const type = branch.type;
    const own = typeof type === 'string' ? KEYWORDS_OF[type] : undefined;
    if (!own || types.includes(type as string) || (type === 'number' && types.includes('integer'))) return;
    if (type === 'integer' && types.includes('number')) return;
    for (const [key, value] of Object.entries(branch)) {
      if (key === 'type') continue;
      if (!own.includes(key) || key in merged) return;
      merged[key] = value;
    }
    types.push(type as string);
  }
  delete schema.anyOf;
  Object.assign(schema, { type: types }, merged);
}

export function cellJsonSchema(): Json {
  const schema = z.toJSONSchema(CellSchema, {
    io: 'input',
    target: 'draft-07',
    override: ({ jsonSchema }) => mergeKinds(jsonSchema as Json),
  });
  return { $id: SCHEMA_ID, title: 'gvisor-cell cell document (v1)', ...schema };
}
