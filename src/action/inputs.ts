/**
 * The action's inputs, read once and checked before anything starts: the
 * document's source and fail-on-error here, the options it shares with the
 * CLI through src/options.ts. Every error names the input it is about.
 */
import type { CellSource } from '../cell/load.js';
import type { RunscWanted } from '../install/obtain.js';
import { OptionError, type OptionName, type OptionSource, type RunChoices, runChoices, runscOptions } from '../options.js';
import { Inputs } from './names.js';

export interface ActionInputs extends RunChoices {
  cell: CellSource;
  runsc: RunscWanted;
  failOnError: boolean;
}

/**
 * An input as the runner passes it: `INPUT_<NAME>`, upper-cased, spaces as
 * `_`, hyphens kept, trimmed — the lookup `core.getInput` does. Read directly
 * so that the step can start its sandbox before loading @actions/core
 * (main.ts).
 */
export function runnerInput(name: string, env: NodeJS.ProcessEnv = process.env): string {
  return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}

/** `get` defaults to the runner's INPUT_* variables; tests pass a map. */
export function readInputs(get: (name: string) => string = (name) => runnerInput(name), hasKvm?: () => boolean): ActionInputs {
  const cellText = get(Inputs.Cell);
  const cellFile = get(Inputs.CellFile).trim();
  if (cellText.trim() !== '' && cellFile !== '') {
    throw new OptionError(`input ${Inputs.Cell}/${Inputs.CellFile}`, 'give exactly one of them, not both');
  }
  if (cellText.trim() === '' && cellFile === '') {
    throw new OptionError(`input ${Inputs.Cell}/${Inputs.CellFile}`, 'give one of them: the cell document inline, or a path to it');
  }
  // The shared options have the inputs' names.
  const source: OptionSource = { get: (name: OptionName) => get(name), label: (name) => `input ${name}` };
  const runsc = runscOptions(source);
  const choices = runChoices(source, hasKvm);

  const failText = get(Inputs.FailOnError).trim() || 'true';
  const failOnError = parseBoolean(failText);
  if (failOnError === undefined) throw new OptionError(`input ${Inputs.FailOnError}`, `expected true or false, got "${failText}"`);

  return {
    cell: cellFile !== '' ? { file: cellFile } : { text: cellText, source: `input ${Inputs.Cell}` },
    runsc,
    ...choices,
    failOnError,
  };
}

/** The YAML 1.2 core booleans, as @actions/core's getBooleanInput accepts them. */
function parseBoolean(text: string): boolean | undefined {
  if (['true', 'True', 'TRUE'].includes(text)) return true;
  if (['false', 'False', 'FALSE'].includes(text)) return false;
  return undefined;
}
