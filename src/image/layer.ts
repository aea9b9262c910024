/**
 * Applies image layers, in order, to a directory of the action's own (the
 * cache entry being made), as `docker pull` would: whiteouts delete what a
 * lower layer put there, an opaque directory hides all of it.
 *
 * Nothing is ever written outside `root`: a name with `..` fails the layer;
 * links are resolved inside `root` as if it were `/` (an absolute link, or
 * one that climbs, lands inside); an entry's own last component is replaced,
 * never followed; a hard link's target must already be in the tree. Device
 * nodes and FIFOs are skipped (a cell cannot use them: its /dev is gVisor's).
 */
import {
  chmodSync,
  chownSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  futimesSync,
  lchownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  openSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { readTar, type TarEntry } from './tar.js';

export interface UnpackStats {
  entries: number;
  /** Bytes of file data written. */
  bytes: number;
  /** How many device nodes and FIFOs were left out, and the first few names (shortened): a layer could hold millions. */
  skippedCount: number;
  skipped: string[];
}

const SKIPPED_NAMES = 20;

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';
const MAX_LINKS = 255;

/** A tree being built from layers; `finish` once the last is applied. */
export class LayeredTree {
  readonly stats: UnpackStats = { entries: 0, bytes: 0, skippedCount: 0, skipped: [] };
  /** Directories' own metadata, applied last (their contents change under them until then). */
  private readonly dirs = new Map<string, TarEntry>();
  private readonly asRoot: boolean;

  constructor(
    private readonly root: string,
    asRoot = process.getuid?.() === 0,
  ) {
    this.asRoot = asRoot;
    mkdirSync(root, { recursive: true, mode: 0o755 });
  }

  /** Applies one layer's (decompressed) tar stream. `label` names it in errors. */
  async apply(input: AsyncIterable<Buffer>, label: string): Promise<void> {
    const made = new Set<string>();
    let fd: number | undefined;
    try {
      await readTar(input, {
        entry: (e) => {
          this.stats.entries++;
          const at = this.place(e, made, label);
          if (at === undefined) return undefined;
          fd = openSync(at, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
          const open = fd;
          return (chunk) => {
            let off = 0;
            while (off < chunk.length) off += writeSync(open, chunk, off);
            this.stats.bytes += chunk.length;
          };
        },
        end: (e) => {
          if (fd === undefined) return;
          const open = fd;
          fd = undefined;
          try {
            if (this.asRoot) fchownSync(open, e.uid, e.gid);
            fchmodSync(open, e.mode & 0o7777);
            futimesSync(open, e.mtime, e.mtime);
          } finally {
            closeSync(open);
          }
        },
      });
    } catch (error) {
      // The error keeps its class (the pull tells a kept blob that fails its digest from the rest).
      if (!(error instanceof Error)) throw new Error(`${label}: ${String(error)}`);
      if (!error.message.startsWith(`${label}: `)) error.message = `${label}: ${error.message}`;
      throw error;
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }

  /** Directories get their modes, owners and times, deepest first. */
  finish(): void {
    const dirs = [...this.dirs].sort(([a], [b]) => b.length - a.length);
    for (const [at, e] of dirs) {
      const st = lstatSync(at, { throwIfNoEntry: false });
      if (!st?.isDirectory()) continue;
      if (this.asRoot) chownSync(at, e.uid, e.gid);
      chmodSync(at, e.mode & 0o7777);
      utimesSync(at, e.mtime, e.mtime);
    }
    this.dirs.clear();
  }

  /**
   * Makes the entry (all but a file's data); returns where a file's data goes.
   * Entries of this layer are recorded in `made`, which an opaque marker keeps.
   */
  private place(e: TarEntry, made: Set<string>, label: string): string | undefined {
    const parts = components(e.name, label);
    if (parts.length === 0) {
      if (e.type === 'directory') this.dirs.set(this.root, e);
      return undefined;
    }
    const base = parts[parts.length - 1] as string;
    const dir = this.resolveDir(parts.slice(0, -1), label, e.name, true, made);
    if (base === OPAQUE) {
      this.hideLower(dir, made);
      return undefined;
    }
    if (base.startsWith(WHITEOUT)) {
      const hidden = base.slice(WHITEOUT.length);
      if (hidden === '' || hidden === '.' || hidden === '..') throw new Error(`${label}: ${e.name}: a whiteout of nothing`);
      // A whiteout hides what the layers below put there, never what its own layer did.
      const at = path.join(dir, hidden);
      if (!made.has(at)) this.remove(at);
      return undefined;
    }
    const at = path.join(dir, base);
    made.add(at);
    const existing = lstatSync(at, { throwIfNoEntry: false });
    if (e.type === 'directory') {
      if (existing && !existing.isDirectory()) this.remove(at);
      if (!existing?.isDirectory()) mkdirSync(at, { mode: 0o755 });
      this.dirs.set(at, e);
      return undefined;
    }
    if (e.type === 'device' || e.type === 'fifo') {
      if (++this.stats.skippedCount <= SKIPPED_NAMES) this.stats.skipped.push(e.name.length > 256 ? `${e.name.slice(0, 253)}...` : e.name);
      return undefined;
    }
    if (e.type === 'other') return undefined;
    if (existing) this.remove(at);
    if (e.type === 'symlink') {
      symlinkSync(e.linkname, at);
      if (this.asRoot) lchownSync(at, e.uid, e.gid);
      lutimesSync(at, e.mtime, e.mtime);
      return undefined;
    }
    if (e.type === 'hardlink') {
      const targetParts = components(e.linkname, label);
      if (targetParts.length === 0) throw new Error(`${label}: ${e.name}: a hard link to the root`);
      const target = path.join(
        this.resolveDir(targetParts.slice(0, -1), label, e.linkname, false),
        targetParts[targetParts.length - 1] as string,
      );
      const st = lstatSync(target, { throwIfNoEntry: false });
      if (!st || st.isDirectory()) {
        throw new Error(`${label}: ${e.name}: a hard link to ${e.linkname}, which is ${st ? 'a directory' : 'not in the image'}`);
      }
      linkSync(target, at);
      return undefined;
    }
    return at;
  }

  /** An opaque directory: everything below `dir` that this layer did not make goes, at any depth. */
  private hideLower(dir: string, made: ReadonlySet<string>): void {
    for (const child of readdirSync(dir)) {
      const at = path.join(dir, child);
      if (!made.has(at)) this.remove(at);
      else if (lstatSync(at).isDirectory()) this.hideLower(at, made);
    }
  }

  /**
   * The real directory for `parts` below the root, links followed as if the
   * root were `/` (so never out of it), missing directories made (and, with
   * `made`, recorded as this layer's).
   */
  private resolveDir(parts: string[], label: string, name: string, create = true, made?: Set<string>): string {
    const queue = [...parts];
    const cur: string[] = [];
    let links = 0;
    while (queue.length > 0) {
      const p = queue.shift() as string;
      if (p === '' || p === '.') continue;
      if (p === '..') {
        cur.pop();
        continue;
      }
      const at = path.join(this.root, ...cur, p);
      const st = lstatSync(at, { throwIfNoEntry: false });
      if (!st) {
        if (!create) throw new Error(`${label}: ${name}: ${path.join(...cur, p)} is not in the image`);
        mkdirSync(at, { mode: 0o755 });
        made?.add(at);
        cur.push(p);
        continue;
      }
      if (st.isSymbolicLink()) {
        if (++links > MAX_LINKS) throw new Error(`${label}: ${name}: too many levels of symbolic links`);
        const target = readlinkSync(at);
        if (target.startsWith('/')) cur.length = 0;
        queue.unshift(...target.split('/'));
        continue;
      }
      if (!st.isDirectory()) throw new Error(`${label}: ${name}: ${path.join(...cur, p)} is not a directory`);
      cur.push(p);
    }
    return path.join(this.root, ...cur);
  }

  private remove(at: string): void {
    const st = lstatSync(at, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      // A directory of the image may be unwritable (0555) to a non-root unpacker.
      if (!this.asRoot) chmodSync(at, 0o755);
      rmSync(at, { recursive: true, force: true });
      for (const d of this.dirs.keys()) if (d === at || d.startsWith(`${at}/`)) this.dirs.delete(d);
    } else unlinkSync(at);
  }
}

/** A layer entry's name as path components; `..` anywhere fails the layer. */
function components(name: string, label: string): string[] {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new Error(`${label}: the entry ${JSON.stringify(name)} climbs out of the image (..): refused`);
  if (name.includes('\0')) throw new Error(`${label}: an entry name holds a NUL byte`);
  return parts;
}
