/**
 * A runsc that is a bash shim logging when it starts and ends
 * (EPOCHREALTIME, no extra processes) around the real runsc: it shows when
 * the action spawns `runsc run`, and how long the run itself takes.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { BenchJob } from '../context.js';

export interface Shim {
  shim: string;
  logFile: string;
}

export function makeShim(dir: string, realRunsc: string): Shim {
  mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, 'shim.log');
  const shim = path.join(dir, 'runsc');
  writeFileSync(
    shim,
    `#!/bin/bash
printf '%s start %s\\n' "$EPOCHREALTIME" "$*" >>'${logFile}'
'${realRunsc}' "$@"
rc=$?
printf '%s end %s\\n' "$EPOCHREALTIME" "$*" >>'${logFile}'
exit $rc
`,
    { mode: 0o755 },
  );
  return { shim, logFile };
}

/** A tool cache holding a copy of `realCacheEntry` whose runsc is the shim. */
export function shimCache(job: BenchJob, realCacheEntry: string): { cache: string; logFile: string } {
  // <tool cache>/<tool>/<key>/<arch>/{runsc,gvisor-cell.json} and <arch>.complete, as @actions/tool-cache keeps them.
  const rel = path.relative(job.toolCache, realCacheEntry);
  const cache = path.join(job.root, 'shim-toolcache');
  const entry = path.join(cache, rel);
  mkdirSync(entry, { recursive: true });
  copyFileSync(path.join(realCacheEntry, 'gvisor-cell.json'), path.join(entry, 'gvisor-cell.json'));
  writeFileSync(`${entry}.complete`, '');
  const { logFile } = makeShim(entry, path.join(realCacheEntry, 'runsc'));
  return { cache, logFile };
}

/** Epoch milliseconds of the shim's events (undefined: it did not happen). */
export interface ShimTimes {
  versionStart: number | undefined;
  versionEnd: number | undefined;
  runStart: number | undefined;
  runEnd: number | undefined;
}

/** The events logged since the last read; the log is emptied. */
export function readShimLog(logFile: string): ShimTimes {
  const events = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [t = '', kind, ...rest] = l.split(' ');
      return { t: Number(t.replace(',', '.')) * 1000, kind, args: rest.join(' ') };
    });
  writeFileSync(logFile, '');
  const find = (kind: string, re: RegExp) => events.find((e) => e.kind === kind && re.test(e.args))?.t;
  return {
    versionStart: find('start', /--version/),
    versionEnd: find('end', /--version/),
    runStart: find('start', /(^| )run( |$)/),
    runEnd: find('end', /(^| )run( |$)/),
  };
}
