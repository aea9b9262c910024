/**
 * Runs the main step's bundle (dist/main/index.cjs, a CommonJS script) with a
 * V8 code cache made after it ran, kept in Node's compile-cache directory.
 *
 * Why not Node's own compile cache alone: it stores what V8 compiled when the
 * module was compiled, before it ran — the top level, not the functions, which
 * V8 compiles lazily on first call. Every step therefore compiled again every
 * function it calls: zod building and checking the schema, the YAML parser,
 * the action's own code — about 11 ms of a warm step (README, Performance).
 * A cache made after the run (`script.createCachedData()`) holds those too.
 * Only a classic script offers that (`vm.SourceTextModule` needs a flag), so
 * the main step is bundled as CommonJS and run here through `node:vm`.
 *
 * Trust. V8 checks only its own version and flags and the source's length
 * before it runs a cache's bytecode, so the cache is tied to the bundle here:
 * its header records the bundle's path, size, inode and change time, and
 * anything else is ignored (the change time moves with every write, rename
 * or chmod). It is used only from a directory and a file owned by this user
 * and not writable by others, so that no other user of the machine can plant
 * one. Any failure to read or write it costs only the speed-up, never the
 * step: the script then runs without a cache, as on the first step of a job.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

export interface LoadedScript<T> {
  /** What the script assigned to `module.exports`. */
  exports: T;
  /** Whether a cache was given to V8 and accepted. */
  cacheUsed: boolean;
  /** Writes the cache for the next run, unless one was used; after the script has done its work. */
  saveCache(): void;
}

const MAGIC = 'gvisor-cell code cache v1';

/** The file's identity, as recorded in the cache's header: it changes with any change to the file. */
function identity(file: string): string {
  const st = statSync(file, { bigint: true });
  return JSON.stringify([
    MAGIC,
    file,
    String(st.size),
    String(st.ino),
    String(st.ctimeNs),
    String(st.mtimeNs),
    process.version,
    process.arch,
  ]);
}

/** FNV-1a of the path: one cache file per bundle, without loading node:crypto (slow to load). */
function nameFor(file: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) h = Math.imul(h ^ file.charCodeAt(i), 0x01000193) >>> 0;
  return `gvisor-cell-${h.toString(16).padStart(8, '0')}.v8cache`;
}

/** Owned by this user and not writable by group or others. */
function ours(st: { uid: number; mode: number }): boolean {
  return st.uid === process.getuid?.() && (st.mode & 0o022) === 0;
}

/** The cached data recorded for `header`, if the file is ours and was made for it. */
function readCache(cacheFile: string, header: Buffer): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(cacheFile, constants.O_RDONLY | constants.O_NOFOLLOW);
    const st = fstatSync(fd);
    if (!st.isFile() || !ours(st)) return undefined;
    const data = readFileSync(fd);
    if (data.length <= header.length || !data.subarray(0, header.length).equals(header)) return undefined;
    return data.subarray(header.length);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Runs `file` as a CommonJS module (its own `require`, `module`, `__dirname`)
 * with the code cache kept in `cacheDir`; none when `cacheDir` is undefined
 * (Node's compile cache is off: NODE_DISABLE_COMPILE_CACHE, or a Node without it).
 */
export function runScript<T>(file: string, cacheDir: string | undefined): LoadedScript<T> {
  const source = readFileSync(file, 'utf8');
  let cacheFile: string | undefined;
  let header: Buffer | undefined;
  let cachedData: Buffer | undefined;
  try {
    if (cacheDir && ours(statSync(cacheDir))) {
      cacheFile = path.join(cacheDir, nameFor(file));
      header = Buffer.from(`${identity(file)}\n`);
      cachedData = readCache(cacheFile, header);
    }
  } catch {
    cacheFile = undefined;
  }
  // The wrapper is Node's own for CommonJS, on the first line so that line numbers stay the bundle's.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
    // ncc turns the bundle's own import() into require; one that is left (a package's) still works.
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const cacheUsed = cachedData !== undefined && !script.cachedDataRejected;
  const mod = { exports: {} as T };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(mod.exports, mod.exports, module.createRequire(file), mod, file, path.dirname(file));
  return {
    exports: mod.exports,
    cacheUsed,
    saveCache: () => {
      if (cacheUsed || !cacheFile || !header) return;
      const partial = `${cacheFile}.${process.pid}.partial`;
      try {
        writeFileSync(partial, Buffer.concat([header, script.createCachedData()]), { mode: 0o600, flag: 'wx' });
        // Whole or not at all: a concurrent step reads the old file or the new one.
        renameSync(partial, cacheFile);
      } catch {
        rmSync(partial, { force: true });
      }
    },
  };
}
