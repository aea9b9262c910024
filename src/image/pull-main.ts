/**
 * The pull as its own program (dist/pull/index.js), for an action that is not
 * root: run through `sudo -n`, it unpacks as root, so the tree keeps the
 * image's owners (root's /etc, a node user's home) as `docker pull` would.
 * Arguments: REFERENCE TOOL_CACHE. Progress lines on stderr; the result, as
 * JSON, on stdout; exit 1 with the error on stderr.
 */
import { pullImage } from './pull.js';

async function main(): Promise<void> {
  const [reference, toolCache] = process.argv.slice(2);
  if (!reference || !toolCache) throw new Error('usage: pull REFERENCE TOOL_CACHE');
  // raw: to the action's process (image/index.ts), which logs these lines through its own sinks.
  const pulled = await pullImage(reference, { toolCache, log: (line) => process.stderr.write(`${line}\n`) });
  // raw: the result, read by the action's process, never the job log.
  process.stdout.write(JSON.stringify(pulled));
}

main().catch((error: unknown) => {
  // raw: the error, made an Error of the action's process (image/index.ts), which reports it through its sinks.
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
