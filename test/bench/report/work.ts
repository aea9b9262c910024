/** Figure 3, as printed: work inside a cell against the same work natively, and the runsc options. */
import type { OptionKey } from '../measure/runsc-options.js';
import type { WorkFigures } from '../measure/work.js';
import type { WorkKey } from '../measure/workloads.js';
import { median, ratio } from '../stats.js';
import { fmtRatio, medianSpread, ms, spread, table } from './markdown.js';

const WORK_LABELS: Record<WorkKey, string> = {
  node: 'node start-up alone: `node -e 0`',
  cpu: 'CPU: `node -e` summing to 3e8',
  read: 'read 5,000 small files (`find … -exec cat`)',
  write: 'write 20,000 small files, nested (npm-ci-like), into the overlay workspace',
  exec: '1,000 `/bin/true` from a shell loop',
  git: '`git status` on a 10,000-file repository',
};

const OPTION_LABELS: Record<OptionKey, string> = {
  action: 'the action’s flags',
  dir: '`--overlay2=all:dir=…` (overlay on disk)',
  exclusive: '`--file-access-mounts=exclusive`',
  nodirectfs: '`--directfs=false` (files through the gofer)',
};

function notes(fig: WorkFigures): string[] {
  const out: string[] = [];
  if (fig.gitSkipped?.where === 'host') out.push('git is not installed on this machine: the git figure is skipped.');
  if (fig.gitSkipped?.where === 'cell') {
    out.push(
      `git is missing inside the cell (\`git --version\` there: exit ${fig.gitSkipped.exitCode ?? 'unset'}): the git figure is skipped.`,
    );
  }
  if (fig.leakedWrites) out.push('Unexpected: the overlay cell left `out/` in the host workspace.');
  return out;
}

function reportOptions(fig: WorkFigures['options']): string {
  const keys = Object.keys(OPTION_LABELS) as OptionKey[];
  const rows = fig.work.map(({ key, samples }) => {
    const base = median(samples.action);
    return [
      WORK_LABELS[key],
      ...keys.map((o) => {
        const m = median(samples[o]);
        return o === 'action' ? ms(m) : `${ms(m)} (${fmtRatio(ratio(m, base))})`;
      }),
    ];
  });
  return [
    '### runsc options',
    '',
    'The same cells’ bundles (written by `gvisor-cell bundle`) run by a bare `runsc run`, with the flags the action passes and with ' +
      'one option changed; wall ms, median, and the ratio to the action’s flags. Options the action does not take are ' +
      'explained in README, Performance.',
    '',
    table(['work', ...keys.map((o) => OPTION_LABELS[o])], rows),
  ].join('\n');
}

export function reportWork(fig: WorkFigures): string {
  const emptyMed = median(fig.empty);
  const rows = fig.work.map((w) => {
    const nat = median(w.native);
    const cell = median(w.cell);
    return [
      WORK_LABELS[w.key],
      medianSpread(w.native),
      medianSpread(w.cell),
      fmtRatio(ratio(cell, nat)),
      ms(cell - emptyMed),
      fmtRatio(ratio(cell - emptyMed, nat)),
      ms(median(w.step)),
    ];
  });
  const said = notes(fig);
  return [
    '## 3. Work inside a cell vs native',
    '',
    'The same argv natively (wall time, spawn → exit) and as a cell through the action (`duration-ms`: the action’s wall time of ' +
      '`runsc run`, so it includes starting and tearing down the sandbox). “Empty cell” is the `duration-ms` of a `/bin/true` cell, ' +
      `median ${ms(emptyMed)} ms (${spread(fig.empty)}); subtracting it leaves the work. Medians (min–max), ms.`,
    '',
    table(['work', 'native', 'cell (`duration-ms`)', 'cell / native', 'cell − empty cell', '(cell − empty) / native', 'whole step'], rows),
    ...(said.length ? ['', ...said] : []),
    '',
    reportOptions(fig.options),
  ].join('\n');
}
