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

/** How long a cgroup may stay busy after the sandbox's processes are gone from /proc (see below). */
const SETTLE_MS = 2_000;
const RETRY_MS = 50;

/**
 * Removes what is left of this container's cgroups (through sudo where runsc
 * ran through it, as the cgroups are root's); returns those that are still
 * there, for the caller to say. Never throws: a cgroup left behind is untidy,
 * not unsafe.
 *
 * A killed process leaves /proc's view of it (its command line, which is how
 * ensureGone finds the sandbox's) before it leaves its cgroups, and a sandbox
 * with gigabytes to free takes a while in between: a cgroup that is still
 * busy is tried again for up to SETTLE_MS.
 */
export async function removeLeftCgroups(
  r: Runsc,
  containerId: string,
  { mountinfo = '/proc/self/mountinfo', settleMs = SETTLE_MS } = {},
): Promise<string[]> {
  try {
    const points = cgroupMountPoints(readFileSync(mountinfo, 'utf8'));
    const until = Date.now() + settleMs;
    for (;;) {
      const dirs = containerCgroups(points, containerId);
      if (dirs.length === 0) return [];
      await (r.sudo ? sudoRmdir(dirs) : rmdirEach(dirs));
      const left = containerCgroups(points, containerId);
      if (left.length === 0 || Date.now() >= until) return left;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  } catch {
    // No mountinfo to read, or an id that is not a plain name (never made by containerIdFor): nothing removed.
    return [];
  }
}

/** rmdir goes on past a directory it cannot remove (its parents then fail too, as they must). */
function sudoRmdir(dirs: string[]): Promise<void> {
  return new Promise<void>((resolve) => {
    spawn('sudo', ['-n', 'rmdir', '--', ...dirs], { stdio: 'ignore', timeout: 10_000 })
      .once('close', () => resolve())
      .once('error', () => resolve());
  });
}

async function rmdirEach(dirs: string[]): Promise<void> {
  for (const dir of dirs) {
    try {
      rmdirSync(dir);
    } catch {
      // Busy (a process still in it) or not empty: tried again, or returned as left.
    }
  }
}

/** What the front ends say of cgroups that stayed (a warning: the cell's result stands). */
export function leftCgroupsNote(dirs: readonly string[]): string {
  return `could not remove the cgroups runsc made for this cell, after its processes had to be killed: ${dirs.join(', ')}`;
}
