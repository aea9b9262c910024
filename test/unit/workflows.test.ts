/**
 * Static checks of the workflows in .github/workflows/ and of the example
 * workflows under examples/ (the .yml files there with a top-level `jobs:`):
 *
 *  - a step that runs this action (`uses: ./` or `uses: OWNER/gvisor-cell@…`)
 *    passes only inputs action.yml declares, and exactly one of cell and
 *    cell-file;
 *  - every `steps.<id>.outputs.<name>` in a job names a step of that job, and,
 *    when that step runs this action, an output action.yml declares;
 *  - third-party actions (and reusable workflows) are pinned to a full commit
 *    SHA, with a `# vX.Y.Z` comment saying which release that is;
 *  - every workflow sets top-level `permissions`.
 *
 * The checks are plain functions over a file's text, so the last block can
 * show them catching deliberate mistakes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

interface ActionInterface {
  inputs: string[];
  outputs: string[];
}

type Kind = 'yaml' | 'inputs' | 'outputs' | 'pinning' | 'permissions';

interface Problem {
  kind: Kind;
  message: string;
}

const actionYml = parse(readFileSync(path.join(REPO, 'action.yml'), 'utf8')) as {
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
};
const ACTION: ActionInterface = { inputs: Object.keys(actionYml.inputs ?? {}), outputs: Object.keys(actionYml.outputs ?? {}) };

/** A `uses:` that runs this action: the checkout itself, or the published repository at any ref. */
function isSelf(uses: string): boolean {
  return /^\.\/?$/.test(uses) || /^OWNER\/gvisor-cell@\S+$/i.test(uses);
}

/** `steps.<id>.outputs.<name>` and `steps.<id>.outputs['<name>']`. */
const OUTPUT_REF = /\bsteps\.([A-Za-z_][A-Za-z0-9_-]*)\.outputs(?:\.([A-Za-z_][A-Za-z0-9_-]*)|\[\s*'([^']*)'\s*\])/g;

