export const id = 872;
export const ids = [872];
export const modules = {

/***/ 8872:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  run: () => (/* binding */ run)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
var external_node_os_default = /*#__PURE__*/__webpack_require__.n(external_node_os_);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __webpack_require__(8815);
// EXTERNAL MODULE: ./node_modules/zod/v4/core/core.js
var core = __webpack_require__(8532);
// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 15 modules
var schemas = __webpack_require__(9691);
// EXTERNAL MODULE: ./src/egress/allow-list.ts
var allow_list = __webpack_require__(8371);
// EXTERNAL MODULE: ./src/image/reference.ts
var reference = __webpack_require__(3564);
// EXTERNAL MODULE: ./src/cell/units.ts
var units = __webpack_require__(2635);
;// CONCATENATED MODULE: ./src/cell/schema.ts
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





// A step validates one document: compiling zod's JIT parsers (`new Function`)
// for it costs more than it saves (README, Performance).
core/* config */.$W({ jitless: true });
/** Renders a rejected value compactly for an error message. */
function show(value) {
    if (value === undefined)
        return 'nothing';
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return 'a list';
    if (typeof value === 'object')
        return 'a mapping';
    const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
    return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
const expected = (what) => (issue) => `expected ${what}, got ${show(issue.input)}`;
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
function workspaceRelative(value) {
    if (value.includes('\0') || external_node_path_default().posix.isAbsolute(value) || value.trim() === '')
        return undefined;
    const normal = external_node_path_default().posix.normalize(value).replace(/\/+$/, '') || '.';
    if (normal === '..' || normal.startsWith('../'))
        return undefined;
    return normal;
}
/** workspaceRelative as a JSON Schema pattern, for editors, but for `a/../../x` (which needs counting). */
const RELATIVE_PATTERN = '^(?!/)(?!(?:\\./+)*\\.\\.(?:/|$))(?=[\\s\\S]*\\S)[^\\u0000]*$';
const relativePath = (what) => schemas/* string */.YjP({ error: expected(`${what} (a path relative to the workspace)`) })
    .meta({ pattern: RELATIVE_PATTERN })
    .transform((value, ctx) => {
    const normal = workspaceRelative(value);
    if (normal === undefined) {
        ctx.addIssue({
            code: 'custom',
            input: value,
            message: `expected ${what} relative to the workspace that stays inside it, got ${show(value)}`,
        });
        return core/* NEVER */.tm;
    }
    return normal;
});
/** The checks of absoluteTarget as a JSON Schema pattern, for editors, but for `/x/..` (which needs normalising). */
const TARGET_PATTERN = '^/(?!/*$)(?!/*(?:proc|dev|sys)(?:/|$))[^\\u0000]*$';
const absoluteTarget = schemas/* string */.YjP({ error: expected('an absolute path such as /cache') })
    .meta({ pattern: TARGET_PATTERN })
    .transform((value, ctx) => {
    const normal = external_node_path_default().posix.normalize(value).replace(/(.)\/+$/, '$1');
    const reserved = RESERVED_TARGETS.find((r) => normal === r || normal.startsWith(`${r}/`));
    let problem;
    if (value.includes('\0') || !external_node_path_default().posix.isAbsolute(value))
        problem = 'an absolute path such as /cache';
    else if (normal === '/')
        problem = 'a path below /, not / itself';
    else if (reserved)
        problem = `a path outside ${reserved} (gVisor provides it)`;
    if (problem) {
        ctx.addIssue({ code: 'custom', input: value, message: `expected ${problem}, got ${show(value)}` });
        return core/* NEVER */.tm;
    }
    return normal;
});
/**
 * What an editor shows for a size, a duration or a CPU count it refuses
 * (yaml-language-server's errorMessage): one message for every way to get
 * it wrong, so it says what the action's messages say between them.
 */
const SIZE_IN_EDITOR = 'expected a size like 512Mi or 2G (or a number of bytes): K, M, G, T count in 1000s and Ki, Mi, Gi, Ti (or KiB … TiB) in 1024s, so 4G or 4Gi, not 4GB';
const DURATION_IN_EDITOR = 'expected a duration from 1ms to 24 days like 90s, 10m, 1h or 1h30m (or a number of seconds); the units are ms, s, m and h';
const CPUS_IN_EDITOR = 'expected a number of CPUs from 0.01 to 1024 such as 1.5';
/** "expected a size …", or for 4GB and its like the two sizes it could mean. */
function sizeError(issue) {
    const both = typeof issue.input === 'string' ? (0,units/* sizeSuggestion */.YX)(issue.input) : undefined;
    return `expected ${both ?? 'a size like 512Mi or 2G (or a number of bytes)'}, got ${show(issue.input)}`;
}
const size = schemas/* union */.KCZ([schemas/* number */.aig().int({ error: sizeError }).positive({ error: sizeError }), schemas/* string */.YjP().regex(units/* SIZE_PATTERN */.bv, { error: sizeError })], {
    error: sizeError,
})
    .transform((value, ctx) => {
    const bytes = (0,units/* parseSize */.DB)(value);
    if (bytes === undefined) {
        ctx.addIssue({ code: 'custom', input: value, message: `expected a size like 512Mi or 2G, got ${show(value)}` });
        return core/* NEVER */.tm;
    }
    return bytes;
})
    .meta({ errorMessage: SIZE_IN_EDITOR });
/** "expected a duration …", or for 10min, 1d, 1H the spelling the action reads. */
function durationError(issue) {
    const suggestion = typeof issue.input === 'string' ? (0,units/* durationSuggestion */.Z6)(issue.input) : undefined;
    return suggestion
        ? `expected ${suggestion} (the units are ms, s, m and h), got ${show(issue.input)}`
        : `expected a duration like 90s, 10m, 1h (or a number of seconds), got ${show(issue.input)}`;
}
const DURATION_RANGE = expected('a duration between 1ms and 24 days, like 90s, 10m or 1h');
const duration = schemas/* union */.KCZ([
    // The bounds parseDuration puts on a number of seconds (1ms once rounded, 2^31-1 ms), here so that editors have them.
    schemas/* number */.aig()
        .min(0.0005, { error: DURATION_RANGE })
        .max(units/* MAX_DURATION_MS */.rG / 1000, { error: DURATION_RANGE }),
    schemas/* string */.YjP().regex(units/* DURATION_PATTERN */.Cq, { error: durationError }),
], { error: durationError })
    .transform((value, ctx) => {
    const ms = (0,units/* parseDuration */.E9)(value);
    if (ms === undefined) {
        ctx.addIssue({ code: 'custom', input: value, message: DURATION_RANGE({ input: value }) });
        return core/* NEVER */.tm;
    }
    return ms;
})
    .meta({ errorMessage: DURATION_IN_EDITOR });
const CPUS_RANGE = expected('a number of CPUs from 0.01 to 1024 such as 1.5');
const cpus = schemas/* union */.KCZ([
    schemas/* number */.aig().min(units/* MIN_CPUS */.Zr, { error: CPUS_RANGE }).max(units/* MAX_CPUS */.Rw, { error: CPUS_RANGE }),
    schemas/* string */.YjP().regex(units/* CPUS_PATTERN */.T_, { error: CPUS_RANGE }),
], {
    error: expected('a number of CPUs such as 1.5'),
})
    .transform((value) => (0,units/* parseCpus */.xX)(value))
    .meta({ errorMessage: CPUS_IN_EDITOR });
const envValue = schemas/* union */.KCZ([schemas/* string */.YjP(), schemas/* number */.aig(), schemas/* boolean */.zMY()], { error: expected('a string, number or boolean') })
    .transform((v) => String(v))
    .refine((v) => !v.includes('\0'), { error: 'expected a value without NUL bytes' })
    .meta({ pattern: NO_NUL.source });
const envName = schemas/* string */.YjP().regex(ENV_NAME, { error: expected('a variable name such as MY_VAR') });
/**
 * `pass-env` is an explicit opt-in, but never for these: the runner's own
 * credentials (cache and artifact tokens), the action's inputs, post-step state.
 */
const NOT_NEVER_PASSED = /^(?!(?:ACTIONS|INPUT|STATE)_)/;
const passEnvName = envName.regex(NOT_NEVER_PASSED, {
    error: (issue) => `${show(issue.input)} cannot be passed into a cell: ACTIONS_*, INPUT_* and STATE_* belong to the runner and this action`,
});
/**
 * A relative host path (a mount source, a prepared rootfs) is resolved in the
 * workspace and may not climb out of it: `../other-repo` would hand the cell
 * the runner's other files. Symbolic links inside the workspace are the
 * host's business, checked before the run (bundle/write.ts).
 */
function leavesWorkspace(value) {
    if (external_node_path_default().posix.isAbsolute(value))
        return false;
    const normal = external_node_path_default().posix.normalize(value);
    return normal === '..' || normal.startsWith('../');
}
/**
 * The common cases of leavesWorkspace as a JSON Schema pattern, for editors
 * (`a/../../x` needs counting, which a pattern cannot), and no NUL byte.
 */
const HOST_PATH_PATTERN = '^(?!(?:\\./+)*\\.\\.(?:/|$))[^\\u0000]*$';
const hostPath = (what) => schemas/* string */.YjP({ error: expected(what) })
    .min(1, { error: expected(what) })
    .refine((v) => !v.includes('\0'), { error: 'expected a path without NUL bytes' })
    .refine((v) => !leavesWorkspace(v), { error: (issue) => `${String(issue.input)} is relative but leaves the workspace` })
    .meta({ pattern: HOST_PATH_PATTERN });
/** Each key says what it is in `.meta({ description })`: editors show it on hover (cell.schema.json). */
const about = (description) => ({ description });
const MountSchema = schemas/* strictObject */.rej({
    source: hostPath('a host path (absolute, or relative to the workspace)')
        .refine((v) => external_node_path_default().posix.normalize(v) !== '/', {
        error: 'expected a directory you need, not / (the whole runner)',
    })
        .meta({
        pattern: `^(?!/+$)${HOST_PATH_PATTERN.slice(1)}`,
        ...about('The host path to mount: absolute, or relative to the workspace and staying inside it; it must exist. Not / itself.'),
    }),
    target: absoluteTarget.meta(about('Where it appears in the cell: an absolute path, not /, /proc, /dev or /sys, and in no other mount.')),
    mode: schemas/* enum */.k5n(['read-only', 'read-write', 'overlay'], { error: expected('read-only, read-write or overlay') })
        .default('read-only')
        .meta(about('read-only (the default), read-write (writes reach the host) or overlay (writes stay in the cell). overlay and read-write (the workspace included) not in one cell.')),
}, { error: expected('a mapping { source, target, mode }') });
/** One `network.allow` entry: the pattern for editors, the exact checks (allow-list.ts) for a run. */
const ENTRY = new RegExp(allow_list/* ENTRY_PATTERN */.cy);
const allowEntry = schemas/* string */.YjP({ error: expected('a host name, *.name, an IP literal, each with an optional :port') })
    .superRefine((value, ctx) => {
    // One message per entry, parseEntry's: the pattern (for editors, below) says less.
    const parsed = (0,allow_list/* parseEntry */.ER)(value);
    if ('error' in parsed)
        ctx.addIssue({ code: 'custom', input: value, message: `${parsed.error}, got ${show(value)}` });
})
    .meta({ pattern: ENTRY.source });
/** An image reference, as near to image/reference.ts as a pattern gets: [registry/]name[:tag][@digest]. */
const NAME_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_PATTERN = `^(?:(?:[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*|\\[[0-9A-Fa-f:.]+\\])(?::[0-9]+)?/)?${NAME_COMPONENT}(?:/${NAME_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`;
/** `rootfs.image`: the reference parser's own message (image/reference.ts); the pattern, for editors, says less. */
const imageReference = schemas/* string */.YjP({ error: expected('an image reference such as docker.io/library/node:22 or ghcr.io/o/i@sha256:…') })
    .superRefine((value, ctx) => {
    try {
        (0,reference/* parseReference */.F2)(value);
    }
    catch (error) {
        ctx.addIssue({ code: 'custom', input: value, message: error.message });
    }
})
    .meta({ pattern: IMAGE_PATTERN });
const EgressSchema = schemas/* strictObject */.rej({
    allow: schemas/* array */.YOg(allowEntry, { error: expected('a list of host names such as registry.npmjs.org') })
        .max(256, { error: 'expected at most 256 entries' })
        .meta(about('Hosts the cell may reach: registry.npmjs.org, *.example.org (one or more labels), proxy.golang.org:443 (that port only; else 80 and 443), 203.0.113.7:8080 (an IP must be listed as such).')),
    audit: schemas/* boolean */.zMY({ error: expected('true or false') })
        .default(false)
        .meta(about('true: allow every name (never the runner’s own, private or metadata addresses) and record each; for building the list.')),
}, { error: expected('a mapping { allow, audit }') })
    .meta(about('Egress by name: only the hosts listed, through the action’s own DNS and proxies; every decision recorded (egress-log).'));
const LimitsSchema = schemas/* strictObject */.rej({
    timeout: duration
        .optional()
        .meta(about('How long the cell may run (90s, 10m, 1h, 1h30m, or a number of seconds); then it is killed and the step fails.')),
    memory: size.optional().meta(about('Memory for the cell (512Mi, 2G, or a number of bytes), set on the sandbox’s cgroup.')),
    cpus: cpus.optional().meta(about('CPUs for the cell, from 0.01 to 1024 (1.5: one and a half), set on the sandbox’s cgroup.')),
    pids: schemas/* int */.Whr({ error: expected('a whole number of processes such as 256') })
        .min(1, { error: expected('at least 1 process') })
        .optional()
        .meta(about('Most processes and threads in the cell at once, set on the sandbox’s cgroup.')),
    // What a hostile cell could otherwise spend of the runner: see DEFAULT_BOUNDS.
    tmpfs: size
        .optional()
        .meta(about('Size of each of /tmp, /var/tmp and HOME (in memory; writes past it fail with ENOSPC); /run gets at most 64Mi. Default 2Gi.')),
    log: size
        .optional()
        .meta(about('Most bytes of output kept in the log-file output; past it the file ends with a line saying where it was cut. Default 256Mi.')),
    collect: size.optional().meta(about('Most bytes `collect` brings back, counting 4 KiB for each file or directory. Default 2Gi.')),
}, { error: expected('a mapping such as { timeout: 10m, memory: 2Gi }') });
/** The first item of an argv is the program; no item may hold a NUL byte. Draft-07 spelling, for editors. */
const ARGV_ITEMS = {
    items: [{ type: 'string', minLength: 1, pattern: NO_NUL.source }],
    additionalItems: { type: 'string', pattern: NO_NUL.source },
};
/** The keys of a document, each checked on its own. */
const CellKeys = schemas/* strictObject */.rej({
    name: schemas/* string */.YjP({ error: expected('a short label such as unit-tests') })
        .min(1, { error: expected('a non-empty label') })
        .max(100, { error: expected('a label of at most 100 characters') })
        .regex(NO_CONTROL, { error: 'expected a label without control characters' })
        .default('cell')
        .meta(about('Label for logs, the summary and the container id (1–100 characters).')),
    run: schemas/* string */.YjP({ error: expected('a script (a string)') })
        .min(1, { error: expected('a non-empty script') })
        .optional()
        .meta(about('A script, run by `shell` like a workflow step’s run:. Exactly one of run and command.')),
    shell: schemas/* enum */.k5n(['bash', 'sh'], { error: expected('bash or sh') })
        .optional()
        .meta(about('bash (bash --noprofile --norc -eo pipefail, the default) or sh (sh -e). Only with run.')),
    command: schemas/* array */.YOg(schemas/* string */.YjP({ error: expected('a string') }).regex(NO_NUL, { error: 'expected no NUL bytes' }), {
        error: expected('a list of strings (the argv)'),
    })
        .min(1, { error: expected('at least the program to run') })
        .refine((argv) => argv[0] !== '', { error: 'expected the program (first item) to be non-empty' })
        .optional()
        .meta({ ...ARGV_ITEMS, ...about('An exact argv, no shell: [node, test.js, --ci]. Exactly one of run and command.') }),
    'working-directory': relativePath('a directory')
        .optional()
        .meta(about('Relative to the workspace; may not leave it; must exist. With workspace: none, relative to HOME.')),
    env: schemas/* record */.g1P(envName, envValue, { error: expected('a mapping of NAME: value') })
        .optional()
        .meta(about('Variables for the cell (NAME: value; numbers and booleans become strings); applied last.')),
    'pass-env': schemas/* array */.YOg(passEnvName, { error: expected('a list of variable names') })
        .optional()
        .meta(about('Names of the action’s own variables to copy in (explicit opt-in). ACTIONS_*, INPUT_*, STATE_* are refused.')),
    rootfs: schemas/* union */.KCZ([
        schemas/* literal */.euz('host'),
        schemas/* strictObject */.rej({
            path: hostPath('a directory path')
                .optional()
                .meta(about('A root filesystem directory you prepared: absolute, or relative to the workspace and staying inside it. Never written to.')),
            image: imageReference
                .optional()
                .meta(about('A container image, pulled without Docker, verified, and cached unpacked in the tool cache: docker.io/library/node:22, ghcr.io/o/i@sha256:…')),
        }),
    ], { error: expected('host, { path: <dir> } or { image: <reference> }') })
        .default('host')
        .meta(about('host (an allow-listed view of the runner, the default), { path: <dir> } (a prepared root filesystem) or { image: <reference> } (a container image).')),
    system: schemas/* enum */.k5n(['read-only', 'overlay'], { error: expected('read-only or overlay') })
        .default('read-only')
        .meta(about('read-only (the default): the runner’s /usr, /etc, /opt as they are. overlay: they and the package state in /var writable in memory (gone with the cell; the runner’s files never change), and sudo for the cell’s user. With rootfs: host only.')),
    workspace: schemas/* enum */.k5n(['overlay', 'read-only', 'read-write', 'none'], { error: expected('overlay, read-only, read-write or none') })
        .default('overlay')
        .meta(about('overlay (the default: writes stay in the cell), read-only, read-write (writes persist on the host) or none.')),
    mounts: schemas/* array */.YOg(MountSchema, { error: expected('a list of { source, target, mode }') })
        .optional()
        .meta(about('Extra host paths: [{ source, target, mode }]. No target twice or inside another; overlay and read-write (workspace included) not in one cell.')),
    collect: schemas/* array */.YOg(relativePath('a path'), { error: expected('a list of workspace-relative paths') })
        .optional()
        .meta(about('Workspace-relative paths copied back to the host after the run, at most limits.collect bytes. Not with workspace: none.')),
    network: schemas/* union */.KCZ([schemas/* enum */.k5n(['none', 'host']), EgressSchema], { error: expected('none, host or { allow: [names] }') })
        .default('none')
        .meta(about('none (loopback only, the default), host (the runner’s network, with all it reaches) or { allow: [names], audit } (only the hosts named).')),
    user: schemas/* enum */.k5n(['runner', 'root'], { error: expected('runner or root') })
        .default('runner')
        .meta(about('runner (the action’s uid/gid, the default) or root (uid 0 inside the cell only).')),
    limits: LimitsSchema.optional().meta(about('timeout, memory, cpus, pids; and bounds on what the cell may spend of the runner, with defaults to raise: tmpfs (2Gi), log (256Mi), collect (2Gi).')),
    hostname: schemas/* string */.YjP({ error: expected('a hostname such as my-cell') })
        .regex(HOSTNAME, { error: expected('a hostname such as my-cell') })
        .optional()
        .meta(about('The cell’s hostname; defaults to name, lower-cased, other characters as -.')),
});
const NEITHER = 'expected one of run (a script) or command (an argv), got neither';
const BOTH = 'expected one of run or command, got both';
const SHELL_WITH_COMMAND = 'shell applies to run only; command is executed as is';
const COLLECT_WITHOUT_WORKSPACE = 'there is no workspace to collect into with workspace: none';
const ROOTFS_ONE_OF = 'expected exactly one of path (a prepared directory) or image (a container image)';
const SYSTEM_WITH_ROOTFS_PATH = 'system: overlay applies to rootfs: host (the runner’s system directories); a prepared rootfs is already writable in memory';
const OVERLAY_WITH_READ_WRITE = 'overlay and read-write cannot be combined in one cell yet (runsc overlays either all writable mounts or none); make the read-write ones overlay, or the overlay ones read-write';
/**
 * The rules between keys, each with its key path. Run only once every key is
 * valid on its own (zod skips refinements after a key's own error), except
 * that unknown keys do not stop them.
 */
function checkAcrossKeys(cell, ctx) {
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
    const targets = [];
    for (const [i, mount] of (cell.mounts ?? []).entries()) {
        const clash = targets.find((t) => t === mount.target || mount.target.startsWith(`${t}/`) || t.startsWith(`${mount.target}/`));
        if (clash === mount.target) {
            ctx.addIssue({ code: 'custom', path: ['mounts', i, 'target'], message: `${mount.target} is mounted twice` });
        }
        else if (clash) {
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
    const writable = [];
    if (cell.workspace === 'overlay' || cell.workspace === 'read-write')
        writable.push(['workspace', cell.workspace]);
    for (const [i, mount] of (cell.mounts ?? []).entries()) {
        if (mount.mode === 'read-only')
            continue;
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
/**
 * Splits a checked document into its run or command form, so that the type
 * says what checkAcrossKeys made sure of: exactly one of them.
 */
function runOrCommand(cell) {
    const { run, shell, command, ...rest } = cell;
    if (command !== undefined)
        return { ...rest, command };
    if (run !== undefined)
        return shell === undefined ? { ...rest, run } : { ...rest, run, shell };
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
const ifThen = (condition, consequence) => ({ if: condition, then: consequence });
const workspaceIs = (mode) => ({ required: ['workspace'], properties: { workspace: { const: mode } } });
/** Every mount's mode one of these, or the message about mixing overlay and read-write. */
const mountModes = (...modes) => ({
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
    ifThen({ required: ['rootfs'], properties: { rootfs: { type: 'object' } } }, { properties: { rootfs: { oneOf: [{ required: ['path'] }, { required: ['image'] }], errorMessage: ROOTFS_ONE_OF } } }),
    ifThen({ required: ['rootfs'], properties: { rootfs: { type: 'object' } } }, { properties: { system: { const: 'read-only', errorMessage: SYSTEM_WITH_ROOTFS_PATH } } }),
    // workspace defaults to overlay: `properties` holds when it is absent.
    ifThen({ properties: { workspace: { const: 'overlay' } } }, mountModes('read-only', 'overlay')),
    ifThen(workspaceIs('read-write'), mountModes('read-only', 'read-write')),
    ifThen({ required: ['mounts'], properties: { mounts: { contains: { required: ['mode'], properties: { mode: { const: 'overlay' } } } } } }, mountModes('read-only', 'overlay')),
];
const CellSchema = CellKeys.superRefine(checkAcrossKeys).transform(runOrCommand).meta({ allOf: RULES_ACROSS_KEYS });
/** Every key the document accepts, per path, for "did you mean" suggestions. */
const KNOWN_KEYS = {
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
const DEFAULT_BOUNDS = {
    tmpfs: 2 * 2 ** 30,
    log: 256 * 2 ** 20,
    collect: 2 * 2 ** 30,
};
/** A hostname derived from a free-text name: lower-case letters, digits and dashes. */
function hostnameFor(name) {
    const slug = name
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 63)
        .replace(/-+$/, '');
    return slug || 'cell';
}
/** The network as the log and the summary name it. */
function networkLabel(network) {
    if (typeof network === 'string')
        return network;
    if (network.audit)
        return 'audit (every name allowed and recorded)';
    const n = network.allow.length;
    return `allow-list (${n} ${n === 1 ? 'entry' : 'entries'})`;
}

;// CONCATENATED MODULE: ./src/cell/parse.ts
/**
 * Text → validated cell. YAML (JSON is a subset) is parsed with the `yaml`
 * package under the YAML 1.2 core schema, so `no`/`on` stay strings and
 * duplicate keys are errors. Every problem is reported at once, one per line,
 * each starting with the key path it concerns.
 */


class CellError extends Error {
    source;
    problems;
    constructor(source, problems) {
        super(`${source} is not a valid cell document:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
        this.source = source;
        this.problems = problems;
        this.name = 'CellError';
    }
}
/** Parses and validates a cell document; `source` names it in errors (e.g. the input or file). */
function parseCell(text, source) {
    const doc = (0,dist/* parseDocument */.Tp)(text, { prettyErrors: true, uniqueKeys: true, version: '1.2' });
    if (doc.errors.length > 0) {
        throw new CellError(source, doc.errors.map((e) => {
            const at = e.linePos?.[0];
            const where = at ? `line ${at.line}, column ${at.col}` : 'syntax';
            // With prettyErrors the message ends in " at line N, column M:" and a code excerpt; keep the sentence.
            const sentence = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
            return `${where}: ${sentence}`;
        }));
    }
    let value;
    try {
        value = doc.toJS({ maxAliasCount: 100 });
    }
    catch (error) {
        // yaml refuses alias bombs ("Excessive alias count") while building the value.
        throw new CellError(source, [`(document): ${error instanceof Error ? error.message : String(error)}`]);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new CellError(source, [`expected a mapping with at least run or command, got ${show(value ?? undefined)}`]);
    }
    const result = CellSchema.safeParse(value);
    if (!result.success)
        throw new CellError(source, formatIssues(result.error.issues));
    return result.data;
}
/** `['limits', 'memory']` → `limits.memory`; `['mounts', 0, 'target']` → `mounts[0].target`. */
function keyPath(path) {
    let out = '';
    for (const part of path) {
        if (typeof part === 'number')
            out += `[${part}]`;
        else
            out += out ? `.${String(part)}` : String(part);
    }
    return out || '(document)';
}
function formatIssues(issues) {
    return issues.flatMap((issue) => {
        const where = keyPath(issue.path);
        if (issue.code === 'unrecognized_keys') {
            const known = KNOWN_KEYS[issue.path.filter((p) => typeof p === 'string').join('.')] ?? [];
            return issue.keys.map((key) => {
                const near = closest(key, known);
                const hint = near ? ` (did you mean "${near}"?)` : known.length ? ` (known keys: ${known.join(', ')})` : '';
                return `${issue.path.length ? `${where}.` : ''}${key}: unknown key${hint}`;
            });
        }
        if (issue.code === 'invalid_key')
            return [`${where}: ${issue.issues[0]?.message ?? issue.message}`];
        if (issue.code === 'invalid_union') {
            // One form matched the value's type (a mapping for `network: { allow }`): its own problems say more.
            const near = issue.errors.filter((branch) => branch.length > 0 && branch.every((i) => i.path.length > 0 || i.code === 'unrecognized_keys'));
            const [only] = near;
            if (near.length === 1 && only)
                return formatIssues(only.map((i) => ({ ...i, path: [...issue.path, ...i.path] })));
        }
        return [`${where}: ${issue.message}`];
    });
}
/** The known key nearest to `key` by edit distance, when it is close enough to be a typo. */
function closest(key, known) {
    let best;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const candidate of known) {
        const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
        if (d < bestDistance) {
            best = candidate;
            bestDistance = d;
        }
    }
    return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}
/** Damerau–Levenshtein (optimal string alignment): a swap of two letters counts as one edit. */
function editDistance(a, b) {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++)
        d[0][j] = j;
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const row = d[i];
            const prev = d[i - 1];
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
                row[j] = Math.min(row[j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.length][b.length];
}

;// CONCATENATED MODULE: ./src/cell/load.ts
/** A cell document from where the user put it: inline text, or a file. */



/**
 * Reads and validates the document. A file is resolved against `base` (the
 * workspace for the action, the current directory for the CLI); `label`
 * names where the path came from in a read error.
 */
function loadCell(from, base, label) {
    if ('text' in from)
        return parseCell(from.text, from.source);
    const file = external_node_path_default().resolve(base, from.file);
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(file, 'utf8');
    }
    catch (error) {
        throw new Error(`${label}: cannot read ${file}: ${error.code ?? String(error)}`);
    }
    return parseCell(text, from.file);
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: ./src/install/cache.ts
var cache = __webpack_require__(7673);
// EXTERNAL MODULE: ./src/install/version.ts
var install_version = __webpack_require__(2415);
;// CONCATENATED MODULE: ./src/install/obtain.ts
/**
 * The runsc asked for: one the user points at, a pinned release already in
 * the tool cache, or a release downloaded now. Only the last loads the
 * installer (and with it @actions/tool-cache and an HTTP client): a warm step
 * never pays for them.
 *
 * With a pinned sha512, whatever the cache or the installer yields is not run
 * from the cache: a private copy, unpacked from the entry's kept artifact once
 * its bytes hashed to the pin, runs instead (pinned.ts). A runsc the user
 * points at is the user's own binary and is run as given.
 */





/**
 * A runsc the user points at: must be a file; its version is asked once.
 * Not through @actions/exec: this is a warm path, and exec has no timeout for
 * a binary that hangs (README, Development).
 */
function useRunscAt(at) {
    const abs = external_node_path_default().resolve(at.path);
    if (!(0,external_node_fs_.statSync)(abs, { throwIfNoEntry: false })?.isFile())
        throw new Error(`${at.label}: ${abs} is not a file`);
    const probe = (0,external_node_child_process_.spawnSync)(abs, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    if (probe.status !== 0) {
        throw new Error(`${at.label}: ${abs} --version failed: ${(probe.stderr || probe.error?.message || '').trim()}`);
    }
    const version = (0,install_version/* versionLine */.b1)(probe.stdout);
    // Anything that exits 0 (/usr/bin/true) would otherwise "run" every cell and pass.
    if (!RUNSC_VERSION.test(version)) {
        throw new Error(`${at.label}: ${abs} is not runsc: its --version printed ${version ? `"${version.slice(0, 120)}"` : 'nothing'}, where runsc prints "runsc version release-…"`);
    }
    return { path: abs, version };
}
/** The first line of `runsc --version`: `runsc version release-20260824.0` (a distribution's build: `runsc version 0.0~20221219.0-1`). */
const RUNSC_VERSION = /^runsc version \S/;
async function obtainRunsc(wanted, ctx) {
    if (wanted.at)
        return useRunscAt(wanted.at);
    const { version, downloadUrl, sha512 } = wanted;
    const { privateDir, log } = ctx;
    if (sha512 && !privateDir)
        throw new Error('obtainRunsc: runsc-sha512 is set but no private directory was given for the verified copy');
    const shelf = { root: ctx.toolCache, tool: (0,cache/* toolName */.Uf)(downloadUrl), arch: ctx.arch };
    let found;
    if (version.cacheKey)
        found = (0,cache/* findCached */.aY)(shelf, version.cacheKey, sha512, log.info);
    if (!found) {
        const { installRunsc } = await __webpack_require__.e(/* import() */ 42).then(__webpack_require__.bind(__webpack_require__, 4042));
        found = await installRunsc({ version, downloadUrl, sha512 }, { shelf, tempDir: ctx.tempDir, log, onProgress: ctx.onProgress });
    }
    if (!sha512 || !privateDir)
        return found;
    // Every pinned path (a hit, `latest` reusing an entry, an entry another job just cached, a fresh
    // install) ends here: what runs is unpacked from bytes this step hashed, never a cache path.
    const entry = found.entry;
    if (!entry?.kept)
        throw new Error(`internal: runsc from ${found.path} has no kept artifact to check against runsc-sha512`);
    const { copyVerified } = await __webpack_require__.e(/* import() */ 885).then(__webpack_require__.bind(__webpack_require__, 885));
    const runsc = copyVerified(entry.dir, entry.kept, sha512, privateDir);
    log.info(`Verified ${entry.kept} kept in ${entry.dir} against runsc-sha512; running a private copy`);
    return { ...found, path: runsc };
}

// EXTERNAL MODULE: ./src/log.ts
var src_log = __webpack_require__(5625);
;// CONCATENATED MODULE: ./src/options.ts
/**
 * The options both front ends take — the action's inputs, the CLI's flags —
 * parsed and checked once, here, into the engine's own types. Each front end
 * reads the raw strings its way and names an option in errors its way
 * (`input runsc-version`, `--runsc-version`); the rules are the same.
 */



/** The shared options, named as the action's inputs (a unit test holds them to action.yml) and the CLI's flags. */
const OPTION_NAMES = (/* unused pure expression or super */ null && (['runsc-version', 'runsc-sha512', 'runsc-path', 'download-url', 'platform', 'output-limit']));
/**
 * The largest output limit: three outputs (logs, stdout, stderr) of this size,
 * counted as UTF-16 by the runner, stay well under its 1 MB per job.
 */
const MAX_OUTPUT_LIMIT = 131_072;
const DEFAULT_OUTPUT_LIMIT = 32_768;
/** A bad option (or input): the message starts with its label. */
class OptionError extends Error {
    constructor(label, problem) {
        super(`${label}: ${problem}`);
        this.name = 'OptionError';
    }
}
function fail(source, name, problem) {
    throw new OptionError(source.label(name), problem);
}
/** Which runsc to use. Every option is checked, whichever wins. */
function runscOptions(source) {
    const versionText = source.get('runsc-version').trim() || 'latest';
    const version = (0,install_version/* parseVersionInput */.gX)(versionText);
    if (!version) {
        fail(source, 'runsc-version', `expected latest, YYYYMMDD or YYYYMMDD.N (optionally prefixed release-), got "${versionText}"`);
    }
    const sha512 = source.get('runsc-sha512').trim().toLowerCase();
    if (sha512 !== '' && !/^[0-9a-f]{128}$/.test(sha512)) {
        fail(source, 'runsc-sha512', 'expected 128 hexadecimal characters (a sha512 digest)');
    }
    const urlText = source.get('download-url').trim() || cache/* DEFAULT_DOWNLOAD_URL */.h2;
    let url;
    try {
        url = new URL(urlText);
    }
    catch {
        // Said below.
    }
    if (url?.protocol !== 'https:' && url?.protocol !== 'http:')
        fail(source, 'download-url', `expected an http(s) URL, got "${urlText}"`);
    const at = source.get('runsc-path').trim();
    if (at)
        return { at: { path: at, label: source.label('runsc-path') } };
    return { version, sha512: sha512 || undefined, downloadUrl: urlText.replace(/\/+$/, '') };
}
/** What the runsc options leave unverified, to say as a warning. */
function runscWarnings(wanted) {
    if (wanted.at || wanted.sha512 || !wanted.downloadUrl.startsWith('http:'))
        return [];
    return ['download-url is plain http: the .sha512 comes over the same channel as runsc; pin runsc-sha512 to make the download verifiable'];
}
/** The platform and the output tails. `hasKvm` is asked only for kvm. */
function runChoices(source, hasKvm = () => (0,external_node_fs_.existsSync)('/dev/kvm')) {
    const platform = source.get('platform').trim() || 'systrap';
    if (platform !== 'systrap' && platform !== 'ptrace' && platform !== 'kvm') {
        fail(source, 'platform', `expected systrap, ptrace or kvm, got "${platform}"`);
    }
    if (platform === 'kvm' && !hasKvm()) {
        fail(source, 'platform', 'kvm needs /dev/kvm, which this machine does not have; use systrap (the default) or ptrace');
    }
    const limitText = source.get('output-limit').trim() || String(DEFAULT_OUTPUT_LIMIT);
    const outputLimit = /^\d+$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (!(outputLimit >= 0 && outputLimit <= MAX_OUTPUT_LIMIT)) {
        fail(source, 'output-limit', `expected a whole number of bytes from 0 to ${MAX_OUTPUT_LIMIT}, got "${limitText}"`);
    }
    return { platform, outputLimit };
}

;// CONCATENATED MODULE: ./src/bundle/oci.ts
/**
 * The parts of the OCI runtime spec this action writes, and the few kinds of
 * mount entry every part of the bundle is made of, so that mount options
 * (read-only, nosuid, sizes) are spelled in one place.
 */
const RO = ['rbind', 'ro', 'nosuid', 'nodev'];
const RW = ['rbind', 'rw', 'nosuid', 'nodev'];
function bind(destination, source, options) {
    return { destination, type: 'bind', source, options };
}
function tmpfs(destination, options) {
    return { destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', ...options] };
}
/**
 * The cell's writable scratch directories, each bounded by `limits.tmpfs`.
 * Without `size=` gVisor gives a tmpfs half the host's memory, and what the
 * cell writes there is the runner's memory until the sandbox ends (checked
 * with runsc 20240729: past `size=` writes fail with ENOSPC, `df` shows it).
 */
function scratch(destination, size, options) {
    return tmpfs(destination, [...options, `size=${size}`]);
}

;// CONCATENATED MODULE: ./src/bundle/egress.ts

/** The files the cell's name resolution reads, each a file of ours in the bundle's directory. */
function egressMounts(host, paths) {
    // Ubuntu's /etc/resolv.conf links to /run/systemd/resolve/…: the file is mounted where the link leads.
    return [bind(host?.resolvConf ?? '/etc/resolv.conf', paths.resolvConf, RO), bind('/etc/hosts', paths.hosts, RO)];
}
/**
 * The cell's hosts file, and its resolv.conf as an empty file: the address
 * it names is known only once the network exists (run/cell.ts writes it
 * then), but the file must be there for the skeleton's mount point.
 */
function egressFiles(paths, hostname) {
    return [
        { path: paths.hosts, content: hostsFile(hostname) },
        { path: paths.resolvConf, content: '' },
    ];
}
function hostsFile(hostname) {
    return `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t${hostname}\n`;
}
/** The proxy variables, upper and lower case (curl reads http_proxy only in lower case). */
function proxyEnv(net) {
    const proxy = `http://${net.hostAddress}:${net.proxyPort}`;
    const none = 'localhost,127.0.0.1,::1';
    return [
        ['HTTP_PROXY', proxy],
        ['HTTPS_PROXY', proxy],
        ['http_proxy', proxy],
        ['https_proxy', proxy],
        ['NO_PROXY', none],
        ['no_proxy', none],
        // Node's own fetch ignores the variables without it (Node 24 and later).
        ['NODE_USE_ENV_PROXY', '1'],
    ];
}
/** A variable set by the document wins: the cell can reach no other proxy anyway. */
function withEnv(env, add) {
    const set = new Set(env.map((e) => e.slice(0, e.indexOf('='))));
    return [...env, ...add.filter(([k]) => !set.has(k)).map(([k, v]) => `${k}=${v}`)];
}
/**
 * The spec joined to the cell's network: the namespace path, and the proxy
 * variables in `processes` (the cell's own, which `collect` runs on its own).
 */
function joinNetwork(spec, net) {
    const namespaces = spec.linux.namespaces.map((ns) => (ns.type === 'network' ? { ...ns, path: net.netnsPath } : ns));
    return {
        ...spec,
        process: { ...spec.process, env: withEnv(spec.process.env, proxyEnv(net)) },
        linux: { ...spec.linux, namespaces },
    };
}
function joinProcess(process, net) {
    return { ...process, env: withEnv(process.env, proxyEnv(net)) };
}
function resolvConf(net) {
    // One attempt each, short: the answer is local, and a name that is refused should fail at once.
    return `nameserver ${net.hostAddress}\noptions timeout:2 attempts:2\n`;
}

// EXTERNAL MODULE: ./src/bundle/host.ts + 1 modules
var bundle_host = __webpack_require__(8545);
;// CONCATENATED MODULE: ./src/bundle/paths.ts
/**
 * Where a bundle is put on the host: the one place its file names are chosen,
 * for a run (the action, `gvisor-cell run`) and for `gvisor-cell bundle --out`.
 */

/**
 * `run`: DIR is a run's private directory; config.json and the skeleton go in
 * DIR/bundle, beside runsc's state and log, and our mounted files in DIR.
 * `out`: everything in DIR itself (config.json, rootfs/, empty, git-config),
 * a bundle to hand to runsc by hand.
 */
function bundlePaths(dir, layout = 'run') {
    return {
        dir: layout === 'run' ? external_node_path_default().join(dir, 'bundle') : dir,
        emptyFile: external_node_path_default().join(dir, 'empty'),
        gitConfig: external_node_path_default().join(dir, 'git-config'),
        resolvConf: external_node_path_default().join(dir, 'resolv.conf'),
        hosts: external_node_path_default().join(dir, 'hosts'),
        sudoBroker: external_node_path_default().join(dir, 'sudo-broker'),
        sudo: external_node_path_default().join(dir, 'sudo'),
    };
}

;// CONCATENATED MODULE: ./src/bundle/mounts.ts
/**
 * What the document binds of the host into the cell: the workspace (with the
 * scrubbed copies of its git configs on top) and the user's own `mounts`.
 * Each host path is listed for checking before the run (write.ts), since a
 * relative one may have been made a link by the code under test.
 */


/**
 * A host path from the document (a mount source, a prepared rootfs): absolute
 * as is, otherwise in the workspace. The schema has refused a relative one
 * that climbs out of it (`../x`); links that lead out are refused on the host.
 */
function mounts_hostPath(p, workspace) {
    return external_node_path_default().isAbsolute(p) ? external_node_path_default().normalize(p) : external_node_path_default().resolve(workspace, p);
}
/** The workspace at its host path, as `workspace` says, with its git configs shown without checkout credentials. */
function workspaceMounts(cell, host, paths) {
    const out = { mounts: [], hostPaths: [], files: [], notes: [], warnings: [] };
    if (cell.workspace === 'none')
        return out;
    const options = cell.workspace === 'read-only' ? RO : RW;
    out.hostPaths.push({ key: 'workspace', path: host.workspace, dir: true });
    out.mounts.push(bind(host.workspace, host.workspace, options));
    if (cell.workspace === 'read-write') {
        out.warnings.push('workspace: read-write lets the cell change the workspace on the runner; treat it as untrusted in later steps (do not run its scripts or build it with secrets).');
    }
    for (const [i, config] of host.gitConfigs.entries()) {
        const copy = `${paths.gitConfig}-${i}`;
        out.files.push({ path: copy, content: config.scrubbed.text });
        out.mounts.push(bind(config.path, copy, options));
        out.notes.push(`The cell sees ${external_node_path_default().relative(host.workspace, config.path)} without the checkout credentials it holds (${[...new Set(config.scrubbed.removed)].join(', ')}); ` +
            'use persist-credentials: false with actions/checkout to keep them off the runner altogether.');
    }
    return out;
}
/** The document's `mounts`: overlay and read-write ones are both writable binds (runsc's --overlay2 tells them apart). */
function userMounts(cell, host) {
    const out = { mounts: [], hostPaths: [] };
    for (const [i, m] of (cell.mounts ?? []).entries()) {
        const source = mounts_hostPath(m.source, host.workspace);
        out.hostPaths.push({ key: `mounts[${i}].source`, path: source, dir: false, relative: !external_node_path_default().isAbsolute(m.source) });
        out.mounts.push(bind(m.target, source, m.mode === 'read-only' ? RO : RW));
    }
    return out;
}

;// CONCATENATED MODULE: ./src/bundle/sudo.ts
/** The helper's own directory in the cell (a tmpfs of its own, made by runsc, root's, 0711): the request FIFO. */
const SUDO_DIR = '/run/gvisor-cell-sudo';
/** Where the helper script is mounted in the cell. */
const BROKER_PATH = '/run/gvisor-cell/sudo-broker';
/** Where our sudo is mounted: over the runner's. */
const SUDO_PATH = '/usr/bin/sudo';
/**
 * The helper, PID 1 of the cell, as root: `sudo-broker SETPRIV UID GID --
 * ARGV…`, run by `bash -p` (privileged mode: no BASH_ENV, no functions
 * imported from the document's environment run here as root). Requests are
 * directories made by SUDO (argv, env and cwd as NUL-separated files, sudo's
 * pid, FIFOs for what must be relayed, and a status FIFO), named one per line
 * on the request FIFO, which it also holds open for writing so that reads
 * block rather than end. The cell's command runs as UID:GID with no
 * supplementary groups, as any cell's does, in this shell's environment,
 * which is the document's: the script assigns nothing at its top level (a
 * variable the cell calls `dir` stays the cell's). Its own commands by
 * absolute path or `command -p`: PATH is the cell's too.
 */
const BROKER = `# gvisor-cell: the cell's root helper for sudo (system: overlay); see src/bundle/sudo.ts.
request() {
  local d=$1 status=126 argv envs cwd=/ pid= in out err
  [ -d "$d" ] && [ ! -L "$d" ] || return 0
  IFS= read -r pid < "$d/pid"
  case $pid in '' | *[!0-9]*) pid= ;; esac
  # A descriptor sudo relays has a FIFO in the request; any other (a device, an input file: SUDO decides) is
  # opened afresh through /proc, as sudo would hand it on; output is appended, never truncated.
  in=$d/in out=$d/out err=$d/err
  [ -p "$in" ] || { in=/proc/$pid/fd/0; [ -e "$in" ] || in=/dev/null; }
  [ -p "$out" ] || { out=/proc/$pid/fd/1; [ -e "$out" ] || out=/dev/null; }
  [ -p "$err" ] || { err=/proc/$pid/fd/2; [ -e "$err" ] || err=/dev/null; }
  if [ -n "$pid" ] && mapfile -d '' -t argv < "$d/argv" && mapfile -d '' -t envs < "$d/env" && [ "\${#argv[@]}" -gt 0 ]; then
    IFS= read -r -d '' cwd < "$d/cwd"
    (cd -- "$cwd" 2>/dev/null || cd /; exec /usr/bin/env -i "\${envs[@]}" "\${argv[@]}") < "$in" >> "$out" 2>> "$err"
    status=$?
  else
    # Unblock sudo's relays, if any.
    { [ ! -p "$d/in" ] || : < "$d/in"; [ ! -p "$d/out" ] || : > "$d/out"; [ ! -p "$d/err" ] || : > "$d/err"; } 2> /dev/null
  fi
  echo "$status" > "$d/status"
}
# Beside the cell's command, not before it (every process is ~20 ms in gVisor): sudo waits for the FIFO.
# The FIFO appears under its name only once it is held open here: a sudo that opened it before would wait on
# an open that a later read-write open need not wake.
serve() {
  local d TMOUT=
  command -p mkfifo -m 0622 ${SUDO_DIR}/.requests && exec 3<> ${SUDO_DIR}/.requests &&
    command -p mv ${SUDO_DIR}/.requests ${SUDO_DIR}/requests ||
    { echo "gvisor-cell: could not start the helper for sudo" >&2; return; }
  while IFS= read -r d <&3; do request "$d" 3<&- & done
}
serve &
(unset SHLVL OLDPWD; exec "$1" --reuid="$2" --regid="$3" --clear-groups -- "\${@:5}") &
wait $!
`;
/**
 * Our sudo: the options CI scripts use (-n, -E, -H, -u, -i, -s, -v, -k, --),
 * the environment reset as sudo's env_reset does (keeping TERM, the locale,
 * TZ, DEBIAN_FRONTEND and the proxy settings the cell was given), then the
 * command through the helper; as root already, the command itself.
 */
const SUDO = `#!/bin/bash
# gvisor-cell: sudo in a cell (system: overlay). gVisor does not honour setuid, so this hands the command to the
# cell's root helper (src/bundle/sudo.ts in gvisor-cell). Signals are not passed on to the command.
set -u
# A closed descriptor is /dev/null, as sudo makes it (else a pipe of our own would land on it).
[ -L /proc/$$/fd/0 ] || exec 0</dev/null
[ -L /proc/$$/fd/1 ] || exec 1>/dev/null
[ -L /proc/$$/fd/2 ] || exec 2>/dev/null
case \${0##*/} in sudoedit) echo "sudoedit: not supported in a gvisor-cell cell; use sudo with an editor or tee" >&2; exit 1 ;; esac
keep= login= shell= user=root names=(in out err)
usage() { echo "usage: sudo [-nEHSkKv] [-u user] [-i | -s] [--] [command [arg ...]]" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case $1 in
    --) shift; break ;;
    -u|--user) [ $# -ge 2 ] || usage; user=$2; shift 2 ;;
    --user=*) user=\${1#--user=}; shift ;;
    -u?*) user=\${1#-u}; shift ;;
    -E|--preserve-env|--preserve-env=*) keep=1; shift ;;
    -i|--login) login=1; shift ;;
    -s|--shell) shell=1; shift ;;
    -n|--non-interactive|-H|--set-home|-S|--stdin|-b|--background) shift ;;
    -v|--validate|-k|--reset-timestamp|-K|--remove-timestamp) [ $# -eq 1 ] && exit 0; shift ;;
    -V|--version) echo "sudo for a gvisor-cell cell (system: overlay)"; exit 0 ;;
    -h|--help) usage ;;
    -[!-]?*) first=\${1:0:2} rest=\${1:2}; shift; set -- "$first" "-$rest" "$@" ;;
    -*) echo "sudo: $1: not supported in a gvisor-cell cell" >&2; exit 1 ;;
    *) break ;;
  esac
done
if [ -n "$login$shell" ]; then
  # As sudo does: the command goes to the shell's -c with its words escaped.
  if [ $# -gt 0 ]; then set -- /bin/bash \${login:+-l} -c "$(printf '%q ' "$@")"; else set -- /bin/bash \${login:+-l}; fi
fi
[ $# -gt 0 ] || usage
case $user in
  root | 0 | '#0') user=root home=/root ;;
  *)
    name=\${user#\\#}
    uid=$(command -p id -u -- "$name" 2>/dev/null) && gid=$(command -p id -g -- "$name" 2>/dev/null) ||
      { echo "sudo: unknown user $user" >&2; exit 1; }
    home=$(command -p getent passwd "$uid" | command -p cut -d: -f6)
    set -- setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$@" ;;
esac
env=()
if [ -n "$keep" ]; then
  while IFS= read -r -d '' v; do env+=("$v"); done < <(command -p env -0)
else
  env=("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin" "HOME=\${home:-/}" "USER=$user" "LOGNAME=$user" "SHELL=/bin/bash")
  while IFS= read -r -d '' v; do
    case \${v%%=*} in
      TERM | LANG | LANGUAGE | LC_* | TZ | DEBIAN_FRONTEND | http_proxy | https_proxy | no_proxy | HTTP_PROXY | HTTPS_PROXY | NO_PROXY | NODE_USE_ENV_PROXY) env+=("$v") ;;
    esac
  done < <(command -p env -0)
fi
# bash knows the ids: every process is ~10 ms in gVisor.
me=$EUID
env+=("SUDO_USER=$(command -p id -un 2>/dev/null || echo "$me")" "SUDO_UID=$me" "SUDO_GID=$(command -p id -g)" "SUDO_COMMAND=$*")
if [ "$me" = 0 ]; then exec /usr/bin/env -i "\${env[@]}" "$@"; fi
# With collect, the cell's command may start before the helper (the container's init) has made its FIFO.
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do [ -p ${SUDO_DIR}/requests ] && break; command -p sleep 0.1; done
[ -p ${SUDO_DIR}/requests ] || { echo "sudo: the cell's helper for sudo is not running" >&2; exit 1; }
d=$(command -p mktemp -d "\${TMPDIR:-/tmp}/gvisor-cell-sudo.XXXXXXXX") || exit 1
trap 'command -p rm -rf -- "$d"' EXIT
printf '%s\\0' "$@" > "$d/argv"
printf '%s\\0' "\${env[@]}" > "$d/env"
printf '%s\\0' "$PWD" > "$d/cwd"
printf '%s\\n' "$$" > "$d/pid"
# What the helper opens afresh through /proc, as sudo would hand the descriptor on: a device (/dev/null, a
# terminal), and an input file (from its start: a loop reading the file keeps its place). Everything else is
# relayed through a FIFO: output (a file keeps its offset, a pipe or a socket cannot be reopened in gVisor) and
# piped input, which is read ahead as far as the pipe lets it.
fifos=("$d/status")
for i in 0 1 2; do
  if [ -c "/proc/$$/fd/$i" ] || { [ "$i" = 0 ] && [ -f "/proc/$$/fd/$i" ]; }; then continue; fi
  fifos+=("$d/\${names[$i]}")
done
command -p mkfifo "\${fifos[@]}" || exit 1
# The status FIFO is held open, read and write, before the request goes: the helper's open of it then never
# waits for ours (two opens that wait for each other are where a FIFO handshake can be lost).
exec 4<> "$d/status"
printf '%s\\n' "$d" > ${SUDO_DIR}/requests
outs=() in=
[ ! -p "$d/out" ] || { command -p cat "$d/out" & outs+=($!); }
[ ! -p "$d/err" ] || { command -p cat "$d/err" >&2 & outs+=($!); }
# An asynchronous command reads /dev/null unless told otherwise: the command's input is ours.
[ ! -p "$d/in" ] || { command -p cat <&0 > "$d/in" & in=$!; }
status= TMOUT=
read -r status <&4
# Everything the command wrote is passed on, however slowly it is read (a daemon it left holding its output
# keeps sudo until it lets go: start one with its output redirected).
[ "\${#outs[@]}" -eq 0 ] || wait "\${outs[@]}" 2>/dev/null
[ -z "$in" ] || kill "$in" 2>/dev/null
exit "\${status:-126}"
`;
/**
 * The cell's process run through the helper: root, with a root cell's
 * capabilities (for the requests), the command dropped to `user` by setpriv.
 */
function throughBroker(process, user, tools, rootCapabilities) {
    const caps = [...rootCapabilities];
    return {
        ...process,
        user: { uid: 0, gid: 0 },
        args: [
            tools.bash,
            '--noprofile',
            '--norc',
            '-p',
            BROKER_PATH,
            tools.setpriv,
            String(user.uid),
            String(user.gid),
            '--',
            ...process.args,
        ],
        capabilities: { bounding: caps, effective: caps, permitted: caps },
    };
}

;// CONCATENATED MODULE: ./src/bundle/host-view.ts
/**
 * The cell's root: with `rootfs: host` an allow-listed, read-only view of the
 * runner over an empty skeleton (masked secrets, the runner's own directories
 * hidden, fresh scratch directories); with `rootfs: { path }` the prepared
 * tree and only the scratch directories a program needs. What the cell sees
 * of the runner is decided here and nowhere else.
 */






/**
 * /run holds pid files, locks and sockets, not data: it gets at most this
 * much whatever `limits.tmpfs` says (less when that is smaller).
 */
const RUN_TMPFS_MAX = 64 * 2 ** 20;
/** The skeleton's /var beside the package state: where dpkg and apt log and cache (in memory); and root's HOME for sudo. */
const VAR_DIRS = ['/var/log/apt', '/var/lib', '/var/cache', '/var/spool', '/var/backups', '/var/local', '/var/opt', '/var/mail', '/root'];
const VAR_LINKS = [
    ['var/run', '/run'],
    ['var/lock', '/run/lock'],
];
/**
 * `system: overlay`: the same view, with the system directories (and the
 * package state of /var) staged into the root rather than mounted, and sudo.
 */
function overlayView(host, paths, user, size, egress) {
    const { dirs, links } = systemDirs(host);
    const binds = [...dirs, ...host.systemVar];
    const maskDirs = [...host.maskedDirs, ...host.runnerDirs.filter((dir) => binds.some((b) => (0,bundle_host/* isInside */.FK)(dir, b)))];
    const mounts = [
        ...toolCacheMount(host, binds),
        ...scratchAndResolver(host, paths, user, size, egress),
        // Our sudo over the runner's, and the helper it talks to (bundle/sudo.ts).
        bind(SUDO_PATH, paths.sudo, RO),
        bind(BROKER_PATH, paths.sudoBroker, RO),
        tmpfs(SUDO_DIR, ['mode=0711', 'size=4k']),
    ];
    return {
        mounts,
        links,
        rootStage: { binds, maskFiles: [...host.maskedFiles], maskDirs, dirs: VAR_DIRS, links: VAR_LINKS },
    };
}
/** The runner's system directories the cell sees (/usr, /etc, /opt, top-level ones that are directories), and its top-level links. */
function systemDirs(host) {
    const dirs = ['/usr', '/etc', ...(host.hasOpt ? ['/opt'] : [])];
    const links = [];
    for (const entry of host.rootLinks) {
        if (entry.kind === 'symlink')
            links.push([entry.name, entry.target]);
        else
            dirs.push(`/${entry.name}`);
    }
    return { dirs, links };
}
/** The tool cache, read-only, unless one of `shown` shows it already. */
function toolCacheMount(host, shown) {
    const cache = host.toolCache;
    return cache && !shown.some((d) => (0,bundle_host/* isInside */.FK)(cache, d)) ? [bind(cache, cache, RO)] : [];
}
/**
 * Every view's scratch directories, and its resolv.conf: the runner's one
 * file read-only (the rest of the host's /run, sockets and credentials, stays
 * out), or with network.allow the cell's own files (bundle/egress.ts).
 */
function scratchAndResolver(host, paths, user, size, egress) {
    if (egress)
        return [...scratchMounts(host, user, size), ...egressMounts(host, paths)];
    return [...scratchMounts(host, user, size), ...(host.resolvConf ? [bind(host.resolvConf, host.resolvConf, RO)] : [])];
}
/** The cell's writable scratch directories: /tmp, /var/tmp, /run and HOME, each a tmpfs. */
function scratchMounts(host, user, size) {
    return [
        scratch('/tmp', size, ['mode=1777']),
        scratch('/var/tmp', size, ['mode=1777']),
        scratch('/run', Math.min(size, RUN_TMPFS_MAX), ['mode=0755']),
        scratch(host.home, size, ['mode=0700', `uid=${user.uid}`, `gid=${user.gid}`]),
    ];
}
/** The allow-listed view of the runner for `rootfs: host`. */
function hostView(host, paths, user, size, egress) {
    const { dirs, links } = systemDirs(host);
    const mounts = [...dirs.map((d) => bind(d, d, RO)), ...toolCacheMount(host, dirs)];
    // The runner's own directories never show through a bound tree (a self-hosted runner in /opt, say).
    for (const dir of host.runnerDirs) {
        if (dirs.some((b) => (0,bundle_host/* isInside */.FK)(dir, b)))
            mounts.push(tmpfs(dir, ['ro', 'mode=0755', 'size=4k']));
    }
    for (const file of host.maskedFiles)
        mounts.push(bind(file, paths.emptyFile, RO));
    for (const dir of host.maskedDirs)
        mounts.push(tmpfs(dir, ['ro', 'mode=0755', 'size=4k']));
    mounts.push(...scratchAndResolver(host, paths, user, size, egress));
    return { mounts, links };
}
function rootView(cell, host, paths, user, scratchSize) {
    const egress = typeof cell.network === 'object';
    if (cell.rootfs === 'host' && cell.system === 'overlay') {
        return { root: 'rootfs', ...overlayView(host, paths, user, scratchSize, egress), hostPaths: [] };
    }
    if (cell.rootfs === 'host')
        return { root: 'rootfs', ...hostView(host, paths, user, scratchSize, egress), hostPaths: [] };
    const ownScratch = [
        scratch('/tmp', scratchSize, ['mode=1777']),
        scratch(host.home, scratchSize, ['mode=0700', `uid=${user.uid}`, `gid=${user.gid}`]),
        ...(egress ? egressMounts(undefined, paths) : []),
    ];
    if (cell.rootfs.image !== undefined) {
        if (!host.image)
            throw new Error(`rootfs.image: ${cell.rootfs.image} was not pulled before the cell was planned`);
        // The skeleton's place: the image's tree goes over it, with an upper layer of the namespace's own (run/readonly.ts).
        return { root: 'rootfs', mounts: ownScratch, links: [], hostPaths: [], image: host.image.root };
    }
    const root = mounts_hostPath(cell.rootfs.path ?? '', host.workspace);
    return {
        root,
        mounts: ownScratch,
        links: [],
        hostPaths: [{ key: 'rootfs.path', path: root, dir: true, relative: !external_node_path_default().isAbsolute(cell.rootfs.path ?? '') }],
    };
}

;// CONCATENATED MODULE: ./src/bundle/env.ts
/**
 * The cell's environment, built up from nothing: an allow-list of harmless
 * context variables, then what the document opts into with `pass-env`, then
 * the document's own `env`. Nothing of the action's environment is copied by
 * default; credentials (ACTIONS_RUNTIME_TOKEN, secrets passed through `env:`,
 * GITHUB_TOKEN) therefore never reach a cell unless a user names them.
 */


/** Non-credential context the runner sets for every step. */
const CONTEXT_VARIABLES = [
    'CI',
    'GITHUB_ACTION',
    'GITHUB_ACTIONS',
    'GITHUB_ACTOR',
    'GITHUB_ACTOR_ID',
    'GITHUB_API_URL',
    'GITHUB_BASE_REF',
    'GITHUB_EVENT_NAME',
    'GITHUB_GRAPHQL_URL',
    'GITHUB_HEAD_REF',
    'GITHUB_JOB',
    'GITHUB_REF',
    'GITHUB_REF_NAME',
    'GITHUB_REF_PROTECTED',
    'GITHUB_REF_TYPE',
    'GITHUB_REPOSITORY',
    'GITHUB_REPOSITORY_ID',
    'GITHUB_REPOSITORY_OWNER',
    'GITHUB_REPOSITORY_OWNER_ID',
    'GITHUB_RETENTION_DAYS',
    'GITHUB_RUN_ATTEMPT',
    'GITHUB_RUN_ID',
    'GITHUB_RUN_NUMBER',
    'GITHUB_SERVER_URL',
    'GITHUB_SHA',
    'GITHUB_TRIGGERING_ACTOR',
    'GITHUB_WORKFLOW',
    'GITHUB_WORKFLOW_REF',
    'GITHUB_WORKFLOW_SHA',
    'GITHUB_WORKSPACE',
    'RUNNER_OS',
    'RUNNER_ARCH',
    'LANG',
    'TZ',
];
const SYSTEM_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
/** System directories, after the host's PATH entries that lie inside the tool cache (setup-* actions put tools there). */
function cellPath(hostPath, toolCache) {
    const tools = toolCache && external_node_path_default().isAbsolute(toolCache)
        ? (hostPath ?? '').split(':').filter((p) => p !== '' && (0,bundle_host/* isInside */.FK)(external_node_path_default().normalize(p), external_node_path_default().normalize(toolCache)))
        : [];
    return [...new Set([...tools, ...SYSTEM_PATH])].join(':');
}
function buildEnv(input) {
    const out = new Map();
    for (const name of CONTEXT_VARIABLES) {
        const value = input.hostEnv[name];
        if (value !== undefined)
            out.set(name, value);
    }
    out.set('HOME', input.home);
    out.set('PATH', cellPath(input.hostEnv.PATH, input.hostEnv.RUNNER_TOOL_CACHE));
    for (const entry of input.imageEnv ?? []) {
        const eq = entry.indexOf('=');
        const name = eq > 0 ? entry.slice(0, eq) : '';
        // HOME is the cell's fresh tmpfs whatever the image says.
        if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && name !== 'HOME')
            out.set(name, entry.slice(eq + 1));
    }
    const missing = [];
    for (const name of input.passEnv) {
        const value = input.hostEnv[name];
        if (value === undefined)
            missing.push(name);
        else
            out.set(name, value);
    }
    for (const [name, value] of Object.entries(input.env))
        out.set(name, value);
    return { entries: [...out].map(([k, v]) => `${k}=${v}`), missing };
}

;// CONCATENATED MODULE: ./src/bundle/process.ts
/**
 * The cell's process: its argv, environment, working directory, user and
 * capabilities; and, with `collect`, the split into an init that only waits
 * and the work run beside it, so the paths can be read out afterwards.
 */


function cellUser(cell, host) {
    return cell.user === 'root' ? { uid: 0, gid: 0 } : { uid: host.uid, gid: host.gid };
}
/** Docker's default set: enough for package managers run as root, nothing that reaches the host. */
const ROOT_CAPABILITIES = [
    'CAP_CHOWN',
    'CAP_DAC_OVERRIDE',
    'CAP_FOWNER',
    'CAP_FSETID',
    'CAP_KILL',
    'CAP_SETGID',
    'CAP_SETUID',
    'CAP_SETPCAP',
    'CAP_NET_BIND_SERVICE',
    'CAP_NET_RAW',
    'CAP_SYS_CHROOT',
    'CAP_MKNOD',
    'CAP_AUDIT_WRITE',
    'CAP_SETFCAP',
];
function processArgs(cell) {
    if (cell.command !== undefined)
        return [...cell.command];
    // Like a workflow step's `run:` (the runner's own defaults for bash and sh).
    return cell.shell === 'sh' ? ['sh', '-e', '-c', cell.run] : ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c', cell.run];
}
function cellProcess(cell, host, user) {
    const base = cell.workspace === 'none' ? host.home : host.workspace;
    // An image's WorkingDir where the document names no directory at all (no workspace, no working-directory).
    const imageDir = cell.workspace === 'none' && cell['working-directory'] === undefined ? host.image?.workingDir : undefined;
    const cwd = imageDir && external_node_path_default().posix.isAbsolute(imageDir) ? imageDir : external_node_path_default().posix.join(base, cell['working-directory'] ?? '.');
    const hostPaths = cell.workspace !== 'none' && cell['working-directory'] !== undefined ? [{ key: 'working-directory', path: cwd, dir: true }] : [];
    const env = buildEnv({
        hostEnv: host.env,
        home: host.home,
        imageEnv: host.image?.env ?? [],
        passEnv: cell['pass-env'] ?? [],
        env: cell.env ?? {},
    });
    const proc = {
        terminal: false,
        user: { uid: user.uid, gid: user.gid },
        args: processArgs(cell),
        env: env.entries,
        cwd,
        ...(user.uid === 0
            ? { capabilities: { bounding: ROOT_CAPABILITIES, effective: ROOT_CAPABILITIES, permitted: ROOT_CAPABILITIES } }
            : {}),
        noNewPrivileges: true,
    };
    return { process: proc, missingEnv: env.missing, hostPaths };
}
/** The init of a container whose work runs through `runsc exec` (so it outlives that work). */
const WAIT_FOREVER = ['sleep', 'infinity'];
/**
 * With `collect`: the cell's own process, run with `runsc exec` in a container
 * whose init only waits, so that the container outlives it and the listed
 * paths can be read out of the cell's view afterwards.
 */
function collectProcesses(cell, work, workspace) {
    if (!cell.collect?.length)
        return undefined;
    return {
        init: { ...work, args: WAIT_FOREVER },
        process: work,
        // Read back from the workspace, links archived as links (never followed), missing paths only warned of.
        // The runner's tar is GNU tar; a prepared root's or an image's may be busybox's, which has no
        // --ignore-failed-read (an unreadable file then fails the collect instead of being skipped).
        tar: {
            ...work,
            cwd: workspace,
            args: ['tar', '-cf', '-', ...(cell.rootfs === 'host' ? ['--ignore-failed-read'] : []), '--', ...cell.collect],
        },
        paths: cell.collect,
    };
}

;// CONCATENATED MODULE: ./src/bundle/resources.ts
const CPU_PERIOD = 100_000;
/** The cgroup settings, or undefined when the document sets none (then runsc may skip cgroups). */
function linuxResources(limits, host) {
    for (const [key, controller] of [
        ['memory', 'memory'],
        ['cpus', 'cpu'],
        ['pids', 'pids'],
    ]) {
        if (limits[key] !== undefined && host.cgroupControllers && !host.cgroupControllers.includes(controller)) {
            throw new Error(`limits.${key}: this runner's cgroups have no ${controller} controller, so the limit cannot be enforced; remove it or use another runner`);
        }
    }
    const resources = {};
    if (limits.memory !== undefined)
        resources.memory = { limit: limits.memory, swap: limits.memory };
    if (limits.cpus !== undefined)
        resources.cpu = { quota: Math.round(limits.cpus * CPU_PERIOD), period: CPU_PERIOD };
    if (limits.pids !== undefined)
        resources.pids = { limit: limits.pids };
    return Object.keys(resources).length > 0 ? resources : undefined;
}

;// CONCATENATED MODULE: ./src/bundle/spec.ts
/**
 * Cell + host facts → the OCI bundle and the sandbox it needs, as plain data.
 * Nothing here touches the disk: what the cell will see can be read (and
 * tested) from the returned value alone. The parts are built in their own
 * modules (host-view, mounts, process, resources); this file puts them
 * together and says what the sandbox must be (run/runsc.ts turns that into
 * runsc's flags). A document the schema accepted is
 * refused here only for what the host cannot do (resources.ts).
 */







/** What gVisor provides itself: never the host's. */
function kernelMounts() {
    return [
        { destination: '/proc', type: 'proc', source: 'proc' },
        { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['ro', 'nosuid', 'nodev', 'noexec'] },
    ];
}
function buildBundle(cell, host, paths) {
    const user = cellUser(cell, host);
    const view = rootView(cell, host, paths, user, cell.limits?.tmpfs ?? DEFAULT_BOUNDS.tmpfs);
    const workspace = workspaceMounts(cell, host, paths);
    const extra = userMounts(cell, host);
    const resources = linuxResources(cell.limits ?? {}, host);
    const work = cellProcess(cell, host, user);
    const collect = collectProcesses(cell, work.process, host.workspace);
    const sudo = view.rootStage ? sudoFor(host, paths) : undefined;
    // With system: overlay the cell starts as root, in the helper that serves sudo (bundle/sudo.ts).
    const init = collect ? collect.init : work.process;
    const cellInit = sudo && user.uid !== 0 ? throughBroker(init, user, sudo.tools, ROOT_CAPABILITIES) : init;
    const namespaces = ['pid', 'ipc', 'uts', 'mount', ...(cell.network === 'host' ? [] : ['network'])].map((type) => ({ type }));
    const spec = {
        ociVersion: '1.0.2',
        process: cellInit,
        // Never written to: it is either our skeleton or the user's prepared tree, and runsc overlays it in memory.
        root: { path: view.root, readonly: false },
        hostname: cell.hostname ?? hostnameFor(cell.name),
        // Parents before children: a tmpfs HOME must be in place before the workspace inside it.
        mounts: sortByDepth([...kernelMounts(), ...view.mounts, ...workspace.mounts, ...extra.mounts]),
        linux: { namespaces, ...(resources ? { resources } : {}) },
    };
    return {
        spec,
        sandbox: sandboxShape(cell, resources),
        links: view.links,
        missingEnv: work.missingEnv,
        hostPaths: [...view.hostPaths, ...workspace.hostPaths, ...extra.hostPaths, ...work.hostPaths],
        files: [...workspace.files, ...(typeof cell.network === 'object' ? egressFiles(paths, spec.hostname) : []), ...(sudo?.files ?? [])],
        rootStage: view.rootStage,
        image: view.image,
        notes: workspace.notes,
        warnings: workspace.warnings,
        collect: collect && { process: collect.process, tar: collect.tar, paths: collect.paths },
    };
}
/** sudo's two files, and what the helper runs with; `system: overlay` needs bash and setpriv on the runner. */
function sudoFor(host, paths) {
    if (!host.sudoTools) {
        throw new Error('system: overlay needs bash and setpriv (util-linux) on the runner, for sudo in the cell; install them, or drop system');
    }
    return {
        tools: host.sudoTools,
        files: [
            { path: paths.sudoBroker, content: BROKER },
            { path: paths.sudo, content: SUDO, mode: 0o755 },
        ],
    };
}
function sandboxShape(cell, resources) {
    // Overlay-mode binds are what `--overlay2=all:` wraps; plain writable binds need `root:` only
    // (the schema refuses a cell that mixes them).
    const overlays = cell.workspace === 'overlay' || (cell.mounts ?? []).some((m) => m.mode === 'overlay');
    const network = typeof cell.network === 'object' ? 'sandbox' : cell.network;
    return { network, overlay: overlays ? 'all' : 'root', cgroups: resources !== undefined };
}
function depth(p) {
    return p.split('/').filter(Boolean).length;
}
function sortByDepth(mounts) {
    return mounts
        .map((m, i) => [m, i])
        .sort((a, b) => depth(a[0].destination) - depth(b[0].destination) || a[1] - b[1])
        .map(([m]) => m);
}

// EXTERNAL MODULE: ./src/fs-kind.ts
var fs_kind = __webpack_require__(8619);
;// CONCATENATED MODULE: ./src/bundle/write.ts
/**
 * Puts a built bundle on disk, in the run's private directory, after checking
 * that every host path the document names exists. Nothing of the user's is
 * written: the skeleton rootfs, the mask file and config.json are ours.
 *
 * Synchronous on purpose: a few dozen tiny calls on the way to `runsc run`,
 * with nothing else for the step to do meanwhile; promises would add a thread
 * pool round trip to each (its cost: README, Performance).
 */




function realpathOr(p, fallback) {
    try {
        return (0,external_node_fs_.realpathSync)(p);
    }
    catch {
        return fallback;
    }
}
/**
 * Every host path the document names must exist (and be a directory where it
 * must). Errors name the key. A workspace-relative bind source is resolved
 * here, once: the workspace holds the code under test, which may have made
 * `.cache` a link to `/`; runsc would follow it on the host. The resolved
 * path must stay inside the (resolved) workspace, and it is what the returned
 * bundle binds, so nothing is followed later: the bundle returned is the one
 * to run, the one given is left as it was.
 */
function checkHostPaths(bundle, workspace) {
    const realWorkspace = realpathOr(workspace, workspace);
    const resolved = new Map();
    for (const s of bundle.hostPaths) {
        const kind = (0,fs_kind/* targetKind */.WL)(s.path);
        if (!kind)
            throw new Error(`${s.key}: ${s.path} does not exist on the runner`);
        if (s.dir && kind !== 'dir')
            throw new Error(`${s.key}: ${s.path} is not a directory`);
        if (!s.relative)
            continue;
        const real = (0,external_node_fs_.realpathSync)(s.path);
        if (!(0,bundle_host/* isInside */.FK)(real, realWorkspace)) {
            throw new Error(`${s.key}: ${s.path} leads outside the workspace (through a symbolic link, to ${real}); refused`);
        }
        resolved.set(s.path, real);
    }
    const spec = {
        ...bundle.spec,
        root: { ...bundle.spec.root, path: resolved.get(bundle.spec.root.path) ?? bundle.spec.root.path },
        mounts: bundle.spec.mounts.map((m) => {
            const real = m.type === 'bind' ? resolved.get(m.source) : undefined;
            return real === undefined ? m : { ...m, source: real };
        }),
    };
    if (spec.root.path !== 'rootfs')
        checkMountPoints(spec.root.path, mountPoints(spec));
    return { ...bundle, spec };
}
/**
 * A prepared root filesystem is never written to. runsc, though, creates the
 * mount point of every bind mount that is missing from it, on the host, as
 * root — so each must exist already (those inside another bind mount are
 * that mount's business); fail closed and say which.
 */
function checkMountPoints(root, mounts) {
    const missing = [];
    for (const m of mounts) {
        if (m.type !== 'bind')
            continue;
        const at = external_node_path_default().join(root, m.destination);
        if (!(0,external_node_fs_.lstatSync)(at, { throwIfNoEntry: false }))
            missing.push(m.destination);
    }
    if (missing.length > 0) {
        throw new Error(`rootfs.path: ${root} lacks the mount points ${missing.join(', ')}; create them in it (runsc would otherwise create them there, and a prepared root filesystem is never written to)`);
    }
}
function isBelow(child, parent) {
    return child !== parent && (parent === '/' || child.startsWith(`${parent}/`));
}
/**
 * The mount points runsc needs in the skeleton: every mount's destination that
 * no bind mount of the host covers. Made here, as the action's user, because
 * runsc (as root) would otherwise create them itself, root-owned, and a
 * non-root action could not remove its own run directory afterwards.
 */
function mountPoints(spec) {
    const binds = spec.mounts.filter((m) => m.type === 'bind').map((m) => m.destination);
    return spec.mounts.filter((m) => !binds.some((b) => isBelow(m.destination, b)));
}
function makeSkeleton(rootfs, bundle) {
    (0,external_node_fs_.mkdirSync)(rootfs, { mode: 0o755 });
    for (const [name, target] of bundle.links)
        (0,external_node_fs_.symlinkSync)(target, external_node_path_default().join(rootfs, name));
    // system: overlay: the directories bound into the root (readonly.ts) need their mount points, and /var its own.
    const staged = bundle.rootStage;
    for (const dir of [...(staged?.binds ?? []), ...(staged?.dirs ?? [])])
        (0,external_node_fs_.mkdirSync)(external_node_path_default().join(rootfs, dir), { recursive: true, mode: 0o755 });
    for (const [name, target] of staged?.links ?? [])
        (0,external_node_fs_.symlinkSync)(target, external_node_path_default().join(rootfs, name));
    // Parents come first (the mounts are sorted), and nested ones share them. What lies in a staged directory is
    // the runner's (its mount point there exists, or runsc makes it in the in-memory overlay).
    for (const m of mountPoints(bundle.spec)) {
        if (staged?.binds.some((b) => isBelow(m.destination, b)))
            continue;
        const at = external_node_path_default().join(rootfs, m.destination);
        const source = m.type === 'bind' ? (0,fs_kind/* targetKind */.WL)(m.source) : undefined;
        if (source === 'file' || source === 'other') {
            (0,external_node_fs_.mkdirSync)(external_node_path_default().dirname(at), { recursive: true, mode: 0o755 });
            (0,external_node_fs_.writeFileSync)(at, '', { flag: 'a' });
        }
        else {
            (0,external_node_fs_.mkdirSync)(at, { recursive: true, mode: 0o755 });
        }
    }
}
/** Everything of the bundle but config.json: our files (the mask, git config copies) and the skeleton rootfs. */
function writeBundleFiles(bundle, paths) {
    (0,external_node_fs_.mkdirSync)(paths.dir, { recursive: true });
    (0,external_node_fs_.writeFileSync)(paths.emptyFile, '', { mode: 0o444 });
    for (const file of bundle.files)
        (0,external_node_fs_.writeFileSync)(file.path, file.content, { mode: file.mode ?? 0o644 });
    const rootfs = external_node_path_default().join(paths.dir, 'rootfs');
    if (bundle.image) {
        // Only the places the image is laid out at (readonly.ts): runsc makes the mount points in its upper layer.
        (0,external_node_fs_.mkdirSync)(rootfs, { mode: 0o755 });
        (0,external_node_fs_.mkdirSync)(`${rootfs}.upper`, { mode: 0o700 });
    }
    else if (bundle.spec.root.path === 'rootfs')
        makeSkeleton(rootfs, bundle);
}
/** config.json, from the spec as it is now; returns its path. */
function writeConfig(spec, paths) {
    const config = external_node_path_default().join(paths.dir, 'config.json');
    (0,external_node_fs_.writeFileSync)(config, JSON.stringify(spec, null, 2));
    return config;
}
function writeBundle(bundle, paths) {
    writeBundleFiles(bundle, paths);
    return writeConfig(bundle.spec, paths);
}

// EXTERNAL MODULE: ./src/egress/host-network.ts
var host_network = __webpack_require__(618);
;// CONCATENATED MODULE: ./src/run/output.ts
/**
 * Where a cell's bytes go: the job log (inside a stop-commands window, so the
 * cell cannot issue workflow commands), a file on the runner's disk holding up
 * to `limits.log` bytes of it, and bounded tails for the step outputs. Memory
 * stays at a few times `output-limit` however much the cell prints.
 *
 * Both streams go to the action's stdout, never its stderr: the runner reads
 * the two on separate threads, and a stderr line processed after the closing
 * token on stdout would be parsed as a command.
 */



/** Keeps the last `cap` bytes written to it. */
class Tail {
    cap;
    chunks = [];
    size = 0;
    constructor(cap) {
        this.cap = cap;
    }
    push(chunk) {
        if (this.cap === 0)
            return;
        const piece = chunk.length > this.cap ? chunk.subarray(chunk.length - this.cap) : chunk;
        // Copy: the stream may reuse its buffer, and a small slice must not pin a large one.
        this.chunks.push(Buffer.from(piece));
        this.size += piece.length;
        while (this.size - (this.chunks[0]?.length ?? 0) >= this.cap) {
            this.size -= this.chunks.shift().length;
        }
    }
    /** The tail as text, never starting in the middle of a UTF-8 sequence. */
    text() {
        let buf = Buffer.concat(this.chunks, this.size);
        if (buf.length > this.cap)
            buf = buf.subarray(buf.length - this.cap);
        let start = 0;
        // Skip continuation bytes (10xxxxxx) left over from a character cut at the front.
        while (start < buf.length && start < 3 && (buf[start] & 0xc0) === 0x80)
            start++;
        return buf.subarray(start).toString('utf8');
    }
}
const stdoutSink = {
    write: (data) => {
        // process.stdout is synchronous for pipes and files on Linux: this is the backpressure.
        // raw: the cell's bytes, inside the window, and the window's own commands.
        process.stdout.write(data);
    },
};
class CellOutput {
    logFile;
    jobLog;
    window;
    logCap;
    logs;
    stdout;
    stderr;
    fd;
    /** The stop-commands token: fresh from a CSPRNG for each window, never shown to the cell. */
    token = '';
    lastByte = 0x0a;
    open = false;
    /** Bytes of the cell's output in the log file so far. */
    filed = 0;
    lastFiledByte = 0x0a;
    /** Set once the log file reached `logCap` and more came: the file ends there, with the marker line. */
    cut = false;
    /**
     * @param window wrap the live output in a stop-commands window: the runner
     *   parses the action's output for commands; a terminal (the CLI) does not.
     * @param logCap most bytes of output the log file keeps (`limits.log`): a
     *   cell must not fill the runner's disk by printing.
     */
    constructor(logFile, limit, jobLog = stdoutSink, window = true, logCap = DEFAULT_BOUNDS.log) {
        this.logFile = logFile;
        this.jobLog = jobLog;
        this.window = window;
        this.logCap = logCap;
        this.logs = new Tail(limit);
        this.stdout = new Tail(limit);
        this.stderr = new Tail(limit);
        // A new file only: never written through a link or over another run's log.
        this.fd = (0,external_node_fs_.openSync)(logFile, 'wx', 0o644);
    }
    /** Stops the runner's command processing; everything until end() is inert text. */
    begin() {
        if (!this.window)
            return;
        // Web Crypto's CSPRNG: a global, so this module needs no node:crypto (slow to load) on the way to runsc.
        this.token = Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('hex');
        this.jobLog.write(`::stop-commands::${this.token}\n`);
        this.open = true;
    }
    /** Resumes command processing, on a line of its own. */
    end() {
        if (!this.open)
            return;
        this.jobLog.write(this.lastByte === 0x0a ? `::${this.token}::\n` : `\n::${this.token}::\n`);
        this.open = false;
    }
    /** The cap the log file was cut at, or undefined when it holds every byte. */
    get logCutAt() {
        return this.cut ? this.logCap : undefined;
    }
    push(stream, chunk) {
        if (chunk.length === 0)
            return;
        this.file(chunk);
        this.logs.push(chunk);
        (stream === 'stdout' ? this.stdout : this.stderr).push(chunk);
        if (this.open || !this.window) {
            this.jobLog.write(chunk);
            this.lastByte = chunk[chunk.length - 1];
        }
    }
    close() {
        this.end();
        (0,external_node_fs_.closeSync)(this.fd);
    }
    /** Into the log file up to the cap; the first byte past it ends the file with the marker line. */
    file(chunk) {
        if (this.cut)
            return;
        const room = this.logCap - this.filed;
        if (chunk.length <= room) {
            writeAll(this.fd, chunk);
            this.filed += chunk.length;
            this.lastFiledByte = chunk[chunk.length - 1];
            return;
        }
        if (room > 0) {
            writeAll(this.fd, chunk.subarray(0, room));
            this.lastFiledByte = chunk[room - 1];
            this.filed = this.logCap;
        }
        this.cut = true;
        const marker = cutMarker(this.logCap);
        writeAll(this.fd, Buffer.from(this.lastFiledByte === 0x0a ? marker : `\n${marker}`));
    }
}
/** The log file's last line once cut: one line, so `tail -n 1` finds it. */
function cutMarker(cap) {
    return `[gvisor-cell] log file cut at ${cap} bytes (limits.log: ${(0,units/* formatSize */.Xq)(cap)}); the rest of the output is only in the job log\n`;
}
function writeAll(fd, chunk) {
    let off = 0;
    while (off < chunk.length)
        off += (0,external_node_fs_.writeSync)(fd, chunk, off);
}

;// CONCATENATED MODULE: ./src/run/readonly.ts
/**
 * Read-only, enforced by the host kernel.
 *
 * gVisor marks a read-only bind mount read-only inside the sandbox, but
 * releases before 20250707 let `open(O_TRUNC)` through it with directfs on
 * (fixed upstream by "Check MS_RDONLY for O_TRUNC before doing file
 * truncation"): a cell could empty any file it may only read — the workspace
 * in read-only mode, a read-only mount, and as root anything root-owned in
 * the host view. The fix here does not depend on the runsc in use.
 *
 * runsc is started in a private mount namespace (util-linux `unshare`) in
 * which every bind source the cell must not write is first bound, with the
 * kernel's `ro` flag, at a stub inside the run directory; the spec names the
 * stubs instead of the originals. runsc's gofer (and the sentry, through
 * directfs) only ever opens files through those read-only mounts. Nothing is
 * mounted in the runner's own namespace, so nothing is left to clean up: the
 * namespace ends with the sandbox's last process. Writes the user allowed
 * (`read-write` mounts and workspace) keep their original sources.
 */




/** The bind mounts whose writes would reach the host: `rw` ones, unless `--overlay2=all:` keeps every write in memory. */
function writesReachHost(bundle, options) {
    return (options ?? []).includes('rw') && bundle.sandbox.overlay !== 'all';
}
/**
 * The spec runsc is given: the bundle's, with every bind source the cell must
 * not change (and a prepared root filesystem) reached through a stub under
 * `stageDir`; and what to bind at each stub. The bundle is left as it is.
 * `mountPoints` are the host's mount points (from /proc/self/mountinfo), to
 * find submounts. Touches no disk but to stat sources (which must exist:
 * checkHostPaths ran).
 */
function realpathOrUndefined(p) {
    try {
        return (0,external_node_fs_.realpathSync)(p);
    }
    catch {
        return undefined;
    }
}
/** The mount points below `real` (a source's real path), at their place below `at`. */
function submountsOf(real, at, mountPoints) {
    return mountPoints
        .filter((m) => m.startsWith(real === '/' ? '/' : `${real}/`) && m !== real)
        .map((m) => external_node_path_default().join(at, external_node_path_default().relative(real, m)));
}
function stageReadOnly(bundle, stageDir, mountPoints, skeleton) {
    const stage = { binds: [], submounts: [] };
    const rootStage = bundle.rootStage;
    if (rootStage) {
        if (!skeleton)
            throw new Error('system: overlay needs the skeleton root to stage into');
        const at = (p) => external_node_path_default().join(skeleton.rootfs, p);
        // The staging shell mounts on the host, where a link in a masked path would be followed out of the root
        // (a mask landing on the runner's own file, the cell reading the original through the bind). So each mask
        // goes where its path really leads, inside one of the binds, or nowhere: a path that leads outside them, or
        // to nothing, is not in the cell's view.
        const bound = rootStage.binds.map((source) => ({ source, real: (0,external_node_fs_.realpathSync)(source) }));
        /** Where `p` really is in the root: below the bind that holds what it leads to, at that bind's own path. */
        const inView = (p) => {
            const real = realpathOrUndefined(p);
            const holder = real === undefined ? undefined : bound.find((b) => (0,bundle_host/* isInside */.FK)(real, b.real));
            return holder && real !== undefined ? external_node_path_default().join(holder.source, external_node_path_default().relative(holder.real, real)) : undefined;
        };
        stage.root = {
            binds: rootStage.binds.map((source) => ({ source, at: at(source) })),
            submounts: rootStage.binds.flatMap((source) => submountsOf((0,external_node_fs_.realpathSync)(source), at(source), mountPoints)),
            maskFiles: rootStage.maskFiles.flatMap((f) => {
                const real = inView(f);
                return real === undefined ? [] : [{ source: skeleton.emptyFile, at: at(real) }];
            }),
            maskDirs: rootStage.maskDirs.flatMap((d) => {
                const real = inView(d);
                return real === undefined ? [] : [at(real)];
            }),
        };
    }
    if (bundle.image) {
        if (!skeleton)
            throw new Error('rootfs: image needs the skeleton root to mount over');
        // overlayfs's option syntax takes these as separators.
        const scratch = `${skeleton.rootfs}.upper`;
        for (const p of [bundle.image, scratch]) {
            if (/[,:\\]/.test(p)) {
                throw new Error(`rootfs.image: ${p} holds a comma, colon or backslash, which overlayfs options cannot carry; move the tool cache or the temp directory`);
            }
        }
        stage.image = { lower: bundle.image, at: skeleton.rootfs, scratch };
    }
    const staged = new Map();
    const stubFor = (source) => {
        const known = staged.get(source);
        if (known)
            return known;
        const at = external_node_path_default().join(stageDir, String(staged.size));
        staged.set(source, at);
        const file = !(0,external_node_fs_.statSync)(source).isDirectory();
        stage.binds.push({ source, at, file });
        if (!file)
            stage.submounts.push(...submountsOf((0,external_node_fs_.realpathSync)(source), at, mountPoints));
        return at;
    };
    const mounts = bundle.spec.mounts.map((m) => m.type !== 'bind' || writesReachHost(bundle, m.options) ? m : { ...m, source: stubFor(m.source) });
    const { root } = bundle.spec;
    // Our own skeleton ('rootfs', inside the bundle) holds nothing of the runner's.
    const rootPath = external_node_path_default().isAbsolute(root.path) ? stubFor(root.path) : root.path;
    return { stage, spec: { ...bundle.spec, mounts, root: { ...root, path: rootPath } } };
}
/** Creates the stubs the sources are bound to (a directory or an empty file each), as the action's user. */
function makeStubs(stage, stageDir) {
    if (stage.binds.length === 0)
        return;
    (0,external_node_fs_.mkdirSync)(stageDir, { mode: 0o700 });
    for (const b of stage.binds) {
        if (b.file)
            (0,external_node_fs_.writeFileSync)(b.at, '', { flag: 'wx', mode: 0o400 });
        else
            (0,external_node_fs_.mkdirSync)(b.at, { mode: 0o500 });
    }
}
/** Decodes a mount point as /proc/self/mountinfo escapes it (`\040` for a space, and so on). */
function unescapeMountPoint(field) {
    return field.replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(Number.parseInt(octal, 8)));
}
/** The mount points of this process's namespace (field 5 of each mountinfo line). */
function hostMountPoints(mountinfo = '/proc/self/mountinfo') {
    let text;
    try {
        text = (0,external_node_fs_.readFileSync)(mountinfo, 'utf8');
    }
    catch {
        return [];
    }
    return text
        .split('\n')
        .map((line) => line.split(' ')[4])
        .filter((p) => p !== undefined && p !== '')
        .map(unescapeMountPoint);
}
/** Exit status of the namespace script when a read-only bind could not be made (runsc never started). */
const SETUP_FAILED = 125;
/**
 * Runs in the new namespace, as root: binds each source read-only at its
 * stub, remounts the submounts read-only, then becomes runsc. Any failure
 * stops it before runsc starts (fail closed). Arguments:
 * mount's path, `bind SRC AT`… `ro AT`… `--` runsc argv (PATH, under sudo
 * its secure_path, is not relied on).
 */
const SCRIPT = `set -e
mount=$1 mkdir=$2
shift 2
while [ "$1" != -- ]; do
  case $1 in
    bind) "$mount" --rbind -o ro,nosuid,nodev "$2" "$3" || { echo "gvisor-cell: could not bind $2 read-only" >&2; exit ${SETUP_FAILED}; }; shift 3 ;;
    ro) "$mount" -o remount,bind,ro,nosuid,nodev "$2" || { echo "gvisor-cell: could not make $2 read-only" >&2; exit ${SETUP_FAILED}; }; shift 2 ;;
    mask) "$mount" -t tmpfs -o ro,nosuid,nodev,noexec,size=4k,mode=0755 gvisor-cell-mask "$2" || { echo "gvisor-cell: could not mask $2" >&2; exit ${SETUP_FAILED}; }; shift 2 ;;
    image) { "$mount" -t tmpfs -o nosuid,nodev,size=16m,mode=0700 gvisor-cell-upper "$4" && "$mkdir" "$4/u" "$4/w" &&
      "$mount" -t overlay -o "nosuid,nodev,lowerdir=$2,upperdir=$4/u,workdir=$4/w" gvisor-cell-image "$3"; } ||
      { echo "gvisor-cell: could not lay the image $2 out" >&2; exit ${SETUP_FAILED}; }; shift 4 ;;
    *) exit ${SETUP_FAILED} ;;
  esac
done
shift
exec "$@"`;
/**
 * Absolute paths of the tools the namespace needs, from the system's own
 * directories only: they run as root, and PATH may hold directories an
 * earlier step added. Throws naming what is missing.
 */
function findNamespaceTools(dirs = ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
    const find = (name) => (0,fs_kind/* findInDirs */.Js)(name, dirs);
    const unshare = find('unshare');
    const sh = find('sh');
    const mount = find('mount');
    const mkdir = find('mkdir');
    const missing = [unshare ? '' : 'unshare', sh ? '' : 'sh', mount ? '' : 'mount', mkdir ? '' : 'mkdir'].filter(Boolean);
    if (missing.length > 0 || !unshare || !sh || !mount || !mkdir) {
        throw new Error(`gvisor-cell needs ${missing.join(', ')} (util-linux) to make the cell's read-only paths read-only on the host; install util-linux`);
    }
    return { unshare, sh, mount, mkdir };
}
/**
 * runsc releases before the fix of google/gvisor#10704 take a network
 * namespace for the runner's own when /proc/sys/net/core/rmem_default exists
 * in it, which Linux 6.11 and later show in every namespace: runsc then
 * refuses `--network=sandbox` ("cannot run with network enabled in root
 * network namespace"). Hiding /proc/sys/net from runsc (in its private mount
 * namespace only; netstack reads nothing there) lets those releases run a
 * cell in the namespace the action made; later ones do not look.
 */
const NET_SYSCTLS = '/proc/sys/net';
/** The argv that runs `runsc` (its full argv) in a private mount namespace with the stage in place. */
function inNamespace(stage, tools, runscArgv, { maskNetSysctls = false } = {}) {
    const ops = [];
    for (const b of stage.binds)
        ops.push('bind', b.source, b.at);
    for (const m of stage.submounts)
        ops.push('ro', m);
    // Parents before what is masked in them.
    for (const b of stage.root?.binds ?? [])
        ops.push('bind', b.source, b.at);
    for (const m of stage.root?.submounts ?? [])
        ops.push('ro', m);
    for (const f of stage.root?.maskFiles ?? [])
        ops.push('bind', f.source, f.at);
    for (const d of stage.root?.maskDirs ?? [])
        ops.push('mask', d);
    if (stage.image)
        ops.push('image', stage.image.lower, stage.image.at, stage.image.scratch);
    if (maskNetSysctls)
        ops.push('mask', NET_SYSCTLS);
    return [
        tools.unshare,
        '--mount',
        '--propagation',
        'private',
        '--',
        tools.sh,
        '-c',
        SCRIPT,
        'gvisor-cell-ro',
        tools.mount,
        tools.mkdir,
        ...ops,
        '--',
        ...runscArgv,
    ];
}

// EXTERNAL MODULE: ./src/run/run-dir.ts
var run_dir = __webpack_require__(1970);
// EXTERNAL MODULE: ./src/run/runsc.ts
var run_runsc = __webpack_require__(6566);
;// CONCATENATED MODULE: ./src/run/sandbox.ts




/**
 * How long runsc may take to get the cell going before the start is called
 * stalled and everything of it killed. runsc hangs, rather than fails, where
 * /dev/kvm exists but KVM does not work (nested virtualisation, as on this
 * project's own VMs); on systrap a sandbox starts in well under a second, and
 * a loaded runner with a large image may take a few.
 */
const START_LIMIT_MS = 30_000;
/** How long to wait before asking `runsc state` again after it could not answer. */
const UNKNOWN_RETRY_MS = 2_000;
/** What `runsc state` says of a container that has not been started (containerStatus); any other answer is not taken for a stall. */
const NOT_STARTED = new Set(['missing', 'creating', 'created']);
/** Between the two answers that make a stall: a cell that ended just then is gone from runsc's state a little before `runsc run` returns. */
const SECOND_LOOK_MS = 2_000;
/** runsc exits 128 when it fails itself, the same status as a cell that exits 128. */
const RUNSC_FAILURE = 128;
/** After a kill, how long to wait for the runsc command to return before destroying the sandbox (and again after). */
const KILL_GRACE_MS = 3_000;
/** How often the kill is repeated while the runsc command has not returned. */
const KILL_RETRY_MS = 500;
/**
 * Once the cell's process has exited, how long its output may still flow.
 * Another process of the cell can hold the pipes open forever; it is killed
 * with the sandbox, and this bounds the wait for it.
 */
const DRAIN_MS = 2_000;
/**
 * How long reading the sandbox's memory use may hold up the kill on a
 * timeout (`runsc events` answers in about 30 ms here; one that hangs must
 * not keep the cell running).
 */
const MEMORY_PROBE_MS = 1_000;
/** How long stopping what the cell left running before collecting may take (a process may fork while it is stopped). */
const STOP_ALL_MS = 10_000;
/** A pause that does not keep the process alive on its own (the step must exit as soon as it is done). */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());
async function runSandbox(run) {
    if (!run.collect) {
        const result = await watch(run, ['run', `--bundle=${run.bundleDir}`, run.containerId], () => (0,run_runsc/* killContainer */.QF)(run.runsc, run.containerId), { spawned: run.started, wrap: run.wrap, watchStart: true });
        // `runsc run` deletes its sandbox when it returns; one that was stopped, or never started, may not have.
        if (result.timedOut || result.cancelled || result.runscError)
            await (0,run_runsc/* ensureGone */.Un)(run.runsc, run.containerId);
        return result;
    }
    const { processFile, pidFile } = run.collect;
    const started = Date.now();
    // Several runsc commands in a row: the hook runs before the first (collecting is never the fast path).
    await run.started?.();
    try {
        for (const [i, step] of [
            ['create', `--bundle=${run.bundleDir}`, run.containerId],
            ['start', run.containerId],
        ].entries()) {
            if (run.signal.aborted)
                return stopped(started, { cancelled: true });
            // A stalled start hangs in one of these two: each gets the limit `runsc run` gets.
            const { code, timedOut } = await (0,run_runsc/* runscWithin */.Jx)(run.runsc, [...run.flags, ...step], run.startLimitMs ?? START_LIMIT_MS, i === 0 ? run.wrap : run.wrapStart);
            if (code !== 0) {
                const failure = (timedOut ? stalledStart(run) : runscFailure(run, code ?? RUNSC_FAILURE)) ?? {
                    message: `runsc ${step[0]} failed (exit ${code})`,
                    neverStarted: true,
                };
                return { ...stopped(started, {}), runscError: failure };
            }
        }
        // On a timeout only the cell's process is killed here; the rest of the cell goes before collecting.
        const killCell = async (reason) => {
            const pid = reason === 'timeout' ? readPid(pidFile) : 0;
            if (pid > 0)
                await (0,run_runsc/* runscQuiet */.eI)(run.runsc, ['kill', `--pid=${pid}`, run.containerId, 'KILL']);
            else
                await (0,run_runsc/* destroy */.zr)(run.runsc, run.containerId);
        };
        const result = await watch(run, ['exec', `--process=${processFile}`, `--internal-pid-file=${pidFile}`, run.containerId], killCell, {});
        if (result.cancelled || result.runscError || run.signal.aborted) {
            return { ...result, cancelled: result.cancelled || run.signal.aborted, durationMs: Date.now() - started };
        }
        const collectError = await collectFrom(run, run.collect);
        return { ...result, cancelled: run.signal.aborted, durationMs: Date.now() - started, collectError };
    }
    finally {
        await (0,run_runsc/* destroy */.zr)(run.runsc, run.containerId);
        // Nothing is placed on the host while a process of the cell could still run: fail closed.
        await (0,run_runsc/* ensureGone */.Un)(run.runsc, run.containerId);
    }
}
function stopped(started, how) {
    return {
        exitCode: undefined,
        timedOut: false,
        cancelled: how.cancelled ?? false,
        durationMs: Date.now() - started,
        runscError: undefined,
    };
}
/**
 * Stops every process the cell left behind, so that nothing of it can change,
 * stop or slow what is read out, then streams the listed paths out with tar,
 * within the deadline, stopping at once on cancellation. Returns why it
 * failed, if it did.
 */
async function collectFrom(run, collect) {
    const { tarFile, receive, deadlineMs } = collect;
    // One command stops every process of the container (SIGSTOP cannot be caught or ignored); a
    // process forked while that signal went round shows up as a new pid, so the stop is repeated until
    // two lists agree. Stopped, nothing of the cell can change, stop or slow what tar reads out, and
    // the sandbox is destroyed right after. (One `runsc kill --pid` per process would let a cell that
    // leaves thousands behind stretch the step by minutes.)
    const until = Date.now() + STOP_ALL_MS;
    let before;
    for (;;) {
        if (run.signal.aborted)
            return 'collect: cancelled; nothing was collected';
        if (Date.now() > until)
            return 'collect: the cell’s processes could not all be stopped; nothing was collected';
        await (0,run_runsc/* runscQuiet */.eI)(run.runsc, ['kill', '--all', run.containerId, 'STOP']);
        const pids = await (0,run_runsc/* listPids */.$q)(run.runsc, run.containerId);
        if (pids === undefined)
            return 'collect: the sandbox could not be inspected; nothing was collected';
        const now = [...pids].sort((x, y) => x - y).join(',');
        if (now === before)
            break;
        before = now;
    }
    const stop = new AbortController();
    const onAbort = () => stop.abort(new Error('cancelled'));
    run.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => stop.abort(new Error('deadline')), deadlineMs);
    const tar = (0,run_runsc/* spawnRunsc */.Rz)(run.runsc, ['exec', `--process=${tarFile}`, run.containerId], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Stopping the reading means destroying the sandbox: with sudo, tar's runsc cannot be signalled directly.
    stop.signal.addEventListener('abort', () => void (0,run_runsc/* destroy */.zr)(run.runsc, run.containerId), { once: true });
    try {
        await receive(tar, stop.signal);
        return undefined;
    }
    catch (error) {
        if (run.signal.aborted)
            return 'collect: cancelled; nothing was collected';
        if (stop.signal.aborted)
            return `collect: reading the paths out took longer than ${Math.round(deadlineMs / 1000)} s; nothing was collected`;
        return error instanceof Error ? error.message : String(error);
    }
    finally {
        clearTimeout(timer);
        run.signal.removeEventListener('abort', onAbort);
    }
}
/** The error of a sandbox that did not start within its limit, and what to do about it. */
function stalledStart(run) {
    const seconds = (run.startLimitMs ?? START_LIMIT_MS) / 1000;
    const head = `runsc did not start the sandbox within ${seconds} s on platform ${run.platform}, and was stopped`;
    const advice = run.platform === 'kvm'
        ? '/dev/kvm is there, but KVM does not work on this host (nested virtualisation often does not): use platform: systrap, the default.'
        : 'Re-run with debug logging (RUNNER_DEBUG=1) to keep runsc’s own logs (output debug-log-dir), which show where it stopped.';
    // runsc did run (neverStarted is for a runsc or sudo that never did): on systrap the ptrace hint applies.
    return { message: `${head}. ${advice}`, neverStarted: false };
}
/**
 * Runs one runsc command that carries the cell's process: streams it, enforces
 * the timeout and the start limit, stops it on cancellation.
 */
async function watch(run, command, kill, { spawned, wrap, watchStart }) {
    const started = Date.now();
    let timedOut = false;
    let cancelled = false;
    let stalled = false;
    /** The cell has printed to stdout (runsc itself never does): it started, whatever `runsc state` says. */
    let printed = false;
    const child = (0,run_runsc/* spawnRunsc */.Rz)(run.runsc, [...run.flags, ...command], { stdio: ['ignore', 'pipe', 'pipe'] }, wrap);
    // `exited`: the runsc command returned. `finished`: and its output is drained, or no longer waited for.
    let exited = false;
    let finished = false;
    const closed = new Promise((resolve) => {
        child.once('error', (e) => resolve({ code: null, signal: null, error: e }));
        child.once('close', (c, s) => resolve({ code: c, signal: s }));
        child.once('exit', (c, s) => {
            exited = true;
            setTimeout(() => {
                // Something of the cell still holds the pipes: stop reading them (the sandbox is destroyed after).
                child.stdout?.destroy();
                child.stderr?.destroy();
                resolve({ code: c, signal: s });
            }, DRAIN_MS).unref();
        });
    }).then((exit) => {
        finished = true;
        return exit;
    });
    // Stopping, through runsc: with sudo, a signal to our child would only reach sudo.
    // The kill is repeated, since one sent before the sandbox exists fails; when the
    // command does not wind down, the sandbox is destroyed and, at worst, the step
    // stops waiting for it rather than hanging the job.
    let gaveUp = () => { };
    const abandoned = new Promise((resolve) => {
        gaveUp = resolve;
    });
    let stopping;
    let memoryAtTimeout;
    const stop = (reason) => {
        stopping ??= (async () => {
            if (reason === 'stalled') {
                // No container to address: its processes are killed by the state directory they carry.
                await (0,run_runsc/* killSandboxProcesses */.Xh)(run.runsc);
                await Promise.race([closed, sleep(KILL_GRACE_MS)]);
                if (!finished)
                    gaveUp({ code: null, signal: 'SIGKILL' });
                return;
            }
            // Only on a timeout under limits.memory, and before the kill frees the memory.
            // A diagnostic: whatever goes wrong with it, the kill below still runs.
            if (reason === 'timeout' && run.memoryLimit !== undefined) {
                try {
                    const { memoryInUse } = await __webpack_require__.e(/* import() */ 958).then(__webpack_require__.bind(__webpack_require__, 4958));
                    memoryAtTimeout = await memoryInUse(run.runsc, run.containerId, MEMORY_PROBE_MS);
                }
                catch {
                    memoryAtTimeout = undefined;
                }
            }
            const deadline = Date.now() + KILL_GRACE_MS;
            while (!finished && Date.now() < deadline) {
                await kill(reason);
                await Promise.race([closed, sleep(KILL_RETRY_MS)]);
            }
            if (finished)
                return;
            await (0,run_runsc/* destroy */.zr)(run.runsc, run.containerId);
            (0,run_runsc/* killChild */.fH)(run.runsc, child);
            await Promise.race([closed, sleep(KILL_GRACE_MS)]);
            if (!finished)
                gaveUp({ code: null, signal: 'SIGKILL' });
        })();
    };
    const timer = run.timeoutMs !== undefined
        ? setTimeout(() => {
            // A cell that finished just as the limit struck did not time out.
            if (exited)
                return;
            timedOut = true;
            stop('timeout');
        }, run.timeoutMs)
        : undefined;
    // When the limit strikes, runsc is asked, unless the cell has printed to stdout. Not
    // started is a clear answer, given twice SECOND_LOOK_MS apart: no such container yet, or one
    // still being created. Any other answer, or none (its state lock held, a slow sudo), is asked
    // again, and taken for a stall only once that has lasted another start limit.
    const limit = run.startLimitMs ?? START_LIMIT_MS;
    const startTimer = watchStart
        ? setTimeout(async () => {
            const giveUpAt = Date.now() + limit;
            let notStarted = 0;
            for (;;) {
                if (exited || stopping || printed)
                    return;
                const status = await (0,run_runsc/* containerStatus */.aD)(run.runsc, run.containerId);
                if (exited || stopping || printed || status === 'running' || status === 'paused' || status === 'stopped')
                    return;
                if (!NOT_STARTED.has(status)) {
                    notStarted = 0;
                    if (Date.now() >= giveUpAt)
                        break;
                    await sleep(UNKNOWN_RETRY_MS);
                }
                else if (++notStarted >= 2)
                    break;
                else
                    await sleep(SECOND_LOOK_MS);
            }
            stalled = true;
            stop('stalled');
        }, limit)
        : undefined;
    startTimer?.unref();
    const onAbort = () => {
        cancelled = true;
        stop('cancel');
    };
    run.signal.addEventListener('abort', onAbort, { once: true });
    if (run.signal.aborted)
        onAbort();
    // Until the output is read, the pipes hold it (the cell blocks once they are full). A 'readable'
    // listener keeps the streams paused meanwhile: without one, Node resumes a child's unread output
    // when the child exits, and discards it — the message of a runsc (or sudo) that fails fast.
    const hold = () => { };
    child.stdout?.on('readable', hold);
    child.stderr?.on('readable', hold);
    let hookError;
    if (spawned) {
        try {
            await spawned();
        }
        catch (error) {
            hookError = { error };
            stop('cancel');
        }
    }
    child.stdout?.on('data', (chunk) => {
        printed = true;
        run.output.push('stdout', chunk);
    });
    child.stderr?.on('data', (chunk) => run.output.push('stderr', chunk));
    child.stdout?.removeListener('readable', hold);
    child.stderr?.removeListener('readable', hold);
    const { code, signal, error } = await Promise.race([closed, abandoned]);
    // Whatever still arrives (runsc abandoned, say) must not reach an output that is about to close.
    for (const stream of [child.stdout, child.stderr]) {
        stream?.removeAllListeners('data');
        stream?.destroy();
    }
    if (timer)
        clearTimeout(timer);
    if (startTimer)
        clearTimeout(startTimer);
    run.signal.removeEventListener('abort', onAbort);
    await stopping;
    if (hookError)
        throw hookError.error;
    const durationMs = Date.now() - started;
    if (stalled)
        return { exitCode: undefined, timedOut: false, cancelled, durationMs, runscError: stalledStart(run) };
    if (error) {
        const message = `could not start ${run.runsc.sudo ? 'sudo' : run.runsc.path}: ${error.message}`;
        return { exitCode: undefined, timedOut, cancelled, durationMs, runscError: { message, neverStarted: true } };
    }
    const exitCode = code ?? 128 + signalNumber(signal);
    const runscError = exitCode !== 0 && !timedOut && !cancelled ? runscFailure(run, exitCode) : undefined;
    return {
        exitCode: runscError ? undefined : exitCode,
        timedOut,
        cancelled,
        durationMs,
        runscError,
        ...(memoryAtTimeout !== undefined ? { memoryAtTimeout } : {}),
    };
}
/**
 * Decides whether a non-zero status came from runsc rather than the cell.
 * runsc writes its fatal errors to `--log`; a cell that merely exits 128 leaves
 * that log without an error. No log at all means runsc never started (sudo
 * refused, or the read-only binds could not be made).
 */
function runscFailure(run, exitCode) {
    let log;
    try {
        log = (0,external_node_fs_.readFileSync)(run.runscLog, 'utf8');
    }
    catch {
        let message;
        if (exitCode === SETUP_FAILED && run.wrap) {
            message = `runsc never started: the cell's read-only paths could not be made read-only on the host (exit ${exitCode}; mount's message is in the output above)`;
        }
        else if (run.runsc.sudo) {
            message = `runsc never started: running it needs root or passwordless sudo, and \`sudo -n\` failed (exit ${exitCode}; its message is in the output above). Run the job as root, or give the runner's user passwordless sudo.`;
        }
        else {
            message = `runsc never started (exit ${exitCode}); see the output above`;
        }
        return { message, neverStarted: true };
    }
    if (exitCode !== RUNSC_FAILURE)
        return undefined;
    const errors = log
        .split('\n')
        .map(parseLogLine)
        .filter((e) => e !== undefined && (e.level === 'error' || e.level === 'fatal'));
    if (errors.length === 0)
        return undefined;
    const message = errors
        .slice(-10)
        .map((e) => e.msg)
        .join('\n');
    return { message, neverStarted: false };
}
function parseLogLine(line) {
    if (!line.startsWith('{'))
        return undefined;
    try {
        const entry = JSON.parse(line);
        return typeof entry.level === 'string' && typeof entry.msg === 'string' ? { level: entry.level, msg: entry.msg } : undefined;
    }
    catch {
        return undefined;
    }
}
/** The cell's pid, as `runsc exec --internal-pid-file` wrote it; 0 when there is none yet. */
function readPid(file) {
    try {
        return Number((0,external_node_fs_.readFileSync)(file, 'utf8')) || 0;
    }
    catch {
        return 0;
    }
}
function signalNumber(signal) {
    return signal ? ((external_node_os_default()).constants.signals[signal] ?? 0) : 0;
}

;// CONCATENATED MODULE: ./src/run/verdict.ts
/**
 * What became of a cell, decided once: the action's step status, the CLI's
 * exit status and the job summary all read this. The order is the rule: a
 * sandbox that never started says nothing about the cell; a cancellation
 * wins over a timeout that struck while it was being handled; a SIGKILL
 * nobody asked for under a memory limit is most likely the OOM killer. A
 * `command` runsc could not find is the cell's failure, not runsc's: it is
 * reported as a shell reports it (exit 127), whichever way the cell was given.
 */

function classify(result, limits) {
    if (result.runscError) {
        const command = missingCommand(result.runscError);
        if (command !== undefined)
            return { kind: 'command-not-found', exitCode: 127, command };
        return { kind: 'sandbox-failed', ...result.runscError };
    }
    if (result.cancelled)
        return { kind: 'cancelled' };
    if (result.timedOut)
        return { kind: 'timed-out', timeoutMs: limits.timeout ?? 0 };
    // gVisor's and the kernel's OOM killers both end the cell with SIGKILL and neither says so.
    if (result.exitCode === 137 && limits.memory !== undefined)
        return { kind: 'out-of-memory', exitCode: 137, memory: limits.memory };
    if (result.exitCode === 0)
        return { kind: 'passed' };
    // No exit code without a runsc error cannot happen; counted as a failure, never a pass.
    return { kind: 'failed', exitCode: result.exitCode ?? 1 };
}
/**
 * The program of a `command:` cell that runsc did not find: runsc looks
 * `command[0]` up on the cell's PATH itself and fails the start (exit 128,
 * its log says why) instead of exiting 127 as a shell would. These are
 * gVisor's loader's words (runsc run and runsc exec alike).
 */
function missingCommand(error) {
    if (error.neverStarted)
        return undefined;
    const onPath = /error finding executable "([^"]+)" in PATH/.exec(error.message);
    if (onPath)
        return onPath[1];
    return /failed to load (.+?): no such file or directory/.exec(error.message)?.[1];
}
/** The verdict in a sentence about the cell `name`, as the step's log and the CLI say it. */
function describe(verdict, name, durationMs) {
    switch (verdict.kind) {
        case 'sandbox-failed':
            return `The sandbox did not start: runsc failed before running the cell.\n${verdict.message}`;
        case 'cancelled':
            return `Cell ${name} was cancelled; the sandbox was stopped and deleted`;
        case 'timed-out':
            return `Cell ${name} timed out after ${(0,units/* formatDuration */.a3)(verdict.timeoutMs)} and was killed`;
        case 'out-of-memory':
            return `Cell ${name} was killed (exit 137, SIGKILL) under limits.memory ${(0,units/* formatSize */.Xq)(verdict.memory)}: most likely out of memory`;
        case 'command-not-found':
            return `Cell ${name} could not run its command: ${verdict.command} was not found in the cell (exit 127)`;
        case 'failed':
            return `Cell ${name} exited with ${verdict.exitCode}`;
        case 'passed':
            return `Cell ${name} passed in ${durationMs} ms`;
    }
}
/** 128 + SIGINT: a cell stopped by a cancellation, as a shell reports a command interrupted from the terminal. */
const CANCELLED_STATUS = 130;
/** What timeout(1) exits with when the command ran out of time. */
const TIMED_OUT_STATUS = 124;
/**
 * The one number both front ends report for a cell — the action's `exit-code`
 * output and summary, the CLI's exit status: the cell's own status (128+N when
 * killed by signal N), except where gvisor-cell ended the cell itself. Then
 * the number runsc reports is only the signal this engine sent (SIGKILL's 137,
 * which an OOM kill gives too), so the verdict's is reported instead: 124 for a
 * timeout, as timeout(1), and 130 for a cancellation. Undefined when no cell ran.
 */
function reportedStatus(verdict) {
    switch (verdict.kind) {
        case 'sandbox-failed':
            return undefined;
        case 'cancelled':
            return CANCELLED_STATUS;
        case 'timed-out':
            return TIMED_OUT_STATUS;
        case 'out-of-memory':
        case 'command-not-found':
        case 'failed':
            return verdict.exitCode;
        case 'passed':
            return 0;
    }
}

;// CONCATENATED MODULE: ./src/run/cell.ts
/**
 * The engine shared by the action and the CLI: a validated cell becomes a
 * planned bundle in a private run directory (checked against the host, nothing
 * started), then runs in a sandbox with its output streamed and kept.
 */

















/** Builds the bundle and checks every host path it names. Starts nothing; throws with the key at fault. */
function planCell(cell, ctx) {
    // A cell that runs as root (asked for, or because the action does) could read root-only files of /etc.
    const facts = (0,bundle_host/* gatherHostFacts */.dz)(ctx.env, ctx.workspace, {
        rootCell: cell.user === 'root' || process.getuid?.() === 0,
        systemOverlay: cell.system === 'overlay',
    });
    const runDir = (0,run_dir/* makeRunDir */.rc)(ctx.tempRoot);
    try {
        const paths = bundlePaths(runDir);
        const bundle = checkHostPaths(buildBundle(cell, ctx.image ? { ...facts, image: ctx.image } : facts, paths), ctx.workspace);
        const namespaceTools = findNamespaceTools();
        const runner = { path: ctx.env.PATH, toolCache: facts.toolCache };
        return { cell, bundle, runDir, paths, tempRoot: ctx.tempRoot, workspace: ctx.workspace, namespaceTools, runner };
    }
    catch (error) {
        (0,run_dir/* removeRunDir */.Lr)(runDir);
        throw error;
    }
}
/**
 * `<name slug>-<unique>`: readable in `runsc list` and as the log file's name.
 * `unique` is the run directory's random suffix (mkdtemp's: no two live run
 * directories share it), which spares loading node:crypto before runsc starts.
 */
function containerIdFor(name, runDir) {
    const slug = name
        .replace(/[^A-Za-z0-9_.-]+/g, '-')
        .replace(/^[-.]+|-+$/g, '')
        .slice(0, 40) || 'cell';
    return `${slug}-${(0,run_dir/* runDirUnique */.qr)(runDir)}`;
}
/** Where the logs go: beside the run directories, which are removed; the logs are outputs. */
function logDirOf(tempRoot) {
    return external_node_path_default().join(tempRoot, `${run_dir/* RUN_DIR_PREFIX */.jk}logs`);
}
/** A log file's name, `<containerIdFor>.log`: what the CLI may prune, and nothing else. */
const LOG_FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,39}-[A-Za-z0-9]{6}\.log$/;
async function runPlanned(plan, opts) {
    const containerId = containerIdFor(plan.cell.name, plan.runDir);
    const runsc = { path: opts.runscPath, sudo: (0,run_runsc/* needsSudo */.jM)(), root: external_node_path_default().join(plan.runDir, 'state') };
    // The log (up to limits.log) outlives the run directory: it is an output for later steps; so does the egress log.
    const logDir = logDirOf(plan.tempRoot);
    (0,external_node_fs_.mkdirSync)(logDir, { recursive: true });
    const network = typeof plan.cell.network === 'object' ? plan.cell.network : undefined;
    const networkId = network ? (0,run_dir/* runDirUnique */.qr)(plan.runDir) : undefined;
    let recorded;
    const hostChanges = () => {
        recorded ??= opts.onHostChanges?.({ containerId, runsc, networkId }) ?? Promise.resolve();
        return recorded;
    };
    // The cell's network is made (ip and nft, through one root shell) while the bundle is written below,
    // unless the front end started it earlier (startNetwork). The post step's record is saved while the
    // sandbox boots, as for any cell: should this process die before, the root shell removes the network
    // as its stdin closes (host-network.ts).
    if (network)
        void startNetwork(plan);
    const networking = plan.network;
    try {
        writeBundleFiles(plan.bundle, plan.paths);
        // Every source the cell must not change is bound read-only by the kernel at a stub; the spec names the stubs.
        const stageDir = external_node_path_default().join(plan.runDir, 'ro');
        const staged = stageReadOnly(plan.bundle, stageDir, hostMountPoints(), {
            rootfs: external_node_path_default().join(plan.paths.dir, 'rootfs'),
            emptyFile: plan.paths.emptyFile,
        });
        makeStubs(staged.stage, stageDir);
        let { spec } = staged;
        let collectProcess = plan.bundle.collect?.process;
        let egress;
        if (networking) {
            egress = await networking;
            const net = { netnsPath: egress.netnsPath, hostAddress: egress.hostAddress, proxyPort: egress.proxyPort };
            (0,external_node_fs_.writeFileSync)(plan.paths.resolvConf, resolvConf(net));
            spec = joinNetwork(spec, net);
            collectProcess = collectProcess && joinProcess(collectProcess, net);
        }
        writeConfig(spec, plan.paths);
        return await runStarted(plan, opts, { containerId, runsc, logDir, egress, hostChanges, spec, readOnly: staged.stage, collectProcess });
    }
    finally {
        // The listeners stop here; the network itself is removed by releasePlan, the front end's last step
        // (while the front end reports).
        await networking?.then((e) => e.stopListening(), () => { });
    }
}
/**
 * Starts the cell's network and its listeners (egress/, loaded only by cells
 * that ask for it), once per plan; the plan holds it until releasePlan. A
 * front end calls it as soon as the plan is made and awaits it: it resolves
 * once the root shell that makes the network is running and has its rules
 * (a few ms: the listeners' module loaded, the listeners bound), so that the
 * network is built while runsc is found or downloaded (which may block the
 * event loop: a `runsc --version` probe). Nothing for other cells.
 */
function startNetwork(plan) {
    const network = plan.cell.network;
    if (typeof network !== 'object' || plan.network)
        return Promise.resolve();
    const allow = new allow_list/* AllowList */.yd(network.allow, network.audit);
    const id = (0,run_dir/* runDirUnique */.qr)(plan.runDir);
    // The root shell first: it makes the namespace and the veth while the listeners' module loads and they
    // bind; their rules follow it down its stdin.
    let giveRules = () => { };
    const rules = new Promise((resolve, reject) => {
        giveRules = (text) => (text === undefined ? reject(new Error('no rules')) : resolve(text));
    });
    rules.catch(() => { });
    let host;
    try {
        host = (0,host_network/* openHostNetwork */.Bz)((0,host_network/* findNetworkTools */.ZH)(), (0,run_runsc/* needsSudo */.jM)(), id, [...new Set(allow.ipv4Targets().map((t) => t.host))], rules);
    }
    catch (error) {
        host = Promise.reject(error);
    }
    host.catch(() => { });
    let given = () => { };
    const ruled = new Promise((resolve) => {
        given = resolve;
    });
    plan.network = (async () => {
        const { startEgress } = await __webpack_require__.e(/* import() */ 120).then(__webpack_require__.bind(__webpack_require__, 120)).catch(async (error) => {
            giveRules(undefined);
            throw error;
        });
        // Beside the cell's log, which outlives the run directory.
        const logDir = logDirOf(plan.tempRoot);
        (0,external_node_fs_.mkdirSync)(logDir, { recursive: true });
        const recordFile = external_node_path_default().join(logDir, `${containerIdFor(plan.cell.name, plan.runDir)}.egress.jsonl`);
        return startEgress({
            allow,
            id,
            recordFile,
            host,
            giveRules: (text) => {
                giveRules(text);
                given();
            },
        });
    })();
    // Whoever awaits it hears of a failure; a plan released first does not leave it unhandled.
    plan.network.then(given, given);
    return ruled;
}
/**
 * What the plan holds on the runner, gone: its network and its run
 * directory. Every front end's last step. The listeners are closed here; the
 * namespace, the veth and the firewall table are left to the root shell that
 * made them, which removes them on its own once the sandbox is known gone
 * (host-network.ts: nothing waits for it), and is waited for otherwise.
 */
async function releasePlan(plan) {
    await plan.network?.then((e) => e.stop(plan.sandboxGone === true), () => { });
    (0,run_dir/* removeRunDir */.Lr)(plan.runDir);
}
/** A private mount namespace with nothing bound read-only in it. */
const NOTHING_STAGED = { binds: [], submounts: [] };
async function runStarted(plan, opts, started_) {
    const { containerId, runsc, logDir, egress, spec, readOnly } = started_;
    const bundle = plan.bundle;
    (0,external_node_fs_.mkdirSync)(runsc.root, { mode: 0o700 });
    const runscLog = external_node_path_default().join(plan.runDir, 'runsc.log');
    const flags = (0,run_runsc/* globalFlags */.vP)({ platform: opts.platform, sandbox: bundle.sandbox, log: runscLog, debugDir: opts.debugDir });
    const output = new CellOutput(external_node_path_default().join(logDir, `${containerId}.log`), opts.outputLimit, opts.jobLog, opts.commandWindow, plan.cell.limits?.log);
    let collect;
    const unpacked = external_node_path_default().join(plan.runDir, 'collected');
    // Loaded only by cells that collect: no other run needs it.
    const collecting = bundle.collect ? await __webpack_require__.e(/* import() */ 511).then(__webpack_require__.bind(__webpack_require__, 511)) : undefined;
    if (bundle.collect && collecting && started_.collectProcess) {
        const { tar } = bundle.collect;
        const cellProcess = started_.collectProcess;
        const processFile = external_node_path_default().join(plan.runDir, 'process.json');
        const tarFile = external_node_path_default().join(plan.runDir, 'collect.json');
        (0,external_node_fs_.writeFileSync)(processFile, JSON.stringify(cellProcess));
        (0,external_node_fs_.writeFileSync)(tarFile, JSON.stringify(tar));
        const limit = plan.cell.limits?.collect ?? DEFAULT_BOUNDS.collect;
        collect = {
            processFile,
            tarFile,
            pidFile: external_node_path_default().join(plan.runDir, 'cell.pid'),
            deadlineMs: collectDeadline(limit),
            receive: (stream, signal) => collecting.unpack(stream, unpacked, limit, signal),
        };
    }
    const started = async () => {
        await started_.hostChanges();
        await opts.onSpawned?.({ containerId, runsc, spec, readOnly });
        output.begin();
    };
    try {
        const result = await runSandbox({
            runsc,
            containerId,
            bundleDir: plan.paths.dir,
            flags,
            platform: opts.platform,
            runscLog,
            timeoutMs: plan.cell.limits?.timeout,
            memoryLimit: plan.cell.limits?.memory,
            output,
            signal: opts.signal,
            wrap: readOnly.binds.length > 0 || readOnly.root || readOnly.image || egress
                ? (argv) => inNamespace(readOnly, plan.namespaceTools, argv, { maskNetSysctls: egress !== undefined })
                : undefined,
            // `runsc start` (collect) sets up the cell's network: it needs /proc/sys/net hidden as `run` does.
            wrapStart: egress ? (argv) => inNamespace(NOTHING_STAGED, plan.namespaceTools, argv, { maskNetSysctls: true }) : undefined,
            collect,
            started,
        });
        // The sandbox is gone (runSandbox made sure): only now is anything placed in the workspace.
        plan.sandboxGone = true;
        let collected;
        if (plan.bundle.collect && collecting && !result.cancelled && !result.runscError) {
            collected = result.collectError
                ? { files: 0, warnings: [], error: result.collectError }
                : await collecting.copyBack(unpacked, plan.workspace, plan.bundle.collect.paths);
        }
        const verdict = classify(result, plan.cell.limits ?? {});
        // The listeners stop (and record what was still open) before the tally is read.
        await egress?.stopListening();
        const egressRun = egress && { file: egress.record.file, rows: egress.record.rows() };
        return { output, result, verdict, hints: await hintsFor(plan, verdict, result, output, egressRun), collected, egress: egressRun };
    }
    finally {
        output.close();
    }
}
/** The hints for a run that is over (hints.ts is loaded only when there may be one). */
async function hintsFor(plan, verdict, result, output, egress) {
    if (verdict.kind === 'passed' || verdict.kind === 'cancelled' || verdict.kind === 'sandbox-failed')
        return [];
    const { hints } = await __webpack_require__.e(/* import() */ 507).then(__webpack_require__.bind(__webpack_require__, 1507));
    const env = (plan.bundle.collect?.process ?? plan.bundle.spec.process).env;
    const cellPath = env.find((e) => e.startsWith('PATH='))?.slice('PATH='.length) ?? '';
    return hints(verdict, {
        cellPath,
        mounts: plan.bundle.spec.mounts,
        preparedRoot: plan.cell.rootfs === 'host' ? undefined : plan.bundle.spec.root.path,
        cellHome: env.find((e) => e.startsWith('HOME='))?.slice('HOME='.length) ?? '',
        runnerPath: plan.runner.path,
        toolCache: plan.runner.toolCache,
        network: plan.bundle.sandbox.network,
        system: plan.cell.system,
        egressDenied: (egress?.rows ?? []).filter((r) => r.decision === 'denied').map((r) => (r.port === 53 ? r.name : `${r.name}:${r.port}`)),
        memoryLimit: plan.cell.limits?.memory,
        memoryAtTimeout: result.memoryAtTimeout,
        outputTail: output.logs.text(),
    });
}
/**
 * The longest reading the collected paths out of the sandbox may take: 30 s,
 * plus limits.collect at 20 MiB/s (2Gi: about 2 min 10 s). The cell's
 * processes are stopped by then and tar that goes quiet for 15 s is given up
 * on (collect.ts); this bounds a tar of the cell's own that trickles.
 */
function collectDeadline(limit) {
    return 30_000 + Math.ceil((limit / (20 * 2 ** 20)) * 1000);
}

// EXTERNAL MODULE: ./src/inert.ts
var inert = __webpack_require__(2679);
;// CONCATENATED MODULE: ./src/action/commands.ts

function commands(core, log) {
    return {
        warning: (message) => core.warning((0,inert/* inert */.t)(message)),
        /** The step fails (exit code 1) with this error; code after it keeps running. */
        fail: (message) => core.setFailed((0,inert/* inert */.t)(message)),
        debug: (message) => core.debug((0,inert/* inert */.t)(message)),
        /** A collapsed group holding `text`. */
        group: (title, text) => {
            core.startGroup((0,inert/* inert */.t)(title));
            log.info(text);
            core.endGroup();
        },
    };
}

;// CONCATENATED MODULE: ./src/action/names.ts
/**
 * The action's input and output names, as action.yml declares them. Keep this
 * file and action.yml in step: a test (test/unit/action-yml.test.ts) reads
 * both and fails when they drift apart.
 */
const Inputs = {
    Cell: 'cell',
    CellFile: 'cell-file',
    RunscVersion: 'runsc-version',
    RunscSha512: 'runsc-sha512',
    RunscPath: 'runsc-path',
    DownloadUrl: 'download-url',
    Platform: 'platform',
    FailOnError: 'fail-on-error',
    OutputLimit: 'output-limit',
};
const Outputs = {
    ExitCode: 'exit-code',
    Logs: 'logs',
    Stdout: 'stdout',
    Stderr: 'stderr',
    LogFile: 'log-file',
    TimedOut: 'timed-out',
    DurationMs: 'duration-ms',
    RunscVersion: 'runsc-version',
    RunscPath: 'runsc-path',
    DebugLogDir: 'debug-log-dir',
    EgressLog: 'egress-log',
    ImageDigest: 'image-digest',
};

;// CONCATENATED MODULE: ./src/action/inputs.ts


/**
 * An input as the runner passes it: `INPUT_<NAME>`, upper-cased, spaces as
 * `_`, hyphens kept, trimmed — the lookup `core.getInput` does. Read directly
 * so that the step can start its sandbox before loading @actions/core
 * (main.ts).
 */
function runnerInput(name, env = process.env) {
    return (env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}
/** `get` defaults to the runner's INPUT_* variables; tests pass a map. */
function readInputs(get = (name) => runnerInput(name), hasKvm) {
    const cellText = get(Inputs.Cell);
    const cellFile = get(Inputs.CellFile).trim();
    if (cellText.trim() !== '' && cellFile !== '') {
        throw new OptionError(`input ${Inputs.Cell}/${Inputs.CellFile}`, 'give exactly one of them, not both');
    }
    if (cellText.trim() === '' && cellFile === '') {
        throw new OptionError(`input ${Inputs.Cell}/${Inputs.CellFile}`, 'give one of them: the cell document inline, or a path to it');
    }
    // The shared options have the inputs' names.
    const source = { get: (name) => get(name), label: (name) => `input ${name}` };
    const runsc = runscOptions(source);
    const choices = runChoices(source, hasKvm);
    const failText = get(Inputs.FailOnError).trim() || 'true';
    const failOnError = parseBoolean(failText);
    if (failOnError === undefined)
        throw new OptionError(`input ${Inputs.FailOnError}`, `expected true or false, got "${failText}"`);
    return {
        cell: cellFile !== '' ? { file: cellFile } : { text: cellText, source: `input ${Inputs.Cell}` },
        runsc,
        ...choices,
        failOnError,
    };
}
/** The YAML 1.2 core booleans, as @actions/core's getBooleanInput accepts them. */
function parseBoolean(text) {
    if (['true', 'True', 'TRUE'].includes(text))
        return true;
    if (['false', 'False', 'FALSE'].includes(text))
        return false;
    return undefined;
}

;// CONCATENATED MODULE: ./src/action/post-state.ts
/**
 * What the main step tells its post step, written and read here only. The
 * record is kept where only the main step can write: a file in the run's
 * private directory (mkdtemp, mode 0700, under RUNNER_TEMP, which no cell
 * sees). The step's state carries only the run directory and this record's
 * nonce; state can be forged (a `::save-state` printed by an earlier step or a
 * cell that escaped the stop-commands window), so what the post step runs (the
 * runsc binary, the container id) comes from the record, and only when the
 * run directory is one main could have made and the nonce in the state is the
 * one in the record.
 */



/** The state's keys: which run directory, and the nonce of the record main left in it. */
const State = {
    RunDir: 'run-dir',
    Nonce: 'nonce',
};
/** The record's name in the run directory. */
const RECORD_FILE = 'post-record.json';
/** Container ids as `containerIdFor` makes them (and runsc accepts). */
const CONTAINER_ID = /^[A-Za-z0-9_.-]{1,64}$/;
/** 16 random bytes, hex. */
const NONCE = /^[0-9a-f]{32}$/;
/** Far more than a record needs; a bound on what the post step reads. */
const MAX_RECORD_BYTES = 4096;
/**
 * Writes the record, then the state that points at it (`save` is
 * core.saveState). The record comes first: a post step that finds the state
 * finds the record.
 */
function savePostState(save, runDir, record) {
    save(State.Nonce, writePostRecord(runDir, record));
    save(State.RunDir, runDir);
}
/**
 * The state, checked (`get` is core.getState): nothing saved; a run directory
 * that is gone already; a refusal, with the reason (never quoting the state:
 * it could carry workflow commands); or the run directory and its record.
 */
function loadPostState(get, tempRoot, uid) {
    const value = get(State.RunDir);
    if (!value)
        return { none: true };
    const runDir = checkRunDir(value, tempRoot, uid);
    if (!('dir' in runDir))
        return runDir;
    const nonce = get(State.Nonce);
    if (!NONCE.test(nonce))
        return { refused: 'nonce is missing or malformed' };
    const checked = readPostRecord(runDir.dir, nonce, uid);
    if ('refused' in checked)
        return checked;
    return { runDir: runDir.dir, record: checked.record };
}
/**
 * The state's run directory, if it is one main could have made: an absolute,
 * normalized path directly in RUNNER_TEMP with a run directory's name, and a
 * real directory (not a link) owned by `uid` that group and others cannot write.
 */
function checkRunDir(value, tempRoot, uid) {
    if (!path.isAbsolute(value) || path.resolve(value) !== value)
        return { refused: 'run-dir is not an absolute, normalized path' };
    if (path.dirname(value) !== path.resolve(tempRoot))
        return { refused: 'run-dir is not directly in RUNNER_TEMP' };
    if (!RUN_DIR_NAME.test(path.basename(value)))
        return { refused: 'run-dir is not named as a run directory' };
    const st = lstatSync(value, { throwIfNoEntry: false });
    if (!st)
        return { gone: true };
    if (!st.isDirectory())
        return { refused: 'run-dir is not a directory' };
    if (st.uid !== uid)
        return { refused: `run-dir is owned by uid ${st.uid}, not ${uid}` };
    if (st.mode & 0o022)
        return { refused: 'run-dir is writable by group or others' };
    return { dir: value };
}
/**
 * Writes the record (a new file only, 0600: never through a link nor over a
 * file already there) and returns its nonce, for the state. Web Crypto's
 * CSPRNG: it is loaded for the stop-commands token anyway, node:crypto is not.
 */
function writePostRecord(runDir, record) {
    const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('hex');
    const fd = (0,external_node_fs_.openSync)(external_node_path_default().join(runDir, RECORD_FILE), 'wx', 0o600);
    try {
        (0,external_node_fs_.writeSync)(fd, JSON.stringify({ nonce, containerId: record.containerId, runsc: record.runsc, networkId: record.networkId }));
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
    return nonce;
}
/**
 * Reads the record of `runDir` (already checked to be ours) and checks it
 * against the state's nonce: a regular file, not a link, owned by `uid`, not
 * writable by group or others, one link, small; its fields well-formed; the
 * runsc it names an absolute path to a regular file.
 */
function readPostRecord(runDir, nonce, uid) {
    const file = path.join(runDir, RECORD_FILE);
    let fd;
    try {
        // O_NOFOLLOW: a link is refused, not followed; O_NONBLOCK: a FIFO planted here cannot hang the step.
        fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    }
    catch (error) {
        const code = error.code;
        return { refused: code === 'ELOOP' ? `${RECORD_FILE} is a symbolic link` : `${RECORD_FILE} cannot be opened (${code})` };
    }
    let text;
    try {
        // Checked on the open file: what is checked is what is read.
        const st = fstatSync(fd);
        if (!st.isFile())
            return { refused: `${RECORD_FILE} is not a regular file` };
        if (st.uid !== uid)
            return { refused: `${RECORD_FILE} is owned by uid ${st.uid}, not ${uid}` };
        if (st.mode & 0o022)
            return { refused: `${RECORD_FILE} is writable by group or others` };
        if (st.nlink !== 1)
            return { refused: `${RECORD_FILE} has ${st.nlink} hard links` };
        if (st.size > MAX_RECORD_BYTES)
            return { refused: `${RECORD_FILE} is larger than ${MAX_RECORD_BYTES} bytes` };
        const buf = Buffer.alloc(MAX_RECORD_BYTES + 1);
        const n = readSync(fd, buf, 0, buf.length, 0);
        text = buf.subarray(0, n).toString('utf8');
    }
    finally {
        closeSync(fd);
    }
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        return { refused: `${RECORD_FILE} is not JSON` };
    }
    if (typeof parsed !== 'object' || parsed === null)
        return { refused: `${RECORD_FILE} is not a JSON object` };
    const { nonce: recorded, containerId, runsc, networkId } = parsed;
    if (typeof recorded !== 'string' || !NONCE.test(recorded))
        return { refused: `${RECORD_FILE}: nonce is malformed` };
    if (recorded !== nonce)
        return { refused: `the state's nonce is not the one in ${RECORD_FILE}` };
    if (typeof containerId !== 'string' || !CONTAINER_ID.test(containerId)) {
        return { refused: `${RECORD_FILE}: containerId is not a container id` };
    }
    if (typeof runsc !== 'string' || !path.isAbsolute(runsc) || path.resolve(runsc) !== runsc) {
        return { refused: `${RECORD_FILE}: runsc is not an absolute, normalized path` };
    }
    if (!statSync(runsc, { throwIfNoEntry: false })?.isFile())
        return { refused: `${RECORD_FILE}: runsc is not a regular file` };
    // The network's names are made from the run directory's suffix (run/cell.ts): anything else is not this run's.
    if (networkId !== undefined && networkId !== runDirUnique(runDir))
        return { refused: `${RECORD_FILE}: networkId is not this run's` };
    return { record: { containerId, runsc, ...(networkId !== undefined ? { networkId } : {}) } };
}

// EXTERNAL MODULE: ./src/image/describe.ts
var image_describe = __webpack_require__(5928);
;// CONCATENATED MODULE: ./src/action/summary.ts
/**
 * The job summary of a cell, as Markdown. Everything that comes from the cell
 * or the document is escaped or fenced: cell output must never render as HTML
 * or Markdown (the summary renders raw HTML).
 */


/** Rows of the egress table shown; the egress-log output has every decision. */
const EGRESS_ROWS_SHOWN = 50;
/**
 * The egress table: denied first. Names were normalised (or replaced) before
 * they got here, and are escaped again all the same; with `audit: true`,
 * the allowed names are the list to copy.
 */
function egressTable(e) {
    const rows = e.rows.slice(0, EGRESS_ROWS_SHOWN).map((r) => {
        const port = r.port === 53 && r.decision === 'denied' ? '53 (DNS)' : String(r.port);
        const decision = r.decision === 'denied' ? `❌ denied${r.reason ? `: ${escapeMarkdown(r.reason)}` : ''}` : '✅ allowed';
        return `| ${escapeMarkdown(r.name)} | ${port} | ${decision} | ${r.connections} | ${(0,units/* formatSize */.Xq)(r.sent)} sent, ${(0,units/* formatSize */.Xq)(r.received)} received |\n`;
    });
    const more = e.rows.length > EGRESS_ROWS_SHOWN ? `\n${e.rows.length - EGRESS_ROWS_SHOWN} more in the egress log.\n` : '';
    const none = e.rows.length === 0 ? '| (nothing) | | | | |\n' : '';
    return `\n**Egress** (every decision is in the egress-log output, ${escapeMarkdown(e.file)})\n\n| destination | port | decision | connections | bytes |\n| --- | ---: | --- | ---: | --- |\n${rows.join('')}${none}${more}`;
}
/** The summary upload fails above 1 MiB per step; the tail shown stays far below. */
const SUMMARY_TAIL_CHARS = 16_384;
/** Escapes text for a Markdown table cell or heading: no HTML, no emphasis, no pipes. */
function escapeMarkdown(text) {
    return text
        .replace(/[\r\n]+/g, ' ')
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/([\\`*_[\]|~])/g, '\\$1');
}
/** A fenced code block whose fence is longer than any backtick run inside it. */
function fenced(text, info = 'text') {
    const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
    const fence = '`'.repeat(Math.max(3, longest + 1));
    return `${fence}${info}\n${text}${text.endsWith('\n') ? '' : '\n'}${fence}\n`;
}
/** The summary's status cell. */
function statusLabel(verdict) {
    switch (verdict.kind) {
        case 'sandbox-failed':
            return '⚠️ sandbox did not start';
        case 'cancelled':
            return '⏹️ cancelled';
        case 'timed-out':
            return '⏱️ timed out';
        case 'out-of-memory':
            return '❌ killed, likely out of memory';
        case 'command-not-found':
            return '❌ command not found (exit 127)';
        case 'failed':
            return `❌ exited ${verdict.exitCode}`;
        case 'passed':
            return '✅ passed';
    }
}
/** What a cut log file lacks and where to find it; the step's log says the same. */
function logCutNote(cap) {
    const size = (0,units/* formatSize */.Xq)(cap);
    return `cut at ${/^\d+$/.test(size) ? `${size} bytes` : size} by limits.log; the rest of the output is only in the job log`;
}
function renderSummary(f) {
    const limits = [
        f.limits.timeout !== undefined ? `timeout ${(0,units/* formatDuration */.a3)(f.limits.timeout)}` : undefined,
        f.limits.memory !== undefined ? `memory ${(0,units/* formatSize */.Xq)(f.limits.memory)}` : undefined,
        f.limits.cpus !== undefined ? `cpus ${f.limits.cpus}` : undefined,
        f.limits.pids !== undefined ? `pids ${f.limits.pids}` : undefined,
        // The bounds have defaults; only a value the document set is shown.
        ...['tmpfs', 'log', 'collect'].map((k) => (f.limits[k] !== undefined ? `${k} ${(0,units/* formatSize */.Xq)(f.limits[k])}` : undefined)),
    ].filter(Boolean);
    const rows = [
        ['exit code', f.exitCode === undefined ? '—' : String(f.exitCode)],
        ['duration', `${(f.durationMs / 1000).toFixed(2)} s`],
        ['runsc', escapeMarkdown(f.runscVersion)],
        ['platform', f.platform],
        ['network', f.network],
        // The log's own line: the reference, the digest, and what the pull cost.
        ...(f.image ? [['image', escapeMarkdown((0,image_describe/* describePull */.p)(f.image))]] : []),
        ['limits', limits.length ? escapeMarkdown(limits.join(', ')) : 'none'],
        ['log file', escapeMarkdown(f.logFile) + (f.logCutAt === undefined ? '' : ` (${logCutNote(f.logCutAt)})`)],
    ];
    let tail = f.logTail;
    let label = 'Output';
    if (tail.length > SUMMARY_TAIL_CHARS) {
        tail = tail.slice(tail.length - SUMMARY_TAIL_CHARS);
        // Do not start on the second half of a surrogate pair.
        if (/^[\uDC00-\uDFFF]/.test(tail))
            tail = tail.slice(1);
        label = `Output (last ${SUMMARY_TAIL_CHARS} characters)`;
    }
    const parts = [
        `### gvisor-cell · ${escapeMarkdown(f.name)} · ${statusLabel(f.verdict)}\n`,
        '| | |\n| --- | --- |\n',
        rows.map(([k, v]) => `| ${k} | ${v} |\n`).join(''),
    ];
    for (const advisory of f.advisories ?? [])
        parts.push(`\n> [!WARNING]\n> ${escapeMarkdown(advisory)}\n`);
    if (f.verdict.kind === 'sandbox-failed')
        parts.push(`\n**runsc said:**\n\n${fenced(f.verdict.message)}`);
    // Hints quote paths and the cell's output: fenced, like the output itself.
    if (f.hints?.length)
        parts.push(`\n**What to do:**\n\n${fenced(f.hints.join('\n\n'))}`);
    if (f.egress)
        parts.push(egressTable(f.egress));
    if (tail !== '')
        parts.push(`\n<details><summary>${label}</summary>\n\n${fenced(tail)}\n</details>\n`);
    return parts.join('');
}

;// CONCATENATED MODULE: ./src/action/main.ts
/**
 * The action's main step, in the order the data flows:
 * inputs → document → bundle (validated, nothing started yet) → runsc →
 * sandbox → outputs and summary → cleanup.
 *
 * Nothing on the way to `runsc run` loads @actions/core: with the HTTP client
 * it brings (for OIDC, which this action never uses) it is a large part of a
 * trivial step (README, Performance; test/unit/warm-path.test.ts enforces
 * it). It is loaded while the sandbox boots, and
 * everything that needs it before the cell's output — the post step's state,
 * warnings (workflow commands, which must precede the stop-commands window),
 * the first outputs — happens then. Plain log lines need no core: `core.info`
 * is a line on stdout. Everything the step prints of its own goes through
 * log.ts and commands.ts, which neutralise it (it quotes the workspace).
 */


















let loaded;
/** @actions/core, on first use (see above). */
async function loadCore() {
    loaded ??= await Promise.all(/* import() */[__webpack_require__.e(942), __webpack_require__.e(58)]).then(__webpack_require__.bind(__webpack_require__, 6058));
    return loaded;
}
/** The runner's tool cache: where runsc is cached between steps and jobs. */
function runnerToolCache() {
    const root = process.env.RUNNER_TOOL_CACHE;
    if (!root)
        throw new Error('RUNNER_TOOL_CACHE is not set: gvisor-cell caches runsc in the runner’s tool cache');
    return root;
}
async function run() {
    // The job log: plain lines on stdout, neutralised (log.ts).
    const log = (0,src_log/* lineLogger */.H)(process.stdout);
    const cancel = new AbortController();
    let sandboxRunning = false;
    let plan;
    let image;
    const onSignal = (signal) => {
        log.info(`Received ${signal}: stopping the cell`);
        // Before the sandbox starts there is nothing to stop: remove the run directory (only ours in it yet) and leave.
        if (!sandboxRunning) {
            if (plan)
                (0,run_dir/* removeRunDir */.Lr)(plan.runDir);
            process.exit(1);
        }
        cancel.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
        const inputs = readInputs();
        const workspace = external_node_path_default().resolve(process.env.GITHUB_WORKSPACE || process.cwd());
        const cell = loadCell(inputs.cell, workspace, 'input cell-file');
        const arch = (0,install_version/* bucketArch */.TY)(process.platform, process.arch);
        // Everything the document asks for is checked before anything is downloaded or started.
        const tempRoot = process.env.RUNNER_TEMP || external_node_os_default().tmpdir();
        // An image is pulled (or found in the tool cache) before the plan: the plan lays the cell out over it.
        if (typeof cell.rootfs === 'object' && cell.rootfs.image !== undefined) {
            const { pullForCell } = await __webpack_require__.e(/* import() */ 705).then(__webpack_require__.bind(__webpack_require__, 2705));
            image = await pullForCell(cell.rootfs.image, runnerToolCache(), (line) => log.info(line));
        }
        plan = planCell(cell, { workspace, env: process.env, tempRoot, image: image?.facts });
        // With network.allow, the cell's network is made while runsc is found (or downloaded).
        await startNetwork(plan);
        const runDir = plan.runDir;
        // Warnings are workflow commands, written through @actions/core once it is loaded.
        const warnings = [
            ...plan.bundle.missingEnv.map((name) => `pass-env: ${name} is not set in the action's environment; not passed`),
            ...plan.bundle.warnings,
            ...runscWarnings(inputs.runsc),
        ];
        for (const note of plan.bundle.notes)
            log.info(note);
        const installed = await obtainRunsc(inputs.runsc, {
            arch,
            toolCache: inputs.runsc.at ? '' : runnerToolCache(),
            tempDir: tempRoot,
            log,
            privateDir: runDir,
        });
        // A line in the log and a callout in the summary, not an annotation: the action covers it (readonly.ts).
        const advisory = (0,install_version/* truncAdvisory */.oI)(installed.version);
        if (advisory)
            log.info(`Note: ${advisory}`);
        // core.isDebug(), read directly: the debug flags must be known before runsc starts.
        const debugDir = process.env.RUNNER_DEBUG === '1' ? (0,external_node_fs_.mkdtempSync)(external_node_path_default().join(tempRoot, `${run_dir/* RUN_DIR_PREFIX */.jk}debug-`)) : undefined;
        sandboxRunning = true;
        const ran = await runPlanned(plan, {
            runscPath: installed.path,
            platform: inputs.platform,
            outputLimit: inputs.outputLimit,
            // raw: the cell's bytes and the window's own two commands (run/output.ts).
            jobLog: { write: (data) => process.stdout.write(data) },
            commandWindow: true,
            signal: cancel.signal,
            debugDir,
            onHostChanges: async ({ containerId, runsc, networkId }) => {
                // What the post step may run and remove is recorded in the run directory, before the state that points at it.
                const core = await loadCore();
                savePostState(core.saveState, runDir, { containerId, runsc: runsc.path, ...(networkId ? { networkId } : {}) });
            },
            onSpawned: async ({ spec, readOnly }) => {
                const core = await loadCore();
                const say = commands(core, log);
                for (const warning of warnings)
                    say.warning(warning);
                core.setOutput(Outputs.RunscPath, installed.path);
                core.setOutput(Outputs.RunscVersion, installed.version);
                if (image)
                    core.setOutput(Outputs.ImageDigest, image.pulled.digest);
                if (debugDir) {
                    core.setOutput(Outputs.DebugLogDir, debugDir);
                    // Mount sources and the script come from the document and the workspace: neutralised like the rest.
                    const staged = [...readOnly.binds, ...(readOnly.root?.binds ?? [])].map((b) => `${b.at} = ${b.source}`);
                    const binds = staged.length > 0 ? `\n\nRead-only on the host (stub = source):\n${staged.join('\n')}` : '';
                    say.group('config.json', JSON.stringify(spec, null, 2) + binds);
                }
                log.info(`Running cell ${cell.name} with ${installed.version}, platform ${inputs.platform}, network ${networkLabel(cell.network)}` +
                    (cell.limits?.timeout !== undefined ? `, timeout ${(0,units/* formatDuration */.a3)(cell.limits.timeout)}` : ''));
            },
        }).finally(() => {
            sandboxRunning = false;
        });
        const core = await loadCore();
        const { collected } = ran;
        if (collected && !collected.error) {
            log.info(`Collected ${collected.files} file${collected.files === 1 ? '' : 's'} from the cell into the workspace`);
        }
        // They quote the names of files the cell made.
        for (const warning of collected?.warnings ?? [])
            commands(core, log).warning(warning);
        await report(core, log, cell, inputs, installed, ran, image?.pulled);
        // Asked-for files that could not come back fail the step, whatever the cell's status.
        if (collected?.error)
            commands(core, log).fail(collected.error);
    }
    catch (error) {
        // Errors quote paths and the document.
        commands(await loadCore(), log).fail(error instanceof Error ? error.message : String(error));
    }
    finally {
        if (plan)
            await releasePlan(plan);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
    }
    if (cancel.signal.aborted)
        process.exit(1);
}
/** The outputs, the summary, and the step's status, all from the run's one verdict. */
async function report(core, log, cell, inputs, installed, ran, image) {
    const { output, result, verdict, hints } = ran;
    // The CLI exits with the same number (verdict.ts): 124 for a timeout, not the SIGKILL that ended it.
    const status = reportedStatus(verdict);
    if (status !== undefined)
        core.setOutput(Outputs.ExitCode, String(status));
    core.setOutput(Outputs.Logs, output.logs.text());
    core.setOutput(Outputs.Stdout, output.stdout.text());
    core.setOutput(Outputs.Stderr, output.stderr.text());
    core.setOutput(Outputs.LogFile, output.logFile);
    core.setOutput(Outputs.TimedOut, String(result.timedOut));
    core.setOutput(Outputs.DurationMs, String(result.durationMs));
    if (ran.egress)
        core.setOutput(Outputs.EgressLog, ran.egress.file);
    const say = commands(core, log);
    // Each refused destination once, after the cell's output: normalised names only (egress/record.ts).
    for (const r of ran.egress?.rows ?? []) {
        if (r.decision === 'denied')
            log.info(`Egress refused: ${r.port === 53 ? `${r.name} (DNS)` : `${r.name}:${r.port}`}: ${r.reason ?? ''} (${r.connections}×)`);
    }
    // After the stop-commands window: a later step reading log-file gets only part of the output.
    if (output.logCutAt !== undefined)
        say.warning(`log-file ${output.logFile}: ${logCutNote(output.logCutAt)}`);
    const summary = renderSummary({
        name: cell.name,
        verdict,
        hints,
        exitCode: status,
        durationMs: result.durationMs,
        runscVersion: installed.version,
        platform: inputs.platform,
        network: networkLabel(cell.network),
        limits: cell.limits ?? {},
        logTail: output.logs.text(),
        logFile: output.logFile,
        logCutAt: output.logCutAt,
        advisories: [(0,install_version/* truncAdvisory */.oI)(installed.version)].filter((a) => a !== undefined),
        ...(ran.egress ? { egress: ran.egress } : {}),
        ...(image ? { image } : {}),
    });
    if (process.env.GITHUB_STEP_SUMMARY)
        await core.summary.addRaw(summary).write();
    // One annotation: the verdict, then what to do about it.
    const message = [describe(verdict, cell.name, result.durationMs), ...hints].join('\n');
    switch (verdict.kind) {
        case 'passed':
            return log.info(message);
        case 'sandbox-failed': {
            const hint = inputs.platform === 'systrap' && !verdict.neverStarted
                ? '\nIf the host refuses systrap (e.g. Yama ptrace_scope=3), try platform: ptrace.'
                : '';
            return say.fail(message + hint);
        }
        case 'cancelled':
            return say.fail(message);
        case 'timed-out':
            return inputs.failOnError ? say.fail(message) : say.warning(message);
        case 'out-of-memory':
        case 'command-not-found':
        case 'failed':
            return inputs.failOnError ? say.fail(message) : log.info(message);
    }
}


/***/ }),

/***/ 8545:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  dz: () => (/* binding */ gatherHostFacts),
  FK: () => (/* binding */ isInside)
});

// UNUSED EXPORTS: MASKED_DIRS, MASKED_FILES, ROOT_LINK_NAMES, SYSTEM_VAR, cgroupControllers, chooseHome, gitConfigFiles, runnerDirs, unreadableEntries

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/fs-kind.ts
var fs_kind = __webpack_require__(8619);
;// CONCATENATED MODULE: ./src/bundle/git-credentials.ts
/**
 * actions/checkout persists its token in the workspace's .git/config
 * (`http.<url>.extraheader = AUTHORIZATION: basic …`) unless told not to, and
 * with `submodules:` in each .git/modules/…/config too. A cell that can read
 * the workspace could read that token, so it is shown scrubbed copies of those
 * files instead: the rest of git keeps working.
 *
 * Newer checkouts keep the credentials in a file under RUNNER_TEMP, pulled in
 * with `includeIf`; RUNNER_TEMP is outside every cell's view, so those need no
 * scrubbing (the include then points at nothing, which git ignores).
 */
const USERINFO = /([a-z][a-z0-9+.-]*:\/\/)[^/@\s"\]]+@/gi;
const EXTRAHEADER = /^\s*extraheader\s*=/i;
/**
 * Removes `extraheader` entries (also on a section header's line, and their
 * backslash-continued lines) and the user:password@ part of every URL,
 * section headers included (`[url "https://x-access-token:…@github.com/"]`). Pure.
 */
function scrubGitConfig(text) {
    const removed = [];
    let section = '';
    let continued = false;
    const out = [];
    for (const raw of text.split('\n')) {
        if (continued) {
            // The rest of a removed value that ended in a backslash.
            continued = raw.endsWith('\\');
            continue;
        }
        let line = raw;
        const header = /^(\s*\[([^\]]*)\])(.*)$/.exec(line);
        if (header)
            section = header[2].trim();
        const rest = header ? header[3] : line;
        if (EXTRAHEADER.test(rest)) {
            removed.push(`${section}.extraheader`);
            continued = raw.endsWith('\\');
            if (!header)
                continue;
            line = header[1];
        }
        if (USERINFO.test(line)) {
            removed.push(`${section} credentials in a URL`);
            line = line.replace(USERINFO, '$1');
        }
        USERINFO.lastIndex = 0;
        out.push(line);
    }
    return { text: out.join('\n'), removed };
}

;// CONCATENATED MODULE: ./src/bundle/host.ts
/**
 * The facts about this runner that decide a cell's view of it. Gathered once,
 * with a handful of lstat calls (no processes), so the spec builder can stay pure.
 */




/** Top-level entries that usr-merged systems make symlinks into /usr. */
const ROOT_LINK_NAMES = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];
/**
 * Host files a cell must never read, even as root inside it: password hashes,
 * sudo rules, private keys. Masked (an empty file or directory on top) when present.
 */
const MASKED_FILES = ['/etc/shadow', '/etc/shadow-', '/etc/gshadow', '/etc/gshadow-', '/etc/sudoers', '/etc/security/opasswd'];
const MASKED_DIRS = ['/etc/sudoers.d', '/etc/ssl/private'];
/**
 * With `system: overlay`: the package state of /var the cell sees (and may
 * change, in memory) beside /usr, /etc and /opt, so that dpkg and apt work.
 * Nothing else of /var: logs, other services' state and caches stay out.
 */
const SYSTEM_VAR = [
    '/var/lib/dpkg',
    '/var/lib/apt',
    '/var/cache/apt',
    '/var/cache/debconf',
    '/var/lib/ucf',
    '/var/lib/systemd/deb-systemd-helper-enabled',
    '/var/lib/systemd/deb-systemd-user-helper-enabled',
];
/**
 * Parts of SYSTEM_VAR not searched for entries others may not read: the
 * package database and apt's lists and archives are public by design (their
 * root-only entries are lock files and apt's partial downloads), and dpkg's
 * info directory alone holds tens of thousands of files on a hosted image
 * (~100 ms a step to walk). debconf's cache, which may hold passwords a
 * preseed gave (passwords.dat), and the rest are searched.
 */
const PUBLIC_STATE = ['/var/lib/dpkg', '/var/lib/apt', '/var/cache/apt'];
/** Directories of the host's view that may not hold the cell's HOME. */
const NOT_HOME = ['/', '/usr', '/etc', '/opt', '/proc', '/dev', '/sys', '/tmp', '/var/tmp', '/run', '/bin', '/sbin', '/lib', '/lib64'];
/** Anything there but a directory or a link: what may be masked or read as a file here. */
function isFileLike(p) {
    const k = (0,fs_kind/* entryKind */.FY)(p);
    return k === 'file' || k === 'other';
}
/** The files and directories to mask: the known ones that exist, and `extra` (not below a masked directory). */
function masks(sshKeys, extra) {
    const maskedDirs = [...new Set([...MASKED_DIRS.filter((d) => (0,fs_kind/* entryKind */.FY)(d) === 'dir'), ...extra.dirs])];
    const inMaskedDir = (f) => maskedDirs.some((d) => f !== d && isInside(f, d));
    const maskedFiles = [...new Set([...[...MASKED_FILES, ...sshKeys].filter(isFileLike), ...extra.files])].filter((f) => !inMaskedDir(f));
    return { maskedFiles, maskedDirs: maskedDirs.filter((d) => !maskedDirs.some((o) => o !== d && isInside(d, o))) };
}
function isInside(child, parent) {
    const rel = external_node_path_default().relative(parent, child);
    // `..cache` is a name inside; only `..` itself or `../…` climbs out.
    return rel !== '..' && !rel.startsWith(`..${(external_node_path_default()).sep}`) && !external_node_path_default().isAbsolute(rel);
}
function chooseHome(hostHome, workspace) {
    if (hostHome && external_node_path_default().isAbsolute(hostHome)) {
        const home = external_node_path_default().normalize(hostHome).replace(/(.)\/+$/, '$1');
        const clashes = NOT_HOME.some((p) => (p === '/' ? home === '/' : isInside(home, p))) || isInside(home, workspace);
        if (!clashes)
            return home;
    }
    return '/home/cell';
}
/**
 * The git configs checkout writes credentials into: the workspace's, its
 * submodules' (.git/modules/…/config), and those of repositories checked out
 * one level down (`path:`). Only regular files: a link is resolved inside the
 * sandbox, where the host's target is not visible.
 */
function gitConfigFiles(workspace) {
    const found = [];
    const hasConfig = (dir) => isFileLike(external_node_path_default().join(dir, 'config'));
    // Under .git/modules, a directory with a config file is a submodule's git dir (look only in its
    // own modules/); one without is a component of a submodule path such as libs/a. Never walk a
    // git dir's objects or refs: this runs on every step.
    const modules = (dir, depth) => {
        if (depth > 4)
            return;
        for (const entry of safeReaddir(dir)) {
            const sub = external_node_path_default().join(dir, entry);
            if ((0,fs_kind/* entryKind */.FY)(sub) !== 'dir')
                continue;
            if (hasConfig(sub)) {
                found.push(external_node_path_default().join(sub, 'config'));
                modules(external_node_path_default().join(sub, 'modules'), depth + 1);
            }
            else {
                modules(sub, depth + 1);
            }
        }
    };
    const gitDir = (repo) => {
        const git = external_node_path_default().join(repo, '.git');
        if ((0,fs_kind/* entryKind */.FY)(git) !== 'dir')
            return;
        if (hasConfig(git))
            found.push(external_node_path_default().join(git, 'config'));
        modules(external_node_path_default().join(git, 'modules'), 0);
    };
    gitDir(workspace);
    for (const entry of safeReaddir(workspace)) {
        if (entry !== '.git' && (0,fs_kind/* entryKind */.FY)(external_node_path_default().join(workspace, entry)) === 'dir')
            gitDir(external_node_path_default().join(workspace, entry));
    }
    return [...new Set(found)];
}
function safeReaddir(dir) {
    try {
        return (0,external_node_fs_.readdirSync)(dir);
    }
    catch {
        return [];
    }
}
function cgroupControllers(root) {
    try {
        // cgroup v2 (hosted runners): the root lists what it can delegate.
        return (0,external_node_fs_.readFileSync)(external_node_path_default().join(root, 'cgroup.controllers'), 'utf8').trim().split(/\s+/).filter(Boolean);
    }
    catch {
        // cgroup v1 (or hybrid): a hierarchy per controller, some mounted jointly (cpu,cpuacct).
        const entries = safeReaddir(root).flatMap((e) => e.split(','));
        return entries.length > 0 ? entries : undefined;
    }
}
/** The runner's install (from the node it started us with), RUNNER_TEMP and the work root. Pure. */
function runnerDirs(env, execPath) {
    const dirs = [];
    // The runner starts actions with <runner root>/externals/node<N>/bin/node.
    const m = /^(.+)\/externals\/node\d+[^/]*\/bin\/node$/.exec(execPath);
    if (m)
        dirs.push(m[1]);
    if (env.RUNNER_TEMP && external_node_path_default().isAbsolute(env.RUNNER_TEMP))
        dirs.push(external_node_path_default().normalize(env.RUNNER_TEMP));
    if (env.RUNNER_WORKSPACE && external_node_path_default().isAbsolute(env.RUNNER_WORKSPACE))
        dirs.push(external_node_path_default().dirname(external_node_path_default().normalize(env.RUNNER_WORKSPACE)));
    return [...new Set(dirs)];
}
/**
 * Entries under `root` (/etc) that others may not read: root-only keys,
 * tokens and configs beyond the fixed list (a keytab, a netplan config with
 * Wi-Fi keys, a database's pg_hba.conf). A cell that runs as root would read
 * them through the read-only view, so they are masked like the rest. A
 * directory others may not read is masked whole, not entered. Bounded: /etc
 * is a thousand or so entries.
 */
function unreadableEntries(root, maxDepth = 8) {
    const found = { files: [], dirs: [] };
    const walk = (dir, depth) => {
        for (const name of safeReaddir(dir)) {
            const p = external_node_path_default().join(dir, name);
            let st;
            try {
                st = (0,external_node_fs_.lstatSync)(p);
            }
            catch {
                continue;
            }
            if (st.isSymbolicLink())
                continue;
            const othersRead = (st.mode & 0o004) !== 0;
            if (st.isDirectory()) {
                if (!othersRead)
                    found.dirs.push(p);
                else if (depth < maxDepth)
                    walk(p, depth + 1);
            }
            else if (st.isFile() && !othersRead) {
                found.files.push(p);
            }
        }
    };
    walk(root, 0);
    return found;
}
function gatherHostFacts(env, workspace, opts = {}) {
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    const toolCache = env.RUNNER_TOOL_CACHE && external_node_path_default().isAbsolute(env.RUNNER_TOOL_CACHE) ? external_node_path_default().normalize(env.RUNNER_TOOL_CACHE) : undefined;
    const rootLinks = [];
    for (const name of ROOT_LINK_NAMES) {
        const k = (0,fs_kind/* entryKind */.FY)(`/${name}`);
        if (k === 'link')
            rootLinks.push({ name, kind: 'symlink', target: (0,external_node_fs_.readlinkSync)(`/${name}`) });
        else if (k === 'dir')
            rootLinks.push({ name, kind: 'dir' });
    }
    const sshKeys = (() => {
        try {
            return (0,external_node_fs_.readdirSync)('/etc/ssh')
                .filter((f) => /^ssh_host_.*_key$/.test(f))
                .map((f) => `/etc/ssh/${f}`);
        }
        catch {
            return [];
        }
    })();
    let resolvConf;
    if ((0,fs_kind/* entryKind */.FY)('/etc/resolv.conf') === 'link') {
        try {
            const target = (0,external_node_fs_.realpathSync)('/etc/resolv.conf');
            if (!['/etc', '/usr', '/opt'].some((d) => isInside(target, d)) && isFileLike(target))
                resolvConf = target;
        }
        catch {
            // A dangling link: the cell sees it dangle too.
        }
    }
    const gitConfigs = [];
    for (const file of gitConfigFiles(workspace)) {
        const scrubbed = scrubGitConfig((0,external_node_fs_.readFileSync)(file, 'utf8'));
        if (scrubbed.removed.length > 0)
            gitConfigs.push({ path: file, scrubbed });
    }
    const systemVar = SYSTEM_VAR.filter((d) => (0,fs_kind/* entryKind */.FY)(d) === 'dir');
    const systemDirs = ['/usr/bin', '/bin', '/usr/sbin', '/sbin'];
    const bash = (0,fs_kind/* findInDirs */.Js)('bash', systemDirs);
    const setpriv = (0,fs_kind/* findInDirs */.Js)('setpriv', systemDirs);
    const unreadable = { files: [], dirs: [] };
    if (opts.rootCell || opts.systemOverlay) {
        for (const root of ['/etc', ...(opts.systemOverlay ? systemVar.filter((d) => !PUBLIC_STATE.includes(d)) : [])]) {
            const found = unreadableEntries(root);
            unreadable.files.push(...found.files);
            unreadable.dirs.push(...found.dirs);
        }
    }
    return {
        uid,
        gid,
        workspace,
        resolvConf,
        systemVar,
        sudoTools: bash && setpriv ? { bash, setpriv } : undefined,
        runnerDirs: runnerDirs(env, process.execPath),
        cgroupControllers: cgroupControllers('/sys/fs/cgroup'),
        gitConfigs,
        home: chooseHome(env.HOME, workspace),
        toolCache: toolCache && (0,fs_kind/* entryKind */.FY)(toolCache) === 'dir' ? toolCache : undefined,
        hasOpt: (0,fs_kind/* entryKind */.FY)('/opt') === 'dir',
        rootLinks,
        ...masks(sshKeys, unreadable),
        env,
    };
}


/***/ }),

