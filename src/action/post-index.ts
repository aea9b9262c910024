/** Entry of the post step (bundled separately, so it loads only what cleanup needs). */
import module from 'node:module';
import { lineLogger } from '../log.js';
import { privateCacheDir } from './cache-dir.js';
import { commands } from './commands.js';

// Node's compile cache only in the step's private directory (cache-dir.ts says why), or not at all.
const cacheDir = privateCacheDir(process.env);
if (cacheDir) module.enableCompileCache?.(cacheDir);
const { post } = await import('./post.js');
try {
  await post();
} catch (error) {
  // Cleanup must never fail the job on its own; say what happened.
  const core = await import('@actions/core');
  commands(core, lineLogger(process.stdout)).warning(`gvisor-cell cleanup: ${error instanceof Error ? error.message : String(error)}`);
}
