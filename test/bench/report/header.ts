/** The report's title and the machine table. */
import type { Machine } from '../machine.js';
import { table } from './markdown.js';

export interface RunFacts {
  machine: Machine;
  /** The Node running dist/ is this process's own: GVC_ACTION_NODE was not set. */
  ownNode: boolean;
  loadStart: number[];
  loadEnd: number[];
  rounds: number;
}

export function reportHeader(run: RunFacts): string {
  const { machine } = run;
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  return [
    '# gvisor-cell bench',
    '',
    table(
      ['machine', ''],
      [
        ['CPU', `${machine.cores} × ${machine.model}`],
        ['memory', `${machine.memGiB.toFixed(1)} GiB`],
        ['kernel', machine.kernel],
        ['node', `${machine.node} (runs dist/${run.ownNode ? '; the runner uses node24: set GVC_ACTION_NODE' : ''})`],
        ['runsc', machine.runsc],
        ['load average (1/5/15 min) at start → end', `${load(run.loadStart)} → ${load(run.loadEnd)}`],
        ['rounds', `${run.rounds} measured after 1 warm-up, commands alternating (order reversed every other round)`],
      ],
      { left: true },
    ),
    '',
  ].join('\n');
}