/***/ 2635:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Cq: () => (/* binding */ DURATION_PATTERN),
/* harmony export */   DB: () => (/* binding */ parseSize),
/* harmony export */   E9: () => (/* binding */ parseDuration),
/* harmony export */   Rw: () => (/* binding */ MAX_CPUS),
/* harmony export */   T_: () => (/* binding */ CPUS_PATTERN),
/* harmony export */   Xq: () => (/* binding */ formatSize),
/* harmony export */   YX: () => (/* binding */ sizeSuggestion),
/* harmony export */   Z6: () => (/* binding */ durationSuggestion),
/* harmony export */   Zr: () => (/* binding */ MIN_CPUS),
/* harmony export */   a3: () => (/* binding */ formatDuration),
/* harmony export */   bv: () => (/* binding */ SIZE_PATTERN),
/* harmony export */   rG: () => (/* binding */ MAX_DURATION_MS),
/* harmony export */   xX: () => (/* binding */ parseCpus)
/* harmony export */ });
/**
 * Parsers for the human-friendly quantities a cell document accepts. Pure, so
 * the schema can use them in transforms and the tests can pin them down.
 */
const SIZE_UNITS = {
    '': 1,
    K: 1e3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
};
/**
 * A size as the action reads it: a number, then (after at most one space) a
 * unit. K, M, G, T count in 1000s and Ki, Mi, Gi, Ti in 1024s, which a
 * trailing B leaves unambiguous (4GiB); 4GB is refused, since people mean
 * either by it (sizeSuggestion names both). A value with no digit from 1 to
 * 9 is zero, refused here so that editors refuse it too (cell.schema.json
 * uses this pattern).
 */
