/**
 * The cell document, v1: the one description of what a user may write. Each
 * leaf carries its own "expected …" message so that errors name the key and
 * what would have been right (parse.ts renders them with their key path).
 *
 * Every rule about a document alone lives here, the rules between keys too,
 * so that `gvisor-cell validate`, the editor (cell.schema.json, generated
 * from this) and a run all judge a document the same way. What the values
 * mean for the sandbox is decided later, in bundle/, which refuses only what
 * the host cannot do.
 */
import path from 'node:path';
import * as z from 'zod';
import { ENTRY_PATTERN, parseEntry } from '../egress/allow-list.js';
import { parseReference } from '../image/reference.js';
import {
  CPUS_PATTERN,
  DURATION_PATTERN,
  durationSuggestion,
  MAX_CPUS,
  MAX_DURATION_MS,
  MIN_CPUS,
  parseCpus,
  parseDuration,
  parseSize,
  SIZE_PATTERN,
  sizeSuggestion,
} from './units.js';

// A step validates one document: compiling zod's JIT parsers (`new Function`)
// for it costs more than it saves (README, Performance).
z.config({ jitless: true });

/** Renders a rejected value compactly for an error message. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const expected =
  (what: string) =>
  (issue: { input?: unknown }): string =>
    `expected ${what}, got ${show(issue.input)}`;

// Written as patterns (not refinements) so that cell.schema.json carries them to editors too.
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const NO_CONTROL = /^[^\u0000-\u001f\u007f]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting NUL is the point
const NO_NUL = /^[^\u0000]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HOSTNAME = /^(?=.{1,63}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** Targets a mount may never cover: gVisor provides them, and `/` is the cell itself. */
const RESERVED_TARGETS = ['/proc', '/dev', '/sys'];

/** A path relative to the workspace that stays inside it; normalised ('' → '.'). */
export function workspaceRelative(value: string): string | undefined {
  if (value.includes('\0') || path.posix.isAbsolute(value) || value.trim() === '') return undefined;
  const normal = path.posix.normalize(value).replace(/\/+$/, '') || '.';
  if (normal === '..' || normal.startsWith('../')) return undefined;
  return normal;
}

/** workspaceRelative as a JSON Schema pattern, for editors, but for `a/../../x` (which needs counting). */
const RELATIVE_PATTERN = '^(?!/)(?!(?:\\./+)*\\.\\.(?:/|$))(?=[\\s\\S]*\\S)[^\\u0000]*$';

const relativePath = (what: string) =>
  z
    .string({ error: expected(`${what} (a path relative to the workspace)`) })
    .meta({ pattern: RELATIVE_PATTERN })
    .transform((value, ctx) => {
      const normal = workspaceRelative(value);
      if (normal === undefined) {
        ctx.addIssue({
          code: 'custom',
          input: value,
          message: `expected ${what} relative to the workspace that stays inside it, got ${show(value)}`,
        });
        return z.NEVER;
      }
      return normal;
    });

/** The checks of absoluteTarget as a JSON Schema pattern, for editors, but for `/x/..` (which needs normalising). */
const TARGET_PATTERN = '^/(?!/*$)(?!/*(?:proc|dev|sys)(?:/|$))[^\\u0000]*$';

const absoluteTarget = z
  .string({ error: expected('an absolute path such as /cache') })
  .meta({ pattern: TARGET_PATTERN })
  .transform((value, ctx) => {
    const normal = path.posix.normalize(value).replace(/(.)\/+$/, '$1');
    const reserved = RESERVED_TARGETS.find((r) => normal === r || normal.startsWith(`${r}/`));
    let problem: string | undefined;
    if (value.includes('\0') || !path.posix.isAbsolute(value)) problem = 'an absolute path such as /cache';
    else if (normal === '/') problem = 'a path below /, not / itself';
    else if (reserved) problem = `a path outside ${reserved} (gVisor provides it)`;
    if (problem) {
      ctx.addIssue({ code: 'custom', input: value, message: `expected ${problem}, got ${show(value)}` });
      return z.NEVER;
    }
    return normal;
  });

