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
import { closeSync, openSync, writeSync } from 'node:fs';
import { DEFAULT_BOUNDS } from '../cell/schema.js';
import { formatSize } from '../cell/units.js';

/** Keeps the last `cap` bytes written to it. */
export class Tail {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(readonly cap: number) {}

  push(chunk: Buffer): void {
    if (this.cap === 0) return;
    const piece = chunk.length > this.cap ? chunk.subarray(chunk.length - this.cap) : chunk;
    // Copy: the stream may reuse its buffer, and a small slice must not pin a large one.
    this.chunks.push(Buffer.from(piece));
    this.size += piece.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.cap) {
      this.size -= (this.chunks.shift() as Buffer).length;
    }
  }

  /** The tail as text, never starting in the middle of a UTF-8 sequence. */
  text(): string {
    let buf = Buffer.concat(this.chunks, this.size);
    if (buf.length > this.cap) buf = buf.subarray(buf.length - this.cap);
    let start = 0;
    // Skip continuation bytes (10xxxxxx) left over from a character cut at the front.
    while (start < buf.length && start < 3 && ((buf[start] as number) & 0xc0) === 0x80) start++;
    return buf.subarray(start).toString('utf8');
  }
}

export interface Sink {
  write(data: Buffer | string): void;
}

const stdoutSink: Sink = {
  write: (data) => {
    // process.stdout is synchronous for pipes and files on Linux: this is the backpressure.
    // raw: the cell's bytes, inside the window, and the window's own commands.
    process.stdout.write(data);
  },
};

export class CellOutput {
  readonly logs: Tail;
  readonly stdout: Tail;
  readonly stderr: Tail;
  private readonly fd: number;
  /** The stop-commands token: fresh from a CSPRNG for each window, never shown to the cell. */
  private token = '';
  private lastByte = 0x0a;
  private open = false;
  /** Bytes of the cell's output in the log file so far. */
  private filed = 0;
  private lastFiledByte = 0x0a;
  /** Set once the log file reached `logCap` and more came: the file ends there, with the marker line. */
  private cut = false;

  /**
   * @param window wrap the live output in a stop-commands window: the runner
   *   parses the action's output for commands; a terminal (the CLI) does not.
   * @param logCap most bytes of output the log file keeps (`limits.log`): a
   *   cell must not fill the runner's disk by printing.
   */
  constructor(
    readonly logFile: string,
    limit: number,
    private readonly jobLog: Sink = stdoutSink,
    private readonly window = true,
    readonly logCap: number = DEFAULT_BOUNDS.log,
  ) {
    this.logs = new Tail(limit);
    this.stdout = new Tail(limit);
    this.stderr = new Tail(limit);
    // A new file only: never written through a link or over another run's log.
    this.fd = openSync(logFile, 'wx', 0o644);
  }

  /** Stops the runner's command processing; everything until end() is inert text. */
  begin(): void {
    if (!this.window) return;
    // Web Crypto's CSPRNG: a global, so this module needs no node:crypto (slow to load) on the way to runsc.
    this.token = Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString('hex');
    this.jobLog.write(`::stop-commands::${this.token}\n`);
    this.open = true;
  }

  /** Resumes command processing, on a line of its own. */
  end(): void {
    if (!this.open) return;
    this.jobLog.write(this.lastByte === 0x0a ? `::${this.token}::\n` : `\n::${this.token}::\n`);
    this.open = false;
  }

  /** The cap the log file was cut at, or undefined when it holds every byte. */
  get logCutAt(): number | undefined {
    return this.cut ? this.logCap : undefined;
  }

  push(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.file(chunk);
    this.logs.push(chunk);
    (stream === 'stdout' ? this.stdout : this.stderr).push(chunk);
    if (this.open || !this.window) {
      this.jobLog.write(chunk);
      this.lastByte = chunk[chunk.length - 1] as number;
    }
  }

  close(): void {
    this.end();
    closeSync(this.fd);
  }

  /** Into the log file up to the cap; the first byte past it ends the file with the marker line. */
  private file(chunk: Buffer): void {
    if (this.cut) return;
    const room = this.logCap - this.filed;
    if (chunk.length <= room) {
      writeAll(this.fd, chunk);
      this.filed += chunk.length;
      this.lastFiledByte = chunk[chunk.length - 1] as number;
      return;
    }
    if (room > 0) {
      writeAll(this.fd, chunk.subarray(0, room));
      this.lastFiledByte = chunk[room - 1] as number;
      this.filed = this.logCap;
    }
    this.cut = true;
    const marker = cutMarker(this.logCap);
    writeAll(this.fd, Buffer.from(this.lastFiledByte === 0x0a ? marker : `\n${marker}`));
  }
}

/** The log file's last line once cut: one line, so `tail -n 1` finds it. */
export function cutMarker(cap: number): string {
  return `[gvisor-cell] log file cut at ${cap} bytes (limits.log: ${formatSize(cap)}); the rest of the output is only in the job log\n`;
}

function writeAll(fd: number, chunk: Buffer): void {
  let off = 0;
  while (off < chunk.length) off += writeSync(fd, chunk, off);
}