const SIZE_PATTERN = /^(?=.*[1-9])(\d+(?:\.\d+)?)(?: ?(?:(Ki|Mi|Gi|Ti)B?|(K|k|M|G|T)))?$/;
/** `512Mi`, `2G`, `4 GiB`, `1048576` → bytes (integer), or undefined when not a size. */
function parseSize(value) {
    if (typeof value === 'number') {
        return Number.isSafeInteger(value) && value > 0 ? value : undefined;
    }
    const m = SIZE_PATTERN.exec(value.trim());
    if (!m)
        return undefined;
    const bytes = Math.floor(Number(m[1]) * (SIZE_UNITS[m[2] ?? m[3] ?? ''] ?? 1));
    return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}
/** A number with a unit letter the action does not read as written: 4GB, 4gb, 4g, 512 mb, 1gib. */
const LOOSE_SIZE = /^(\d+(?:\.\d+)?) ?([kmgt])(i?)(b?)$/i;
/**
 * For a size written with a unit that could mean a power of 1000 or of 1024
 * (4GB, 4g, 512mb): both spellings this action reads, for the message. Undefined
 * for anything else.
 */
function sizeSuggestion(value) {
    const m = LOOSE_SIZE.exec(value.trim());
    if (!m || SIZE_PATTERN.test(value))
        return undefined;
    const n = m[1];
    const unit = m[2].toUpperCase();
    if (parseSize(`${n}${unit}`) === undefined)
        return undefined;
    const power = ['', '²', '³', '⁴']['KMGT'.indexOf(unit)];
    return `${n}${unit} (${n} × 1000${power} bytes) or ${n}${unit}i (${n} × 1024${power} bytes)`;
}
/**
 * A duration: a number of seconds, a number with a unit (90s, 10m, 1h, 250ms,
 * at most one space between), or hours, minutes and seconds in that order
 * (1h30m, 2m30s). A value with no digit from 1 to 9 is zero.
 */
