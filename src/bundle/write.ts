/**
 * Puts a built bundle on disk, in the run's private directory, after checking
 * that every host path the document names exists. Nothing of the user's is
 * written: the skeleton rootfs, the mask file and config.json are ours.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Bundle, BundlePaths } from './spec.js';

export function bundlePaths(runDir: string): BundlePaths {
  return { dir: path.join(runDir, 'bundle'), emptyFile: path.join(runDir, 'empty') };
}

async function kindOf(p: string): Promise<'dir' | 'file' | undefined> {
  const s = await fs.stat(p).catch(() => undefined);
  return s ? (s.isDirectory() ? 'dir' : 'file') : undefined;
}

/** Every host path the document names must exist (and be a directory where it must). Errors name the key. */
export async function checkHostPaths(bundle: Bundle): Promise<void> {
  for (const s of bundle.hostPaths) {
    const kind = await kindOf(s.path);
    if (!kind) throw new Error(`${s.key}: ${s.path} does not exist on the runner`);
    if (s.dir && kind !== 'dir') throw new Error(`${s.key}: ${s.path} is not a directory`);
  }
}

export async function writeBundle(bundle: Bundle, paths: BundlePaths): Promise<string> {
  await fs.mkdir(paths.dir, { recursive: true });
  await fs.writeFile(paths.emptyFile, '', { mode: 0o444 });
  if (bundle.spec.root.path === 'rootfs') {
    const rootfs = path.join(paths.dir, 'rootfs');
    await fs.mkdir(rootfs, { mode: 0o755 });
    await Promise.all([
      ...bundle.dirs.map((d) => fs.mkdir(path.join(rootfs, d), { recursive: true, mode: 0o755 })),
      ...bundle.links.map(([name, target]) => fs.symlink(target, path.join(rootfs, name))),
    ]);
  }
  const config = path.join(paths.dir, 'config.json');
  await fs.writeFile(config, JSON.stringify(bundle.spec, null, 2));
  return config;
}
