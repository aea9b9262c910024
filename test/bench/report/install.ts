/** Figure 2, as printed: the action's install against the shell recipe. */
import { LOOSE_VERSION, TARBALL_VERSION } from '../../support/bucket.js';
import type { LocalBucket } from '../context.js';
import type { InstallFigures } from '../measure/install.js';
import { median, ratio } from '../stats.js';
import { BUDGET } from './budget.js';
import { fmtRatio, medianSpread, ms, table, verdict } from './markdown.js';

export function reportInstall(fig: InstallFigures, bucket: Pick<LocalBucket, 'artifact' | 'tarFlag'>): string {
  const labels: Record<string, string> = {
    [TARBALL_VERSION]: `\`${TARBALL_VERSION}\` (\`${bucket.artifact}\`)`,
    [LOOSE_VERSION]: `\`${LOOSE_VERSION}\` (loose \`runsc\`)`,
  };
  const rows: string[][] = [];
  const ratios: string[][] = [];
  for (const { version, samples: t } of fig.layouts) {
    const label = labels[version] ?? version;
    const cold = median(t.cold);
    const install = cold - median(t.warm);
    const r = ratio(install, median(t.shell));
    rows.push([label, medianSpread(t.cold), medianSpread(t.warm), ms(install), medianSpread(t.shell)]);
    ratios.push([`${label}: install / shell recipe`, fmtRatio(r), verdict(r, BUDGET.install)]);
  }
  const tarballShell = `curl -fsSO (artifact and .sha512) && sha512sum -c && tar -x ${bucket.tarFlag}`;
  const looseShell = 'curl -fsSO (runsc and .sha512) && sha512sum -c && chmod';
  return [
    '## 2. Cold install',
    '',
    'The step with an empty tool cache (downloads from a local HTTP server in the release bucket’s layout, verifies, unpacks, probes ' +
      '`runsc --version`, caches) minus the same step with a warm cache = the install; against the shell recipe on the same files, ' +
      'in an empty directory. Medians (min–max), ms.',
    '',
    table(['layout', 'step, empty tool cache', 'step, warm tool cache', 'install (difference)', 'shell recipe'], rows),
    '',
    table(['ratio', 'value', 'budget'], ratios),
    '',
    `Shell recipes: tarball \`${tarballShell}\`; loose binary \`${looseShell}\` (one curl for both files). ` +
      'The action asks for both files at once too (a pinned release, in the layout it expects first: the loose binary for releases ' +
      'before 20260824), renames the tree into the tool cache, and marks the entry complete once `runsc --version` has ' +
      'answered, which a pinned release does while its sandbox starts.',
  ].join('\n');
}
