/**
 * What the action prints of its own outside the stop-commands window can
 * carry no workflow command, however the workspace names things: the
 * neutralising function against the test harness's model of the runner's
 * parser, the model itself against the runner's rules, and a check that
 * nothing in src/ prints around the sink (log.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { commands } from '../../src/action/commands.js';
import { inert } from '../../src/inert.js';
import { lineLogger } from '../../src/log.js';
import { CommandReader, parseCommands } from '../support/workflow-commands.js';

const acted = (text: string) => parseCommands(text, '').map((c) => `${c.command}:${c.value}`);

describe('the model of the runner’s parser (test/support/workflow-commands.ts)', () => {
  test('a line ends at LF, CRLF and a lone CR; leading blanks are trimmed', () => {
    expect(acted('a\r::warning::one\r\n  ::error::two\n\u0085::notice::three\nx')).toEqual(['warning:one', 'error:two', 'notice:three']);
  });

  test('the first ##[ of a line counts, anywhere in it', () => {
    expect(acted('libs/##[warning]x/config\n##[nope]##[warning]y\n')).toEqual(['warning:x/config']);
  });

  test('only registered names are commands; an unregistered ::x:: still lets ##[ count', () => {
    expect(acted('::x::y\n::pwn::a ##[error]b\n')).toEqual(['error:b']);
  });

  test('a window is closed by its token in any case, as ::t:: or ##[t]; nothing inside counts', () => {
    expect(acted('::stop-commands::Tok\n::warning::in\n::TOK::\n::warning::out\n')).toEqual(['stop-commands:Tok', 'warning:out']);
    expect(acted('::stop-commands::tok\n::error::in\nsome ##[tok] text\n::error::out\n')).toEqual(['stop-commands:tok', 'error:out']);
  });

  test('one command manager for both streams; a CRLF split across reads is one line end', () => {
    const reader = new CommandReader();
    reader.push('stdout', '::stop-commands::t\n');
    reader.push('stderr', '::t::\r');
    reader.push('stderr', Buffer.from('\n::warning::after\n'));
    expect(reader.commands.map((c) => c.command)).toEqual(['stop-commands', 'warning']);
  });
});

describe('inert', () => {
  const attacks = [
    'x\r::stop-commands::pwn42\rz',
    'libs/##[warning]x',
    '  ::set-output name=exit-code::0',
    '\u0085::add-mask::x',
    'a\r\n::error::b',
    ':',
    '#',
    ':::warning::x',
    '###[warning]x',
    '%0A::warning::x',
  ];

  test.each(attacks)('%j in a note can start no command, and the action’s next command still counts', (name) => {
    const line = `The cell sees .git/modules/${name}/config without the checkout credentials`;
    expect(acted(`${inert(line)}\n::warning::ours\n`)).toEqual(['warning:ours']);
  });

  test('random text over the parser’s alphabet never parses, on any line', () => {
    const alphabet = [':', '::', '#', '##[', '[', ']', '\r', '\n', '\r\n', ' ', '%', '%0D', 'a', 'warning', 'stop-commands', 'set-output '];
    let seed = 42;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    for (let i = 0; i < 5000; i++) {
      let text = '';
      for (let n = next() % 24; n > 0; n--) text += alphabet[next() % alphabet.length];
      expect(acted(inert(text)), JSON.stringify(text)).toEqual([]);
    }
  });

  test('is unambiguous: the original can be read back', () => {
    const text = 'x\r::y##[z%3A%';
    const back = inert(text)
      .replace(/%3A%3A/g, '::')
      .replace(/%23%23\[/g, '##[')
      .replace(/%0D/g, '\r')
      .replace(/%25/g, '%');
    expect(back).toBe(text);
  });

  test('leaves the action’s own messages as they are, line breaks included', () => {
    const own =
      'The sandbox did not start: runsc failed before running the cell.\nIf the host refuses systrap (e.g. Yama ptrace_scope=3), try platform: ptrace.';
    expect(inert(own)).toBe(own);
    expect(inert('Downloading https://storage.googleapis.com/gvisor/releases/release/20240729.0/x86_64/runsc')).toContain('https://');
  });
});

describe('the sinks', () => {
  test('a line logger and the command wrappers neutralise what they are given', () => {
    const written: string[] = [];
    const log = lineLogger({ write: (text: string) => written.push(text) });
    const calls: string[] = [];
    const core = {
      warning: (m: string) => calls.push(`warning ${m}`),
      setFailed: (m: string) => calls.push(`fail ${m}`),
      debug: (m: string) => calls.push(`debug ${m}`),
      startGroup: (m: string) => calls.push(`group ${m}`),
      endGroup: () => calls.push('endgroup'),
    } as unknown as Parameters<typeof commands>[0];
    log.info('a\r::b');
    const say = commands(core, log);
    say.warning('##[error]x');
    say.fail('y\r::z');
    say.debug('::d::');
    say.group('t::', '::warning::body');
    expect(written).toEqual(['a%0D%3A%3Ab\n', '%3A%3Awarning%3A%3Abody\n']);
    expect(calls).toEqual(['warning %23%23[error]x', 'fail y%0D%3A%3Az', 'debug %3A%3Ad%3A%3A', 'group t%3A%3A', 'endgroup']);
  });

  /**
   * A print that bypasses the sinks (log.ts, action/commands.ts) could carry
   * a name from the workspace into the job log as a command. One that must (the window, the CLI's results)
   * says why with a `// raw:` comment on the line before it.
   */
  test('nothing in src/ prints around the sinks', () => {
    const src = path.resolve(import.meta.dirname, '..', '..', 'src');
    const PRINTS =
      /\bprocess\.(stdout|stderr)\)?\.write\(|\bconsole\.|\.(setFailed|startGroup|endGroup)\(|\bcore\.(info|warning|error|notice|debug|group)\(/;
    const offenders: string[] = [];
    for (const file of readdirSync(src, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file === 'log.ts' || file === path.join('action', 'commands.ts')) continue;
      const lines = readFileSync(path.join(src, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
        if (!PRINTS.test(code)) return;
        if (/\/\/ raw: /.test(lines[i - 1] ?? '')) return;
        offenders.push(`src/${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
