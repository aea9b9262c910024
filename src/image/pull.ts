/**
 * An image, pulled once: its manifest resolved (the runner's platform chosen
 * from an index), its blobs fetched and checked against their digests, its
 * layers unpacked into a tree kept in the tool cache by manifest digest. The
 * tree is never changed once complete: a cell's writes go to runsc's overlay.
 *
 * The cache, under `<tool cache>/gvisor-cell-images/`:
 *   blobs/sha256/<hex>   every verified blob (what `actions/cache` can keep across jobs)
 *   roots/<hex>/         the unpacked tree of manifest sha256:<hex>
 *   roots/<hex>.json     written last: the tree is complete (and the image's config)
 * A tree is built beside its place and renamed into it under a lock, so an
 * interrupted pull leaves nothing that looks complete, and two pulls of one
 * image make one entry.
 */

import { createHash } from 'node:crypto';
import {
  closeSync,
  constants,
  createReadStream,
  existsSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { alive, withLock } from '../install/lock.js';
import { mib } from './describe.js';
import type { Get } from './http.js';
import { LayeredTree } from './layer.js';
import { DIGEST, formatReference, type ImageReference, parseReference } from './reference.js';
import { type Fetched, RegistryClient, sha256 } from './registry.js';

export const IMAGE_CACHE_DIR = 'gvisor-cell-images';

/** What a cell takes from the image's config where its document is silent. */
export interface ImageConfig {
  Env?: string[];
  WorkingDir?: string;
}

export interface PulledImage {
  reference: string;
  /** What the reference resolved to (an index or a manifest): the digest to pin. */
  digest: string;
  /** The platform's manifest: the cache key. */
  manifestDigest: string;
  /** The unpacked tree. */
  root: string;
  config: ImageConfig;
  /** Whether it was already in the cache (nothing fetched but the manifest, for a tag). */
  cached: boolean;
  /** Compressed bytes fetched this time, unpacked bytes of the tree, and how long each part took. */
  fetchedBytes: number;
  unpackedBytes: number;
  pullMs: number;
  unpackMs: number;
  /** How many device nodes and FIFOs were left out, and the first few names. */
  skippedCount: number;
  skipped: string[];
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
}

interface Marker {
  reference: string;
  digest: string;
  manifestDigest: string;
  platform: string;
  config: ImageConfig;
  unpackedBytes: number;
  skippedCount: number;
  skipped: string[];
}

export interface PullOptions {
  toolCache: string;
  env?: NodeJS.ProcessEnv;
  /** Progress lines for the log (a long pull says how far it is). */
  log?: (line: string) => void;
  /** The HTTP GET to use (tests). */
  get?: Get;
  /** node's arch name (process.arch) → the image's. */
  arch?: string;
}

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

/** Node's name of an architecture (process.arch) → the image spec's. */
function imageArch(nodeArch: string): string {
  return ARCH[nodeArch] ?? nodeArch;
}

/**
 * The image if it is in the cache already, made by `owner` (root's, for an
 * action that is not root: it pulls through sudo), without unpacking
 * anything: a pinned one without the registry, a tag with its manifests
 * (which needs no root). Undefined when it must be pulled.
 */
export async function lookupCached(text: string, opts: PullOptions & { owner: number }): Promise<PulledImage | undefined> {
  const started = Date.now();
  const roots = path.join(opts.toolCache, IMAGE_CACHE_DIR, 'roots');
  if (!existsSync(roots)) return undefined;
  const found = await resolve(text, roots, { owner: opts.owner, platform: imageArch(opts.arch ?? process.arch) }, opts);
  return 'entry' in found ? hit(found.entry, text, started) : undefined;
}

/** What the reference names: an entry already in the cache, or the manifests to pull. */
async function resolve(
  text: string,
  roots: string,
  trust: Trust,
  opts: PullOptions,
): Promise<{ entry: Marker & { root: string } } | { top: Fetched; manifest: Fetched; client: RegistryClient; ref: ImageReference }> {
  const ref = parseReference(text);
  // A pinned image already unpacked needs no registry at all.
  const known = ref.digest ? findByDigest(roots, ref.digest, trust) : undefined;
  if (known) return { entry: known };
  const client = new RegistryClient(ref, opts.env, opts.get);
  const top = await client.manifest(ref.digest ?? (ref.tag as string));
  const manifest = await platformManifest(client, top, ref, opts.arch ?? process.arch);
  const done = readMarker(roots, manifest.digest.slice('sha256:'.length), trust);
  if (done) return { entry: { ...done, digest: top.digest } };
  return { top, manifest, client, ref };
}

export async function pullImage(text: string, opts: PullOptions): Promise<PulledImage> {
  const started = Date.now();
  const log = opts.log ?? (() => {});
  const store = path.join(opts.toolCache, IMAGE_CACHE_DIR);
  const roots = path.join(store, 'roots');
  mkdirSync(roots, { recursive: true, mode: 0o755 });
  const trust: Trust = { owner: process.getuid?.() ?? 0, platform: imageArch(opts.arch ?? process.arch) };
  const found = await resolve(text, roots, trust, opts);
  if ('entry' in found) return hit(found.entry, text, started);
  const { top, manifest, client, ref } = found;
  const hex = manifest.digest.slice('sha256:'.length);

  return withLock(
    path.join(roots, `${hex}.lock`),
    async () => {
      const again = readMarker(roots, hex, trust);
      if (again) return hit({ ...again, digest: top.digest }, text, started);
      const blobs = path.join(store, 'blobs', 'sha256');
      mkdirSync(blobs, { recursive: true, mode: 0o755 });
      removeLeftovers(roots, blobs, hex);
      const parsed = JSON.parse(manifest.body.toString('utf8')) as { config?: Descriptor; layers?: Descriptor[] };
      if (!parsed.config || !Array.isArray(parsed.layers)) {
        throw new Error(`${formatReference(ref)}: the manifest ${manifest.digest} has no config or layers`);
      }
      // Every digest names a file below blobs/: anything but sha256:<64 hex> is refused before a path is made of it.
      for (const d of [parsed.config, ...parsed.layers]) checkDescriptor(d, manifest.digest);
      const layers = parsed.layers as (Descriptor & { size: number })[];
      // Docker and overlayfs stop at about 128 layers; more is an image made to exhaust the pull.
      if (layers.length > MAX_LAYERS)
        throw new Error(`the manifest ${manifest.digest} lists ${layers.length} layers (at most ${MAX_LAYERS})`);
      const configDescriptor = parsed.config as Descriptor & { size: number };
      // A blob listed twice is fetched once.
      const wanted = [...new Map([configDescriptor, ...layers].map((d) => [d.digest, d])).values()];
      const total = wanted.reduce((n, d) => n + d.size, 0);
      let fetched = 0;
      let lastReport = Date.now();
      const progress = (n: number) => {
        fetched += n;
        if (Date.now() - lastReport >= 5000) {
          lastReport = Date.now();
          log(`Pulling ${text}: ${mib(fetched)} of ${mib(total)}`);
        }
      };
      // Blobs in parallel (a few at a time), each checked against its digest as it comes. A kept one (this cache's, or
      // restored from elsewhere by actions/cache) is used only if it is a plain file; its bytes are checked as they are
      // unpacked below, and one that fails is fetched again.
      const fresh = new Set<string>();
      const fetch = async (d: Descriptor & { size: number }) => {
        const file = blobFile(blobs, d.digest);
        removeUnlessPlainFile(file);
        if (existsSync(file)) return;
        await client.blob(d.digest, d.size, file, progress);
        fresh.add(d.digest);
      };
      await inParallel(wanted, 3, fetch);
      const pulled = Date.now();

      const readConfig = async (): Promise<ImageConfig> => {
        const file = blobFile(blobs, configDescriptor.digest);
        let bytes: Buffer | undefined;
        try {
          bytes = readPlainFile(file, 4 * 2 ** 20);
        } catch (error) {
          if (fresh.has(configDescriptor.digest)) throw error;
        }
        if (bytes === undefined || sha256(bytes) !== configDescriptor.digest) {
          if (fresh.has(configDescriptor.digest)) throw new Error(`the config ${configDescriptor.digest} changed on disk`);
          rmSync(file, { force: true });
          await fetch(configDescriptor);
          return readConfig();
        }
        try {
          return (JSON.parse(bytes.toString('utf8')) as { config?: ImageConfig }).config ?? {};
        } catch {
          throw new Error(`the config ${configDescriptor.digest} is not JSON`);
        }
      };
      const config = await readConfig();

      // The tree is built in a directory only root can enter when root pulls: an image's setuid programs, kept as
      // they are, must not be reachable by the runner's other users.
      const partial = path.join(roots, `.${hex}.partial-${process.pid}`);
      rmSync(partial, { recursive: true, force: true });
      mkdirSync(partial, { mode: 0o700 });
      try {
        let tree = new LayeredTree(path.join(partial, 'rootfs'));
        for (let i = 0; i < layers.length; i++) {
          const layer = layers[i] as Descriptor & { size: number };
          const label = `layer ${i + 1} (${layer.digest})`;
          const applied = await tree.apply(verified(blobFile(blobs, layer.digest), layer.digest), label).then(
            () => true,
            (error: unknown) => {
              // A kept blob that fails in any way (its digest, or a damaged stream that fails before the digest is
              // known) is not trusted: fetched again. One fetched now that fails is the image's fault.
              if (!fresh.has(layer.digest)) return false;
              throw error;
            },
          );
          if (!applied) {
            // The tree is started over with the blob fetched again.
            rmSync(blobFile(blobs, layer.digest), { force: true });
            await fetch(layer);
            rmSync(path.join(partial, 'rootfs'), { recursive: true, force: true });
            tree = new LayeredTree(path.join(partial, 'rootfs'));
            i = -1;
          }
        }
        tree.finish();
        const marker: Marker = {
          reference: text,
          digest: top.digest,
          manifestDigest: manifest.digest,
          platform: trust.platform,
          config: pick(config),
          unpackedBytes: tree.stats.bytes,
          skippedCount: tree.stats.skippedCount,
          skipped: tree.stats.skipped,
        };
        renameSync(partial, path.join(roots, hex));
        writeFileSync(path.join(roots, `${hex}.json.tmp`), JSON.stringify(marker));
        renameSync(path.join(roots, `${hex}.json.tmp`), path.join(roots, `${hex}.json`));
        return {
          ...marker,
          reference: text,
          root: path.join(roots, hex, 'rootfs'),
          cached: false,
          fetchedBytes: fetched,
          pullMs: pulled - started,
          unpackMs: Date.now() - pulled,
        };
      } catch (error) {
        rmSync(partial, { recursive: true, force: true });
        throw error;
      }
    },
    LOCK_WAIT_MS,
  );
}

const MAX_LAYERS = 128;

/** How long a pull waits for another pull of the same image (a large one may take a while). */
const LOCK_WAIT_MS = 30 * 60_000;

function checkDescriptor(d: Descriptor, manifest: string): asserts d is Descriptor & { size: number } {
  if (typeof d.digest !== 'string' || !DIGEST.test(d.digest)) {
    throw new Error(`the manifest ${manifest} names a blob by ${JSON.stringify(d.digest)}: only sha256:<64 hex> digests are accepted`);
  }
  if (typeof d.size !== 'number' || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw new Error(`the manifest ${manifest} gives blob ${d.digest} no valid size`);
  }
}

/** A name in blobs/ that is anything but a plain file (a link a restored cache brought, say) is removed, never followed. */
function removeUnlessPlainFile(file: string): void {
  const st = lstatSync(file, { throwIfNoEntry: false });
  if (st && !st.isFile()) rmSync(file, { recursive: true, force: true });
}

function readPlainFile(file: string, max: number): Buffer {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size > max) throw new Error(`${file}: not a plain file of at most ${max} bytes`);
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * A layer's bytes, decompressed by what they start with (gzip, zstd or a
 * plain tar), whatever the media type says, and hashed as they are read:
 * what is unpacked is what was checked, whatever happens to the file
 * meanwhile. A mismatch fails the layer at its end (the tree is then thrown
 * away).
 */
