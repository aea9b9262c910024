import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { readInputs } from '../../src/action/inputs.js';
import { Inputs, Outputs } from '../../src/action/names.js';
import { DEFAULT_DOWNLOAD_URL } from '../../src/install/cache.js';
import { MAX_OUTPUT_LIMIT, OPTION_NAMES } from '../../src/options.js';

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string; post?: string };
}

const action = parse(readFileSync(new URL('../../action.yml', import.meta.url), 'utf8')) as ActionYml;

describe('action.yml and src/action/names.ts agree', () => {
  test('every input the code reads is declared, and every declared input is read', () => {
    expect(Object.keys(action.inputs).sort()).toEqual(Object.values(Inputs).sort());
  });

  test('the options shared with the CLI are inputs of the same names', () => {
    for (const name of OPTION_NAMES) expect(Object.values(Inputs), name).toContain(name);
  });

  test('every output the code sets through Outputs is declared', () => {
    for (const name of Object.values(Outputs)) expect(Object.keys(action.outputs), name).toContain(name);
  });

  test('declared outputs are exactly the Outputs constants', () => {
    expect(Object.keys(action.outputs).sort()).toEqual([...Object.values(Outputs)].sort());
  });

  test('no input is required (cell and cell-file are checked by the action)', () => {
    for (const [name, input] of Object.entries(action.inputs)) expect(input.required ?? false, name).toBe(false);
  });

  test('the declared defaults are the defaults the code applies', () => {
    const declared = (name: string) => action.inputs[name]?.default ?? '';
    const withDefaults = readInputs((name) => (name === Inputs.Cell ? 'run: x' : declared(name)));
    const withNothing = readInputs((name) => (name === Inputs.Cell ? 'run: x' : ''));
    expect(withDefaults).toEqual(withNothing);
    expect(declared(Inputs.DownloadUrl)).toBe(DEFAULT_DOWNLOAD_URL);
    expect(declared(Inputs.RunscVersion)).toBe('latest');
    expect(declared(Inputs.Platform)).toBe('systrap');
    expect(declared(Inputs.FailOnError)).toBe('true');
    expect(declared(Inputs.OutputLimit)).toBe('32768');
  });

  test('the documented output-limit maximum is the enforced one', () => {
    expect(action.inputs[Inputs.OutputLimit]?.description).toContain(`At most ${MAX_OUTPUT_LIMIT}.`);
  });

  test('the description fits the Marketplace (under 125 characters)', () => {
    expect((action as unknown as { description: string }).description.length).toBeLessThan(125);
  });

  test('entry points', () => {
    expect(action.runs.main).toBe('dist/index.js');
    expect(action.runs.post).toBe('dist/post/index.js');
  });
});