/**
 * What an editor shows for a size, a duration or a CPU count it refuses
 * (yaml-language-server's errorMessage): one message for every way to get
 * it wrong, so it says what the action's messages say between them.
 */
const SIZE_IN_EDITOR =
  'expected a size like 512Mi or 2G (or a number of bytes): K, M, G, T count in 1000s and Ki, Mi, Gi, Ti (or KiB … TiB) in 1024s, so 4G or 4Gi, not 4GB';
const DURATION_IN_EDITOR =
  'expected a duration from 1ms to 24 days like 90s, 10m, 1h or 1h30m (or a number of seconds); the units are ms, s, m and h';
const CPUS_IN_EDITOR = 'expected a number of CPUs from 0.01 to 1024 such as 1.5';

/** "expected a size …", or for 4GB and its like the two sizes it could mean. */
function sizeError(issue: { input?: unknown }): string {
  const both = typeof issue.input === 'string' ? sizeSuggestion(issue.input) : undefined;
  return `expected ${both ?? 'a size like 512Mi or 2G (or a number of bytes)'}, got ${show(issue.input)}`;
}

const size = z
  .union([z.number().int({ error: sizeError }).positive({ error: sizeError }), z.string().regex(SIZE_PATTERN, { error: sizeError })], {
    error: sizeError,
  })
  .transform((value, ctx) => {
    const bytes = parseSize(value);
    if (bytes === undefined) {
      ctx.addIssue({ code: 'custom', input: value, message: `expected a size like 512Mi or 2G, got ${show(value)}` });
      return z.NEVER;
    }
    return bytes;
  })
  .meta({ errorMessage: SIZE_IN_EDITOR });

/** "expected a duration …", or for 10min, 1d, 1H the spelling the action reads. */
function durationError(issue: { input?: unknown }): string {
  const suggestion = typeof issue.input === 'string' ? durationSuggestion(issue.input) : undefined;
  return suggestion
    ? `expected ${suggestion} (the units are ms, s, m and h), got ${show(issue.input)}`
    : `expected a duration like 90s, 10m, 1h (or a number of seconds), got ${show(issue.input)}`;
}

const DURATION_RANGE = expected('a duration between 1ms and 24 days, like 90s, 10m or 1h');
const duration = z
  .union(
    [
      // The bounds parseDuration puts on a number of seconds (1ms once rounded, 2^31-1 ms), here so that editors have them.
      z
        .number()
        .min(0.0005, { error: DURATION_RANGE })
        .max(MAX_DURATION_MS / 1000, { error: DURATION_RANGE }),
      z.string().regex(DURATION_PATTERN, { error: durationError }),
    ],
    { error: durationError },
  )
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', input: value, message: DURATION_RANGE({ input: value }) });
      return z.NEVER;
    }
    return ms;
  })
  .meta({ errorMessage: DURATION_IN_EDITOR });

const CPUS_RANGE = expected('a number of CPUs from 0.01 to 1024 such as 1.5');
const cpus = z
  .union(
    [
      z.number().min(MIN_CPUS, { error: CPUS_RANGE }).max(MAX_CPUS, { error: CPUS_RANGE }),
      z.string().regex(CPUS_PATTERN, { error: CPUS_RANGE }),
    ],
    {
      error: expected('a number of CPUs such as 1.5'),
    },
  )
  .transform((value) => parseCpus(value) as number)
  .meta({ errorMessage: CPUS_IN_EDITOR });

const envValue = z
  .union([z.string(), z.number(), z.boolean()], { error: expected('a string, number or boolean') })
  .transform((v) => String(v))
  .refine((v) => !v.includes('\0'), { error: 'expected a value without NUL bytes' })
  .meta({ pattern: NO_NUL.source });

const envName = z.string().regex(ENV_NAME, { error: expected('a variable name such as MY_VAR') });

/**
 * `pass-env` is an explicit opt-in, but never for these: the runner's own
 * credentials (cache and artifact tokens), the action's inputs, post-step state.
 */
