import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import type { Bundle, OciMount } from '../../src/bundle/spec.js';
import { findNamespaceTools, fstabField, inNamespace, mountTable, stageReadOnly, unescapeMountPoint } from '../../src/run/readonly.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'gvc-readonly-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const dir = (name: string) => {
  const p = path.join(tmp, name);
  mkdirSync(p, { recursive: true });
  return p;
};
const file = (name: string) => {
  const p = path.join(tmp, name);
  writeFileSync(p, '');
  return p;
};
const RO = ['rbind', 'ro', 'nosuid', 'nodev'];
const RW = ['rbind', 'rw', 'nosuid', 'nodev'];
const bind = (destination: string, source: string, options: string[]): OciMount => ({ destination, type: 'bind', source, options });

function bundle(mounts: OciMount[], overlay: 'all' | 'root', root = 'rootfs'): Bundle {
  return {
    spec: { mounts, root: { path: root, readonly: false } },
    sandbox: { network: 'none', overlay, cgroups: false },
  } as unknown as Bundle;
}

describe('stageReadOnly', () => {
  const usr = dir('usr');
  const ws = dir('ws');
  const out = dir('ws/out');
  const empty = file('empty');
  const stage = path.join(tmp, 'run', 'ro');

  test('read-only binds (and a shared source once) go through stubs; read-write ones keep their source', () => {
    const b = bundle(
      [
        { destination: '/proc', type: 'proc', source: 'proc' },
        bind('/usr', usr, RO),
        bind('/etc/shadow', empty, RO),
        bind('/etc/gshadow', empty, RO),
        bind('/ws', ws, RO),
        bind('/out', out, RW),
        { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['mode=1777'] },
      ],
      'root',
    );
    const before = structuredClone(b.spec);
    const { stage: staged, spec } = stageReadOnly(b, stage, []);
    expect(staged.binds).toEqual([
      { source: usr, at: path.join(stage, '0'), file: false },
      { source: empty, at: path.join(stage, '1'), file: true },
      { source: ws, at: path.join(stage, '2'), file: false },
    ]);
    // The bundle is left as it is: the staged spec is a new value.
    expect(b.spec).toEqual(before);
    expect(spec.mounts.map((m) => m.source)).toEqual([
      'proc',
      path.join(stage, '0'),
      path.join(stage, '1'),
      path.join(stage, '1'),
      path.join(stage, '2'),
      out,
      'tmpfs',
    ]);
  });

  test('with --overlay2=all: every write stays in memory, so writable binds are staged too', () => {
    const b = bundle([bind('/ws', ws, RW)], 'all');
    expect(stageReadOnly(b, stage, []).stage.binds).toEqual([{ source: ws, at: path.join(stage, '0'), file: false }]);
  });

  test('a prepared root filesystem is staged; our own skeleton is not', () => {
    const rootfs = dir('prepared');
    const b = bundle([], 'root', rootfs);
    expect(stageReadOnly(b, stage, []).spec.root.path).toBe(path.join(stage, '0'));
    const own = stageReadOnly(bundle([], 'root'), stage, []);
    expect(own.stage.binds).toEqual([]);
    expect(own.spec.root.path).toBe('rootfs');
  });

  test('mounts below a staged source are remounted read-only at their place below the stub', () => {
    const b = bundle([bind('/usr', usr, RO)], 'root');
    const { stage: staged } = stageReadOnly(b, stage, ['/', usr, `${usr}/lib/sub`, `${usr}x`, `${ws}/inner`]);
    expect(staged.submounts).toEqual([path.join(stage, '0', 'lib', 'sub')]);
  });
});

