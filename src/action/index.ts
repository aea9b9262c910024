/**
 * Entry of the main step. It only turns on Node's compile cache (Node 22.1+,
 * so the runner's node24) before loading the bundle: every later step of the
 * job that uses the action — and every job on a persistent self-hosted runner
 * — then skips compiling it (what that saves: README,
 * Performance). Everything else, including the one place errors become a
 * failed step, is in main.ts.
 */
import module from 'node:module';

module.enableCompileCache?.();
const { run } = await import('./main.js');
await run();