const NOT_NEVER_PASSED = /^(?!(?:ACTIONS|INPUT|STATE)_)/;
const passEnvName = envName.regex(NOT_NEVER_PASSED, {
  error: (issue) =>
    `${show(issue.input)} cannot be passed into a cell: ACTIONS_*, INPUT_* and STATE_* belong to the runner and this action`,
});

/**
 * A relative host path (a mount source, a prepared rootfs) is resolved in the
 * workspace and may not climb out of it: `../other-repo` would hand the cell
 * the runner's other files. Symbolic links inside the workspace are the
 * host's business, checked before the run (bundle/write.ts).
 */
function leavesWorkspace(value: string): boolean {
  if (path.posix.isAbsolute(value)) return false;
  const normal = path.posix.normalize(value);
  return normal === '..' || normal.startsWith('../');
}

/**
 * The common cases of leavesWorkspace as a JSON Schema pattern, for editors
 * (`a/../../x` needs counting, which a pattern cannot), and no NUL byte.
 */
const HOST_PATH_PATTERN = '^(?!(?:\\./+)*\\.\\.(?:/|$))[^\\u0000]*$';

const hostPath = (what: string) =>
  z
    .string({ error: expected(what) })
    .min(1, { error: expected(what) })
    .refine((v) => !v.includes('\0'), { error: 'expected a path without NUL bytes' })
    .refine((v) => !leavesWorkspace(v), { error: (issue) => `${String(issue.input)} is relative but leaves the workspace` })
    .meta({ pattern: HOST_PATH_PATTERN });

/** Each key says what it is in `.meta({ description })`: editors show it on hover (cell.schema.json). */
const about = (description: string) => ({ description });

export const MountSchema = z.strictObject(
  {
    source: hostPath('a host path (absolute, or relative to the workspace)')
      .refine((v) => path.posix.normalize(v) !== '/', {
        error: 'expected a directory you need, not / (the whole runner)',
      })
      .meta({
        pattern: `^(?!/+$)${HOST_PATH_PATTERN.slice(1)}`,
        ...about('The host path to mount: absolute, or relative to the workspace and staying inside it; it must exist. Not / itself.'),
      }),
    target: absoluteTarget.meta(
      about('Where it appears in the cell: an absolute path, not /, /proc, /dev or /sys, and in no other mount.'),
    ),
    mode: z
      .enum(['read-only', 'read-write', 'overlay'], { error: expected('read-only, read-write or overlay') })
      .default('read-only')
      .meta(
        about(
          'read-only (the default), read-write (writes reach the host) or overlay (writes stay in the cell). overlay and read-write (the workspace included) not in one cell.',
        ),
      ),
  },
  { error: expected('a mapping { source, target, mode }') },
);

/** One `network.allow` entry: the pattern for editors, the exact checks (allow-list.ts) for a run. */
const ENTRY = new RegExp(ENTRY_PATTERN);
const allowEntry = z
  .string({ error: expected('a host name, *.name, an IP literal, each with an optional :port') })
  .superRefine((value, ctx) => {
    // One message per entry, parseEntry's: the pattern (for editors, below) says less.
    const parsed = parseEntry(value);
    if ('error' in parsed) ctx.addIssue({ code: 'custom', input: value, message: `${parsed.error}, got ${show(value)}` });
  })
  .meta({ pattern: ENTRY.source });

/** An image reference, as near to image/reference.ts as a pattern gets: [registry/]name[:tag][@digest]. */
const NAME_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_PATTERN = `^(?:(?:[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]+)?/)?${NAME_COMPONENT}(?:/${NAME_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`;

