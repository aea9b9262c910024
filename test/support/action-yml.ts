/**
 * action.yml as the runner reads it (with the yaml package, not by pattern):
 * each input's default, which fills INPUT_<NAME> when a workflow leaves the
 * input out, and how main and post are started.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** This repository (test/support/ is two levels below it). */
export const REPO = path.resolve(import.meta.dirname, '..', '..');

export interface ActionDefinition {
  /** Every declared input with its default as the runner passes it: a string, '' when there is none. */
  defaults: Record<string, string>;
  /** runs.main and runs.post, relative to the action's directory. */
  main: string;
  post: string;
  /** runs.post-if; the runner's default is `always()`. */
  postIf: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads and checks an action.yml; a missing or mistyped field is named in the error. */
export function readActionYml(file = path.join(REPO, 'action.yml')): ActionDefinition {
  const doc: unknown = parse(readFileSync(file, 'utf8'));
  if (!isRecord(doc)) throw new Error(`${file}: expected a mapping at the top`);
  const { inputs = {}, runs } = doc;
  if (!isRecord(inputs)) throw new Error(`${file}: inputs must be a mapping of input names`);
  if (!isRecord(runs)) throw new Error(`${file}: runs is missing or not a mapping`);
  const defaults: Record<string, string> = {};
  for (const [name, spec] of Object.entries(inputs)) {
    const value = isRecord(spec) ? spec.default : undefined;
    if (value !== undefined && value !== null && typeof value === 'object')
      throw new Error(`${file}: inputs.${name}.default must be a scalar`);
    // YAML may type a default (`default: 5`); the runner passes its text.
    defaults[name] = value === undefined || value === null ? '' : String(value);
  }
  const text = (key: string, fallback?: string): string => {
    const value = runs[key] ?? fallback;
    if (typeof value !== 'string' || value === '') throw new Error(`${file}: runs.${key} is missing or not a string`);
    return value;
  };
  return { defaults, main: text('main'), post: text('post'), postIf: text('post-if', 'always()') };
}

/** This repository's action.yml. */
export const ACTION: ActionDefinition = readActionYml();
