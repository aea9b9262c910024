/**
 * Cell + host facts → the OCI bundle and the runsc flags, as plain data.
 * Nothing here touches the disk: what the cell will see can be read (and
 * tested) from the returned value alone.
 */
import path from 'node:path';
import { type Cell, DEFAULT_BOUNDS, hostnameFor } from '../cell/schema.js';
import { buildEnv } from './env.js';
import { type HostFacts, isInside } from './host.js';

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options?: string[];
}

export interface OciSpec {
  ociVersion: string;
  process: {
    terminal: boolean;
    user: { uid: number; gid: number; additionalGids?: number[] };
    args: string[];
    env: string[];
    cwd: string;
    capabilities?: Record<'bounding' | 'effective' | 'permitted', string[]>;
    noNewPrivileges: boolean;
  };
  root: { path: string; readonly: boolean };
  hostname: string;
  mounts: OciMount[];
  linux: {
    namespaces: { type: string }[];
    resources?: {
      memory?: { limit: number; swap: number };
      cpu?: { quota: number; period: number };
      pids?: { limit: number };
    };
  };
}

/** Where the bundle lives on the host; the rootfs skeleton is made there for `rootfs: host`. */
export interface BundlePaths {
  /** The directory that will hold config.json. */
  dir: string;
  /** An empty, read-only file used to mask sensitive host files. */
  emptyFile: string;
  /** Where scrubbed copies of the workspace's git configs are written (this, with -0, -1, … appended). */
  gitConfig: string;
}

export interface Bundle {
  spec: OciSpec;
  /** runsc's global flags that belong to this cell (network, overlay). */
  flags: string[];
  /** For `rootfs: host`: top-level symlinks to create in the skeleton rootfs (name → target). */
  links: [string, string][];
  /** pass-env names that were not set, to warn about. */
  missingEnv: string[];
  /**
   * Host paths the document names, to check before anything starts. `relative`
   * ones were given relative to the workspace: code under test may have made
   * them symbolic links, so they are resolved and must stay inside it.
   */
  hostPaths: { key: string; path: string; dir: boolean; relative?: boolean }[];
  /** Files of ours the bundle mounts, to write with it. */
  files: { path: string; content: string }[];
  /** What the action did that the user should hear about (never secret values). */
  notes: string[];
  /** What the user asked for that weakens isolation, to say as a warning. */
  warnings: string[];
  /**
   * With `collect`: the cell's own process, run with `runsc exec` in a container
   * whose init only waits (spec.process), so that the container outlives it and
   * the listed paths can be read out of the cell's view afterwards.
   */
  collect: { process: OciSpec['process']; tar: OciSpec['process']; paths: string[] } | undefined;
}

/** The init of a container whose work runs through `runsc exec` (so it outlives that work). */
const WAIT_FOREVER = ['sleep', 'infinity'];

