import { describe, expect, test } from 'vitest';
import { layoutOrder } from '../../src/install/installer.js';
import {
  bucketArch,
  cacheKeyFromVersionOutput,
  parseVersionInput,
  truncAdvisory,
  type VersionRequest,
  versionLine,
} from '../../src/install/version.js';

describe('parseVersionInput', () => {
  test('latest has no cache key', () => {
    expect(parseVersionInput('latest')).toEqual({ bucket: 'latest', cacheKey: undefined });
  });

  test.each([
    ['20240729', '20240729', '20240729.0.0'],
    ['20240729.0', '20240729.0', '20240729.0.0'],
    ['20240729.1', '20240729.1', '20240729.1.0'],
    ['20240729.12', '20240729.12', '20240729.12.0'],
    ['20240729.01', '20240729.1', '20240729.1.0'],
    ['release-20240729', '20240729', '20240729.0.0'],
    ['release-20240729.3', '20240729.3', '20240729.3.0'],
    ['20180101', '20180101', '20180101.0.0'],
    ['20240229', '20240229', '20240229.0.0'],
  ])('%s → bucket %s, cache key %s', (text, bucket, cacheKey) => {
    expect(parseVersionInput(text)).toEqual({ bucket, cacheKey });
  });

  test.each([
    [''],
    ['Latest'],
    ['LATEST'],
    [' latest'],
    ['release-latest'],
    ['v20240729'],
    ['2024-07-29'],
    ['2024072'],
    ['202407290'],
    ['20240729.'],
    ['20240729.a'],
    ['20240729.1.2'],
    ['release20240729'],
    ['release-'],
    ['20171231'],
    ['20001231'],
    ['20230229'],
    ['20240230'],
    ['20241301'],
    ['20240001'],
    ['20240100'],
    ['20240732'],
  ])('%j is not a version', (text) => {
    expect(parseVersionInput(text)).toBeUndefined();
  });

  test('pinned cache keys are valid three-part semver', () => {
    for (const text of ['20240729', '20240729.5', 'release-20251231.10']) {
      expect(parseVersionInput(text)?.cacheKey).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });
});

describe('cacheKeyFromVersionOutput', () => {
  test.each([
    ['runsc version release-20260824.0\nspec: 1.1.0-rc.1\n', '20260824.0.0'],
    ['runsc version release-20260824.3', '20260824.3.0'],
    ['runsc version release-20240729', '20240729.0.0'],
    ['runsc version release-20240729.02', '20240729.2.0'],
    ['runsc version 0.0~20240729.0', '20240729.0.0'],
    ['runsc version 0.0~20240729.1-1', '20240729.1.0'],
    ['some banner\nrunsc version release-20250101.0\n', '20250101.0.0'],
  ])('%j → %s', (output, key) => {
    expect(cacheKeyFromVersionOutput(output)).toBe(key);
  });

  test.each([[''], ['runsc version VERSION_MISSING'], ['runsc version 1234567'], ['release-20240729.0'], ['gvisor 20240729']])(
    '%j names no release',
    (output) => {
      expect(cacheKeyFromVersionOutput(output)).toBeUndefined();
    },
  );
});

describe('versionLine', () => {
  test.each([
    ['runsc version release-20260824.0\nspec: 1.1.0-rc.1\n', 'runsc version release-20260824.0'],
    ['  runsc version x  \nmore', 'runsc version x'],
    ['runsc version x\r\nspec', 'runsc version x'],
    ['one line', 'one line'],
    ['', ''],
    ['\nsecond', ''],
  ])('%j → %j', (output, line) => {
    expect(versionLine(output)).toBe(line);
  });
});

describe('bucketArch', () => {
  test.each([
    ['x64', 'x86_64'],
    ['arm64', 'aarch64'],
  ])('linux/%s → %s', (arch, dir) => {
    expect(bucketArch('linux', arch)).toBe(dir);
  });

  test.each([['darwin'], ['win32'], ['freebsd']] as [NodeJS.Platform][])('%s is refused with a hint to use Linux', (platform) => {
    expect(() => bucketArch(platform, 'x64')).toThrow(
      `gVisor runs on Linux only; this runner is ${platform}. Use a Linux runner such as ubuntu-latest.`,
    );
  });

  test.each([['ia32'], ['arm'], ['riscv64'], ['s390x'], ['x86_64']])('linux/%s is refused naming the architecture', (arch) => {
    expect(() => bucketArch('linux', arch)).toThrow(
      `unsupported architecture ${arch}: gVisor publishes runsc for x64 (x86_64) and arm64 (aarch64) only`,
    );
  });

  test('the platform is checked before the architecture', () => {
    expect(() => bucketArch('darwin', 'ia32')).toThrow(/Linux only/);
  });
});

describe('layoutOrder', () => {
  const names = (v: string, zstd: boolean) => layoutOrder(parseVersionInput(v) as VersionRequest, zstd).map((l) => l.artifact);
  test.each([
    ['latest', true, ['gvisor.tar.zstd', 'gvisor.tar.bz2', 'runsc']],
    ['latest', false, ['gvisor.tar.bz2', 'runsc']],
    ['20260901.0', true, ['gvisor.tar.zstd', 'gvisor.tar.bz2', 'runsc']],
    ['20260824', false, ['gvisor.tar.bz2', 'runsc']],
    ['20260817.0', true, ['runsc', 'gvisor.tar.zstd', 'gvisor.tar.bz2']],
    ['release-20240729.0', false, ['runsc', 'gvisor.tar.bz2']],
  ])('%s (zstd %s) → %j', (v, zstd, expected) => {
    expect(names(v, zstd)).toEqual(expected);
  });
});

describe('truncAdvisory', () => {
  test('releases before 20250707.0 are named, with what gvisor-cell does about it', () => {
    const advice = truncAdvisory('runsc version 0.0~20240729.0\nspec: 1.1.0-rc.1\n');
    expect(advice).toContain('runsc version 0.0~20240729.0 predates gVisor release-20250707.0');
    expect(advice).toContain('read-only on the host');
    expect(truncAdvisory('runsc version release-20250706.0')).toBeDefined();
  });
  test('the fix release and later, or an unknown version, get none', () => {
    expect(truncAdvisory('runsc version release-20250707.0')).toBeUndefined();
    expect(truncAdvisory('runsc version release-20260901.0')).toBeUndefined();
    expect(truncAdvisory('runsc version something-else')).toBeUndefined();
  });
});
