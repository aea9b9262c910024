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
import { BROKER_PATH, SUDO_DIR, SUDO_PATH } from './sudo.js';

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
  /** With `system: overlay`: what goes into the skeleton root itself. */
  rootStage?: RootStage;
  /** With `rootfs: { image }`: the unpacked image, never written, laid under the skeleton's place. */
  image?: string;
}

/**
 * With `system: overlay`, the runner's system directories are not mounted in
 * the sandbox: they are bound read-only, by the host kernel, into the
 * skeleton root (run/readonly.ts, in runsc's private mount namespace), and so
 * are part of the root runsc overlays in memory. The cell may change them;
 * the runner's files never change. Paths are the cell's.
 */
export interface RootStage {
  /** Host directories bound at the same path in the root. */
  binds: string[];
  /** Files masked with the empty file, and directories with an empty tmpfs, on the host side. */
  maskFiles: string[];
  maskDirs: string[];
  /** Empty directories of the skeleton (the package tools' logs and caches) and its links (/var/run → /run). */
  dirs: string[];
  links: [string, string][];
}

/** The skeleton's /var beside the package state: where dpkg and apt log and cache (in memory); and root's HOME for sudo. */
const VAR_DIRS = ['/var/log/apt', '/var/lib', '/var/cache', '/var/spool', '/var/backups', '/var/local', '/var/opt', '/var/mail', '/root'];
const VAR_LINKS: [string, string][] = [
  ['var/run', '/run'],
  ['var/lock', '/run/lock'],
];

/**
 * `system: overlay`: the same view, with the system directories (and the
 * package state of /var) staged into the root rather than mounted, and sudo.
 */
function overlayView(
  host: HostFacts,
  paths: BundlePaths,
  user: CellUser,
  size: number,
  egress: boolean,
): { mounts: OciMount[]; links: [string, string][]; rootStage: RootStage } {
  const { dirs, links } = systemDirs(host);
  const binds = [...dirs, ...host.systemVar];
  const maskDirs = [...host.maskedDirs, ...host.runnerDirs.filter((dir) => binds.some((b) => isInside(dir, b)))];
  const mounts = [
    ...toolCacheMount(host, binds),
    ...scratchAndResolver(host, paths, user, size, egress),
    // Our sudo over the runner's, and the helper it talks to (bundle/sudo.ts).
    bind(SUDO_PATH, paths.sudo, RO),
    bind(BROKER_PATH, paths.sudoBroker, RO),
    tmpfs(SUDO_DIR, ['mode=0711', 'size=4k']),
  ];
  return {
    mounts,
    links,
    rootStage: { binds, maskFiles: [...host.maskedFiles], maskDirs, dirs: VAR_DIRS, links: VAR_LINKS },
  };
}

/** The runner's system directories the cell sees (/usr, /etc, /opt, top-level ones that are directories), and its top-level links. */
function systemDirs(host: HostFacts): { dirs: string[]; links: [string, string][] } {
  const dirs = ['/usr', '/etc', ...(host.hasOpt ? ['/opt'] : [])];
  const links: [string, string][] = [];
  for (const entry of host.rootLinks) {
    if (entry.kind === 'symlink') links.push([entry.name, entry.target]);
    else dirs.push(`/${entry.name}`);
  }
  return { dirs, links };
}

/** The tool cache, read-only, unless one of `shown` shows it already. */
function toolCacheMount(host: HostFacts, shown: readonly string[]): OciMount[] {
  const cache = host.toolCache;
  return cache && !shown.some((d) => isInside(cache, d)) ? [bind(cache, cache, RO)] : [];
}

/**
 * Every view's scratch directories, and its resolv.conf: the runner's one
 * file read-only (the rest of the host's /run, sockets and credentials, stays
 * out), or with network.allow the cell's own files (bundle/egress.ts).
 */
function scratchAndResolver(host: HostFacts, paths: BundlePaths, user: CellUser, size: number, egress: boolean): OciMount[] {
  if (egress) return [...scratchMounts(host, user, size), ...egressMounts(host, paths)];
  return [...scratchMounts(host, user, size), ...(host.resolvConf ? [bind(host.resolvConf, host.resolvConf, RO)] : [])];
}

/** The cell's writable scratch directories: /tmp, /var/tmp, /run and HOME, each a tmpfs. */
function scratchMounts(host: HostFacts, user: CellUser, size: number): OciMount[] {
  return [
    scratch('/tmp', size, ['mode=1777']),
    scratch('/var/tmp', size, ['mode=1777']),
    scratch('/run', Math.min(size, RUN_TMPFS_MAX), ['mode=0755']),
    scratch(host.home, size, ['mode=0700', `uid=${user.uid}`, `gid=${user.gid}`]),
  ];
}

/** The allow-listed view of the runner for `rootfs: host`. */
function hostView(
  host: HostFacts,
  paths: BundlePaths,
  user: CellUser,
  size: number,
  egress: boolean,
): { mounts: OciMount[]; links: [string, string][] } {
  const { dirs, links } = systemDirs(host);
  const mounts: OciMount[] = [...dirs.map((d) => bind(d, d, RO)), ...toolCacheMount(host, dirs)];
  // The runner's own directories never show through a bound tree (a self-hosted runner in /opt, say).
  for (const dir of host.runnerDirs) {
    if (dirs.some((b) => isInside(dir, b))) mounts.push(tmpfs(dir, ['ro', 'mode=0755', 'size=4k']));
  }
  for (const file of host.maskedFiles) mounts.push(bind(file, paths.emptyFile, RO));
  for (const dir of host.maskedDirs) mounts.push(tmpfs(dir, ['ro', 'mode=0755', 'size=4k']));
  mounts.push(...scratchAndResolver(host, paths, user, size, egress));
  return { mounts, links };
}

export function rootView(cell: Cell, host: HostFacts, paths: BundlePaths, user: CellUser, scratchSize: number): RootView {
  const egress = typeof cell.network === 'object';
  if (cell.rootfs === 'host' && cell.system === 'overlay') {
    return { root: 'rootfs', ...overlayView(host, paths, user, scratchSize, egress), hostPaths: [] };
  }
  if (cell.rootfs === 'host') return { root: 'rootfs', ...hostView(host, paths, user, scratchSize, egress), hostPaths: [] };
  const ownScratch = [
    scratch('/tmp', scratchSize, ['mode=1777']),
    scratch(host.home, scratchSize, ['mode=0700', `uid=${user.uid}`, `gid=${user.gid}`]),
    ...(egress ? egressMounts(undefined, paths) : []),
  ];
  if (cell.rootfs.image !== undefined) {
    if (!host.image) throw new Error(`rootfs.image: ${cell.rootfs.image} was not pulled before the cell was planned`);
    // The skeleton's place: the image's tree goes over it, with an upper layer of the namespace's own (run/readonly.ts).
    return { root: 'rootfs', mounts: ownScratch, links: [], hostPaths: [], image: host.image.root };
  }
  const root = hostPath(cell.rootfs.path ?? '', host.workspace);
  return {
    root,
    mounts: ownScratch,
    links: [],
    hostPaths: [{ key: 'rootfs.path', path: root, dir: true, relative: !path.isAbsolute(cell.rootfs.path ?? '') }],
  };
}