const DURATION_PATTERN = /^(?=.*[1-9])(?:(\d+(?:\.\d+)?)(?: ?(ms|s|m|h))?|(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?)$/;
const DURATION_UNITS = { ms: 1, '': 1000, s: 1000, m: 60_000, h: 3_600_000 };
/** Node's timers overflow past 2^31-1 ms (about 24.8 days). */
const MAX_DURATION_MS = 2 ** 31 - 1;
/** `90s`, `10m`, `1h`, `1h30m`, `300` (seconds) → milliseconds, or undefined when not a duration. */
function parseDuration(value) {
    const text = typeof value === 'number' ? String(value) : value.trim();
    const m = DURATION_PATTERN.exec(text);
    if (!m)
        return undefined;
    const [, n, unit, hours, minutes, seconds] = m;
    const exact = n !== undefined
        ? Number(n) * (DURATION_UNITS[unit ?? ''] ?? 1000)
        : Number(hours ?? 0) * 3_600_000 + Number(minutes ?? 0) * 60_000 + Number(seconds ?? 0) * 1000;
    const ms = Math.round(exact);
    return ms > 0 && ms <= MAX_DURATION_MS ? ms : undefined;
}
/** Unit words, lower-cased, as the unit the action reads and how many of it each is (1H, 10min, 1d). */
const DURATION_WORDS = {
    ms: ['ms', 1],
    s: ['s', 1],
    m: ['m', 1],
    h: ['h', 1],
    msec: ['ms', 1],
    msecs: ['ms', 1],
    millisecond: ['ms', 1],
    milliseconds: ['ms', 1],
    sec: ['s', 1],
    secs: ['s', 1],
    second: ['s', 1],
    seconds: ['s', 1],
    min: ['m', 1],
    mins: ['m', 1],
    minute: ['m', 1],
    minutes: ['m', 1],
    hr: ['h', 1],
    hrs: ['h', 1],
    hour: ['h', 1],
    hours: ['h', 1],
    d: ['h', 24],
    day: ['h', 24],
    days: ['h', 24],
};
/**
 * For a duration written with a unit word the action does not read (10min,
 * 30 seconds, 1d, 10M): the spelling it reads, for the message. Undefined for
 * anything else.
 */
function durationSuggestion(value) {
    const m = /^(\d+(?:\.\d+)?) ?([a-z]+)$/i.exec(value.trim());
    if (!m || DURATION_PATTERN.test(value))
        return undefined;
    const found = DURATION_WORDS[m[2].toLowerCase()];
    if (!found)
        return undefined;
    const [unit, times] = found;
    const suggestion = `${Number(m[1]) * times}${unit}`;
    return parseDuration(suggestion) === undefined ? undefined : suggestion;
}
/**
 * A CPU count written as a string ("1.5"), from 0.01 to 1024: the range is in
 * the pattern so that editors (cell.schema.json) refuse "0.001" and "2000"
 * as the action does. Spaces around it are allowed, as trimming would.
 */
const CPUS_PATTERN = /^\s*(?:0+\.(?:0[1-9]|[1-9])\d*|0*(?:[1-9]\d{0,2}|10[01]\d|102[0-3])(?:\.\d+)?|0*1024(?:\.0+)?)\s*$/;
const MIN_CPUS = 0.01;
const MAX_CPUS = 1024;
/** `1.5`, `"2"` → a positive CPU count, or undefined. */
function parseCpus(value) {
    if (typeof value === 'string')
        return CPUS_PATTERN.test(value) ? Number(value) : undefined;
    return Number.isFinite(value) && value >= MIN_CPUS && value <= MAX_CPUS ? value : undefined;
}
/** Renders a size in bytes back the way people write it (for logs and the summary). */
function formatSize(bytes) {
    for (const unit of ['Ti', 'Gi', 'Mi', 'Ki']) {
        const n = SIZE_UNITS[unit];
        if (bytes >= n && bytes % n === 0)
            return `${bytes / n}${unit}`;
    }
    return `${bytes}`;
}
function formatDuration(ms) {
    if (ms % 3_600_000 === 0)
        return `${ms / 3_600_000}h`;
    if (ms % 60_000 === 0)
        return `${ms / 60_000}m`;
    if (ms % 1000 === 0)
        return `${ms / 1000}s`;
    return `${ms}ms`;
}


/***/ }),

