/** The command line: `--rounds N`, `--only LIST`, `--help`; `--flag=value` works too. */
import { DEFAULT_ROUNDS, FIGURES, type Figure } from './constants.js';

export interface Args {
  rounds: number;
  only: Set<Figure>;
}

/** A command line the bench cannot run: the message says which argument and why. */
export class UsageError extends Error {}

export const USAGE = `Usage: npm run bench -- [--rounds N] [--only ${FIGURES.join(',')}]
  --rounds N   measured rounds per figure, after one warm-up round (default ${DEFAULT_ROUNDS})
  --only LIST  comma-separated subset of: ${FIGURES.join(', ')}`;

function isFigure(name: string): name is Figure {
  return (FIGURES as readonly string[]).includes(name);
}

/** The arguments, or 'help'; throws UsageError for anything else. */
export function parseArgs(argv: readonly string[]): Args | 'help' {
  let rounds = DEFAULT_ROUNDS;
  let only = new Set<Figure>(FIGURES);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    if (flag === '--rounds') {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--rounds: expected a whole number ≥ 1, got "${v}"`);
      rounds = Number(v);
    } else if (flag === '--only') {
      const names = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = names.filter((n) => !isFigure(n));
      if (bad.length || names.length === 0) throw new UsageError(`--only: unknown figure ${bad.join(', ') || '(none given)'}`);
      only = new Set(names.filter(isFigure));
    } else if (flag === '-h' || flag === '--help') {
      return 'help';
    } else {
      throw new UsageError(`unknown argument ${arg}`);
    }
  }
  return { rounds, only };
}
