/** Figure 6, as printed: `rootfs: { image }`, warm and cold. */
import type { ImageFigures } from '../measure/image.js';
import { median, ratio } from '../stats.js';
import { BUDGET } from './budget.js';
import { fmtRatio, medianSpread, table, verdict } from './markdown.js';

export function reportImage(fig: ImageFigures): string {
  const t = fig.samples;
  const warm = ratio(median(t.image), median(t.host));
  const rows = [
    ['step, `rootfs: host`', medianSpread(t.host)],
    ['step, `rootfs: { image }`, image in the tool cache', medianSpread(t.image)],
    ['`gvisor-cell pull` into an empty tool cache', medianSpread(t.pull)],
    ...(t.skopeo.length ? [['`skopeo copy` + `umoci raw unpack`', medianSpread(t.skopeo)]] : []),
  ];
  const ratios = [['warm step: image / host', fmtRatio(warm), verdict(warm, BUDGET.imageWarm)]];
  if (t.skopeo.length) {
    const cold = ratio(median(t.pull), median(t.skopeo));
    ratios.push(['cold pull + unpack: gvisor-cell / skopeo + umoci', fmtRatio(cold), verdict(cold, BUDGET.imageCold)]);
  }
  return [
    '## 6. Container images (`rootfs: { image }`)',
    '',
    `A two-layer image (busybox, then Node with its libraries; ${(fig.bytes / 2 ** 20).toFixed(1)} MiB compressed, gzip) ` +
      'in a registry on loopback (Debian’s docker-registry). A /bin/true step with the image cached against the same step on the ' +
      'runner’s view; the pull alone into an empty tool cache against doing it by hand. Medians (min–max), ms.',
    '',
    table(['what', 'ms'], rows),
    '',
    table(['ratio', 'value', 'budget'], ratios),
    ...(fig.noReference ? ['', `The by-hand reference was not measured: ${fig.noReference}.`] : []),
  ].join('\n');
}
