/**
 * Cell + host facts → the OCI bundle and the runsc flags, as plain data.
 * Nothing here touches the disk: what the cell will see can be read (and
 * tested) from the returned value alone. The parts are built in their own
 * modules (host-view, mounts, process, resources); this file puts them
 * together and chooses runsc's flags. A document the schema accepted is
 * refused here only for what the host cannot do (resources.ts).
 */
import { type Cell, DEFAULT_BOUNDS, hostnameFor } from '../cell/schema.js';
import type { HostFacts } from './host.js';
import { rootView } from './host-view.js';
import { type HostPathCheck, userMounts, workspaceMounts } from './mounts.js';
import type { OciMount, OciSpec } from './oci.js';
import type { BundlePaths } from './paths.js';
import { cellProcess, cellUser, collectProcesses } from './process.js';
import { linuxResources, type Resources } from './resources.js';

export type { OciMount, OciSpec } from './oci.js';
export type { BundlePaths } from './paths.js';

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
  hostPaths: HostPathCheck[];
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

/** What gVisor provides itself: never the host's. Fresh each time: later stages rewrite mounts in place (run/readonly.ts). */
function kernelMounts(): OciMount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['ro', 'nosuid', 'nodev', 'noexec'] },
  ];
}

export function buildBundle(cell: Cell, host: HostFacts, paths: BundlePaths): Bundle {
  const user = cellUser(cell, host);
  const view = rootView(cell, host, paths, user, cell.limits?.tmpfs ?? DEFAULT_BOUNDS.tmpfs);
  const workspace = workspaceMounts(cell, host, paths);
  const extra = userMounts(cell, host);
  const resources = linuxResources(cell.limits ?? {}, host);
  const work = cellProcess(cell, host, user);
  const collect = collectProcesses(cell, work.process, host.workspace);

  const namespaces = ['pid', 'ipc', 'uts', 'mount', ...(cell.network === 'host' ? [] : ['network'])].map((type) => ({ type }));
  const spec: OciSpec = {
    ociVersion: '1.0.2',
    process: collect ? collect.init : work.process,
    // Never written to: it is either our skeleton or the user's prepared tree, and runsc overlays it in memory.
    root: { path: view.root, readonly: false },
    hostname: cell.hostname ?? hostnameFor(cell.name),
    // Parents before children: a tmpfs HOME must be in place before the workspace inside it.
    mounts: sortByDepth([...kernelMounts(), ...view.mounts, ...workspace.mounts, ...extra.mounts]),
    linux: { namespaces, ...(resources ? { resources } : {}) },
  };
  return {
    spec,
    flags: runscFlags(cell, resources),
    links: view.links,
    missingEnv: work.missingEnv,
    hostPaths: [...view.hostPaths, ...workspace.hostPaths, ...extra.hostPaths, ...work.hostPaths],
    files: workspace.files,
    notes: workspace.notes,
    warnings: workspace.warnings,
    collect: collect && { process: collect.process, tar: collect.tar, paths: collect.paths },
  };
}

/** runsc's global flags that belong to this cell. */
function runscFlags(cell: Cell, resources: Resources | undefined): string[] {
  // Overlay-mode binds are what `--overlay2=all:` wraps; plain writable binds need `root:` only
  // (the schema refuses a cell that mixes them).
  const overlays = cell.workspace === 'overlay' || (cell.mounts ?? []).some((m) => m.mode === 'overlay');
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
  if (!resources) flags.push('--ignore-cgroups');
  return flags;
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
