/** Figure 5, as printed: what an allow-list costs at start-up, and the download rate through each of the action's paths. */
import { DOWNLOAD_BYTES, type EgressFigures, type PathKey, STARTUP_NAME } from '../measure/egress.js';
import { median, ratio } from '../stats.js';
import { BUDGET } from './budget.js';
import { fmtRatio, ms, spread, table, verdictAtLeast } from './markdown.js';

const PATH_LABELS: Record<PathKey, string> = {
  directHttp: 'the runner directly, `http://`',
  directHttps: 'the runner directly, `https://`',
  netHostHttp: 'cell, `network: host`, `http://`',
  netHostHttps: 'cell, `network: host`, `https://`',
  bareHttp: 'bare `runsc --network=sandbox`, veth straight to the upstream, `http://`',
  bareHttps: 'bare `runsc --network=sandbox`, veth straight to the upstream, `https://`',
  hostHeader: 'cell, `network.allow`: HTTP, Host header (`http://`, `--noproxy "*"`)',
  sni: 'cell, `network.allow`: TLS, server name (`https://`, `--noproxy "*"`)',
  connect: 'cell, `network.allow`: CONNECT proxy (`https://` through the cell’s `https_proxy`)',
};

/** What each path is compared with: the runner's download of the same scheme, the `network: host` cell's, the bare sandbox's. */
const BASES: Record<PathKey, { direct: PathKey; netHost?: PathKey; bare?: PathKey }> = {
  directHttp: { direct: 'directHttp' },
  directHttps: { direct: 'directHttps' },
  netHostHttp: { direct: 'directHttp' },
  netHostHttps: { direct: 'directHttps' },
  bareHttp: { direct: 'directHttp', netHost: 'netHostHttp' },
  bareHttps: { direct: 'directHttps', netHost: 'netHostHttps' },
  hostHeader: { direct: 'directHttp', netHost: 'netHostHttp', bare: 'bareHttp' },
  sni: { direct: 'directHttps', netHost: 'netHostHttps', bare: 'bareHttps' },
  connect: { direct: 'directHttps', netHost: 'netHostHttps', bare: 'bareHttps' },
};

const ALLOW_PATHS: readonly PathKey[] = ['hostHeader', 'sni', 'connect'];

/** Each round's b − a (the two were measured next to each other). */
function pairedDifferences(a: readonly number[], b: readonly number[]): number[] {
  return a.map((x, i) => (b[i] as number) - x);
}

function msVerdict(diff: number, budgetMs: number): string {
  if (!Number.isFinite(diff)) return '–';
  return diff <= budgetMs ? `✅ ≤ ${budgetMs} ms` : `❌ > ${budgetMs} ms`;
}

function reportStartup(fig: EgressFigures): string {
  const s = fig.startup;
  const d = fig.startupDuration;
  const row = (label: string, none: number[], allow: number[], budget: boolean) => {
    const paired = pairedDifferences(none, allow);
    const diff = median(allow) - median(none);
    return [
      label,
      ms(median(none)),
      ms(median(allow)),
      ms(diff),
      ms(median(paired)),
      spread(paired),
      budget ? msVerdict(diff, BUDGET.egressStartupMs) : '–',
    ];
  };
  return [
    '### Start-up',
    '',
    '`command: [/bin/true]` with `network: none` and with `network: { allow: [' +
      STARTUP_NAME +
      '] }` (the cell’s own network namespace, veth, nftables table and listeners, made and removed; nothing is looked up), ' +
      'through the whole step (warm tool cache, as figure 1), through `runsc run` as the step times it (`duration-ms`), and through ' +
      'the CLI (`node dist/cli/index.js run --runsc …`). Wall ms; the per-round difference is allow − none of one round, the two run ' +
      'next to each other.',
    '',
    table(
      ['measure', '`none` median', 'allow median', 'difference of medians', 'median per-round difference', 'per-round min–max', 'target'],
      [
        row('whole step', s.stepNone, s.stepAllow, true),
        row('… of which `runsc run` (`duration-ms`)', d.stepNone, d.stepAllow, false),
        row('CLI `run`', s.cliNone, s.cliAllow, false),
      ],
    ),
    '',
    `Spread (min–max ms): step \`none\` ${spread(s.stepNone)}, allow ${spread(s.stepAllow)}; CLI \`none\` ${spread(s.cliNone)}, ` +
      `allow ${spread(s.cliAllow)}.`,
  ].join('\n');
}

function reportThroughput(fig: EgressFigures): string {
  const mbps = (seconds: number) => (Number.isFinite(seconds) && seconds > 0 ? fig.bytes / 1e6 / seconds : Number.NaN);
  const rate = Object.fromEntries(Object.entries(fig.seconds).map(([k, v]) => [k, mbps(median(v))])) as Record<PathKey, number>;
  const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '–');
  const rows = (Object.keys(PATH_LABELS) as PathKey[]).map((key) => {
    const base = BASES[key];
    const secs = fig.seconds[key];
    const vsDirect = key === base.direct ? Number.NaN : ratio(rate[key], rate[base.direct]);
    const vsHost = base.netHost ? ratio(rate[key], rate[base.netHost]) : Number.NaN;
    const vsBare = base.bare ? ratio(rate[key], rate[base.bare]) : Number.NaN;
    return [
      PATH_LABELS[key],
      secs.length ? median(secs).toFixed(3) : '–',
      fmt(rate[key]),
      secs.length ? `${fmt(mbps(Math.max(...secs)))}–${fmt(mbps(Math.min(...secs)))}` : '–',
      key === base.direct ? '1 (baseline)' : fmtRatio(vsDirect),
      fmtRatio(vsHost),
      fmtRatio(vsBare),
      ALLOW_PATHS.includes(key) ? verdictAtLeast(vsDirect, BUDGET.egressThroughput) : '–',
    ];
  });
  return [
    '### Throughput',
    '',
    `\`curl -o /dev/null\` of ${(DOWNLOAD_BYTES / 1e6).toFixed(0)} MB (checked to the byte) from the bench’s own upstream (node HTTP and ` +
      'HTTPS servers in a network namespace of the bench’s, on 198.18.0.0/16, named in /etc/hosts; the cells trust its self-signed ' +
      'certificate through a read-only mount), timed by curl itself (`time_total`: the download, not the step). Each allow-list ' +
      'download is checked in the egress log to have taken the path named. MB/s = 10⁶ bytes per second, from the median time; ratios ' +
      'of the medians, against the runner’s download of the same scheme, against a cell with `network: host` (gVisor on the ' +
      'runner’s network stack, hostinet) and against a bare `runsc --network=sandbox` in a namespace joined straight to the ' +
      'upstream’s by a veth pair (gVisor’s own network stack, netstack, as an allow-list cell has it, but nothing of the ' +
      'action’s: no nftables redirect, no listener): the allow-list paths over the bare sandbox are what the action’s listeners cost.',
    '',
    table(['path', 'median s', 'MB/s', 'MB/s min–max', '/ runner directly', '/ cell `network: host`', '/ bare sandbox', 'target'], rows),
  ].join('\n');
}

export function reportEgress(fig: EgressFigures): string {
  return ['## 5. Egress by name (`network: { allow }`)', '', reportStartup(fig), '', reportThroughput(fig)].join('\n');
}
