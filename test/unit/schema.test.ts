import { describe, expect, test } from 'vitest';
import { CellSchema, hostnameFor, KNOWN_KEYS, LimitsSchema, MountSchema, show, workspaceRelative } from '../../src/cell/schema.js';

describe('show', () => {
  test.each([
    [undefined, 'nothing'],
    [null, 'null'],
    [[], 'a list'],
    [[1, 2], 'a list'],
    [{}, 'a mapping'],
    [{ a: 1 }, 'a mapping'],
    ['x', '"x"'],
    ['', '""'],
    ['say "hi"', '"say \\"hi\\""'],
    [5, '5'],
    [1.5, '1.5'],
    [true, 'true'],
    [false, 'false'],
  ])('%j → %s', (value, expected) => {
    expect(show(value)).toBe(expected);
  });

  test('values longer than 80 characters are cut to 77 and an ellipsis', () => {
    const shown = show('a'.repeat(200));
    expect(shown).toBe(`"${'a'.repeat(76)}...`);
    expect(shown).toHaveLength(80);
  });

  test('a value of exactly 80 characters is kept whole', () => {
    const text = 'b'.repeat(78);
    expect(show(text)).toBe(`"${text}"`);
  });
});

describe('workspaceRelative', () => {
  test.each([
    ['.', '.'],
    ['./', '.'],
    ['src', 'src'],
    ['src/', 'src'],
    ['./src//lib/', 'src/lib'],
    ['a/./b', 'a/b'],
    ['a/../b', 'b'],
    ['a/..', '.'],
    ['..foo', '..foo'],
    ['a/..b', 'a/..b'],
    ['with space', 'with space'],
  ])('%j → %j', (value, expected) => {
    expect(workspaceRelative(value)).toBe(expected);
  });

  test.each([[''], [' '], ['/'], ['/abs'], ['..'], ['../x'], ['a/../..'], ['a/../../b'], ['./..'], ['a\0b']])('%j is refused', (value) => {
    expect(workspaceRelative(value)).toBeUndefined();
  });
});

describe('hostnameFor', () => {
  test.each([
    ['cell', 'cell'],
    ['Unit Tests', 'unit-tests'],
    ['my_cell.v2', 'my-cell-v2'],
    ['--lead and trail--', 'lead-and-trail'],
    ['a  //  b', 'a-b'],
    ['Ünïcode', 'n-code'],
    ['!!!', 'cell'],
    ['', 'cell'],
    ['build-2024', 'build-2024'],
  ])('%j → %j', (name, expected) => {
    expect(hostnameFor(name)).toBe(expected);
  });

  test('is at most 63 characters and never ends in a dash after cutting', () => {
    expect(hostnameFor('a'.repeat(100))).toBe('a'.repeat(63));
    expect(hostnameFor(`${'a'.repeat(62)} b`)).toBe('a'.repeat(62));
  });

  test.each([['Unit Tests'], ['x'.repeat(100)], ['Ünïcode'], ['!!!'], [`${'a'.repeat(62)} b`]])(
    'hostnameFor(%j) is itself a valid hostname for the schema',
    (name) => {
      expect(CellSchema.safeParse({ run: 'x', hostname: hostnameFor(name) }).success).toBe(true);
    },
  );
});

describe('KNOWN_KEYS', () => {
  test('lists every key of each strict object', () => {
    expect(KNOWN_KEYS['']).toEqual([
      'name',
      'run',
      'shell',
      'command',
      'working-directory',
      'env',
      'pass-env',
      'rootfs',
      'system',
      'workspace',
      'mounts',
      'collect',
      'network',
      'user',
      'limits',
      'hostname',
    ]);
    expect(KNOWN_KEYS.limits).toEqual(['timeout', 'memory', 'cpus', 'pids', 'tmpfs', 'log', 'collect']);
    expect(KNOWN_KEYS.mounts).toEqual(['source', 'target', 'mode']);
    expect(KNOWN_KEYS.rootfs).toEqual(['path', 'image']);
  });
});

