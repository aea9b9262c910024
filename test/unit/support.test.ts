/**
 * The parts of test/support/ that need no runsc: reading action.yml (as the
 * runner fills INPUT_*), file commands, and the tail keeper. The e2e suite and
 * the bench both stand on these.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { ACTION, readActionYml } from '../support/action-yml.js';
import { parseFileCommand } from '../support/file-commands.js';
import { Tail } from '../support/tail.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'gvc-support-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function actionYml(text: string): string {
  const file = path.join(dir, `action-${Math.random().toString(36).slice(2)}.yml`);
  writeFileSync(file, text);
  return file;
}

describe('readActionYml', () => {
  test('every default is the text the runner passes; an input without one gets an empty string', () => {
    const file = actionYml(
      'inputs:\n  a: { default: 5 }\n  b: { default: true }\n  c: { description: none }\n  d:\n    default: "x: y"\nruns:\n  main: m.js\n  post: p.js\n',
    );
    expect(readActionYml(file)).toEqual({
      defaults: { a: '5', b: 'true', c: '', d: 'x: y' },
      main: 'm.js',
      post: 'p.js',
      postIf: 'always()',
    });
  });

  test('a missing runs.main or a mapping as a default is named', () => {
    expect(() => readActionYml(actionYml('runs:\n  post: p.js\n'))).toThrow(/runs\.main is missing/);
    expect(() => readActionYml(actionYml('inputs:\n  a: { default: [1] }\nruns: { main: m, post: p }\n'))).toThrow(
      /inputs\.a\.default must be a scalar/,
    );
  });

  test("this repository's action.yml: post runs only after a failure, and output-limit's default is text", () => {
    expect(ACTION.postIf).toBe('failure() || cancelled()');
    expect(ACTION.defaults['output-limit']).toBe('32768');
    expect(ACTION.main).toBe('dist/index.js');
  });
});

test('file commands: name=value and heredocs, the value of a heredoc keeping its = and blank lines', () => {
  expect(parseFileCommand('a=1\nb<<EOF\nx=y\n\nz\nEOF\nc=2=3\n')).toEqual({ a: '1', b: 'x=y\n\nz', c: '2=3' });
});

test('the tail keeps the last bytes in whole chunks, and everything without a limit', () => {
  const tail = new Tail(4);
  for (const c of ['abc', 'def', 'gh']) tail.push(Buffer.from(c));
  expect(tail.text()).toBe('defgh');
  const all = new Tail();
  for (const c of ['abc', 'def']) all.push(Buffer.from(c));
  expect(all.text()).toBe('abcdef');
});