/***/ 3867:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   S$: () => (/* binding */ VETH_RANGE),
/* harmony export */   hQ: () => (/* binding */ ownAddresses),
/* harmony export */   pg: () => (/* binding */ refusedAddress)
/* harmony export */ });
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7030);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_net__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _allow_list_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8371);
/**
 * Which addresses a cell may be connected to when a name it may reach
 * resolves to them. A name on the list says nothing about where it points:
 * DNS (or the runner's /etc/hosts) can point an allowed name at the runner's
 * own services, its LAN or the cloud's metadata endpoint. Those are refused
 * unless the IP itself is on the list.
 */


/** The /16 the action takes its veth pairs from (RFC 2544's benchmarking range, never routed). */
const VETH_RANGE = { base: '198.19.0.0', prefix: 16 };
const RANGES = [
    ['0.0.0.0', 8, 'ipv4', 'this host'],
    ['127.0.0.0', 8, 'ipv4', 'loopback'],
    ['10.0.0.0', 8, 'ipv4', 'private'],
    ['172.16.0.0', 12, 'ipv4', 'private'],
    ['192.168.0.0', 16, 'ipv4', 'private'],
    ['100.64.0.0', 10, 'ipv4', 'shared (carrier-grade NAT)'],
    ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata)'],
    ['168.63.129.16', 32, 'ipv4', 'Azure host services'],
    [VETH_RANGE.base, VETH_RANGE.prefix, 'ipv4', 'the action’s own cell links'],
    ['224.0.0.0', 4, 'ipv4', 'multicast'],
    ['240.0.0.0', 4, 'ipv4', 'reserved'],
    ['::', 128, 'ipv6', 'unspecified'],
    ['::1', 128, 'ipv6', 'loopback'],
    ['fc00::', 7, 'ipv6', 'private'],
    ['fe80::', 10, 'ipv6', 'link-local'],
    ['ff00::', 8, 'ipv6', 'multicast'],
];
const lists = RANGES.map(([base, prefix, family, reason]) => {
    const list = new node_net__WEBPACK_IMPORTED_MODULE_0__.BlockList();
    list.addSubnet(base, prefix, family);
    return { list, reason };
});
/** An IPv4 address embedded in NAT64's well-known prefix (64:ff9b::/96), which some resolvers synthesise. */
function nat64(ip) {
    const m = /^64:ff9b::(?:([0-9a-f]{1,4}):([0-9a-f]{1,4})|(\d+\.\d+\.\d+\.\d+))$/i.exec(ip);
    if (!m)
        return undefined;
    if (m[3])
        return m[3];
    const hi = Number.parseInt(m[1] ?? '0', 16);
    const lo = Number.parseInt(m[2] ?? '0', 16);
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}
/**
 * Why the cell may not be connected to `ip` (a range name), or undefined
 * when it may. `own` are the runner's own addresses (every interface's, ownAddresses):
 * a service listening on one of them is the runner's, whatever the range.
 * IPv4-mapped IPv6 forms are judged as the IPv4 address (BlockList does so).
 */
