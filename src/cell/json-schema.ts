/**
 * The JSON Schema of the cell document, generated from the zod schema (never
 * written by hand) so editors can validate documents as they are typed:
 * `# yaml-language-server: $schema=…/cell.schema.json`. The committed copy,
 * cell.schema.json, is kept in step by test/unit/json-schema.test.ts
 * (`npm run schema` rewrites it).
 */
import * as z from 'zod';
import { CellSchema } from './schema.js';

/** One line per key, for editors' hover text; the README's table says more. */
const DESCRIPTIONS: Record<string, string> = {
  name: 'Label for logs, the summary and the container id.',
  run: 'A script, run by `shell` like a workflow step’s run:. Exactly one of run and command.',
  shell: 'bash (bash --noprofile --norc -eo pipefail) or sh (sh -e). Only with run.',
  command: 'An exact argv, no shell. Exactly one of run and command.',
  'working-directory': 'Relative to the workspace; may not leave it.',
  env: 'Variables for the cell; applied last.',
  'pass-env': 'Names of the action’s own variables to copy in (explicit opt-in). ACTIONS_*, INPUT_*, STATE_* are refused.',
  rootfs: 'host (an allow-listed view of the runner) or { path: <dir> } (a prepared root filesystem).',
  workspace: 'overlay (writes stay in the cell), read-only, read-write (writes persist) or none.',
  mounts:
    'Extra host paths: [{ source, target, mode }]. No target twice or inside another; overlay and read-write (workspace included) not in one cell.',
  collect: 'Workspace-relative paths copied back to the host after the run. Not with workspace: none.',
  network: 'none (loopback only) or host (the runner’s network).',
  user: 'runner (the action’s uid/gid) or root (uid 0 inside the cell only).',
  limits:
    'timeout (90s, 10m, 1h), memory (512Mi, 2G), cpus (1.5), pids; bounds on what the cell may spend of the runner, with defaults to raise: tmpfs (default 2Gi), log (default 256Mi), collect (default 2Gi).',
  hostname: 'The cell’s hostname; defaults to name.',
};

/** The bounds under `limits`, each with its default: a cell gets them whether or not the document names them. */
const LIMIT_DESCRIPTIONS: Record<string, string> = {
  tmpfs: 'Size of each of /tmp, /var/tmp and HOME (in memory; writes past it fail with ENOSPC); /run gets at most 64Mi. Default 2Gi.',
  log: 'Most bytes of output kept in the log-file output; past it the file ends with a line saying where it was cut. Default 256Mi.',
  collect: 'Most bytes `collect` brings back, counting 4 KiB for each file or directory. Default 2Gi.',
};

export const SCHEMA_ID = 'https://raw.githubusercontent.com/acme/gvisor-cell/main/cell.schema.json';

export function cellJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(CellSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown> & {
    properties: Record<string, Record<string, unknown>>;
  };
  for (const [key, text] of Object.entries(DESCRIPTIONS)) {
    const property = schema.properties[key];
    if (property) property.description = text;
  }
  const limits = schema.properties.limits?.properties as Record<string, Record<string, unknown>> | undefined;
  for (const [key, text] of Object.entries(LIMIT_DESCRIPTIONS)) {
    const property = limits?.[key];
    if (property) property.description = text;
  }
  return { $id: SCHEMA_ID, title: 'gvisor-cell cell document (v1)', ...schema };
}
