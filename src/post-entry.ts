/** Entry of the post step (bundled separately, so it loads only what cleanup needs). */
import * as core from '@actions/core';
import { post } from './post.js';

try {
  await post();
} catch (error) {
  // Cleanup must never fail the job on its own; say what happened.
  core.warning(`gvisor-cell cleanup: ${error instanceof Error ? error.message : String(error)}`);
}
