/** Figure 7, as printed: real suites in a cell against the same suites natively (#16), and the runsc options on them. */
import type { SuiteFigures, SuiteKey, SuiteOptionKey } from '../measure/suites.js';
import { median, ratio } from '../stats.js';
import { BUDGET } from './budget.js';
import { fmtRatio, medianSpread, ms, spread, table, verdict } from './markdown.js';

const LABELS: Record<SuiteKey, string> = {
  vitest: 'this repository’s unit suite (`vitest run --project unit`)',
  pytest: 'Debian’s `pytest`, 2,000 tests over a 40-module package',
  'git-status': '`git status`, 10,000-file repository',
  'git-log': '`git log -p`, the same repository (31 commits)',
  make: '`make -B -j2`, 201 C files (gcc)',
  'npm-ci': '`npm ci --offline` of this repository’s lock, from a warmed cache',
};

const OPTION_LABELS: Record<SuiteOptionKey, string> = {
  action: 'the action’s flags',
  dcache: '`--dcache=4000`',
  self: '`--overlay2=all:self`',
  shared: 'without `--file-access-mounts=exclusive`',
  nodirectfs: '`--directfs=false`',
};

function reportOptions(options: SuiteFigures['options']): string {
  const rows = options.map(({ key, samples }) => {
    const base = median(samples.action);
    return [
      LABELS[key],
      ...SUITE_OPTION_KEYS_IN_ORDER.map((o) => {
        const m = median(samples[o]);
        return o === 'action' ? ms(m) : `${ms(m)} (${fmtRatio(ratio(m, base))})`;
      }),
    ];
  });
  return [
    '### runsc options on the suites',
    '',
    'Each suite’s bundle (written by `gvisor-cell bundle`) run by a bare `runsc run` with the action’s flags and with one ' +
      'option changed; wall ms, median, and the ratio to the action’s flags.',
    '',
    table(['suite', ...SUITE_OPTION_KEYS_IN_ORDER.map((o) => OPTION_LABELS[o])], rows),
  ].join('\n');
}

const SUITE_OPTION_KEYS_IN_ORDER = Object.keys(OPTION_LABELS) as SuiteOptionKey[];

export function reportSuites(fig: SuiteFigures): string {
  const emptyMed = median(fig.empty);
  const rows = fig.suites.map((s) => {
    const nat = median(s.native);
    const cell = median(s.cell);
    const r = ratio(cell, nat);
    return [
      LABELS[s.key],
      medianSpread(s.native),
      medianSpread(s.cell),
      fmtRatio(r),
      fmtRatio(ratio(cell - emptyMed, nat)),
      verdict(r, BUDGET.suite),
    ];
  });
  return [
    '## 7. Real suites in a cell vs native',
    '',
    'Each suite natively (wall time, spawn → exit) and as a cell through the action (`duration-ms`, which includes starting ' +
      `and tearing down the sandbox: an empty cell’s is ${ms(emptyMed)} ms, ${spread(fig.empty)}), alternating. Medians (min–max), ms.`,
    '',
    table(['suite', 'native', 'cell', 'cell / native', '(cell − empty) / native', 'target'], rows),
    ...fig.skipped.map((s) => `\n${LABELS[s.key]}: skipped, ${s.why}.`),
    '',
    reportOptions(fig.options),
  ].join('\n');
}
