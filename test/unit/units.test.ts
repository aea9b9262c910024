import { describe, expect, test } from 'vitest';
import {
  DURATION_PATTERN,
  formatDuration,
  formatSize,
  MAX_DURATION_MS,
  parseCpus,
  parseDuration,
  parseSize,
  SIZE_PATTERN,
} from '../../src/cell/units.js';

describe('parseSize', () => {
  test.each([
    ['1', 1],
    ['1048576', 1_048_576],
    [1_048_576, 1_048_576],
    ['1k', 1000],
    ['1K', 1000],
    ['1M', 1_000_000],
    ['2G', 2_000_000_000],
    ['1T', 1e12],
    ['1Ki', 1024],
    ['512Mi', 536_870_912],
    ['1Gi', 1_073_741_824],
    ['1.5Gi', 1_610_612_736],
    ['2Ti', 2 * 2 ** 40],
    ['0.5Ki', 512],
    ['1.0009', 1],
    ['  2G  ', 2e9],
    ['8191Ti', 8191 * 2 ** 40],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  ])('%j → %d', (value, bytes) => {
    expect(parseSize(value)).toBe(bytes);
  });

  test.each([
    [''],
    ['0'],
    ['0Mi'],
    ['0.5'],
    ['-1'],
    ['1e3'],
    ['2g'],
    ['2GB'],
    ['2 G'],
    ['1mi'],
    ['Mi'],
    ['.5G'],
    ['1.G'],
    ['8192Ti'],
    ['99999999999Ti'],
    [0],
    [-5],
    [1.5],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [Number.MAX_SAFE_INTEGER + 1],
  ])('%j is not a size', (value) => {
    expect(parseSize(value)).toBeUndefined();
  });

  test('SIZE_PATTERN is anchored (the schema relies on it)', () => {
    expect(SIZE_PATTERN.test('1Gi')).toBe(true);
    expect(SIZE_PATTERN.test('x1Gi')).toBe(false);
    expect(SIZE_PATTERN.test('1Gix')).toBe(false);
  });
});

describe('parseDuration', () => {
  test.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['300', 300_000],
    [300, 300_000],
    [0.5, 500],
    ['250ms', 250],
    ['1.5s', 1500],
    ['1.5h', 5_400_000],
    ['0.0005s', 1],
    ['1ms', 1],
    [' 90s ', 90_000],
    ['596h', 596 * 3_600_000],
    [`${MAX_DURATION_MS}ms`, MAX_DURATION_MS],
  ])('%j → %d ms', (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });

  test.each([
    [''],
    ['0'],
    ['0s'],
    ['0.0004s'],
    ['0.4ms'],
    ['-5s'],
    [-5],
    [0],
    ['1d'],
    ['1w'],
    ['1 h'],
    ['1H'],
    ['1m30s'],
    ['597h'],
    [`${MAX_DURATION_MS + 1}ms`],
    [1e21],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
  ])('%j is not a duration', (value) => {
    expect(parseDuration(value)).toBeUndefined();
  });

  test('MAX_DURATION_MS is the largest delay Node timers accept', () => {
    expect(MAX_DURATION_MS).toBe(2_147_483_647);
  });

  test('DURATION_PATTERN is anchored', () => {
    expect(DURATION_PATTERN.test('10m')).toBe(true);
    expect(DURATION_PATTERN.test('10min')).toBe(false);
  });
});

describe('parseCpus', () => {
  test.each([
    [1, 1],
    [1.5, 1.5],
    ['2', 2],
    ['0.5', 0.5],
    [' 1.5 ', 1.5],
    [0.01, 0.01],
    ['0.01', 0.01],
    [1024, 1024],
    ['1024', 1024],
  ])('%j → %d', (value, n) => {
    expect(parseCpus(value)).toBe(n);
  });

  test.each([
    [0],
    [0.009],
    ['0.009'],
    [1024.5],
    ['1025'],
    [-1],
    ['-1'],
    [''],
    ['abc'],
    ['.5'],
    ['1e2'],
    ['0x10'],
    ['1.'],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
  ])('%j is not a CPU count', (value) => {
    expect(parseCpus(value)).toBeUndefined();
  });
});

describe('formatSize', () => {
  test.each([
    [0, '0'],
    [1, '1'],
    [1000, '1000'],
    [1023, '1023'],
    [1024, '1Ki'],
    [1536, '1536'],
    [2048, '2Ki'],
    [1_048_576, '1Mi'],
    [1_572_864, '1536Ki'],
    [536_870_912, '512Mi'],
    [2 ** 30, '1Gi'],
    [3 * 2 ** 40, '3Ti'],
    [2 ** 50, '1024Ti'],
    [2e9, '1953125Ki'],
  ])('%d → %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });

  test.each([['512Mi'], ['1Gi'], ['3Ti'], ['1Ki'], ['777'], ['1536Ki']])('parseSize(formatSize(parseSize(%s))) round-trips', (text) => {
    const bytes = parseSize(text) as number;
    expect(formatSize(bytes)).toBe(text);
    expect(parseSize(formatSize(bytes))).toBe(bytes);
  });
});

describe('formatDuration', () => {
  test.each([
    [1, '1ms'],
    [1500, '1500ms'],
    [1000, '1s'],
    [90_000, '90s'],
    [60_000, '1m'],
    [600_000, '10m'],
    [5_400_000, '90m'],
    [3_600_000, '1h'],
    [7_200_000, '2h'],
    [MAX_DURATION_MS, `${MAX_DURATION_MS}ms`],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  test.each([['90s'], ['10m'], ['1h'], ['250ms'], ['1500ms']])('parseDuration(formatDuration(parseDuration(%s))) round-trips', (text) => {
    const ms = parseDuration(text) as number;
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
