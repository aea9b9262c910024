/**
 * The example cell documents under examples/: every one is valid, and each
 * runs for real on a small project, unless this machine lacks what it needs
 * (the Go example, without Go): then the run says why it skipped it.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { parseCell } from '../../src/cell/parse.js';
import { REPO } from '../support/action-yml.js';
import { type Job, makeJob, removeJob } from '../support/job.js';
import { errors } from '../support/workflow-commands.js';
import { runAction } from './action.js';

const DIR = path.join(REPO, 'examples', 'cells');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yml'));
/** Where the cell finds `go` on its PATH here: the system directories (the job's tool cache is empty). */
const GO_PLACES = ['/usr/local/bin/go', '/usr/bin/go'];
const GO = GO_PLACES.find((p) => existsSync(p));
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

  test('go-offline.yml runs go test offline against a read-only module cache', async (ctx) => {
    if (!GO) {
      // The default reporter lists no skipped test: the reason goes to the console as well.
      const why = `no Go toolchain in the cell's view (${GO_PLACES.join(', ')}); install Go there to run it`;
      console.info(`examples/cells/go-offline.yml not run: ${why}`);
      ctx.skip(why);
    }
    // The example mounts the module cache go-matrix.yml's trusted step fills at /home/runner/go/pkg/mod; a
    // module without dependencies needs nothing in it, so an empty directory of the job's stands in.
    const modcache = path.join(job.home, 'gomodcache');
    mkdirSync(modcache, { recursive: true });
    writeFileSync(path.join(job.workspace, 'go.mod'), 'module example.com/sum\n\ngo 1.19\n');
    writeFileSync(path.join(job.workspace, 'sum.go'), 'package sum\n\nfunc Sum(a, b int) int { return a + b }\n');
    writeFileSync(
      path.join(job.workspace, 'sum_test.go'),
      'package sum\n\nimport "testing"\n\nfunc TestSum(t *testing.T) {\n\tif Sum(2, 3) != 5 {\n\t\tt.Fatal("2+3")\n\t}\n}\n',
    );
    const original = readFileSync(path.join(DIR, 'go-offline.yml'), 'utf8');
    const doc = original.replace('/home/runner/go/pkg/mod', modcache);
    expect(doc).not.toBe(original);
    const r = await runAction(job, { inputs: { cell: doc, 'runsc-path': inject('runsc') } });
    expect(errors(r.main)).toEqual([]);
    expect(r.main.outputs.stdout).toMatch(/^ok\s+example\.com\/sum\b/m);
  });

  test('matrix-template.yml takes its values through pass-env', async () => {
    const r = await run('matrix-template.yml', { SUITE: 'unit', SHARD: '1/1' });
    expect(errors(r.main)).toEqual([]);
    expect(r.main.outputs.stdout).toContain('suite=unit shard=1/1');
    expect(r.main.outputs.stdout).toMatch(/pass 1/);
  });
});
