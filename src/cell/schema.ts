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
import { DURATION_PATTERN, parseCpus, parseDuration, parseSize, SIZE_PATTERN } from './units.js';

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

// biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
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

const relativePath = (what: string) =>
  z.string({ error: expected(`${what} (a path relative to the workspace)`) }).transform((value, ctx) => {
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

const absoluteTarget = z.string({ error: expected('an absolute path such as /cache') }).transform((value, ctx) => {
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

const SIZE_EXPECTED = expected('a size like 512Mi or 2G (or a number of bytes)');
const size = z
  .union(
    [z.number().int({ error: SIZE_EXPECTED }).positive({ error: SIZE_EXPECTED }), z.string().regex(SIZE_PATTERN, { error: SIZE_EXPECTED })],
    {
      error: SIZE_EXPECTED,
    },
  )
  .transform((value, ctx) => {
    const bytes = parseSize(value);
    if (bytes === undefined) {
      ctx.addIssue({ code: 'custom', input: value, message: `expected a size like 512Mi or 2G, got ${show(value)}` });
      return z.NEVER;
    }
    return bytes;
  });

const DURATION_EXPECTED = expected('a duration like 90s, 10m, 1h (or a number of seconds)');
const duration = z
  .union([z.number().positive({ error: DURATION_EXPECTED }), z.string().regex(DURATION_PATTERN, { error: DURATION_EXPECTED })], {
    error: DURATION_EXPECTED,
  })
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        input: value,
        message: `expected a duration between 1ms and 24 days, like 90s, 10m or 1h, got ${show(value)}`,
      });
      return z.NEVER;
    }
    return ms;
  });

const cpus = z.union([z.number(), z.string()], { error: expected('a number of CPUs such as 1.5') }).transform((value, ctx) => {
  const n = parseCpus(value);
  if (n === undefined) {
    ctx.addIssue({
      code: 'custom',
      input: value,
      message: `expected a number of CPUs from 0.01 to 1024 such as 1.5, got ${show(value)}`,
    });
    return z.NEVER;
  }
  return n;
});

const envValue = z
  .union([z.string(), z.number(), z.boolean()], { error: expected('a string, number or boolean') })
  .transform((v) => String(v))
  .refine((v) => !v.includes('\0'), { error: 'expected a value without NUL bytes' });

const envName = z.string().regex(ENV_NAME, { error: expected('a variable name such as MY_VAR') });

/**
 * `pass-env` is an explicit opt-in, but never for these: the runner's own
 * credentials (cache and artifact tokens), the action's inputs, post-step state.
 */
