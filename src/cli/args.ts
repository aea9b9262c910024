/**
 * The CLI's command line: which options each command takes, its help, and
 * the parse, on node's own util.parseArgs (no dependency: the CLI's bundle
 * stays self-contained). Each command parses against its own table, so an
 * option of another command, or a positional too many, is refused by name
 * rather than ignored; a mistake gets one line ending in "see … --help".
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { KEEP_NEWEST, KEEP_YOUNGER_MS } from './prune-logs.js';

/** Every option any command takes. `arg` names the value in help; `help` is its line. */
const OPTIONS = {
  runsc: { type: 'string', arg: 'PATH', help: 'use this runsc binary (no download); default: $RUNSC when no release option is given' },
  'runsc-version': { type: 'string', arg: 'V', help: 'latest (default), YYYYMMDD or YYYYMMDD.N' },
  'runsc-sha512': { type: 'string', arg: 'HEX', help: 'expected sha512 of the downloaded artifact' },
  'download-url': { type: 'string', arg: 'URL', help: 'base of the release bucket' },
  platform: { type: 'string', arg: 'P', help: 'systrap (default), ptrace or kvm' },
  workspace: { type: 'string', arg: 'DIR', help: 'the workspace the cell sees (default: the current directory)' },
  'output-limit': { type: 'string', arg: 'N', help: 'bytes kept of each output tail (default 32768)' },
  'tool-cache': {
    type: 'string',
    arg: 'DIR',
    help: 'where runsc is cached (default: $RUNNER_TOOL_CACHE, else ~/.cache/gvisor-cell/tool-cache)',
  },
  out: { type: 'string', arg: 'DIR', help: 'the directory to write the bundle into (required)' },
} as const;

export type OptionFlag = keyof typeof OPTIONS;
export type Values = Partial<Record<OptionFlag, string>>;

export type CommandName = 'run' | 'bundle' | 'validate' | 'install' | 'pull';

interface Command {
  /** After `gvisor-cell <name> `. */
  synopsis: string;
  summary: string;
  /** How many documents it takes. */
  positionals: { min: number; max: number };
  options: readonly OptionFlag[];
  /** Said after the options in its help. */
  notes?: string;
}

const RELEASE: readonly OptionFlag[] = ['runsc-version', 'runsc-sha512', 'download-url', 'tool-cache'];

export const COMMANDS: Record<CommandName, Command> = {
  run: {
    synopsis: '<cell.yml> [options]',
    summary: 'run the cell; exit with its exit code',
    positionals: { min: 1, max: 1 },
    options: ['runsc', ...RELEASE, 'platform', 'workspace', 'output-limit'],
    notes: `Exit status: the cell's (128+N when killed by signal N); 124 when limits.timeout stopped it;
130 when interrupted; 125 when no cell ran (invalid document or option, failed install, runsc failed
to start the sandbox). The action's exit-code output follows the same rule.
Without --runsc or $RUNSC, runsc is installed into the tool cache like the action does.
The log of each run is kept in the temp directory's gvisor-cell-logs/ (printed at the end); the CLI
keeps the ${KEEP_NEWEST} newest there and every one from the last ${KEEP_YOUNGER_MS / 3_600_000} hours, and deletes the others.
Runs as root, or through passwordless sudo.`,
  },
  bundle: {
    synopsis: '<cell.yml> --out DIR [options]',
    summary: 'write the OCI bundle (config.json, rootfs) without running it',
    positionals: { min: 1, max: 1 },
    options: ['out', 'workspace', 'platform'],
    notes: 'Prints the runsc flags the cell would run with (--platform picks the platform among them).',
  },
  validate: {
    synopsis: '<cell.yml>...',
    summary: 'check documents against the schema; exit 0 if all are valid',
    positionals: { min: 1, max: Number.POSITIVE_INFINITY },
    options: [],
    notes: 'Every rule of the document, none of the host: the action’s messages, exit 0 when all are valid, 1 otherwise.',
  },
  install: {
    synopsis: '[options]',
    summary: 'install runsc into the tool cache; print its path',
    positionals: { min: 0, max: 0 },
    options: RELEASE,
  },
  pull: {
    synopsis: '<image> [options]',
    summary: 'pull an image into the tool cache (as rootfs: { image } does); print its tree',
    positionals: { min: 1, max: 1 },
    options: ['tool-cache'],
    notes: 'Credentials come from $REGISTRY_AUTH_FILE or ~/.docker/config.json (docker login). Prints the digest on stderr.',
  },
};

const NAMES = Object.keys(COMMANDS) as CommandName[];

function isCommand(name: string): name is CommandName {
  return (NAMES as string[]).includes(name);
}

/** A command line the CLI refuses: said in one line, exit 2. */
export class UsageError extends Error {
  constructor(
    problem: string,
    /** Whose help to point at. */
    readonly command?: CommandName,
  ) {
    super(problem);
    this.name = 'UsageError';
  }

