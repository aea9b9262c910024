/**
 * Entry of the main step. It runs the main bundle — dist/main/index.cjs,
 * built by scripts/bundle-main.mjs — with a code cache of its own, made after
 * the first step of the job and used by every later one (code-cache.ts says
 * why, cache-dir.ts where it may live; what it saves: docs/performance.md).
 * Node's own compile cache, for the chunks loaded on demand, is kept in the
 * same private directory, or not at all — unless NODE_COMPILE_CACHE names
 * one: Node then enables its cache before any of this runs, the user's
 * choice. Everything else, including the one place errors become a failed
 * step, is in main.ts.
 */
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { privateCacheDir } from './cache-dir.js';
import { runScript } from './code-cache.js';
import type * as Main from './main.js';

const cacheDir = openCompileCache();
const bundle = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main', 'index.cjs');
const main = runScript<typeof Main>(bundle, cacheDir);
await main.exports.run();
main.saveCache();

/** Node's compile cache in the private directory; the directory, unless the cache is off (NODE_DISABLE_COMPILE_CACHE). */
function openCompileCache(): string | undefined {
  const dir = privateCacheDir(process.env);
  if (!dir || !module.enableCompileCache) return undefined;
  const { status } = module.enableCompileCache(dir);
  return status === module.constants.compileCacheStatus.DISABLED ? undefined : dir;
}
