/**
 * Runs the main step's bundle (dist/main/index.cjs, a CommonJS script) with a
 * V8 code cache made after it ran.
 *
 * Why not Node's compile cache alone: it stores what V8 compiled when a module
 * was compiled, before it ran — the top level, not the functions, which V8
 * compiles lazily on first call. Every step therefore compiled again every
 * function it calls: zod building and checking the schema, the YAML parser,
 * the action's own code — about 12 ms of a warm step (docs/performance.md).
 * A cache made after the run (`script.createCachedData()`) holds those too.
 * Only a classic script offers that (`vm.SourceTextModule` needs a flag), so
 * the main step is bundled as CommonJS and run here through `node:vm`.
 *
 * Trust. Bytecode from a cache runs as the step. The cache lives only in the
 * step's private directory (cache-dir.ts), in a file of this user that
 * others cannot write, opened without following a link. And since V8 checks
 * only its version, its flags and the source's length before it runs a
 * cache's bytecode, the file carries the very bytes it was made for, compared
 * with the bundle's before V8 sees the cache. Any failure to read or write it
 * costs only the speed-up, never the step: the script then runs without a
 * cache, as in the first step of a job.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

export interface LoadedScript<T> {
  /** What the script assigned to `module.exports`. */
  exports: T;
  /** Whether a cache was given to V8 and accepted. */
  cacheUsed: boolean;
  /** Writes the cache for the next run, unless one was used; after the script has done its work. Never throws. */
  saveCache(): void;
}

const MAGIC = 'gvisor-cell code cache v2';

/** FNV-1a of the path: one cache file per copy of the bundle, without loading node:crypto (slow to load). */
function nameFor(file: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < file.length; i++) h = Math.imul(h ^ file.charCodeAt(i), 0x01000193) >>> 0;
  return `main-${h.toString(16).padStart(8, '0')}.v8cache`;
}

/** The header line: what the cache was made by and for. The source's bytes follow it, then V8's data. */
function headerFor(sourceBytes: number): Buffer {
  return Buffer.from(`${JSON.stringify([MAGIC, process.version, process.arch, sourceBytes])}\n`);
}

/** V8's data in `cacheFile`, if the file is ours and was made for exactly `source`. */
function readCache(cacheFile: string, source: Buffer): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(cacheFile, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile() || st.uid !== process.geteuid?.() || (st.mode & 0o022) !== 0) return undefined;
    const data = readFileSync(fd);
    const header = headerFor(source.length);
    const start = header.length + source.length;
    if (data.length <= start || !data.subarray(0, header.length).equals(header)) return undefined;
    if (!data.subarray(header.length, start).equals(source)) return undefined;
    return data.subarray(start);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Runs `file` as a CommonJS module (its own `require`, `module`, `__dirname`)
 * with the code cache kept in `cacheDir` (from privateCacheDir; none when
 * undefined).
 */
export function runScript<T>(file: string, cacheDir: string | undefined): LoadedScript<T> {
  // One read: the bytes compared with the cache's are the bytes compiled.
  const bytes = readFileSync(file);
  const cacheFile = cacheDir ? path.join(cacheDir, nameFor(file)) : undefined;
  const cachedData = cacheFile ? readCache(cacheFile, bytes) : undefined;
  // The wrapper is Node's own for CommonJS, on the first line so that line numbers stay the bundle's.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${bytes.toString('utf8')}\n})`, {
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
      if (cacheUsed || !cacheFile) return;
      const partial = `${cacheFile}.${process.pid}.partial`;
      try {
        writeFileSync(partial, Buffer.concat([headerFor(bytes.length), bytes, script.createCachedData()]), { mode: 0o600, flag: 'wx' });
        // Whole or not at all: a concurrent step reads the old file or the new one.
        renameSync(partial, cacheFile);
      } catch {
        try {
          rmSync(partial, { force: true });
        } catch {
          // Nothing more to do: the cache only ever saves time.
        }
      }
    },
  };
}
