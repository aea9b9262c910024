/**
 * What the main step tells its post step, written and read here only. The
 * record is kept where only the main step can write: a file in the run's
 * private directory (mkdtemp, mode 0700, under RUNNER_TEMP, which no cell
 * sees). The step's state carries only the run directory and this record's
 * nonce; state can be forged (a `::save-state` printed by an earlier step or a
 * cell that escaped the stop-commands window), so what the post step runs (the
 * runsc binary, the container id) comes from the record, and only when the
 * run directory is one main could have made and the nonce in the state is the
 * one in the record.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { RUN_DIR_NAME, runDirUnique } from '../run/run-dir.js';

/** The state's keys: which run directory, and the nonce of the record main left in it. */
const State = {
  RunDir: 'run-dir',
  Nonce: 'nonce',
} as const;

/** The record's name in the run directory. */
export const RECORD_FILE = 'post-record.json';

export interface PostRecord {
  /** The container main started (runsc's `--root` is `<run dir>/state`). */
  containerId: string;
  /** Absolute path of the runsc binary main ran. */
  runsc: string;
  /** With network.allow: the id the cell's network is named after (egress/host-network.ts), to remove it. */
  networkId?: string;
}

/** Container ids as `containerIdFor` makes them (and runsc accepts). */
const CONTAINER_ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** 16 random bytes, hex. */
export const NONCE = /^[0-9a-f]{32}$/;
/** Far more than a record needs; a bound on what the post step reads. */
const MAX_RECORD_BYTES = 4096;

/**
 * Writes the record, then the state that points at it (`save` is
 * core.saveState). The record comes first: a post step that finds the state
 * finds the record.
 */
export function savePostState(save: (name: string, value: string) => void, runDir: string, record: PostRecord): void {
  save(State.Nonce, writePostRecord(runDir, record));
  save(State.RunDir, runDir);
}

/** What the post step may clean up, or why it does nothing. */
export type PostState = { none: true } | { gone: true } | { refused: string } | { runDir: string; record: PostRecord };

/**
 * The state, checked (`get` is core.getState): nothing saved; a run directory
 * that is gone already; a refusal, with the reason (never quoting the state:
 * it could carry workflow commands); or the run directory and its record.
 */
export function loadPostState(get: (name: string) => string, tempRoot: string, uid: number): PostState {
  const value = get(State.RunDir);
  if (!value) return { none: true };
  const runDir = checkRunDir(value, tempRoot, uid);
  if (!('dir' in runDir)) return runDir;
  const nonce = get(State.Nonce);
  if (!NONCE.test(nonce)) return { refused: 'nonce is missing or malformed' };
  const checked = readPostRecord(runDir.dir, nonce, uid);
  if ('refused' in checked) return checked;
  return { runDir: runDir.dir, record: checked.record };
}

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

/**
 * Writes the record (a new file only, 0600: never through a link nor over a
 * file already there) and returns its nonce, for the state. Web Crypto's
 * CSPRNG: it is loaded for the stop-commands token anyway, node:crypto is not.
 */
export function writePostRecord(runDir: string, record: PostRecord): string {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex');
  const fd = openSync(path.join(runDir, RECORD_FILE), 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify({ nonce, containerId: record.containerId, runsc: record.runsc, networkId: record.networkId }));
  } finally {
    closeSync(fd);
  }
  return nonce;
}

/** The record, or why it is refused. */
export type RecordCheck = { record: PostRecord } | { refused: string };

/**
 * Reads the record of `runDir` (already checked to be ours) and checks it
 * against the state's nonce: a regular file, not a link, owned by `uid`, not
 * writable by group or others, one link, small; its fields well-formed; the
 * runsc it names an absolute path to a regular file.
 */
export function readPostRecord(runDir: string, nonce: string, uid: number): RecordCheck {
  const file = path.join(runDir, RECORD_FILE);
  let fd: number;
  try {
    // O_NOFOLLOW: a link is refused, not followed; O_NONBLOCK: a FIFO planted here cannot hang the step.
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { refused: code === 'ELOOP' ? `${RECORD_FILE} is a symbolic link` : `${RECORD_FILE} cannot be opened (${code})` };
  }
  let text: string;
  try {
    // Checked on the open file: what is checked is what is read.
    const st = fstatSync(fd);
    if (!st.isFile()) return { refused: `${RECORD_FILE} is not a regular file` };
    if (st.uid !== uid) return { refused: `${RECORD_FILE} is owned by uid ${st.uid}, not ${uid}` };
    if (st.mode & 0o022) return { refused: `${RECORD_FILE} is writable by group or others` };
    if (st.nlink !== 1) return { refused: `${RECORD_FILE} has ${st.nlink} hard links` };
    if (st.size > MAX_RECORD_BYTES) return { refused: `${RECORD_FILE} is larger than ${MAX_RECORD_BYTES} bytes` };
    const buf = Buffer.alloc(MAX_RECORD_BYTES + 1);
    const n = readSync(fd, buf, 0, buf.length, 0);
    text = buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { refused: `${RECORD_FILE} is not JSON` };
  }
  if (typeof parsed !== 'object' || parsed === null) return { refused: `${RECORD_FILE} is not a JSON object` };
  const { nonce: recorded, containerId, runsc, networkId } = parsed;
  if (typeof recorded !== 'string' || !NONCE.test(recorded)) return { refused: `${RECORD_FILE}: nonce is malformed` };
  if (recorded !== nonce) return { refused: `the state's nonce is not the one in ${RECORD_FILE}` };
  if (typeof containerId !== 'string' || !CONTAINER_ID.test(containerId)) {
    return { refused: `${RECORD_FILE}: containerId is not a container id` };
  }
  if (typeof runsc !== 'string' || !path.isAbsolute(runsc) || path.resolve(runsc) !== runsc) {
    return { refused: `${RECORD_FILE}: runsc is not an absolute, normalized path` };
  }
  if (!statSync(runsc, { throwIfNoEntry: false })?.isFile()) return { refused: `${RECORD_FILE}: runsc is not a regular file` };
  // containerIdFor ends every id with the run directory's own suffix: the cgroups the post step may
  // remove are named by it, outside the run directory, so an id of another run's (or none) is refused.
  if (!containerId.endsWith(`-${runDirUnique(runDir)}`)) return { refused: `${RECORD_FILE}: containerId is not this run's` };
  // The network's names are made from the run directory's suffix (run/cell.ts): anything else is not this run's.
  if (networkId !== undefined && networkId !== runDirUnique(runDir)) return { refused: `${RECORD_FILE}: networkId is not this run's` };
  return { record: { containerId, runsc, ...(networkId !== undefined ? { networkId } : {}) } };
}
