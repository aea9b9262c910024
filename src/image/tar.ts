/**
 * A streaming reader of tar archives (POSIX ustar, pax extended headers, GNU
 * long names), enough for image layers. It yields each entry's header and
 * hands its data to the caller as it arrives: layers are large, nothing is
 * held whole.
 */

export type EntryType = 'file' | 'hardlink' | 'symlink' | 'directory' | 'device' | 'fifo' | 'other';

export interface TarEntry {
  name: string;
  type: EntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string;
}

export interface EntrySink {
  /** Called once per entry; returns where its data goes (undefined: skipped). */
  entry(e: TarEntry): ((chunk: Buffer) => void) | undefined;
  /** After the entry's last byte. */
  end(e: TarEntry): void;
}

const BLOCK = 512;
/** A pax or GNU long-name header is held whole: no real one comes near this. */
const META_MAX = 1 << 20;

/** Reads `input` (decompressed tar bytes) to its end, calling `sink` for each entry. */
export async function readTar(input: AsyncIterable<Buffer>, sink: EntrySink): Promise<void> {
  let pending: Buffer = Buffer.alloc(0);
  let state = 'header' as 'header' | 'data' | 'meta' | 'pad' | 'done';
  let remaining = 0;
  let padding = 0;
  let current: TarEntry | undefined;
  let write: ((chunk: Buffer) => void) | undefined;
  let meta: Buffer[] = [];
  let metaKind = '';
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  let zeros = 0;

  const headerDone = (h: Buffer): void => {
    const raw = parseHeader(h);
    const size = raw.size;
    if (raw.typeflag === 'x' || raw.typeflag === 'g' || raw.typeflag === 'L' || raw.typeflag === 'K') {
      if (!Number.isSafeInteger(size) || size < 0 || size > META_MAX) throw new Error(`tar: a ${raw.typeflag} header of ${size} bytes`);
      metaKind = raw.typeflag;
      meta = [];
      remaining = size;
      padding = pad(size);
      state = remaining > 0 ? 'meta' : padding > 0 ? 'pad' : 'header';
      if (remaining === 0) finishMeta();
      return;
    }
    const e: TarEntry = {
      name: pax.path ?? longName ?? raw.name,
      type: typeOf(raw.typeflag),
      mode: raw.mode,
      uid: pax.uid !== undefined ? Number(pax.uid) : raw.uid,
      gid: pax.gid !== undefined ? Number(pax.gid) : raw.gid,
      size: pax.size !== undefined ? Number(pax.size) : size,
      mtime: pax.mtime !== undefined ? Math.floor(Number(pax.mtime)) : raw.mtime,
      linkname: pax.linkpath ?? longLink ?? raw.linkname,
    };
    pax = {};
    longName = undefined;
    longLink = undefined;
    if (!Number.isSafeInteger(e.size) || e.size < 0) throw new Error(`tar: ${e.name}: bad size`);
    // Only regular files carry data (a hard link's size, where set, is not followed by any).
    const dataSize = e.type === 'file' || e.type === 'other' ? e.size : 0;
    current = e;
    write = sink.entry(e);
    remaining = dataSize;
    padding = pad(dataSize);
    if (remaining === 0) {
      sink.end(e);
      current = undefined;
      state = padding > 0 ? 'pad' : 'header';
    } else state = 'data';
  };

  const finishMeta = (): void => {
    const text = Buffer.concat(meta);
    if (metaKind === 'x') pax = { ...pax, ...parsePax(text) };
    else if (metaKind === 'L') longName = cString(text);
    else if (metaKind === 'K') longLink = cString(text);
    // 'g' (global) headers set defaults no image tool relies on: ignored.
  };

  for await (const chunk of input) {
    // Past the end: the rest is read (the caller may be hashing it) but nothing of it is kept.
    if (state === 'done') continue;
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let at = 0;
    while (at < pending.length && state !== 'done') {
      const left = pending.length - at;
      if (state === 'header') {
        if (left < BLOCK) break;
        const h = pending.subarray(at, at + BLOCK);
        at += BLOCK;
        if (h.every((b) => b === 0)) {
          if (++zeros === 2) state = 'done';
          continue;
        }
        zeros = 0;
        headerDone(h);
      } else if (state === 'data' || state === 'meta') {
        const n = Math.min(left, remaining);
        const part = pending.subarray(at, at + n);
        at += n;
        remaining -= n;
        if (state === 'data') write?.(part);
        else meta.push(Buffer.from(part));
        if (remaining === 0) {
          if (state === 'data' && current) sink.end(current);
          else finishMeta();
          current = undefined;
          state = padding > 0 ? 'pad' : 'header';
        }
      } else if (state === 'pad') {
        const n = Math.min(left, padding);
        at += n;
        padding -= n;
        if (padding === 0) state = 'header';
      }
    }
    pending = at >= pending.length ? Buffer.alloc(0) : Buffer.from(pending.subarray(at));
  }
  if (state === 'data' || state === 'meta' || (state === 'header' && pending.length > 0)) {
    throw new Error('tar: the archive ends in the middle of an entry');
  }
}

function pad(n: number): number {
  return (BLOCK - (n % BLOCK)) % BLOCK;
}

interface RawHeader {
  name: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
}

function parseHeader(h: Buffer): RawHeader {
  const stored = readNumber(h.subarray(148, 156));
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (h[i] as number);
  if (stored !== sum) throw new Error('tar: a header’s checksum does not match (not a tar archive, or a damaged one)');
  let name = cString(h.subarray(0, 100));
  const magic = h.subarray(257, 262).toString('latin1');
  if (magic === 'ustar') {
    const prefix = cString(h.subarray(345, 500));
    if (prefix) name = `${prefix}/${name}`;
  }
  return {
    name,
    mode: readNumber(h.subarray(100, 108)),
    uid: readNumber(h.subarray(108, 116)),
    gid: readNumber(h.subarray(116, 124)),
    size: readNumber(h.subarray(124, 136)),
    mtime: readNumber(h.subarray(136, 148)),
    typeflag: String.fromCharCode(h[156] || 48),
    linkname: cString(h.subarray(157, 257)),
  };
}

/** Octal, or base-256 (the high bit of the first byte set) for large values. */
function readNumber(field: Buffer): number {
  const first = field[0] ?? 0;
  // Base-256 with the sign bit set: a negative number, which no field may hold.
  if (first === 0xff) return -1;
  if (first & 0x80) {
    let n = first & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + (field[i] as number);
    return n;
  }
  const text = cString(field).trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function cString(b: Buffer): string {
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString('utf8');
}

/** `<length> <key>=<value>\n` records. */
export function parsePax(text: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < text.length) {
    const space = text.indexOf(0x20, at);
    if (space < 0) break;
    const len = Number.parseInt(text.subarray(at, space).toString('latin1'), 10);
    if (!(len > 0) || at + len > text.length) throw new Error('tar: a malformed pax header');
    const record = text.subarray(space + 1, at + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    at += len;
  }
  return out;
}

function typeOf(flag: string): EntryType {
  switch (flag) {
    case '0':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
    case '4':
      return 'device';
    case '5':
      return 'directory';
    case '6':
      return 'fifo';
    default:
      return 'other';
  }
}
