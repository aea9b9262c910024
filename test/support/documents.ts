/**
 * The cell documents of the test suite, in one place, so that a test can go
 * through every one of them (test/unit/agreement.test.ts: `validate` and
 * `run` judge each alike). Three sources:
 *
 *  - the documents users copy: examples/ (cell files, and the `cell:` of the
 *    example workflows), the README's yaml blocks, .github/workflows;
 *  - the tables below, which the unit tests use (parse.test.ts reads REFUSED);
 *  - every other document written inline in a test file (test/unit, test/e2e),
 *    found by reading the files' string literals: a literal that is a YAML
 *    mapping with `run` or `command` is a document. A `${…}` in a template
 *    literal (a host path, mostly) is read as an absolute placeholder path.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { parse, parseDocument } from 'yaml';

const REPO = path.resolve(import.meta.dirname, '..', '..');

export interface Document {
  /** Where it comes from: a file, a README block, a test file and line. */
  origin: string;
  text: string;
}

const OVERLAY_WITH_READ_WRITE =
  'overlay and read-write cannot be combined in one cell yet (runsc overlays either all writable mounts or none); make the read-write ones overlay, or the overlay ones read-write';

/** Documents refused, each with the one problem it is refused for (as parseCell words it). */
const REFUSED_ONE_KEY: [string, string][] = [
  ['run: x\nlimits: {memory: 1.5}', 'limits.memory: expected a size like 512Mi or 2G (or a number of bytes), got 1.5'],
  ['run: x\nlimits: {memory: [1]}', 'limits.memory: expected a size like 512Mi or 2G (or a number of bytes), got a list'],
  ['run: x\nlimits: {memory: 99999999999Ti}', 'limits.memory: expected a size like 512Mi or 2G, got "99999999999Ti"'],
  ['run: x\nlimits: {timeout: 600h}', 'limits.timeout: expected a duration between 1ms and 24 days, like 90s, 10m or 1h, got "600h"'],
  ['run: x\nlimits: {timeout: 0.0001}', 'limits.timeout: expected a duration between 1ms and 24 days, like 90s, 10m or 1h, got 0.0001'],
  ['run: x\nlimits: {timeout: {}}', 'limits.timeout: expected a duration like 90s, 10m, 1h (or a number of seconds), got a mapping'],
  // What issue #12 met in an editor: an empty document, cpus: lots, memory: 4GB; and sizes and durations written as people do.
  ['', 'expected a mapping with at least run or command, got nothing'],
  ['run: x\nlimits: {cpus: lots}', 'limits.cpus: expected a number of CPUs from 0.01 to 1024 such as 1.5, got "lots"'],
  ['run: x\nlimits: {cpus: "0.001"}', 'limits.cpus: expected a number of CPUs from 0.01 to 1024 such as 1.5, got "0.001"'],
  ['run: x\nlimits: {memory: 4GB}', 'limits.memory: expected 4G (4 × 1000³ bytes) or 4Gi (4 × 1024³ bytes), got "4GB"'],
  ['run: x\nlimits: {memory: 4gb}', 'limits.memory: expected 4G (4 × 1000³ bytes) or 4Gi (4 × 1024³ bytes), got "4gb"'],
  ['run: x\nlimits: {tmpfs: 512 MB}', 'limits.tmpfs: expected 512M (512 × 1000² bytes) or 512Mi (512 × 1024² bytes), got "512 MB"'],
  ['run: x\nlimits: {log: 1g}', 'limits.log: expected 1G (1 × 1000³ bytes) or 1Gi (1 × 1024³ bytes), got "1g"'],
  ['run: x\nlimits: {collect: 2gib}', 'limits.collect: expected 2G (2 × 1000³ bytes) or 2Gi (2 × 1024³ bytes), got "2gib"'],
  ['run: x\nlimits: {memory: 0GB}', 'limits.memory: expected a size like 512Mi or 2G (or a number of bytes), got "0GB"'],
  ['run: x\nlimits: {timeout: 10min}', 'limits.timeout: expected 10m (the units are ms, s, m and h), got "10min"'],
  ['run: x\nlimits: {timeout: 30 seconds}', 'limits.timeout: expected 30s (the units are ms, s, m and h), got "30 seconds"'],
  ['run: x\nlimits: {timeout: 1d}', 'limits.timeout: expected 24h (the units are ms, s, m and h), got "1d"'],
  ['run: x\nlimits: {timeout: 2H}', 'limits.timeout: expected 2h (the units are ms, s, m and h), got "2H"'],
  ['run: x\nlimits: {timeout: 1h 30m}', 'limits.timeout: expected a duration like 90s, 10m, 1h (or a number of seconds), got "1h 30m"'],
  ['run: x\nlimits: {timeout: 0s}', 'limits.timeout: expected a duration like 90s, 10m, 1h (or a number of seconds), got "0s"'],
  ['run: x\nlimits: {timeout: -5}', 'limits.timeout: expected a duration between 1ms and 24 days, like 90s, 10m or 1h, got -5'],
  ['run: x\nlimits: {cpus: 0}', 'limits.cpus: expected a number of CPUs from 0.01 to 1024 such as 1.5, got 0'],
  ['run: x\nlimits: {cpus: 2000}', 'limits.cpus: expected a number of CPUs from 0.01 to 1024 such as 1.5, got 2000'],
  ['run: x\nlimits: {cpus: "two"}', 'limits.cpus: expected a number of CPUs from 0.01 to 1024 such as 1.5, got "two"'],
  ['run: x\nlimits: {cpus: true}', 'limits.cpus: expected a number of CPUs such as 1.5, got true'],
  ['run: x\nlimits: {pids: 0}', 'limits.pids: expected at least 1 process, got 0'],
  ['run: x\nlimits: {pids: 1.5}', 'limits.pids: expected a whole number of processes such as 256, got 1.5'],
  ['run: x\nlimits: {pids: "10"}', 'limits.pids: expected a whole number of processes such as 256, got "10"'],
  ['run: x\nmounts: [{source: a, target: /proc/x}]', 'mounts[0].target: expected a path outside /proc (gVisor provides it), got "/proc/x"'],
  ['run: x\nmounts: [{source: a, target: /dev}]', 'mounts[0].target: expected a path outside /dev (gVisor provides it), got "/dev"'],
  ['run: x\nmounts: [{source: a, target: /sys/fs}]', 'mounts[0].target: expected a path outside /sys (gVisor provides it), got "/sys/fs"'],
  ['run: x\nmounts: [{source: a, target: /}]', 'mounts[0].target: expected a path below /, not / itself, got "/"'],
  ['run: x\nmounts: [{source: a, target: /x/..}]', 'mounts[0].target: expected a path below /, not / itself, got "/x/.."'],
  ['run: x\nmounts: [{source: a, target: cache}]', 'mounts[0].target: expected an absolute path such as /cache, got "cache"'],
  ['run: x\nmounts: [{source: "", target: /x}]', 'mounts[0].source: expected a host path (absolute, or relative to the workspace), got ""'],
  ['run: x\nmounts: [{source: a, target: /c, mode: rw}]', 'mounts[0].mode: expected read-only, read-write or overlay, got "rw"'],
  ['run: x\nmounts: [{source: a, target: /c}, {source: b, target: /c/}]', 'mounts[1].target: /c is mounted twice'],
  ['run: x\nmounts: {source: a}', 'mounts: expected a list of { source, target, mode }, got a mapping'],
  ['run: x\ncommand: [ls]', '(document): expected one of run or command, got both'],
  ['name: x', '(document): expected one of run (a script) or command (an argv), got neither'],
  ['command: [ls]\nshell: bash', 'shell: shell applies to run only; command is executed as is'],
  ['command: []', 'command: expected at least the program to run, got a list'],
  ['command: [""]', 'command: expected the program (first item) to be non-empty'],
  ['command: ls', 'command: expected a list of strings (the argv), got "ls"'],
  ['command: [ls, 1]', 'command[1]: expected a string, got 1'],
  ['run: 5', 'run: expected a script (a string), got 5'],
  ['run: ""', 'run: expected a non-empty script, got ""'],
  ['run: x\nshell: zsh', 'shell: expected bash or sh, got "zsh"'],
  ['run: x\nenv: {"1BAD": x}', 'env.1BAD: expected a variable name such as MY_VAR, got "1BAD"'],
  ['run: x\nenv: {A: [1]}', 'env.A: expected a string, number or boolean, got a list'],
  ['run: x\nenv: {A: null}', 'env.A: expected a string, number or boolean, got null'],
  ['run: x\nenv: {A: "a\\0b"}', 'env.A: expected a value without NUL bytes'],
  ['run: x\nenv: [A]', 'env: expected a mapping of NAME: value, got a list'],
  [
    'run: x\npass-env: [ACTIONS_RUNTIME_TOKEN]',
    'pass-env[0]: "ACTIONS_RUNTIME_TOKEN" cannot be passed into a cell: ACTIONS_*, INPUT_* and STATE_* belong to the runner and this action',
  ],
  ['run: x\npass-env: [bad-name]', 'pass-env[0]: expected a variable name such as MY_VAR, got "bad-name"'],
  ['run: x\npass-env: NPM_TOKEN', 'pass-env: expected a list of variable names, got "NPM_TOKEN"'],
  ['run: x\nworking-directory: ../x', 'working-directory: expected a directory relative to the workspace that stays inside it, got "../x"'],
  [
    'run: x\nworking-directory: a/../../x',
    'working-directory: expected a directory relative to the workspace that stays inside it, got "a/../../x"',
  ],
  ['run: x\nworking-directory: /abs', 'working-directory: expected a directory relative to the workspace that stays inside it, got "/abs"'],
  ['run: x\nworking-directory: ""', 'working-directory: expected a directory relative to the workspace that stays inside it, got ""'],
  ['run: x\nworking-directory: 3', 'working-directory: expected a directory (a path relative to the workspace), got 3'],
  ['run: x\ncollect: [../x]', 'collect[0]: expected a path relative to the workspace that stays inside it, got "../x"'],
  ['run: x\nworkspace: rw', 'workspace: expected overlay, read-only, read-write or none, got "rw"'],
  ['run: x\nworkspace: no', 'workspace: expected overlay, read-only, read-write or none, got "no"'],
  ['run: x\nnetwork: off', 'network: expected none, host or { allow: [names] }, got "off"'],
  ['run: x\nnetwork: false', 'network: expected none, host or { allow: [names] }, got false'],
  [
    'run: x\nnetwork: {allow: ["bad..name"]}',
    'network.allow[0]: expected a host name such as registry.npmjs.org: labels of letters, digits, - and _, separated by single dots, got "bad..name"',
  ],
  [
    'run: x\nnetwork: {allow: ["*."]}',
    'network.allow[0]: expected a wildcard as *.example.org: one * in front of a name, for one or more labels, got "*."',
  ],
  ['run: x\nnetwork: {allow: [a.org, "host:0"]}', 'network.allow[1]: expected a port from 1 to 65535 after the colon, got "host:0"'],
  ['run: x\nnetwork: {allow: ["host:99999"]}', 'network.allow[0]: expected a port from 1 to 65535 after the colon, got "host:99999"'],
  ['run: x\nnetwork: {allow: [":443"]}', 'network.allow[0]: expected a host name before the port, got ":443"'],
  [
    'run: x\nnetwork: {allow: ["https://x.org"]}',
    'network.allow[0]: expected a host name (and an optional :port), not a URL or a path, got "https://x.org"',
  ],
  ['run: x\nnetwork: {allow: ["1.2.3.999"]}', 'network.allow[0]: expected an IPv4 address such as 203.0.113.7, got "1.2.3.999"'],
  [
    'run: x\nnetwork: {allow: ["2001:db8::1"]}',
    'network.allow[0]: expected an IPv6 address in brackets, as [2001:db8::1]:443, got "2001:db8::1"',
  ],
  ['run: x\nnetwork: {allow: x.org}', 'network.allow: expected a list of host names such as registry.npmjs.org, got "x.org"'],
  ['run: x\nnetwork: {allow: [x.org], audit: yes}', 'network.audit: expected true or false, got "yes"'],
  ['run: x\nnetwork: {}', 'network.allow: expected a list of host names such as registry.npmjs.org, got nothing'],
  ['run: x\nuser: admin', 'user: expected runner or root, got "admin"'],
  ['run: x\nrootfs: img', 'rootfs: expected host, { path: <dir> } or { image: <reference> }, got "img"'],
  ['run: x\nhostname: bad_host', 'hostname: expected a hostname such as my-cell, got "bad_host"'],
  ['run: x\nhostname: -lead', 'hostname: expected a hostname such as my-cell, got "-lead"'],
  ['run: x\nname: ""', 'name: expected a non-empty label, got ""'],
  ['run: x\nname: "a\\tb"', 'name: expected a label without control characters'],
  ['run: x\nname: [a]', 'name: expected a short label such as unit-tests, got a list'],
];