/** `rootfs.image`: the reference parser's own message (image/reference.ts); the pattern, for editors, says less. */
const imageReference = z
  .string({ error: expected('an image reference such as docker.io/library/node:22 or ghcr.io/o/i@sha256:…') })
  .superRefine((value, ctx) => {
    try {
      parseReference(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', input: value, message: (error as Error).message });
    }
  })
  .meta({ pattern: IMAGE_PATTERN });

const EgressSchema = z
  .strictObject(
    {
      allow: z
        .array(allowEntry, { error: expected('a list of host names such as registry.npmjs.org') })
        .max(256, { error: 'expected at most 256 entries' })
        .meta(
          about(
            'Hosts the cell may reach: registry.npmjs.org, *.example.org (one or more labels), proxy.golang.org:443 (that port only; else 80 and 443), 203.0.113.7:8080 (an IP must be listed as such).',
          ),
        ),
      audit: z
        .boolean({ error: expected('true or false') })
        .default(false)
        .meta(
          about('true: allow every name (never the runner’s own, private or metadata addresses) and record each; for building the list.'),
        ),
    },
    { error: expected('a mapping { allow, audit }') },
  )
  .meta(about('Egress by name: only the hosts listed, through the action’s own DNS and proxies; every decision recorded (egress-log).'));

export const LimitsSchema = z.strictObject(
  {
    timeout: duration
      .optional()
      .meta(about('How long the cell may run (90s, 10m, 1h, 1h30m, or a number of seconds); then it is killed and the step fails.')),
    memory: size.optional().meta(about('Memory for the cell (512Mi, 2G, or a number of bytes), set on the sandbox’s cgroup.')),
    cpus: cpus.optional().meta(about('CPUs for the cell, from 0.01 to 1024 (1.5: one and a half), set on the sandbox’s cgroup.')),
    pids: z
      .int({ error: expected('a whole number of processes such as 256') })
      .min(1, { error: expected('at least 1 process') })
      .optional()
      .meta(about('Most processes and threads in the cell at once, set on the sandbox’s cgroup.')),
    // What a hostile cell could otherwise spend of the runner: see DEFAULT_BOUNDS.
    tmpfs: size
      .optional()
      .meta(
        about('Size of each of /tmp, /var/tmp and HOME (in memory; writes past it fail with ENOSPC); /run gets at most 64Mi. Default 2Gi.'),
      ),
    log: size
      .optional()
      .meta(
        about(
          'Most bytes of output kept in the log-file output; past it the file ends with a line saying where it was cut. Default 256Mi.',
        ),
      ),
    collect: size.optional().meta(about('Most bytes `collect` brings back, counting 4 KiB for each file or directory. Default 2Gi.')),
  },
  { error: expected('a mapping such as { timeout: 10m, memory: 2Gi }') },
);

/** The first item of an argv is the program; no item may hold a NUL byte. Draft-07 spelling, for editors. */
const ARGV_ITEMS = {
  items: [{ type: 'string', minLength: 1, pattern: NO_NUL.source }],
  additionalItems: { type: 'string', pattern: NO_NUL.source },
};

/** The keys of a document, each checked on its own. */
const CellKeys = z.strictObject({
  name: z
    .string({ error: expected('a short label such as unit-tests') })
    .min(1, { error: expected('a non-empty label') })
    .max(100, { error: expected('a label of at most 100 characters') })
    .regex(NO_CONTROL, { error: 'expected a label without control characters' })
    .default('cell')
    .meta(about('Label for logs, the summary and the container id (1–100 characters).')),
  run: z
    .string({ error: expected('a script (a string)') })
    .min(1, { error: expected('a non-empty script') })
    .optional()
    .meta(about('A script, run by `shell` like a workflow step’s run:. Exactly one of run and command.')),
  shell: z
    .enum(['bash', 'sh'], { error: expected('bash or sh') })
    .optional()
    .meta(about('bash (bash --noprofile --norc -eo pipefail, the default) or sh (sh -e). Only with run.')),
  command: z
    .array(z.string({ error: expected('a string') }).regex(NO_NUL, { error: 'expected no NUL bytes' }), {
      error: expected('a list of strings (the argv)'),
    })
    .min(1, { error: expected('at least the program to run') })
    .refine((argv) => argv[0] !== '', { error: 'expected the program (first item) to be non-empty' })
    .optional()
    .meta({ ...ARGV_ITEMS, ...about('An exact argv, no shell: [node, test.js, --ci]. Exactly one of run and command.') }),
  'working-directory': relativePath('a directory')
    .optional()
    .meta(about('Relative to the workspace; may not leave it; must exist. With workspace: none, relative to HOME.')),
  env: z
    .record(envName, envValue, { error: expected('a mapping of NAME: value') })
    .optional()
    .meta(about('Variables for the cell (NAME: value; numbers and booleans become strings); applied last.')),
  'pass-env': z
    .array(passEnvName, { error: expected('a list of variable names') })
    .optional()
    .meta(about('Names of the action’s own variables to copy in (explicit opt-in). ACTIONS_*, INPUT_*, STATE_* are refused.')),
  rootfs: z
    .union(
      [
        z.literal('host'),
        z.strictObject({
          path: hostPath('a directory path')
            .optional()
            .meta(
              about(
                'A root filesystem directory you prepared: absolute, or relative to the workspace and staying inside it. Never written to.',
              ),
            ),
          image: imageReference
            .optional()
            .meta(
              about(
                'A container image, pulled without Docker, verified, and cached unpacked in the tool cache: docker.io/library/node:22, ghcr.io/o/i@sha256:…',
              ),
            ),
        }),
      ],
      { error: expected('host, { path: <dir> } or { image: <reference> }') },
    )
    .default('host')
    .meta(
      about(
        'host (an allow-listed view of the runner, the default), { path: <dir> } (a prepared root filesystem) or { image: <reference> } (a container image).',
      ),
    ),
  system: z
    .enum(['read-only', 'overlay'], { error: expected('read-only or overlay') })
    .default('read-only')
    .meta(
      about(
        'read-only (the default): the runner’s /usr, /etc, /opt as they are. overlay: they and the package state in /var writable in memory (gone with the cell; the runner’s files never change), and sudo for the cell’s user. With rootfs: host only.',
      ),
    ),
  workspace: z
    .enum(['overlay', 'read-only', 'read-write', 'none'], { error: expected('overlay, read-only, read-write or none') })
    .default('overlay')
    .meta(about('overlay (the default: writes stay in the cell), read-only, read-write (writes persist on the host) or none.')),
  mounts: z
    .array(MountSchema, { error: expected('a list of { source, target, mode }') })
    .optional()
    .meta(
      about(
        'Extra host paths: [{ source, target, mode }]. No target twice or inside another; overlay and read-write (workspace included) not in one cell.',
      ),
    ),
  collect: z
    .array(relativePath('a path'), { error: expected('a list of workspace-relative paths') })
    .optional()
    .meta(about('Workspace-relative paths copied back to the host after the run, at most limits.collect bytes. Not with workspace: none.')),
  network: z
    .union([z.enum(['none', 'host']), EgressSchema], { error: expected('none, host or { allow: [names] }') })
    .default('none')
    .meta(
      about(
        'none (loopback only, the default), host (the runner’s network, with all it reaches) or { allow: [names], audit } (only the hosts named).',
      ),
    ),
  user: z
    .enum(['runner', 'root'], { error: expected('runner or root') })
    .default('runner')
    .meta(about('runner (the action’s uid/gid, the default) or root (uid 0 inside the cell only).')),
  limits: LimitsSchema.optional().meta(
    about(
      'timeout, memory, cpus, pids; and bounds on what the cell may spend of the runner, with defaults to raise: tmpfs (2Gi), log (256Mi), collect (2Gi).',
    ),
  ),
  hostname: z
    .string({ error: expected('a hostname such as my-cell') })
    .regex(HOSTNAME, { error: expected('a hostname such as my-cell') })
    .optional()
    .meta(about('The cell’s hostname; defaults to name, lower-cased, other characters as -.')),
});

type CheckedKeys = z.output<typeof CellKeys>;

const NEITHER = 'expected one of run (a script) or command (an argv), got neither';
const BOTH = 'expected one of run or command, got both';
const SHELL_WITH_COMMAND = 'shell applies to run only; command is executed as is';
const COLLECT_WITHOUT_WORKSPACE = 'there is no workspace to collect into with workspace: none';
const ROOTFS_ONE_OF = 'expected exactly one of path (a prepared directory) or image (a container image)';
const SYSTEM_WITH_ROOTFS_PATH =
  'system: overlay applies to rootfs: host (the runner’s system directories); a prepared rootfs is already writable in memory';
const OVERLAY_WITH_READ_WRITE =
  'overlay and read-write cannot be combined in one cell yet (runsc overlays either all writable mounts or none); make the read-write ones overlay, or the overlay ones read-write';

/**
 * The rules between keys, each with its key path. Run only once every key is
 * valid on its own (zod skips refinements after a key's own error), except
 * that unknown keys do not stop them.
 */
function checkAcrossKeys(cell: CheckedKeys, ctx: z.core.$RefinementCtx<CheckedKeys>): void {
  if ((cell.run === undefined) === (cell.command === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: cell.run === undefined ? NEITHER : BOTH,
    });
  }
  if (cell.command !== undefined && cell.shell !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['shell'], message: SHELL_WITH_COMMAND });
  }
  const targets: string[] = [];
  for (const [i, mount] of (cell.mounts ?? []).entries()) {
    const clash = targets.find((t) => t === mount.target || mount.target.startsWith(`${t}/`) || t.startsWith(`${mount.target}/`));
    if (clash === mount.target) {
      ctx.addIssue({ code: 'custom', path: ['mounts', i, 'target'], message: `${mount.target} is mounted twice` });
    } else if (clash) {
      ctx.addIssue({
        code: 'custom',
        path: ['mounts', i, 'target'],
        message: `${mount.target} overlaps ${clash}, mounted before; nest nothing in another mount`,
      });
    }
    targets.push(mount.target);
  }
  if (typeof cell.rootfs === 'object' && (cell.rootfs.path === undefined) === (cell.rootfs.image === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['rootfs'], message: ROOTFS_ONE_OF });
  }
  if (cell.system === 'overlay' && cell.rootfs !== 'host') {
    ctx.addIssue({ code: 'custom', path: ['system'], message: SYSTEM_WITH_ROOTFS_PATH });
  }
  // `collect` reads the paths back out of the cell's workspace and writes them into the runner's.
  if (cell.collect?.length && cell.workspace === 'none') {
    ctx.addIssue({ code: 'custom', path: ['collect'], message: COLLECT_WITHOUT_WORKSPACE });
  }
  // runsc's --overlay2 takes all writable binds or none: the first mount that makes the mix is named.
  const writable: [string, 'overlay' | 'read-write'][] = [];
  if (cell.workspace === 'overlay' || cell.workspace === 'read-write') writable.push(['workspace', cell.workspace]);
  for (const [i, mount] of (cell.mounts ?? []).entries()) {
    if (mount.mode === 'read-only') continue;
    const other = writable.find(([, mode]) => mode !== mount.mode);
    if (other) {
      ctx.addIssue({
        code: 'custom',
        path: ['mounts', i, 'mode'],
        message: `${OVERLAY_WITH_READ_WRITE} (this mount is ${mount.mode}; ${other[0]} is ${other[1]})`,
      });
      return;
    }
    writable.push([`mounts[${i}]`, mount.mode]);
  }
}

