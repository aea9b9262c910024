/**
 * Where a bundle is put on the host: the one place its file names are chosen,
 * for a run (the action, `gvisor-cell run`) and for `gvisor-cell bundle --out`.
 */
import path from 'node:path';

export interface BundlePaths {
  /** The directory that will hold config.json (and, for `rootfs: host`, the skeleton rootfs/). */
  dir: string;
  /** An empty, read-only file used to mask sensitive host files. */
  emptyFile: string;
  /** Where scrubbed copies of the workspace's git configs are written (this, with -0, -1, … appended). */
  gitConfig: string;
  /** With `network: { allow }`: the cell's resolv.conf and hosts (bundle/egress.ts). */
  resolvConf: string;
  hosts: string;
  /** With `system: overlay`: the helper that runs sudo's commands, and our sudo (bundle/sudo.ts). */
  sudoBroker: string;
  sudo: string;
}

/**
 * `run`: DIR is a run's private directory; config.json and the skeleton go in
 * DIR/bundle, beside runsc's state and log, and our mounted files in DIR.
 * `out`: everything in DIR itself (config.json, rootfs/, empty, git-config),
 * a bundle to hand to runsc by hand.
 */
export function bundlePaths(dir: string, layout: 'run' | 'out' = 'run'): BundlePaths {
  return {
    dir: layout === 'run' ? path.join(dir, 'bundle') : dir,
    emptyFile: path.join(dir, 'empty'),
    gitConfig: path.join(dir, 'git-config'),
    resolvConf: path.join(dir, 'resolv.conf'),
    hosts: path.join(dir, 'hosts'),
    sudoBroker: path.join(dir, 'sudo-broker'),
    sudo: path.join(dir, 'sudo'),
  };
}