/** Refused by a rule between keys that bundle/spec.ts used to apply only when the bundle was built. */
export const REFUSED_ACROSS_KEYS: [string, string][] = [
  ['workspace: none\nrun: "true"\ncollect: [x]', 'collect: there is no workspace to collect into with workspace: none'],
  [
    'run: x\nmounts: [{source: x, target: /x, mode: read-write}]',
    `mounts[0].mode: ${OVERLAY_WITH_READ_WRITE} (this mount is read-write; workspace is overlay)`,
  ],
  [
    'run: x\nworkspace: read-write\nmounts: [{source: x, target: /x, mode: overlay}]',
    `mounts[0].mode: ${OVERLAY_WITH_READ_WRITE} (this mount is overlay; workspace is read-write)`,
  ],
  [
    'run: x\nworkspace: read-only\nmounts: [{source: x, target: /x, mode: overlay}, {source: y, target: /y, mode: read-write}]',
    `mounts[1].mode: ${OVERLAY_WITH_READ_WRITE} (this mount is read-write; mounts[0] is overlay)`,
  ],
  [
    'run: x\nworkspace: none\nmounts: [{source: /srv/x, target: /x, mode: read-write}, {source: /srv/y, target: /y, mode: overlay}]',
    `mounts[1].mode: ${OVERLAY_WITH_READ_WRITE} (this mount is overlay; mounts[0] is read-write)`,
  ],
  [
    'run: x\nmounts: [{source: ok, target: /ok}, {source: ../other-repo, target: /o}]',
    'mounts[1].source: ../other-repo is relative but leaves the workspace',
  ],
  ['run: x\nmounts: [{source: .., target: /o}]', 'mounts[0].source: .. is relative but leaves the workspace'],
  ['run: x\nmounts: [{source: a/../../x, target: /o}]', 'mounts[0].source: a/../../x is relative but leaves the workspace'],
  // Inside only when the workspace's own directory is called repo: a document means the same on every runner.
  ['run: x\nmounts: [{source: ../repo/x, target: /o}]', 'mounts[0].source: ../repo/x is relative but leaves the workspace'],
  ['run: x\nrootfs: {path: ../../rootfs}', 'rootfs.path: ../../rootfs is relative but leaves the workspace'],
  ['run: x\nrootfs: {path: "a\\0b"}', 'rootfs.path: expected a path without NUL bytes'],
];

