/**
 * Figure 2, measured: the step with an empty tool cache, the same step warm,
 * and the shell recipe on the same files, for both layouts, alternating.
 */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ARCH, LOOSE_VERSION, TARBALL_VERSION } from '../../support/bucket.js';
import { TRIVIAL_CELL } from '../constants.js';
import type { Bench } from '../context.js';
import { log } from '../log.js';
import { order, roundName } from '../stats.js';
import { checkStep, runStep } from '../steps.js';

export type InstallKey = 'cold' | 'warm' | 'shell';

export interface InstallFigures {
  /** The tarball layout first, then the loose binary. */
  layouts: { version: string; samples: Record<InstallKey, number[]> }[];
}

/** What a user would type instead: download both files, check, unpack (`$1`: the artifact's directory URL). */
function recipe(version: string, ctx: Bench): string {
  const { artifact, tarFlag } = ctx.bucket;
  return version === LOOSE_VERSION
    ? 'curl -fsS --remote-name-all "$1/runsc" "$1/runsc.sha512" && sha512sum -c --quiet runsc.sha512 && chmod 755 runsc'
    : `curl -fsS --remote-name-all "$1/${artifact}" "$1/${artifact}.sha512" && sha512sum -c --quiet ${artifact}.sha512 && tar -x ${tarFlag} -f ${artifact}`;
}

export async function measureInstall(ctx: Bench, rounds: number): Promise<InstallFigures> {
  const { bucket, job, procs } = ctx;
  let n = 0;
  const layouts: InstallFigures['layouts'] = [];
  for (const version of [TARBALL_VERSION, LOOSE_VERSION]) {
    const inputs = { cell: TRIVIAL_CELL, 'runsc-version': version, 'download-url': bucket.url };
    const base = `${bucket.url}/${version}/${ARCH}`;
    const variants: { key: InstallKey; run: () => Promise<{ ms: number }> }[] = [
      {
        key: 'cold',
        run: async () => {
          const cache = path.join(job.root, `cold-toolcache-${++n}`);
          mkdirSync(cache);
          try {
            return checkStep(await runStep(ctx, inputs, { toolCache: cache }), `cold install of ${version}`);
          } finally {
            rmSync(cache, { recursive: true, force: true });
          }
        },
      },
      { key: 'warm', run: async () => checkStep(await runStep(ctx, inputs), `warm step with ${version}`) },
      {
        key: 'shell',
        run: async () => {
          const dir = path.join(job.scratch, `shell-install-${++n}`);
          mkdirSync(dir);
          try {
            const r = await procs.run('bash', ['-c', `set -e; cd "$2"; ${recipe(version, ctx)}`, 'recipe', base, dir]);
            if (r.code !== 0) throw new Error(`shell recipe failed for ${version}: ${r.stderr}`);
            return r;
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      },
    ];
    const samples: Record<InstallKey, number[]> = { cold: [], warm: [], shell: [] };
    for (let round = 0; round <= rounds; round++) {
      log(`install ${version}: ${roundName(round, rounds)}`);
      for (const v of order(variants, round)) {
        const r = await v.run();
        if (round > 0) samples[v.key].push(r.ms);
      }
    }
    layouts.push({ version, samples });
  }
  return { layouts };
}
