/**
 * The post step: runs only when main may have left something behind (the job
 * failed or was cancelled; see `post-if` in action.yml). It removes this run's
 * sandbox (with its cgroups and, for `network.allow`, its network) and run
 * directory, and nothing else.
 *
 * The state can be forged, so it only points (post-state.ts): what is run
 * (runsc, the container id) comes from the record main left in the run
 * directory; whether through sudo, from this process's own uid. Anything else
 * and the step does nothing but say that it refused the state.
 */
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { exec } from '@actions/exec';
import { lineLogger } from '../log.js';
import { leftCgroupsNote, removeLeftCgroups } from '../run/cgroups.js';
import { destroy, ensureGone, needsSudo, type Runsc } from '../run/runsc.js';
import { commands } from './commands.js';
import { loadPostState } from './post-state.js';

export async function post(): Promise<void> {
  const log = lineLogger(process.stdout);
  const say = commands(core, log);
  const tempRoot = process.env.RUNNER_TEMP || os.tmpdir();
  const state = loadPostState(core.getState, tempRoot, process.getuid?.() ?? 0);
  if ('none' in state) return say.debug('gvisor-cell post: no run directory in the state; nothing to do');
  if ('gone' in state) return say.debug('gvisor-cell post: nothing of this run is left');
  // One line; never quotes the state (it could carry workflow commands).
  if ('refused' in state) return say.warning(`gvisor-cell post: refused the saved state, removed nothing: ${state.refused}`);

  const { containerId, runsc: runscPath } = state.record;
  const sudo = needsSudo();
  const runsc: Runsc = { path: runscPath, sudo, root: path.join(state.runDir, 'state') };
  log.info(`Removing sandbox ${containerId} left by the main step`);
  await destroy(runsc, containerId);
  // What runsc could not stop (a start that stalled) is killed by this run's state directory, and the
  // cgroups runsc then could not remove go too (they are only there for a cell with limits).
  try {
    await ensureGone(runsc, containerId);
  } catch (error) {
    say.warning(`gvisor-cell post: ${(error as Error).message}`);
  }
  const left = await removeLeftCgroups(runsc, containerId);
  if (left.length > 0) say.warning(`gvisor-cell post: ${leftCgroupsNote(left)}`);
  if (state.record.networkId) {
    // Loaded only when main made a network: the listeners died with main; the namespace, link and table may not have.
    const { findNetworkTools, teardownHostNetwork } = await import('../egress/host-network.js');
    log.info(`Removing the cell's network ${state.record.networkId} left by the main step`);
    await teardownHostNetwork(findNetworkTools(), sudo, state.record.networkId);
  }
  await removeAll(state.runDir, sudo);
  log.info(`Removed ${state.runDir}`);
}

/** The run directory, with sudo where runsc ran through it and left root-owned state behind. */
async function removeAll(dir: string, sudo: boolean): Promise<void> {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    if (!sudo) return;
    await exec('sudo', ['-n', 'rm', '-rf', '--one-file-system', '--', dir], { silent: true, ignoreReturnCode: true }).catch(() => {});
  }
}
