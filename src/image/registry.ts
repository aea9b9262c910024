/**
 * A small client of the OCI distribution API: manifests and blobs, pulled
 * anonymously or with stored credentials (Bearer token or Basic, as the
 * registry's challenge asks). Every byte it returns is checked against the
 * digest it was asked for.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { authFiles, type Credentials, credentialsFor } from './credentials.js';
import { DIGEST, type ImageReference, isLoopbackRegistry, registryEndpoint } from './reference.js';

export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
] as const;

/** Manifests are small; anything larger is refused before it is read. */
const MANIFEST_MAX = 4 * 2 ** 20;

export interface Fetched {
  /** The body's digest (sha256), checked against the one asked for, if any. */
  digest: string;
  mediaType: string;
  body: Buffer;
}

export class RegistryClient {
  private readonly endpoint: string;
  private authorization: string | undefined;
  private readonly credentials: Credentials | undefined;

  constructor(
    private readonly ref: ImageReference,
    env: NodeJS.ProcessEnv = process.env,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.endpoint = registryEndpoint(ref.registry);
    this.credentials = credentialsFor(ref.registry, env);
    this.files = authFiles(env);
  }

  private readonly files: string[];

  /** A manifest or index, by tag or digest; a digest is enforced. */
  async manifest(reference: string): Promise<Fetched> {
    const url = `${this.endpoint}/v2/${this.ref.repository}/manifests/${reference}`;
    const res = await this.get(url, { accept: MANIFEST_TYPES.join(', ') });
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > MANIFEST_MAX) throw new Error(`${url}: a manifest of ${length} bytes is more than ${MANIFEST_MAX}`);
    const body = Buffer.from(await res.arrayBuffer());
    if (body.length > MANIFEST_MAX) throw new Error(`${url}: a manifest of ${body.length} bytes is more than ${MANIFEST_MAX}`);
    const digest = sha256(body);
    if (DIGEST.test(reference) && digest !== reference) {
      throw new Error(`GET ${url}: digest mismatch: expected ${reference}, got ${digest}`);
    }
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0]?.trim() || mediaTypeOf(body);
    return { digest, mediaType, body };
  }

  /** A blob into `file` (written beside it, renamed once its digest is checked); returns its size. */
  async blob(digest: string, file: string, onBytes?: (n: number) => void): Promise<number> {
    if (!DIGEST.test(digest)) throw new Error(`a blob digest must be sha256:<64 hex>, got ${JSON.stringify(digest)}`);
    const url = `${this.endpoint}/v2/${this.ref.repository}/blobs/${digest}`;
    const res = await this.get(url, {});
    if (!res.body) throw new Error(`${url}: the registry sent no body`);
    const partial = `${file}.partial-${process.pid}`;
    const hash = createHash('sha256');
    let size = 0;
    try {
      const out = createWriteStream(partial, { mode: 0o644 });
      const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
      body.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        size += chunk.length;
        onBytes?.(chunk.length);
      });
      await new Promise<void>((resolve, reject) => {
        body.on('error', reject);
        out.on('error', reject);
        out.on('finish', resolve);
        body.pipe(out);
      });
      const actual = `sha256:${hash.digest('hex')}`;
      if (actual !== digest) throw new Error(`GET ${url}: digest mismatch: expected ${digest}, got ${actual}`);
      await fs.rename(partial, file);
      return size;
    } catch (error) {
      await fs.rm(partial, { force: true });
      throw error;
    }
  }

  /** GET, answering the registry's challenge once; any status but 200 is an error naming the URL. */
  private async get(url: string, headers: Record<string, string>): Promise<Response> {
    let res = await this.send(url, headers);
    if (res.status === 401 && (await this.answer(res.headers.get('www-authenticate') ?? '', url))) {
      res = await this.send(url, headers);
    }
    if (res.status === 200) return res;
    await res.body?.cancel().catch(() => {});
    const who = `${this.ref.registry}/${this.ref.repository}`;
    if (res.status === 401) {
      const had = this.credentials
        ? `the credentials from ${this.credentials.from} were refused`
        : `no credentials for ${this.ref.registry} in ${this.files.join(' or ')}`;
      throw new Error(`GET ${url}: 401 Unauthorized from ${who}: ${had}`);
    }
    throw new Error(`GET ${url}: ${res.status} ${res.statusText || 'error'} from ${who}`);
  }

  private async send(url: string, headers: Record<string, string>): Promise<Response> {
    const all: Record<string, string> = { 'user-agent': 'gvisor-cell', ...headers };
    if (this.authorization) all.authorization = this.authorization;
    try {
      return await this.fetchImpl(url, { headers: all, redirect: 'follow' });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      throw new Error(`GET ${url}: ${cause ?? (error as Error).message}`);
    }
  }

  /** Sets the authorization a 401's challenge asks for; false when there is nothing to answer with. */
  private async answer(challenge: string, url: string): Promise<boolean> {
    const scheme = (challenge.split(' ', 1)[0] ?? '').toLowerCase();
    const params = challengeParams(challenge);
    const basic = this.credentials
      ? `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`
      : undefined;
    if (scheme === 'basic') {
      if (!basic || this.authorization === basic) return false;
      this.authorization = basic;
      return true;
    }
    if (scheme !== 'bearer' || !params.realm) return false;
    const realm = new URL(params.realm);
    // Credentials go to a token service over HTTPS only (or to one on this machine).
    const plain = realm.protocol === 'http:' && !isLoopbackRegistry(realm.host);
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw new Error(`${url}: token realm ${params.realm} is not HTTP(S)`);
    if (params.service) realm.searchParams.set('service', params.service);
    realm.searchParams.set('scope', params.scope ?? `repository:${this.ref.repository}:pull`);
    const headers: Record<string, string> = { 'user-agent': 'gvisor-cell' };
    if (basic && !plain) headers.authorization = basic;
    let res: Response;
    try {
      res = await this.fetchImpl(realm, { headers });
    } catch (error) {
      throw new Error(`GET ${realm.origin}${realm.pathname} (token for ${this.ref.registry}): ${(error as Error).message}`);
    }
    if (res.status !== 200) {
      await res.body?.cancel().catch(() => {});
      throw new Error(`GET ${realm.origin}${realm.pathname} (token for ${this.ref.registry}): ${res.status} ${res.statusText || 'error'}`);
    }
    const json = (await res.json()) as { token?: string; access_token?: string };
    const token = json.token ?? json.access_token;
    if (!token) throw new Error(`${realm.origin}${realm.pathname}: the token service sent no token`);
    this.authorization = `Bearer ${token}`;
    return true;
  }
}

/** `Bearer realm="…",service="…",scope="…"` → its parameters. */
export function challengeParams(challenge: string): Record<string, string> {
  const out: Record<string, string> = {};
  const rest = challenge.slice(challenge.indexOf(' ') + 1);
  for (const m of rest.matchAll(/([A-Za-z_]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    out[(m[1] as string).toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
  }
  return out;
}

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function mediaTypeOf(body: Buffer): string {
  try {
    return String((JSON.parse(body.toString('utf8')) as { mediaType?: string }).mediaType ?? '');
  } catch {
    return '';
  }
}
