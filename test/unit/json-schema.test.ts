/**
 * cell.schema.json is generated from the zod schema; this keeps the committed
 * copy in step. `npm run schema` (UPDATE_SCHEMA=1) rewrites it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { cellJsonSchema } from '../../src/cell/json-schema.js';
import { CellSchema, KNOWN_KEYS } from '../../src/cell/schema.js';
import { allDocuments, REFUSED_ACROSS_KEYS } from '../support/documents.js';

const FILE = path.resolve(import.meta.dirname, '..', '..', 'cell.schema.json');
const generated = `${JSON.stringify(cellJsonSchema(), null, 2)}\n`;

describe('cell.schema.json', () => {
  test('is exactly what the zod schema generates', () => {
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(FILE, generated);
    expect(readFileSync(FILE, 'utf8'), 'cell.schema.json is stale: run `npm run schema`').toBe(generated);
  });

  test('covers every key, describes each, and refuses unknown ones', () => {
    const schema = JSON.parse(generated);
    expect(Object.keys(schema.properties).sort()).toEqual([...(KNOWN_KEYS[''] as string[])].sort());
    for (const [key, property] of Object.entries(schema.properties))
      expect((property as { description?: string }).description, key).toBeTruthy();
    expect(schema.additionalProperties).toBe(false);
  });

  test('describes each bound under limits with its default', () => {
    const limits = JSON.parse(generated).properties.limits.properties;
    expect(limits.tmpfs.description).toMatch(/Default 2Gi\.$/);
    expect(limits.log.description).toMatch(/Default 256Mi\.$/);
    expect(limits.collect.description).toMatch(/Default 2Gi\.$/);
  });

  test('every example document the zod schema accepts has only keys the JSON Schema knows', () => {
    const schema = JSON.parse(generated);
    const dir = path.resolve(import.meta.dirname, '..', '..', 'examples');
    const doc = parse(readFileSync(path.join(dir, 'hello.yml'), 'utf8'));
    expect(CellSchema.safeParse(doc).success).toBe(true);
    for (const key of Object.keys(doc)) expect(schema.properties).toHaveProperty(key);
  });
});

/**
 * Just enough of JSON Schema to run the rules cell.schema.json states between
 * keys (and the path patterns) on a document: keywords it does not know are
 * ignored, so it can only accept more than an editor would.
 */
interface Schema {
  const?: unknown;
  pattern?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  contains?: Schema;
  minItems?: number;
  anyOf?: Schema[];
  allOf?: Schema[];
  oneOf?: Schema[];
  not?: Schema;
}

function satisfies(s: Schema, value: unknown): boolean {
  const object = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  if ('const' in s && value !== s.const) return false;
  if (typeof s.pattern === 'string' && typeof value === 'string' && !new RegExp(s.pattern, 'u').test(value)) return false;
  if (s.required && object && !s.required.every((k) => k in object)) return false;
  if (s.properties && object) {
    for (const [k, sub] of Object.entries(s.properties))
      if (k in object && !satisfies(sub as Record<string, unknown>, object[k])) return false;
  }
  if (Array.isArray(value)) {
    const { items, contains } = s;
    if (items && !value.every((v) => satisfies(items, v))) return false;
    if (contains && !value.some((v) => satisfies(contains, v))) return false;
    if (typeof s.minItems === 'number' && value.length < s.minItems) return false;
  }
  if (s.anyOf && !s.anyOf.some((sub) => satisfies(sub, value))) return false;
  if (s.allOf && !s.allOf.every((sub) => satisfies(sub, value))) return false;
  if (s.oneOf && s.oneOf.filter((sub) => satisfies(sub, value)).length !== 1) return false;
  if (s.not && satisfies(s.not, value)) return false;
  return true;
}

describe('cell.schema.json states the rules between keys', () => {
  const schema = JSON.parse(generated);
  // Beyond a pattern: `a/../../x` leaves only after counting; NUL bytes are not checked by JSON Schema here.
  const beyondJsonSchema = ['run: x\nmounts: [{source: a/../../x, target: /o}]', 'run: x\nrootfs: {path: "a\\0b"}'];

  test.each(REFUSED_ACROSS_KEYS.filter(([text]) => !beyondJsonSchema.includes(text)))('%j is refused', (text) => {
    expect(satisfies(schema, parse(text))).toBe(false);
  });

  test('the documents validate accepts satisfy it (examples, README, the suite)', () => {
    const accepted = allDocuments().filter((d) => CellSchema.safeParse(parse(d.text)).success);
    expect(accepted.length).toBeGreaterThan(50);
    for (const d of accepted) expect(satisfies(schema, parse(d.text)), d.origin).toBe(true);
  });

  test('a document with both run and command, or neither, is refused', () => {
    expect(satisfies(schema, { run: 'x', command: ['ls'] })).toBe(false);
    expect(satisfies(schema, { name: 'x' })).toBe(false);
    expect(satisfies(schema, { command: ['ls'], shell: 'sh' })).toBe(false);
  });
});
