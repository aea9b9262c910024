/**
 * Layers applied to a tree: the merge (whiteouts, opaque directories) and the
 * attacks a hostile layer can make on the unpacker (climbing names, links out,
 * device nodes), with tar archives written byte by byte.
 */
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { LayeredTree } from '../../src/image/layer.js';
import { readTar } from '../../src/image/tar.js';
import { type TarItem, tar } from '../support/tar-build.js';

let dir: string;
let root: string;
let outside: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'gvc-layer-'));
  root = path.join(dir, 'root');
  outside = path.join(dir, 'outside');
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'keep'), 'mine');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function* chunks(b: Buffer, size = 700): AsyncIterable<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

async function apply(...layers: TarItem[][]): Promise<LayeredTree> {
  const t = new LayeredTree(root);
  for (const [i, items] of layers.entries()) await t.apply(chunks(tar(items)), `layer ${i + 1}`);
  t.finish();
  return t;
}

/** Every path under the root, with a file's content or a link's target. */
function listing(at = root, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(at).sort()) {
    const p = path.join(at, name);
    const rel = prefix + name;
    const st = lstatSync(p);
    out[rel] = st.isSymbolicLink() ? `-> ${readlinkSync(p)}` : st.isDirectory() ? 'dir' : readFileSync(p, 'utf8');
    if (st.isDirectory()) listing(p, `${rel}/`, out);
  }
  return out;
}

describe('merging layers', () => {
  test('a whiteout deletes a file; an opaque directory hides the lower layer’s contents only', async () => {
    await apply(
      [
        { name: 'etc/' },
        { name: 'etc/gone', data: 'lower' },
        { name: 'etc/kept', data: 'lower' },
        { name: 'app/' },
        { name: 'app/old', data: 'lower' },
        { name: 'app/sub/' },
        { name: 'app/sub/deep', data: 'lower' },
      ],
      [{ name: 'etc/.wh.gone' }, { name: 'app/' }, { name: 'app/new', data: 'upper' }, { name: 'app/.wh..wh..opq' }],
    );
    expect(listing()).toEqual({ etc: 'dir', 'etc/kept': 'lower', app: 'dir', 'app/new': 'upper' });
  });

  test('a later layer replaces a file by a directory and a directory by a link', async () => {
    await apply(
      [{ name: 'x', data: 'file' }, { name: 'd/' }, { name: 'd/f', data: 'in d' }],
      [{ name: 'x/' }, { name: 'x/y', data: 'now a dir' }, { name: 'd', type: 'symlink', link: 'x' }],
    );
    expect(listing()).toEqual({ x: 'dir', 'x/y': 'now a dir', d: '-> x' });
  });

  test('modes, owners, long names (pax) and hard links inside are kept', async () => {
    const long = `${'a'.repeat(80)}/${'b'.repeat(80)}/file`;
    await apply([
      { name: 'bin/' },
      { name: 'bin/tool', data: '#!/bin/sh\n', mode: 0o4755, uid: 1234, gid: 2345 },
      { name: 'bin/same', type: 'hardlink', link: 'bin/tool' },
      { name: 'ro/', mode: 0o555 },
      { name: 'ro/inside', data: 'x', mode: 0o400 },
      { name: long, data: 'long' },
    ]);
    const tool = lstatSync(path.join(root, 'bin/tool'));
    expect(tool.mode & 0o7777).toBe(0o4755);
    if (process.getuid?.() === 0) expect([tool.uid, tool.gid]).toEqual([1234, 2345]);
    expect(lstatSync(path.join(root, 'bin/same')).ino).toBe(tool.ino);
    expect(lstatSync(path.join(root, 'ro')).mode & 0o777).toBe(0o555);
    expect(readFileSync(path.join(root, long), 'utf8')).toBe('long');
  });
});

