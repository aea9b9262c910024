/**
 * Figure 3, measured: the same argv natively and as a cell through the
 * action, alternating, with an empty cell each round to subtract; then the
 * runsc options on the file-heavy work.
 */
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { TARBALL_VERSION } from '../../support/bucket.js';
import { SYSTEM_PATH } from '../../support/runner.js';
import { TRIVIAL_CELL } from '../constants.js';
import { type Bench, haveCommand } from '../context.js';
import { log } from '../log.js';
import { lastLines, StepError } from '../processes.js';
import { order, roundName } from '../stats.js';
import { checkStep, runStep } from '../steps.js';
import { measureRunscOptions, type OptionFigures } from './runsc-options.js';
import { cellDoc, makeReadTree, makeRepo, WORK, type Work, type WorkKey, WRITE_OUT } from './workloads.js';

export interface WorkFigures {
  /** Per work item measured: wall ms natively, the cell's `duration-ms`, and the whole step's ms. */
  work: { key: WorkKey; native: number[]; cell: number[]; step: number[] }[];
  /** `duration-ms` of a `/bin/true` cell, once per round. */
  empty: number[];
  /** Why the git work was skipped, if it was. */
  gitSkipped?: { where: 'host' } | { where: 'cell'; exitCode: string | undefined };
  /** The overlay cell's writes showed up in the host workspace (they must not). */
  leakedWrites: boolean;
  options: OptionFigures;
}

export async function measureWork(ctx: Bench, rounds: number): Promise<WorkFigures> {
  const { job, procs, bucket } = ctx;
  const nativeEnv = { PATH: SYSTEM_PATH, HOME: job.home, LANG: 'C.UTF-8' };
  log('work: creating 5,000 files to read and a 10,000-file git repository in the workspace');
  makeReadTree(path.join(job.workspace, 'read-tree'));
  const haveGit = haveCommand('git');
  if (haveGit) makeRepo(path.join(job.workspace, 'repo'), nativeEnv);
  const outDir = path.join(job.workspace, WRITE_OUT);

  let gitSkipped: WorkFigures['gitSkipped'];
  if (!haveGit) gitSkipped = { where: 'host' };
  else {
    const probe = await runStep(ctx, {
      cell: JSON.stringify({ command: ['git', '--version'] }),
      'runsc-version': TARBALL_VERSION,
      'download-url': bucket.url,
      'fail-on-error': 'false',
    });
    if (probe.outputs['exit-code'] !== '0') gitSkipped = { where: 'cell', exitCode: probe.outputs['exit-code'] };
  }
  const active = WORK.filter((w) => !w.git || !gitSkipped);

  const cellInputs = (w: Work) => ({ cell: cellDoc(w), 'runsc-version': TARBALL_VERSION, 'download-url': bucket.url });
  const t = Object.fromEntries(active.map((w) => [w.key, { native: [] as number[], cell: [] as number[], step: [] as number[] }]));
  const samplesOf = (key: WorkKey) => t[key] as { native: number[]; cell: number[]; step: number[] };
  const empty: number[] = [];
  for (let round = 0; round <= rounds; round++) {
    log(`work: ${roundName(round, rounds)}`);
    const e = checkStep(
      await runStep(ctx, { cell: TRIVIAL_CELL, 'runsc-version': TARBALL_VERSION, 'download-url': bucket.url }),
      'empty cell',
    );
    if (round > 0) empty.push(Number(e.outputs['duration-ms']));
    for (const w of active) {
      const native = async () => {
        rmSync(outDir, { recursive: true, force: true });
        const [cmd, ...args] = w.argv as [string, ...string[]];
        const r = await procs.run(cmd, args, { cwd: path.join(job.workspace, w.cwd), env: nativeEnv });
        if (r.code !== 0) throw new Error(`native ${w.key} failed (exit ${r.code ?? r.signal}): ${lastLines(r.stderr)}`);
        rmSync(outDir, { recursive: true, force: true });
        if (round > 0) samplesOf(w.key).native.push(r.ms);
      };
      const cell = async () => {
        const r = checkStep(await runStep(ctx, cellInputs(w)), `cell ${w.key}`);
        if (r.outputs['exit-code'] !== '0') throw new StepError(`cell ${w.key} exited ${r.outputs['exit-code']}: ${r.outputs.logs}`);
        if (round > 0) {
          samplesOf(w.key).cell.push(Number(r.outputs['duration-ms']));
          samplesOf(w.key).step.push(r.ms);
        }
      };
      for (const f of order([native, cell], round)) await f();
    }
  }
  const leakedWrites = existsSync(outDir);
  const options = await measureRunscOptions(ctx, rounds, active, nativeEnv);
  return { work: active.map((w) => ({ key: w.key, ...samplesOf(w.key) })), empty, gitSkipped, leakedWrites, options };
}
