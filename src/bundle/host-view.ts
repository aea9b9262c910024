/**
 * The cell's root: with `rootfs: host` an allow-listed, read-only view of the
 * runner over an empty skeleton (masked secrets, the runner's own directories
 * hidden, fresh scratch directories); with `rootfs: { path }` the prepared
 * tree and only the scratch directories a program needs. What the cell sees
 * of the runner is decided here and nowhere else.
 */
import path from 'node:path';
import type { Cell } from '../cell/schema.js';
import { egressMounts } from './egress.js';
import { type HostFacts, isInside } from './host.js';
import { type HostPathCheck, hostPath } from './mounts.js';
import { bind, type OciMount, RO, scratch, tmpfs } from './oci.js';
import type { BundlePaths } from './paths.js';
import type { CellUser } from './process.js';

/**
 * /run holds pid files, locks and sockets, not data: it gets at most this
 * much whatever `limits.tmpfs` says (less when that is smaller).
 */
export const RUN_TMPFS_MAX = 64 * 2 ** 20;

export interface RootView {
  /** config.json's root.path: our skeleton (`rootfs`, inside the bundle) or the prepared tree. */
  root: string;
  mounts: OciMount[];
  /** For `rootfs: host`: top-level symlinks to create in the skeleton (name → target). */
  links: [string, string][];
  /** The prepared tree, to check on the host before the run. */
  hostPaths: HostPathCheck[];
}

/** The allow-listed view of the runner for `rootfs: host`. */
function hostView(
  host: HostFacts,
  paths: BundlePaths,
  user: CellUser,
  size: number,
  egress: boolean,
): { mounts: OciMount[]; links: [string, string][] } {
  const mounts: OciMount[] = [bind('/usr', '/usr', RO), bind('/etc', '/etc', RO)];
  if (host.hasOpt) mounts.push(bind('/opt', '/opt', RO));
  const covered = ['/usr', '/etc', '/opt'];
  if (host.toolCache && !covered.some((c) => isInside(host.toolCache as string, c))) {
    mounts.push(bind(host.toolCache, host.toolCache, RO));
  }
  const links: [string, string][] = [];
  for (const entry of host.rootLinks) {
    if (entry.kind === 'symlink') links.push([entry.name, entry.target]);
    else mounts.push(bind(`/${entry.name}`, `/${entry.name}`, RO));
  }
  // The runner's own directories never show through a bound tree (a self-hosted runner in /opt, say).
  const bound = mounts.map((m) => m.destination);
  for (const dir of host.runnerDirs) {
    if (bound.some((b) => isInside(dir, b))) mounts.push(tmpfs(dir, ['ro', 'mode=0755', 'size=4k']));
  }
  for (const file of host.maskedFiles) mounts.push(bind(file, paths.emptyFile, RO));
  for (const dir of host.maskedDirs) mounts.push(tmpfs(dir, ['ro', 'mode=0755', 'size=4k']));
  mounts.push(
    scratch('/tmp', size, ['mode=1777']),
    scratch('/var/tmp', size, ['mode=1777']),
    scratch('/run', Math.min(size, RUN_TMPFS_MAX), ['mode=0755']),
    scratch(host.home, size, ['mode=0700', `uid=${user.uid}`, `gid=${user.gid}`]),
  );
  // Only the one file, read-only: the rest of the host's /run (sockets, credentials) stays out.
  // With network.allow the cell's own files take the place of the runner's (bundle/egress.ts).
  if (egress) mounts.push(...egressMounts(host, paths));
  else if (host.resolvConf) mounts.push(bind(host.resolvConf, host.resolvConf, RO));
  return { mounts, links };
}

export function rootView(cell: Cell, host: HostFacts, paths: BundlePaths, user: CellUser, scratchSize: number): RootView {
  const egress = typeof cell.network === 'object';
  if (cell.rootfs === 'host') return { root: 'rootfs', ...hostView(host, paths, user, scratchSize, egress), hostPaths: [] };
  const root = hostPath(cell.rootfs.path, host.workspace);
  return {
    root,
    mounts: [
      scratch('/tmp', scratchSize, ['mode=1777']),
      scratch(host.home, scratchSize, ['mode=0700', `uid=${user.uid}`, `gid=${user.gid}`]),
      ...(egress ? egressMounts(undefined, paths) : []),
    ],
    links: [],
    hostPaths: [{ key: 'rootfs.path', path: root, dir: true, relative: !path.isAbsolute(cell.rootfs.path) }],
  };
}
