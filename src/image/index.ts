/**
 * `rootfs: { image }` for the front ends: the image pulled (or found in the
 * cache), said in the log, and turned into what the plan needs. Loaded only
 * by documents that name an image.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImageFacts } from '../bundle/host.js';
import { needsSudo } from '../run/runsc.js';
import { describePull } from './describe.js';
import { lookupCached, type PulledImage, pullImage } from './pull.js';

export type { PulledImage } from './pull.js';

export async function pullForCell(
  reference: string,
  toolCache: string,
  log: (line: string) => void,
): Promise<{ pulled: PulledImage; facts: ImageFacts }> {
  let pulled: PulledImage;
  try {
    // Not root: what is cached already is found here (its manifests need no root); a pull runs as root through
    // sudo, so that the tree keeps the image's owners.
    pulled = needsSudo()
      ? ((await lookupCached(reference, { toolCache, log, owner: 0 })) ?? (await pullAsRoot(reference, toolCache, log)))
      : await pullImage(reference, { toolCache, log });
  } catch (error) {
    throw new Error(`rootfs.image: ${(error as Error).message}`);
  }
  log(describePull(pulled));
  if (pulled.skippedCount > 0) log(`The image's device nodes and FIFOs were left out (${pulled.skippedCount}): a cell's /dev is gVisor's`);
  return { pulled, facts: { root: pulled.root, env: pulled.config.Env ?? [], workingDir: pulled.config.WorkingDir || undefined } };
}

/** The variables the pull reads for credentials, handed on through sudo (which resets the environment). */
const CREDENTIAL_VARIABLES = ['REGISTRY_AUTH_FILE', 'DOCKER_CONFIG', 'HOME'] as const;

/** dist/pull/index.js, beside the bundle this code is in (dist/ for the action, dist/cli/ for the CLI). */
function pullProgram(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const found = [path.join(here, 'pull', 'index.js'), path.join(here, '..', 'pull', 'index.js')].find((p) => existsSync(p));
  if (!found) throw new Error(`the pull program (dist/pull/index.js) is missing beside ${here}`);
  return found;
}

function pullAsRoot(reference: string, toolCache: string, log: (line: string) => void): Promise<PulledImage> {
  // HOME always: without it root's own ~/.docker/config.json would be read, and root's logins used.
  const vars: NodeJS.ProcessEnv = { ...process.env, HOME: process.env.HOME || homedir() };
  const env = CREDENTIAL_VARIABLES.flatMap((name) => (vars[name] ? [`${name}=${vars[name]}`] : []));
  const argv = ['-n', '--', '/usr/bin/env', ...env, process.execPath, pullProgram(), reference, toolCache];
  return new Promise((resolve, reject) => {
    const child = spawn('sudo', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    // Should the step be stopped (a signal, process.exit), the pull stops with it: nothing runs on as root.
    const stop = () => child.kill('SIGTERM');
    process.once('exit', stop);
    let out = '';
    let err: string[] = [];
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
        if (line.startsWith('Pulling ')) log(line);
        else err = [...err.slice(-2), line];
      }
    });
    child.on('error', (e) => reject(new Error(`could not run the pull through sudo: ${e.message}`)));
    child.on('close', (code) => {
      process.off('exit', stop);
      if (pending) err = [...err.slice(-2), pending];
      if (code === 0) {
        try {
          return resolve(JSON.parse(out) as PulledImage);
        } catch {
          return reject(new Error('the pull (through sudo) printed no result'));
        }
      }
      // A message of ours is one line; a crash or sudo's refusal, the last few.
      reject(new Error(err.length > 0 ? err.join('; ') : `the pull through sudo failed (exit ${code})`));
    });
  });
}
