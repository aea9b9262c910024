/**
 * A cell's bundle as the action would build it, written by the CLI
 * (`gvisor-cell bundle`), with the runsc flags it prints: what the option
 * figures run with a bare `runsc run`, one flag changed at a time.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from '../../support/action-yml.js';
import { ACTION_NODE } from '../constants.js';
import type { BenchJob } from '../context.js';

export interface CliBundle {
  dir: string;
  /** The global flags the action would pass (platform first). */
  flags: string[];
}

/** Writes `doc` (a cell document, JSON) as `<scratch>/<name>.json` and its bundle as `<scratch>/<name>/`. */
export function cliBundle(job: BenchJob, name: string, doc: string, env: Record<string, string>): CliBundle {
  const file = path.join(job.scratch, `${name}.json`);
  writeFileSync(file, doc);
  const dir = path.join(job.scratch, name);
  const r = spawnSync(
    ACTION_NODE,
    [path.join(REPO, 'dist', 'cli', 'index.js'), 'bundle', file, '--out', dir, '--workspace', job.workspace],
    {
      cwd: job.workspace,
      env,
      encoding: 'utf8',
    },
  );
  const flags = /runsc flags for this cell: (.*)/.exec(r.stderr ?? '')?.[1];
  if (r.status !== 0 || !flags) throw new Error(`gvisor-cell bundle for ${name} failed: ${r.stderr}`);
  const list = flags.trim().split(/\s+/);
  return { dir, flags: list.some((f) => f.startsWith('--platform=')) ? list : ['--platform=systrap', ...list] };
}