  /** The line printed: what is wrong, and where the help is. */
  line(): string {
    const who = this.command ? `gvisor-cell ${this.command}` : 'gvisor-cell';
    return `${who}: ${this.message}; see ${who} --help`;
  }
}

export type Parsed =
  | { kind: 'help'; command?: CommandName }
  | { kind: 'version' }
  | { kind: 'command'; command: CommandName; files: string[]; values: Values };

function optionLine(flag: OptionFlag): [string, string] {
  const o = OPTIONS[flag];
  return [`--${flag} ${o.arg}`, o.help];
}

function columns(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join('\n');
}

/** The overview: every command in a line. */
export function usage(): string {
  return `gvisor-cell: run a cell document in a gVisor sandbox, as the gvisor-cell action does.

Usage: gvisor-cell <command> [options]

Commands:
${columns(NAMES.map((name) => [`${name} ${COMMANDS[name].synopsis}`, COMMANDS[name].summary]))}

  -h, --help      this help; gvisor-cell <command> --help (or gvisor-cell help <command>) for a command's options
  -V, --version   the version of gvisor-cell`;
}

/** One command's help: its synopsis, its options, its notes. */
export function commandHelp(name: CommandName): string {
  const c = COMMANDS[name];
  const rows = [...c.options.map(optionLine), ['-h, --help', 'this help'] as [string, string]];
  return [
    `Usage: gvisor-cell ${name} ${c.synopsis}`,
    '',
    `${c.summary[0]?.toUpperCase()}${c.summary.slice(1)}.`,
    '',
    'Options:',
    columns(rows),
  ]
    .concat(c.notes ? ['', c.notes] : [])
    .join('\n');
}

/** Which command owns a flag the current one does not take, to say so. */
function owners(flag: string): CommandName[] {
  return NAMES.filter((name) => (COMMANDS[name].options as readonly string[]).includes(flag));
}

function parseCommand(command: CommandName, args: string[]): Parsed {
  const own = COMMANDS[command].options;
  // First, by name: an option no command takes, or one of another command. Parsed against every
  // option, so that another command's value is not counted as a document.
  const loose = parseArgs({
    args,
    options: { ...OPTIONS, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  for (const token of loose.tokens) {
    if (token.kind !== 'option' || token.name === 'help') continue;
    if ((own as readonly string[]).includes(token.name)) {
      const flag = token.name as OptionFlag;
      // `--runsc --platform ptrace`: the next option is not taken for the value (`--runsc=-odd` is).
      if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-'))) {
        throw new UsageError(`${token.rawName} needs a value: --${flag} ${OPTIONS[flag].arg}`, command);
      }
      continue;
    }
    const others = owners(token.name);
    throw new UsageError(
      others.length > 0 ? `${token.rawName} is an option of ${others.join(' and ')}, not of ${command}` : `unknown option ${token.rawName}`,
      command,
    );
  }
  const table: ParseArgsConfig['options'] = { help: { type: 'boolean', short: 'h' } };
  for (const flag of own) table[flag] = { type: 'string' };
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: table, allowPositionals: true, strict: true });
  } catch (error) {
    // What is left (`--help=yes`): node's words, on one line.
    throw new UsageError((error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' '), command);
  }
  if (parsed.values.help) return { kind: 'help', command };
  const files = parsed.positionals;
  const { min, max } = COMMANDS[command].positionals;
  if (files.length > max) {
    const extra = files.slice(max).join(' ');
    throw new UsageError(
      max === 0 ? `takes no arguments, got ${extra}` : `takes one cell document, got ${files.length}: ${files.join(' ')}`,
      command,
    );
  }
  if (files.length < min) throw new UsageError('name a cell document', command);
  const values: Values = {};
  for (const flag of own) {
    const value = parsed.values[flag];
    if (typeof value === 'string') values[flag] = value;
  }
  return { kind: 'command', command, files, values };
}

/** The command line, checked: a help or version request, or a command with its documents and options. */
export function parseCommandLine(argv: string[]): Parsed {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError(`name a command: ${NAMES.join(', ')}`);
  if (first === '-h' || first === '--help') {
    if (rest.length > 0) throw new UsageError(`--help takes nothing after it; for a command's help: gvisor-cell <command> --help`);
    return { kind: 'help' };
  }
  if (first === '-V' || first === '--version') {
    if (rest.length > 0) throw new UsageError('--version takes nothing after it');
    return { kind: 'version' };
  }
  if (first === 'help') {
    const [topic, ...more] = rest;
    if (topic === undefined) return { kind: 'help' };
    if (!isCommand(topic) || more.length > 0) throw new UsageError(`help takes one command: ${NAMES.join(', ')}`);
    return { kind: 'help', command: topic };
  }
  if (first.startsWith('-')) throw new UsageError(`the command comes first (gvisor-cell <command> [options]), got ${first}`);
  if (!isCommand(first)) throw new UsageError(`unknown command ${first}: expected ${NAMES.join(', ')}`);
  return parseCommand(first, rest);
}