export const REFUSED: [string, string][] = [...REFUSED_ONE_KEY, ...REFUSED_ACROSS_KEYS];

/** Documents on the edge of a rule that are accepted: between keys, and the spellings of sizes and durations. */
export const ACCEPTED: string[] = [
  'run: x\nlimits: {memory: 4GiB, tmpfs: 512 Mi, log: 1 G, collect: 2 TiB}',
  'run: x\nlimits: {memory: 4G, tmpfs: 1k, log: 1048576}',
  'run: x\nlimits: {timeout: 1h30m}',
  'run: x\nlimits: {timeout: 2m30.5s}',
  'run: x\nlimits: {timeout: 90 s}',
  'run: x\nlimits: {timeout: 0.001}',
  'run: x\nlimits: {cpus: " 1.5 ", pids: 1}',
  'run: x\nlimits: {cpus: "1024"}',
  'workspace: none\nrun: x\ncollect: []',
  'workspace: read-only\nrun: x\ncollect: [out]',
  'run: x\nmounts: [{source: x, target: /x, mode: overlay}]',
  'run: x\nworkspace: read-write\nmounts: [{source: x, target: /x, mode: read-write}]',
  'run: x\nworkspace: read-write\nmounts: [{source: x, target: /x}]',
  'run: x\nmounts: [{source: x, target: /x}, {source: y, target: /y, mode: overlay}]',
  'run: x\nworkspace: none\nmounts: [{source: /srv/x, target: /x, mode: overlay}]',
  'run: x\nworkspace: none\nmounts: [{source: /srv/x, target: /x, mode: read-write}]',
  'run: x\nmounts: [{source: ..cache, target: /c}]',
  'run: x\nmounts: [{source: a/../b, target: /c}]',
  'run: x\nmounts: [{source: /abs/../x, target: /c}]',
  'run: x\nrootfs: {path: images/alpine}',
  'run: x\nrootfs: {path: /srv/rootfs/./alpine}',
  'command: [ls]\nworkspace: none\nworking-directory: src',
  'run: x\nnetwork: {allow: [registry.npmjs.org, "*.pythonhosted.org", "proxy.golang.org:443", "203.0.113.7:8080", "[2001:db8::1]:443", Example.ORG.]}',
  'run: x\nnetwork: {allow: [], audit: true}',
  'run: x\nnetwork: {allow: ["a.b:65535", _dmarc.example.org, localhost]}',
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCellDocument(value: unknown): boolean {
  return isRecord(value) && ('run' in value || 'command' in value);
}

/**
 * The runner replaces `${{ … }}` before the action reads the document: here
 * each becomes a value that fits wherever the examples put one (a name, a
 * host path).
 */
function withExpressions(text: string): string {
  return text.replace(/\$\{\{[^}]*\}\}/g, '/gha-expression');
}