describe('the namespace', () => {
  test('mountinfo escapes are decoded', () => {
    expect(unescapeMountPoint('/home/a\\040b/c\\011d\\134e')).toBe('/home/a b/c\td\\e');
  });

  test('unshare runs a script that makes the table’s mounts, then becomes runsc with its argv intact', () => {
    const tableFile = path.join(dir('ns-run'), 'mounts.fstab');
    const argv = inNamespace(
      { binds: [{ source: '/usr', at: '/r/ro/0', file: false }], submounts: ['/r/ro/0/sub'] },
      { unshare: '/usr/bin/unshare', sh: '/bin/sh', mount: '/usr/bin/mount', mkdir: '/usr/bin/mkdir' },
      ['/opt/runsc', '--root=/r/state', 'run', 'id'],
      { tableFile },
    );
    expect(argv.slice(0, 7)).toEqual(['/usr/bin/unshare', '--mount', '--propagation', 'private', '--', '/bin/sh', '-c']);
    expect(argv.slice(8)).toEqual([
      'gvisor-cell-ro',
      '/usr/bin/mount',
      '/usr/bin/mkdir',
      tableFile,
      '--',
      '/opt/runsc',
      '--root=/r/state',
      'run',
      'id',
    ]);
    expect(readFileSync(tableFile, 'utf8')).toBe(
      '/usr /r/ro/0 none rbind,ro,nosuid,nodev 0 0\nnone /r/ro/0/sub none remount,bind,ro,nosuid,nodev 0 0\n',
    );
    expect(statSync(tableFile).mode & 0o777).toBe(0o600);
  });

  test('with nothing to mount, no table: `-`, and the image is laid out by the script', () => {
    const tableFile = path.join(dir('ns-image'), 'mounts.fstab');
    const argv = inNamespace(
      { binds: [], submounts: [], image: { lower: '/c/img', at: '/r/rootfs', scratch: '/r/rootfs.upper' } },
      { unshare: 'unshare', sh: 'sh', mount: 'mount', mkdir: 'mkdir' },
      ['runsc'],
      { tableFile },
    );
    expect(argv.slice(8)).toEqual([
      'gvisor-cell-ro',
      'mount',
      'mkdir',
      '-',
      'image',
      '/c/img',
      '/r/rootfs',
      '/r/rootfs.upper',
      '--',
      'runsc',
    ]);
    expect(existsSync(tableFile)).toBe(false);
  });

  test('paths are escaped as libmount decodes them: no path can add a field, a line or a comment', () => {
    expect(fstabField('/a b\tc\nd\\e#f\x7fg\rh/ü')).toBe('/a\\040b\\011c\\012d\\134e\\043f\\177g\\015h/ü');
    const table = mountTable({ binds: [{ source: '/x\n/etc /y none rw 0 0', at: '/s #0', file: false }], submounts: [] });
    expect(table.split('\n')).toEqual(['/x\\012/etc\\040/y\\040none\\040rw\\0400\\0400 /s\\040\\0430 none rbind,ro,nosuid,nodev 0 0', '']);
  });

  test('a path that is not absolute is refused, never written as a line mount -a would pass over', () => {
    for (const bad of ['', 'usr', './x']) {
      expect(() => mountTable({ binds: [{ source: bad, at: '/r/0', file: false }], submounts: [] })).toThrow(/not an absolute path/);
      expect(() => mountTable({ binds: [], submounts: [bad] })).toThrow(/not an absolute path/);
    }
  });

  test('hiding /proc/sys/net is a read-only tmpfs line of its own, last', () => {
    expect(mountTable({ binds: [{ source: '/usr', at: '/r/0', file: false }], submounts: [] }, { maskNetSysctls: true })).toBe(
      '/usr /r/0 none rbind,ro,nosuid,nodev 0 0\ngvisor-cell-mask /proc/sys/net tmpfs ro,nosuid,nodev,noexec,size=4k,mode=0755 0 0\n',
    );
  });
});

describe('findNamespaceTools', () => {
  test('absolute paths from the given system directories', () => {
    const bin = dir('bin');
    for (const t of ['unshare', 'sh', 'mount', 'mkdir']) writeFileSync(path.join(bin, t), '');
    expect(findNamespaceTools([bin])).toEqual({ unshare: `${bin}/unshare`, sh: `${bin}/sh`, mount: `${bin}/mount`, mkdir: `${bin}/mkdir` });
  });
  test('a missing tool is named, and nothing starts', () => {
    const bin = dir('bin-without-mount');
    for (const t of ['unshare', 'sh', 'mkdir']) writeFileSync(path.join(bin, t), '');
    expect(() => findNamespaceTools([bin])).toThrow(/needs mount \(util-linux\)/);
  });
});

