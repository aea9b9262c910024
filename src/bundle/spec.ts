/**
 * Cell + host facts → the OCI bundle and the sandbox it needs, as plain data.
 * Nothing here touches the disk: what the cell will see can be read (and
 * tested) from the returned value alone. The parts are built in their own
 * modules (host-view, mounts, process, resources); this file puts them
 * together and says what the sandbox must be (run/runsc.ts turns that into
 * runsc's flags). A document the schema accepted is
 * refused here only for what the host cannot do (resources.ts).
 */
import { type Cell, DEFAULT_BOUNDS, hostnameFor } from '../cell/schema.js';
import { egressFiles } from './egress.js';
import type { HostFacts, SudoTools } from './host.js';
import { type RootStage, rootView } from './host-view.js';
import { type HostPathCheck, userMounts, workspaceMounts } from './mounts.js';
import type { OciMount, OciSpec } from './oci.js';
import type { BundlePaths } from './paths.js';
import { cellProcess, cellUser, collectProcesses, ROOT_CAPABILITIES } from './process.js';
import { linuxResources, type Resources } from './resources.js';
import { BROKER, SUDO, throughBroker } from './sudo.js';

export type { OciMount, OciSpec } from './oci.js';
export type { BundlePaths } from './paths.js';

/** What the sandbox must be for this cell beyond config.json; run/runsc.ts builds runsc's flags from it. */
export interface SandboxShape {
  /**
   * `none`: loopback only; `host`: the runner's network; `sandbox`: gVisor's
   * own network stack in a namespace the action makes (network.allow).
   */
  network: 'none' | 'host' | 'sandbox';
  /**
   * What runsc overlays in memory: the root filesystem only (`root`), or
   * every writable bind as well (`all`), which is how `overlay` mode works.
   */
  overlay: 'all' | 'root';
  /** Whether the cell's resource limits need the sandbox's cgroups. */
  cgroups: boolean;
}

export interface Bundle {
  spec: OciSpec;
  sandbox: SandboxShape;
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
  /** Files of ours the bundle mounts, to write with it (0644 unless `mode` says otherwise). */
  files: { path: string; content: string; mode?: number }[];
  /** With `system: overlay`: what is bound into the skeleton root itself (host-view.ts). */
  rootStage: RootStage | undefined;
  /** With `rootfs: { image }`: the unpacked image (host-view.ts), laid under the skeleton's place (run/readonly.ts). */
  image: string | undefined;
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

/** What gVisor provides itself: never the host's. */
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
  const sudo = view.rootStage ? sudoFor(host, paths) : undefined;
  // With system: overlay the cell starts as root, in the helper that serves sudo (bundle/sudo.ts).
  const init = collect ? collect.init : work.process;
  const cellInit = sudo && user.uid !== 0 ? throughBroker(init, user, sudo.tools, ROOT_CAPABILITIES) : init;

  const namespaces = ['pid', 'ipc', 'uts', 'mount', ...(cell.network === 'host' ? [] : ['network'])].map((type) => ({ type }));
  const spec: OciSpec = {
    ociVersion: '1.0.2',
    process: cellInit,
    // Never written to: it is either our skeleton or the user's prepared tree, and runsc overlays it in memory.
    root: { path: view.root, readonly: false },
    hostname: cell.hostname ?? hostnameFor(cell.name),
    // Parents before children: a tmpfs HOME must be in place before the workspace inside it.
    mounts: sortByDepth([...kernelMounts(), ...view.mounts, ...workspace.mounts, ...extra.mounts]),
    linux: { namespaces, ...(resources ? { resources } : {}) },
  };
  return {
    spec,
    sandbox: sandboxShape(cell, resources),
    links: view.links,
    missingEnv: work.missingEnv,
    hostPaths: [...view.hostPaths, ...workspace.hostPaths, ...extra.hostPaths, ...work.hostPaths],
    files: [...workspace.files, ...(typeof cell.network === 'object' ? egressFiles(paths, spec.hostname) : []), ...(sudo?.files ?? [])],
    rootStage: view.rootStage,
    image: view.image,
    notes: workspace.notes,
    warnings: workspace.warnings,
    collect: collect && { process: collect.process, tar: collect.tar, paths: collect.paths },
  };
}

/** sudo's two files, and what the helper runs with; `system: overlay` needs bash and setpriv on the runner. */
function sudoFor(host: HostFacts, paths: BundlePaths): { tools: SudoTools; files: Bundle['files'] } {
  if (!host.sudoTools) {
    throw new Error(
      'system: overlay needs bash and setpriv (util-linux) on the runner, for sudo in the cell; install them, or drop system',
    );
  }
  return {
    tools: host.sudoTools,
    files: [
      { path: paths.sudoBroker, content: BROKER },
      { path: paths.sudo, content: SUDO, mode: 0o755 },
    ],
  };
}

function sandboxShape(cell: Cell, resources: Resources | undefined): SandboxShape {
  // Overlay-mode binds are what `--overlay2=all:` wraps; plain writable binds need `root:` only
  // (the schema refuses a cell that mixes them).
  const overlays = cell.workspace === 'overlay' || (cell.mounts ?? []).some((m) => m.mode === 'overlay');
  const network = typeof cell.network === 'object' ? 'sandbox' : cell.network;
  return { network, overlay: overlays ? 'all' : 'root', cgroups: resources !== undefined };
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
