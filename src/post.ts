/**
 * The post step: runs only when main may have left something behind (the job
 * failed or was cancelled; see `post-if` in action.yml). It removes this run's
 * sandbox and run directory and nothing else.
 *
 * The state can be forged (see post-record.ts), so it only points: at a run
 * directory, which must be one main made, and at the record main left in it,
 * which must carry the state's nonce. What is run (runsc, the container id)
 * comes from that record; whether through sudo, from this process's own uid.
 * Anything else and the step does nothing but say that it refused the state.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { RUN_DIR_PREFIX, State } from './constants.js';
import { commands, log } from './log.js';
import { NONCE, readPostRecord } from './post-record.js';
import { destroy, needsSudo, type Runsc } from './run/runsc.js';

/**
 * A run directory's name: our prefix and mkdtemp's six random characters
 * (planCell in run/cell.ts). Not `gvisor-cell-logs`, nor the debug or install
 * directories, whose names are longer.
 */
const RUN_DIR_NAME = new RegExp(`^${RUN_DIR_PREFIX}[A-Za-z0-9]{6}$`);

/** A run directory, or why the value is refused; `gone` when it names one that no longer exists. */
export type RunDirCheck = { dir: string } | { gone: true } | { refused: string };

/**
 * The state's run directory, if it is one main could have made: an absolute,
 * normalized path directly in RUNNER_TEMP with a run directory's name, and a
 * real directory (not a link) owned by `uid` that group and others cannot write.
 */
export function checkRunDir(value: string, tempRoot: string, uid: number): RunDirCheck {
  if (!path.isAbsolute(value) || path.resolve(value) !== value) return { refused: 'run-dir is not an absolute, normalized path' };
  if (path.dirname(value) !== path.resolve(tempRoot)) return { refused: 'run-dir is not directly in RUNNER_TEMP' };
  if (!RUN_DIR_NAME.test(path.basename(value))) return { refused: 'run-dir is not named as a run directory' };
  const st = lstatSync(value, { throwIfNoEntry: false });
  if (!st) return { gone: true };
  if (!st.isDirectory()) return { refused: 'run-dir is not a directory' };
  if (st.uid !== uid) return { refused: `run-dir is owned by uid ${st.uid}, not ${uid}` };
  if (st.mode & 0o022) return { refused: 'run-dir is writable by group or others' };
  return { dir: value };
}

/** One line in the post step's log; never quotes the state (it could carry workflow commands). */
function refuse(reason: string): void {
  commands(core).warning(`gvisor-cell post: refused the saved state, removed nothing: ${reason}`);
}

export async function post(): Promise<void> {
  const tempRoot = process.env.RUNNER_TEMP || os.tmpdir();
  const uid = process.getuid?.() ?? 0;
  const value = core.getState(State.RunDir);
  if (!value) {
    commands(core).debug('gvisor-cell post: no run directory in the state; nothing to do');
    return;
  }
  const runDir = checkRunDir(value, tempRoot, uid);
  if ('refused' in runDir) return refuse(runDir.refused);
  if ('gone' in runDir) {
    commands(core).debug('gvisor-cell post: nothing of this run is left');
    return;
  }
  const nonce = core.getState(State.Nonce);
  if (!NONCE.test(nonce)) return refuse('nonce is missing or malformed');
  const checked = readPostRecord(runDir.dir, nonce, uid);
  if ('refused' in checked) return refuse(checked.refused);

  const { containerId, runsc: runscPath } = checked.record;
  const sudo = needsSudo();
  const runsc: Runsc = { path: runscPath, sudo, root: path.join(runDir.dir, 'state') };
  log.info(`Removing sandbox ${containerId} left by the main step`);
  await destroy(runsc, containerId);
  try {
    rmSync(runDir.dir, { recursive: true, force: true });
  } catch {
    // runsc ran as root through sudo and left root-owned state behind.
    if (sudo) spawnSync('sudo', ['-n', 'rm', '-rf', '--one-file-system', '--', runDir.dir], { stdio: 'ignore' });
  }
  log.info(`Removed ${runDir.dir}`);
}