describe('stageReadOnly: system: overlay stages into the root', () => {
  // A host tree of the test's own: sys/etc with a real key, a link to a directory elsewhere in the tree, a link
  // out of the bound directories, and a masked path that does not exist.
  const sys = dir('sys');
  const etc = dir('sys/etc');
  const elsewhere = dir('sys/usr/local/etc/ssh');
  writeFileSync(path.join(elsewhere, 'host_key'), 'secret');
  writeFileSync(path.join(etc, 'shadow'), 'hash');
  const outside = dir('outside');
  writeFileSync(path.join(outside, 'key'), 'x');
  symlinkSync(elsewhere, path.join(etc, 'ssh'));
  symlinkSync(outside, path.join(etc, 'out'));
  const rootfs = path.join(tmp, 'bundle', 'rootfs');
  const emptyFile = path.join(tmp, 'empty-mask');
  const stageDir = path.join(tmp, 'run2', 'ro');
  const staged = (maskFiles: string[], maskDirs: string[] = []) =>
    stageReadOnly(
      {
        ...bundle([], 'root'),
        rootStage: { binds: [path.join(sys, 'etc'), path.join(sys, 'usr')], maskFiles, maskDirs, dirs: [], links: [] },
      } as Bundle,
      stageDir,
      [],
      { rootfs, emptyFile },
    ).stage.root;

  test('the binds go to their own paths in the root, before the masks', () => {
    const r = staged([path.join(etc, 'shadow')]);
    expect(r?.binds).toEqual([
      { source: path.join(sys, 'etc'), at: path.join(rootfs, sys, 'etc') },
      { source: path.join(sys, 'usr'), at: path.join(rootfs, sys, 'usr') },
    ]);
    expect(r?.maskFiles).toEqual([{ source: emptyFile, at: path.join(rootfs, etc, 'shadow') }]);
  });

  test('a mask whose path goes through a link lands where the link leads, inside the root: never on the host’s file', () => {
    const r = staged([path.join(etc, 'ssh', 'host_key')], [path.join(etc, 'ssh')]);
    expect(r?.maskFiles).toEqual([{ source: emptyFile, at: path.join(rootfs, elsewhere, 'host_key') }]);
    expect(r?.maskDirs).toEqual([path.join(rootfs, elsewhere)]);
    for (const m of [...(r?.maskFiles ?? []).map((f) => f.at), ...(r?.maskDirs ?? [])]) expect(m.startsWith(`${rootfs}/`)).toBe(true);
  });

  test('a masked path that leads out of the bound directories, or to nothing, is not in the view: no mask', () => {
    const r = staged([path.join(etc, 'out', 'key'), path.join(etc, 'missing')], [path.join(etc, 'gone')]);
    expect(r?.maskFiles).toEqual([]);
    expect(r?.maskDirs).toEqual([]);
  });

  test('the table binds the root’s parts first, then the masks, each tmpfs mask 0755', () => {
    const r = staged([path.join(etc, 'shadow')], [path.join(etc, 'ssh')]);
    const lines = mountTable({ binds: [], submounts: [], root: r }).trimEnd().split('\n');
    expect(lines).toEqual([
      `${path.join(sys, 'etc')} ${path.join(rootfs, sys, 'etc')} none rbind,ro,nosuid,nodev 0 0`,
      `${path.join(sys, 'usr')} ${path.join(rootfs, sys, 'usr')} none rbind,ro,nosuid,nodev 0 0`,
      `${emptyFile} ${path.join(rootfs, etc, 'shadow')} none rbind,ro,nosuid,nodev 0 0`,
      `gvisor-cell-mask ${path.join(rootfs, elsewhere)} tmpfs ro,nosuid,nodev,noexec,size=4k,mode=0755 0 0`,
    ]);
  });
});
