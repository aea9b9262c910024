/**
 * Figure 7, measured (#16): real suites natively and in a cell through the
 * action, alternating; then runsc options on the shorter ones, each suite's
 * bundle (written by `gvisor-cell bundle`) run by a bare `runsc run`.
 *
 *   vitest      this repository's unit suite (the repository mounted into the
 *               cell as an overlay at /gvc; the nft test left out: a cell has
 *               no netlink to the host's nftables)
 *   pytest      Debian's pytest on a package the bench makes (2,000 tests)
 *   git-status  `git status` on a 10,000-file repository
 *   git-log     `git log -p` on the same repository (31 commits)
 *   make        `make -B -j2` of 201 C files (gcc)
 *   npm-ci      `npm ci --offline` of this repository's lock, from a warmed
 *               npm cache mounted into the cell as an overlay
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../../support/action-yml.js';
import { TARBALL_VERSION } from '../../support/bucket.js';
import { SYSTEM_PATH } from '../../support/runner.js';
import { TRIVIAL_CELL } from '../constants.js';
import { type Bench, haveCommand } from '../context.js';
import { log } from '../log.js';
import { lastLines, StepError } from '../processes.js';
import { order, roundName } from '../stats.js';
import { checkStep, runStep } from '../steps.js';
import { killSandbox } from './bare.js';
import { cliBundle } from './cli-bundle.js';
import { makeCProject, makeHistoryRepo, makeNpmProject, makePythonProject } from './suites-setup.js';

export const SUITE_KEYS = ['vitest', 'pytest', 'git-status', 'git-log', 'make', 'npm-ci'] as const;
export type SuiteKey = (typeof SUITE_KEYS)[number];

/** runsc options tried on the shorter suites, against the action's flags. */
export const SUITE_OPTION_KEYS = ['action', 'dcache', 'self', 'shared', 'nodirectfs'] as const;
export type SuiteOptionKey = (typeof SUITE_OPTION_KEYS)[number];
const OPTION_SUITES: readonly SuiteKey[] = ['pytest', 'git-status', 'git-log', 'npm-ci'];

const EDITS: Record<SuiteOptionKey, (flags: string[]) => string[]> = {
  action: (f) => f,
  // A global dentry cache of this many entries; each holds a host FD, so it is bounded by the runner's RLIMIT_NOFILE.
  dcache: (f) => [...f, '--dcache=4000'],
  self: (f) => f.map((x) => x.replace(/:memory$/, ':self')),
  shared: (f) => f.filter((x) => x !== '--file-access-mounts=exclusive'),
  nodirectfs: (f) => [...f, '--directfs=false'],
};

interface Suite {
  key: SuiteKey;
  /** Natively: argv and its directory. */
  argv: string[];
  cwd: string;
  /** The cell document (the action's defaults: overlay workspace). */
  doc: Record<string, unknown>;
  /** Run after each native run, so that the cell finds what the native run found before it (npm ci's node_modules). */
  reset?: () => void;
}

export interface SuiteFigures {
  suites: { key: SuiteKey; native: number[]; cell: number[]; step: number[] }[];
  skipped: { key: SuiteKey; why: string }[];
  /** `duration-ms` of a /bin/true cell, once per round. */
  empty: number[];
  options: { key: SuiteKey; samples: Record<SuiteOptionKey, number[]> }[];
}

const VITEST = ['node', 'node_modules/vitest/vitest.mjs', 'run', '--project', 'unit', '--exclude', 'test/unit/egress-rules.test.ts'];
const NPM_CI = ['npm', 'ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'];
const PYTEST = ['/usr/bin/python3', '-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests'];

function prepare(ctx: Bench, env: Record<string, string>): { suites: Suite[]; skipped: SuiteFigures['skipped'] } {
  const root = path.join(ctx.job.workspace, 'suites');
  const rel = (dir: string) => path.relative(ctx.job.workspace, dir);
  const suites: Suite[] = [];
  const skipped: SuiteFigures['skipped'] = [];
  const skip = (key: SuiteKey, why: string) => {
    log(`suites: ${key} skipped: ${why}`);
    skipped.push({ key, why });
  };

  suites.push({
    key: 'vitest',
    argv: VITEST,
    cwd: REPO,
    doc: {
      command: ['sh', '-c', `cd /gvc && exec ${VITEST.join(' ')}`],
      mounts: [{ source: REPO, target: '/gvc', mode: 'overlay' }],
    },
  });

  if (spawnSync('/usr/bin/python3', ['-m', 'pytest', '--version'], { stdio: 'ignore' }).status !== 0) {
    skip('pytest', 'Debian’s pytest is not installed (apt-get install python3-pytest)');
  } else {
    const dir = path.join(root, 'py');
    makePythonProject(dir);
    // Bytecode compiled once, as a warm checkout would have it: both runs read the same .pyc files.
    spawnSync('/usr/bin/python3', ['-m', 'compileall', '-q', 'pkg', 'tests'], { cwd: dir, stdio: 'ignore' });
    suites.push({ key: 'pytest', argv: PYTEST, cwd: dir, doc: { command: PYTEST, 'working-directory': rel(dir) } });
  }

  if (!haveCommand('git')) {
    skip('git-status', 'git is not installed');
    skip('git-log', 'git is not installed');
  } else {
    const dir = path.join(root, 'repo');
    makeHistoryRepo(dir, env);
    const status = ['git', 'status', '--porcelain'];
    const logP = ['sh', '-c', 'git log -p >/dev/null'];
    suites.push({ key: 'git-status', argv: status, cwd: dir, doc: { command: status, 'working-directory': rel(dir) } });
    suites.push({ key: 'git-log', argv: logP, cwd: dir, doc: { command: logP, 'working-directory': rel(dir) } });
  }

  if (!haveCommand('make') || !haveCommand('cc')) skip('make', 'make or a C compiler is not installed');
  else {
    const dir = path.join(root, 'c');
    makeCProject(dir);
    const make = ['make', '-s', '-B', '-j2'];
    suites.push({ key: 'make', argv: make, cwd: dir, doc: { command: make, 'working-directory': rel(dir) } });
  }

  const npmDir = path.join(root, 'npm');
  const cache = path.join(ctx.job.scratch, 'npm-cache');
  log('suites: warming an npm cache with this repository’s lock (npm ci from the registry, once)');
  const failed = makeNpmProject(npmDir, cache, env);
  if (failed) skip('npm-ci', failed);
  else {
    suites.push({
      key: 'npm-ci',
      argv: [...NPM_CI, '--cache', cache],
      cwd: npmDir,
      doc: {
        command: [...NPM_CI, '--cache', '/npm-cache'],
        'working-directory': rel(npmDir),
        mounts: [{ source: cache, target: '/npm-cache', mode: 'overlay' }],
      },
      reset: () => rmSync(path.join(npmDir, 'node_modules'), { recursive: true, force: true }),
    });
  }
  return { suites, skipped };
}