async function* verified(file: string, digest: string): AsyncIterable<Buffer> {
  // Non-blocking: a FIFO put in a blob's place must not hold the pull (and its lock) in open().
  const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new Error(`${path.basename(file)}: not a plain file`);
  }
  const head = Buffer.alloc(4);
  readSync(fd, head, 0, 4, 0);
  const raw = createReadStream('', { fd, start: 0, highWaterMark: 1 << 20 });
  const hash = createHash('sha256');
  raw.on('data', (chunk: string | Buffer) => {
    hash.update(chunk);
  });
  const ended = new Promise<void>((resolve, reject) => {
    raw.once('end', resolve);
    raw.once('error', reject);
  });
  ended.catch(() => {});
  let source: AsyncIterable<Buffer> = raw;
  let inflate: NodeJS.ReadWriteStream | undefined;
  if (head[0] === 0x1f && head[1] === 0x8b) inflate = zlib.createGunzip({ chunkSize: 1 << 18 });
  else if (head.readUInt32LE(0) === 0xfd2fb528) {
    const zstd = (zlib as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress;
    if (!zstd) {
      raw.destroy();
      throw new Error(`${path.basename(file)}: a zstd layer needs Node.js 22.15 or later to unpack`);
    }
    inflate = zstd();
  }
  if (inflate) {
    const out = inflate;
    raw.on('error', (e) => (out as unknown as Readable).destroy(e));
    source = raw.pipe(out) as unknown as AsyncIterable<Buffer>;
  }
  try {
    yield* source;
    // The decompressor may stop at its stream's end before the file's: the rest is read (and hashed) too.
    if (!raw.readableEnded) {
      if (inflate) raw.unpipe();
      raw.resume();
    }
    await ended;
  } finally {
    raw.destroy();
  }
  const actual = `sha256:${hash.digest('hex')}`;
  if (actual !== digest) throw new Error(`${path.basename(file)}: the kept blob is not ${digest} (it is ${actual})`);
}

