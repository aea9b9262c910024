import * as core from '@actions/core';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { readInputs, runnerInput } from '../../src/action/inputs.js';
import { Inputs } from '../../src/action/names.js';
import { DEFAULT_DOWNLOAD_URL } from '../../src/install/cache.js';
import { MAX_OUTPUT_LIMIT, OptionError } from '../../src/options.js';

const KNOWN = new Set<string>(Object.values(Inputs));

/** A `get` that answers from a map and fails the test on a name action.yml does not declare. */
function reader(values: Record<string, string>): (name: string) => string {
  return (name) => {
    if (!KNOWN.has(name)) throw new Error(`readInputs asked for an undeclared input ${name}`);
    return values[name] ?? '';
  };
}

/** This machine's /dev/kvm must not decide a test: kvm is taken as present unless a test says otherwise. */
function read(values: Record<string, string>, hasKvm = () => true) {
  return readInputs(reader(values), hasKvm);
}

/** The release asked for, when no runsc-path is given. */
function release(values: Record<string, string>) {
  const { runsc } = read(values);
  if (runsc.at) throw new Error('expected a release, got runsc-path');
  return runsc;
}

function errorOf(values: Record<string, string>, hasKvm?: () => boolean): OptionError {
  try {
    read(values, hasKvm);
  } catch (error) {
    if (error instanceof OptionError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(values)} to be refused`);
}

const SHA = 'ab'.repeat(64);

describe('readInputs', () => {
  test('an inline cell and every default', () => {
    expect(read({ cell: 'run: make test\n' })).toEqual({
      cell: { text: 'run: make test\n', source: 'input cell' },
      runsc: { version: { bucket: 'latest', cacheKey: undefined }, sha512: undefined, downloadUrl: DEFAULT_DOWNLOAD_URL },
      platform: 'systrap',
      failOnError: true,
      outputLimit: 32_768,
    });
  });

  test('a cell file, trimmed', () => {
    expect(read({ 'cell-file': '  .github/cells/test.yml \n' }).cell).toEqual({ file: '.github/cells/test.yml' });
  });

  test('a blank inline cell does not count when a file is given', () => {
    expect(read({ cell: '  \n', 'cell-file': 'c.yml' }).cell).toEqual({ file: 'c.yml' });
  });

  test('every input set', () => {
    expect(
      read({
        cell: '{"run": "x"}',
        'runsc-version': ' release-20240729.1 ',
        'runsc-sha512': SHA.toUpperCase(),
        'runsc-path': ' /usr/local/bin/runsc ',
        'download-url': 'https://mirror.example/gvisor/releases/release///',
        platform: 'ptrace',
        'fail-on-error': 'false',
        'output-limit': '1024',
      }),
    ).toEqual({
      cell: { text: '{"run": "x"}', source: 'input cell' },
      // runsc-path wins; the other runsc inputs were still checked.
      runsc: { at: { path: '/usr/local/bin/runsc', label: 'input runsc-path' } },
      platform: 'ptrace',
      failOnError: false,
      outputLimit: 1024,
    });
  });

  test.each([
    [{ cell: 'run: x', 'cell-file': 'c.yml' }, 'input cell/cell-file: give exactly one of them, not both'],
    [{}, 'input cell/cell-file: give one of them: the cell document inline, or a path to it'],
    [{ cell: '   ', 'cell-file': ' ' }, 'input cell/cell-file: give one of them: the cell document inline, or a path to it'],
  ])('cell/cell-file %j → %s', (values, message) => {
    const error = errorOf(values);
    expect(error.name).toBe('OptionError');
    expect(error.message).toBe(message);
  });

  describe('runsc-version', () => {
    test.each([
      ['', { bucket: 'latest', cacheKey: undefined }],
      ['  ', { bucket: 'latest', cacheKey: undefined }],
      ['latest', { bucket: 'latest', cacheKey: undefined }],
      ['20240729', { bucket: '20240729', cacheKey: '20240729.0.0' }],
      ['20240729.2', { bucket: '20240729.2', cacheKey: '20240729.2.0' }],
      ['release-20240729', { bucket: '20240729', cacheKey: '20240729.0.0' }],
    ])('%j → %j', (text, version) => {
      expect(release({ cell: 'run: x', 'runsc-version': text }).version).toEqual(version);
    });

    test.each([['v1.0'], ['2024-07-29'], ['20240231'], ['Latest'], ['release-latest']])('%j is refused, quoted', (text) => {
      expect(errorOf({ cell: 'run: x', 'runsc-version': text }).message).toBe(
        `input runsc-version: expected latest, YYYYMMDD or YYYYMMDD.N (optionally prefixed release-), got "${text}"`,
      );
    });
  });

  describe('runsc-sha512', () => {
    test('lower-cased and trimmed', () => {
      expect(release({ cell: 'run: x', 'runsc-sha512': `  ${SHA.toUpperCase()}\n` }).sha512).toBe(SHA);
    });

    test.each([['ab'.repeat(32)], [`${SHA}0`], ['z'.repeat(128)], [`sha512:${SHA}`], [`${SHA.slice(0, 64)} ${SHA.slice(64)}`]])(
      '%j is refused',
      (text) => {
        expect(errorOf({ cell: 'run: x', 'runsc-sha512': text }).message).toBe(
          'input runsc-sha512: expected 128 hexadecimal characters (a sha512 digest)',
        );
      },
    );
  });

  describe('download-url', () => {
    test.each([
      ['', DEFAULT_DOWNLOAD_URL],
      ['http://localhost:8080/bucket', 'http://localhost:8080/bucket'],
      ['https://mirror.example/', 'https://mirror.example'],
      [' https://mirror.example/a/b/ ', 'https://mirror.example/a/b'],
    ])('%j → %j', (text, url) => {
      expect(release({ cell: 'run: x', 'download-url': text }).downloadUrl).toBe(url);
    });

    test.each([['not a url'], ['ftp://mirror.example/x'], ['file:///srv/bucket'], ['mirror.example/x'], ['javascript:alert(1)']])(
      '%j is refused',
      (text) => {
        expect(errorOf({ cell: 'run: x', 'download-url': text }).message).toBe(
          `input download-url: expected an http(s) URL, got "${text}"`,
        );
      },
    );
  });

  describe('platform', () => {
    test.each([
      ['', 'systrap'],
      ['systrap', 'systrap'],
      ['ptrace', 'ptrace'],
      ['kvm', 'kvm'],
      [' kvm ', 'kvm'],
    ])('%j → %s', (text, platform) => {
      expect(read({ cell: 'run: x', platform: text }).platform).toBe(platform);
    });

    test.each([['KVM'], ['gvisor'], ['systrap,ptrace']])('%j is refused', (text) => {
      expect(errorOf({ cell: 'run: x', platform: text }).message).toBe(`input platform: expected systrap, ptrace or kvm, got "${text}"`);
    });

    test('kvm without /dev/kvm is refused, naming the input', () => {
      expect(errorOf({ cell: 'run: x', platform: 'kvm' }, () => false).message).toBe(
        'input platform: kvm needs /dev/kvm, which this machine does not have; use systrap (the default) or ptrace',
      );
    });
  });

  describe('fail-on-error', () => {
    test.each([
      ['', true],
      ['true', true],
      ['True', true],
      ['TRUE', true],
      ['false', false],
      ['False', false],
      ['FALSE', false],
      [' false ', false],
    ])('%j → %s', (text, value) => {
      expect(read({ cell: 'run: x', 'fail-on-error': text }).failOnError).toBe(value);
    });

    test.each([['yes'], ['no'], ['1'], ['0'], ['tRuE'], ['on']])('%j is refused', (text) => {
      expect(errorOf({ cell: 'run: x', 'fail-on-error': text }).message).toBe(`input fail-on-error: expected true or false, got "${text}"`);
    });
  });

  describe('output-limit', () => {
    test.each([
      ['', 32_768],
      ['0', 0],
      ['1', 1],
      [' 4096 ', 4096],
      ['131072', MAX_OUTPUT_LIMIT],
      ['000100', 100],
    ])('%j → %d', (text, limit) => {
      expect(read({ cell: 'run: x', 'output-limit': text }).outputLimit).toBe(limit);
    });

    test.each([['131073'], ['1000000'], ['-1'], ['1.5'], ['1e3'], ['0x10'], ['32k'], ['abc'], ['Infinity']])('%j is refused', (text) => {
      expect(errorOf({ cell: 'run: x', 'output-limit': text }).message).toBe(
        `input output-limit: expected a whole number of bytes from 0 to 131072, got "${text}"`,
      );
    });

    test('MAX_OUTPUT_LIMIT is 128 KiB', () => {
      expect(MAX_OUTPUT_LIMIT).toBe(131_072);
    });
  });

  test('only declared inputs are read', () => {
    const asked: string[] = [];
    readInputs((name) => {
      asked.push(name);
      return name === 'cell' ? 'run: x' : '';
    });
    expect(new Set(asked)).toEqual(KNOWN);
  });

  test('the first problem found is reported: cell before version', () => {
    expect(errorOf({ 'runsc-version': 'bad' }).message).toMatch(/^input cell\/cell-file: /);
  });

  describe('the default reader (the runner’s INPUT_* variables)', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    test('reads INPUT_* variables', () => {
      for (const name of Object.values(Inputs)) vi.stubEnv(`INPUT_${name.toUpperCase()}`, '');
      vi.stubEnv('INPUT_CELL', 'run: echo');
      vi.stubEnv('INPUT_PLATFORM', 'ptrace');
      vi.stubEnv('INPUT_OUTPUT-LIMIT', '10');
      const inputs = readInputs();
      expect(inputs.cell).toEqual({ text: 'run: echo', source: 'input cell' });
      expect(inputs.platform).toBe('ptrace');
      expect(inputs.outputLimit).toBe(10);
    });

    test('finds each input exactly where core.getInput does', () => {
      const cases: Array<[string, string]> = [
        ['cell', '  command: [x]\n  '],
        ['runsc-version', '\t20260901 '],
        ['output-limit', ''],
        ['some name', ' spaced '],
      ];
      for (const [name, value] of cases) vi.stubEnv(`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value);
      for (const [name] of [...cases, ['not-set', '']]) {
        expect(runnerInput(name as string)).toBe(core.getInput(name as string));
      }
    });
  });
});
