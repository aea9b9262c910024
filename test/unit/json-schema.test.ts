/**
 * cell.schema.json is generated from the zod schema; this keeps the committed
 * copy in step (`npm run schema`, UPDATE_SCHEMA=1, rewrites it), and checks
 * that editors judge documents as the action does: every document of the
 * suite through a real JSON Schema validator (ajv) and through the editors'
 * language server (yaml-language-server), against parseCell.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, test } from 'vitest';
import { parseDocument } from 'yaml';
import { cellJsonSchema } from '../../src/cell/json-schema.js';
import { parseCell } from '../../src/cell/parse.js';
import { KNOWN_KEYS } from '../../src/cell/schema.js';
import { allDocuments } from '../support/documents.js';
import { editorFor } from '../support/editor.js';

/**
 * ajv's strict mode (an unknown keyword is an error), but for what the rules
 * between keys do on purpose: name a key the parent defines (`required`), and
 * constrain it without restating its type, which its own schema states; and
 * command's argv, whose first item only is constrained (an open tuple).
 */
const STRICT = { strict: true, strictRequired: false, strictTypes: false, strictTuples: false } as const;

const FILE = path.resolve(import.meta.dirname, '..', '..', 'cell.schema.json');
const generated = `${JSON.stringify(cellJsonSchema(), null, 2)}\n`;
const schema = JSON.parse(generated);

describe('cell.schema.json', () => {
  test('is exactly what the zod schema generates', () => {
    if (process.env.UPDATE_SCHEMA === '1') writeFileSync(FILE, generated);
    expect(readFileSync(FILE, 'utf8'), 'cell.schema.json is stale: run `npm run schema`').toBe(generated);
  });

  test('is a valid draft-07 schema, with errorMessage as its only keyword beyond the draft', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    // Strict: a keyword ajv does not know is an error, so an editor extension must be declared to pass.
    const strict = new Ajv(STRICT);
    expect(() => strict.compile(schema)).toThrow(/unknown keyword: "errorMessage"/);
    strict.addKeyword('errorMessage');
    expect(strict.validateSchema(schema), JSON.stringify(strict.errors)).toBe(true);
    expect(() => strict.compile(schema)).not.toThrow();
  });

  test('covers every key, at every level, describes each, and refuses unknown ones', () => {
    const levels: [string, { properties: Record<string, { description?: string }>; additionalProperties?: unknown }][] = [
      ['', schema],
      ['limits', schema.properties.limits],
      ['mounts', schema.properties.mounts.items],
      ['rootfs', schema.properties.rootfs.anyOf.find((s: { type?: string }) => s.type === 'object')],
    ];
    for (const [level, object] of levels) {
      expect(Object.keys(object.properties).sort(), level).toEqual([...(KNOWN_KEYS[level] as string[])].sort());
      for (const [key, property] of Object.entries(object.properties)) expect(property.description, `${level}.${key}`).toMatch(/\w{3}/);
      expect(object.additionalProperties, level).toBe(false);
    }
    for (const bound of ['tmpfs', 'collect']) expect(schema.properties.limits.properties[bound].description).toMatch(/Default 2Gi\.$/);
    expect(schema.properties.limits.properties.log.description).toMatch(/Default 256Mi\.$/);
  });
});

const ajv = new Ajv({ ...STRICT, allErrors: true });
ajv.addKeyword('errorMessage');
const validateAjv = ajv.compile(schema);

/** What a validator given the document's value says; undefined when the text is no YAML (the editor says so itself). */
function ajvAccepts(text: string): boolean | undefined {
  const doc = parseDocument(text, { uniqueKeys: true, version: '1.2' });
  if (doc.errors.length > 0) return undefined;
  return validateAjv(doc.toJS({ maxAliasCount: 100 }));
}

function actionAccepts(text: string): boolean {
  try {
    parseCell(text, 'doc');
    return true;
  } catch {
    return false;
  }
}

/**
 * The documents the action refuses and an editor accepts, each for a rule that
 * JSON Schema cannot state: it matches a value against patterns and numbers,
 * but it cannot normalise a path, count `..`, compare two items of a list, or
 * do arithmetic on a value written with a unit. Each is kept here by its text,
 * so that the list cannot outlive the difference (the test fails if they agree).
 */
const BEYOND_JSON_SCHEMA: Record<string, string> = {
  'run: x\nlimits: {memory: 99999999999Ti}': 'bytes past 2^53: arithmetic on a value with a unit',
  'run: x\nlimits: {timeout: 600h}': 'past 24 days: arithmetic on a value with a unit',
  'run: x\nmounts: [{source: a, target: /x/..}]': 'a target that normalises to /',
  'run: x\nmounts: [{source: a, target: /c}, {source: b, target: /c/}]': 'a target mounted twice: two items compared',
  'run: x\nmounts: [{source: a/../../x, target: /o}]': 'a source that leaves the workspace after counting ..',
  'run: x\nworking-directory: a/../../x': 'a directory that leaves the workspace after counting ..',
};

