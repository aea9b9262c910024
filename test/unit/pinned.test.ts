import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { copyVerified, entryDifferences, PinMismatchError, readArtifact, VERIFIED_DIR } from '../../src/install/pinned.js';
import { findFile, tarFlagFor } from '../../src/install/unpack.js';

let root: string;
let entry: string;
let priv: string;

const sha = (data: Buffer | string) => createHash('sha512').update(data).digest('hex');

beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'gvc-pinned-'));
  entry = path.join(root, 'entry');
  priv = path.join(root, 'run');
  mkdirSync(entry);
  mkdirSync(priv, { mode: 0o700 });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A tarball as the bucket ships it: runsc, gvisor-bin/, and something that is not extracted. */
function tarball(name: 'gvisor.tar.bz2' | 'gvisor.tar.zstd', top = '.'): Buffer {
  const stage = path.join(root, 'stage');
  const dir = path.join(stage, top);
  mkdirSync(path.join(dir, 'gvisor-bin'), { recursive: true });
  writeFileSync(path.join(dir, 'runsc'), '#!/bin/sh\necho runsc\n', { mode: 0o755 });
  writeFileSync(path.join(dir, 'gvisor-bin', 'gvisor_sentry'), 'sentry');
  writeFileSync(path.join(dir, 'containerd-shim-runsc-v1'), 'shim');
  const file = path.join(entry, name);
  execFileSync('tar', ['-c', tarFlagFor(name) as string, '-f', file, '-C', stage, top === '.' ? '.' : top]);
  rmSync(stage, { recursive: true });
  return readFileSync(file);
}

