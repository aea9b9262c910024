/**
 * Builds tar archives byte by byte, for layers the tests control exactly:
 * whiteouts, hostile names, links out, device nodes — what no well-behaved
 * tool would write. ustar headers, with a pax header for long names.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export interface TarItem {
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink' | 'char' | 'fifo';
  data?: string | Buffer;
  mode?: number;
  uid?: number;
  gid?: number;
  /** Symlink or hard link target. */
  link?: string;
}

const FLAG = { file: '0', hardlink: '1', symlink: '2', char: '3', dir: '5', fifo: '6' } as const;

function header(name: string, flag: string, size: number, item: TarItem): Buffer {
  const h = Buffer.alloc(512);
  const put = (text: string, at: number, len: number) => h.write(text, at, Math.min(len, Buffer.byteLength(text)), 'utf8');
  const octal = (n: number, at: number, len: number) => put(`${n.toString(8).padStart(len - 1, '0')}\0`, at, len);
  put(name.slice(0, 100), 0, 100);
  octal(item.mode ?? (flag === '5' ? 0o755 : 0o644), 100, 8);
  octal(item.uid ?? 0, 108, 8);
  octal(item.gid ?? 0, 116, 8);
  octal(size, 124, 12);
  octal(1_700_000_000, 136, 12);
  h.write(flag, 156, 'latin1');
  put((item.link ?? '').slice(0, 100), 157, 100);
  h.write('ustar\x0000', 257, 'latin1');
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return h;
}

function padded(data: Buffer): Buffer[] {
  const pad = (512 - (data.length % 512)) % 512;
  return [data, Buffer.alloc(pad)];
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = body.length + 1;
  while (`${len}${body}`.length !== len) len = `${len}${body}`.length;
  return `${len}${body}`;
}

export function tar(items: TarItem[]): Buffer {
  const out: Buffer[] = [];
  for (const item of items) {
    const type = item.type ?? (item.data === undefined ? 'dir' : 'file');
    const data = type === 'file' ? Buffer.from(item.data ?? '') : Buffer.alloc(0);
    if (Buffer.byteLength(item.name) > 100 || Buffer.byteLength(item.link ?? '') > 100) {
      const pax = Buffer.from(paxRecord('path', item.name) + (item.link ? paxRecord('linkpath', item.link) : ''));
      out.push(header('PaxHeader', 'x', pax.length, { name: 'PaxHeader' }), ...padded(pax));
    }
    out.push(header(item.name, FLAG[type], data.length, item), ...padded(data));
  }
  out.push(Buffer.alloc(1024));
  return Buffer.concat(out);
}

export const gzip = (b: Buffer): Buffer => gzipSync(b);

export function digestOf(b: Buffer | string): string {
  return `sha256:${createHash('sha256').update(b).digest('hex')}`;
}