describe('a hostile layer', () => {
  test('a name that climbs (..) fails the layer, writing nothing outside', async () => {
    await expect(apply([{ name: '../outside/pwned', data: 'x' }])).rejects.toThrow(
      'layer 1: the entry "../outside/pwned" climbs out of the image (..): refused',
    );
    await expect(apply([{ name: 'a/../../outside/pwned', data: 'x' }])).rejects.toThrow(/climbs out/);
    expect(readdirSync(outside)).toEqual(['keep']);
  });

  test('an absolute link followed by a file under it lands inside the tree', async () => {
    await apply([
      { name: 'evil', type: 'symlink', link: outside },
      { name: 'evil/pwned', data: 'x' },
    ]);
    expect(readdirSync(outside)).toEqual(['keep']);
    expect(readFileSync(path.join(root, outside, 'pwned'), 'utf8')).toBe('x');
  });

  test('a link that climbs is held at the tree’s root', async () => {
    await apply([
      { name: 'a/' },
      { name: 'a/up', type: 'symlink', link: '../../../../../../..' },
      { name: `a/up${outside}/pwned`, data: 'x' },
    ]);
    expect(readdirSync(outside)).toEqual(['keep']);
    expect(readFileSync(path.join(root, outside, 'pwned'), 'utf8')).toBe('x');
  });

  test('a file over a link replaces the link, never writes through it', async () => {
    await apply([{ name: 'f', type: 'symlink', link: path.join(outside, 'keep') }], [{ name: 'f', data: 'x' }]);
    expect(readFileSync(path.join(outside, 'keep'), 'utf8')).toBe('mine');
    expect(listing()).toEqual({ f: 'x' });
  });

  test('a whiteout through a link removes inside the tree only', async () => {
    await apply([{ name: 'evil', type: 'symlink', link: outside }, { name: 'evil/.wh.keep' }]);
    expect(readdirSync(outside)).toEqual(['keep']);
  });

  test('a hard link out, or through a link out, is refused or kept inside', async () => {
    await expect(apply([{ name: 'h', type: 'hardlink', link: '../outside/keep' }])).rejects.toThrow(/climbs out/);
    rmSync(root, { recursive: true, force: true });
    await expect(
      apply([
        { name: 'evil', type: 'symlink', link: outside },
        { name: 'h', type: 'hardlink', link: 'evil/keep' },
      ]),
    ).rejects.toThrow(/^layer 1: evil\/keep: tmp is not in the image$/);
    expect(lstatSync(path.join(outside, 'keep')).nlink).toBe(1);
  });

  test('device nodes and FIFOs are skipped and counted; only the first 20 names are kept, shortened', async () => {
    const t = await apply([{ name: 'dev/' }, { name: 'dev/sda', type: 'char' }, { name: 'dev/pipe', type: 'fifo' }]);
    expect(t.stats.skipped).toEqual(['dev/sda', 'dev/pipe']);
    expect(listing()).toEqual({ dev: 'dir' });
    rmSync(root, { recursive: true, force: true });
    const many = await apply(Array.from({ length: 30 }, (_, i) => ({ name: `${'./'.repeat(300)}f${i}`, type: 'fifo' as const })));
    expect(many.stats.skippedCount).toBe(30);
    expect(many.stats.skipped).toHaveLength(20);
    expect(many.stats.skipped.every((n) => n.length <= 256)).toBe(true);
  });

  test('a damaged archive or one cut short fails', async () => {
    const good = tar([{ name: 'a', data: 'x'.repeat(2000) }]);
    const damaged = Buffer.from(good);
    damaged[10] = (damaged[10] as number) ^ 1;
    await expect(new LayeredTree(root).apply(chunks(damaged), 'layer 1')).rejects.toThrow(/checksum does not match/);
    await expect(new LayeredTree(root).apply(chunks(good.subarray(0, 1500)), 'layer 1')).rejects.toThrow(/ends in the middle of an entry/);
  });
});

test('readTar yields data across chunk boundaries of any size', async () => {
  const body = Buffer.alloc(5000, 7);
  for (const size of [1, 511, 512, 513, 100_000]) {
    const got: Buffer[] = [];
    await readTar(
      chunks(
        tar([
          { name: 'f', data: body },
          { name: 'g', data: 'end' },
        ]),
        size,
      ),
      {
        entry: (e) => (e.name === 'f' ? (c) => got.push(Buffer.from(c)) : undefined),
        end: () => {},
      },
    );
    expect(Buffer.concat(got).equals(body)).toBe(true);
  }
});

describe('whiteouts, as the image spec has them (review)', () => {
  test('an opaque directory hides the lower layers at every depth, even below a directory its layer lists again', async () => {
    await apply(
      [{ name: 'd/' }, { name: 'd/sub/' }, { name: 'd/sub/secret', data: 'lower' }, { name: 'd/top', data: 'lower' }],
      [{ name: 'd/' }, { name: 'd/sub/' }, { name: 'd/.wh..wh..opq' }, { name: 'd/sub/mine', data: 'upper' }],
    );
    expect(listing()).toEqual({ d: 'dir', 'd/sub': 'dir', 'd/sub/mine': 'upper' });
  });

  test('what a layer made as a parent only stays under its own opaque marker', async () => {
    await apply([{ name: 'd/' }, { name: 'd/old', data: 'lower' }], [{ name: 'd/new/file', data: 'upper' }, { name: 'd/.wh..wh..opq' }]);
    expect(listing()).toEqual({ d: 'dir', 'd/new': 'dir', 'd/new/file': 'upper' });
  });

  test('a whiteout hides the lower layers, not an entry of its own layer', async () => {
    await apply([{ name: 'a', data: 'lower' }], [{ name: 'b', data: 'upper' }, { name: '.wh.b' }, { name: '.wh.a' }]);
    expect(listing()).toEqual({ b: 'upper' });
  });
});

describe('the tar reader against hostile archives (review)', () => {
  test('data past the end of the archive is read and dropped', async () => {
    const archive = Buffer.concat([tar([{ name: 'f', data: 'x' }]), Buffer.alloc(3 << 20, 0x41)]);
    const names: string[] = [];
    await readTar(chunks(archive, 65536), { entry: (e) => void names.push(e.name), end: () => {} });
    expect(names).toEqual(['f']);
  });

  test('a pax header larger than 1 MiB is refused', async () => {
    const long = `${'a/'.repeat(600_000)}f`;
    await expect(new LayeredTree(root).apply(chunks(tar([{ name: long, data: 'x' }]), 65536), 'layer 1')).rejects.toThrow(
      /^layer 1: tar: a x header of \d+ bytes$/,
    );
  });
});