const NEVER_PASSED = /^(ACTIONS|INPUT|STATE)_/;
const passEnvName = envName.refine((name) => !NEVER_PASSED.test(name), {
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

/** The common case of leavesWorkspace as a JSON Schema pattern (`a/../../x` needs counting, which a pattern cannot). */
const STAYS_IN_WORKSPACE_PATTERN = '^(?!\\.\\.(?:/|$))';

const hostPath = (what: string) =>
  z
    .string({ error: expected(what) })
    .min(1, { error: expected(what) })
    .refine((v) => !v.includes('\0'), { error: 'expected a path without NUL bytes' })
    .refine((v) => !leavesWorkspace(v), { error: (issue) => `${String(issue.input)} is relative but leaves the workspace` })
    .meta({ pattern: STAYS_IN_WORKSPACE_PATTERN, description: 'Absolute, or relative to the workspace and staying inside it.' });

export const MountSchema = z.strictObject(
  {
    source: hostPath('a host path (absolute, or relative to the workspace)').refine((v) => path.posix.normalize(v) !== '/', {
      error: 'expected a directory you need, not / (the whole runner)',
    }),
    target: absoluteTarget,
    mode: z.enum(['read-only', 'read-write', 'overlay'], { error: expected('read-only, read-write or overlay') }).default('read-only'),
  },
  { error: expected('a mapping { source, target, mode }') },
);

export const LimitsSchema = z.strictObject(
  {
    timeout: duration.optional(),
    memory: size.optional(),
    cpus: cpus.optional(),
    pids: z
      .int({ error: expected('a whole number of processes such as 256') })
      .min(1, { error: expected('at least 1 process') })
      .optional(),
    // What a hostile cell could otherwise spend of the runner: see DEFAULT_BOUNDS.
    tmpfs: size.optional(),
    log: size.optional(),
    collect: size.optional(),
  },
  { error: expected('a mapping such as { timeout: 10m, memory: 2Gi }') },
);

/** The keys of a document, each checked on its own. */
const CellKeys = z.strictObject({
  name: z
    .string({ error: expected('a short label such as unit-tests') })
    .min(1, { error: expected('a non-empty label') })
    .max(100, { error: expected('a label of at most 100 characters') })
    .refine((v) => !CONTROL.test(v), { error: 'expected a label without control characters' })
    .default('cell'),
  run: z
    .string({ error: expected('a script (a string)') })
    .min(1, { error: expected('a non-empty script') })
    .optional(),
  shell: z.enum(['bash', 'sh'], { error: expected('bash or sh') }).optional(),
  command: z
    .array(
      z.string({ error: expected('a string') }).refine((v) => !v.includes('\0'), { error: 'expected no NUL bytes' }),
      {
        error: expected('a list of strings (the argv)'),
      },
    )
    .min(1, { error: expected('at least the program to run') })
    .refine((argv) => argv[0] !== '', { error: 'expected the program (first item) to be non-empty' })
    .optional(),
  'working-directory': relativePath('a directory').optional(),
  env: z.record(envName, envValue, { error: expected('a mapping of NAME: value') }).optional(),
  'pass-env': z.array(passEnvName, { error: expected('a list of variable names') }).optional(),
  rootfs: z
    .union(
      [
        z.literal('host'),
        z.strictObject({
          path: hostPath('a directory path'),
        }),
      ],
      { error: expected('host or { path: <dir> }') },
    )
    .default('host'),
  workspace: z
    .enum(['overlay', 'read-only', 'read-write', 'none'], { error: expected('overlay, read-only, read-write or none') })
    .default('overlay'),
  mounts: z.array(MountSchema, { error: expected('a list of { source, target, mode }') }).optional(),
  collect: z.array(relativePath('a path'), { error: expected('a list of workspace-relative paths') }).optional(),
  network: z.enum(['none', 'host'], { error: expected('none or host') }).default('none'),
  user: z.enum(['runner', 'root'], { error: expected('runner or root') }).default('runner'),
  limits: LimitsSchema.optional(),
  hostname: z
    .string({ error: expected('a hostname such as my-cell') })
    .regex(HOSTNAME, { error: expected('a hostname such as my-cell') })
    .optional(),
});

type CheckedKeys = z.output<typeof CellKeys>;

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
      message:
        cell.run === undefined
          ? 'expected one of run (a script) or command (an argv), got neither'
          : 'expected one of run or command, got both',
    });
  }
  if (cell.command !== undefined && cell.shell !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['shell'], message: 'shell applies to run only; command is executed as is' });
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
  // `collect` reads the paths back out of the cell's workspace and writes them into the runner's.
  if (cell.collect?.length && cell.workspace === 'none') {
    ctx.addIssue({ code: 'custom', path: ['collect'], message: 'there is no workspace to collect into with workspace: none' });
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
 * The rules between keys as JSON Schema, for editors (cell.schema.json). Each
 * mirrors a check of checkAcrossKeys; the description says it in words.
 */
const hasWorkspace = (mode: string) => ({ required: ['workspace'], properties: { workspace: { const: mode } } });
const hasMount = (mode: string) => ({
  required: ['mounts'],
  properties: { mounts: { contains: { required: ['mode'], properties: { mode: { const: mode } } } } },
});
const RULES_ACROSS_KEYS = [
  {
    description: 'Exactly one of run (a script) and command (an argv).',
    oneOf: [{ required: ['run'] }, { required: ['command'] }],
  },
  {
    description: 'shell applies to run only; command is executed as is.',
    not: { required: ['command', 'shell'] },
  },
  {
    description: 'collect needs a workspace to collect into: not with workspace: none.',
    not: { required: ['workspace', 'collect'], properties: { workspace: { const: 'none' }, collect: { minItems: 1 } } },
  },
  {
    description: `Mounts and workspace: ${OVERLAY_WITH_READ_WRITE}. workspace defaults to overlay.`,
    not: {
      allOf: [
        { anyOf: [{ not: { required: ['workspace'] } }, hasWorkspace('overlay'), hasMount('overlay')] },
        { anyOf: [hasWorkspace('read-write'), hasMount('read-write')] },
      ],
    },
  },
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
  rootfs: ['path'],
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