function hit(m: Marker & { root?: string }, reference: string, started: number): PulledImage {
  return {
    ...m,
    reference,
    root: m.root as string,
    cached: true,
    fetchedBytes: 0,
    pullMs: Date.now() - started,
    unpackMs: 0,
  };
}

/**
 * Whose entries are believed. A pull makes its entry as the user it runs as
 * (root, on a runner: directly or through sudo), the tree in a 0700 directory;
 * an entry of anyone else's — one an `actions/cache` restore brought, say,
 * owned by the runner's user — is not this cache's, and is never used (a
 * pull replaces it).
 */
interface Trust {
  owner: number;
  /** The image's name of the runner's architecture: an entry is for one platform. */
  platform: string;
}

function readMarker(roots: string, hex: string, trust: Trust): (Marker & { root: string }) | undefined {
  const entry = path.join(roots, hex);
  try {
    const dir = lstatSync(entry);
    const file = lstatSync(`${entry}.json`);
    if (!dir.isDirectory() || dir.uid !== trust.owner || (dir.mode & 0o777) !== 0o700) return undefined;
    if (!file.isFile() || file.uid !== trust.owner || file.size > MARKER_MAX) return undefined;
    const m = JSON.parse(readFileSync(`${entry}.json`, 'utf8')) as Marker;
    if (m.platform !== trust.platform || m.manifestDigest !== `sha256:${hex}`) return undefined;
    // The tree itself is root's to enter: the overlay is mounted by root.
    return { ...m, root: path.join(entry, 'rootfs') };
  } catch {
    return undefined;
  }
}

