/**
 * How the engine and both front ends print lines of their own: a `Logger`
 * made here, passed in to whatever needs to say something. Every line goes
 * through `inert` at this sink, because messages quote the workspace (paths,
 * names, the document) and a call site cannot be trusted to remember
 * (test/unit/job-log.test.ts fails on a print that bypasses the sinks: this
 * module and src/action/commands.ts).
 *
 * A line is exactly what `core.info` writes, so the action's warm path need
 * not load @actions/core to print (README, Performance).
 */
import { inert } from './inert.js';

export interface Logger {
  /** One line (or several, split at LF), neutralised. */
  info(message: string): void;
}

/** Where a logger's lines go: the job log (the action's stdout), a terminal (the CLI's stderr). */
export interface TextSink {
  write(text: string): unknown;
}

export function lineLogger(out: TextSink): Logger {
  return {
    info(message: string): void {
      out.write(`${inert(message)}\n`);
    },
  };
}

/** Says nothing (tests, and callers that have nobody to tell). */
export const silent: Logger = { info: () => {} };