/** A `uses:` line and its trailing comment, if any. */
const USES_LINE = /^\s*(?:-\s+)?uses:\s*(['"]?)([^\s'"#]+)\1\s*(#.*)?$/;

const SHA = /^[0-9a-f]{40}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every string value (not key) in a parsed YAML tree. */
function* strings(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const item of value) yield* strings(item);
  else if (isRecord(value)) for (const item of Object.values(value)) yield* strings(item);
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

function didYouMean(name: string, known: string[]): string {
  const best = known.map((k) => ({ k, d: distance(name, k) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= 3 ? ` Did you mean ${best.k}?` : '';
}

/** Third-party actions and reusable workflows: a full commit SHA. Local paths need none. */
function pinningProblem(uses: string): string | undefined {
  if (uses.startsWith('./')) return undefined;
  if (uses.startsWith('docker://')) {
    return /@sha256:[0-9a-f]{64}$/.test(uses) ? undefined : `${uses} is not pinned to an image digest (docker://image@sha256:<digest>)`;
  }
  const at = uses.lastIndexOf('@');
  if (at < 0) return `${uses} names no ref at all; pin it to a full commit SHA (owner/repo@<40 hex digits> # vX.Y.Z)`;
  return SHA.test(uses.slice(at + 1)) ? undefined : `${uses} is not pinned to a full commit SHA (owner/repo@<40 hex digits> # vX.Y.Z)`;
}

function checkWorkflow(file: string, text: string, action: ActionInterface): Problem[] {
  const problems: Problem[] = [];
  const add = (kind: Kind, message: string) => problems.push({ kind, message: `${file}: ${message}` });

  let workflow: unknown;
  try {
    workflow = parse(text);
  } catch (error) {
    add('yaml', `not valid YAML: ${error instanceof Error ? error.message : String(error)}`);
    return problems;
  }
  if (!isRecord(workflow) || !isRecord(workflow.jobs)) {
    add('yaml', 'not a workflow: no jobs: mapping at the top level');
    return problems;
  }
  if (!('permissions' in workflow)) {
    add('permissions', 'no top-level permissions: give the GITHUB_TOKEN only what the jobs need, e.g. permissions: { contents: read }');
  }

  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    if (!isRecord(job)) continue;
    const where = `jobs.${jobId}`;
    if (typeof job.uses === 'string') {
      const problem = pinningProblem(job.uses.trim());
      if (problem) add('pinning', `${where}.uses: ${problem}`);
    }

    // Step id → whether that step runs this action.
    const stepIds = new Map<string, boolean>();
    const steps: unknown[] = Array.isArray(job.steps) ? job.steps : [];
    steps.forEach((step, i) => {
      if (!isRecord(step)) return;
      const uses = typeof step.uses === 'string' ? step.uses.trim() : undefined;
      const self = uses !== undefined && isSelf(uses);
      if (typeof step.id === 'string') stepIds.set(step.id, self);
      if (uses === undefined) return;
      const label = `${where}.steps[${i}]${typeof step.id === 'string' ? ` (id: ${step.id})` : typeof step.name === 'string' ? ` (${step.name})` : ''}`;
      if (!self) {
        const problem = pinningProblem(uses);
        if (problem) add('pinning', `${label}: ${problem}`);
        return;
      }
      const given = isRecord(step.with) ? Object.keys(step.with) : [];
      for (const key of given) {
        if (!action.inputs.includes(key)) {
          add(
            'inputs',
            `${label}: with.${key} is not an input of action.yml.${didYouMean(key, action.inputs)} Inputs: ${action.inputs.join(', ')}`,
          );
        }
      }
      const documents = given.filter((key) => key === 'cell' || key === 'cell-file');
      if (documents.length !== 1) {
        add(
          'inputs',
          `${label}: give exactly one of with.cell and with.cell-file, got ${documents.length ? documents.join(' and ') : 'neither'}`,
        );
      }
    });

    const seen = new Set<string>();
    for (const value of strings(job)) {
      for (const match of value.matchAll(OUTPUT_REF)) {
        const [ref, id, dotted, bracketed] = match;
        const name = (dotted ?? bracketed) as string;
        if (seen.has(ref)) continue;
        seen.add(ref);
        if (!stepIds.has(id as string)) {
          add('outputs', `${where}: ${ref} names no step of this job (step ids: ${[...stepIds.keys()].join(', ') || 'none'})`);
        } else if (stepIds.get(id as string) && !action.outputs.includes(name)) {
          add(
            'outputs',
            `${where}: ${ref}: step ${id} runs gvisor-cell, which has no output ${name}.${didYouMean(name, action.outputs)} Outputs: ${action.outputs.join(', ')}`,
          );
        }
      }
    }
  }

  // Comments are gone once parsed: the release a SHA stands for is read from the text.
  text.split('\n').forEach((line, i) => {
    const match = USES_LINE.exec(line);
    if (!match) return;
    const uses = match[2] as string;
    const comment = match[3];
    const at = uses.lastIndexOf('@');
    if (at >= 0 && SHA.test(uses.slice(at + 1)) && !(comment && /#\s*v?\d+(\.\d+)*\b/.test(comment))) {
      add('pinning', `line ${i + 1}: ${uses} is pinned to a SHA without a "# vX.Y.Z" comment saying which release it is`);
    }
  });
  return problems;
}

/** .github/workflows/*.yml, and the examples/**\/*.yml that are workflows (a top-level jobs:), repository-relative. */
function workflowFiles(): string[] {
  const files: string[] = [];
  const workflows = path.join(REPO, '.github', 'workflows');
  if (existsSync(workflows)) {
    for (const name of readdirSync(workflows).sort()) if (/\.ya?ml$/.test(name)) files.push(`.github/workflows/${name}`);
  }
  const examples = path.join(REPO, 'examples');
  if (existsSync(examples)) {
    for (const name of readdirSync(examples, { recursive: true, encoding: 'utf8' }).sort()) {
      if (!/\.ya?ml$/.test(name)) continue;
      if (/^jobs\s*:/m.test(readFileSync(path.join(examples, name), 'utf8'))) files.push(`examples/${name.split(path.sep).join('/')}`);
    }
  }
  return files;
}

const FILES = workflowFiles();
const read = (file: string) => readFileSync(path.join(REPO, file), 'utf8');

test('the workflows are found, and some of them run gvisor-cell', () => {
  expect(FILES).toEqual(
    expect.arrayContaining(['.github/workflows/ci.yml', '.github/workflows/check-dist.yml', '.github/workflows/e2e.yml']),
  );
  const selfSteps = FILES.flatMap((file) => read(file).match(/^\s*(?:-\s+)?uses:\s*(?:\.\/|OWNER\/gvisor-cell@)/gm) ?? []);
  expect(selfSteps.length, 'steps that run the action').toBeGreaterThan(0);
});

describe.each(FILES)('%s', (file) => {
  const problems = checkWorkflow(file, read(file), ACTION);
  const of = (kind: Kind) => problems.filter((p) => p.kind === kind).map((p) => p.message);

  test('is a valid workflow document', () => expect(of('yaml')).toEqual([]));
  test('gvisor-cell steps pass only inputs declared in action.yml', () => expect(of('inputs')).toEqual([]));
  test('steps.<id>.outputs.<name> names a step of the job, and a declared output of gvisor-cell', () => expect(of('outputs')).toEqual([]));
  test('third-party actions are pinned to a full commit SHA with a version comment', () => expect(of('pinning')).toEqual([]));
  test('sets top-level permissions', () => expect(of('permissions')).toEqual([]));
});

describe('the checks catch mistakes', () => {
  const wrong = `
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    outputs:
      code: \${{ steps.sandbox.outputs.exit_code }}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020
      - id: sandbox
        uses: ./
        with:
          cell: 'run: make'
          fail-on-eror: false
      - if: steps.sandbox.outputs['timed-out'] == 'true'
        run: echo \${{ steps.sandbx.outputs.exit-code }}
  reuse:
    uses: acme/workflows/.github/workflows/build.yml@main
`;
  const messages = checkWorkflow('wrong.yml', wrong, ACTION).map((p) => p.message);

  test('an input action.yml does not declare, with a suggestion', () => {
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^wrong\.yml: jobs\.build\.steps\[2\] \(id: sandbox\): with\.fail-on-eror is not an input of action\.yml\. Did you mean fail-on-error\?/,
      ),
    );
  });
  test('an output gvisor-cell does not have, and a step id the job does not have', () => {
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^wrong\.yml: jobs\.build: steps\.sandbox\.outputs\.exit_code: step sandbox runs gvisor-cell, which has no output exit_code\. Did you mean exit-code\?/,
      ),
    );
    expect(messages).toContainEqual(
      expect.stringMatching(/^wrong\.yml: jobs\.build: steps\.sandbx\.outputs\.exit-code names no step of this job/),
    );
    expect(messages.join('\n')).not.toContain("outputs['timed-out']");
  });
  test('unpinned actions and reusable workflows, and a SHA without a version comment', () => {
    expect(messages).toContainEqual(
      expect.stringMatching(/^wrong\.yml: jobs\.build\.steps\[0\]: actions\/checkout@v4 is not pinned to a full commit SHA/),
    );
    expect(messages).toContainEqual(
      expect.stringMatching(/^wrong\.yml: jobs\.reuse\.uses: acme\/workflows\/\.github\/workflows\/build\.yml@main is not pinned/),
    );
    expect(messages).toContainEqual(
      expect.stringMatching(
        /^wrong\.yml: line 10: actions\/setup-node@49933ea5288caeca8642d1e84afbd3f7d6820020 is pinned to a SHA without a "# vX\.Y\.Z" comment/,
      ),
    );
  });
  test('a missing top-level permissions', () => {
    expect(messages).toContainEqual(expect.stringMatching(/^wrong\.yml: no top-level permissions/));
  });
  test('both cell and cell-file, or neither', () => {
    const both =
      'permissions: {}\njobs:\n  j:\n    steps:\n      - uses: OWNER/gvisor-cell@v1\n        with: { cell: "run: x", cell-file: c.yml }\n      - uses: ./\n';
    expect(checkWorkflow('both.yml', both, ACTION).map((p) => p.message)).toEqual([
      'both.yml: jobs.j.steps[0]: give exactly one of with.cell and with.cell-file, got cell and cell-file',
      'both.yml: jobs.j.steps[1]: give exactly one of with.cell and with.cell-file, got neither',
    ]);
  });
  test('a correct workflow has no problems', () => {
    const right =
      'permissions: { contents: read }\njobs:\n  j:\n    steps:\n' +
      '      - uses: actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2\n' +
      '      - id: c\n        uses: OWNER/gvisor-cell@v1\n        with: { cell-file: c.yml, fail-on-error: false }\n' +
      '      - env: { CODE: "${{ steps.c.outputs.exit-code }}" }\n        run: echo "$CODE"\n';
    expect(checkWorkflow('right.yml', right, ACTION)).toEqual([]);
  });
});