function refusedAddress(ip, own = new node_net__WEBPACK_IMPORTED_MODULE_0__.BlockList()) {
    const family = (0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIPv4)(ip) ? 'ipv4' : (0,_allow_list_js__WEBPACK_IMPORTED_MODULE_1__/* .isIPv6Literal */ .rw)(ip) ? 'ipv6' : undefined;
    if (!family)
        return 'not an IP address';
    const embedded = family === 'ipv6' ? nat64(ip) : undefined;
    if (embedded)
        return refusedAddress(embedded, own);
    for (const { list, reason } of lists)
        if (list.check(ip, family))
            return reason;
    // A BlockList, not a set of strings: ::ffff:10.1.0.4 and 2001:0db8::5 are the addresses they spell.
    if (own.check(ip, family))
        return 'the runner’s own address';
    return undefined;
}
/** The runner's own addresses (every interface's), as refusedAddress takes them. */
function ownAddresses(addresses) {
    const own = new node_net__WEBPACK_IMPORTED_MODULE_0__.BlockList();
    for (const a of addresses) {
        // The interfaces' addresses are the system's own spelling: the colon tells the family (isIPv6Literal's
        // pattern would cost its first compile here, on the way to the cell's start); BlockList checks the rest.
        try {
            own.addAddress(a, a.includes(':') ? 'ipv6' : 'ipv4');
        }
        catch {
            // Not an address after all: nothing of the runner's to refuse.
        }
    }
    return own;
}