/** The part of a run document that only it has: a script, and the shell to run it. */
type RunPart = { run: string; shell?: 'bash' | 'sh'; command?: never };
/** The part of a command document: an exact argv, no shell. */
type CommandPart = { command: string[]; run?: never; shell?: never };

/**
 * Splits a checked document into its run or command form, so that the type
 * says what checkAcrossKeys made sure of: exactly one of them.
 */
function runOrCommand(cell: CheckedKeys): Cell {
  const { run, shell, command, ...rest } = cell;
  if (command !== undefined) return { ...rest, command };
  if (run !== undefined) return shell === undefined ? { ...rest, run } : { ...rest, run, shell };
  // Unreachable: checkAcrossKeys refused the document, and zod does not transform a refused one.
  throw new Error('a cell document without run or command got past the schema');
}

/**
 * The rules between keys as JSON Schema, for editors (cell.schema.json), each
 * mirroring a check of checkAcrossKeys with its message. Written with
 * if/then, `false` and enum rather than `not`, so that yaml-language-server
 * marks the key at fault with the message (errorMessage; for a failed `not`
 * it only says "Matches a schema that is not allowed").
 */
/** `if`/`then` in a rule: one place that builds an object with a then key, which a linter takes for a promise. */
// biome-ignore lint/suspicious/noThenProperty: JSON Schema's keyword, not a promise
const ifThen = (condition: object, consequence: object) => ({ if: condition, then: consequence });
const workspaceIs = (mode: string) => ({ required: ['workspace'], properties: { workspace: { const: mode } } });
/** Every mount's mode one of these, or the message about mixing overlay and read-write. */
const mountModes = (...modes: string[]) => ({
  properties: { mounts: { items: { properties: { mode: { enum: modes, errorMessage: OVERLAY_WITH_READ_WRITE } } } } },
});
const RULES_ACROSS_KEYS = [
  {
    anyOf: [
      { required: ['run'], errorMessage: NEITHER },
      { required: ['command'], errorMessage: NEITHER },
    ],
  },
  ifThen({ required: ['run'] }, { properties: { command: false }, errorMessage: BOTH }),
  ifThen({ required: ['command'] }, { properties: { shell: false }, errorMessage: SHELL_WITH_COMMAND }),
  ifThen(workspaceIs('none'), { properties: { collect: { const: [], errorMessage: COLLECT_WITHOUT_WORKSPACE } } }),
  ifThen(
    { required: ['rootfs'], properties: { rootfs: { type: 'object' } } },
    { properties: { rootfs: { oneOf: [{ required: ['path'] }, { required: ['image'] }], errorMessage: ROOTFS_ONE_OF } } },
  ),
  ifThen(
    { required: ['rootfs'], properties: { rootfs: { type: 'object' } } },
    { properties: { system: { const: 'read-only', errorMessage: SYSTEM_WITH_ROOTFS_PATH } } },
  ),
  // workspace defaults to overlay: `properties` holds when it is absent.
  ifThen({ properties: { workspace: { const: 'overlay' } } }, mountModes('read-only', 'overlay')),
  ifThen(workspaceIs('read-write'), mountModes('read-only', 'read-write')),
  ifThen(
    { required: ['mounts'], properties: { mounts: { contains: { required: ['mode'], properties: { mode: { const: 'overlay' } } } } } },
    mountModes('read-only', 'overlay'),
  ),
];