describe('CellSchema', () => {
  const ok = (input: Record<string, unknown>) => {
    const result = CellSchema.safeParse(input);
    if (!result.success) throw new Error(JSON.stringify(result.error.issues));
    return result.data;
  };
  const messages = (input: Record<string, unknown>): string[] => {
    const result = CellSchema.safeParse(input);
    if (result.success) throw new Error(`expected ${JSON.stringify(input)} to be refused`);
    return result.error.issues.map((i) => i.message);
  };

  test('defaults', () => {
    expect(ok({ run: 'x' })).toEqual({
      name: 'cell',
      run: 'x',
      rootfs: 'host',
      system: 'read-only',
      workspace: 'overlay',
      network: 'none',
      user: 'runner',
    });
  });

  test.each([
    [512, 512],
    ['512', 512],
    ['1k', 1000],
    ['1K', 1000],
    ['2G', 2e9],
    ['512Mi', 536_870_912],
    ['1.5Gi', 1_610_612_736],
    ['0.5Ki', 512],
  ])('limits.memory %j → %d bytes', (memory, bytes) => {
    expect(ok({ run: 'x', limits: { memory } }).limits).toEqual({ memory: bytes });
  });

  test.each([
    [90, 90_000],
    [0.5, 500],
    ['90', 90_000],
    ['90s', 90_000],
    ['250ms', 250],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1.5s', 1500],
  ])('limits.timeout %j → %d ms', (timeout, ms) => {
    expect(ok({ run: 'x', limits: { timeout } }).limits).toEqual({ timeout: ms });
  });

  test.each([
    [1, 1],
    [1.5, 1.5],
    ['2', 2],
    ['0.25', 0.25],
    [0.01, 0.01],
    [1024, 1024],
  ])('limits.cpus %j → %d', (cpus, n) => {
    expect(ok({ run: 'x', limits: { cpus } }).limits).toEqual({ cpus: n });
  });

  test('env values are stringified', () => {
    expect(ok({ run: 'x', env: { A: 1, B: false, C: 'c', _D: '' } }).env).toEqual({ A: '1', B: 'false', C: 'c', _D: '' });
  });

  test.each([['lower_case'], ['_X'], ['X1'], ['NPM_TOKEN'], ['GITHUB_TOKEN']])('pass-env accepts %s', (name) => {
    expect(ok({ run: 'x', 'pass-env': [name] })['pass-env']).toEqual([name]);
  });

  test('mount targets are normalised and mode defaults to read-only', () => {
    expect(ok({ run: 'x', mounts: [{ source: 's', target: '/a//b/./c/' }] }).mounts).toEqual([
      { source: 's', target: '/a/b/c', mode: 'read-only' },
    ]);
  });

  test.each([['/devices'], ['/process'], ['/system'], ['/proc2'], ['/home/runner/proc']])('target %s is not reserved', (target) => {
    expect(ok({ run: 'x', mounts: [{ source: 's', target }] }).mounts?.[0]?.target).toBe(target);
  });

  test('a mount target that normalises into a reserved one is refused', () => {
    expect(messages({ run: 'x', mounts: [{ source: 's', target: '/x/../proc/1' }] })).toEqual([
      'expected a path outside /proc (gVisor provides it), got "/x/../proc/1"',
    ]);
  });

  test('a mount source with a NUL byte is refused', () => {
    expect(messages({ run: 'x', mounts: [{ source: 'a\0b', target: '/a' }] })).toEqual(['expected a path without NUL bytes']);
  });

  test('the same normalised target twice is refused at the second mount', () => {
    const result = CellSchema.safeParse({
      run: 'x',
      mounts: [
        { source: 'a', target: '/c' },
        { source: 'b', target: '/d' },
        { source: 'e', target: '/c/.' },
      ],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path, i.message])).toEqual([[['mounts', 2, 'target'], '/c is mounted twice']]);
  });

  test('a command argument with a NUL byte is refused', () => {
    expect(messages({ command: ['ls', 'a\0'] })).toEqual(['expected no NUL bytes']);
  });

  test('a name of 100 characters is fine, 101 is not', () => {
    expect(ok({ run: 'x', name: 'n'.repeat(100) }).name).toBe('n'.repeat(100));
    expect(messages({ run: 'x', name: 'n'.repeat(101) })).toHaveLength(1);
  });

  test.each([['a'], ['my-cell'], ['a.b.c'], ['x1'], ['A'.repeat(63)]])('hostname %s is accepted', (hostname) => {
    expect(ok({ run: 'x', hostname }).hostname).toBe(hostname);
  });

  test.each([['-a'], ['a-'], ['a..b'], ['a_b'], [''], ['A'.repeat(64)], ['a b']])('hostname %j is refused', (hostname) => {
    expect(messages({ run: 'x', hostname })).toEqual([`expected a hostname such as my-cell, got ${JSON.stringify(hostname)}`]);
  });

  test('collect paths are normalised', () => {
    expect(ok({ run: 'x', collect: ['./out/', 'a/../b'] }).collect).toEqual(['out', 'b']);
  });

  test('rootfs path must be non-empty', () => {
    expect(messages({ run: 'x', rootfs: { path: '' } })).toEqual(['expected a directory path, got ""']);
  });

  test('LimitsSchema and MountSchema are strict', () => {
    expect(LimitsSchema.safeParse({ memory: '1G', extra: 1 }).success).toBe(false);
    expect(MountSchema.safeParse({ source: 'a', target: '/a', extra: 1 }).success).toBe(false);
  });
});

describe('hostile mounts', () => {
  const problems = (doc: unknown) => {
    const r = CellSchema.safeParse(doc);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  test.each(['/', '//', '/./'])('a source of %j (the whole runner) is refused', (source) => {
    expect(problems({ run: 'x', mounts: [{ source, target: '/h' }] })).toEqual([
      'mounts.0.source: expected a directory you need, not / (the whole runner)',
    ]);
  });

  test('nested targets overlap and are refused, whichever comes first', () => {
    expect(
      problems({
        run: 'x',
        mounts: [
          { source: 'a', target: '/data' },
          { source: 'b', target: '/data/inner' },
        ],
      }),
    ).toEqual(['mounts.1.target: /data/inner overlaps /data, mounted before; nest nothing in another mount']);
    expect(
      problems({
        run: 'x',
        mounts: [
          { source: 'b', target: '/data/inner' },
          { source: 'a', target: '/data' },
        ],
      }),
    ).toEqual(['mounts.1.target: /data overlaps /data/inner, mounted before; nest nothing in another mount']);
    expect(
      problems({
        run: 'x',
        mounts: [
          { source: 'a', target: '/data' },
          { source: 'b', target: '/database' },
        ],
      }),
    ).toEqual([]);
  });
});
