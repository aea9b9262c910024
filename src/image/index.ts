/**
 * `rootfs: { image }` for the front ends: the image pulled (or found in the
 * cache), said in the log, and turned into what the plan needs. Loaded only
 * by documents that name an image.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImageFacts } from '../bundle/host.js';
import { needsSudo } from '../run/runsc.js';
import { cachedPinned, type PulledImage, pullImage } from './pull.js';

export type { PulledImage } from './pull.js';

export async function pullForCell(
  reference: string,
  toolCache: string,
  log: (line: string) => void,
): Promise<{ pulled: PulledImage; facts: ImageFacts }> {
  // Not root: the pull runs as root through sudo, so that the tree keeps the image's owners.
  const pulled = needsSudo()
    ? (cachedPinned(reference, toolCache) ?? (await pullAsRoot(reference, toolCache, log)))
    : await pullImage(reference, { toolCache, log });
  log(describePull(pulled));
  if (pulled.skipped.length > 0)
    log(`The image's device nodes and FIFOs were left out (${pulled.skipped.length}): a cell's /dev is gVisor's`);
  return { pulled, facts: { root: pulled.root, env: pulled.config.Env ?? [], workingDir: pulled.config.WorkingDir || undefined } };
}

/** The variables the pull reads for credentials, handed on through sudo (which resets the environment). */
const CREDENTIAL_VARIABLES = ['REGISTRY_AUTH_FILE', 'DOCKER_CONFIG', 'HOME'] as const;

/** dist/pull/index.js, beside the bundle this code is in (dist/ for the action, dist/cli/ for the CLI). */
function pullProgram(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const found = [path.join(here, 'pull', 'index.js'), path.join(here, '..', 'pull', 'index.js')].find((p) => existsSync(p));
  if (!found) throw new Error(`rootfs.image: the pull program (dist/pull/index.js) is missing beside ${here}`);
  return found;
}

function pullAsRoot(reference: string, toolCache: string, log: (line: string) => void): Promise<PulledImage> {
  const env = CREDENTIAL_VARIABLES.flatMap((name) => (process.env[name] ? [`${name}=${process.env[name]}`] : []));
  const argv = ['-n', '--', '/usr/bin/env', ...env, process.execPath, pullProgram(), reference, toolCache];
  return new Promise((resolve, reject) => {
    const child = spawn('sudo', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    // Progress as it comes; the last lines are the error, if any.
    let pending = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        err = line;
        if (line.startsWith('Pulling ')) log(line);
      }
    });
    child.on('error', (e) => reject(new Error(`rootfs.image: could not run the pull through sudo: ${e.message}`)));
    child.on('close', (code) => {
      if (pending) err = pending;
      if (code === 0) {
        try {
          return resolve(JSON.parse(out) as PulledImage);
        } catch {
          return reject(new Error('rootfs.image: the pull (through sudo) printed no result'));
        }
      }
      reject(new Error(err || `rootfs.image: the pull through sudo failed (exit ${code})`));
    });
  });
}

export function describePull(p: PulledImage): string {
  if (p.cached) return `Image ${p.reference} (${p.digest}) from the cache, ${mib(p.unpackedBytes)} (${ms(p.pullMs)})`;
  return `Pulled ${p.reference} (${p.digest}): ${mib(p.fetchedBytes)} fetched in ${ms(p.pullMs)}, ${mib(p.unpackedBytes)} unpacked in ${ms(p.unpackMs)}`;
}

function mib(n: number): string {
  return `${(n / 2 ** 20).toFixed(1)} MiB`;
}

function ms(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${n} ms`;
}
