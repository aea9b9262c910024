/**
 * Puts a built bundle on disk, in the run's private directory, after checking
 * that every host path the document names exists. Nothing of the user's is
 * written: the skeleton rootfs, the mask file and config.json are ours.
 *
 * Synchronous on purpose: a few dozen tiny calls on the way to `runsc run`,
 * with nothing else for the step to do meanwhile; promises would add a thread
 * pool round trip to each (its cost: README, Performance).
 */
import { lstatSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { targetKind } from '../fs-kind.js';
import { isInside } from './host.js';
import type { OciMount, OciSpec } from './oci.js';
import type { BundlePaths } from './paths.js';
import type { Bundle } from './spec.js';

function realpathOr(p: string, fallback: string): string {
  try {
    return realpathSync(p);
  } catch {
    return fallback;
  }
}

/**
 * Every host path the document names must exist (and be a directory where it
 * must). Errors name the key. A workspace-relative bind source is resolved
 * here, once: the workspace holds the code under test, which may have made
 * `.cache` a link to `/`; runsc would follow it on the host. The resolved
 * path must stay inside the (resolved) workspace, and it is what the returned
 * bundle binds, so nothing is followed later: the bundle returned is the one
 * to run, the one given is left as it was.
 */
export function checkHostPaths(bundle: Bundle, workspace: string): Bundle {
  const realWorkspace = realpathOr(workspace, workspace);
  const resolved = new Map<string, string>();
  for (const s of bundle.hostPaths) {
    const kind = targetKind(s.path);
    if (!kind) throw new Error(`${s.key}: ${s.path} does not exist on the runner`);
    if (s.dir && kind !== 'dir') throw new Error(`${s.key}: ${s.path} is not a directory`);
    if (!s.relative) continue;
    const real = realpathSync(s.path);
    if (!isInside(real, realWorkspace)) {
      throw new Error(`${s.key}: ${s.path} leads outside the workspace (through a symbolic link, to ${real}); refused`);
    }
    resolved.set(s.path, real);
  }
  const spec: OciSpec = {
    ...bundle.spec,
    root: { ...bundle.spec.root, path: resolved.get(bundle.spec.root.path) ?? bundle.spec.root.path },
    mounts: bundle.spec.mounts.map((m) => {
      const real = m.type === 'bind' ? resolved.get(m.source) : undefined;
      return real === undefined ? m : { ...m, source: real };
    }),
  };
  if (spec.root.path !== 'rootfs') checkMountPoints(spec.root.path, mountPoints(spec));
  return { ...bundle, spec };
}

/**
 * A prepared root filesystem is never written to. runsc, though, creates the
 * mount point of every bind mount that is missing from it, on the host, as
 * root — so each must exist already (those inside another bind mount are
 * that mount's business); fail closed and say which.
 */
function checkMountPoints(root: string, mounts: readonly OciMount[]): void {
  const missing: string[] = [];
  for (const m of mounts) {
    if (m.type !== 'bind') continue;
    const at = path.join(root, m.destination);
    if (!lstatSync(at, { throwIfNoEntry: false })) missing.push(m.destination);
  }
  if (missing.length > 0) {
    throw new Error(
      `rootfs.path: ${root} lacks the mount points ${missing.join(', ')}; create them in it (runsc would otherwise create them there, and a prepared root filesystem is never written to)`,
    );
  }
}

function isBelow(child: string, parent: string): boolean {
  return child !== parent && (parent === '/' || child.startsWith(`${parent}/`));
}

/**
 * The mount points runsc needs in the skeleton: every mount's destination that
 * no bind mount of the host covers. Made here, as the action's user, because
 * runsc (as root) would otherwise create them itself, root-owned, and a
 * non-root action could not remove its own run directory afterwards.
 */
export function mountPoints(spec: OciSpec): OciMount[] {
  const binds = spec.mounts.filter((m) => m.type === 'bind').map((m) => m.destination);
  return spec.mounts.filter((m) => !binds.some((b) => isBelow(m.destination, b)));
}

function makeSkeleton(rootfs: string, bundle: Bundle): void {
  mkdirSync(rootfs, { mode: 0o755 });
  for (const [name, target] of bundle.links) symlinkSync(target, path.join(rootfs, name));
  // system: overlay: the directories bound into the root (readonly.ts) need their mount points, and /var its own.
  const staged = bundle.rootStage;
  for (const dir of [...(staged?.binds ?? []), ...(staged?.dirs ?? [])])
    mkdirSync(path.join(rootfs, dir), { recursive: true, mode: 0o755 });
  for (const [name, target] of staged?.links ?? []) symlinkSync(target, path.join(rootfs, name));
  // Parents come first (the mounts are sorted), and nested ones share them. What lies in a staged directory is
  // the runner's (its mount point there exists, or runsc makes it in the in-memory overlay).
  for (const m of mountPoints(bundle.spec)) {
    if (staged?.binds.some((b) => isBelow(m.destination, b))) continue;
    const at = path.join(rootfs, m.destination);
    const source = m.type === 'bind' ? targetKind(m.source) : undefined;
    if (source === 'file' || source === 'other') {
      mkdirSync(path.dirname(at), { recursive: true, mode: 0o755 });
      writeFileSync(at, '', { flag: 'a' });
    } else {
      mkdirSync(at, { recursive: true, mode: 0o755 });
    }
  }
}

/** Everything of the bundle but config.json: our files (the mask, git config copies) and the skeleton rootfs. */
export function writeBundleFiles(bundle: Bundle, paths: BundlePaths): void {
  mkdirSync(paths.dir, { recursive: true });
  writeFileSync(paths.emptyFile, '', { mode: 0o444 });
  for (const file of bundle.files) writeFileSync(file.path, file.content, { mode: file.mode ?? 0o644 });
  const rootfs = path.join(paths.dir, 'rootfs');
  if (bundle.image) {
    // Only the places the image is laid out at (readonly.ts): runsc makes the mount points in its upper layer.
    mkdirSync(rootfs, { mode: 0o755 });
    mkdirSync(`${rootfs}.upper`, { mode: 0o700 });
  } else if (bundle.spec.root.path === 'rootfs') makeSkeleton(rootfs, bundle);
}

/** config.json, from the spec as it is now; returns its path. */
export function writeConfig(spec: OciSpec, paths: BundlePaths): string {
  const config = path.join(paths.dir, 'config.json');
  writeFileSync(config, JSON.stringify(spec, null, 2));
  return config;
}

export function writeBundle(bundle: Bundle, paths: BundlePaths): string {
  writeBundleFiles(bundle, paths);
  return writeConfig(bundle.spec, paths);
}
