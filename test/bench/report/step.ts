/** Figure 1, as printed: step overhead, the cost of runsc-sha512 on a hit, and where the step's time goes. */
import { LOOSE_VERSION, TARBALL_VERSION } from '../../support/bucket.js';
import { TRIVIAL_CELL } from '../constants.js';
import type { Phase, StepFigures, StepKey } from '../measure/step.js';
import { median, ratio } from '../stats.js';
import { BUDGET } from './budget.js';
import { fmtRatio, ms, spread, table, verdict } from './markdown.js';

export interface StepReportFacts {
  /** The tarball's file name in the bucket (gvisor.tar.zstd or .bz2). */
  artifact: string;
  /** action.yml's runs.post-if. */
  postIf: string;
}

export function reportStep(fig: StepFigures, facts: StepReportFacts): string {
  const t = fig.samples;
  const med = Object.fromEntries(Object.entries(t).map(([k, v]) => [k, median(v)])) as Record<StepKey, number>;
  const cachedDur = median(fig.durationMs.cached);
  const baseline = med.bare + med.node;
  const rCached = ratio(med.cached, baseline);
  const rPath = ratio(med.path, baseline);
  const rSameFlags = ratio(med.cached, med.bareFlags + med.node);
  const phase = (key: 'cached' | 'path', field: keyof Phase) => median(fig.phases[key].map((p) => p[field]));
  const node = med.node;
  const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
  const out: string[] = [];
  out.push('## 1. Step overhead');
  out.push('');
  out.push(
    `A trivial cell \`${TRIVIAL_CELL}\` through the whole step (\`node dist/index.js\`, as the runner starts it) versus a bare ` +
      '`runsc --platform=systrap --network=none --root=<private> run` of a hand-written minimal bundle (read-only root, host `/usr` and `/etc` ' +
      'bound read-only, `/bin/true`) plus a bare `node -e 0`. The action runs a cell without limits with `--ignore-cgroups` ' +
      '(README, Performance): the bare run with that flag is shown too, and the ratio against it is what the action itself adds.',
  );
  out.push('');
  out.push(
    table(
      ['measure', 'median ms', 'min–max ms'],
      [
        [`step, warm tool cache (\`runsc-version: ${TARBALL_VERSION}\`, official bucket's entry)`, ms(med.cached), spread(t.cached)],
        ['step, `runsc-path`', ms(med.path), spread(t.path)],
        ['bare `runsc run`', ms(med.bare), spread(t.bare)],
        ['bare `runsc --ignore-cgroups run`', ms(med.bareFlags), spread(t.bareFlags)],
        [
          'the same in a private mount namespace, `/usr` and `/etc` bound read-only at stubs (as the action runs it)',
          ms(med.bareNs),
          spread(t.bareNs),
        ],
        ['bare `node -e 0`', ms(med.node), spread(t.node)],
        ['bare `runsc run` + `node -e 0`', ms(baseline), '–'],
        ['of the cached step: `runsc run` as the action times it (`duration-ms`)', ms(cachedDur), spread(fig.durationMs.cached)],
      ],
    ),
  );
  out.push('');
  out.push(
    table(
      ['ratio', 'value', 'budget'],
      [
        ['step (warm tool cache) / (runsc + node)', fmtRatio(rCached), verdict(rCached, BUDGET.step)],
        ['step (`runsc-path`) / (runsc + node)', fmtRatio(rPath), verdict(rPath, BUDGET.step)],
        ['step (warm tool cache) / (runsc `--ignore-cgroups` + node): what the action adds', fmtRatio(rSameFlags), '–'],
        [
          'runsc in the read-only namespace / bare runsc `--ignore-cgroups`: what kernel-enforced read-only costs',
          fmtRatio(ratio(med.bareNs, med.bareFlags)),
          '–',
        ],
      ],
    ),
  );
  out.push('');
  out.push('### `runsc-sha512` on a cache hit');
  out.push('');
  out.push(
    'The same warm step with the artifact pinned: the artifact kept in the tool-cache entry is read, hashed (sha512) and compared ' +
      'with the pin, then unpacked (tarball) or written (loose binary) into the step’s run directory, and that copy runs.',
  );
  out.push('');
  out.push(
    table(
      ['layout', 'artifact MiB', 'unpinned hit ms', 'pinned hit ms', 'cost of the pin ms', 'pinned / unpinned'],
      [
        [
          `tarball \`${facts.artifact}\` (${TARBALL_VERSION})`,
          mib(fig.artifactBytes.tarball),
          ms(med.cached),
          ms(med.pinned),
          ms(med.pinned - med.cached),
          fmtRatio(ratio(med.pinned, med.cached)),
        ],
        [
          `loose \`runsc\` (${LOOSE_VERSION})`,
          mib(fig.artifactBytes.loose),
          ms(med.cachedLoose),
          ms(med.pinnedLoose),
          ms(med.pinnedLoose - med.cachedLoose),
          fmtRatio(ratio(med.pinnedLoose, med.cachedLoose)),
        ],
      ],
    ),
  );
  out.push('');
  out.push(
    fig.postRan === 0
      ? `Post step: not run, and not counted — every main step succeeded and \`post-if: ${facts.postIf}\` runs it only after a failure or a cancellation.`
      : `Post step: ran ${fig.postRan} time(s) (a main step failed) and is included in the step times.`,
  );
  out.push('');
  out.push('### Where the step’s time goes');
  out.push('');
  out.push(
    'The same steps with runsc replaced by a bash shim that timestamps its start and end (`$EPOCHREALTIME`) around the real runsc ' +
      '(in a copy of the tool-cache entry, and as `runsc-path`); the shim adds one bash start-up to each runsc call. Medians.',
  );
  out.push('');
  out.push(
    table(
      ['phase', 'warm tool cache ms', '`runsc-path` ms'],
      [
        [
          'process start → `runsc run` spawned (node start-up, loading dist/, inputs, document, bundle, runsc lookup)',
          ms(phase('cached', 'beforeRun')),
          ms(phase('path', 'beforeRun')),
        ],
        ['… of which `node -e 0` (bare node start-up and exit, from above)', ms(node), ms(node)],
        [
          '… of which the `runsc --version` probe',
          ms(phase('cached', 'version')).replace('–', 'none'),
          ms(phase('path', 'version')).replace('–', 'none'),
        ],
        ['`runsc run` itself (sandbox start, /bin/true, teardown)', ms(phase('cached', 'run')), ms(phase('path', 'run'))],
        [
          '`runsc run` exit → step exit (outputs, summary, cleanup, node exit)',
          ms(phase('cached', 'afterRun')),
          ms(phase('path', 'afterRun')),
        ],
        ['whole step (with the shim)', ms(phase('cached', 'total')), ms(phase('path', 'total'))],
        ['bare `runsc --ignore-cgroups run` (from above)', ms(med.bareFlags), ms(med.bareFlags)],
      ],
    ),
  );
  return out.join('\n');
}