/**
 * Every `cell:` in a workflow that is a whole document: a step's input, or a
 * matrix entry that a step passes on. One built of expressions alone
 * (`${{ matrix.cell }}`) is judged where its parts are written.
 */
function cellsOfWorkflow(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(cellsOfWorkflow);
  if (!isRecord(value)) return [];
  const own = typeof value.cell === 'string' && looksLikeDocument(withExpressions(value.cell)) ? [withExpressions(value.cell)] : [];
  return [...own, ...Object.values(value).flatMap(cellsOfWorkflow)];
}

/** A YAML text that is a cell document itself, or a workflow holding some. */
function documentsIn(origin: string, text: string): Document[] {
  const value = parseDocument(text).toJS() as unknown;
  if (isCellDocument(value)) return [{ origin, text }];
  return cellsOfWorkflow(value).map((cell, i) => ({ origin: `${origin} (cell ${i + 1})`, text: cell }));
}

function ymlFiles(dir: string): string[] {
  return readdirSync(path.join(REPO, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** examples/**, .github/workflows: the cell files and the `cell:` of the workflows. */
export function fileDocuments(): Document[] {
  return [...ymlFiles('examples'), ...ymlFiles('.github/workflows')].flatMap((f) =>
    documentsIn(f, readFileSync(path.join(REPO, f), 'utf8')),
  );
}

/** The README's ```yaml blocks: a cell document, or a workflow with `cell:` in it. */
export function readmeDocuments(): Document[] {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/^```ya?ml\n([\s\S]*?)^```$/gm)];
  return blocks.flatMap((m) => {
    const line = readme.slice(0, m.index).split('\n').length;
    return documentsIn(`README.md:${line}`, m[1] ?? '');
  });
}

/** A string literal's text; a template's `${…}` parts become placeholder paths. */
function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) {
    return node.head.text + node.templateSpans.map((span, i) => `/placeholder/${i}${span.literal.text}`).join('');
  }
  return undefined;
}

