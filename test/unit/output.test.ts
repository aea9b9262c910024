import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DEFAULT_BOUNDS } from '../../src/cell/schema.js';
import { CellOutput, cutMarker, type Sink, Tail } from '../../src/run/output.js';

/** A 32-bit linear congruential step (exact integer arithmetic, so it never gets stuck). */
function next(x: number): number {
  return (Math.imul(x, 1664525) + 1013904223) >>> 0;
}

/** A deterministic byte stream (ASCII, so text() is byte-exact). */
function asciiBytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = next(x);
    out[i] = 0x21 + (x % 94);
  }
  return out;
}

/** Splits `data` into chunks of pseudo-random sizes between 0 and `max`. */
function chunks(data: Buffer, max: number, seed: number): Buffer[] {
  const out: Buffer[] = [];
  let x = seed >>> 0;
  let off = 0;
  while (off < data.length) {
    x = next(x);
    const size = (x >>> 8) % (max + 1);
    out.push(data.subarray(off, off + size));
    off += size;
  }
  return out;
}

describe('Tail', () => {
  test('keeps everything below the cap', () => {
    const tail = new Tail(10);
    tail.push(Buffer.from('abc'));
    tail.push(Buffer.from('def'));
    expect(tail.text()).toBe('abcdef');
  });

  test('is empty before anything is pushed', () => {
    expect(new Tail(10).text()).toBe('');
  });

  test('exactly the cap is kept whole', () => {
    const tail = new Tail(6);
    tail.push(Buffer.from('abc'));
    tail.push(Buffer.from('def'));
    expect(tail.text()).toBe('abcdef');
  });

  test('one byte over the cap drops the first byte', () => {
    const tail = new Tail(6);
    tail.push(Buffer.from('abc'));
    tail.push(Buffer.from('defg'));
    expect(tail.text()).toBe('bcdefg');
  });

  test('a single chunk larger than the cap keeps its end', () => {
    const tail = new Tail(4);
    tail.push(Buffer.from('0123456789'));
    expect(tail.text()).toBe('6789');
  });

  test('many one-byte pushes', () => {
    const tail = new Tail(5);
    for (const c of 'abcdefghijklmnopqrstuvwxyz') tail.push(Buffer.from(c));
    expect(tail.text()).toBe('vwxyz');
  });

  test.each([
    [1, 1, 1],
    [7, 3, 2],
    [16, 1, 3],
    [16, 64, 4],
    [100, 7, 5],
    [100, 100, 6],
    [100, 250, 7],
    [4096, 1000, 8],
    [32_768, 10_000, 9],
  ])('cap %d, chunks up to %d bytes (seed %d): exactly the last cap bytes, always', (cap, maxChunk, seed) => {
    const data = asciiBytes(Math.max(20_000, 3 * cap) + seed * 17, seed);
    const tail = new Tail(cap);
    let written = 0;
    for (const chunk of chunks(data, maxChunk, seed)) {
      tail.push(chunk);
      written += chunk.length;
      // Check along the way too, not only at the end.
      if (written % 7 === 0 || chunk.length === 0) {
        expect(tail.text()).toBe(data.subarray(Math.max(0, written - cap), written).toString('latin1'));
      }
    }
    expect(written).toBe(data.length);
    expect(data.length).toBeGreaterThan(cap);
    expect(tail.text()).toBe(data.subarray(data.length - cap).toString('latin1'));
  });

  test('cap 0 keeps nothing', () => {
    const tail = new Tail(0);
    tail.push(Buffer.from('something'));
    tail.push(Buffer.from('€'));
    expect(tail.text()).toBe('');
  });

  test('copies what it keeps: a reused buffer does not change the tail', () => {
    const tail = new Tail(10);
    const buf = Buffer.from('hello');
    tail.push(buf);
    buf.write('XXXXX');
    expect(tail.text()).toBe('hello');
  });

  test('pushing an empty chunk changes nothing', () => {
    const tail = new Tail(3);
    tail.push(Buffer.from('abcd'));
    tail.push(Buffer.alloc(0));
    expect(tail.text()).toBe('bcd');
  });

  describe('UTF-8', () => {
    test.each([
      // € is e2 82 ac; 😀 is f0 9f 98 80; é is c3 a9.
      ['€€', 4, '€'],
      ['€€', 5, '€'],
      ['€€', 6, '€€'],
      ['€', 1, ''],
      ['€', 2, ''],
      ['😀', 3, ''],
      ['😀😀', 7, '😀'],
      ['a😀', 4, '😀'],
      ['éé', 3, 'é'],
      ['xé', 1, ''],
      ['ab€', 3, '€'],
      ['ab€', 4, 'b€'],
    ])('%j with cap %d reads %j', (text, cap, expected) => {
      const tail = new Tail(cap);
      tail.push(Buffer.from(text));
      expect(tail.text()).toBe(expected);
    });

    test('never starts with a replacement character, whatever the cut', () => {
      const text = 'aé€😀'.repeat(50);
      const bytes = Buffer.from(text);
      for (let cap = 1; cap <= 40; cap++) {
        const tail = new Tail(cap);
        for (const chunk of chunks(bytes, 5, cap)) tail.push(chunk);
        const out = tail.text();
        expect(out.startsWith('\uFFFD'), `cap ${cap}: ${JSON.stringify(out)}`).toBe(false);
        expect(text.endsWith(out), `cap ${cap}`).toBe(true);
        // Only whole characters were dropped: at most 3 bytes.
        expect(cap - Buffer.byteLength(out)).toBeLessThanOrEqual(3);
      }
    });

    test('a character split across pushes is whole in the tail', () => {
      const bytes = Buffer.from('€');
      const tail = new Tail(10);
      tail.push(bytes.subarray(0, 1));
      tail.push(bytes.subarray(1));
      expect(tail.text()).toBe('€');
    });
  });
});

