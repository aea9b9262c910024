/**
 * The cgroups a killed runsc leaves: where the hierarchies are mounted (from
 * mountinfo), and this container's directories in them, deepest first, on a
 * tree of plain directories standing in for cgroupfs.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { cgroupMountPoints, containerCgroups, leftCgroupsNote, removeLeftCgroups } from '../../src/run/cgroups.js';

describe('cgroupMountPoints', () => {
  test('every cgroup (v1) and cgroup2 mount, nothing else, with mountinfo escapes decoded', () => {
    const mountinfo = [
      '23 1 8:1 / / rw,relatime shared:1 - ext4 /dev/root rw',
      '31 23 0:28 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755',
      '32 31 0:29 / /sys/fs/cgroup/unified rw,nosuid shared:10 - cgroup2 cgroup2 rw,nsdelegate',
      '33 31 0:30 / /sys/fs/cgroup/memory rw,nosuid shared:14 - cgroup cgroup rw,memory',
      '34 31 0:31 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:15 - cgroup cgroup rw,cpu,cpuacct',
      '35 23 0:32 / /mnt/odd\\040name rw - cgroup2 cgroup2 rw',
      // A file system whose options merely mention cgroups is not one.
      '36 23 0:33 / /run/cgroup-notes rw - tmpfs cgroup rw',
      // Optional fields before the separator do not move the mount point.
      '37 23 0:34 / /sys/fs/cgroup/pids rw shared:16 master:3 - cgroup cgroup rw,pids',
      '',
    ].join('\n');
    expect(cgroupMountPoints(mountinfo)).toEqual([
      '/sys/fs/cgroup/unified',
      '/sys/fs/cgroup/memory',
      '/sys/fs/cgroup/cpu,cpuacct',
      '/mnt/odd name',
      '/sys/fs/cgroup/pids',
    ]);
  });

  test('cgroup v2 alone (hosted runners): the one hierarchy', () => {
    expect(
      cgroupMountPoints('35 24 0:30 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate\n'),
    ).toEqual(['/sys/fs/cgroup']);
  });
});

describe('the container’s cgroups', () => {
  let root: string;
  let memory: string;
  let pids: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'gvc-cgroups-'));
    memory = path.join(root, 'memory');
    pids = path.join(root, 'pids');
    mkdirSync(path.join(memory, 'cell-abc123', 'sandbox', 'inner'), { recursive: true });
    writeFileSync(path.join(memory, 'cell-abc123', 'memory.limit_in_bytes'), '');
    mkdirSync(path.join(pids, 'cell-abc123'), { recursive: true });
    // Another run's, and a name that merely starts the same: never touched.
    mkdirSync(path.join(memory, 'cell-abc123x'), { recursive: true });
    mkdirSync(path.join(pids, 'other-xyz789'), { recursive: true });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  test('are listed deepest first, in each hierarchy that has them', () => {
    expect(containerCgroups([memory, pids, path.join(root, 'cpu')], 'cell-abc123')).toEqual([
      path.join(memory, 'cell-abc123', 'sandbox', 'inner'),
      path.join(memory, 'cell-abc123', 'sandbox'),
      path.join(memory, 'cell-abc123'),
      path.join(pids, 'cell-abc123'),
    ]);
    expect(containerCgroups([memory, pids], 'cell-none00')).toEqual([]);
  });

  test('an id that is not a plain name is refused, not joined to a path', () => {
    for (const id of ['..', '../x', 'a/b', '', '.hidden', '-flag']) {
      expect(() => containerCgroups([memory], id), id).toThrow('is not a plain name');
    }
  });

  test('removal takes the empty ones and reports what stayed', async () => {
    // A plain directory holding a file stands in for a cgroup still in use: rmdir cannot take it.
    const mountinfo = path.join(root, 'mountinfo');
    writeFileSync(mountinfo, `40 1 0:40 / ${memory} rw - cgroup cgroup rw,memory\n41 1 0:41 / ${pids} rw - cgroup cgroup rw,pids\n`);
    const left = await removeLeftCgroups({ path: '/nonexistent/runsc', sudo: false, root }, 'cell-abc123', { mountinfo, settleMs: 0 });
    expect(left).toEqual([path.join(memory, 'cell-abc123')]);
    expect(containerCgroups([pids], 'cell-abc123')).toEqual([]);
    expect(containerCgroups([memory], 'cell-abc123x')).toEqual([path.join(memory, 'cell-abc123x')]);
    expect(containerCgroups([pids], 'other-xyz789')).toEqual([path.join(pids, 'other-xyz789')]);
  });

  test('one still busy just after the processes went is tried again until it can go', async () => {
    // The file stands in for the last task, which leaves its cgroup a little after /proc forgets it.
    const mountinfo = path.join(root, 'mountinfo');
    writeFileSync(mountinfo, `40 1 0:40 / ${memory} rw - cgroup cgroup rw,memory\n`);
    const task = path.join(memory, 'cell-abc123', 'memory.limit_in_bytes');
    const leaves = setTimeout(() => rmSync(task), 150);
    try {
      const started = Date.now();
      expect(
        await removeLeftCgroups({ path: '/nonexistent/runsc', sudo: false, root }, 'cell-abc123', { mountinfo, settleMs: 2_000 }),
      ).toEqual([]);
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      clearTimeout(leaves);
    }
    expect(containerCgroups([memory], 'cell-abc123')).toEqual([]);
  });

  test('an id that is not a plain name removes nothing and does not throw (the caller may be reporting another error)', async () => {
    // The mount point is a directory of the fixture's own: were the check ever lost, `..` would reach
    // only the fixture, never the machine's temp directory.
    const point = path.join(root, 'cg');
    mkdirSync(point);
    const mountinfo = path.join(root, 'mountinfo');
    writeFileSync(mountinfo, `40 1 0:40 / ${point} rw - cgroup cgroup rw,memory\n`);
    expect(await removeLeftCgroups({ path: '/nonexistent/runsc', sudo: false, root }, '..', { mountinfo, settleMs: 0 })).toEqual([]);
    expect(containerCgroups([memory, pids], 'cell-abc123')).toHaveLength(4);
  });

  test('what stays is said with every directory', () => {
    expect(leftCgroupsNote(['/sys/fs/cgroup/memory/cell-abc123', '/sys/fs/cgroup/pids/cell-abc123'])).toBe(
      'could not remove the cgroups runsc made for this cell, after its processes had to be killed: /sys/fs/cgroup/memory/cell-abc123, /sys/fs/cgroup/pids/cell-abc123',
    );
  });

  test('without a readable mountinfo, nothing is done', async () => {
    expect(
      await removeLeftCgroups({ path: '/nonexistent/runsc', sudo: false, root }, 'cell-abc123', { mountinfo: path.join(root, 'none') }),
    ).toEqual([]);
    expect(containerCgroups([memory, pids], 'cell-abc123')).toHaveLength(4);
  });
});
