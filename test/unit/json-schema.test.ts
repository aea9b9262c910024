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