function looksLikeDocument(text: string): boolean {
  // Most literals are not YAML at all: only those naming run or command are parsed.
  if (!/\b(run|command)["']?\s*:/.test(text)) return false;
  try {
    return isCellDocument(parse(text));
  } catch {
    return false;
  }
}

/** Every document written as a literal in the unit and end-to-end test files. */
export function testFileDocuments(): Document[] {
  const found: Document[] = [];
  for (const dir of ['test/unit', 'test/e2e']) {
    for (const name of readdirSync(path.join(REPO, dir))
      .filter((f) => f.endsWith('.test.ts'))
      .sort()) {
      const file = path.join(dir, name);
      const source = ts.createSourceFile(file, readFileSync(path.join(REPO, file), 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        const text = literalText(node);
        if (text !== undefined && looksLikeDocument(text)) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart());
          found.push({ origin: `${file}:${line + 1}`, text });
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
  }
  return found;
}

let all: Document[] | undefined;

/** Every document of the suite, with where it comes from (read once: the test files take a moment to scan). */
export function allDocuments(): Document[] {
  all ??= [
    ...fileDocuments(),
    ...readmeDocuments(),
    ...REFUSED.map(([text], i) => ({ origin: `REFUSED[${i}]`, text })),
    ...ACCEPTED.map((text, i) => ({ origin: `ACCEPTED[${i}]`, text })),
    ...testFileDocuments(),
  ];
  return all;
}
