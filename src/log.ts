/**
 * Progress messages of the shared engine (installer, downloads): the job log
 * for the action, stderr for the CLI, whose stdout carries only results.
 *
 * For the action this is a plain line on stdout — exactly what `core.info`
 * writes — so that the warm path need not load @actions/core before runsc
 * starts (see main.ts). Messages are the action's own, never the cell's.
 */
export const log = {
  info: (line: string): void => {
    process.stdout.write(`${line}\n`);
  },
};
