/**
 * The CLI's command line (src/cli/args.ts): each command takes its own
 * options and documents, and a mistake is one line that ends in where the
 * help is.
 */
import { describe, expect, test } from 'vitest';
import { COMMANDS, commandHelp, type Parsed, parseCommandLine, UsageError, usage } from '../../src/cli/args.js';

function refusal(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (error) {
    if (error instanceof UsageError) return error.line();
    throw error;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
}

describe('accepted', () => {
  test.each<[string[], Parsed]>([
    [['--help'], { kind: 'help' }],
    [['-h'], { kind: 'help' }],
    [['help'], { kind: 'help' }],
    [['help', 'run'], { kind: 'help', command: 'run' }],
    [['run', '--help'], { kind: 'help', command: 'run' }],
    // Help wins over what else is on the line, even what would be refused.
    [['bundle', 'a.yml', '-h'], { kind: 'help', command: 'bundle' }],
    [['--version'], { kind: 'version' }],
    [['-V'], { kind: 'version' }],
    [
      ['run', 'a.yml', '--runsc', '/r', '--platform=ptrace', '--workspace', 'w'],
      { kind: 'command', command: 'run', files: ['a.yml'], values: { runsc: '/r', platform: 'ptrace', workspace: 'w' } },
    ],
    [['bundle', '--out', 'o', 'a.yml'], { kind: 'command', command: 'bundle', files: ['a.yml'], values: { out: 'o' } }],
    [['validate', 'a.yml', 'b.yml', 'c.yml'], { kind: 'command', command: 'validate', files: ['a.yml', 'b.yml', 'c.yml'], values: {} }],
    [
      ['install', '--runsc-version', '20240729.0'],
      { kind: 'command', command: 'install', files: [], values: { 'runsc-version': '20240729.0' } },
    ],
    // A value that starts with a dash, said explicitly.
    [['run', 'a.yml', '--runsc=-odd'], { kind: 'command', command: 'run', files: ['a.yml'], values: { runsc: '-odd' } }],
    [['run', '--', '-a.yml'], { kind: 'command', command: 'run', files: ['-a.yml'], values: {} }],
  ])('%j', (argv, parsed) => {
    expect(parseCommandLine(argv)).toEqual(parsed);
  });
});

describe('refused, in one line that points at the help', () => {
  test.each([
    [[], 'gvisor-cell: name a command: run, bundle, validate, install, pull; see gvisor-cell --help'],
    [['frobnicate'], 'gvisor-cell: unknown command frobnicate: expected run, bundle, validate, install, pull; see gvisor-cell --help'],
    [
      ['--runsc', 'x', 'run'],
      'gvisor-cell: the command comes first (gvisor-cell <command> [options]), got --runsc; see gvisor-cell --help',
    ],
    [['help', 'frob'], 'gvisor-cell: help takes one command: run, bundle, validate, install, pull; see gvisor-cell --help'],
    [['--version', 'run'], 'gvisor-cell: --version takes nothing after it; see gvisor-cell --help'],
    // The example: a second document and another command's option, accepted silently before.
    [['run', 'a.yml', 'b.yml', '--out', 'x'], 'gvisor-cell run: --out is an option of bundle, not of run; see gvisor-cell run --help'],
    [['run', 'a.yml', 'b.yml'], 'gvisor-cell run: takes one cell document, got 2: a.yml b.yml; see gvisor-cell run --help'],
    [
      ['bundle', 'a.yml', '--out', 'o', 'b.yml'],
      'gvisor-cell bundle: takes one cell document, got 2: a.yml b.yml; see gvisor-cell bundle --help',
    ],
    [['install', '--runsc', '/r'], 'gvisor-cell install: --runsc is an option of run, not of install; see gvisor-cell install --help'],
    [
      ['validate', 'a.yml', '--workspace', 'w'],
      'gvisor-cell validate: --workspace is an option of run and bundle, not of validate; see gvisor-cell validate --help',
    ],
    [['install', 'extra'], 'gvisor-cell install: takes no arguments, got extra; see gvisor-cell install --help'],
    [['run'], 'gvisor-cell run: name a cell document; see gvisor-cell run --help'],
    [['validate'], 'gvisor-cell validate: name a cell document; see gvisor-cell validate --help'],
    [['run', 'a.yml', '--frob'], 'gvisor-cell run: unknown option --frob; see gvisor-cell run --help'],
    [['run', 'a.yml', '-x'], 'gvisor-cell run: unknown option -x; see gvisor-cell run --help'],
    [['run', 'a.yml', '--runsc'], 'gvisor-cell run: --runsc needs a value: --runsc PATH; see gvisor-cell run --help'],
    [['run', 'a.yml', '--runsc', '--platform', 'kvm'], 'gvisor-cell run: --runsc needs a value: --runsc PATH; see gvisor-cell run --help'],
    [['run', 'a.yml', '--help=yes'], "gvisor-cell run: Option '-h, --help' does not take an argument; see gvisor-cell run --help"],
  ])('%j', (argv, line) => {
    expect(refusal(argv)).toBe(line);
  });
});

describe('help', () => {
  test('the overview names every command; each command’s help lists exactly the options it takes', () => {
    for (const [name, command] of Object.entries(COMMANDS)) {
      expect(usage()).toContain(`  ${name} ${command.synopsis}`);
      const help = commandHelp(name as keyof typeof COMMANDS);
      expect(help.split('\n')[0]).toBe(`Usage: gvisor-cell ${name} ${command.synopsis}`);
      const listed = [...help.matchAll(/^ {2}--([a-z0-9-]+) /gm)].map((m) => m[1]);
      expect(listed).toEqual(command.options);
    }
  });

  test('every option a command lists is one it accepts', () => {
    for (const [name, command] of Object.entries(COMMANDS)) {
      for (const flag of command.options) {
        const argv = [name, ...(command.positionals.min > 0 ? ['a.yml'] : []), `--${flag}`, 'v'];
        expect(parseCommandLine(argv), argv.join(' ')).toMatchObject({ kind: 'command', values: { [flag]: 'v' } });
      }
    }
  });
});