const MARKER_MAX = 1 << 20;

/** A complete entry whose top-level digest (an index, say) is `digest`. */
function findByDigest(roots: string, digest: string, trust: Trust): (Marker & { root: string }) | undefined {
  const direct = readMarker(roots, digest.slice('sha256:'.length), trust);
  if (direct) return direct;
  for (const name of readdirSync(roots)) {
    if (!/^[0-9a-f]{64}\.json$/.test(name)) continue;
    const m = readMarker(roots, name.slice(0, -'.json'.length), trust);
    if (m?.digest === digest) return m;
  }
  return undefined;
}

/** The manifest to unpack: `top` itself, or the entry of an index for this platform (fetched and checked). */
async function platformManifest(
  client: RegistryClient,
  top: { digest: string; mediaType: string; body: Buffer },
  ref: ImageReference,
  nodeArch: string,
) {
  const json = JSON.parse(top.body.toString('utf8')) as { mediaType?: string; manifests?: Descriptor[]; layers?: unknown };
  if (!Array.isArray(json.manifests)) return top;
  const arch = imageArch(nodeArch);
  const candidates = json.manifests.filter((m) => m.platform?.os === 'linux' && m.platform.architecture === arch);
  const chosen = candidates.find((m) => !m.platform?.variant || (arch === 'arm64' && m.platform.variant === 'v8')) ?? candidates[0];
  if (!chosen) {
    const offered = json.manifests.map(
      (m) => `${m.platform?.os}/${m.platform?.architecture}${m.platform?.variant ? `/${m.platform.variant}` : ''}`,
    );
    throw new Error(`${formatReference(ref)}: no linux/${arch} image in the index (it has ${offered.join(', ') || 'none'})`);
  }
  // A digest the index names is enforced like one in the document: only sha256 is accepted.
  if (typeof chosen.digest !== 'string' || !DIGEST.test(chosen.digest)) {
    throw new Error(
      `${formatReference(ref)}: the index names the linux/${arch} image by ${JSON.stringify(chosen.digest)}: only sha256:<64 hex> digests are accepted`,
    );
  }
  return client.manifest(chosen.digest);
}

function blobFile(dir: string, digest: string): string {
  return path.join(dir, digest.slice('sha256:'.length));
}

/** What a cell uses of the config: nothing else is kept. */
function pick(c: ImageConfig): ImageConfig {
  return { Env: c.Env, WorkingDir: c.WorkingDir };
}

/**
 * Under the lock: a tree without its marker, partial trees of pulls that died
 * (their pid is gone), and blobs half-downloaded by them (actions/cache would
 * keep those).
 */
function removeLeftovers(roots: string, blobs: string, hex: string): void {
  rmSync(path.join(roots, hex), { recursive: true, force: true });
  for (const name of readdirSync(roots)) {
    const m = /^\.([0-9a-f]{64})\.partial-([0-9]+)$/.exec(name);
    if (m && m[1] === hex && !alive(Number(m[2]))) rmSync(path.join(roots, name), { recursive: true, force: true });
  }
  for (const name of readdirSync(blobs)) {
    const m = /^[0-9a-f]{64}\.partial-([0-9]+)-[0-9a-f]+$/.exec(name);
    if (m && !alive(Number(m[1]))) rmSync(path.join(blobs, name), { force: true });
  }
}

async function inParallel<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}
