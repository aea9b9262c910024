/**
 * What runs when `runsc-sha512` is pinned: a private copy of runsc (and its
 * gvisor-bin/ sidecars), unpacked from the artifact kept in the tool-cache
 * entry, after those very bytes were hashed and found equal to the pin.
 *
 * Why a copy: the tool cache is writable by the runner's user (and whatever
 * ran as that user in earlier jobs), so neither its metadata nor its runsc
 * proves anything, and runsc runs as root. The artifact is read once, into
 * memory; the digest is taken of those bytes, and only those bytes are
 * written or unpacked, into a directory this step just made (0700, in its run
 * directory). Replacing anything in the cache entry after the check changes
 * nothing that runs: there is no check-then-use of a cache path.
 *
 * Loaded only with a pin: node:crypto costs a few ms to load.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { findFile, tarFlagFor } from './unpack.js';

/** More than any runsc release by far (about 60 MB): a bigger "artifact" is not one, and is not read into memory. */
export const MAX_ARTIFACT_BYTES = 512 * 2 ** 20;

/** The directory, inside `privateDir`, that holds the verified copy. */
export const VERIFIED_DIR = 'runsc-verified';

export class PinMismatchError extends Error {
  constructor(entry: string, kept: string, digest: string) {
    super(
      `the tool-cache entry ${entry} does not match runsc-sha512: its ${kept} has sha512 ${digest.slice(0, 16)}…, ` +
        'so the entry was tampered with or is corrupt; nothing was run. ' +
        `Delete ${entry} and ${entry}.complete to download runsc again.`,
    );
    this.name = 'PinMismatchError';
  }
}

/**
 * Reads a regular file whole, refusing anything else: a FIFO or device put in
 * place of the artifact must not hang or flood the step. O_NONBLOCK makes the
 * open itself return at once for a FIFO; fstat then tells what was opened.
 */
export function readArtifact(file: string, maxBytes = MAX_ARTIFACT_BYTES): Buffer {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new Error(`${file} is not a regular file`);
    if (stat.size > maxBytes) throw new Error(`${file} is ${stat.size} bytes, more than any runsc artifact (${maxBytes})`);
    const data = Buffer.allocUnsafe(stat.size);
    let off = 0;
    while (off < data.length) {
      const n = readSync(fd, data, off, data.length - off, off);
      if (n === 0) break;
      off += n;
    }
    // A file that shrank while it was read: hash what was read, which then cannot match.
    return data.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

export function sha512Hex(data: Buffer): string {
  return createHash('sha512').update(data).digest('hex');
}

/**
 * Verifies the artifact kept in `entry` against `pin` and unpacks it into a
 * new directory under `privateDir`; returns the path of runsc there. Throws
 * PinMismatchError (naming the entry) when the bytes differ from the pin, and
 * an error naming the entry when the artifact is missing or unusable: a
 * pinned step never falls back to what the cache holds.
 */
export function copyVerified(entry: string, kept: string, pin: string, privateDir: string): string {
  const tarFlag = tarFlagFor(kept);
  let data: Buffer;
  try {
    data = readArtifact(path.join(entry, kept));
  } catch (error) {
    throw new Error(
      `the tool-cache entry ${entry} cannot be checked against runsc-sha512: ${error instanceof Error ? error.message : String(error)}; nothing was run`,
      { cause: error },
    );
  }
  const digest = sha512Hex(data);
  if (digest !== pin) throw new PinMismatchError(entry, kept, digest);

  const dest = path.join(privateDir, VERIFIED_DIR);
  // Not recursive: the directory must be new, made by this step, not something already there.
  mkdirSync(dest, { mode: 0o700 });
  if (tarFlag === undefined) {
    const runsc = path.join(dest, 'runsc');
    writeFileSync(runsc, data, { mode: 0o755, flag: 'wx' });
    return runsc;
  }
  // The verified bytes go to tar on stdin: the cached file is not read a second time.
  const tar = spawnSync(
    'tar',
    ['-x', tarFlag, '--no-same-owner', '--no-same-permissions', '-f', '-', '-C', dest, '--no-anchored', 'runsc', 'gvisor-bin'],
    {
      input: data,
      encoding: 'utf8',
      maxBuffer: 1024 * 1024,
    },
  );
  if (tar.status !== 0) {
    throw new Error(`could not extract ${kept} kept in ${entry}: ${(tar.stderr || tar.error?.message || '').trim()}`);
  }
  const runsc = findFile(dest, 'runsc', 3);
  if (!runsc) throw new Error(`${kept} kept in ${entry} holds no runsc binary`);
  return runsc;
}

/**
 * The files of a verified copy (runsc and everything under gvisor-bin/) that
 * the cache entry lacks or holds with other bytes, and the entry's
 * gvisor-bin/ files the copy does not have: for `gvisor-cell install`, which
 * hands out the entry's path rather than running a copy. Relative paths, sorted.
 */
export function entryDifferences(verifiedRoot: string, entry: string): string[] {
  const files = (root: string): Set<string> => {
    const out = new Set<string>();
    const walk = (rel: string) => {
      const abs = path.join(root, rel);
      const st = lstatSync(abs, { throwIfNoEntry: false });
      if (st?.isDirectory()) for (const name of readdirSync(abs)) walk(path.join(rel, name));
      else if (st) out.add(rel);
    };
    walk('runsc');
    walk('gvisor-bin');
    return out;
  };
  const ours = files(verifiedRoot);
  const theirs = files(entry);
  const differ = new Set<string>();
  for (const rel of new Set([...ours, ...theirs])) {
    const a = path.join(verifiedRoot, rel);
    const b = path.join(entry, rel);
    if (!ours.has(rel) || !theirs.has(rel) || !lstatSync(b).isFile() || !readFileSync(a).equals(readFileSync(b))) differ.add(rel);
  }
  return [...differ].sort();
}