describe('editors judge the documents of the suite as the action does', () => {
  const documents = allDocuments();
  const editor = editorFor(schema);

  test('the issue’s documents are among them', () => {
    const texts = documents.map((d) => d.text);
    for (const text of ['', 'name: x', 'run: x\ncommand: [ls]', 'run: x\nlimits: {cpus: lots}', 'run: x\nlimits: {memory: 4GB}'])
      expect(texts, text).toContain(text);
  });

  test('ajv, a JSON Schema validator: valid exactly when parseCell accepts, but for rules beyond JSON Schema', () => {
    const differ: string[] = [];
    let compared = 0;
    for (const { origin, text } of documents) {
      const editorSays = ajvAccepts(text);
      if (editorSays === undefined) continue;
      compared++;
      const differs = editorSays !== actionAccepts(text);
      if (differs !== text in BEYOND_JSON_SCHEMA)
        differ.push(`${origin}: ${JSON.stringify(text)} (ajv: ${editorSays ? 'valid' : 'invalid'})`);
    }
    expect(compared).toBeGreaterThan(200);
    expect(differ).toEqual([]);
  });

  test('the exceptions are refused by the action and accepted by an editor, no other way round', () => {
    for (const text of Object.keys(BEYOND_JSON_SCHEMA)) {
      expect(
        documents.map((d) => d.text),
        text,
      ).toContain(text);
      expect(actionAccepts(text), text).toBe(false);
    }
  });

  test('yaml-language-server: no diagnostic exactly when parseCell accepts, but for rules beyond JSON Schema', async () => {
    const differ: string[] = [];
    for (const { origin, text } of documents) {
      const diagnostics = await editor.diagnose(text);
      const differs = (diagnostics.length === 0) !== actionAccepts(text);
      if (differs !== text in BEYOND_JSON_SCHEMA) differ.push(`${origin}: ${JSON.stringify(text)}: ${JSON.stringify(diagnostics)}`);
    }
    expect(differ).toEqual([]);
  });
});

describe('what an editor shows', () => {
  const editor = editorFor(schema);
  const messages = async (text: string) => (await editor.diagnose(text)).map(({ message, key }) => [key, message]);

  test.each([
    ['', 'expected one of run (a script) or command (an argv), got neither'],
    ['name: x\n', 'expected one of run (a script) or command (an argv), got neither'],
  ])('%j: neither run nor command', async (text, message) => {
    expect((await messages(text)).map(([, m]) => m)).toEqual([message]);
  });

  test('run and command: on command, the action’s message', async () => {
    expect(await messages('run: x\ncommand: [ls]\n')).toEqual([['command', 'expected one of run or command, got both']]);
  });

  test('shell with command: on shell, the action’s message', async () => {
    expect(await messages('command: [ls]\nshell: sh\n')).toEqual([['shell', 'shell applies to run only; command is executed as is']]);
  });

  test('collect with workspace: none: on collect', async () => {
    expect(await messages('run: x\nworkspace: none\ncollect: [out]\n')).toEqual([
      ['[out]', 'there is no workspace to collect into with workspace: none'],
    ]);
  });

  test('overlay and read-write mixed: on the mode that mixes them', async () => {
    const [[key, message] = []] = await messages('run: x\nmounts: [{source: a, target: /a, mode: read-write}]\n');
    expect(key).toBe('read-write');
    expect(message).toMatch(/^overlay and read-write cannot be combined in one cell yet/);
  });

  // Joined, not one template: a template with run: in it would join the documents of the suite (documents.ts).
  const withLimits = (limit: string) => ['run: x', `limits: {${limit}}`].join('\n');
  const SIZE = schema.properties.limits.properties.memory.errorMessage;
  const DURATION = schema.properties.limits.properties.timeout.errorMessage;
  test.each([
    ['memory: 4GB', '4GB', SIZE],
    ['memory: 4gb', '4gb', SIZE],
    ['memory: [1]', '[1]', SIZE],
    ['tmpfs: lots', 'lots', SIZE],
    ['timeout: 10min', '10min', DURATION],
    ['timeout: 1d', '1d', DURATION],
    ['cpus: lots', 'lots', 'expected a number of CPUs from 0.01 to 1024 such as 1.5'],
    ['cpus: "2000"', '"2000"', 'expected a number of CPUs from 0.01 to 1024 such as 1.5'],
  ])('limits: {%s}: one diagnostic, on the value, in the action’s words', async (limit, key, message) => {
    expect(await messages(withLimits(limit))).toEqual([[key, message]]);
  });

  test('sizes and durations say what to write instead', () => {
    expect(SIZE).toBe(
      'expected a size like 512Mi or 2G (or a number of bytes): K, M, G, T count in 1000s and Ki, Mi, Gi, Ti (or KiB … TiB) in 1024s, so 4G or 4Gi, not 4GB',
    );
    expect(DURATION).toBe(
      'expected a duration from 1ms to 24 days like 90s, 10m, 1h or 1h30m (or a number of seconds); the units are ms, s, m and h',
    );
  });

  test.each([['memory: 4Gi'], ['memory: 4 GiB'], ['memory: 4G'], ['memory: 4096'], ['timeout: 1h30m'], ['cpus: "1.5"'], ['cpus: 0.5']])(
    'limits: {%s} has no diagnostic',
    async (limit) => {
      expect(await messages(withLimits(limit))).toEqual([]);
    },
  );

  test.each([
    ['run: x\nlimits:\n  memory: 1Gi\n', 'memory', /Memory for the cell/],
    ['run: x\nlimits:\n  tmpfs: 1Gi\n', 'tmpfs', /Default 2Gi\./],
    ['run: x\nmounts:\n  - source: a\n    target: /a\n', 'target', /Where it appears in the cell/],
    ['run: x\nrootfs:\n  path: img\n', 'path', /A root filesystem directory you prepared/],
  ])('hovering %j over %s shows its description', async (text, key, description) => {
    expect(await editor.hover(text, key)).toMatch(description);
  });
});
