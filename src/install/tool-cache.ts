/**
 * @actions/tool-cache, with its root passed in. tool-cache reads its root from
 * RUNNER_TOOL_CACHE on every call and reports what it does as `::debug::`
 * workflow commands written to stdout; this module is the one place where the
 * rest of the code meets either. The root the caller gives is set for the
 * call and restored after it (calls are queued, never overlapped), and
 * tool-cache's debug lines are dropped, in the action too: our own log says
 * what was cached where, and the CLI's stdout carries results
 * (`$(gvisor-cell install)`). Nothing else writes to stdout while an install
 * runs, so diverting it for the call's duration catches only tool-cache.
 *
 * Loaded by the installer only, and only for `latest` (to list the entries):
 * a warm step and a pinned install never load tool-cache (cache.ts reads its
 * layout, installer.ts writes it).
 */
import * as tc from '@actions/tool-cache';
import type { Shelf } from './cache.js';

/** The call in progress: calls run one after another, so each sees its own root and none restores another's. */
let queue: Promise<unknown> = Promise.resolve();

function withRoot<T>(root: string, fn: () => T | Promise<T>): Promise<T> {
  const turn = queue.then(() => isolated(root, fn));
  queue = turn.catch(() => {});
  return turn;
}

async function isolated<T>(root: string, fn: () => T | Promise<T>): Promise<T> {
  const saved = process.env.RUNNER_TOOL_CACHE;
  const write = process.stdout.write;
  process.env.RUNNER_TOOL_CACHE = root;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) =>
    typeof chunk === 'string' && chunk.startsWith('::debug::')
      ? true
      : (write as (...args: unknown[]) => boolean).call(process.stdout, chunk, ...rest)) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
    if (saved === undefined) delete process.env.RUNNER_TOOL_CACHE;
    else process.env.RUNNER_TOOL_CACHE = saved;
  }
}

/** The version keys cached for this tool and architecture. */
export function cachedVersions(shelf: Shelf): Promise<string[]> {
  return withRoot(shelf.root, () => tc.findAllVersions(shelf.tool, shelf.arch));
}