/***/ }),

/***/ 8371:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   ER: () => (/* binding */ parseEntry),
/* harmony export */   cy: () => (/* binding */ ENTRY_PATTERN),
/* harmony export */   dP: () => (/* binding */ normalIp),
/* harmony export */   rw: () => (/* binding */ isIPv6Literal),
/* harmony export */   tK: () => (/* binding */ normalName),
/* harmony export */   yd: () => (/* binding */ AllowList)
/* harmony export */ });
/* unused harmony export DEFAULT_PORTS */
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7030);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_net__WEBPACK_IMPORTED_MODULE_0__);
/**
 * `network.allow`: what an entry may be, and whether a destination the cell
 * asks for is on the list. Pure: no lookups, no sockets. The schema
 * (cell/schema.ts) validates entries with `parseEntry`; the listeners
 * (egress/) ask `AllowList` about every name, IP and port the cell names.
 *
 * An entry is a host name (`registry.npmjs.org`), a wildcard (`*.example.org`:
 * one or more labels in front, never example.org itself), an IPv4 literal or
 * a bracketed IPv6 one; with `:port` it allows that port only, without one
 * ports 80 and 443.
 */

const DEFAULT_PORTS = [80, 443];
const LABEL = '[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?';
/** A host name as the cell may name it: labels of letters, digits, `-` and `_`, at most 253 characters. */
const NAME = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})*$`);
const PORT = /^(?:[1-9][0-9]{0,4})$/;
const PORT_RANGE = '(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3})';
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const ANY_LABEL = '[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?';
/**
 * The pattern an entry must match, for editors (cell.schema.json): the same
 * rules as parseEntry's but the 253-character bound on a whole name (an
 * editor lets up to 254 through, the action says no).
 */
const ENTRY_PATTERN = [
    '^(?:',
    // A name (or *.name) whose last label is not all digits (1.2.3.999 is no name), an optional trailing dot.
    `(?:\\*\\.)?(?=[A-Za-z0-9_.-]{1,254}(?::|$))(?:${ANY_LABEL}\\.)*(?![0-9]+\\.?(?::|$))${ANY_LABEL}\\.?`,
    `|${OCTET}(?:\\.${OCTET}){3}`,
    '|\\[[0-9A-Fa-f:.]+\\]',
    `)(?::${PORT_RANGE})?$`,
].join('');
/**
 * A host name in its one comparable form (lower case, no trailing dot), or
 * undefined when it is not one: what the cell sends (SNI, Host, a DNS
 * question) goes through this before it is matched or shown anywhere.
 */
function normalName(value) {
    const name = value.toLowerCase().replace(/\.$/, '');
    if (!NAME.test(name))
        return undefined;
    // 1.2.3.999 is neither an address nor a name; a top-level label is never all digits.
    if (/(?:^|\.)[0-9]+$/.test(name))
        return undefined;
    return name;
}
/**
 * net.isIPv6, asked only of what could be one (it has a colon). Node's check
 * is a large pattern that costs 6–10 ms to compile on first use and a few
 * more to fail on a name: every document with a name on its list would pay
 * that on the way to the cell's start, twice (validation, then the list).
 */
function isIPv6Literal(value) {
    return value.includes(':') && (0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIPv6)(value);
}
/** An IP literal in its canonical form (IPv6 lower case, without brackets), or undefined. */
function normalIp(value) {
    const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
    if ((0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIPv4)(bare))
        return bare;
    if (isIPv6Literal(bare) && !bare.includes('%'))
        return bare.toLowerCase();
    return undefined;
}
/** An entry, or what is wrong with it (for "network.allow[i]: …"). */
function parseEntry(entry) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || entry.includes('/')) {
        return { error: 'expected a host name (and an optional :port), not a URL or a path' };
    }
    let host = entry;
    let ports = DEFAULT_PORTS;
    const port = /:([^:\]]*)$/.exec(entry);
    // host:port, [v6]:port; a bare IPv6 (several colons, no brackets) has no port to split.
    if (port && (entry.startsWith('[') || entry.indexOf(':') === port.index)) {
        const digits = port[1] ?? '';
        const n = Number(digits);
        if (!PORT.test(digits) || n > 65535)
            return { error: 'expected a port from 1 to 65535 after the colon' };
        ports = [n];
        host = entry.slice(0, port.index);
    }
    if (host === '')
        return { error: 'expected a host name before the port' };
    if (host.startsWith('[') || host.includes(':')) {
        if (!host.startsWith('['))
            return { error: 'expected an IPv6 address in brackets, as [2001:db8::1]:443' };
        const ip = normalIp(host);
        if (!ip || !isIPv6Literal(ip))
            return { error: 'expected an IPv6 address in the brackets' };
        return { kind: 'ip', ip, ports };
    }
    const v4 = normalIp(host);
    if (v4)
        return { kind: 'ip', ip: v4, ports };
    if (/^[0-9.]+$/.test(host))
        return { error: 'expected an IPv4 address such as 203.0.113.7' };
    const wildcard = host.startsWith('*.');
    const name = normalName(wildcard ? host.slice(2) : host);
    if (!name) {
        return {
            error: host.includes('*')
                ? 'expected a wildcard as *.example.org: one * in front of a name, for one or more labels'
                : 'expected a host name such as registry.npmjs.org: labels of letters, digits, - and _, separated by single dots',
        };
    }
    return { kind: 'name', name, wildcard, ports };
}
class AllowList {
    entries;
    /** `audit: true`: every name is allowed (addresses are still checked; see addresses.ts). */
    audit;
    constructor(entries, audit = false) {
        this.entries = entries.map((e, i) => {
            const parsed = parseEntry(e);
            if ('error' in parsed)
                throw new Error(`network.allow[${i}]: ${parsed.error}`);
            return parsed;
        });
        this.audit = audit;
    }
    nameEntries(name) {
        return this.entries.filter((e) => e.kind === 'name' && (e.wildcard ? name.endsWith(`.${e.name}`) && name.length > e.name.length + 1 : name === e.name));
    }
    /** Whether a name is on the list for some port: what the DNS listener answers. */
    knowsName(name) {
        return this.audit || this.nameEntries(name).length > 0;
    }
    /** Whether an entry names this name (for some port), whatever `audit` says. */
    listsName(name) {
        return this.nameEntries(name).length > 0;
    }
    /** Whether the list names this IP literal itself (for some port): it may then be reached even if private. */
    listsIp(ip) {
        return this.entries.some((e) => e.kind === 'ip' && e.ip === ip);
    }
    /** Whether a destination is allowed: a name (or, listed as such, an IP) on this port. */
    allows(d) {
        if (this.audit)
            return true;
        const ip = normalIp(d.host);
        if (ip)
            return this.entries.some((e) => e.kind === 'ip' && e.ip === ip && e.ports.includes(d.port));
        return this.nameEntries(d.host).some((e) => e.ports.includes(d.port));
    }
    /** The IPv4 literals and their ports: each gets a route in the cell and a listener of its own. */
    ipv4Targets() {
        return this.entries.flatMap((e) => (e.kind === 'ip' && (0,node_net__WEBPACK_IMPORTED_MODULE_0__.isIPv4)(e.ip) ? e.ports.map((port) => ({ host: e.ip, port })) : []));
    }
    /**
     * Ports other than 80 and 443 that names are listed with, and the names
     * on each: a connection to such a port carries no name of its own, so it
     * goes to the one name listed there, or to the TLS server name among several.
     */
    namePorts() {
        const ports = new Map();
        for (const e of this.entries) {
            if (e.kind !== 'name')
                continue;
            for (const port of e.ports) {
                if (DEFAULT_PORTS.includes(port))
                    continue;
                ports.set(port, [...(ports.get(port) ?? []), e]);
            }
        }
        return ports;
    }
}


/***/ }),

/***/ 618:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Bz: () => (/* binding */ openHostNetwork),
/* harmony export */   Dy: () => (/* binding */ names),
/* harmony export */   ZH: () => (/* binding */ findNetworkTools)
/* harmony export */ });
/* unused harmony exports NETWORK_ID, slotAddresses, teardownHostNetwork */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var _fs_kind_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(8619);
/* harmony import */ var _addresses_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(3867);
/**
 * The runner's side of a cell's network: a network namespace for the
 * sandbox, a veth pair into it with a /30 of the action's own range, and an
 * nftables table that lets the cell reach the action's listeners and nothing
 * else. No forwarding and no NAT out: the cell's packets end on the runner.
 *
 * All of it is made and removed by one root shell (through `sudo -n` unless
 * the action is root) that stays up while the cell runs, reading its stdin:
 * it takes the firewall rules (the listeners are bound first: their ports are
 * in them), makes the network, says which addresses it has, and removes
 * everything when told, or when its stdin closes: as well when the action is
 * killed (the pipe closes with it). The post
 * step removes whatever a shell that was killed too left behind (`teardown`).
 *
 * Names derive from `id` (the run directory's random suffix): the namespace
 * `gvisor-cell-<id>`, the links `gvc<id>h` (runner) and `gvc<id>c` (cell), the
 * table `inet gvisor_cell_<id>`. The /30 is claimed with a symbolic link
 * /run/gvisor-cell/slots/<n> → <id> (made atomically, so parallel cells never
 * share one).
 */



/** The random suffix of a run directory: what every name here is made from. */
const NETWORK_ID = /^[A-Za-z0-9]{6}$/;
const SLOTS = 2 ** (32 - _addresses_js__WEBPACK_IMPORTED_MODULE_2__/* .VETH_RANGE */ .S$.prefix) / 4;
/** Where the /30s are claimed (root's: under /run, gone at reboot with everything else). */
const SLOT_DIR = '/run/gvisor-cell/slots';
/**
 * ip (iproute2), nft (nftables) and sh, from the system's own directories
 * only: they run as root. Throws naming what is missing and what installs it.
 */
function findNetworkTools(dirs = ['/usr/sbin', '/sbin', '/usr/bin', '/bin']) {
    const find = (name) => (0,_fs_kind_js__WEBPACK_IMPORTED_MODULE_1__/* .findInDirs */ .Js)(name, dirs);
    const ip = find('ip');
    const nft = find('nft');
    const sh = find('sh');
    const missing = [ip ? '' : 'ip (package iproute2)', nft ? '' : 'nft (package nftables)', sh ? '' : 'sh'].filter(Boolean);
    if (!ip || !nft || !sh) {
        throw new Error(`network.allow needs ${missing.join(' and ')} on the runner, to give the cell a network of its own; install it, or use network: none`);
    }
    return { ip, nft, sh };
}
function names(id) {
    if (!NETWORK_ID.test(id))
        throw new Error(`not a network id: ${JSON.stringify(id)}`);
    return { netns: `gvisor-cell-${id}`, hostLink: `gvc${id}h`, cellLink: `gvc${id}c`, table: `gvisor_cell_${id}` };
}
/** The /30 of slot n: the runner's end is .1 of it, the cell's .2. */
function slotAddresses(slot) {
    const base = slot * 4;
    const third = base >> 8;
    const fourth = base & 255;
    return { host: `198.19.${third}.${fourth + 1}`, cell: `198.19.${third}.${fourth + 2}` };
}
/**
 * The removal, shared by the shell's own exit and the post step; each part
 * may be gone already, and the parts go at once (each is a process to start,
 * and the step waits for them). The claim is removed only if it is this id's.
 *
 * \`teardown\` with no argument is for a sandbox known to be gone (the action
 * says \`down\`): removing the namespace then takes the veth pair with it.
 * \`teardown cut\` is for one that may not be (the action died, a signal): the
 * runner's end of the veth goes first, and alone, which cuts the cell off at
 * once even while a sandbox that outlived the action still holds the
 * namespace; only then may the firewall table go (before, the cell would meet
 * the runner's services with nothing between). Deleting a veth waits for the
 * kernel (tens of milliseconds), so the usual end does not.
 */
const TEARDOWN = `teardown() {
  [ "\${1:-}" != cut ] || [ ! -e "/sys/class/net/$h" ] || "$ip" link del "$h" 2>/dev/null
  "$nft" delete table inet "$table" 2>/dev/null &
  "$ip" netns del "$ns" 2>/dev/null &
  for l in ${SLOT_DIR}/*; do owner=; read -r owner < "$l" 2>/dev/null; [ "$owner" != "$id" ] || rm -f "$l"; done
  wait
  return 0
}`;
const PRELUDE = `set -u
ip=$1 nft=$2 id=$3
ns=gvisor-cell-$id h=gvc\${id}h c=gvc\${id}c table=gvisor_cell_$id
${TEARDOWN}`;
/**
 * Arguments: ip nft id first-slot routes... (IPv4 literals the cell may reach:
 * each gets a route through the runner's end). Makes the network while the
 * action binds its listeners, then reads the ruleset (rules.ts, written with
 * \`$host\` and \`$cell\`) up to a line \`.\`, loads it with the two addresses
 * defined, prints \`up SLOT\`, then waits for a line \`down\` (or EOF) and
 * removes it all.
 *
 * Two \`ip -batch\` runs (the runner's side, the cell's) rather than a
 * process per command, and builtins where they do: each process costs a few
 * milliseconds, and a cell's start-up is what users wait for. No IPv6 on
 * either end of the veth (\`addrgenmode none\`: not even a link-local address
 * for runsc to take).
 */
const UP_SCRIPT = `${PRELUDE}
first=$4
shift 4
fail() { echo "error $*"; teardown cut; exit 1; }
trap 'teardown cut; exit 1' HUP INT TERM
[ -d ${SLOT_DIR} ] || mkdir -p -m 0755 ${SLOT_DIR} || fail "cannot make ${SLOT_DIR}"
# A claim is a file made with O_EXCL (noclobber): of two cells trying one slot, one gets it.
set -C
n=$first i=0 slot=
while [ $i -lt 256 ]; do
  if { echo "$id" > ${SLOT_DIR}/$n; } 2>/dev/null; then slot=$n; break; fi
  n=$(( (n + 1) % ${SLOTS} )) i=$((i + 1))
done
set +C
[ -n "$slot" ] || fail "no free address in ${_addresses_js__WEBPACK_IMPORTED_MODULE_2__/* .VETH_RANGE */ .S$.base}/${_addresses_js__WEBPACK_IMPORTED_MODULE_2__/* .VETH_RANGE */ .S$.prefix}"
hi=$(( (slot * 4) >> 8 )) lo=$(( (slot * 4) & 255 ))
host=198.19.$hi.$((lo + 1)) cell=198.19.$hi.$((lo + 2))
printf '%s\\n' "netns add $ns" "link add $h type veth peer name $c netns $ns" "link set $h addrgenmode none" \\
  "addr add $host/30 dev $h" "link set $h up" | "$ip" -batch - || fail "could not make $ns and $h"
f=/proc/sys/net/ipv6/conf/$h/disable_ipv6
[ ! -e "$f" ] || echo 1 > "$f" || fail "could not turn IPv6 off on $h"
{
  printf '%s\\n' "link set $c addrgenmode none" "link set lo up" "addr add $cell/30 dev $c" "link set $c up"
  for r in "$@"; do printf '%s\\n' "route add $r/32 via $host"; done
} | "$ip" -n "$ns" -batch - || fail "could not set up $c in $ns"
# The rules, once the action's listeners are bound (meanwhile the network above was made).
rules=
while IFS= read -r line; do
  [ "$line" = . ] && break
  rules="$rules$line
"
done
[ -n "$rules" ] || { teardown cut; exit 1; }
printf 'define host = %s\\ndefine cell = %s\\n%s' "$host" "$cell" "$rules" | "$nft" -f - || fail "nft refused the rules"
echo "up $slot"
# "down": the action saw the sandbox gone. Anything else (EOF: the action died) may leave a sandbox behind.
# Nothing is written from here on: the action does not wait for the removal, and its ends of the pipes may be gone.
line=
IFS= read -r line || true
exec >/dev/null 2>&1
if [ "$line" = down ]; then teardown; else teardown cut; fi`;
const DOWN_SCRIPT = (/* unused pure expression or super */ null && (`${PRELUDE}
teardown cut`));
function rootArgv(tools, sudo, script, args) {
    const argv = [tools.sh, '-c', script, 'gvisor-cell-net', tools.ip, tools.nft, ...args];
    return sudo ? ['sudo', ['-n', '--', ...argv]] : [argv[0], argv.slice(1)];
}
/** Reads the shell's stdout a line at a time. */
function lines(child) {
    let buffer = '';
    const waiting = [];
    const ready = [];
    let ended = false;
    const flush = () => {
        while (waiting.length > 0 && (ready.length > 0 || ended))
            waiting.shift()?.(ready.shift() ?? '');
    };
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk) => {
        buffer += chunk;
        let nl = buffer.indexOf('\n');
        while (nl >= 0) {
            ready.push(buffer.slice(0, nl));
            buffer = buffer.slice(nl + 1);
            nl = buffer.indexOf('\n');
        }
        flush();
    });
    child.stdout?.on('close', () => {
        ended = true;
        flush();
    });
    return () => new Promise((resolve) => {
        waiting.push(resolve);
        flush();
    });
}
/**
 * Makes the cell's network. `routes` are the IPv4 literals the cell may
 * reach. Throws (having removed whatever it made) when any part fails.
 */
async function openHostNetwork(tools, sudo, id, routes, rules) {
    const n = names(id);
    const first = Math.floor(Math.random() * SLOTS);
    const [cmd, args] = rootArgv(tools, sudo, UP_SCRIPT, [id, String(first), ...routes]);
    const child = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d) => {
        if (stderr.length < 4096)
            stderr += d;
    });
    const exited = new Promise((resolve) => {
        child.on('close', (code) => resolve(code));
        child.on('error', () => resolve(null));
    });
    // An EPIPE on a shell that failed is reported through its output, not as an error here.
    child.stdin?.on('error', () => { });
    const next = lines(child);
    // The rules come once the listeners are bound; without them (they failed) the shell removes what it made.
    rules.then((text) => child.stdin?.write(`${text.replace(/\n+$/, '')}\n.\n`), () => child.stdin?.end());
    const failure = async (line, step) => {
        child.stdin?.end();
        await exited;
        const why = line.startsWith('error ') ? line.slice(6) : line || `the shell ended (${step})`;
        const detail = stderr.trim().split('\n').slice(-3).join('; ');
        return new Error(`could not set up the cell's network (network.allow): ${why}${detail ? `: ${detail}` : ''}`);
    };
    const up = await next();
    const slot = /^up (\d+)$/.exec(up)?.[1];
    if (slot === undefined)
        throw await failure(up, 'before the network was up');
    const { host, cell } = slotAddresses(Number(slot));
    let closed;
    return {
        id,
        netnsPath: `/var/run/netns/${n.netns}`,
        hostAddress: host,
        cellAddress: cell,
        hostLink: n.hostLink,
        close(sandboxGone = false) {
            closed ??= (async () => {
                if (!sandboxGone) {
                    child.stdin?.end();
                    await exited;
                    return;
                }
                // A sandbox known gone reaches nothing: the shell removes the rest on its own, and neither the step nor
                // this process waits for it (tens of ms: an nftables table's removal waits for the kernel).
                child.stdin?.end('down\n');
                child.unref();
                for (const stream of [child.stdout, child.stderr])
                    stream?.unref();
            })();
            return closed;
        },
    };
}
/** Removes what `openHostNetwork` made for `id`, whatever is left of it (the post step). */
async function teardownHostNetwork(tools, sudo, id) {
    names(id);
    const [cmd, args] = rootArgv(tools, sudo, DOWN_SCRIPT, [id]);
    await new Promise((resolve) => {
        const child = spawn(cmd, args, { stdio: 'ignore' });
        child.on('close', () => resolve());
        child.on('error', () => resolve());
    });
}