export const CellSchema = CellKeys.superRefine(checkAcrossKeys).transform(runOrCommand).meta({ allOf: RULES_ACROSS_KEYS });

/** The document as the user wrote it (before defaults and transforms). */
export type CellInput = z.input<typeof CellSchema>;
/** The validated, normalised document: sizes in bytes, durations in ms; exactly one of run and command. */
export type Cell = Omit<CheckedKeys, 'run' | 'shell' | 'command'> & (RunPart | CommandPart);

/** Every key the document accepts, per path, for "did you mean" suggestions. */
export const KNOWN_KEYS: Record<string, readonly string[]> = {
  '': Object.keys(CellKeys.shape),
  limits: Object.keys(LimitsSchema.shape),
  mounts: Object.keys(MountSchema.shape),
  rootfs: ['path', 'image'],
  network: ['allow', 'audit'],
};

/**
 * Defaults for the bounds a cell cannot raise from inside: each in-memory
 * scratch directory (/tmp, /var/tmp, /run, HOME), the log file on the runner,
 * and what `collect` may bring back. The document raises them under `limits`.
 */
export const DEFAULT_BOUNDS = {
  tmpfs: 2 * 2 ** 30,
  log: 256 * 2 ** 20,
  collect: 2 * 2 ** 30,
} as const;

/** A hostname derived from a free-text name: lower-case letters, digits and dashes. */
export function hostnameFor(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return slug || 'cell';
}

/** The network as the log and the summary name it. */
export function networkLabel(network: Cell['network']): string {
  if (typeof network === 'string') return network;
  if (network.audit) return 'audit (every name allowed and recorded)';
  const n = network.allow.length;
  return `allow-list (${n} ${n === 1 ? 'entry' : 'entries'})`;
}
