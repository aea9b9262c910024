/**
 * Workflow commands as the GitHub Actions runner reads them from a step's
 * stdout and stderr: `::name props::value` and the legacy `##[name]`, only
 * registered names, honouring stop-commands.
 */
import { StringDecoder } from 'node:string_decoder';

export interface Command {
  command: string;
  properties: string;
  value: string;
  stream: 'stdout' | 'stderr';
}

/**
 * The commands the runner registers (ActionCommandManager's extensions and
 * stop-commands): a line naming anything else is not a command.
 */
const REGISTERED = [
  'stop-commands',
  'set-env',
  'set-output',
  'save-state',
  'add-mask',
  'add-path',
  'add-matcher',
  'remove-matcher',
  'debug',
  'warning',
  'error',
  'notice',
  'group',
  'endgroup',
  'echo',
];

/** .NET's String.TrimStart: Char.IsWhiteSpace, which has U+0085 and lacks U+FEFF (unlike JavaScript's trimStart). */
const LEADING_BLANKS = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/** The runner's ActionCommand.UnescapeData: undoes @actions/core's escaping of command values (%25, %0D, %0A). */
export function decodeCommandValue(value: string): string {
  return value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

/** StreamReader.ReadLine over one stream: a line ends at LF, CRLF or a lone CR; the last one may lack an end. */
class LineReader {
  private readonly decoder = new StringDecoder('utf8');
  private rest = '';
  private afterCR = false;

  push(chunk: Buffer | string): string[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (text === '') return [];
    // A CRLF split across two reads is still one line end.
    if (this.afterCR && text.startsWith('\n')) text = text.slice(1);
    this.afterCR = text.endsWith('\r');
    // Most output holds no ':' or '#' at all (the runner skips such lines too): keep only the unfinished
    // line, so that reading hundreds of MB does not slow the step down.
    if (!/[:#]/.test(this.rest) && !/[:#]/.test(text)) {
      const last = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
      this.rest = last < 0 ? this.rest + text : text.slice(last + 1);
      return [];
    }
    const lines = (this.rest + text).split(/\r\n|\r|\n/);
    this.rest = lines.pop() as string;
    return lines;
  }

  end(): string[] {
    const last = this.rest + this.decoder.end();
    this.rest = '';
    return last === '' ? [] : [last];
  }
}

/**
 * The runner reading a step's stdout and stderr (ProcessInvoker, OutputManager,
 * ActionCommandManager, ActionCommand.TryParseV2/TryParse in the
 * runner's source): lines end at LF, CRLF and a lone CR; `::name
 * props::value` counts after leading blanks; failing that, the first `##[` of a
 * line, anywhere in it, is a legacy command; only registered names are
 * commands; one command manager serves both streams, so a stop-commands window
 * opened on one is closed from either, by its token in any case, as `::t::` or
 * `##[t]`. Fed as the bytes arrive, so it holds only the commands found.
 */
export class CommandReader {
  readonly commands: Command[] = [];
  private readonly registered = new Set(REGISTERED);
  private stopToken: string | undefined;
  private readonly readers = { stdout: new LineReader(), stderr: new LineReader() };

  push(stream: Command['stream'], chunk: Buffer | string): void {
    for (const line of this.readers[stream].push(chunk)) this.line(stream, line);
  }

  /** The stream has ended: its last line counts even without a line end. */
  close(stream: Command['stream']): void {
    for (const line of this.readers[stream].end()) this.line(stream, line);
  }

  private parse(line: string, stream: Command['stream']): Command | undefined {
    const v2 = line.replace(LEADING_BLANKS, '');
    const close = v2.startsWith('::') ? v2.indexOf('::', 2) : -1;
    if (close >= 0) {
      const info = v2.slice(2, close);
      const space = info.indexOf(' ');
      const name = space < 0 ? info : info.slice(0, space);
      if (this.registered.has(name.toLowerCase())) {
        return {
          command: name.toLowerCase(),
          properties: space < 0 ? '' : info.slice(space + 1).trim(),
          value: v2.slice(close + 2),
          stream,
        };
      }
    }
    const open = line.indexOf('##[');
    const end = open < 0 ? -1 : line.indexOf(']', open);
    if (end < 0) return undefined;
    const info = line.slice(open + 3, end);
    const space = info.indexOf(' ');
    const name = space < 0 ? info : info.slice(0, space);
    if (!this.registered.has(name.toLowerCase())) return undefined;
    return { command: name.toLowerCase(), properties: space < 0 ? '' : info.slice(space + 1), value: line.slice(end + 1), stream };
  }

  private line(stream: Command['stream'], line: string): void {
    const command = this.parse(line, stream);
    if (!command) return;
    if (this.stopToken !== undefined) {
      if (this.stopToken !== '' && command.command === this.stopToken.toLowerCase()) {
        this.registered.delete(this.stopToken.toLowerCase());
        this.stopToken = undefined;
      }
      return;
    }
    if (command.command === 'stop-commands') {
      this.stopToken = decodeCommandValue(command.value);
      this.registered.add(this.stopToken.toLowerCase());
    }
    this.commands.push(command);
  }
}

/** The commands the runner would act on in a step's whole stdout and stderr (stdout read first). */
export function parseCommands(stdout: string, stderr: string): Command[] {
  const reader = new CommandReader();
  reader.push('stdout', stdout);
  reader.close('stdout');
  reader.push('stderr', stderr);
  reader.close('stderr');
  return reader.commands;
}

/** The error commands (`::error::`) among `commands`, as the runner would show them. */
export function errors(step: { commands: Command[] }): string[] {
  return step.commands.filter((c) => c.command === 'error').map((c) => decodeCommandValue(c.value));
}
