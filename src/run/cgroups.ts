/**
 * The cgroups of a sandbox that runsc could not remove itself.
 *
 * A cell with limits runs in cgroups runsc makes at the spec's cgroupsPath,
 * which it defaults to `/<container id>` (the action sets none), in every
 * cgroup hierarchy: one per controller on cgroup v1, the single one on v2.
 * runsc removes them when its sandbox ends, but not when its processes were
 * killed instead (a start that stalled, as on a host where KVM hangs; a runsc
 * that no runsc command could reach): then they stay, empty, on a runner
 * that may run many more jobs. This removes them, deepest first, once
 * nothing of the sandbox runs any more (ensureGone has returned): `rmdir`
 * removes only a cgroup without processes and children, and anything still
 * in use is left as it is.
 */
import { spawn } from 'node:child_process';
import { type Dirent, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import path from 'node:path';
import type { Runsc } from './runsc.js';

/** Where each cgroup hierarchy is mounted, from a mountinfo(5) text. */
export function cgroupMountPoints(mountinfo: string): string[] {
  const points: string[] = [];
  for (const line of mountinfo.split('\n')) {
    // The filesystem type is the first field after the " - " separator; the mount point is field 5.
    const [mount = '', fs = ''] = line.split(' - ');
    const type = fs.split(' ')[0];
    if (type !== 'cgroup' && type !== 'cgroup2') continue;
    const point = mount.split(' ')[4];
    // mountinfo escapes blanks, tabs, newlines and backslashes as three octal digits.
    if (point) points.push(point.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))));
  }
  return points;
}

/** Every cgroup directory of this container, in each hierarchy, deepest first (what `rmdir` needs). */
export function containerCgroups(mountPoints: readonly string[], containerId: string): string[] {
  if (!/^\w[\w.-]*$/.test(containerId)) throw new Error(`internal: container id ${JSON.stringify(containerId)} is not a plain name`);
  const dirs: string[] = [];
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // not there (runsc removed it, or this hierarchy never had it)
    }
    for (const e of entries) if (e.isDirectory()) walk(path.join(dir, e.name));
    dirs.push(dir);
  };
  for (const point of mountPoints) walk(path.join(point, containerId));
  // Children were pushed before their parents: the order is already deepest first.
  return dirs;
}

/**
 * Removes what is left of this container's cgroups (through sudo where runsc
 * ran through it, as the cgroups are root's); returns those that are still
 * there. Never throws: a cgroup left behind is untidy, not unsafe.
 */
export async function removeLeftCgroups(r: Runsc, containerId: string, mountinfo = '/proc/self/mountinfo'): Promise<string[]> {
  let points: string[];
  try {
    points = cgroupMountPoints(readFileSync(mountinfo, 'utf8'));
  } catch {
    return [];
  }
  const dirs = containerCgroups(points, containerId);
  if (dirs.length === 0) return [];
  if (r.sudo) {
    await new Promise<void>((resolve) => {
      // rmdir goes on past a directory it cannot remove (then its parents fail too, as they should).
      spawn('sudo', ['-n', 'rmdir', '--', ...dirs], { stdio: 'ignore' })
        .once('close', () => resolve())
        .once('error', () => resolve());
    });
  } else {
    for (const dir of dirs) {
      try {
        rmdirSync(dir);
      } catch {
        // In use (EBUSY) or not empty: left, and said by what is returned.
      }
    }
  }
  return containerCgroups(points, containerId);
}
