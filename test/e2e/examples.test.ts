/**
 * The example cell documents under examples/: every one is valid, and those
 * that need nothing this machine lacks run for real on a small project.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { parseCell } from '../../src/cell/parse.js';
import { REPO } from '../support/action-yml.js';
import { type Job, makeJob, removeJob } from '../support/job.js';
import { errors } from '../support/workflow-commands.js';
import { runAction } from './action.js';

const DIR = path.join(REPO, 'examples', 'cells');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yml'));
let job: Job;

beforeAll(() => {
  job = makeJob('examples');
  // A tiny node project: one module, one test file.
  writeFileSync(path.join(job.workspace, 'sum.js'), 'exports.sum = (a, b) => a + b;\n');
  mkdirSync(path.join(job.workspace, 'test', 'unit'), { recursive: true });
  writeFileSync(
    path.join(job.workspace, 'test', 'unit', 'sum.test.js'),
    "const test = require('node:test'); const assert = require('node:assert');\nconst { sum } = require('../../sum.js');\ntest('adds', () => assert.strictEqual(sum(2, 3), 5));\n",
  );
});
afterAll(() => removeJob(job));

function run(file: string, env: Record<string, string> = {}) {
  return runAction(job, { inputs: { cell: readFileSync(path.join(DIR, file), 'utf8'), 'runsc-path': inject('runsc') }, env });
}

describe('examples/cells', () => {
  test.each(files)('%s is a valid cell document', (file) => {
    expect(() => parseCell(readFileSync(path.join(DIR, file), 'utf8'), file)).not.toThrow();
  });

  test('lint-readonly.yml checks syntax without writing', async () => {
    const r = await run('lint-readonly.yml');
    expect(errors(r.main)).toEqual([]);
    expect(r.main.outputs.stdout).toContain('syntax ok');
  });

  test('node-tests.yml runs the tests offline and collects the lcov report', async () => {
    const r = await run('node-tests.yml');
    expect(errors(r.main)).toEqual([]);
    expect(r.main.outputs.stdout).toMatch(/adds/);
    const lcov = readFileSync(path.join(job.workspace, 'coverage', 'lcov.info'), 'utf8');
    expect(lcov).toContain('SF:');
    expect(lcov).toContain('sum.js');
  });

  test('matrix-template.yml takes its values through pass-env', async () => {
    const r = await run('matrix-template.yml', { SUITE: 'unit', SHARD: '1/1' });
    expect(errors(r.main)).toEqual([]);
    expect(r.main.outputs.stdout).toContain('suite=unit shard=1/1');
    expect(r.main.outputs.stdout).toMatch(/pass 1/);
  });
});