/***/ }),

/***/ 8619:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   FY: () => (/* binding */ entryKind),
/* harmony export */   Js: () => (/* binding */ findInDirs),
/* harmony export */   WL: () => (/* binding */ targetKind),
/* harmony export */   r0: () => (/* binding */ entryKindAsync)
/* harmony export */ });
/* unused harmony export kindOfStats */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/**
 * What kind of file is at a path: the one question the engine asks of the
 * host's file system before trusting a path (host facts, the bundle's checks,
 * collect's copy back). One answer, so that a link is never taken for what
 * it points to in one place and not in another.
 */


function kindOfStats(s) {
    return s.isSymbolicLink() ? 'link' : s.isDirectory() ? 'dir' : s.isFile() ? 'file' : 'other';
}
/** The entry itself (a link is `link`); undefined when nothing can be seen there. */
function entryKind(p) {
    try {
        return kindOfStats((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.lstatSync)(p));
    }
    catch {
        return undefined;
    }
}
/** entryKind, without blocking the event loop (collect's copy back runs while output may still be flowing). */
async function entryKindAsync(p) {
    const s = await node_fs__WEBPACK_IMPORTED_MODULE_0__.promises.lstat(p).catch(() => undefined);
    return s && kindOfStats(s);
}
/**
 * What the path leads to, through links (so never `link`); undefined when
 * nothing is there. Other failures (a file where a directory is expected on
 * the way, no permission) are thrown: they are not "missing".
 */
function targetKind(p) {
    const s = (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync)(p, { throwIfNoEntry: false });
    return s ? kindOfStats(s) : undefined;
}
/**
 * The first `dir/name` of `dirs` that exists (a link not followed): how the
 * programs the action runs as root are found, in the system's own
 * directories and never through PATH, which an earlier step may have changed.
 */
function findInDirs(name, dirs) {
    return dirs.map((d) => node_path__WEBPACK_IMPORTED_MODULE_1___default().join(d, name)).find((p) => entryKind(p) !== undefined);
}


/***/ }),

/***/ 5928:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   j: () => (/* binding */ mib),
/* harmony export */   p: () => (/* binding */ describePull)
/* harmony export */ });
/**
 * How a pull is said, in the log and in the job summary: one wording for
 * both. Nothing here loads the image code (the summary is on every step's
 * path).
 */
function mib(bytes) {
    return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
function ms(n) {
    return n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${n} ms`;
}
function describePull(p) {
    if (p.cached)
        return `Image ${p.reference} (${p.digest}) from the cache, ${mib(p.unpackedBytes)} (${ms(p.pullMs)})`;
    return `Pulled ${p.reference} (${p.digest}): ${mib(p.fetchedBytes)} fetched in ${ms(p.pullMs)}, ${mib(p.unpackedBytes)} unpacked in ${ms(p.unpackMs)}`;
}


/***/ }),

/***/ 3564:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Dh: () => (/* binding */ DIGEST),
/* harmony export */   F2: () => (/* binding */ parseReference),
/* harmony export */   FH: () => (/* binding */ formatReference),
/* harmony export */   Fh: () => (/* binding */ registryEndpoint),
/* harmony export */   jW: () => (/* binding */ isLoopbackRegistry)
/* harmony export */ });
/**
 * An image reference as `docker pull` reads it: `[registry/]repository[:tag][@digest]`.
 * A first component with a dot, a colon or `localhost` is a registry; without
 * one the image is Docker Hub's, and a one-component name is in `library/`.
 */
const DOCKER_HUB = 'docker.io';
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;
/** Parses `text`, throwing an error that says what is wrong with it. */
function parseReference(text) {
    const fail = (why) => new Error(`${JSON.stringify(text)} is not an image reference: ${why}`);
    if (text.length === 0 || text.length > 512)
        throw fail('expected 1 to 512 characters');
    let rest = text;
    let digest;
    const at = rest.indexOf('@');
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!DIGEST.test(digest))
            throw fail('a digest is sha256: and 64 lowercase hex digits');
    }
    let tag;
    const colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!TAG.test(tag))
            throw fail(`the tag ${JSON.stringify(tag)} is not valid`);
    }
    const parts = rest.split('/');
    let registry = DOCKER_HUB;
    const first = parts[0] ?? '';
    if (parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('['))) {
        registry = parts.shift();
        if (!HOST.test(registry))
            throw fail(`the registry ${JSON.stringify(registry)} is not a host[:port]`);
    }
    if (registry === 'index.docker.io' || registry === 'registry-1.docker.io')
        registry = DOCKER_HUB;
    if (registry === DOCKER_HUB && parts.length === 1)
        parts.unshift('library');
    for (const p of parts) {
        if (!COMPONENT.test(p))
            throw fail(`the name component ${JSON.stringify(p)} is not lowercase letters, digits and separators`);
    }
    return { registry, repository: parts.join('/'), tag: digest ? tag : (tag ?? 'latest'), digest };
}
/** The reference written back in full (a tag and a digest both kept). */
function formatReference(ref) {
    return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}
/** Where the registry's API is: Docker Hub's is not at docker.io. */
function registryEndpoint(registry) {
    if (registry === DOCKER_HUB)
        return 'https://registry-1.docker.io';
    return `${isLoopbackRegistry(registry) ? 'http' : 'https'}://${registry}`;
}
/**
 * A registry on this machine is spoken to over plain HTTP, as Docker does
 * (a registry the workflow runs itself has no certificate); nothing else is.
 */
function isLoopbackRegistry(registry) {
    const host = registry.replace(/:[0-9]+$/, '').replace(/^\[|\]$/g, '');
    return host === 'localhost' || /^127\.[0-9]+\.[0-9]+\.[0-9]+$/.test(host) || host === '::1';
}


/***/ }),

/***/ 2679:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   t: () => (/* binding */ inert)
/* harmony export */ });
/**
 * Text the action prints outside the cell's stop-commands window is read by
 * the runner for workflow commands, and much of it quotes the workspace: file
 * and submodule names, mount sources, the document's own words. The runner
 * splits lines at CR as well as LF, trims leading blanks before `::`, and acts
 * on a `##[name]` anywhere in a line (the runner's rules, as
 * test/support/workflow-commands.ts models them), so a submodule named
 * `x\r::stop-commands::t\r` would open a window the cell can
 * close, and `libs/##[warning]x` would be a warning.
 *
 * `inert` makes such text unable to be, or start, a command: `::` and `##[`
 * become `%3A%3A` and `%23%23[`, a CR `%0D`, and `%` itself `%25` so the result
 * is unambiguous. Visible percent escapes rather than look-alike or invisible
 * characters: nothing a reader copies changes silently, and the runner's .NET
 * string matching, which may skip zero-width characters, cannot see through
 * them. LF stays a line break (the action's own messages span lines); each line
 * it starts is neutralised as well, so it can start no command either.
 */
const UNSAFE = /%|\r|::|##\[/g;
const ESCAPES = { '%': '%25', '\r': '%0D', '::': '%3A%3A', '##[': '%23%23[' };
function inert(text) {
    return text.replace(UNSAFE, (m) => ESCAPES[m]);
}


/***/ }),

/***/ 7673:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   BC: () => (/* binding */ KEPT_ARTIFACTS),
/* harmony export */   Uf: () => (/* binding */ toolName),
/* harmony export */   VR: () => (/* binding */ METADATA_FILE),
/* harmony export */   _6: () => (/* binding */ readMetadata),
/* harmony export */   a5: () => (/* binding */ cachedRunsc),
/* harmony export */   aY: () => (/* binding */ findCached),
/* harmony export */   h2: () => (/* binding */ DEFAULT_DOWNLOAD_URL),
/* harmony export */   w4: () => (/* binding */ findEntry)
/* harmony export */ });
/* unused harmony export TOOL_NAME */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/**
 * Reading runsc entries in the runner's tool cache, without loading
 * @actions/tool-cache: a cache hit is every warm step's path to `runsc run`,
 * and tool-cache pulls in @actions/core and an HTTP client (what that costs:
 * README, Performance; test/unit/warm-path.test.ts keeps it off this path). The layout is tool-cache's own —
 * `$RUNNER_TOOL_CACHE/<tool>/<semver>/<arch>`, complete once
 * `<arch>.complete` exists — written in that layout by installer.ts; unit and
 * middle tests check that this lookup and those entries agree with `tc.find`.
 */


/** The official release bucket. */
const DEFAULT_DOWNLOAD_URL = 'https://storage.googleapis.com/gvisor/releases/release';
/** Tool-cache name for runsc from the default bucket; mirrors get a name of their own. */
const TOOL_NAME = 'runsc';
/** Written next to runsc in the cache: what was downloaded, and what runsc says it is. */
const METADATA_FILE = 'gvisor-cell.json';
/** The names an artifact can be kept under: the bucket's own, nothing with a path in it. */
const KEPT_ARTIFACTS = ['gvisor.tar.zstd', 'gvisor.tar.bz2', 'runsc'];
/** The tool-cache name: downloads from a mirror never mix with the official bucket's. */
function toolName(downloadUrl) {
    if (downloadUrl === DEFAULT_DOWNLOAD_URL)
        return TOOL_NAME;
    // Loaded here, not imported: node:crypto is slow to load (README, Performance), and only mirrors need it.
    const { createHash } = process.getBuiltinModule('node:crypto');
    return `${TOOL_NAME}-mirror-${createHash('sha256').update(downloadUrl).digest('hex').slice(0, 12)}`;
}
/** The complete entry for an exact version key (already clean semver), as `tc.find` finds it; '' when there is none. */
function findEntry(shelf, key) {
    const dir = node_path__WEBPACK_IMPORTED_MODULE_1___default().join(shelf.root, shelf.tool, key, shelf.arch);
    return (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(dir) && (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync)(`${dir}.complete`) ? dir : '';
}
function readMetadata(dir) {
    try {
        const m = JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(node_path__WEBPACK_IMPORTED_MODULE_1___default().join(dir, METADATA_FILE), 'utf8'));
        if (typeof m.sha512 === 'string' && typeof m.version === 'string' && typeof m.artifact === 'string') {
            // A `kept` name we would not have written is ignored: the entry then counts as one from before artifacts were kept.
            const kept = KEPT_ARTIFACTS.includes(m.kept) ? m.kept : undefined;
            return { artifact: m.artifact, sha512: m.sha512, version: m.version, kept };
        }
    }
    catch {
        // A missing or unreadable metadata file makes the entry unusable: it is not ours, or not whole.
    }
    return undefined;
}
/**
 * A cached runsc for this version key, made by us (metadata present) and, when
 * `runsc-sha512` is pinned, recorded as made from that very artifact and
 * keeping it. The metadata is only a guide: the cache is writable by the
 * runner's user, so a pinned hit is verified by hashing the kept artifact
 * (pinned.ts), never by believing this file. `say` reports which.
 */
function findCached(shelf, key, pinnedSha, say) {
    const dir = findEntry(shelf, key);
    if (!dir)
        return undefined;
    const meta = readMetadata(dir);
    if (!meta)
        return undefined;
    if (pinnedSha && meta.sha512 !== pinnedSha) {
        say(`Cached runsc ${key} came from an artifact with another sha512 than runsc-sha512; downloading again`);
        return undefined;
    }
    if (pinnedSha && !meta.kept) {
        // An entry from before artifacts were kept: nothing in it can be checked against the pin. A fresh
        // download can, and replaces it.
        say(`Cached runsc ${key} in ${dir} does not keep its artifact, so runsc-sha512 cannot be checked against it; downloading again`);
        return undefined;
    }
    say(`Using cached ${meta.version} from ${dir}`);
    return cachedRunsc(dir, meta);
}
function cachedRunsc(dir, meta) {
    return { path: node_path__WEBPACK_IMPORTED_MODULE_1___default().join(dir, 'runsc'), version: meta.version, entry: { dir, kept: meta.kept } };
}


/***/ }),

/***/ 2415:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $x: () => (/* binding */ cacheKeyFromVersionOutput),
/* harmony export */   TY: () => (/* binding */ bucketArch),
/* harmony export */   b1: () => (/* binding */ versionLine),
/* harmony export */   gX: () => (/* binding */ parseVersionInput),
/* harmony export */   oI: () => (/* binding */ truncAdvisory)
/* harmony export */ });
/* unused harmony export TRUNC_FIX_RELEASE */
/**
 * Which runsc to fetch and how to name it in the tool cache. Pure.
 */
const PINNED = /^(?:release-)?(\d{8})(?:\.(\d+))?$/;
/** `latest`, `YYYYMMDD`, `YYYYMMDD.N`, optionally prefixed `release-`; undefined when none of these. */
function parseVersionInput(text) {
    if (text === 'latest')
        return { bucket: 'latest', cacheKey: undefined };
    const m = PINNED.exec(text);
    if (!m)
        return undefined;
    const date = m[1];
    if (!isCalendarDate(date))
        return undefined;
    const patch = m[2] === undefined ? undefined : String(Number(m[2]));
    return { bucket: patch === undefined ? date : `${date}.${patch}`, cacheKey: `${date}.${patch ?? '0'}.0` };
}
function isCalendarDate(yyyymmdd) {
    const y = Number(yyyymmdd.slice(0, 4));
    const mo = Number(yyyymmdd.slice(4, 6));
    const d = Number(yyyymmdd.slice(6, 8));
    const date = new Date(Date.UTC(y, mo - 1, d));
    return y >= 2018 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}
/**
 * The release a `runsc --version` line names, as a tool-cache key.
 * `runsc version release-20260824.0` → `20260824.0.0`;
 * `runsc version 0.0~20240729.0` (Debian) → `20240729.0.0`.
 */
function cacheKeyFromVersionOutput(output) {
    const m = /runsc version \S*?(\d{8})(?:\.(\d+))?/.exec(output);
    if (!m)
        return undefined;
    return `${m[1]}.${m[2] === undefined ? '0' : String(Number(m[2]))}.0`;
}
/**
 * The first gVisor release whose read-only mounts refuse `open(O_TRUNC)`
 * ("Check MS_RDONLY for O_TRUNC before doing file truncation"); before it,
 * with directfs, a cell could empty any file it may only read.
 */
const TRUNC_FIX_RELEASE = '20250707.0';
/**
 * What to tell users of a runsc that predates TRUNC_FIX_RELEASE (undefined
 * otherwise, or when the version cannot be told). gvisor-cell binds
 * read-only paths read-only on the host, so the cell still cannot change
 * them; other tools running that runsc stay exposed.
 */
function truncAdvisory(versionOutput) {
    const key = cacheKeyFromVersionOutput(versionOutput);
    if (!key || Number(key.slice(0, 8)) >= Number(TRUNC_FIX_RELEASE.slice(0, 8)))
        return undefined;
    return (`${versionLine(versionOutput)} predates gVisor release-${TRUNC_FIX_RELEASE}, which fixed open(O_TRUNC) emptying files through read-only mounts. ` +
        'gvisor-cell makes those paths read-only on the host as well, so this cell cannot change them; use runsc-version 20250707.0 or later where you can.');
}
/** The first line of `runsc --version`, e.g. `runsc version release-20260824.0`. */
function versionLine(output) {
    return output.split('\n')[0]?.trim() ?? '';
}
const ARCHES = { x64: 'x86_64', arm64: 'aarch64' };
/** Node's platform/arch → the bucket's architecture directory; a clear error otherwise. */
function bucketArch(platform, arch) {
    if (platform !== 'linux') {
        throw new Error(`gVisor runs on Linux only; this runner is ${platform}. Use a Linux runner such as ubuntu-latest.`);
    }
    const mapped = ARCHES[arch];
    if (!mapped) {
        throw new Error(`unsupported architecture ${arch}: gVisor publishes runsc for x64 (x86_64) and arm64 (aarch64) only`);
    }
    return mapped;
}


/***/ }),

/***/ 5625:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   H: () => (/* binding */ lineLogger),
/* harmony export */   K: () => (/* binding */ silent)
/* harmony export */ });
/* harmony import */ var _inert_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(2679);
/**
 * How the engine and both front ends print lines of their own: a `Logger`
 * made here, passed in to whatever needs to say something. Every line goes
 * through `inert` at this sink, because messages quote the workspace (paths,
 * names, the document) and a call site cannot be trusted to remember
 * (test/unit/job-log.test.ts fails on a print that bypasses the sinks: this
 * module and src/action/commands.ts).
 *
 * A line is exactly what `core.info` writes, so the action's warm path need
 * not load @actions/core to print (README, Performance).
 */

function lineLogger(out) {
    return {
        info(message) {
            out.write(`${(0,_inert_js__WEBPACK_IMPORTED_MODULE_0__/* .inert */ .t)(message)}\n`);
        },
    };
}
/** Says nothing (tests, and callers that have nobody to tell). */
const silent = { info: () => { } };


/***/ }),

/***/ 1970:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Lr: () => (/* binding */ removeRunDir),
/* harmony export */   jk: () => (/* binding */ RUN_DIR_PREFIX),
/* harmony export */   qr: () => (/* binding */ runDirUnique),
/* harmony export */   rc: () => (/* binding */ makeRunDir)
/* harmony export */ });
/* unused harmony export RUN_DIR_NAME */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_path__WEBPACK_IMPORTED_MODULE_1__);
/**
 * A run's private directory under the temp root (RUNNER_TEMP for the action):
 * the bundle, runsc's state and log, the read-only stubs, what `collect`
 * unpacks. mkdtemp makes it (mode 0700, a name nobody can predict); the post
 * step recognises one by its name (src/action/post-state.ts).
 */


/** Every directory gvisor-cell creates under the temp root starts with this. */
const RUN_DIR_PREFIX = 'gvisor-cell-';
/** A run directory's name: the prefix and mkdtemp's six random characters (not `-logs`, `-debug-…`, `-install-…`). */
const RUN_DIR_NAME = new RegExp(`^${RUN_DIR_PREFIX}[A-Za-z0-9]{6}$`);
function makeRunDir(tempRoot) {
    return (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdtempSync)(node_path__WEBPACK_IMPORTED_MODULE_1___default().join(tempRoot, RUN_DIR_PREFIX));
}
/** The run directory's random part: unique among live run directories (containerIdFor uses it). */
function runDirUnique(runDir) {
    return node_path__WEBPACK_IMPORTED_MODULE_1___default().basename(runDir).slice(RUN_DIR_PREFIX.length);
}
/** Best effort: what is left (root-owned state of a killed runsc) is the post step's. */
function removeRunDir(dir) {
    try {
        (0,node_fs__WEBPACK_IMPORTED_MODULE_0__.rmSync)(dir, { recursive: true, force: true });
    }
    catch {
        // The post step retries, with sudo where runsc ran through it.
    }
}


/***/ }),

/***/ 6566:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   $q: () => (/* binding */ listPids),
/* harmony export */   Jx: () => (/* binding */ runscWithin),
/* harmony export */   QF: () => (/* binding */ killContainer),
/* harmony export */   Rz: () => (/* binding */ spawnRunsc),
/* harmony export */   Un: () => (/* binding */ ensureGone),
/* harmony export */   V: () => (/* binding */ sandboxProcesses),
/* harmony export */   Xh: () => (/* binding */ killSandboxProcesses),
/* harmony export */   aD: () => (/* binding */ containerStatus),
/* harmony export */   eI: () => (/* binding */ runscQuiet),
/* harmony export */   fH: () => (/* binding */ killChild),
/* harmony export */   jM: () => (/* binding */ needsSudo),
/* harmony export */   vP: () => (/* binding */ globalFlags),
/* harmony export */   zr: () => (/* binding */ destroy)
/* harmony export */ });
/* unused harmony exports sandboxFlags, runscCommand */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__webpack_require__.n(node_child_process__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__webpack_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_1__);
/**
 * How runsc is invoked — the one place its command line is put together:
 * the global flags (globalFlags), this run's state directory, a wrapper (the
 * private mount namespace), and `sudo -n` unless the action runs as root
 * (hosted runners give passwordless sudo) (runscCommand). Never `--rootless`:
 * it is not a sandbox for untrusted code there.
 */


/** The cell-specific global flags: what the bundle says the sandbox must be. */
function sandboxFlags(shape) {
    return [
        `--network=${shape.network}`,
        `--overlay2=${shape.overlay}:memory`,
        // The cell is the only user of its mounts while it runs, so gVisor may cache their metadata
        // instead of revalidating it on every access (what that saves: README, Performance). Host-side
        // changes made to a mounted path during the run may then go unseen inside the cell.
        '--file-access-mounts=exclusive',
        // Without resource limits the sandbox's cgroups enforce nothing, and making them costs runsc
        // time (README, Performance). Limits need them, so they are kept whenever one is set.
        ...(shape.cgroups ? [] : ['--ignore-cgroups']),
    ];
}
/** Every global flag of this run's runsc commands but `--root` (runscCommand adds it). */
function globalFlags(c) {
    return [
        `--platform=${c.platform}`,
        // No host Unix sockets: the cell's view must not reach the runner's daemons.
        '--host-uds=none',
        ...sandboxFlags(c.sandbox),
        ...(c.log ? [`--log=${c.log}`, '--log-format=json'] : []),
        ...(c.debugDir ? ['--debug', `--debug-log=${c.debugDir}/`] : []),
    ];
}
function needsSudo() {
    return (process.getuid?.() ?? 0) !== 0;
}
/** [command, args] for a runsc invocation with this run's state directory. */
function runscCommand(r, args, wrap) {
    const plain = [r.path, `--root=${r.root}`, ...args];
    const full = wrap ? wrap(plain) : plain;
    return r.sudo ? ['sudo', ['-n', '--', ...full]] : [full[0], full.slice(1)];
}
/**
 * SIGKILLs a runsc command we started. Through sudo, the signal must come from
 * root too: sudo may run with a real uid of root, which the runner's user
 * cannot signal. (runsc under a killed sudo lives on; callers destroy the
 * sandbox, which finds it by its state directory.)
 */
function killChild(r, child) {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null)
        return;
    if (r.sudo)
        void killPids(r, [child.pid]);
    else
        child.kill('SIGKILL');
}
/** SIGKILLs these host pids, through sudo where runsc runs through it; resolves once `kill` is done, never rejects. */
function killPids(r, pids) {
    return new Promise((resolve) => {
        const args = ['-KILL', ...pids.map(String)];
        const [cmd, argv] = r.sudo ? ['sudo', ['-n', 'kill', ...args]] : ['kill', args];
        (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(cmd, argv, { stdio: 'ignore' })
            .once('close', () => resolve())
            .once('error', () => resolve());
    });
}
function spawnRunsc(r, args, options = {}, wrap) {
    const [cmd, argv] = runscCommand(r, args, wrap);
    return (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawn)(cmd, argv, options);
}
/** Runs a short runsc command (kill, delete) to completion; resolves to its exit code, never rejects. */
async function runscQuiet(r, args, timeoutMs = 10_000, wrap) {
    return (await runscWithin(r, args, timeoutMs, wrap)).code;
}
/**
 * runscQuiet, also saying whether the command was killed for taking longer
 * than `timeoutMs` (code null then; also null when it could not be started).
 */
function runscWithin(r, args, timeoutMs, wrap) {
    return new Promise((resolve) => {
        const child = spawnRunsc(r, args, { stdio: 'ignore' }, wrap);
        let timedOut = false;
        const timer = setTimeout(() => {
            timedOut = true;
            killChild(r, child);
        }, timeoutMs);
        // Also the kill's own failure, after a timeout.
        child.on('error', () => {
            clearTimeout(timer);
            resolve({ code: null, timedOut });
        });
        child.on('close', (code) => {
            clearTimeout(timer);
            resolve({ code, timedOut });
        });
    });
}
/**
 * SIGKILLs the container's processes. Fast: `runsc run`, still waiting on the
 * container, then tears the sandbox down and deletes its state itself.
 */
async function killContainer(r, containerId) {
    await runscQuiet(r, ['kill', '--all', containerId, 'KILL']);
}
/**
 * Kills and deletes the container when no `runsc run` is left to do it (it was
 * killed with the action). `delete --force` alone can wait seconds for a gofer
 * it cannot reap, hence the kill first.
 */
async function destroy(r, containerId) {
    await killContainer(r, containerId);
    await runscQuiet(r, ['delete', '--force', containerId]);
}
/** The container's pids (inside its namespace), from `runsc ps`; undefined when it cannot be asked. */
function listPids(r, containerId) {
    return new Promise((resolve) => {
        const child = spawnRunsc(r, ['ps', '--format=json', containerId], { stdio: ['ignore', 'pipe', 'ignore'] });
        let out = '';
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.stdout?.on('data', (c) => {
            if (out.length < 1_000_000)
                out += c.toString();
        });
        child.on('error', () => resolve(undefined));
        child.on('close', (code) => {
            clearTimeout(timer);
            try {
                const pids = JSON.parse(out);
                resolve(code === 0 && Array.isArray(pids) && pids.every(Number.isInteger) ? pids : undefined);
            }
            catch {
                resolve(undefined);
            }
        });
    });
}
/**
 * What `runsc state` says of the container: its status (creating, created,
 * running, paused, stopped), `missing` when runsc says there is no such
 * container, or `unknown` when it could not be asked, answered anything else,
 * or took longer than `timeoutMs` (it waits for the container's lock, which
 * a starting or tearing-down `runsc run` holds).
 */
function containerStatus(r, containerId, timeoutMs = 5_000) {
    return new Promise((resolve) => {
        const child = spawnRunsc(r, ['state', containerId], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        const keep = (c) => {
            if (out.length < 100_000)
                out += c.toString();
        };
        child.stdout?.on('data', keep);
        child.stderr?.on('data', keep);
        let settled = false;
        const settle = (answer) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            resolve(answer);
        };
        // Through sudo the kill reaches only sudo, and runsc would hold the pipes: stop waiting for them.
        const timer = setTimeout(() => {
            killChild(r, child);
            child.stdout?.destroy();
            child.stderr?.destroy();
            settle('unknown');
        }, timeoutMs);
        // A probe still out when the step is otherwise done must not hold it open.
        timer.unref();
        child.unref();
        child.stdout?.unref?.();
        child.stderr?.unref?.();
        child.on('error', () => settle('unknown'));
        child.on('close', (code) => {
            if (code !== 0)
                return settle(/does not exist|not found/i.test(out) ? 'missing' : 'unknown');
            try {
                const status = JSON.parse(out).status;
                settle(typeof status === 'string' ? status : 'unknown');
            }
            catch {
                settle('unknown');
            }
        });
    });
}
/** Host pids of the processes that belong to this run's sandboxes: runsc, its sandbox and gofer all carry `--root=<state dir>`. */
function sandboxProcesses(r) {
    const needle = Buffer.from(`--root=${r.root}\0`);
    const pids = [];
    for (const entry of (0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readdirSync)('/proc')) {
        if (!/^\d+$/.test(entry) || Number(entry) === process.pid)
            continue;
        try {
            if ((0,node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync)(`/proc/${entry}/cmdline`).includes(needle))
                pids.push(Number(entry));
        }
        catch {
            // Gone already.
        }
    }
    return pids;
}
const GONE_WAIT_MS = 3_000;
/**
 * SIGKILLs every process of this run's sandboxes (runsc, sandbox, gofer),
 * through sudo where runsc ran through it: what stops a runsc that no runsc
 * command can reach (one that never created its container).
 */
async function killSandboxProcesses(r) {
    const left = sandboxProcesses(r);
    if (left.length > 0)
        await killPids(r, left);
}
/**
 * Makes sure nothing of the sandbox runs any more: waits for its processes
 * to go, SIGKILLs what is left (through sudo where runsc ran through it),
 * and throws if anything survives — callers place files on the host only
 * after this returned.
 */
async function ensureGone(r, containerId) {
    const waitGone = async (ms) => {
        const until = Date.now() + ms;
        let left = sandboxProcesses(r);
        while (left.length > 0 && Date.now() < until) {
            await new Promise((resolve) => setTimeout(resolve, 50));
            left = sandboxProcesses(r);
        }
        return left;
    };
    let left = await waitGone(GONE_WAIT_MS);
    if (left.length === 0)
        return;
    await destroy(r, containerId);
    await killSandboxProcesses(r);
    left = await waitGone(GONE_WAIT_MS);
    if (left.length > 0)
        throw new Error(`the sandbox ${containerId} could not be stopped: processes ${left.join(', ')} are still running`);
}


/***/ })

};