describe('tarFlagFor', () => {
  test('the three artifacts, and nothing else', () => {
    expect(tarFlagFor('gvisor.tar.zstd')).toBe('--zstd');
    expect(tarFlagFor('gvisor.tar.bz2')).toBe('--bzip2');
    expect(tarFlagFor('runsc')).toBeUndefined();
    expect(() => tarFlagFor('../runsc')).toThrow(/\.\.\/runsc is not a runsc release artifact \(expected one of gvisor\.tar\.zstd/);
  });
});

describe('copyVerified', () => {
  test('loose binary: the verified bytes are written into a new 0700 directory, executable', () => {
    const bytes = Buffer.from('#!/bin/sh\necho runsc\n');
    writeFileSync(path.join(entry, 'runsc'), bytes, { mode: 0o755 });
    const runsc = copyVerified(entry, 'runsc', sha(bytes), priv);
    expect(runsc).toBe(path.join(priv, VERIFIED_DIR, 'runsc'));
    expect(readFileSync(runsc).equals(bytes)).toBe(true);
    expect(statSync(runsc).mode & 0o777).toBe(0o755);
    expect(statSync(path.dirname(runsc)).mode & 0o777).toBe(0o700);
  });

  test.each(['gvisor.tar.zstd', 'gvisor.tar.bz2'] as const)('%s: only runsc and gvisor-bin/ are unpacked, side by side', (name) => {
    const bytes = tarball(name);
    const runsc = copyVerified(entry, name, sha(bytes), priv);
    expect(readdirSync(path.dirname(runsc)).sort()).toEqual(['gvisor-bin', 'runsc']);
    expect(readFileSync(path.join(path.dirname(runsc), 'gvisor-bin', 'gvisor_sentry'), 'utf8')).toBe('sentry');
  });

  test('a tarball nesting everything under a top directory', () => {
    const bytes = tarball('gvisor.tar.zstd', 'gvisor');
    expect(copyVerified(entry, 'gvisor.tar.zstd', sha(bytes), priv)).toBe(path.join(priv, VERIFIED_DIR, 'gvisor', 'runsc'));
  });

  test('bytes that differ from the pin: PinMismatchError naming the entry; nothing is written', () => {
    writeFileSync(path.join(entry, 'runsc'), 'evil');
    const pin = sha('genuine');
    expect(() => copyVerified(entry, 'runsc', pin, priv)).toThrow(PinMismatchError);
    expect(() => copyVerified(entry, 'runsc', pin, priv)).toThrow(
      `the tool-cache entry ${entry} does not match runsc-sha512: its runsc has sha512 ${sha('evil').slice(0, 16)}…, so the entry was tampered with or is corrupt; nothing was run`,
    );
    expect(readdirSync(priv)).toEqual([]);
  });

  test('a missing artifact or one that is not a regular file: refused, naming the entry', () => {
    expect(() => copyVerified(entry, 'gvisor.tar.zstd', sha('x'), priv)).toThrow(
      new RegExp(`^the tool-cache entry ${entry} cannot be checked against runsc-sha512: ENOENT`),
    );
    execFileSync('mkfifo', [path.join(entry, 'runsc')]);
    // Would block forever if the FIFO were read.
    expect(() => copyVerified(entry, 'runsc', sha('x'), priv)).toThrow(`${path.join(entry, 'runsc')} is not a regular file`);
    expect(readdirSync(priv)).toEqual([]);
  });

  test('an existing directory at the destination is not reused', () => {
    writeFileSync(path.join(entry, 'runsc'), 'x');
    mkdirSync(path.join(priv, VERIFIED_DIR));
    expect(() => copyVerified(entry, 'runsc', sha('x'), priv)).toThrow(/EEXIST/);
  });
});

describe('readArtifact', () => {
  test('refuses a file larger than the limit without reading it', () => {
    writeFileSync(path.join(entry, 'big'), Buffer.alloc(100));
    expect(() => readArtifact(path.join(entry, 'big'), 99)).toThrow(/is 100 bytes, more than any runsc artifact \(99\)/);
    expect(readArtifact(path.join(entry, 'big'), 100)).toHaveLength(100);
  });
});

describe('entryDifferences', () => {
  test('equal trees: none; a replaced runsc, a changed, missing or added sidecar: each named', () => {
    const bytes = tarball('gvisor.tar.zstd');
    const runsc = copyVerified(entry, 'gvisor.tar.zstd', sha(bytes), priv);
    const verified = path.dirname(runsc);
    execFileSync('tar', ['-x', '--zstd', '-f', path.join(entry, 'gvisor.tar.zstd'), '-C', entry, './runsc', './gvisor-bin']);
    expect(entryDifferences(verified, entry)).toEqual([]);
    writeFileSync(path.join(entry, 'runsc'), 'evil');
    writeFileSync(path.join(entry, 'gvisor-bin', 'extra'), 'evil');
    expect(entryDifferences(verified, entry)).toEqual(['gvisor-bin/extra', 'runsc']);
    rmSync(path.join(entry, 'gvisor-bin', 'gvisor_sentry'));
    expect(entryDifferences(verified, entry)).toEqual(['gvisor-bin/extra', 'gvisor-bin/gvisor_sentry', 'runsc']);
  });
});

describe('findFile', () => {
  test('finds runsc at the top or nested, never inside gvisor-bin/, within the depth', () => {
    mkdirSync(path.join(root, 't', 'gvisor-bin'), { recursive: true });
    writeFileSync(path.join(root, 't', 'gvisor-bin', 'runsc'), '');
    expect(findFile(path.join(root, 't'), 'runsc', 3)).toBeUndefined();
    mkdirSync(path.join(root, 't', 'a', 'b'), { recursive: true });
    writeFileSync(path.join(root, 't', 'a', 'b', 'runsc'), '');
    chmodSync(path.join(root, 't', 'a', 'b', 'runsc'), 0o755);
    expect(findFile(path.join(root, 't'), 'runsc', 1)).toBeUndefined();
    expect(findFile(path.join(root, 't'), 'runsc', 2)).toBe(path.join(root, 't', 'a', 'b', 'runsc'));
    expect(existsSync(path.join(root, 't', 'runsc'))).toBe(false);
  });
});
