/**
 * The cell's process: its argv, environment, working directory, user and
 * capabilities; and, with `collect`, the split into an init that only waits
 * and the work run beside it, so the paths can be read out afterwards.
 */
import path from 'node:path';
import type { Cell } from '../cell/schema.js';
import { buildEnv } from './env.js';
import type { HostFacts } from './host.js';
import type { HostPathCheck } from './mounts.js';
import type { OciSpec } from './oci.js';

export type OciProcess = OciSpec['process'];

/** The ids the cell runs as: the action's own, or 0 inside the cell only. */
export interface CellUser {
  uid: number;
  gid: number;
}

export function cellUser(cell: Cell, host: HostFacts): CellUser {
  return cell.user === 'root' ? { uid: 0, gid: 0 } : { uid: host.uid, gid: host.gid };
}

/** Docker's default set: enough for package managers run as root, nothing that reaches the host. */
export const ROOT_CAPABILITIES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_RAW',
  'CAP_SYS_CHROOT',
  'CAP_MKNOD',
  'CAP_AUDIT_WRITE',
  'CAP_SETFCAP',
];

export function processArgs(cell: Cell): string[] {
  if (cell.command !== undefined) return [...cell.command];
  // Like a workflow step's `run:` (the runner's own defaults for bash and sh).
  return cell.shell === 'sh' ? ['sh', '-e', '-c', cell.run] : ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c', cell.run];
}

export interface CellProcess {
  process: OciProcess;
  /** pass-env names that were not set, to warn about. */
  missingEnv: string[];
  /** The working directory, when it is in the workspace and must exist there. */
  hostPaths: HostPathCheck[];
}

export function cellProcess(cell: Cell, host: HostFacts, user: CellUser): CellProcess {
  const base = cell.workspace === 'none' ? host.home : host.workspace;
  // An image's WorkingDir where the document names no directory at all (no workspace, no working-directory).
  const imageDir = cell.workspace === 'none' && cell['working-directory'] === undefined ? host.image?.workingDir : undefined;
  const cwd = imageDir && path.posix.isAbsolute(imageDir) ? imageDir : path.posix.join(base, cell['working-directory'] ?? '.');
  const hostPaths: HostPathCheck[] =
    cell.workspace !== 'none' && cell['working-directory'] !== undefined ? [{ key: 'working-directory', path: cwd, dir: true }] : [];
  const env = buildEnv({
    hostEnv: host.env,
    home: host.home,
    imageEnv: host.image?.env ?? [],
    passEnv: cell['pass-env'] ?? [],
    env: cell.env ?? {},
  });
  const proc: OciProcess = {
    terminal: false,
    user: { uid: user.uid, gid: user.gid },
    args: processArgs(cell),
    env: env.entries,
    cwd,
    ...(user.uid === 0
      ? { capabilities: { bounding: ROOT_CAPABILITIES, effective: ROOT_CAPABILITIES, permitted: ROOT_CAPABILITIES } }
      : {}),
    noNewPrivileges: true,
  };
  return { process: proc, missingEnv: env.missing, hostPaths };
}

/** The init of a container whose work runs through `runsc exec` (so it outlives that work). */
const WAIT_FOREVER = ['sleep', 'infinity'];

export interface CollectProcesses {
  /** The container's init, in place of the cell's process. */
  init: OciProcess;
  /** The cell's own process, run with `runsc exec`. */
  process: OciProcess;
  /** Reads the paths back out of the cell's workspace as a tar stream. */
  tar: OciProcess;
  paths: string[];
}

/**
 * With `collect`: the cell's own process, run with `runsc exec` in a container
 * whose init only waits, so that the container outlives it and the listed
 * paths can be read out of the cell's view afterwards.
 */
export function collectProcesses(cell: Cell, work: OciProcess, workspace: string): CollectProcesses | undefined {
  if (!cell.collect?.length) return undefined;
  return {
    init: { ...work, args: WAIT_FOREVER },
    process: work,
    // Read back from the workspace, links archived as links (never followed), missing paths only warned of.
    // The runner's tar is GNU tar; a prepared root's or an image's may be busybox's, which has no
    // --ignore-failed-read (an unreadable file then fails the collect instead of being skipped).
    tar: {
      ...work,
      cwd: workspace,
      args: ['tar', '-cf', '-', ...(cell.rootfs === 'host' ? ['--ignore-failed-read'] : []), '--', ...cell.collect],
    },
    paths: cell.collect,
  };
}
