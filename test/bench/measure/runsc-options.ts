/**
 * runsc options the action could pass, against the flags it does pass, on the
 * file-heavy work: the work cells' bundles, written by the CLI (`gvisor-cell
 * bundle`, the action's own builder), run by a bare `runsc run` with each
 * option in turn; wall ms.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Bench } from '../context.js';
import { log } from '../log.js';
import { lastLines, StepError } from '../processes.js';
import { order, roundName } from '../stats.js';
import { killSandbox } from './bare.js';
import { cliBundle } from './cli-bundle.js';
import { cellDoc, type Work, type WorkKey } from './workloads.js';

export const OPTION_KEYS = ['action', 'dir', 'exclusive', 'nodirectfs'] as const;
export type OptionKey = (typeof OPTION_KEYS)[number];

/** How each option changes the action's flags (`scratch`: a directory for an on-disk overlay). */
const EDITS: Record<OptionKey, (flags: string[], scratch: string) => string[]> = {
  action: (f) => f,
  dir: (f, scratch) => f.map((x) => x.replace(/:memory$/, `:dir=${scratch}`)),
  exclusive: (f) => [...f, '--file-access-mounts=exclusive'],
  nodirectfs: (f) => [...f, '--directfs=false'],
};

const OPTION_WORK: readonly WorkKey[] = ['read', 'write', 'git'];

export interface OptionFigures {
  /** Per work item (of read, write, git, those measured): wall ms with each option. */
  work: { key: WorkKey; samples: Record<OptionKey, number[]> }[];
}

export async function measureRunscOptions(
  ctx: Bench,
  rounds: number,
  active: readonly Work[],
  env: Record<string, string>,
): Promise<OptionFigures> {
  const { job, runsc, bare, procs } = ctx;
  const scratch = path.join(job.scratch, 'overlay-dir');
  mkdirSync(scratch, { recursive: true });
  const work = active.filter((w) => OPTION_WORK.includes(w.key));
  const bundles = new Map<WorkKey, { dir: string; flags: string[] }>();
  for (const w of work) bundles.set(w.key, cliBundle(job, `options-${w.key}`, cellDoc(w), env));
  const figures: OptionFigures = {
    work: work.map((w) => ({
      key: w.key,
      samples: Object.fromEntries(OPTION_KEYS.map((o) => [o, [] as number[]])) as Record<OptionKey, number[]>,
    })),
  };
  let n = 0;
  for (let round = 0; round <= rounds; round++) {
    log(`runsc options: ${roundName(round, rounds)}`);
    for (const [i, w] of work.entries()) {
      const bundle = bundles.get(w.key) as { dir: string; flags: string[] };
      const samples = (figures.work[i] as OptionFigures['work'][number]).samples;
      for (const o of order(OPTION_KEYS, round)) {
        const id = `bench-opt-${process.pid}-${++n}`;
        const flags = EDITS[o](bundle.flags, scratch);
        const r = await procs.run(runsc, [`--root=${bare.root}`, ...flags, 'run', `--bundle=${bundle.dir}`, id], {
          cwd: job.workspace,
          stop: killSandbox(runsc, bare.root, id),
        });
        if (r.code !== 0) throw new StepError(`${w.key} with ${o} failed (exit ${r.code ?? r.signal}):\n${lastLines(r.stderr)}`);
        if (round > 0) samples[o].push(r.ms);
      }
    }
  }
  return figures;
}
