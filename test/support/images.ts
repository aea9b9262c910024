/**
 * Images the suite builds from files of this machine (busybox-static, the
 * action's own Node with the libraries it links), pushed to the suite's own
 * registry: nothing is fetched from outside.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { type Blob, LAYER_GZIP, LAYER_ZSTD } from './registry.js';
import { digestOf, gzip, type TarItem, tar } from './tar-build.js';

export const BUSYBOX = '/usr/bin/busybox';
const APPLETS = [
  'sh',
  'ls',
  'cat',
  'id',
  'pwd',
  'env',
  'find',
  'echo',
  'sort',
  'stat',
  'rm',
  'mkdir',
  'touch',
  'readlink',
  'test',
  'true',
  'tar',
  'sleep',
];

/** A root of busybox (static): /bin/sh and the applets the tests use, /etc/passwd, and `extra`. */
export function busyboxLayer(extra: TarItem[] = []): Buffer {
  return tar([
    { name: 'bin/' },
    { name: 'bin/busybox', data: readFileSync(BUSYBOX), mode: 0o755 },
    ...APPLETS.map((a): TarItem => ({ name: `bin/${a}`, type: 'symlink', link: 'busybox' })),
    { name: 'etc/' },
    { name: 'etc/passwd', data: 'root:x:0:0:root:/root:/bin/sh\n' },
    { name: 'tmp/', mode: 0o1777 },
    ...extra,
  ]);
}

/** `node` at /usr/local/bin with the shared libraries it links, as an official Node image has it. */
export function nodeLayer(node: string): Buffer {
  const libs = execFileSync('ldd', [node], { encoding: 'utf8' })
    .split('\n')
    .map((l) => /(\/\S+) \(0x/.exec(l)?.[1])
    .filter((p): p is string => p !== undefined);
  const items: TarItem[] = [{ name: 'usr/' }, { name: 'usr/local/' }, { name: 'usr/local/bin/' }];
  items.push({ name: 'usr/local/bin/node', data: readFileSync(node), mode: 0o755 });
  const dirs = new Set<string>();
  for (const lib of libs) {
    const parts = lib.slice(1).split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = `${parts.slice(0, i).join('/')}/`;
      if (!dirs.has(d)) items.push({ name: d });
      dirs.add(d);
    }
    items.push({ name: lib.slice(1), data: readFileSync(realpathSync(lib)), mode: 0o755 });
  }
  return tar(items);
}

export const gzipped = (layer: Buffer): Blob => ({ mediaType: LAYER_GZIP, data: gzip(layer), diffId: digestOf(layer) });

/** zstd by the `zstd` tool (the suite's Node may predate zlib's zstd). */
export const zstded = (layer: Buffer): Blob => ({
  mediaType: LAYER_ZSTD,
  data: execFileSync('zstd', ['-q', '-1', '-c'], { input: layer, maxBuffer: 1 << 30 }),
  diffId: digestOf(layer),
});
