/**
 * What the document binds of the host into the cell: the workspace (with the
 * scrubbed copies of its git configs on top) and the user's own `mounts`.
 * Each host path is listed for checking before the run (write.ts), since a
 * relative one may have been made a link by the code under test.
 */
import path from 'node:path';
import type { Cell } from '../cell/schema.js';
import type { HostFacts } from './host.js';
import { bind, type OciMount, RO, RW } from './oci.js';
import type { BundlePaths } from './paths.js';

/**
 * A host path the document names, to check on the host before anything
 * starts. `relative` ones were given relative to the workspace: they are
 * resolved then and must stay inside it.
 */
export interface HostPathCheck {
  key: string;
  path: string;
  dir: boolean;
  relative?: boolean;
}

/**
 * A host path from the document (a mount source, a prepared rootfs): absolute
 * as is, otherwise in the workspace. The schema has refused a relative one
 * that climbs out of it (`../x`); links that lead out are refused on the host.
 */
export function hostPath(p: string, workspace: string): string {
  return path.isAbsolute(p) ? path.normalize(p) : path.resolve(workspace, p);
}

export interface BoundPaths {
  mounts: OciMount[];
  hostPaths: HostPathCheck[];
  /** Files of ours to write with the bundle (the git config copies). */
  files: { path: string; content: string }[];
  notes: string[];
  warnings: string[];
}

/** The workspace at its host path, as `workspace` says, with its git configs shown without checkout credentials. */
export function workspaceMounts(cell: Cell, host: HostFacts, paths: BundlePaths): BoundPaths {
  const out: BoundPaths = { mounts: [], hostPaths: [], files: [], notes: [], warnings: [] };
  if (cell.workspace === 'none') return out;
  const options = cell.workspace === 'read-only' ? RO : RW;
  out.hostPaths.push({ key: 'workspace', path: host.workspace, dir: true });
  out.mounts.push(bind(host.workspace, host.workspace, options));
  if (cell.workspace === 'read-write') {
    out.warnings.push(
      'workspace: read-write lets the cell change the workspace on the runner; treat it as untrusted in later steps (do not run its scripts or build it with secrets).',
    );
  }
  for (const [i, config] of host.gitConfigs.entries()) {
    const copy = `${paths.gitConfig}-${i}`;
    out.files.push({ path: copy, content: config.scrubbed.text });
    out.mounts.push(bind(config.path, copy, options));
    out.notes.push(
      `The cell sees ${path.relative(host.workspace, config.path)} without the checkout credentials it holds (${[...new Set(config.scrubbed.removed)].join(', ')}); ` +
        'use persist-credentials: false with actions/checkout to keep them off the runner altogether.',
    );
  }
  return out;
}

/** The document's `mounts`: overlay and read-write ones are both writable binds (runsc's --overlay2 tells them apart). */
export function userMounts(cell: Cell, host: HostFacts): Pick<BoundPaths, 'mounts' | 'hostPaths'> {
  const out: Pick<BoundPaths, 'mounts' | 'hostPaths'> = { mounts: [], hostPaths: [] };
  for (const [i, m] of (cell.mounts ?? []).entries()) {
    const source = hostPath(m.source, host.workspace);
    out.hostPaths.push({ key: `mounts[${i}].source`, path: source, dir: false, relative: !path.isAbsolute(m.source) });
    out.mounts.push(bind(m.target, source, m.mode === 'read-only' ? RO : RW));
  }
  return out;
}
