/**
 * The end-to-end suite's way to run the action (test/support/runner.ts under
 * vitest): on the Node that global setup provides, as a pull_request job, with
 * canary credentials planted in the action's environment.
 */
import path from 'node:path';
import { inject } from 'vitest';
import type { Job } from '../support/job.js';
import { type ActionRun, type RunOptions, runAction as runWith } from '../support/runner.js';

/** Canary credentials planted in the action's environment; no cell may see any of them. */
export const CANARIES: Record<string, string> = {
  ACTIONS_RUNTIME_TOKEN: 'canary-runtime-token-6f1d',
  ACTIONS_CACHE_URL: 'https://canary-cache.invalid/',
  ACTIONS_RESULTS_URL: 'https://canary-results.invalid/',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'canary-oidc-token-91ab',
  GITHUB_TOKEN: 'canary-github-token-77c2',
  NODE_AUTH_TOKEN: 'canary-npm-token-c0de',
  MY_SECRET: 'canary-user-secret-5e5e',
};

/** Runs main (and post, when `post-if` would run it) as the runner would, in a pull_request job. */
export function runAction(job: Job, options: Omit<RunOptions, 'node'> = {}): Promise<ActionRun> {
  return runWith(job, {
    ...options,
    node: inject('actionNode'),
    env: {
      GITHUB_REF: 'refs/pull/7/merge',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_JOB: 'test',
      GITHUB_EVENT_PATH: path.join(job.temp, '_github_workflow', 'event.json'),
      ...CANARIES,
      ...options.env,
    },
  });
}