export async function measureSuites(ctx: Bench, rounds: number): Promise<SuiteFigures> {
  const { job, procs, bucket } = ctx;
  const env = { PATH: SYSTEM_PATH, HOME: job.home, LANG: 'C.UTF-8' };
  log('suites: making the projects (a Python package, a C program, a 10,000-file repository with history, an npm project)');
  const { suites, skipped } = prepare(ctx, env);
  const inputs = (doc: Record<string, unknown>) => ({
    cell: JSON.stringify(doc),
    'runsc-version': TARBALL_VERSION,
    'download-url': bucket.url,
  });
  const t = new Map(suites.map((s) => [s.key, { native: [] as number[], cell: [] as number[], step: [] as number[] }]));
  const empty: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    log(`suites: ${roundName(round, rounds)}`);
    const e = checkStep(await runStep(ctx, { ...inputs({ command: ['/bin/true'] }), cell: TRIVIAL_CELL }), 'empty cell');
    if (round > 0) empty.push(Number(e.outputs['duration-ms']));
    for (const s of suites) {
      const samples = t.get(s.key) as { native: number[]; cell: number[]; step: number[] };
      const native = async () => {
        const [cmd, ...args] = s.argv as [string, ...string[]];
        const r = await procs.run(cmd, args, { cwd: s.cwd, env });
        s.reset?.();
        if (r.code !== 0) throw new Error(`native ${s.key} failed (exit ${r.code ?? r.signal}): ${lastLines(r.stderr || r.stdout)}`);
        if (round > 0) samples.native.push(r.ms);
      };
      const cell = async () => {
        const r = checkStep(await runStep(ctx, inputs({ name: `bench-${s.key}`, ...s.doc })), `cell ${s.key}`);
        if (r.outputs['exit-code'] !== '0') throw new StepError(`cell ${s.key} exited ${r.outputs['exit-code']}: ${r.outputs.logs}`);
        if (round > 0) {
          samples.cell.push(Number(r.outputs['duration-ms']));
          samples.step.push(r.ms);
        }
      };
      for (const f of order([native, cell], round)) await f();
    }
  }
  const options = await measureOptions(
    ctx,
    rounds,
    suites.filter((s) => OPTION_SUITES.includes(s.key)),
    env,
  );
  return {
    suites: suites.map((s) => ({ key: s.key, ...(t.get(s.key) as { native: number[]; cell: number[]; step: number[] }) })),
    skipped,
    empty,
    options,
  };
}

async function measureOptions(ctx: Bench, rounds: number, suites: Suite[], env: Record<string, string>): Promise<SuiteFigures['options']> {
  const { job, runsc, bare, procs } = ctx;
  const bundles = suites.map((s) => ({ suite: s, ...cliBundle(job, `suite-${s.key}`, JSON.stringify(s.doc), env) }));
  const figures = suites.map((s) => ({
    key: s.key,
    samples: Object.fromEntries(SUITE_OPTION_KEYS.map((o) => [o, [] as number[]])) as Record<SuiteOptionKey, number[]>,
  }));
  let n = 0;
  for (let round = 0; round <= rounds; round++) {
    log(`suites, runsc options: ${roundName(round, rounds)}`);
    for (const [i, b] of bundles.entries()) {
      for (const o of order(SUITE_OPTION_KEYS, round)) {
        const id = `bench-suite-${process.pid}-${++n}`;
        const r = await procs.run(runsc, [`--root=${bare.root}`, ...EDITS[o](b.flags), 'run', `--bundle=${b.dir}`, id], {
          cwd: job.workspace,
          stop: killSandbox(runsc, bare.root, id),
        });
        b.suite.reset?.();
        if (r.code !== 0)
          throw new StepError(`${b.suite.key} with ${o} failed (exit ${r.code ?? r.signal}):\n${lastLines(r.stderr || r.stdout)}`);
        if (round > 0) (figures[i] as SuiteFigures['options'][number]).samples[o].push(r.ms);
      }
    }
  }
  return figures;
}
