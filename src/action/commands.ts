/**
 * The action's workflow commands (annotations, the step's failure, groups),
 * through @actions/core with their text neutralised first. core escapes `%`,
 * CR and LF in a command's value, which keeps the value on its line; the text
 * goes through `inert` anyway, so that an annotation shows a name exactly as a
 * plain line does (src/log.ts). This module only refers to core's types: the
 * main step loads core while the sandbox boots (main.ts).
 */
import type * as Core from '@actions/core';
import { inert } from '../inert.js';
import type { Logger } from '../log.js';

export function commands(core: typeof Core, log: Logger) {
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

export type Commands = ReturnType<typeof commands>;
