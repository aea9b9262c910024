import { describe, expect, test } from 'vitest';
import {
  CPUS_PATTERN,
  DURATION_PATTERN,
  durationSuggestion,
  formatDuration,
  formatSize,
  MAX_DURATION_MS,
  parseCpus,
  parseDuration,
  parseSize,
  SIZE_PATTERN,
  sizeSuggestion,
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
    // One space, and a B after a binary unit: unambiguous.
    ['2 G', 2e9],
    ['512 Mi', 536_870_912],
    ['4GiB', 4 * 2 ** 30],
    ['4 GiB', 4 * 2 ** 30],
    ['1KiB', 1024],
    ['1TiB', 2 ** 40],
    ['0.5Ki', 512],
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
    ['2gb'],
    ['2 GB'],
    ['2Gb'],
    ['2kB'],
    ['2B'],
    ['2  G'],
    ['2 Gx'],
    ['2GiBs'],
    ['2gib'],
    ['0GiB'],
    ['0.0'],
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
    ['1 h', 3_600_000],
    ['90 s', 90_000],
    // Hours, minutes and seconds, in that order.
    ['1m30s', 90_000],
    ['1h30m', 5_400_000],
    ['2h0m5s', 7_205_000],
    ['1h0.5m', 3_630_000],
    ['2m30.5s', 150_500],
    ['596h31m23s', 596 * 3_600_000 + 31 * 60_000 + 23_000],
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
    ['1H'],
    ['1h 30m'],
    ['30m1h'],
    ['1h1h'],
    ['1m30'],
    ['0h0m'],
    ['1h30ms'],
    ['10min'],
    ['1  h'],
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

describe('the suggestions for a size or duration the action does not read', () => {
  test.each([
    ['4GB', '4G (4 × 1000³ bytes) or 4Gi (4 × 1024³ bytes)'],
    ['4gb', '4G (4 × 1000³ bytes) or 4Gi (4 × 1024³ bytes)'],
    ['4g', '4G (4 × 1000³ bytes) or 4Gi (4 × 1024³ bytes)'],
    ['4 Gb', '4G (4 × 1000³ bytes) or 4Gi (4 × 1024³ bytes)'],
    ['4gib', '4G (4 × 1000³ bytes) or 4Gi (4 × 1024³ bytes)'],
    ['512MB', '512M (512 × 1000² bytes) or 512Mi (512 × 1024² bytes)'],
    ['1.5 mb', '1.5M (1.5 × 1000² bytes) or 1.5Mi (1.5 × 1024² bytes)'],
    ['8kb', '8K (8 × 1000 bytes) or 8Ki (8 × 1024 bytes)'],
    ['2TB', '2T (2 × 1000⁴ bytes) or 2Ti (2 × 1024⁴ bytes)'],
  ])('size %j: %s', (value, suggestion) => {
    expect(sizeSuggestion(value)).toBe(suggestion);
    expect(parseSize(value)).toBeUndefined();
  });

  test.each([['4G'], ['4GiB'], ['lots'], ['4PB'], ['0GB'], ['GB'], ['4 G B']])('size %j: none', (value) => {
    expect(sizeSuggestion(value)).toBeUndefined();
  });

  test.each([
    ['10min', '10m'],
    ['10 mins', '10m'],
    ['5 minutes', '5m'],
    ['30sec', '30s'],
    ['30 seconds', '30s'],
    ['2hrs', '2h'],
    ['1 hour', '1h'],
    ['500msec', '500ms'],
    ['1d', '24h'],
    ['1.5 days', '36h'],
    ['2H', '2h'],
    ['10M', '10m'],
    ['90S', '90s'],
  ])('duration %j: %s', (value, suggestion) => {
    expect(durationSuggestion(value)).toBe(suggestion);
    expect(parseDuration(value)).toBeUndefined();
    expect(parseDuration(suggestion)).toBeGreaterThan(0);
  });

  test.each([['10m'], ['lots'], ['1w'], ['30d'], ['0min'], ['1h 30m']])('duration %j: none', (value) => {
    expect(durationSuggestion(value)).toBeUndefined();
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

  test('CPUS_PATTERN holds a string exactly when it is a decimal from 0.01 to 1024 (editors get the range from it)', () => {
    const decimal = /^\s*\d+(\.\d+)?\s*$/;
    const inRange = (text: string) => decimal.test(text) && Number(text) >= 0.01 && Number(text) <= 1024;
    const texts: string[] = [];
    for (const whole of [
      '0',
      '00',
      '1',
      '9',
      '10',
      '99',
      '100',
      '999',
      '1000',
      '1009',
      '1019',
      '1020',
      '1023',
      '1024',
      '01024',
      '1025',
      '1030',
      '1100',
      '2000',
      '9999',
      '10240',
    ])
      for (const fraction of ['', '.0', '.00', '.001', '.009', '.01', '.010', '.05', '.1', '.5', '.99', '.999', '.0001'])
        texts.push(`${whole}${fraction}`);
    texts.push(' 1.5 ', '1.', '.5', '-1', '1e2', '0x10', '', ' ');
    for (const text of texts) expect(CPUS_PATTERN.test(text), text).toBe(inRange(text));
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
