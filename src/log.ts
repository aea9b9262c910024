/**
 * Progress messages of the shared engine (installer, downloads): the job log
 * for the action, stderr for the CLI, whose stdout carries only results.
 */
import * as core from '@actions/core';

export const log = {
  info: (line: string): void => core.info(line),
};
