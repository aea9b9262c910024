/**
 * The post step: runs only when main may have left something behind (the job
 * failed or was cancelled; see `post-if` in action.yml). It removes this run's
 * sandbox and run directory and nothing else: every value read back from the
 * state is checked to be one main could have written.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { RUN_DIR_PREFIX, State } from './constants.js';
import { commands, log } from './log.js';
import { destroy, type Runsc } from './run/runsc.js';

const CONTAINER_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** The run directory, if the state names one of ours: directly in RUNNER_TEMP, our prefix, a real directory. */
export function ownRunDir(value: string, tempRoot: string): string | undefined {
  if (!value || !path.isAbsolute(value)) return undefined;
  const dir = path.normalize(value);
  if (path.dirname(dir) !== path.resolve(tempRoot) || !path.basename(dir).startsWith(RUN_DIR_PREFIX)) return undefined;
  try {
    return lstatSync(dir).isDirectory() ? dir : undefined;
  } catch {
    return undefined;
  }
}

export async function post(): Promise<void> {
  const tempRoot = process.env.RUNNER_TEMP || os.tmpdir();
  const runDir = ownRunDir(core.getState(State.RunDir), tempRoot);
  if (!runDir) {
    commands(core).debug('gvisor-cell post: nothing of this run is left');
    return;
  }
  const containerId = core.getState(State.ContainerId);
  const runscPath = core.getState(State.Runsc);
  const sudo = core.getState(State.Sudo) === 'true';
  if (CONTAINER_ID.test(containerId) && path.isAbsolute(runscPath)) {
    const runsc: Runsc = { path: runscPath, sudo, root: path.join(runDir, 'state') };
    log.info(`Removing sandbox ${containerId} left by the main step`);
    await destroy(runsc, containerId);
  }
  try {
    rmSync(runDir, { recursive: true, force: true });
  } catch {
    // runsc ran as root through sudo and left root-owned state behind.
    if (sudo) spawnSync('sudo', ['-n', 'rm', '-rf', '--one-file-system', '--', runDir], { stdio: 'ignore' });
  }
  log.info(`Removed ${runDir}`);
}
