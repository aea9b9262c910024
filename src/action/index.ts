/**
 * Entry of the main step. It turns on Node's compile cache (Node 22.1+, so
 * the runner's node24) for the modules loaded on demand, then runs the main
 * bundle — dist/main/index.cjs, built from main-script.cjs — with a code cache
 * of its own, made after the first run (code-cache.ts says why; what it
 * saves: README, Performance). Every later step of the job that uses the
 * action, and every job on a persistent self-hosted runner, then skips
 * compiling it. Everything else, including the one place errors become a
 * failed step, is in main.ts.
 */
import module from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runScript } from './code-cache.js';
import type * as Main from './main.js';

module.enableCompileCache?.();
const bundle = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main', 'index.cjs');
const main = runScript<typeof Main>(bundle, module.getCompileCacheDir?.());
await main.exports.run();
main.saveCache();