/** Docker's default set: enough for package managers run as root, nothing that reaches the host. */
const ROOT_CAPABILITIES = [
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

const RO = ['rbind', 'ro', 'nosuid', 'nodev'];
const RW = ['rbind', 'rw', 'nosuid', 'nodev'];
const CPU_PERIOD = 100_000;

export function processArgs(cell: Cell): string[] {
  if (cell.command) return [...cell.command];
  // Like a workflow step's `run:` (the runner's own defaults for bash and sh).
  return cell.shell === 'sh'
    ? ['sh', '-e', '-c', cell.run as string]
    : ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c', cell.run as string];
}

function bind(destination: string, source: string, options: string[]): OciMount {
  return { destination, type: 'bind', source, options };
}

function tmpfs(destination: string, options: string[]): OciMount {
  return { destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', ...options] };
}

/**
 * /run holds pid files, locks and sockets, not data: it gets at most this
 * much whatever `limits.tmpfs` says (less when that is smaller).
 */
export const RUN_TMPFS_MAX = 64 * 2 ** 20;

/**
 * The cell's writable scratch directories, each bounded by `limits.tmpfs`.
 * Without `size=` gVisor gives a tmpfs half the host's memory, and what the
 * cell writes there is the runner's memory until the sandbox ends (checked
 * with runsc 20240729: past `size=` writes fail with ENOSPC, `df` shows it).
 */
function scratch(destination: string, size: number, options: string[]): OciMount {
  return tmpfs(destination, [...options, `size=${size}`]);
}

/** The allow-listed view of the runner for `rootfs: host`. */
function hostView(
  host: HostFacts,
  paths: BundlePaths,
  uid: number,
  gid: number,
  size: number,
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
    scratch(host.home, size, ['mode=0700', `uid=${uid}`, `gid=${gid}`]),
  );
  // Only the one file, read-only: the rest of the host's /run (sockets, credentials) stays out.
  if (host.resolvConf) mounts.push(bind(host.resolvConf, host.resolvConf, RO));
  return { mounts, links };
}

/**
 * A host path from the document (a mount source, a prepared rootfs): absolute
 * as is, otherwise relative to the workspace and kept inside it. `key` names
 * the field in the error.
 */
export function hostPath(key: string, p: string, workspace: string): string {
  if (path.isAbsolute(p)) return path.normalize(p);
  const abs = path.resolve(workspace, p);
  if (!isInside(abs, workspace)) throw new Error(`${key}: ${p} is relative but leaves the workspace`);
  return abs;
}

export function buildBundle(cell: Cell, host: HostFacts, paths: BundlePaths): Bundle {
  if (cell.collect?.length && cell.workspace === 'none') {
    throw new Error('collect: there is no workspace to collect into with workspace: none');
  }
  const asRoot = cell.user === 'root';
  const uid = asRoot ? 0 : host.uid;
  const gid = asRoot ? 0 : host.gid;

  const mounts: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['ro', 'nosuid', 'nodev', 'noexec'] },
  ];
  let links: [string, string][] = [];
  const hostPaths: Bundle['hostPaths'] = [];
  let rootPath = 'rootfs';
  const scratchSize = cell.limits?.tmpfs ?? DEFAULT_BOUNDS.tmpfs;
  if (cell.rootfs === 'host') {
    const view = hostView(host, paths, uid, gid, scratchSize);
    mounts.push(...view.mounts);
    links = view.links;
  } else {
    rootPath = hostPath('rootfs.path', cell.rootfs.path, host.workspace);
    hostPaths.push({ key: 'rootfs.path', path: rootPath, dir: true, relative: !path.isAbsolute(cell.rootfs.path) });
    mounts.push(scratch('/tmp', scratchSize, ['mode=1777']), scratch(host.home, scratchSize, ['mode=0700', `uid=${uid}`, `gid=${gid}`]));
  }

  // Overlay-mode mounts are what `--overlay2=all:` wraps; plain writable binds need `root:` only.
  let overlays = false;
  let writable = false;
  if (cell.workspace !== 'none') {
    hostPaths.push({ key: 'workspace', path: host.workspace, dir: true });
    mounts.push(bind(host.workspace, host.workspace, cell.workspace === 'read-only' ? RO : RW));
    overlays ||= cell.workspace === 'overlay';
    writable ||= cell.workspace === 'read-write';
  }
  const files: Bundle['files'] = [];
  const notes: string[] = [];
  const warnings: string[] = [];
  if (cell.workspace === 'read-write') {
    warnings.push(
      'workspace: read-write lets the cell change the workspace on the runner; treat it as untrusted in later steps (do not run its scripts or build it with secrets).',
    );
  }
  if (cell.workspace !== 'none') {
    for (const [i, config] of host.gitConfigs.entries()) {
      const copy = `${paths.gitConfig}-${i}`;
      files.push({ path: copy, content: config.scrubbed.text });
      mounts.push(bind(config.path, copy, cell.workspace === 'read-only' ? RO : RW));
      notes.push(
        `The cell sees ${path.relative(host.workspace, config.path)} without the checkout credentials it holds (${[...new Set(config.scrubbed.removed)].join(', ')}); ` +
          'use persist-credentials: false with actions/checkout to keep them off the runner altogether.',
      );
    }
  }
  for (const [i, m] of (cell.mounts ?? []).entries()) {
    const source = hostPath(`mounts[${i}].source`, m.source, host.workspace);
    hostPaths.push({ key: `mounts[${i}].source`, path: source, dir: false, relative: !path.isAbsolute(m.source) });
    mounts.push(bind(m.target, source, m.mode === 'read-only' ? RO : RW));
    overlays ||= m.mode === 'overlay';
    writable ||= m.mode === 'read-write';
  }
  if (overlays && writable) {
    throw new Error(
      'workspace/mounts: overlay and read-write cannot be combined in one cell yet (runsc overlays either all writable mounts or none); make the read-write ones overlay, or the overlay ones read-write',
    );
  }

  const base = cell.workspace === 'none' ? host.home : host.workspace;
  const cwd = path.posix.join(base, cell['working-directory'] ?? '.');
  if (cell.workspace !== 'none' && cell['working-directory'] !== undefined) {
    hostPaths.push({ key: 'working-directory', path: cwd, dir: true });
  }
  const env = buildEnv({ hostEnv: host.env, home: host.home, passEnv: cell['pass-env'] ?? [], env: cell.env ?? {} });

  const limits = cell.limits ?? {};
  // A limit the host cannot enforce must not pass as enforced: refuse rather than run unlimited.
  for (const [key, controller] of [
    ['memory', 'memory'],
    ['cpus', 'cpu'],
    ['pids', 'pids'],
  ] as const) {
    if (limits[key] !== undefined && host.cgroupControllers && !host.cgroupControllers.includes(controller)) {
      throw new Error(
        `limits.${key}: this runner's cgroups have no ${controller} controller, so the limit cannot be enforced; remove it or use another runner`,
      );
    }
  }
  const resources: OciSpec['linux']['resources'] = {};
  if (limits.memory !== undefined) resources.memory = { limit: limits.memory, swap: limits.memory };
  if (limits.cpus !== undefined) resources.cpu = { quota: Math.round(limits.cpus * CPU_PERIOD), period: CPU_PERIOD };
  if (limits.pids !== undefined) resources.pids = { limit: limits.pids };

  const namespaces = ['pid', 'ipc', 'uts', 'mount', ...(cell.network === 'host' ? [] : ['network'])].map((type) => ({ type }));
  const spec: OciSpec = {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: { uid, gid },
      args: processArgs(cell),
      env: env.entries,
      cwd,
      ...(uid === 0 ? { capabilities: { bounding: ROOT_CAPABILITIES, effective: ROOT_CAPABILITIES, permitted: ROOT_CAPABILITIES } } : {}),
      noNewPrivileges: true,
    },
    // Never written to: it is either our skeleton or the user's prepared tree, and runsc overlays it in memory.
    root: { path: rootPath, readonly: false },
    hostname: cell.hostname ?? hostnameFor(cell.name),
    // Parents before children: a tmpfs HOME must be in place before the workspace inside it.
    mounts: sortByDepth(mounts),
    linux: { namespaces, ...(Object.keys(resources).length ? { resources } : {}) },
  };

  const flags = [
    `--network=${cell.network === 'host' ? 'host' : 'none'}`,
    `--overlay2=${overlays ? 'all' : 'root'}:memory`,
    // The cell is the only user of its mounts while it runs, so gVisor may cache their
    // metadata instead of revalidating it on every access: `git status` on 10,000 files
    // 0.6×, reading 5,000 files 0.86× (README, Performance). Host-side changes made to
    // a mounted path during the run may then go unseen inside the cell.
    '--file-access-mounts=exclusive',
  ];
  // Without resource limits the sandbox's cgroups enforce nothing, and runsc spends
  // about 25 ms creating, joining and removing them (measured on cgroup v1; README,
  // Performance). Limits need them, so they are kept whenever one is set.
  if (Object.keys(resources).length === 0) flags.push('--ignore-cgroups');
  let collect: Bundle['collect'];
  if (cell.collect?.length) {
    collect = {
      process: spec.process,
      // Read back from the workspace, links archived as links (never followed), missing paths only warned of.
      tar: { ...spec.process, cwd: host.workspace, args: ['tar', '-cf', '-', '--ignore-failed-read', '--', ...cell.collect] },
      paths: cell.collect,
    };
    spec.process = { ...spec.process, args: WAIT_FOREVER };
  }
  return { spec, flags, links, missingEnv: env.missing, hostPaths, files, notes, warnings, collect };
}

function depth(p: string): number {
  return p.split('/').filter(Boolean).length;
}

function sortByDepth(mounts: OciMount[]): OciMount[] {
  return mounts
    .map((m, i) => [m, i] as const)
    .sort((a, b) => depth(a[0].destination) - depth(b[0].destination) || a[1] - b[1])
    .map(([m]) => m);
}