class FakeSink implements Sink {
  readonly writes: Buffer[] = [];
  write(data: Buffer | string): void {
    this.writes.push(Buffer.from(data));
  }
  get text(): string {
    return Buffer.concat(this.writes).toString('utf8');
  }
}

describe('CellOutput', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gvisor-cell-output-test-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function open(limit = 1024): { out: CellOutput; sink: FakeSink; file: string } {
    const sink = new FakeSink();
    const file = path.join(dir, 'cell.log');
    return { out: new CellOutput(file, limit, sink), sink, file };
  }

  /** The token from the first line written, checked for shape. */
  function tokenOf(sink: FakeSink): string {
    const m = /^::stop-commands::([0-9a-f]+)\n/.exec(sink.text);
    if (!m) throw new Error(`no stop-commands line first: ${JSON.stringify(sink.text.slice(0, 100))}`);
    return m[1] as string;
  }

  test('writes ::stop-commands::<token> first, the output verbatim, then ::<token>:: on its own line', () => {
    const { out, sink } = open();
    out.begin();
    out.push('stdout', Buffer.from('hello\n'));
    out.push('stderr', Buffer.from('::error::not a command\n'));
    out.push('stdout', Buffer.from('bye\n'));
    out.close();
    const token = tokenOf(sink);
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    expect(sink.text).toBe(`::stop-commands::${token}\nhello\n::error::not a command\nbye\n::${token}::\n`);
    expect(sink.writes[0]?.toString()).toBe(`::stop-commands::${token}\n`);
  });

  test.each([
    ['no final newline', ['partial'], 'partial\n'],
    ['a final carriage return', ['progress 50%\r'], 'progress 50%\r\n'],
    ['a newline in the middle only', ['a\nb'], 'a\nb\n'],
    ['a newline in an earlier chunk only', ['a\n', 'b'], 'a\nb\n'],
  ])('the closing token is on its own line even with %s', (_label, pieces, body) => {
    const { out, sink } = open();
    out.begin();
    for (const p of pieces) out.push('stdout', Buffer.from(p));
    out.end();
    const token = tokenOf(sink);
    expect(sink.text).toBe(`::stop-commands::${token}\n${body}::${token}::\n`);
    expect(sink.text.split('\n')).toContain(`::${token}::`);
  });

  test('no output at all: the window closes right after it opens', () => {
    const { out, sink } = open();
    out.begin();
    out.close();
    const token = tokenOf(sink);
    expect(sink.text).toBe(`::stop-commands::${token}\n::${token}::\n`);
  });

  test('every byte of the cell output reaches the job log, in order, including invalid UTF-8', () => {
    const { out, sink } = open(16);
    const data = Buffer.concat([asciiBytes(50_000, 3), Buffer.from([0xff, 0xfe, 0x00, 0xe2, 0x82]), Buffer.from('\n')]);
    out.begin();
    for (const [i, chunk] of chunks(data, 4096, 11).entries()) out.push(i % 3 === 0 ? 'stderr' : 'stdout', chunk);
    out.close();
    const all = Buffer.concat(sink.writes);
    const token = tokenOf(sink);
    const open_ = Buffer.from(`::stop-commands::${token}\n`);
    const close_ = Buffer.from(`::${token}::\n`);
    expect(all.subarray(0, open_.length).equals(open_)).toBe(true);
    expect(all.subarray(open_.length, open_.length + data.length).equals(data)).toBe(true);
    expect(all.subarray(open_.length + data.length).equals(close_)).toBe(true);
  });

  test('the cell cannot end the window early: its output never contains the token', () => {
    const { out, sink } = open();
    out.begin();
    out.push('stdout', Buffer.from('::stop-commands::abc\n::abc::\n::endgroup::\n'));
    out.close();
    const token = tokenOf(sink);
    const lines = sink.text.split('\n');
    expect(lines.filter((l) => l.includes(token))).toEqual([`::stop-commands::${token}`, `::${token}::`]);
    expect(lines.at(-2)).toBe(`::${token}::`);
  });

  test('the token is 48 hex characters and differs between instances', () => {
    const tokens = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const sink = new FakeSink();
      const out = new CellOutput(path.join(dir, `t${i}.log`), 16, sink);
      out.begin();
      out.close();
      const token = tokenOf(sink);
      expect(token).toMatch(/^[0-9a-f]{48}$/);
      expect(sink.text).toBe(`::stop-commands::${token}\n::${token}::\n`);
      tokens.add(token);
    }
    expect(tokens.size).toBe(20);
  });

  test('end is idempotent and close after end writes nothing more', () => {
    const { out, sink } = open();
    out.begin();
    out.push('stdout', Buffer.from('x'));
    out.end();
    const after = sink.text;
    out.end();
    out.close();
    expect(sink.text).toBe(after);
  });

  test('end without begin writes nothing', () => {
    const { out, sink } = open();
    out.end();
    out.close();
    expect(sink.writes).toEqual([]);
  });

  test('output outside the window is not echoed to the job log but is kept', () => {
    const { out, sink, file } = open();
    out.push('stdout', Buffer.from('before\n'));
    out.begin();
    out.push('stdout', Buffer.from('inside\n'));
    out.end();
    out.push('stderr', Buffer.from('after'));
    out.close();
    const token = tokenOf(sink);
    expect(sink.text).toBe(`::stop-commands::${token}\ninside\n::${token}::\n`);
    expect(readFileSync(file, 'utf8')).toBe('before\ninside\nafter');
    expect(out.logs.text()).toBe('before\ninside\nafter');
  });

  test('empty chunks are ignored (and do not count as the last byte)', () => {
    const { out, sink } = open();
    out.begin();
    out.push('stdout', Buffer.from('line\n'));
    out.push('stdout', Buffer.alloc(0));
    out.close();
    const token = tokenOf(sink);
    expect(sink.text).toBe(`::stop-commands::${token}\nline\n::${token}::\n`);
    expect(sink.writes).toHaveLength(3);
  });

  test('the log file holds everything below limits.log, unbounded by the output limit, without the command markers', () => {
    const { out, sink, file } = open(8);
    const data = asciiBytes(200_000, 5);
    out.begin();
    for (const [i, chunk] of chunks(data, 3000, 2).entries()) out.push(i % 2 ? 'stderr' : 'stdout', chunk);
    out.close();
    const onDisk = readFileSync(file);
    expect(onDisk.equals(data)).toBe(true);
    expect(onDisk.toString('latin1')).not.toContain(tokenOf(sink));
    expect(out.logFile).toBe(file);
  });

  test('the log file is created (empty) even when the cell prints nothing', () => {
    const { out, file } = open();
    out.close();
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  test('tails: logs interleaves both streams, stdout and stderr keep their own, each bounded by the limit', () => {
    const { out } = open(8);
    out.push('stdout', Buffer.from('out-1\n'));
    out.push('stderr', Buffer.from('err-1\n'));
    out.push('stdout', Buffer.from('out-2\n'));
    out.push('stderr', Buffer.from('err-2\n'));
    out.close();
    expect(out.logs.text()).toBe('2\nerr-2\n');
    expect(out.stdout.text()).toBe('1\nout-2\n');
    expect(out.stderr.text()).toBe('1\nerr-2\n');
    expect(out.logs.cap).toBe(8);
    expect(out.stdout.cap).toBe(8);
    expect(out.stderr.cap).toBe(8);
  });

  test('a limit of 0 keeps no tails but still logs everything', () => {
    const { out, sink, file } = open(0);
    out.begin();
    out.push('stdout', Buffer.from('abc\n'));
    out.push('stderr', Buffer.from('def\n'));
    out.close();
    expect(out.logs.text()).toBe('');
    expect(out.stdout.text()).toBe('');
    expect(out.stderr.text()).toBe('');
    expect(readFileSync(file, 'utf8')).toBe('abc\ndef\n');
    expect(sink.text).toContain('abc\ndef\n');
  });

  describe('limits.log: the log file stops at the cap', () => {
    function capped(cap: number) {
      const sink = new FakeSink();
      const file = path.join(dir, 'capped.log');
      return { out: new CellOutput(file, 64, sink, true, cap), sink, file };
    }

    test('without a cap given, the default (256Mi) applies', () => {
      const { out } = open();
      expect(out.logCap).toBe(DEFAULT_BOUNDS.log);
      expect(out.logCap).toBe(256 * 2 ** 20);
    });

    test('the marker names the byte count, the key, and where the rest is', () => {
      expect(cutMarker(1_048_576)).toBe(
        '[gvisor-cell] log file cut at 1048576 bytes (limits.log: 1Mi); the rest of the output is only in the job log\n',
      );
    });

    test.each([
      [1000, 3000, 1],
      [1000, 3000, 7],
      [1000, 3000, 999],
      [1000, 1001, 5000],
      [4096, 200_000, 3000],
      [1, 10, 1],
    ])(
      'cap %i, %i bytes printed in chunks up to %i: the first cap bytes, then the marker line; job log and tails unchanged',
      (cap, total, max) => {
        const { out, sink, file } = capped(cap);
        const data = asciiBytes(total, cap + total);
        out.begin();
        for (const [i, chunk] of chunks(data, max, 9).entries()) out.push(i % 2 ? 'stderr' : 'stdout', chunk);
        out.close();
        // asciiBytes has no newline: the marker starts on a line of its own.
        expect(readFileSync(file, 'latin1')).toBe(`${data.subarray(0, cap).toString('latin1')}\n${cutMarker(cap)}`);
        expect(out.logCutAt).toBe(cap);
        expect(sink.text).toContain(data.toString('latin1'));
        expect(out.logs.text()).toBe(data.subarray(total - 64).toString('latin1'));
      },
    );

    test('a cut right after a newline adds no empty line', () => {
      const { out, file } = capped(6);
      out.push('stdout', Buffer.from('line1\nline2\n'));
      out.close();
      expect(readFileSync(file, 'utf8')).toBe(`line1\n${cutMarker(6)}`);
    });

    test('exactly the cap is not a cut: no marker', () => {
      const { out, file } = capped(6);
      out.push('stdout', Buffer.from('abc'));
      out.push('stderr', Buffer.from('def'));
      out.push('stdout', Buffer.alloc(0));
      out.close();
      expect(readFileSync(file, 'utf8')).toBe('abcdef');
      expect(out.logCutAt).toBeUndefined();
    });

    test('one byte past the cap is; the marker is written once, however much follows', () => {
      const { out, file } = capped(6);
      out.push('stdout', Buffer.from('abcdef'));
      out.push('stdout', Buffer.from('g'));
      for (let i = 0; i < 100; i++) out.push('stdout', Buffer.from('more\n'));
      out.close();
      expect(readFileSync(file, 'utf8')).toBe(`abcdef\n${cutMarker(6)}`);
      expect(out.stdout.text()).toMatch(/more\n$/);
    });
  });

  test('the log file must be new: an existing file or a link in its place is refused, never written', () => {
    const file = path.join(dir, 'again.log');
    const first = new CellOutput(file, 8, new FakeSink());
    first.push('stdout', Buffer.from('first run\n'));
    first.close();
    expect(() => new CellOutput(file, 8, new FakeSink())).toThrow(/EEXIST/);
    expect(readFileSync(file, 'utf8')).toBe('first run\n');

    const target = path.join(dir, 'victim');
    writeFileSync(target, 'keep');
    const link = path.join(dir, 'planted.log');
    symlinkSync(target, link);
    expect(() => new CellOutput(link, 8, new FakeSink())).toThrow(/EEXIST/);
    expect(readFileSync(target, 'utf8')).toBe('keep');
  });
});
