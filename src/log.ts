/**
 * The one way the action (main, post) and the CLI print anything of their own
 * outside the cell's stop-commands window: plain lines, and the annotations and
 * groups that @actions/core writes as workflow commands. Every message goes
 * through `inert` here, at the sink, because messages quote the workspace
 * (paths, names, the document) and a call site cannot be trusted to remember
 * (test/unit/job-log.test.ts fails on a print that bypasses this module).
 *
 * Plain lines are exactly what `core.info` writes, so the main step's warm
 * path need not load @actions/core before runsc starts (see main.ts); this
 * module only refers to its types.
 */
import type * as Core from '@actions/core';
import { inert } from './inert.js';

export const log = {
  /** Where plain lines go: stdout for the action (the job log), stderr for the CLI (its stdout carries results). */
  out: process.stdout as { write(text: string): unknown },
  info(message: string): void {
    log.out.write(`${inert(message)}\n`);
  },
};

/**
 * @actions/core's commands with their text neutralised first. core escapes
 * `%`, CR and LF in a command's value, which keeps the value on its line; the
 * text goes through `inert` anyway, so that an annotation shows a name exactly
 * as a plain line does.
 */
export function commands(core: typeof Core) {
  return {
    warning: (message: string): void => core.warning(inert(message)),
    /** The step fails (exit code 1) with this error; code after it keeps running. */
    fail: (message: string): void => core.setFailed(inert(message)),
    debug: (message: string): void => core.debug(inert(message)),
    /** A collapsed group holding `text`. */
    group: (title: string, text: string): void => {
      core.startGroup(inert(title));
      log.info(text);
      core.endGroup();
    },
  };
}
