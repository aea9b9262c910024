/**
 * The benchmark's pure parts (test/bench/): its command line, its statistics,
 * and the report drawn from given samples, so that a figure printed is the
 * figure measured.
 */
import { describe, expect, test } from 'vitest';
import { parseArgs, UsageError } from '../bench/args.js';
import { findBenchFiles } from '../bench/measure/bundle.js';
import { type EgressFigures, PATH_KEYS } from '../bench/measure/egress.js';
import type { InstallFigures } from '../bench/measure/install.js';
import { STEP_KEYS, type StepFigures } from '../bench/measure/step.js';
import { reportEgress } from '../bench/report/egress.js';
import { reportInstall } from '../bench/report/install.js';
import { ms, table } from '../bench/report/markdown.js';
import { reportStep } from '../bench/report/step.js';
import { median, order } from '../bench/stats.js';

describe('the command line', () => {
  test('defaults: every figure, 5 rounds', () => {
    expect(parseArgs([])).toEqual({ rounds: 5, only: new Set(['step', 'install', 'work', 'bundle', 'egress', 'image', 'suites']) });
  });

  test('--only and --rounds, as two arguments or with =', () => {
    expect(parseArgs(['--only', 'step,bundle', '--rounds=3'])).toEqual({ rounds: 3, only: new Set(['step', 'bundle']) });
    expect(parseArgs(['--only=work', '--rounds', '1'])).toEqual({ rounds: 1, only: new Set(['work']) });
    expect(parseArgs(['-h'])).toBe('help');
  });

  test.each([
    [['--rounds', '0'], /--rounds: expected a whole number ≥ 1, got "0"/],
    [['--rounds', '2.5'], /--rounds: expected a whole number/],
    [['--rounds'], /--rounds needs a value/],
    [['--only', 'step,fast'], /--only: unknown figure fast/],
    [['--only', ','], /--only: unknown figure \(none given\)/],
    [['--fast'], /unknown argument --fast/],
  ])('%j is refused, naming what is wrong', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(UsageError);
    expect(() => parseArgs(argv)).toThrow(message);
  });
});

test('median of odd and even counts, none; order alternates by round', () => {
  expect([median([3, 1, 2]), median([4, 1, 3, 2]), median([])]).toEqual([2, 2.5, Number.NaN]);
  expect([order([1, 2, 3], 0), order([1, 2, 3], 1), order([1, 2, 3], 2)]).toEqual([
    [1, 2, 3],
    [3, 2, 1],
    [1, 2, 3],
  ]);
});

test('numbers and tables as printed', () => {
  expect([ms(3.26), ms(302.4), ms(Number.NaN)]).toEqual(['3.3', '302', '–']);
  expect(table(['a', 'b'], [['x', '1']])).toBe('| a | b |\n| --- | ---: |\n| x | 1 |');
});

describe('the report, from given samples', () => {
  const steps = (values: Partial<Record<(typeof STEP_KEYS)[number], number[]>>): StepFigures => ({
    samples: Object.fromEntries(STEP_KEYS.map((k) => [k, values[k] ?? [100]])) as StepFigures['samples'],
    durationMs: { cached: [170], path: [171] },
    postRan: 0,
    phases: { cached: [], path: [] },
    artifactBytes: { tarball: 9.3 * 2 ** 20, loose: 2 ** 20 },
  });

  test('the step ratio is the median step over bare runsc plus bare node, against its budget', () => {
    const fig = steps({ cached: [290, 302, 500], bare: [190, 195, 200], node: [50, 54, 60], bareFlags: [160] });
    const text = reportStep(fig, { artifact: 'gvisor.tar.zstd', postIf: 'failure() || cancelled()' });
    expect(text).toContain("| step, warm tool cache (`runsc-version: 20260901.0`, official bucket's entry) | 302 | 290–500 |");
    expect(text).toContain('| bare `runsc run` + `node -e 0` | 249 | – |');
    expect(text).toContain('| step (warm tool cache) / (runsc + node) | 1.21 | ❌ > 1.10 |');
    expect(text).toContain('| step (warm tool cache) / (runsc `--ignore-cgroups` + node): what the action adds | 1.41 | – |');
    expect(text).toContain('| tarball `gvisor.tar.zstd` (20260901.0) | 9.3 |');
    expect(text).toContain('Post step: not run, and not counted');
    expect(text).toContain('| … of which the `runsc --version` probe | none | none |');
  });

  test('the install is the cold step less the warm one, against the shell recipe', () => {
    const fig: InstallFigures = {
      layouts: [
        { version: '20260901.0', samples: { cold: [900], warm: [300], shell: [550] } },
        { version: '20240729.0', samples: { cold: [700], warm: [300], shell: [300] } },
      ],
    };
    const text = reportInstall(fig, { artifact: 'gvisor.tar.zstd', tarFlag: '--zstd' });
    expect(text).toContain('| `20260901.0` (`gvisor.tar.zstd`) | 900 (900–900) | 300 (300–300) | 600 | 550 (550–550) |');
    expect(text).toContain('| `20260901.0` (`gvisor.tar.zstd`): install / shell recipe | 1.09 | ✅ ≤ 1.20 |');
    expect(text).toContain('| `20240729.0` (loose `runsc`): install / shell recipe | 1.33 | ❌ > 1.20 |');
  });
});

describe('the egress report (figure 5), from given samples', () => {
  const fig = (seconds: Partial<EgressFigures['seconds']>): EgressFigures => ({
    startup: { stepNone: [400, 420, 500], stepAllow: [430, 445, 600], cliNone: [300, 310], cliAllow: [390, 400] },
    startupDuration: { stepNone: [200, 210, 220], stepAllow: [205, 214, 224] },
    seconds: Object.fromEntries(PATH_KEYS.map((k) => [k, seconds[k] ?? [1]])) as EgressFigures['seconds'],
    bytes: 100_000_000,
  });

  test('start-up: the difference of the medians against 30 ms, and the per-round differences', () => {
    const text = reportEgress(fig({}));
    // medians 420 → 445: +25 ms; rounds: +30, +25, +100.
    expect(text).toContain('| whole step | 420 | 445 | 25 | 30 | 25–100 | ✅ ≤ 30 ms |');
    expect(text).toContain('| CLI `run` | 305 | 395 | 90 | 90 | 90–90 | – |');
  });

  test('throughput: MB/s from the median time, each path against the runner, network: host and the bare sandbox of its scheme', () => {
    const text = reportEgress(
      fig({ directHttps: [0.2, 0.25, 0.3], netHostHttps: [0.5], bareHttps: [0.4], sni: [0.25, 0.3, 0.35], connect: [1] }),
    );
    expect(text).toContain('| the runner directly, `https://` | 0.250 | 400 | 333–500 | 1 (baseline) | – | – | – |');
    // 333 MB/s over 400: 0.83 of the runner's, 1.67 of network: host's (200), 1.33 of the bare sandbox's (250).
    expect(text).toMatch(
      /\| cell, `network.allow`: TLS, server name [^|]*\| 0.300 \| 333 \| 286–400 \| 0.83 \| 1.67 \| 1.33 \| ✅ ≥ 0.80 \|/,
    );
    expect(text).toMatch(/\| cell, `network.allow`: CONNECT proxy [^|]*\| 1.000 \| 100 \| 100–100 \| 0.25 \| 0.50 \| 0.40 \| ❌ < 0.80 \|/);
  });
});

test('figure 4 names the vitest bench files', () => {
  expect(findBenchFiles()).toEqual(expect.arrayContaining(['test/bench/bundle.bench.ts', 'test/bench/pinned.bench.ts']));
});
