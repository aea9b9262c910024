/**
 * `rootfs: { image }` for the front ends: the image pulled (or found in the
 * cache), said in the log, and turned into what the plan needs. Loaded only
 * by documents that name an image.
 */
import type { ImageFacts } from '../bundle/host.js';
import { type PulledImage, pullImage } from './pull.js';

export type { PulledImage } from './pull.js';

export async function pullForCell(
  reference: string,
  toolCache: string,
  log: (line: string) => void,
): Promise<{ pulled: PulledImage; facts: ImageFacts }> {
  const pulled = await pullImage(reference, { toolCache, log });
  log(describePull(pulled));
  if (pulled.skipped.length > 0)
    log(`The image's device nodes and FIFOs were left out (${pulled.skipped.length}): a cell's /dev is gVisor's`);
  return { pulled, facts: { root: pulled.root, env: pulled.config.Env ?? [], workingDir: pulled.config.WorkingDir || undefined } };
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
