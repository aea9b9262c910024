/**
 * Figure 1, measured: the whole step (warm tool cache, with and without
 * runsc-sha512, both layouts; runsc-path) against a bare `runsc run` and a
 * bare `node -e 0`, alternating; then where the step's time goes, with a
 * timestamping shim in place of runsc.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ARCH, LOOSE_VERSION, TARBALL_VERSION } from '../../support/bucket.js';
import { TRIVIAL_CELL } from '../constants.js';
import type { Bench } from '../context.js';
import { log } from '../log.js';
import { order, roundName } from '../stats.js';
import { checkStep, runStep } from '../steps.js';
import { runBare, runBareNs, runNodeBare } from './bare.js';
import { makeShim, readShimLog, shimCache } from './shim.js';

export const STEP_KEYS = ['cached', 'pinned', 'cachedLoose', 'pinnedLoose', 'bare', 'bareFlags', 'bareNs', 'node', 'path'] as const;
export type StepKey = (typeof STEP_KEYS)[number];

/** One shimmed step, ms: its phases, from the shim's timestamps and the step's own clock. */
export interface Phase {
  total: number;
  beforeRun: number;
  /** NaN: no `runsc --version` probe (a cache hit has none). */
  version: number;
  run: number;
  afterRun: number;
  durationMs: number;
}

export interface StepFigures {
  /** Wall ms of each compared command, measured rounds only. */
  samples: Record<StepKey, number[]>;
  /** `duration-ms` of the cached and the runsc-path steps. */
  durationMs: { cached: number[]; path: number[] };
  /** How often a post step ran (warm-up included). */
  postRan: number;
  phases: { cached: Phase[]; path: Phase[] };
  /** Sizes of the artifacts the pinned steps hash, bytes. */
  artifactBytes: { tarball: number; loose: number };
}

interface Outcome {
  ms: number;
  postRan?: boolean;
  durationMs?: number;
}

export async function measureStep(ctx: Bench, rounds: number): Promise<StepFigures> {
  const { procs, runsc, bucket } = ctx;
  // No download-url: the official bucket's entry, as most workflows have it (see seedOfficialEntry).
  const cached = { cell: TRIVIAL_CELL, 'runsc-version': TARBALL_VERSION };
  const byPath = { cell: TRIVIAL_CELL, 'runsc-path': runsc };
  // runsc-sha512 on a cache hit: the kept artifact is hashed and unpacked into the run directory (README, Security model).
  const artifactFile = (version: string, artifact: string) => path.join(bucket.dir, version, ARCH, artifact);
  const pinOf = (version: string, artifact: string) => readFileSync(`${artifactFile(version, artifact)}.sha512`, 'utf8').slice(0, 128);
  const pinned = { ...cached, 'runsc-sha512': pinOf(TARBALL_VERSION, bucket.artifact) };
  const cachedLoose = { cell: TRIVIAL_CELL, 'runsc-version': LOOSE_VERSION, 'download-url': bucket.url };
  const pinnedLoose = { ...cachedLoose, 'runsc-sha512': pinOf(LOOSE_VERSION, 'runsc') };
  const step = async (inputs: Record<string, string>, what: string): Promise<Outcome> => {
    const r = checkStep(await runStep(ctx, inputs), what);
    return { ms: r.ms, postRan: r.post !== undefined, durationMs: Number(r.outputs['duration-ms']) };
  };
  const variants: { key: StepKey; run: () => Promise<Outcome> }[] = [
    { key: 'cached', run: () => step(cached, 'step (cached runsc)') },
    { key: 'pinned', run: () => step(pinned, 'step (cached runsc, runsc-sha512)') },
    { key: 'cachedLoose', run: () => step(cachedLoose, 'step (cached loose runsc)') },
    { key: 'pinnedLoose', run: () => step(pinnedLoose, 'step (cached loose runsc, runsc-sha512)') },
    { key: 'bare', run: () => runBare(procs, runsc, ctx.bare) },
    { key: 'bareFlags', run: () => runBare(procs, runsc, ctx.bare, ['--ignore-cgroups']) },
    { key: 'bareNs', run: () => runBareNs(procs, runsc, ctx.bareNs) },
    { key: 'node', run: () => runNodeBare(procs) },
    { key: 'path', run: () => step(byPath, 'step (runsc-path)') },
  ];
  const samples = Object.fromEntries(STEP_KEYS.map((k) => [k, [] as number[]])) as Record<StepKey, number[]>;
  const durationMs = { cached: [] as number[], path: [] as number[] };
  let postRan = 0;
  for (let round = 0; round <= rounds; round++) {
    log(`step: ${roundName(round, rounds)}`);
    for (const v of order(variants, round)) {
      const r = await v.run();
      if (r.postRan) postRan++;
      if (round === 0) continue;
      samples[v.key].push(r.ms);
      if (v.key === 'cached' || v.key === 'path') durationMs[v.key].push(r.durationMs ?? Number.NaN);
    }
  }

  // Where the time goes: the same steps with a timestamping shim in place of runsc.
  const sc = shimCache(ctx.job, ctx.officialEntry);
  const sp = makeShim(path.join(ctx.job.root, 'shim-path'), runsc);
  const phases = { cached: [] as Phase[], path: [] as Phase[] };
  const shimVariants = [
    { key: 'cached' as const, inputs: cached, toolCache: sc.cache, logFile: sc.logFile },
    { key: 'path' as const, inputs: { cell: TRIVIAL_CELL, 'runsc-path': sp.shim }, toolCache: ctx.job.toolCache, logFile: sp.logFile },
  ];
  for (let round = 0; round <= rounds; round++) {
    log(`step breakdown (timestamping shim): ${roundName(round, rounds)}`);
    for (const v of order(shimVariants, round)) {
      const r = checkStep(await runStep(ctx, v.inputs, { toolCache: v.toolCache }), `step breakdown (${v.key})`);
      const e = readShimLog(v.logFile);
      if (round === 0) continue;
      const at = (t: number | undefined) => t ?? Number.NaN;
      phases[v.key].push({
        total: r.main.wallMs,
        beforeRun: at(e.runStart) - r.main.startedAt,
        version: e.versionStart !== undefined ? at(e.versionEnd) - e.versionStart : Number.NaN, // no probe on a cache hit
        run: at(e.runEnd) - at(e.runStart),
        afterRun: r.main.startedAt + r.main.wallMs - at(e.runEnd),
        durationMs: Number(r.outputs['duration-ms']),
      });
    }
  }

  return {
    samples,
    durationMs,
    postRan,
    phases,
    artifactBytes: {
      tarball: statSync(artifactFile(TARBALL_VERSION, bucket.artifact)).size,
      loose: statSync(artifactFile(LOOSE_VERSION, 'runsc')).size,
    },
  };
}
